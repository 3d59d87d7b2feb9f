//! `dialsim audit DIR`: re-checks a simulated run from its output files.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::Plan;
use dialsim::compliance::{AuditOptions, KnownHit, audit_folder, read_run_scenario};
use dialsim::exclude::Source;

/// Exit code when the audit finds violations.
pub const EXIT_VIOLATIONS: i32 = 4;

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// The run's output folder (calls.csv, suppression.csv, consents.jsonl, names.csv, summary.json).
    dir: PathBuf,
    /// A Bloom filter of known databases no dialled number may be in (repeatable).
    #[arg(long = "exclude", value_name = "FILE.bloom")]
    exclude: Vec<PathBuf>,
    /// A CSV of numbers no dialled number may be in (repeatable).
    #[arg(long = "suppress", value_name = "FILE.csv")]
    suppress: Vec<String>,
    /// Also read the exclusion sources the run's scenario names (paths recorded in its summary.json). Without
    /// it, audit reads only the run folder and the files named on its command line.
    #[arg(long = "follow-scenario-paths")]
    follow_scenario_paths: bool,
    /// The key file the run was signed with (`simulate --key`): the manifest's signature is checked, so a
    /// folder edited and given a recomputed manifest is a violation.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Count Bloom-filter hits ("possibly known", false positives possible) as violations for the exit code.
    #[arg(long = "strict-bloom")]
    strict_bloom: bool,
    /// The folder predates manifests: a missing manifest.json is not a violation (without it, a missing
    /// manifest is one, since nothing then shows the files are the run's). A manifest that is there is checked.
    #[arg(long = "no-manifest")]
    no_manifest: bool,
    /// Print the findings as one JSON document on stdout (counts, violations, possibly known) instead of
    /// one line per violation.
    #[arg(long)]
    json: bool,
    /// Audit against this compliance profile instead of the run's own: a jurisdiction (the regime in force on
    /// each campaign day: cz, sk, de, gb, us) or a named regime (cz-2018, cz-2022, uk-ofcom, us-tsr, …). Would
    /// the campaign be lawful under the law in force, or elsewhere?
    #[arg(long, value_name = "PROFILE")]
    profile: Option<String>,
    /// A registry (an SQLite file or a postgres:// URL): no dialled number may have been suppressed in it when
    /// the run read it (the state its registry.json records; without one, the registry as it stands).
    #[arg(long, value_name = "PATH|URL")]
    registry: Option<String>,
    #[command(flatten)]
    input: super::input_args::InputArgs,
}

