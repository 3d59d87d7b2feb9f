//! The efficiency frontier: every pacer × agent count × drop target of a scenario, each point replicated with
//! the same seeds (common random numbers), reduced to the trade-off an analyst reads — realised abandonment,
//! occupancy and contacts per agent-hour, with 95 % intervals. Sharded like a sweep; the parts of a sharded
//! frontier merge ([`MergedFrontier`]) to the bytes of the unsharded one.
//!
//! A point's drop target may lie above the compliance profile's abandonment limit: such a point runs with the
//! compliance cap lifted ([`LIFT_CAP`]) and is marked not compliant. Nothing here prints.

mod merge;
mod parse;

use super::rank::{Candidate, Constraint, PointSamples, RankBy, Ranking, rank};
use super::replicate::Progress;
use super::shards::{check_grid_points, check_loads, coordinates, point_count, run_points, shard_points};
use crate::foundation::error::{Error, Result};
use crate::foundation::stats::Estimate;
use crate::generate::Shard;
use crate::scenario::{DialerMode, OnBudgetSpent, Pacer, Scenario, ScenarioSource, Setting};
use crate::sim::Summary;

pub use merge::MergedFrontier;
pub use parse::{parse_agents, parse_pacers, parse_targets};

/// The scenario keys the frontier sets at every point (predictive mode, the pacer, the agents, the target):
/// an override of one of them would be overwritten, so it is refused.
pub const FRONTIER_KEYS: [&str; 4] = ["dialer.mode", "dialer.pacer", "dialer.agents", "dialer.drop_target"];

/// The first override of `set` that sets one of the [`FRONTIER_KEYS`], with the key it sets: the frontier
/// refuses it.
///
/// ```
/// let set = ["run.days=2".to_string(), "dialer.agents = 5".to_string()];
/// assert_eq!(dialsim::analysis::frontier_key_set(&set), Some(("dialer.agents = 5", "dialer.agents")));
/// ```
pub fn frontier_key_set(set: &[String]) -> Option<(&str, &'static str)> {
    set.iter().find_map(|s| {
        let key = s.split_once('=').map_or(s.as_str(), |(k, _)| k).trim();
        FRONTIER_KEYS.iter().find(|k| **k == key).map(|k| (s.as_str(), *k))
    })
}

/// The setting that lifts the compliance cap on the drop target, applied to the points whose target lies above
/// the profile's abandonment limit (and to those only).
///
/// The cap is the day's abandonment budget every predictive pacer runs in (the profile's limit: AMD off, then
/// progressive, once it is spent); `dialer.on_budget_spent = continue` lifts it. The points and their scenarios,
/// and so the manifest's `scenario_sha256`, follow.
pub const LIFT_CAP: Setting = Setting::OnBudgetSpent(OnBudgetSpent::Continue);

/// The grid of a frontier: pacers (varying slowest), agent counts, drop targets (varying fastest).
#[derive(Clone, Debug, PartialEq)]
pub struct FrontierGrid {
    /// The pacers, in order.
    pub pacers: Vec<Pacer>,
    /// The agent counts, in order.
    pub agents: Vec<u32>,
    /// The drop targets (shares of live answers), in order.
    pub targets: Vec<f64>,
}

/// One point of the grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrontierPoint {
    /// The pacer.
    pub pacer: Pacer,
    /// Agents staffed.
    pub agents: u32,
    /// The drop target.
    pub target: f64,
}

impl FrontierPoint {
    /// The typed settings that make this point of a scenario: predictive mode, the pacer, the agents and the
    /// target; with `lift` also [`LIFT_CAP`]. The target stays a number from the flag to frontier.csv.
    ///
    /// ```
    /// use dialsim::{DialerMode, Pacer, Setting};
    /// let p = dialsim::analysis::FrontierPoint { pacer: Pacer::Model, agents: 20, target: 0.02 };
    /// assert_eq!(
    ///     p.settings(false),
    ///     [Setting::Mode(DialerMode::Predictive), Setting::Pacer(Pacer::Model), Setting::Agents(20), Setting::DropTarget(0.02)]
    /// );
    /// assert_eq!(p.settings(true).last(), Some(&dialsim::analysis::LIFT_CAP));
    /// ```
    pub fn settings(&self, lift: bool) -> Vec<Setting> {
        let mut o = vec![
            Setting::Mode(DialerMode::Predictive),
            Setting::Pacer(self.pacer),
            Setting::Agents(self.agents),
            Setting::DropTarget(self.target),
        ];
        if lift {
            o.push(LIFT_CAP);
        }
        o
    }
}

