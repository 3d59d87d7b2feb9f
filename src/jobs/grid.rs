//! A grid of campaigns — a sweep or a frontier — run into its folder: the results file, the charts, the record
//! of processing and the commit, in that order.

use std::path::{Path, PathBuf};

use super::front::{seed_or_fresh, threads};
use super::limits::Limits;
use super::reading::{Note, Notes, scenario_notes};
use super::report::ReportJob;
use crate::analysis::{
    Constraint, Frontier, FrontierResult, Progress, RankBy, Ranking, Sweep, SweepResult, check_replications,
    grid_needs, shard_point_count,
};
use crate::foundation::error::{Error, Param, Result, message};
use crate::generate::Shard;
use crate::output::{Privacy, RunFolder};
use crate::report::{Export, FrontierCsv, Report, SweepCsv, Table};
use crate::scenario::{Scenario, ScenarioSource};
use crate::sim::Campaign;

/// How a grid is run into its folder.
#[derive(Debug)]
pub struct GridJob {
    /// The folder, made by [`GridJob::folder`] before anything runs; committed by the job.
    pub folder: RunFolder,
    /// The seed.
    pub seed: u64,
    /// Replications per point.
    pub replications: u32,
    /// Worker threads (the results do not depend on them).
    pub threads: usize,
    /// Draw the charts: a sweep's KPIs against its first varied key (these KPIs; none:
    /// [`crate::sim::kpi::SWEEP_CHARTED`]), a frontier's curves.
    pub charts: Option<Vec<String>>,
}

/// What a grid wrote.
#[derive(Debug)]
pub struct GridDone<R> {
    /// The results.
    pub result: R,
    /// The chart files written in the folder, by name.
    pub charts: Vec<String>,
}

impl GridJob {
    /// The folder `dir` of a grid made, temporary until the job commits it, after refusing a `dir` that holds
    /// an input of the points' `scenarios` (loaded from `source`): replacing it would remove them, and a
    /// refused folder costs no simulation.
    pub fn folder<'a>(
        dir: &Path,
        source: &ScenarioSource,
        scenarios: impl Iterator<Item = &'a Scenario>,
    ) -> Result<RunFolder> {
        let inputs: Vec<PathBuf> = scenarios.flat_map(|s| source.inputs(s)).collect();
        let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        crate::output::refuse_inputs_in_folder(dir, &inputs)?;
        RunFolder::create(dir)
    }

    /// Runs `sweep` into the folder: `sweep.csv`, a chart per KPI, the record of processing, the commit.
    pub fn sweep(self, sweep: &Sweep, progress: &Progress) -> Result<GridDone<SweepResult>> {
        let GridJob { mut folder, seed, replications, threads, charts } = self;
        let result = sweep.run(seed, replications, threads, progress)?;
        crate::report::write_file(&mut folder, "sweep.csv", Privacy::Public, &SweepCsv, &result)?;
        let mut written = Vec::new();
        if let Some(kpis) = charts {
            let first = &sweep.vary()[0].key;
            let kpis = if kpis.is_empty() { crate::sim::kpi::SWEEP_CHARTED.map(String::from).to_vec() } else { kpis };
            for kpi in &kpis {
                let series = result
                    .lines(kpi)
                    .map_err(|_| Error::Request(format!("a chart needs numeric values of {first}").into()))?;
                let title = format!("{kpi} against {first} ({replications} replications per point)");
                let name = format!("sweep-{kpi}.svg");
                crate::report::sweep_svg(&folder.path().join(&name), &title, first, kpi, &series)?;
                written.push(name);
            }
        }
        // The scenario of every point, in point order, identifies the sweep.
        let scenarios: Vec<&Scenario> = sweep.scenarios().map(|(_, s)| s).collect();
        commit(folder, seed, &scenarios)?;
        Ok(GridDone { result, charts: written })
    }

    /// Runs `frontier` into the folder: `frontier.csv`, its chart, the record of processing, the commit.
    pub fn frontier(self, frontier: &Frontier, progress: &Progress) -> Result<GridDone<FrontierResult>> {
        let GridJob { mut folder, seed, replications, threads, charts } = self;
        let result = frontier.run(seed, replications, threads, progress)?;
        crate::report::write_file(&mut folder, "frontier.csv", Privacy::Public, &FrontierCsv, &result)?;
        let mut written = Vec::new();
        if charts.is_some() && !result.rows.is_empty() {
            let hollow = if result.rows.iter().any(|r| !r.compliant) { "; hollow: target above the limit" } else { "" };
            let title = format!("Efficiency frontier ({replications} replications per point{hollow})");
            crate::report::frontier_svg(&folder.path().join("frontier.svg"), &title, &result.curves(), result.limit())?;
            written.push("frontier.svg".to_string());
        }
        // The scenario of every point, in point order, identifies the frontier.
        let scenarios: Vec<&Scenario> = frontier.scenarios().map(|(_, s)| s).collect();
        commit(folder, seed, &scenarios)?;
        Ok(GridDone { result, charts: written })
    }
}

