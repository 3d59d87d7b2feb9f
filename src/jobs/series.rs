//! Campaigns one after another against one registry (`simulate --campaigns N --every Dd`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::campaign::{RegistryUse, RunJob, WriteBack, prior, run_into};
use super::reading::{Note, Notes, scenario_notes};
use crate::foundation::error::{Error, Result};
use crate::output::RunFolder;
use crate::scenario::{Scenario, ScenarioSource, Setting};
use crate::sim::Campaign;

/// A series: `campaigns` campaigns `every_days` apart from the scenario's start date, each a run folder
/// `dir/campaign-NN` written and committed, then written back to the registry, before the next reads it.
#[derive(Debug)]
pub struct SeriesJob<'a> {
    /// The scenario's source.
    pub source: &'a ScenarioSource,
    /// Its text overrides (`key=value`), at every campaign; each campaign's start date is set on top.
    pub set: &'a [String],
    /// The registry (a path or a URL); none: the scenario's `registry`.
    pub registry: Option<&'a str>,
    /// The folder of the series: new, empty, or an earlier series' (its campaigns and series.csv only; `-` is
    /// refused: a folder cannot go to standard output).
    pub dir: &'a Path,
    /// How many campaigns (1 to 120).
    pub campaigns: u32,
    /// Days from one campaign's start to the next's (1 to 3650).
    pub every_days: i64,
    /// The series' seed; campaign `i` runs with [`crate::foundation::rng::replication_seed`]`(seed, i)`.
    pub seed: u64,
    /// Whether each campaign draws its day profile.
    pub plot: bool,
    /// The key file that signs each campaign's manifest, if any (read once, before the first campaign runs).
    pub key: Option<&'a std::path::Path>,
}

/// One campaign of a series: a row of `series.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesRow {
    /// 1, 2, …
    pub campaign: u32,
    /// Its first day.
    pub start_date: jiff::civil::Date,
    /// Its seed.
    pub seed: u64,
    /// Numbers the registry suppressed when it started.
    pub suppressed_before: usize,
    /// Numbers with a lawful basis then.
    pub bases_before: usize,
    /// Dials.
    pub dials: u64,
    /// Contacts (a person connected to an agent).
    pub contacts: u64,
    /// Objections.
    pub objections: u64,
    /// Consents granted.
    pub consents: u64,
    /// Consents withdrawn.
    pub withdrawals: u64,
    /// Calls to a number the registry suppressed when the campaign started (always 0: the check of it).
    pub dialled_suppressed: u64,
    /// Calls made on a basis other than none or research.
    pub calls_with_basis: u64,
    /// What went back to the registry.
    pub written_back: WriteBack,
    /// The registry written back to (a path or a URL): the series' own, or its scenario's.
    pub registry: String,
}

/// What a series did.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// One row per campaign.
    pub rows: Vec<SeriesRow>,
    /// `series.csv`'s text, as written.
    pub csv: String,
}

/// The header of `series.csv`.
pub const SERIES_HEADER: &str = "campaign,start_date,seed,suppressed_before,bases_before,dials,contacts,objections,\
                                 consents,withdrawals,dialled_suppressed,calls_with_basis";

impl SeriesRow {
    fn csv(&self) -> String {
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            self.campaign,
            self.start_date,
            self.seed,
            self.suppressed_before,
            self.bases_before,
            self.dials,
            self.contacts,
            self.objections,
            self.consents,
            self.withdrawals,
            self.dialled_suppressed,
            self.calls_with_basis
        )
    }
}

impl SeriesJob<'_> {
    /// The registry the series runs against, the first campaign's scenario and its start date, every request
    /// checked before anything runs (a registry named, counts in range, a folder that holds only a series,
    /// no input of the scenario inside it), from `source`: the request's, read once.
    fn prepare(&self, source: &ScenarioSource) -> Result<(String, Scenario, jiff::civil::Date)> {
        let first = source.load(self.set)?;
        let Some(registry) = self.registry.map(str::to_string).or_else(|| first.registry.clone()) else {
            return Err(Error::Request(
                "a series of campaigns needs a registry: name one, or give registry = \"…\" in the scenario".into(),
            ));
        };
        if self.campaigns == 0 || self.campaigns > 120 {
            return Err(Error::Request(format!("a series has 1 to 120 campaigns, not {}", self.campaigns).into()));
        }
        if !(1..=3650).contains(&self.every_days) {
            return Err(Error::Request(
                format!("a series' campaigns start 1 to 3650 days apart, not {}", self.every_days).into(),
            ));
        }
        let start: jiff::civil::Date = first
            .run
            .start_date
            .parse()
            .map_err(|e| Error::Request(format!("run.start_date {:?}: {e}", first.run.start_date).into()))?;
        // The series folder holds the campaigns' run folders and series.csv, nothing else.
        if let Ok(entries) = std::fs::read_dir(self.dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let ours = name == "series.csv"
                    || (name.starts_with("campaign-") && entry.path().join("manifest.json").exists());
                if !ours {
                    return Err(Error::Request(
                        format!(
                            "{}: holds {name}, which is not a campaign of a series: name an empty or new folder",
                            self.dir.display()
                        )
                        .into(),
                    ));
                }
            }
        }
        let inputs = source.inputs(&first);
        let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        crate::output::refuse_inputs_in_folder(self.dir, &inputs)?;
        Ok((registry, first, start))
    }
}