impl FrontierGrid {
    /// The grid of `pacers`, `agents` and `targets`: none empty, no value twice.
    ///
    /// ```
    /// use dialsim::analysis::FrontierGrid;
    /// let g = FrontierGrid::new(dialsim::Pacer::ALL.to_vec(), vec![10, 20], vec![0.01, 0.03])?;
    /// assert_eq!(g.points().len(), 4 * 2 * 2);
    /// assert_eq!(g.points()[1].target, 0.03);
    /// assert!(FrontierGrid::new(vec![], vec![10], vec![0.01]).is_err());
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn new(pacers: Vec<Pacer>, agents: Vec<u32>, targets: Vec<f64>) -> Result<FrontierGrid> {
        fn check<T: PartialOrd + std::fmt::Display>(what: &str, v: &[T]) -> Result<()> {
            if v.is_empty() {
                return Err(Error::Invalid(format!("no {what} given").into()));
            }
            if let Some((first, i)) = first_repeat(v) {
                return Err(Error::Invalid(
                    format!("{what}: {} is given twice (values {} and {})", v[i], first + 1, i + 1).into(),
                ));
            }
            Ok(())
        }
        let names: Vec<&str> = pacers.iter().map(|p| p.as_str()).collect();
        check("pacers", &names)?;
        check("agent counts", &agents)?;
        check("drop targets", &targets)?;
        if let Some(t) = targets.iter().find(|t| !t.is_finite()) {
            return Err(Error::Invalid(format!("drop target {t} is not a number").into()));
        }
        check_grid_points(&[pacers.len(), agents.len(), targets.len()])?;
        Ok(FrontierGrid { pacers, agents, targets })
    }

    /// Every point, the pacer varying slowest and the target fastest.
    pub fn points(&self) -> Vec<FrontierPoint> {
        let sizes = [self.pacers.len(), self.agents.len(), self.targets.len()];
        (0..point_count(&sizes))
            .map(|p| {
                let c = coordinates(p, &sizes);
                FrontierPoint { pacer: self.pacers[c[0]], agents: self.agents[c[1]], target: self.targets[c[2]] }
            })
            .collect()
    }
}

/// The first value of `v` (in list order) that repeats an earlier one, as (the earlier one's index, its index):
/// by a sort, so a list of thousands of values is checked without comparing every pair.
pub(crate) fn first_repeat<T: PartialOrd>(v: &[T]) -> Option<(usize, usize)> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    // A value that cannot be compared with itself (NaN) repeats nothing: it goes last, so the rest sort in a total order.
    let odd = |i: usize| v[i].partial_cmp(&v[i]).is_none();
    order.sort_by(|&a, &b| {
        (odd(a).cmp(&odd(b))).then_with(|| v[a].partial_cmp(&v[b]).unwrap_or(std::cmp::Ordering::Equal)).then(a.cmp(&b))
    });
    // Within a run of equal values the indices ascend: the run's first index is the value's first occurrence.
    let mut best: Option<(usize, usize)> = None;
    let mut start = 0;
    for k in 1..order.len() {
        if v[order[k]] == v[order[start]] {
            if best.is_none_or(|(_, i)| order[k] < i) {
                best = Some((order[start], order[k]));
            }
        } else {
            start = k;
        }
    }
    best
}

/// The profile's abandonment limit of `scenario`, and whether `target` keeps within it.
fn compliance(scenario: &Scenario, target: f64) -> (f64, bool) {
    let limit = scenario.rules_on_day(0).abandon_limit;
    (limit, target <= limit + 1e-12)
}

/// One point of this shard, ready to run.
#[derive(Debug)]
struct Planned {
    index: usize,
    point: FrontierPoint,
    limit: f64,
    compliant: bool,
    scenario: Scenario,
}

