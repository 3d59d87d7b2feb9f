//! `sweep` as a job: a scenario over a grid of parameter values, each point replicated with the same seeds
//! (common random numbers), every value checked and the grid sized before anything runs, then run into its
//! folder with its charts, report and ranking.

use super::grid::{GridRequest, GridWritten, Loader, Ready, blame_on};
use super::reading::Notes;
use crate::analysis::{Progress, Sweep, SweepResult, Vary, check_grid_points, corners};
use crate::foundation::error::{Error, Param, Result, message};
use crate::scenario::Scenario;

/// What `sweep` is asked: a grid of the values of `vary` (the first varying slowest). Refusals name the request's
/// parameters ([`Param`]: `vary`, `plot`, `kpis`), which a front end spells its own way (the command line as its
/// flags).
#[derive(Clone, Debug)]
pub struct SweepJob<'a> {
    /// The scenario, how the points run, where the results go.
    pub grid: GridRequest<'a>,
    /// The varied parameters, each key once.
    pub vary: Vec<Vary>,
    /// The KPIs charted ([`GridRequest::plot`]; none: [`crate::sim::kpi::SWEEP_CHARTED`]) and shown by the
    /// report (none: the headline KPIs).
    pub kpis: Vec<String>,
}

/// A sweep ready to run: every point's scenario checked, the grid sized, the folder made, the report checked —
/// a refusal costs no simulation.
#[derive(Debug)]
pub struct SweepRun {
    sweep: Sweep,
    ready: Ready,
}

impl SweepJob<'_> {
    /// Everything checked and made before the run, in this order: the folder not stdout, the KPIs known, a key
    /// varied, each key varied once, the grid's size, a charted first key numeric, the replications; then the
    /// scenario loaded with the overrides, the grid sized from its corners and refused when too large, each
    /// varied value loaded on its own (a bad one blamed on its `--vary`), every point loaded, the report
    /// checked, the folder made and the seed drawn. What the scenarios say is told to `notes`, each text once.
    ///
    /// ```
    /// use dialsim::jobs::{GridRequest, Limits, SweepJob};
    /// let dir = tempfile::tempdir()?;
    /// let out = dir.path().join("sweep");
    /// let source = dialsim::ScenarioSource::named(None);
    /// let set = ["run.day_hours=0.5".to_string()];
    /// let grid = GridRequest {
    ///     source: &source, set: &set, replications: 2, seed: Some(1), threads: Some(1), out: &out,
    ///     shard: dialsim::Shard::WHOLE, limits: Limits::default(), verbose: false, plot: false, report: None,
    ///     rank: None,
    /// };
    /// let job = SweepJob { grid, vary: vec!["dialer.agents=5,6".parse()?], kpis: vec![] };
    /// let run = job.prepare(&mut |_| {})?;
    /// assert_eq!(run.total(), 4);
    /// let done = run.run(&|_, _| {})?;
    /// assert_eq!(done.points, 2);
    /// assert!(out.join("sweep.csv").is_file());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prepare(&self, notes: &mut Notes<'_>) -> Result<SweepRun> {
        let (g, vary) = (&self.grid, &self.vary);
        g.check_out()?;
        for k in &self.kpis {
            crate::sim::kpi::lookup(k).map_err(|e| Error::Request(e.to_string().into()))?;
        }
        if vary.is_empty() {
            return Err(Error::Request(message!["no ", Param::Vary, " given: a sweep varies at least one key"]));
        }
        for (i, v) in vary.iter().enumerate() {
            if vary[..i].iter().any(|w| w.key == v.key) {
                return Err(Error::Request(message![
                    Param::Vary,
                    format!(" {} is given twice; list all its values in one ", v.key),
                    Param::Vary,
                    format!(" {}=V1,V2,...", v.key)
                ]));
            }
        }
        // Counted before any point is listed or loaded: a grid of millions of points is refused here.
        let sizes: Vec<usize> = vary.iter().map(|v| v.values.len()).collect();
        let points = check_grid_points(&sizes).map_err(|e| Error::Request(message![Param::Vary, format!(": {e}")]))?;
        if g.plot
            && let Some(bad) = vary[0].values.iter().find(|x| x.parse::<f64>().is_err())
        {
            return Err(Error::Request(message![
                Param::Plot,
                " charts the KPIs against the first ",
                Param::Vary,
                format!(", {}, whose value '{bad}' is not a number; put a numeric ", vary[0].key),
                Param::Vary,
                " first, or leave out ",
                Param::Plot
            ]));
        }
        g.check_replications()?;
        // The fixed overrides, then the sweep sized (before any value is checked or point loaded: a sweep too
        // large costs no more), then each varied value on its own: a bad value is blamed on the parameter that gave it.
        let mut loader = Loader::new(g.source)?;
        loader.load(g.set, notes)?;
        let (low, high) = corners(vary);
        let mut corner = |corner: Vec<String>, notes: &mut Notes<'_>| {
            let overrides: Vec<String> = g.set.iter().cloned().chain(corner).collect();
            loader.load(&overrides, notes)
        };
        let corners = [corner(low, notes), corner(high, notes)];
        g.check_needs(corners, |notes| loader.load(g.set, notes), points as u64, "this sweep", notes)?;
        for v in vary {
            for x in &v.values {
                let key_value = format!("{}={x}", v.key);
                let set: Vec<String> = g.set.iter().cloned().chain([key_value.clone()]).collect();
                blame_on(loader.load(&set, notes), Param::Vary, &key_value)?;
            }
        }
        // Every point's scenario is checked before any runs.
        let sweep = Sweep::new(vary.clone(), g.set, g.shard, |set| loader.load(set, notes))?;
        let ready = g.open(sweep.scenarios().map(|(_, s)| s), &self.kpis, self.kpis.clone(), notes)?;
        Ok(SweepRun { sweep, ready })
    }
}

impl SweepRun {
    /// This shard's points (their numbers in the whole grid) and their scenarios, in point order.
    pub fn scenarios(&self) -> impl Iterator<Item = (usize, &Scenario)> {
        self.sweep.scenarios()
    }

    /// The runs it makes in all (a progress bar's length): points × replications.
    pub fn total(&self) -> u64 {
        self.sweep.scenarios().count() as u64 * u64::from(self.ready.job.replications)
    }

    /// Runs the points (`progress` hears of every replication) into the folder — `sweep.csv`, the charts, the
    /// record of processing, the commit — then writes the report and ranks the points.
    pub fn run(self, progress: &Progress) -> Result<GridWritten<SweepResult>> {
        let SweepRun { sweep, ready: Ready { job, after } } = self;
        let done = job.sweep(&sweep, progress)?;
        let points = done.result.rows.len();
        let first = sweep.scenarios().next().map(|(_, s)| s);
        after.finish(done, "sweep.csv", points, |r, result| r.add_sweep(result, first), SweepResult::ranking)
    }
}