/// Commits a grid's folder with the record of processing of its points' scenarios.
fn commit(mut folder: RunFolder, seed: u64, scenarios: &[&Scenario]) -> Result<()> {
    crate::report::write_processing(&mut folder, scenarios)?;
    folder.commit(seed, crate::output::manifest::scenario_sha256(scenarios))?;
    Ok(())
}

/// What every grid (a sweep, a frontier) is asked besides its points: the scenario, how the points run and
/// where the results go. Refusals name the request's parameters ([`Param`]: `replications`, `threads`,
/// `report`, `kpis`), which a front end spells its own way (the command line as its flags).
#[derive(Clone, Debug)]
pub struct GridRequest<'a> {
    /// The scenario's source.
    pub source: &'a ScenarioSource,
    /// Its text overrides (`key=value`), at every point.
    pub set: &'a [String],
    /// Replications per point (the same seeds at every point: common random numbers).
    pub replications: u32,
    /// The seed; none: a fresh one, told as a [`Note::Seed`] when the folder is made.
    pub seed: Option<u64>,
    /// Worker threads; none: every core (the results do not depend on them).
    pub threads: Option<usize>,
    /// The output folder, written as a set with its manifest (`-` is refused: a folder cannot go to stdout).
    pub out: &'a Path,
    /// The points this run takes ([`Shard::WHOLE`]: all).
    pub shard: Shard,
    /// The memory and disk the grid may take.
    pub limits: Limits,
    /// Tell the grid's estimate even when it is small (it is told anyway when large).
    pub verbose: bool,
    /// Draw the charts into the folder.
    pub plot: bool,
    /// The HTML report to write too.
    pub report: Option<&'a Path>,
    /// Rank the points.
    pub rank: Option<Rank>,
}

/// How a grid's points are ranked: by a KPI, among those meeting every constraint, as a table or JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct Rank {
    /// The KPI and which way is better.
    pub by: RankBy,
    /// The constraints every ranked point meets.
    pub constraints: Vec<Constraint>,
    /// Write the ranking as JSON instead of a table.
    pub json: bool,
}

/// A grid's points ranked, and the ranking written out.
#[derive(Clone, Debug)]
pub struct Ranked {
    /// The ranking (its warnings are for the caller to show).
    pub ranking: Ranking,
    /// It written as a table, or as pretty JSON ending in a line end ([`Rank::json`]).
    pub text: String,
}

/// What a grid run into its folder made and wrote.
#[derive(Debug)]
pub struct GridWritten<R> {
    /// The results.
    pub result: R,
    /// The results file in the committed folder (`sweep.csv`, `frontier.csv`).
    pub file: PathBuf,
    /// The points run (of this shard).
    pub points: usize,
    /// The seed.
    pub seed: u64,
    /// Replications per point.
    pub replications: u32,
    /// The chart files written in the folder.
    pub charts: Vec<PathBuf>,
    /// The HTML report written.
    pub report: Option<PathBuf>,
    /// The ranking, when asked for.
    pub ranked: Option<Ranked>,
}