pub fn run(args: AuditArgs) -> Result<i32> {
    let key = args.key.as_ref().map(dialsim::manifest::read_key).transpose()?;
    let scenario = read_run_scenario(&args.dir)?;
    // The files given here, and the run's own exclusion sources (paths its scenario recorded) only when asked:
    // a run folder from elsewhere must not make audit read, or echo, files it names.
    let mut exclusions = dialsim::exclude::Exclusions::new();
    let suppress = scenario.suppression_paths();
    let recorded: Vec<&String> = scenario.numbers.exclude.iter().chain(&suppress).collect();
    if !args.follow_scenario_paths && !recorded.is_empty() && args.exclude.is_empty() && args.suppress.is_empty() {
        note!(
            "dialsim: not checked: known-number (the run's scenario names {}); give the source lists with \
             --exclude/--suppress, or add --follow-scenario-paths to read the recorded paths",
            recorded.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    if args.follow_scenario_paths || !args.exclude.is_empty() || !args.suppress.is_empty() {
        // The plan reads the sources' numbers. A plan the run read from a file is such a recorded path too.
        let spec = scenario.numbers.plan.trim();
        if !args.follow_scenario_paths && !Plan::embedded_names().any(|n| n.eq_ignore_ascii_case(spec)) {
            anyhow::bail!(dialsim::Error::Request(format!(
                "the run's numbering plan is the file {spec}, which its summary names: add --follow-scenario-paths \
                 to read it (the numbers of --exclude/--suppress are read with it)"
            )));
        }
        let plan = Plan::resolve(spec)?;
        if args.follow_scenario_paths {
            exclusions.append(dialsim::sim::scenario_exclusions(&scenario, &plan)?);
        }
        exclusions.append(super::generate::load_exclusions(&plan, &args.exclude, &args.suppress, &args.input)?);
    }
    if let Some(r) = &args.registry {
        let read = dialsim::registry::as_the_run_read(r, &args.dir)?;
        match &read.recorded {
            Some(state) if state.registry != read.location => {
                note!("dialsim: warning: the run read the registry {}, not {}", state.registry, read.location)
            }
            Some(_) => {}
            None => note!(
                "dialsim: the run recorded no registry state ({}): checked against the registry as it stands now",
                dialsim::registry::STATE_FILE
            ),
        }
        exclusions.push(
            format!("registry:{r} as of source {}", read.as_of_source),
            Source::Suppression(dialsim::exclude::SuppressionList::from_keys(read.suppressed)),
        );
    }
    // An exact list's hit is certain; a Bloom filter's only possible (false positives).
    let known = |k: u64| -> Option<KnownHit> {
        let sources = exclusions.sources();
        let hit = |exact: bool| {
            sources.iter().find(|(_, s)| matches!(s, Source::Suppression(_)) == exact && s.contains_key(k))
        };
        hit(true)
            .map(|(n, _)| KnownHit { source: n.clone(), certain: true })
            .or_else(|| hit(false).map(|(n, _)| KnownHit { source: n.clone(), certain: false }))
    };
    let profile = match &args.profile {
        Some(p) => Some(p.parse::<dialsim::Profile>().map_err(dialsim::Error::Request)?),
        None => None,
    };
    let options = AuditOptions {
        profile,
        key,
        known: (!exclusions.is_empty()).then_some(&known as &dyn Fn(u64) -> _),
        without_manifest: args.no_manifest,
    };
    let report = audit_folder(&args.dir, &options)?;
    match &report.manifest {
        None if args.no_manifest => {
            note!("dialsim: not checked: manifest (the folder has no manifest.json; --no-manifest: it predates them)")
        }
        None => note!("dialsim: a folder written before dialsim wrote manifests is audited with --no-manifest"),
        Some(m) => {
            if options.key.is_none() && m.signature.is_some() {
                note!("dialsim: not checked: signature (the manifest is signed; give the run's key with --key)");
            }
            // Sources given here are matched to the run's by content.
            let given = args.exclude.iter().map(|p| p.display().to_string()).chain(args.suppress.iter().cloned());
            for name in given.filter(|n| n != "-") {
                let hash = dialsim::open::open(name.as_ref())
                    .and_then(|mut i| dialsim::digest_reader(&mut i.file).map_err(|e| dialsim::Error::io(&name, e)));
                match hash.map(|d| d.sha256) {
                    Ok(hash) => match m.sources.iter().find(|s| s.sha256.as_deref() == Some(hash.as_str())) {
                        Some(s) => note!("dialsim: {name} is the run's source {}", s.name),
                        None => note!("dialsim: {name} is not one of the sources the run read (its content differs)"),
                    },
                    Err(e) => note!("dialsim: {name} not matched to the run's sources: {e}"),
                }
            }
        }
    }
    let by_rule = report.by_rule();
    let law = report.scenario.law_summary();
    let warnings = report.scenario.law_warnings();
    if !args.json {
        for w in &warnings {
            note!("dialsim: warning: {w}");
        }
    }
    if args.json {
        let json =
            dialsim::report::AuditJson { folder: args.dir.display().to_string(), strict_bloom: args.strict_bloom };
        super::simulate::print(&json, &report)?;
    }
    for v in report.violations.iter().chain(&report.possibly_known).filter(|_| !args.json) {
        let at = v.at.as_ref().map(|p| format!("\t{p}")).unwrap_or_default();
        match v.call_id {
            Some(c) => out!("call {c}\t{}\t{}{at}", v.rule, v.detail),
            None => out!("-\t{}\t{}{at}", v.rule, v.detail),
        }
    }
    let total = report.violations.len();
    let bloom = report.possibly_known.len();
    note!(
        "dialsim: audited {} calls, {} suppression entries, {} receipts, {} names under {} [{law}]: {}{}",
        report.calls,
        report.suppression_entries,
        report.receipts,
        report.names,
        report.scenario.compliance.profile.as_str(),
        if total == 0 {
            "no violations".to_string()
        } else {
            let parts: Vec<String> = by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
            format!("{total} violations ({})", parts.join(", "))
        },
        if bloom == 0 {
            String::new()
        } else {
            format!(
                "; {bloom} possibly known (Bloom filter; false positives possible{})",
                if args.strict_bloom { ", counted: --strict-bloom" } else { ", not counted without --strict-bloom" }
            )
        }
    );
    if let Some(gap) = report.unproven() {
        let closes = if options.key.is_none() { ": sign the run (simulate --key) and audit with --key" } else { "" };
        note!("dialsim: not provable: {gap}{closes}");
    }
    Ok(if report.is_clean(args.strict_bloom) { 0 } else { EXIT_VIOLATIONS })
}
