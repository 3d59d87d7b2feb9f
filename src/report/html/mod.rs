//! The HTML report's content: what it shows, read from the files a run, replications, a sweep, a frontier or a
//! comparison write (by header, never by column position), or taken from the typed results still in memory
//! (`Report::add_run` and its siblings: no file is written and parsed back). Both ways give the same section
//! (`tests.rs` checks it), so a report of a folder and one made by `--report` show the same thing; the one
//! difference is the precision of the day profile's dial level and occupancy, which `intervals.csv` rounds to
//! 3 and 4 decimals and a run in memory keeps whole.
//!
//! This module gathers; `page.rs` lays out the page and `svg.rs` draws the charts (inline SVG, no script, no
//! network). Nothing here prints.

pub(crate) mod charts;
mod compare;
mod format;
pub(crate) mod frontier;
mod page;
pub(crate) mod read;
pub(crate) mod svg;
mod sweep;
#[cfg(test)]
mod tests;

use std::path::Path;

pub(crate) use page::{render, window};

use crate::analysis::{Comparison, FrontierResult, Replications, SweepResult};
use crate::foundation::error::{Message, Param, Result, message};
use crate::report::export::intervals_csv::{DIAL_LEVEL_PLACES, OCCUPANCY_PLACES, as_written};
use crate::scenario::Scenario;

/// The content of an HTML report: one section per run folder, replications folder, sweep or comparison, in
/// the order added. Written by [`crate::report::HtmlReport`].
///
/// ```
/// use dialsim::report::{Export, HtmlReport, Report};
/// let campaign = dialsim::sim::Campaign::new(dialsim::Scenario::default_day()).unwrap();
/// let run = campaign.run(7, false);
/// let mut report = Report::new();
/// report.add_run(campaign.scenario(), &run);
/// let html = String::from_utf8(HtmlReport.to_bytes(&report)).unwrap();
/// assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub(crate) sections: Vec<Section>,
    /// The KPIs shown as cards, charted and tabled, in order ([`Report::show_kpis`]); empty: the headline KPIs.
    pub(crate) kpis: Vec<&'static str>,
    /// How the page names a request parameter ([`Report::name_params`]); none: the library's way.
    pub(crate) params: Option<fn(Param) -> String>,
}

/// What one section is about: where it came from and the scenario it ran.
#[derive(Clone, Debug, Default)]
pub(crate) struct Context {
    /// The folder or file read, or what made the section (`simulate`, `sweep`, `compare`), which may name a
    /// request parameter (replications of `simulate`).
    pub source: Message,
    /// The scenario, when the files record it.
    pub scenario: Option<Scenario>,
    /// The seed, when known.
    pub seed: Option<u64>,
    /// The dialsim version that wrote the files (from the manifest), when known.
    pub version: Option<String>,
    /// The currency of every cost (the scenario's `costs.currency`), when the files record it.
    pub currency: Option<String>,
}

impl Context {
    /// The context of a result still in memory, made by this dialsim from `scenario` with `seed`.
    fn in_memory(source: Message, scenario: Option<&Scenario>, seed: u64) -> Context {
        Context {
            source,
            scenario: scenario.cloned(),
            seed: Some(seed),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            currency: scenario.map(|s| s.costs.currency.clone()),
        }
    }

    /// The currency of the section's costs, when known.
    pub fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }
}

/// A point estimate with its 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Est {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Est {
    /// `mean` ± `half_width` (how `sweep.csv` gives an interval).
    pub fn around(mean: f64, half_width: f64) -> Est {
        Est { mean, lo: mean - half_width, hi: mean + half_width }
    }
}

/// One row of `intervals.csv`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct IntervalRow {
    /// RFC 3339 local start time.
    pub start: String,
    pub dials: f64,
    pub human_answers: f64,
    pub connects: f64,
    /// Abandoned calls (live persons).
    pub drops: f64,
    /// Undetected machines dropped (no abandoned call; 0 in folders written before the column).
    pub machine_drops: f64,
    pub dial_level: f64,
    pub occupancy: f64,
}

impl IntervalRow {
    /// The rows of `run`'s day profile (`intervals.csv`'s, with the dial level and occupancy unrounded).
    pub(crate) fn all_of(scenario: &Scenario, run: &crate::sim::RunOutput) -> Vec<IntervalRow> {
        run.intervals
            .iter()
            .map(|i| IntervalRow {
                start: crate::compliance::timestamp(scenario, i.start_ms),
                dials: i.dials as f64,
                human_answers: i.human_answers as f64,
                connects: i.connects as f64,
                drops: i.drops as f64,
                machine_drops: i.machine_drops as f64,
                // As intervals.csv writes them, so a report made from the run in memory draws what a report of
                // its folder draws.
                dial_level: as_written(i.dial_level, DIAL_LEVEL_PLACES),
                occupancy: as_written(i.occupancy(), OCCUPANCY_PLACES),
            })
            .collect()
    }
}