/// Refuses `-` for an output folder: a folder of several files cannot go to stdout.
pub(crate) fn refuse_stdout_folder(dir: &Path) -> Result<()> {
    if crate::output::is_stdout(dir) {
        return Err(Error::Request(message![
            Param::Out,
            " -: a folder of files cannot be written to stdout; use ",
            Param::Json,
            " for the summary on stdout, or name a folder (./- for one called '-')"
        ]));
    }
    Ok(())
}

/// Refuses 0 replications (nothing to estimate from), then a largest count (`most`) refused for memory;
/// both blamed on [`Param::Replications`].
pub(crate) fn check_replication_count(replications: u32, most: u32) -> Result<()> {
    if replications == 0 {
        return Err(Error::Request(message![Param::Replications, " must be at least 1"]));
    }
    check_replications(u64::from(most)).map_err(|e| Error::Request(message![Param::Replications, format!(": {e}")]))
}

/// A scenario that failed to load because of one value, the error blamed on the parameter `param` that gave it,
/// with the value (`agents 0`).
pub(crate) fn blame_on<T>(loaded: Result<T>, param: Param, value: &str) -> Result<T> {
    loaded.map_err(|e| match e {
        Error::Scenario { origin: crate::foundation::error::Origin::Override { .. }, message } => {
            Error::Request(message![param, format!(" {value}: {message}")])
        }
        other => other,
    })
}

/// The scenario of a grid loaded with overrides, its text read once ([`ScenarioSource::read`]), and what the
/// caller should know of it ([`scenario_notes`]) told once however many points say it.
pub(crate) struct Loader {
    source: ScenarioSource,
    told: Vec<String>,
}

impl Loader {
    /// The scenario of `source`, read now.
    pub(crate) fn new(source: &ScenarioSource) -> Result<Loader> {
        Ok(Loader { source: source.read()?, told: Vec::new() })
    }

    /// The source, its text read: every point loads from it.
    pub(crate) fn source(&self) -> &ScenarioSource {
        &self.source
    }

    /// The scenario with `set`, what it says told to `notes` (each text once).
    pub(crate) fn load(&mut self, set: &[String], notes: &mut Notes<'_>) -> Result<Scenario> {
        let scenario = self.source.load(set)?;
        for note in scenario_notes(&scenario, set) {
            let (Note::Warning(text) | Note::Remark(text)) = &note else { continue };
            if !self.told.contains(text) {
                self.told.push(text.clone());
                notes(note);
            }
        }
        Ok(scenario)
    }
}

