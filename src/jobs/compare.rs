//! Two scenarios compared under common random numbers: every KPI of A, B and B − A, written to compare.csv
//! and to an HTML report when asked.

use std::path::{Path, PathBuf};

use super::limits::Limits;
use super::reading::{Notes, scenario_notes};
use super::report::ReportJob;
use crate::analysis::{Comparison, Progress, check_replications, compare, grid_needs};
use crate::foundation::error::{Error, Param, Result, message};
use crate::foundation::limits::Needs;
use crate::output::{AtomicFile, Privacy};
use crate::report::{CompareCsv, Export};
use crate::scenario::{Scenario, ScenarioSource};
use crate::sim::Campaign;

/// One side of a comparison: a scenario by name (`default` or none: the embedded day; `-`: stdin; else a
/// file) and its text overrides.
#[derive(Clone, Debug)]
pub struct Side {
    /// The scenario's name.
    pub name: String,
    /// The overrides of this side (`key=value`).
    pub set: Vec<String>,
}

/// A comparison ready to run: both campaigns loaded and checked, the output files checked.
#[derive(Debug)]
pub struct CompareJob {
    a: Campaign,
    b: Campaign,
    /// The sides as asked (scenario names and overrides), for the comparison's document.
    sides: (Side, Side),
    replications: u32,
    csv: Option<PathBuf>,
    /// The HTML report to write after the run; taken by the first run.
    report: Option<ReportJob>,
}