/// Runs `job`: campaign `i` is the scenario with its start date set ([`Setting::StartDate`]), with the
/// registry's prior as it stands after campaign `i − 1` wrote back. What the caller should know of each
/// campaign's scenario is told to `notes` once; `done` hears of each campaign as it ends, and `notes` is warned
/// of a campaign that dialled nothing. Writes `series.csv` into the series folder last.
pub fn run_series(job: &SeriesJob<'_>, notes: &mut Notes<'_>, done: &mut dyn FnMut(&SeriesRow)) -> Result<Series> {
    super::grid::refuse_stdout_folder(job.dir)?;
    // The scenario file is read once: every campaign loads the same text.
    let source = job.source.read()?;
    let (registry, _, start) = job.prepare(&source)?;
    // Read before any campaign: a bad key costs no run.
    let key = job.key.map(crate::output::manifest::read_key).transpose()?;
    let mut told: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    let mut csv = format!("{SERIES_HEADER}\n");
    for i in 0..job.campaigns {
        let day = start
            .checked_add(jiff::Span::new().days(job.every_days * i64::from(i)))
            .map_err(|e| Error::Invalid(format!("campaign {} of the series: {e}", i + 1).into()))?;
        let scenario = source.load_with(job.set, &[Setting::StartDate(day)])?;
        for note in scenario_notes(&scenario, job.set) {
            if let Note::Warning(t) | Note::Remark(t) = &note
                && !told.contains(t)
            {
                told.push(t.clone());
                notes(note);
            }
        }
        let (prior, state) = prior(&registry, &scenario)?;
        let (suppressed_before, bases_before) = (prior.suppressed.len(), prior.bases.len());
        let never: HashSet<String> = prior.suppressed.keys().map(|&k| crate::registry::e164(k)).collect();
        let campaign = Campaign::with_prior(scenario, prior)?;
        for w in campaign.abroad_law_warnings() {
            if !told.contains(&w) {
                told.push(w.clone());
                notes(Note::Warning(w));
            }
        }
        let sub = job.dir.join(format!("campaign-{:02}", i + 1));
        let seed = crate::foundation::rng::replication_seed(job.seed, i);
        let used = RegistryUse { location: registry.clone(), state };
        let run = RunJob { campaign: &campaign, seed, plot: job.plot, key: key.as_deref(), registry: Some(&used) };
        let ran = run_into(&run, RunFolder::create(&sub)?)?;
        let (dialled_suppressed, calls_with_basis) = calls_of(&sub.join("calls.csv"), &never)?;
        let s = &ran.output.summary;
        let row = SeriesRow {
            campaign: i + 1,
            start_date: day,
            seed,
            suppressed_before,
            bases_before,
            dials: s.dials,
            contacts: s.connects,
            objections: s.compliance.objections,
            consents: s.compliance.consents_granted,
            withdrawals: s.compliance.withdrawals,
            dialled_suppressed,
            calls_with_basis,
            written_back: ran.written_back.unwrap_or_default(),
            registry: registry.clone(),
        };
        let warning = s.set_aside_warning();
        csv.push_str(&row.csv());
        done(&row);
        if let Some(w) = warning {
            notes(Note::Warning(format!("campaign {} (from {day}): {w}", i + 1)));
        }
        if row.dials == 0 {
            notes(Note::Warning(format!(
                "campaign {} (from {day}) dialled nothing: no calling day in its run (a weekend or holiday?)",
                i + 1
            )));
        }
        rows.push(row);
    }
    let path = job.dir.join("series.csv");
    let mut file = crate::output::AtomicFile::create(&path, crate::output::Privacy::Public)?;
    std::io::Write::write_all(&mut file, csv.as_bytes()).map_err(|e| Error::io(&path, e))?;
    file.commit()?;
    Ok(Series { rows, csv })
}

/// Reads a campaign's calls.csv back: calls to a number in `never` (suppressed when the campaign started),
/// and calls on a basis other than none or research.
fn calls_of(calls: &PathBuf, never: &HashSet<String>) -> Result<(u64, u64)> {
    let format = |e: csv::Error| Error::Format { path: calls.clone(), message: e.to_string() };
    let mut reader = csv::Reader::from_path(calls).map_err(format)?;
    let headers = reader.headers().map_err(format)?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(number), Some(basis)) = (column("number"), column("basis")) else {
        return Err(Error::Format { path: calls.clone(), message: "no number or basis column".into() });
    };
    let (mut dialled_suppressed, mut with_basis) = (0u64, 0u64);
    for row in reader.records() {
        let row = row.map_err(format)?;
        dialled_suppressed += u64::from(never.contains(&row[number]));
        with_basis += u64::from(!matches!(&row[basis], "none" | "research"));
    }
    Ok((dialled_suppressed, with_basis))
}
