//! Reports of simulated runs and of the workflows built on them: every file and table is a format behind
//! [`Export`] (`export/`, one file per format), and a run's files are written as one run folder
//! ([`RunFolder`]): complete with its `manifest.json`, or not at all. This module formats; the binary decides
//! what to print.

mod export;
mod html;
mod plot;

/// The exports, one type per format (`export/`), with the run report they write from.
pub use export::{
    AuditJson, CALLS_HEADER, CallsCsv, CompareCsv, ConsentsJsonl, Export, FRONTIER_HEADER, FrontierCsv, HtmlReport,
    IntervalsCsv, NamesCsv, ReplicationsCsv, RunReport, SummaryJson, SuppressionCsv, SweepCsv, Table, write_call,
};
pub use html::Report;
pub use plot::{Series, frontier_svg, profile_svg, sweep_svg};

use std::path::Path;

use crate::analysis::Replications;
use crate::foundation::error::Result;
use crate::output::manifest::{Manifest, scenario_sha256};
use crate::output::{Privacy, RunFolder};
use crate::scenario::Scenario;
use crate::sim::RunOutput;

/// Writes `result` in `format` as the file `name` of `folder`, created with the mode `privacy` asks for.
pub fn write_file<R: ?Sized>(
    folder: &mut RunFolder,
    name: &str,
    privacy: Privacy,
    format: &dyn Export<R>,
    result: &R,
) -> Result<()> {
    folder.write(name, privacy, |out| format.write(out, result))
}

/// Runs `campaign` with `seed` into the run folder `folder`: `calls.csv` is written while the run goes (each
/// call's row as soon as it and every earlier call have ended), so memory does not grow with the calls made;
/// then the other files of [`write_run_files`]. The caller commits the folder.
pub fn simulate_into(folder: &mut RunFolder, campaign: &crate::sim::Campaign, seed: u64) -> Result<RunOutput> {
    let mut out = None;
    folder.write("calls.csv", Privacy::Personal, |w| {
        writeln!(w, "{CALLS_HEADER}")?;
        out = Some(campaign.run_streaming(seed, &mut |c| write_call(w, c))?);
        Ok(())
    })?;
    let run = out.expect("the run ran");
    // Referral links that outlived their retention unreached were streamed before the run knew it.
    if !run.erased_links.is_empty() {
        folder.rewrite("calls.csv", Privacy::Personal, |input, output| {
            crate::sim::erase_links(input, output, &run.erased_links)
        })?;
    }
    write_records(folder, &RunReport { scenario: campaign.scenario(), run: &run })?;
    folder.record_sources(crate::sim::scenario_sources(campaign.scenario())?);
    Ok(run)
}

/// Writes the run folder `dir` as a set: `calls.csv`, `suppression.csv`, `consents.jsonl`, `names.csv`,
/// `intervals.csv`, `summary.json`, `processing.json` (the record of processing) and `manifest.json`, all or nothing ([`RunFolder`]). The files holding
/// personal data (calls, suppression, consents, names) are readable by their owner only. Returns the manifest.
pub fn write_run(dir: &Path, scenario: &Scenario, run: &RunOutput) -> Result<Manifest> {
    let mut folder = RunFolder::create(dir)?;
    write_run_files(&mut folder, scenario, run)?;
    folder.record_sources(crate::sim::scenario_sources(scenario)?);
    folder.commit(run.seed, scenario_sha256(scenario))
}

/// Writes the files of [`write_run`] into `folder`, which the caller commits (after adding, say, a chart).
pub fn write_run_files(folder: &mut RunFolder, scenario: &Scenario, run: &RunOutput) -> Result<()> {
    let report = RunReport { scenario, run };
    write_file(folder, "calls.csv", Privacy::Personal, &CallsCsv, &report)?;
    write_records(folder, &report)
}

/// The files of a run folder but `calls.csv`: suppression, consents, names, intervals, the summary and the
/// record of processing.
fn write_records(folder: &mut RunFolder, report: &RunReport<'_>) -> Result<()> {
    write_file(folder, "suppression.csv", Privacy::Personal, &SuppressionCsv, report)?;
    write_file(folder, "consents.jsonl", Privacy::Personal, &ConsentsJsonl, report)?;
    write_file(folder, "names.csv", Privacy::Personal, &NamesCsv, report)?;
    write_file(folder, "intervals.csv", Privacy::Public, &IntervalsCsv, report)?;
    write_file(folder, "summary.json", Privacy::Public, &SummaryJson, report)?;
    write_processing(folder, &[report.scenario])
}

/// Writes `processing.json`, the record of processing (GDPR Art. 30(1)) of the campaigns of `scenarios`, into
/// `folder`: every run folder carries one ([`crate::compliance::processing_record_of`]).
pub fn write_processing(folder: &mut RunFolder, scenarios: &[&Scenario]) -> Result<()> {
    let record = crate::compliance::processing_record_of(scenarios);
    folder.write(crate::compliance::PROCESSING_FILE, Privacy::Public, |out| {
        serde_json::to_writer_pretty(&mut *out, &record).map_err(std::io::Error::other)?;
        writeln!(out)
    })
}

/// Writes the files of replications into `folder` (which the caller commits): `summary.json` (every KPI's
/// estimate), `replications.csv` and `processing.json`.
pub fn write_replications(folder: &mut RunFolder, replications: &Replications<'_>) -> Result<()> {
    write_file(folder, "summary.json", Privacy::Public, &SummaryJson, replications)?;
    write_file(folder, "replications.csv", Privacy::Public, &ReplicationsCsv, replications)?;
    write_processing(folder, &[replications.scenario])
}

/// The `summary.json` text of a run.
pub fn summary_json(scenario: &Scenario, run: &RunOutput) -> String {
    String::from_utf8(SummaryJson.to_bytes(&RunReport { scenario, run })).expect("JSON is UTF-8")
}

/// The readable summary table of a run.
pub fn table(scenario: &Scenario, run: &RunOutput) -> String {
    String::from_utf8(Table.to_bytes(&RunReport { scenario, run })).expect("the table is UTF-8")
}
