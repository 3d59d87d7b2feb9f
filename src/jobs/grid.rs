//! A grid of campaigns — a sweep or a frontier — run into its folder: the results file, the charts, the record
//! of processing and the commit, in that order.

use std::path::{Path, PathBuf};

use crate::analysis::{Frontier, FrontierResult, Progress, Sweep, SweepResult};
use crate::foundation::error::{Error, Result};
use crate::output::{Privacy, RunFolder};
use crate::report::{FrontierCsv, SweepCsv};
use crate::scenario::{Scenario, ScenarioSource};

/// The KPIs a sweep charts when none are named.
pub const SWEEP_CHARTED: [&str; 3] = ["abandon_rate", "occupancy", "contacts_per_agent_hour"];

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
    /// Draw the charts: a sweep's KPIs against its first varied key (these KPIs; none: [`SWEEP_CHARTED`]), a
    /// frontier's curves.
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
            let kpis = if kpis.is_empty() { SWEEP_CHARTED.map(String::from).to_vec() } else { kpis };
            for kpi in &kpis {
                let series = result
                    .lines(kpi)
                    .map_err(|_| Error::Request(format!("a chart needs numeric values of {first}")))?;
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
