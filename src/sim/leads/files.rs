//! The scenario's files of numbers: how they are read (`[numbers.read]`), the exclusion sources it names
//! (checked against the countries it dials) and their digests for the run folder's manifest.

use crate::exclude::{Column, Exclusions, InputOptions, parse_delimiter};
use crate::foundation::error::{Error, Param, Result};
use crate::plan::Plan;
use crate::plan::number::PhoneNumber;
use crate::scenario::Scenario;

/// The example known databases compiled in, so the default scenario runs without the data folder.
pub(super) const EMBEDDED_KNOWN: &[(&str, &str)] = &[
    ("data/known/customers.csv", include_str!("../../../data/known/customers.csv")),
    ("data/known/purchased-list.csv", include_str!("../../../data/known/purchased-list.csv")),
    ("data/known/dnc-register.csv", include_str!("../../../data/known/dnc-register.csv")),
    ("data/known/objectors.csv", include_str!("../../../data/known/objectors.csv")),
];

/// The sources a scenario reads — filters, suppression lists, the number list — each with the SHA-256 of its
/// content (an example database missing from disk is the copy compiled in, named `embedded:PATH`), for the run
/// folder's manifest.
pub fn scenario_sources(scenario: &Scenario) -> Result<Vec<crate::foundation::digest::SourceRecord>> {
    use crate::foundation::digest::SourceRecord;
    let mut out = Vec::new();
    for (path, kind) in scenario.input_files() {
        match (std::path::Path::new(&path).exists(), EMBEDDED_KNOWN.iter().find(|(p, _)| *p == path)) {
            (false, Some((_, text))) => out.push(SourceRecord {
                name: format!("embedded:{path}"),
                kind,
                sha256: Some(crate::foundation::digest::sha256_hex(text.as_bytes())),
                excluded: 0,
            }),
            _ => out.push(SourceRecord::of(&path, &kind, 0)?),
        }
    }
    Ok(out)
}

/// How the scenario's CSV files of numbers are read (`[numbers.read]`; what it leaves out is detected).
pub(super) fn read_options(scenario: &Scenario, plan: &Plan) -> Result<InputOptions> {
    let r = &scenario.numbers.read;
    let bad = |key: &str, e: String| Error::Invalid(format!("numbers.read.{key}: {e}").into());
    let mut options = InputOptions::for_plan(plan);
    // A scenario's files are read for its plan's country: no option tells another.
    options.country_option = false;
    options.columns =
        r.columns.iter().map(|c| c.parse::<Column>().map_err(|e| bad("columns", e))).collect::<Result<_>>()?;
    options.delimiter = r.delimiter.as_deref().map(parse_delimiter).transpose().map_err(|e| bad("delimiter", e))?;
    options.encoding = r.encoding.as_deref().map(str::parse).transpose().map_err(|e| bad("encoding", e))?;
    if let Some(h) = &r.header {
        options.header = h.parse().map_err(|e| bad("header", e))?;
    }
    if let Some(share) = r.max_rejected {
        if !(0.0..=1.0).contains(&share) {
            return Err(bad("max_rejected", format!("{share} is not a share between 0 and 1")));
        }
        options.max_rejected = share;
    }
    Ok(options)
}

/// An error on reading a scenario's files, with the reading options its advice names written as the scenario's
/// `[numbers.read]` keys: a scenario's files are read by those keys, not by a front end's reading options.
pub(super) fn in_scenario_keys(e: Error) -> Error {
    let key = |p: Param| match p {
        Param::Columns => "numbers.read.columns".to_string(),
        Param::Delimiter => "numbers.read.delimiter".to_string(),
        Param::Header => "numbers.read.header".to_string(),
        Param::MaxRejected => "numbers.read.max_rejected".to_string(),
        other => format!("`{}`", other.name()),
    };
    match e {
        Error::Input { at, message } => Error::input(at.file, at.line, message.render(&key)),
        Error::Invalid(message) => Error::Invalid(message.render(&key).into()),
        other => other,
    }
}

/// The filters and suppression lists a scenario names, read with its `[numbers.read]` options through
/// [`crate::exclude::load_exclusions`] (the example known databases also from the copies
/// compiled in, so the default scenario runs without the data folder). Each must hold mostly numbers the
/// campaign dials: its plan's country's, or those of a country its `numbers.list` holds numbers of (a register
/// of that country, say).
pub fn scenario_exclusions(scenario: &Scenario, plan: &Plan) -> Result<Exclusions> {
    // The list only widens the countries allowed: one that cannot be read now (moved since the run) leaves
    // the plan's country alone, and a register of another country is then refused by name.
    let list = if scenario.numbers.list.is_empty() {
        Vec::new()
    } else {
        read_options(scenario, plan)?.read_path(&scenario.numbers.list).map(|r| r.keys).unwrap_or_default()
    };
    exclusions_for(scenario, plan, &list)
}

/// [`scenario_exclusions`] for a campaign whose list holds `list`.
pub(super) fn exclusions_for(scenario: &Scenario, plan: &Plan, list: &[u64]) -> Result<Exclusions> {
    let n = &scenario.numbers;
    let exclusions = crate::exclude::load_exclusions(
        &n.exclude,
        &scenario.suppression_paths(),
        &read_options(scenario, plan)?,
        EMBEDDED_KNOWN,
        &mut |_| {},
    )
    .map_err(in_scenario_keys)?;
    let mut dialled = vec![plan.country_code()];
    let listed: std::collections::BTreeSet<u16> =
        list.iter().filter_map(|&k| PhoneNumber::from_key(k)).map(|n| n.country_code).collect();
    dialled.extend(listed.into_iter().filter(|&cc| cc != plan.country_code()));
    exclusions.check_countries(&dialled, None)?;
    Ok(exclusions)
}
