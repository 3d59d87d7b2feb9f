//! `frontier` as a job: every pacer × agent count × drop target of a scenario, each point replicated with the
//! same seeds (common random numbers), every value checked and the grid sized before anything runs, then run
//! into its folder with its chart, report and ranking.

use std::str::FromStr;

use super::grid::{GridRequest, GridWritten, Loader, Ready, blame_on};
use super::reading::Notes;
use crate::analysis::{
    Frontier, FrontierGrid, FrontierPoint, FrontierResult, Progress, frontier_key_set, parse_agents, parse_pacers,
    parse_targets,
};
use crate::foundation::error::{Error, Param, Result, message};
use crate::scenario::{Pacer, Scenario, Setting};

/// Agent counts as written: `10,20,50` or a range `10..50:20`.
///
/// ```
/// let a: dialsim::jobs::AgentList = "10..30:10,50".parse().unwrap();
/// assert_eq!(a.0, [10, 20, 30, 50]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentList(pub Vec<u32>);

impl FromStr for AgentList {
    type Err = String;
    fn from_str(list: &str) -> std::result::Result<AgentList, String> {
        parse_agents(list).map(AgentList)
    }
}

/// Drop targets as written: shares of live answers, `0.01,0.02,0.03`.
///
/// ```
/// let t: dialsim::jobs::TargetList = "0.01,0.03".parse().unwrap();
/// assert_eq!(t.0, [0.01, 0.03]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TargetList(pub Vec<f64>);

impl FromStr for TargetList {
    type Err = String;
    fn from_str(list: &str) -> std::result::Result<TargetList, String> {
        parse_targets(list).map(TargetList)
    }
}

/// Pacers as written: names (`model,adaptive-average`), or `all`.
///
/// ```
/// let p: dialsim::jobs::PacerList = "all".parse().unwrap();
/// assert_eq!(p.0, dialsim::Pacer::ALL);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacerList(pub Vec<Pacer>);

impl FromStr for PacerList {
    type Err = String;
    fn from_str(list: &str) -> std::result::Result<PacerList, String> {
        parse_pacers(list).map(PacerList)
    }
}

/// What `frontier` is asked: the grid of `pacers` (varying slowest) × `agents` × `targets` (fastest).
/// Refusals name the request's parameters ([`Param`]: `pacers`, `agents`, `targets`, `set`), which a front end
/// spells its own way (the command line as its flags).
#[derive(Clone, Debug)]
pub struct FrontierJob<'a> {
    /// The scenario, how the points run, where the results go. Its overrides may not set what the frontier
    /// sets per point (`analysis::FRONTIER_KEYS`).
    pub grid: GridRequest<'a>,
    /// The pacers.
    pub pacers: Vec<Pacer>,
    /// The agent counts.
    pub agents: Vec<u32>,
    /// The drop targets (a target above the profile's limit runs with the cap lifted, marked not compliant).
    pub targets: Vec<f64>,
}

/// A frontier ready to run: every point's scenario checked, the grid sized, the folder made, the report
/// checked — a refusal costs no simulation.
#[derive(Debug)]
pub struct FrontierRun {
    frontier: Frontier,
    ready: Ready,
}