impl GridRequest<'_> {
    /// Refuses `-` for the output folder.
    pub(crate) fn check_out(&self) -> Result<()> {
        refuse_stdout_folder(self.out)
    }

    /// Refuses a replication count refused by the library, blamed on [`Param::Replications`].
    pub(crate) fn check_replications(&self) -> Result<()> {
        check_replication_count(self.replications, self.replications)
    }

    /// Sizes the run of `points` grid points before any is loaded — the calls of a run from pilots of the
    /// grid's smallest and largest `corners` (a corner that does not load, a value blamed later on its parameter,
    /// sized as the `base` scenario), the rest from [`grid_needs`] — and refuses it (or tells it) by
    /// [`GridRequest::limits`]. `what` names the grid.
    pub(crate) fn check_needs(
        &self,
        corners: [Result<Scenario>; 2],
        mut base: impl FnMut(&mut Notes<'_>) -> Result<Scenario>,
        points: u64,
        what: &str,
        notes: &mut Notes<'_>,
    ) -> Result<()> {
        let points = shard_point_count(points, self.shard);
        let threads = threads(self.threads)?;
        // The pilot's seed only sizes the grid; the run's seed is drawn (and told) when the folder is made.
        let seed = self.seed.unwrap_or(0);
        let mut calls = |corner: Result<Scenario>, notes: &mut Notes<'_>| -> Result<u64> {
            let scenario = match corner {
                Ok(s) => s,
                Err(_) => base(notes)?,
            };
            Ok(Campaign::new(scenario)?.estimate(seed).calls)
        };
        let [low, high] = corners;
        let (low, high) = (calls(low, notes)?, calls(high, notes)?);
        let (most, mean) = (low.max(high), low.saturating_add(high) / 2);
        let replications = u64::from(self.replications);
        let needs = grid_needs(points, replications, most, mean, threads as u64);
        let what = format!("{what} ({points} points × {replications} replications, up to about {most} calls a run)");
        let smaller = "fewer points or replications, or a shorter campaign per point";
        self.limits.check(&what, &needs, Some(self.out), smaller, self.verbose, notes)
    }

    /// Everything made before the runs once every point is checked — the report checked (showing `kpis`), the
    /// folder made ([`GridJob::folder`]: not holding an input of the points' `scenarios`), the seed drawn
    /// and the threads counted — with the charts of `charts` when asked.
    pub(crate) fn open<'s>(
        &self,
        scenarios: impl Iterator<Item = &'s Scenario>,
        kpis: &[String],
        charts: Vec<String>,
        notes: &mut Notes<'_>,
    ) -> Result<Ready> {
        let report = self.report.map(|p| ReportJob::checked(Param::Report, p, &[self.out], kpis)).transpose()?;
        let folder = GridJob::folder(self.out, self.source, scenarios)?;
        let seed = seed_or_fresh(self.seed, notes);
        let threads = threads(self.threads)?;
        let replications = self.replications;
        let job = GridJob { folder, seed, replications, threads, charts: self.plot.then_some(charts) };
        let after = After { report, rank: self.rank.clone(), dir: self.out.to_path_buf(), seed, replications };
        Ok(Ready { job, after })
    }
}

/// A grid's folder made and its report checked: what runs it, and what follows the run.
#[derive(Debug)]
pub(crate) struct Ready {
    pub(crate) job: GridJob,
    pub(crate) after: After,
}

/// What follows a grid's run into its folder: the report, the ranking.
#[derive(Debug)]
pub(crate) struct After {
    report: Option<ReportJob>,
    rank: Option<Rank>,
    dir: PathBuf,
    seed: u64,
    replications: u32,
}

impl After {
    /// The rest of a grid once `done` is committed into the folder as `name`: the report (`add` puts the
    /// results in it), then the ranking (`rank` makes it).
    pub(crate) fn finish<R>(
        self,
        done: GridDone<R>,
        name: &str,
        points: usize,
        add: impl FnOnce(&mut Report, &R),
        rank: impl FnOnce(&R, RankBy, &[Constraint]) -> Ranking,
    ) -> Result<GridWritten<R>> {
        let After { report, rank: asked, dir, seed, replications } = self;
        let GridDone { result, charts } = done;
        let report = match report {
            Some(mut report) => {
                add(report.report(), &result);
                Some(report.write()?)
            }
            None => None,
        };
        let ranked = match asked {
            Some(asked) => {
                let ranking = rank(&result, asked.by, &asked.constraints);
                let text = if asked.json {
                    let mut text =
                        serde_json::to_string_pretty(&ranking).map_err(|e| Error::Invalid(e.to_string().into()))?;
                    text.push('\n');
                    text
                } else {
                    String::from_utf8(Table.to_bytes(&ranking)).map_err(|e| Error::Invalid(e.to_string().into()))?
                };
                Some(Ranked { ranking, text })
            }
            None => None,
        };
        Ok(GridWritten {
            result,
            file: dir.join(name),
            points,
            seed,
            replications,
            charts: charts.iter().map(|c| dir.join(c)).collect(),
            report,
            ranked,
        })
    }
}