/// A frontier ready to run: the grid, and the scenario of every point of its shard, each checked (its campaign
/// loaded once, then dropped: a point's campaign is loaded again when it runs, so a frontier holds one at a time).
#[derive(Debug)]
pub struct Frontier {
    grid: FrontierGrid,
    mine: Vec<Planned>,
}

impl Frontier {
    /// The frontier of `grid` over the points of `shard`, on the scenario of `source` with the text overrides
    /// `set` (the user's `--set`) at every point, then the point's typed settings
    /// ([`FrontierPoint::settings`]; with [`LIFT_CAP`] for a target above the profile's limit). Every point's
    /// scenario and campaign is loaded (and checked) before anything runs; a value out of range is blamed on its
    /// setting (`dialer.drop_target=1.5`). An override of a key in [`FRONTIER_KEYS`] is refused.
    ///
    /// ```
    /// use dialsim::analysis::{Frontier, FrontierGrid, no_progress};
    /// let grid = FrontierGrid::new(vec![dialsim::Pacer::Model], vec![5], vec![0.02, 0.05])?;
    /// let set = ["run.day_hours=0.5".to_string()];
    /// let f = Frontier::new(grid, &dialsim::ScenarioSource::named(None), &set, dialsim::Shard::WHOLE)?;
    /// let result = f.run(1, 2, 1, &no_progress)?;
    /// assert_eq!(result.rows.len(), 2);
    /// assert!(result.rows[0].compliant && !result.rows[1].compliant);
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn new(grid: FrontierGrid, source: &ScenarioSource, set: &[String], shard: Shard) -> Result<Frontier> {
        if let Some((_, key)) = frontier_key_set(set) {
            return Err(Error::Request(
                format!(
                    "{key} is set by the frontier at every point (predictive mode; pacers, agents and targets from \
                 their lists); it cannot be overridden"
                )
                .into(),
            ));
        }
        let points = grid.points();
        let (mut mine, mut checked) = (Vec::new(), Vec::new());
        for index in shard_points(points.len(), shard) {
            let point = points[index];
            let scenario = source.load_with(set, &point.settings(false))?;
            let (limit, compliant) = compliance(&scenario, point.target);
            let scenario = if compliant { scenario } else { source.load_with(set, &point.settings(true))? };
            check_loads(&scenario, &mut checked)?;
            mine.push(Planned { index, point, limit, compliant, scenario });
        }
        Ok(Frontier { grid, mine })
    }

    /// The grid.
    pub fn grid(&self) -> &FrontierGrid {
        &self.grid
    }

    /// This shard's points (their numbers in the whole grid) and their scenarios, in point order.
    pub fn scenarios(&self) -> impl Iterator<Item = (usize, &Scenario)> {
        self.mine.iter().map(|p| (p.index, &p.scenario))
    }

    /// Replications this shard runs in all, for `replications` per point (a progress bar's length).
    pub fn total(&self, replications: u32) -> u64 {
        self.mine.len() as u64 * u64::from(replications)
    }

    /// Runs `replications` replications of every point of the shard with the same seeds (common random
    /// numbers: replication `i` of every point runs with `replication_seed(seed, i)`), on `threads` threads.
    /// `progress` is called once per replication, with `done` counted over the whole shard.
    /// Fails when a point's campaign no longer loads (a file it names changed since [`Frontier::new`]).
    pub fn run(&self, seed: u64, replications: u32, threads: usize, progress: &Progress) -> Result<FrontierResult> {
        let rows = run_points(&self.mine, |p| &p.scenario, (seed, replications, threads), progress, FrontierRow::of)?;
        Ok(FrontierResult { seed, replications, rows })
    }
}

/// One point of a frontier with its estimates.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontierRow {
    /// The point's number in the whole grid.
    pub point: usize,
    /// The pacer.
    pub pacer: Pacer,
    /// Agents staffed.
    pub agents: u32,
    /// The drop target.
    pub target: f64,
    /// Whether the target keeps within the profile's abandonment limit (else the cap was lifted).
    pub compliant: bool,
    /// The profile's abandonment limit.
    pub limit: f64,
    /// Realised abandonment (drops / live answers) over the replications.
    pub abandon_rate: Estimate,
    /// The highest daily abandonment of any replication's day.
    pub abandon_rate_worst_day: f64,
    /// Agent occupancy over the replications.
    pub occupancy: Estimate,
    /// Contacts per agent-hour over the replications.
    pub contacts_per_agent_hour: Estimate,
    /// Every KPI of every replication, for ranking with paired differences.
    pub samples: PointSamples,
}