impl CompareJob {
    /// Both sides loaded (what the caller should know of each told as [`super::Note`]s), `replications` of each
    /// checked (at least 2, and within memory; an error about them names [`Param::Replications`]), and `csv`
    /// (compare.csv) checked writable and not one of the scenarios — all before anything runs.
    ///
    /// ```
    /// use dialsim::jobs::{CompareJob, Side};
    /// let side = |set: &[&str]| Side { name: "default".into(), set: set.iter().map(|s| s.to_string()).collect() };
    /// let mut job = CompareJob::new(side(&["run.day_hours=0.5"]), side(&["run.day_hours=0.5", "dialer.agents=5"]), 2, None, &mut |_| {})?;
    /// let c = job.run(7, 1, &dialsim::analysis::no_progress)?;
    /// assert_eq!((c.seed, c.replications), (7, 2));
    /// let err = CompareJob::new(side(&[]), side(&[]), 1, None, &mut |_| {}).unwrap_err();
    /// assert_eq!(err.kind(), dialsim::ErrorKind::Request);
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn new(a: Side, b: Side, replications: u32, csv: Option<&Path>, notes: &mut Notes<'_>) -> Result<CompareJob> {
        if replications < 2 {
            let not = format!(" must be at least 2 to compare, not {replications}");
            return Err(Error::Request(message![Param::Replications, not]));
        }
        check_replications(2 * u64::from(replications))
            .map_err(|e| Error::Request(message![Param::Replications, format!(": {e}")]))?;
        if let Some(path) = csv {
            crate::output::check_target(path)?;
            crate::output::refuse_inputs(path, &[Path::new(&a.name), Path::new(&b.name)])?;
        }
        let load = |side: &Side, notes: &mut Notes<'_>| -> Result<Campaign> {
            let scenario = ScenarioSource::named(Some(&side.name)).load(&side.set)?;
            for note in scenario_notes(&scenario, &side.set) {
                notes(note);
            }
            Campaign::new(scenario)
        };
        let (campaign_a, campaign_b) = (load(&a, notes)?, load(&b, notes)?);
        let csv = csv.map(Path::to_path_buf);
        Ok(CompareJob { a: campaign_a, b: campaign_b, sides: (a, b), replications, csv, report: None })
    }

    /// The comparison, which also writes a self-contained HTML report to `path` when it runs: refused now when
    /// the page cannot be written there, `path` is `-` or one of the scenarios (an error naming
    /// [`Param::Report`]).
    ///
    /// ```
    /// use dialsim::jobs::{CompareJob, Side};
    /// let dir = tempfile::tempdir()?;
    /// let side = |set: &[&str]| Side { name: "default".into(), set: set.iter().map(|s| s.to_string()).collect() };
    /// let job = || CompareJob::new(side(&["run.day_hours=0.5"]), side(&["run.day_hours=0.5", "dialer.agents=5"]), 2, None, &mut |_| {});
    /// assert!(job()?.with_report(std::path::Path::new("-")).is_err());
    /// let mut job = job()?.with_report(&dir.path().join("diff.html"))?;
    /// job.run(7, 1, &dialsim::analysis::no_progress)?;
    /// assert!(std::fs::read_to_string(dir.path().join("diff.html"))?.contains("<html"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_report(mut self, path: &Path) -> Result<CompareJob> {
        let inputs = [Path::new(&self.sides.0.name), Path::new(&self.sides.1.name)];
        self.report = Some(ReportJob::checked(Param::Report, path, &inputs, &[])?);
        Ok(self)
    }

    /// Names each request parameter the HTML report mentions as `names` gives it ([`ReportJob::name_params`]).
    pub fn name_report_params(&mut self, names: fn(Param) -> String) {
        if let Some(report) = &mut self.report {
            report.name_params(names);
        }
    }

    /// Writes `c` to `out` as the readable table ([`crate::report::Table`]) or, with `csv`, as the CSV that
    /// `compare -o` writes ([`CompareCsv`]): what a front end prints.
    pub fn write_to(&self, out: &mut dyn std::io::Write, c: &Comparison, csv: bool) -> std::io::Result<()> {
        if csv { CompareCsv.write(out, c) } else { crate::report::Table.write(out, c) }
    }

    /// The comparison `c` this job made as one JSON document (the command line's `compare --json`): the
    /// dialsim version, seed and replications, each side's scenario name and overrides, and per KPI the
    /// estimates of A, B and B − A (mean, std, ci95_low, ci95_high, n) and the independent half-width.
    ///
    /// ```
    /// use dialsim::jobs::{CompareJob, Side};
    /// let side = |set: &[&str]| Side { name: "default".into(), set: set.iter().map(|s| s.to_string()).collect() };
    /// let mut job = CompareJob::new(side(&["run.day_hours=0.5"]), side(&["run.day_hours=0.5", "dialer.agents=5"]), 2, None, &mut |_| {})?;
    /// let c = job.run(7, 1, &dialsim::analysis::no_progress)?;
    /// let doc = job.document(&c);
    /// assert_eq!((doc["seed"].as_u64(), doc["b"]["set"][1].as_str()), (Some(7), Some("dialer.agents=5")));
    /// assert!(doc["kpis"]["abandon_rate"]["diff"]["mean"].is_number());
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn document(&self, c: &Comparison) -> serde_json::Value {
        let kpis: serde_json::Map<String, serde_json::Value> =
            c.rows.iter().map(|(k, p)| ((*k).to_string(), serde_json::to_value(p).unwrap_or_default())).collect();
        let (a, b) = &self.sides;
        serde_json::json!({
            "dialsim_version": env!("CARGO_PKG_VERSION"),
            "seed": c.seed,
            "replications": c.replications,
            "a": { "scenario": a.name, "set": a.set },
            "b": { "scenario": b.name, "set": b.set },
            "kpis": kpis,
        })
    }

    /// The two scenarios.
    pub fn scenarios(&self) -> (&Scenario, &Scenario) {
        (self.a.scenario(), self.b.scenario())
    }

    /// What the comparison needs with `seed` on `threads` threads, and the comparison in words for a refusal:
    /// both sides' summaries are held together; the larger run sizes the memory.
    pub fn needs(&self, seed: u64, threads: usize) -> (Needs, String) {
        let (ca, cb) = (self.a.estimate(seed).calls, self.b.estimate(seed).calls);
        let needs = grid_needs(2, u64::from(self.replications), ca.max(cb), (ca + cb) / 2, threads as u64);
        let what =
            format!("this comparison ({} replications of each, about {ca} and {cb} calls a run)", self.replications);
        (needs, what)
    }

    /// Refuses the comparison with `seed` on `threads` threads when it needs more than `limits` allow (the disk
    /// of compare.csv's folder), saying what makes it smaller and naming the limit's parameter; else tells its
    /// estimate to `notes` when large or `verbose`. Call it before [`CompareJob::run`].
    pub fn check_limits(
        &self,
        seed: u64,
        threads: usize,
        limits: &Limits,
        verbose: bool,
        notes: &mut Notes<'_>,
    ) -> Result<()> {
        let (needs, what) = self.needs(seed, threads);
        limits.check(&what, &needs, self.csv.as_deref(), "fewer replications, or shorter campaigns", verbose, notes)
    }

    /// The replications of each side with the same seeds, then compare.csv written whole when one was named,
    /// then the HTML report when one was asked ([`CompareJob::with_report`]; written by the first run only).
    pub fn run(&mut self, seed: u64, threads: usize, progress: &Progress) -> Result<Comparison> {
        let comparison = compare(&self.a, &self.b, seed, self.replications, threads, progress);
        if let Some(path) = &self.csv {
            let mut f = AtomicFile::create(path, Privacy::Public)?;
            CompareCsv.write(&mut f, &comparison).map_err(|e| Error::io(path, e))?;
            f.commit()?;
        }
        if let Some(mut report) = self.report.take() {
            let (a, b) = &self.sides;
            report.report().add_comparison((&a.name, self.a.scenario()), (&b.name, self.b.scenario()), &comparison);
            report.write()?;
        }
        Ok(comparison)
    }
}