/// The audit's verdict on a run.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Verdict {
    /// `audit_folder` ran on the folder: every violation as (rule, call, detail, file:line), and the Bloom
    /// filter's possible hits.
    Folder { calls: usize, violations: Vec<(String, Option<u32>, String, Option<String>)>, possibly_known: usize },
    /// Only the summary's `violations` count (the run's audit of itself); for replications, its mean.
    Summary(f64),
    /// The audit could not run (the reason).
    Failed(String),
}

/// One section of the report.
#[derive(Clone, Debug)]
pub(crate) enum Section {
    /// One run: KPIs, the day profile, the audit.
    Run { ctx: Context, kpis: Vec<(String, f64)>, intervals: Vec<IntervalRow>, verdict: Verdict },
    /// Replications: every KPI's estimate.
    Replications { ctx: Context, n: u64, kpis: Vec<(String, Est)> },
    /// A sweep: the varied keys and every point's KPIs.
    Sweep { ctx: Context, keys: Vec<String>, replications: String, points: Vec<SweepPoint> },
    /// An efficiency frontier: every pacer × agent count × drop target.
    Frontier { ctx: Context, replications: String, points: Vec<frontier::FrontierPoint> },
    /// A paired comparison: one row per KPI; `a` and `b` name the scenarios, `differences` lists what sets
    /// B apart from A (`key`, A's value, B's value) when both scenarios are known.
    Compare { ctx: Context, a: String, b: String, differences: Vec<(String, String, String)>, rows: Vec<CompareRow> },
}

/// One point of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SweepPoint {
    /// One value per varied key, as written.
    pub values: Vec<String>,
    /// (KPI, estimate) for every KPI of `sweep.csv`.
    pub kpis: Vec<(String, Est)>,
}

/// One KPI of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CompareRow {
    pub kpi: String,
    pub a: f64,
    pub b: f64,
    /// B − A with its 95 % interval.
    pub diff: Est,
}

impl Report {
    /// An empty report.
    pub fn new() -> Report {
        Report::default()
    }

    /// A report of the folders and files `paths` (see [`Report::add_path`]), in order.
    pub fn read(paths: &[impl AsRef<Path>]) -> Result<Report> {
        let mut report = Report::new();
        for p in paths {
            report.add_path(p.as_ref())?;
        }
        Ok(report)
    }

    /// Adds what `path` holds: a run folder (`summary.json`, `intervals.csv`; audited with
    /// [`crate::compliance::audit_folder`] when it has `calls.csv`), a replications folder (`summary.json`,
    /// `replications.csv`), a sweep folder or `sweep.csv`, a frontier folder or `frontier.csv`, or a comparison CSV (`compare -o`; a folder holding
    /// `compare.csv`). Files are recognised by their header, not their name.
    pub fn add_path(&mut self, path: &Path) -> Result<()> {
        self.sections.extend(read::path(path)?);
        Ok(())
    }

    /// Adds a run still in memory (its audit verdict is the run's own, `violations` in its summary): the KPIs
    /// and the day profile `summary.json` and `intervals.csv` hold, taken from the run itself.
    pub fn add_run(&mut self, scenario: &Scenario, run: &crate::sim::RunOutput) {
        let mut ctx = Context::in_memory("simulate".into(), Some(scenario), run.seed);
        ctx.currency = Some(run.summary.costs.cost_currency.clone());
        let intervals = IntervalRow::all_of(scenario, run);
        let kpis = crate::sim::kpi::values(&run.summary)
            .into_iter()
            .filter(|(_, v)| v.is_finite())
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let verdict = Verdict::Summary(run.summary.compliance.violations as f64);
        self.sections.push(Section::Run { ctx, kpis, intervals, verdict });
    }

    /// Adds replications still in memory: every KPI's estimate with a finite interval.
    pub fn add_replications(&mut self, r: &Replications<'_>) {
        let source = message!["simulate ", Param::Replications];
        let ctx = Context::in_memory(source, Some(r.scenario), r.seed);
        let kpis = r
            .estimates
            .iter()
            .map(|(k, e)| (k.to_string(), Est { mean: e.mean, lo: e.ci95_low, hi: e.ci95_high }))
            .filter(|(_, e)| e.mean.is_finite() && e.lo.is_finite() && e.hi.is_finite())
            .collect();
        self.sections.push(Section::Replications { ctx, n: r.summaries.len() as u64, kpis });
    }