impl FrontierJob<'_> {
    /// Everything checked and made before the run, in this order: the folder not stdout, the grid (no list
    /// empty, no value twice, not too many points), no override of what the frontier sets, the replications;
    /// then the scenario loaded with the overrides (what it says told to `notes`), the grid sized from its
    /// corners and refused when too large, each agent count and target loaded on its own (a bad one blamed on
    /// its parameter), every point loaded, the report checked, the folder made and the seed drawn.
    ///
    /// ```
    /// use dialsim::jobs::{FrontierJob, GridRequest, Limits};
    /// let dir = tempfile::tempdir()?;
    /// let out = dir.path().join("f");
    /// let source = dialsim::ScenarioSource::named(None);
    /// let set = ["run.day_hours=0.5".to_string()];
    /// let grid = GridRequest {
    ///     source: &source, set: &set, replications: 2, seed: Some(1), threads: Some(1), out: &out,
    ///     shard: dialsim::Shard::WHOLE, limits: Limits::default(), verbose: false, plot: false, report: None,
    ///     rank: None,
    /// };
    /// let job = FrontierJob { grid, pacers: vec![dialsim::Pacer::Model], agents: vec![5], targets: vec![0.7] };
    /// let err = job.prepare(&mut |_| {}).unwrap_err();
    /// assert!(err.to_string().starts_with("`targets` 0.7: "), "{err}");
    /// assert!(!out.exists());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prepare(&self, notes: &mut Notes<'_>) -> Result<FrontierRun> {
        let g = &self.grid;
        g.check_out()?;
        let grid = FrontierGrid::new(self.pacers.clone(), self.agents.clone(), self.targets.clone()).map_err(|e| {
            Error::Request(message![Param::Pacers, " × ", Param::Agents, " × ", Param::Targets, format!(": {e}")])
        })?;
        if let Some((s, key)) = frontier_key_set(g.set) {
            let instead = match key {
                "dialer.agents" => message!["use ", Param::Agents],
                "dialer.drop_target" => message!["use ", Param::Targets],
                "dialer.pacer" => message!["use ", Param::Pacers],
                _ => "every point runs in predictive mode, the mode the pacers pace".into(),
            };
            let set = format!(" {s}: the frontier sets {key} per point; ");
            return Err(Error::Request(message![Param::Set, set, instead]));
        }
        g.check_replications()?;
        // The fixed overrides, then the frontier sized (before any value is checked or point loaded), then each
        // listed value on its own: a bad value is blamed on the parameter that gave it.
        // The scenario file is read once, here: every point and listed value is loaded from this text.
        let mut loader = Loader::new(g.source)?;
        loader.load(g.set, notes)?;
        // Sized from its smallest and largest corners (fewest agents at the lowest target, most at the highest).
        let corner = |agents: Option<&u32>, target: Option<f64>| {
            let point = FrontierPoint {
                pacer: grid.pacers[0],
                agents: agents.copied().unwrap_or(1),
                target: target.unwrap_or(0.0),
            };
            loader.source().load_with(g.set, &point.settings(false))
        };
        let low = corner(grid.agents.iter().min(), grid.targets.iter().copied().reduce(f64::min));
        let high = corner(grid.agents.iter().max(), grid.targets.iter().copied().reduce(f64::max));
        let points = (grid.pacers.len() * grid.agents.len() * grid.targets.len()) as u64;
        g.check_needs([low, high], |notes| loader.load(g.set, notes), points, "this frontier", notes)?;
        for a in &grid.agents {
            blame_on(loader.source().load_with(g.set, &[Setting::Agents(*a)]), Param::Agents, &a.to_string())?;
        }
        for t in &grid.targets {
            blame_on(loader.source().load_with(g.set, &[Setting::DropTarget(*t)]), Param::Targets, &t.to_string())?;
        }
        // Every point's scenario is checked before any runs.
        let frontier = Frontier::new(grid, loader.source(), g.set, g.shard)?;
        let ready = g.open(frontier.scenarios().map(|(_, s)| s), &[], Vec::new(), notes)?;
        Ok(FrontierRun { frontier, ready })
    }
}

impl FrontierRun {
    /// This shard's points (their numbers in the whole grid) and their scenarios, in point order.
    pub fn scenarios(&self) -> impl Iterator<Item = (usize, &Scenario)> {
        self.frontier.scenarios()
    }

    /// The runs it makes in all (a progress bar's length): points × replications.
    pub fn total(&self) -> u64 {
        self.frontier.total(self.ready.job.replications)
    }

    /// Runs the points (`progress` hears of every replication) into the folder — `frontier.csv`, the chart,
    /// the record of processing, the commit — then writes the report and ranks the points.
    pub fn run(self, progress: &Progress) -> Result<GridWritten<FrontierResult>> {
        let FrontierRun { frontier, ready: Ready { job, after } } = self;
        let done = job.frontier(&frontier, progress)?;
        let points = done.result.rows.len();
        let first = frontier.scenarios().next().map(|(_, s)| s);
        after.finish(done, "frontier.csv", points, |r, result| r.add_frontier(result, first), FrontierResult::ranking)
    }
}