impl FrontierRow {
    fn of(p: &Planned, summaries: &[Summary]) -> FrontierRow {
        let est = |f: fn(&Summary) -> f64| Estimate::of(&summaries.iter().map(f).collect::<Vec<_>>());
        FrontierRow {
            point: p.index,
            pacer: p.point.pacer,
            agents: p.point.agents,
            target: p.point.target,
            compliant: p.compliant,
            limit: p.limit,
            abandon_rate: est(|s| s.abandon_rate),
            abandon_rate_worst_day: summaries.iter().map(|s| s.abandon_rate_max_day).fold(0.0, f64::max),
            occupancy: est(|s| s.occupancy),
            contacts_per_agent_hour: est(|s| s.contacts_per_agent_hour),
            samples: PointSamples::of(&p.scenario, summaries),
        }
    }
}

/// A frontier's (or a shard's) results: what `frontier.csv` holds.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontierResult {
    /// The seed.
    pub seed: u64,
    /// Replications per point.
    pub replications: u32,
    /// The points run, in point order.
    pub rows: Vec<FrontierRow>,
}

/// One point of a frontier curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvePoint {
    /// The drop target.
    pub target: f64,
    /// Realised abandonment (x).
    pub abandon_rate: Estimate,
    /// Occupancy (y).
    pub occupancy: Estimate,
    /// Whether the target keeps within the profile's limit.
    pub compliant: bool,
}

/// One curve of a frontier chart: a pacer's points at one agent count, in target order.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// The pacer's name.
    pub pacer: String,
    /// The agent count.
    pub agents: u32,
    /// The points in target order.
    pub points: Vec<CurvePoint>,
}

impl FrontierResult {
    /// The keys that name a point in [`FrontierResult::ranking`]: the pacer, the agents and the drop target.
    pub const RANK_KEYS: [&'static str; 3] = ["dialer.pacer", "dialer.agents", "dialer.drop_target"];

    /// The points ranked by `by` among those meeting every constraint of `constraints`, each named by
    /// [`FrontierResult::RANK_KEYS`] (see [`crate::analysis::rank`]).
    pub fn ranking(&self, by: RankBy, constraints: &[Constraint]) -> Ranking {
        let values: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| vec![r.pacer.as_str().to_string(), r.agents.to_string(), r.target.to_string()])
            .collect();
        let points: Vec<Candidate> =
            self.rows.iter().zip(&values).map(|(r, v)| (r.point, v.as_slice(), &r.samples)).collect();
        let keys: Vec<String> = Self::RANK_KEYS.iter().map(|k| k.to_string()).collect();
        rank(&keys, &points, self.replications, by, constraints)
    }

    /// The curves of the chart: agent counts in grid order, pacers in grid order within each, every curve's
    /// points in target order.
    pub fn curves(&self) -> Vec<Curve> {
        let mut curves: Vec<Curve> = Vec::new();
        for r in &self.rows {
            let p = CurvePoint {
                target: r.target,
                abandon_rate: r.abandon_rate,
                occupancy: r.occupancy,
                compliant: r.compliant,
            };
            match curves.iter_mut().find(|c| c.agents == r.agents && c.pacer == r.pacer.as_str()) {
                Some(c) => c.points.push(p),
                None => curves.push(Curve { pacer: r.pacer.as_str().into(), agents: r.agents, points: vec![p] }),
            }
        }
        let mut agents: Vec<u32> = Vec::new();
        for c in &mut curves {
            c.points.sort_by(|a, b| a.target.total_cmp(&b.target));
            if !agents.contains(&c.agents) {
                agents.push(c.agents);
            }
        }
        // Grouped by agent count (a stable sort keeps the pacers' order).
        curves.sort_by_key(|c| agents.iter().position(|a| *a == c.agents));
        curves
    }

    /// The profile's abandonment limit (of the first point; every point shares the profile).
    pub fn limit(&self) -> Option<f64> {
        self.rows.first().map(|r| r.limit)
    }
}

#[cfg(test)]
mod tests;