    /// Adds a sweep still in memory; `scenario` is the scenario of its first point (for the page's facts).
    pub fn add_sweep(&mut self, result: &SweepResult, scenario: Option<&Scenario>) {
        let mut ctx = Context::in_memory("sweep".into(), scenario, result.seed);
        // The currency of the costs, when every point has the same.
        let first = result.rows.first().map(|r| &r.currency);
        ctx.currency = first.filter(|c| result.rows.iter().all(|r| &r.currency == *c)).cloned();
        let points = result
            .rows
            .iter()
            .map(|row| SweepPoint {
                values: row.values.clone(),
                kpis: row.estimates.iter().map(|(k, e)| (k.to_string(), Est::around(e.mean, e.half_width()))).collect(),
            })
            .collect();
        let replications = if result.rows.is_empty() { String::new() } else { result.replications.to_string() };
        self.sections.push(Section::Sweep { ctx, keys: result.keys.clone(), replications, points });
    }

    /// Adds a frontier still in memory; `scenario` is the scenario of its first point (for the page's facts).
    pub fn add_frontier(&mut self, result: &FrontierResult, scenario: Option<&Scenario>) {
        let mut ctx = Context::in_memory("frontier".into(), scenario, result.seed);
        // The frontier shows no costs, and frontier.csv records no currency.
        ctx.currency = None;
        self.sections.push(frontier::of(ctx, result));
    }

    /// Adds a comparison still in memory of scenario `a` against scenario `b`, each given as (name, scenario):
    /// the section is titled by what sets B apart from A (every key whose value differs), not by the names
    /// alone.
    pub fn add_comparison(&mut self, a: (&str, &Scenario), b: (&str, &Scenario), comparison: &Comparison) {
        let mut ctx = Context::in_memory(
            format!("compare, {} paired replications", comparison.replications).into(),
            None,
            comparison.seed,
        );
        // Costs are compared in one currency only when both sides count in it.
        ctx.currency = (a.1.costs.currency == b.1.costs.currency).then(|| a.1.costs.currency.clone());
        if let Some(c) = &comparison.cost_currency {
            ctx.currency = Some(c.clone());
        }
        let rows = comparison
            .rows
            .iter()
            .map(|(kpi, p)| CompareRow {
                kpi: kpi.to_string(),
                a: p.a.mean,
                b: p.b.mean,
                diff: Est { mean: p.diff.mean, lo: p.diff.ci95_low, hi: p.diff.ci95_high },
            })
            .collect();
        let (a, b, differences) = (a.0.to_string(), b.0.to_string(), compare::differences(a.1, b.1));
        self.sections.push(Section::Compare { ctx, a, b, differences, rows });
    }

    /// Shows the KPIs `names` (in that order) as the cards of runs and replications, the charts and the point
    /// tables of sweeps, instead of the headline KPIs; every KPI stays in the full tables. An unknown name is
    /// an error that suggests the nearest ([`crate::sim::kpi::lookup`]).
    ///
    /// ```
    /// let mut report = dialsim::report::Report::new();
    /// report.show_kpis(&["cost_per_consent", "abandon_rate"]).unwrap();
    /// assert!(report.show_kpis(&["cost_per_consnet"]).is_err());
    /// ```
    pub fn show_kpis(&mut self, names: &[impl AsRef<str>]) -> Result<()> {
        self.kpis = names.iter().map(|n| crate::sim::kpi::lookup(n.as_ref()).map(|k| k.name)).collect::<Result<_>>()?;
        Ok(())
    }

    /// The KPIs the cards, charts and point tables show.
    pub(crate) fn shown(&self) -> Vec<&'static str> {
        if self.kpis.is_empty() { crate::sim::kpi::HEADLINE.to_vec() } else { self.kpis.clone() }
    }

    /// Names each request parameter the page mentions (the parameters that made a section, how to get
    /// intervals) as `names` gives it: a front end's own spelling, e.g. a command line's flag. Without it the
    /// page names a parameter the library's way, as its field's name in backticks (`` `replications` ``).
    ///
    /// ```
    /// use dialsim::report::{Export, HtmlReport, Report};
    /// let campaign = dialsim::sim::Campaign::new(dialsim::Scenario::default_day()).unwrap();
    /// let mut report = Report::new();
    /// report.add_run(campaign.scenario(), &campaign.run(7, false));
    /// let page = |r: &Report| String::from_utf8(HtmlReport.to_bytes(r)).unwrap();
    /// assert!(page(&report).contains("add <code>`replications` N</code>"));
    /// report.name_params(|p| format!("--{}", p.name()));
    /// assert!(page(&report).contains("add <code>--replications N</code>"));
    /// ```
    pub fn name_params(&mut self, names: fn(Param) -> String) {
        self.params = Some(names);
    }

    /// `message` with its parameters named as [`Report::name_params`] says.
    pub(crate) fn text(&self, message: &Message) -> String {
        match self.params {
            Some(names) => message.render(&names),
            None => message.to_string(),
        }
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }
}
