//! Two scenarios compared under common random numbers: the same replication seeds for both, so every KPI's
//! difference B − A is estimated from paired runs.

use super::replicate::{Progress, replicate};
use crate::foundation::stats::Paired;
use crate::sim::{Campaign, Summary};

/// The paired comparison of two campaigns: one row per KPI, in [`crate::sim::kpi::KPIS`] order.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The seed both sides ran with.
    pub seed: u64,
    /// Replications of each side.
    pub replications: u32,
    /// Every KPI: A, B and B − A ([`Paired`]).
    pub rows: Vec<(&'static str, Paired)>,
    /// The currency of both sides' costs; none when they differ (their costs cannot be subtracted) or no run
    /// was made.
    pub cost_currency: Option<String>,
}

impl Comparison {
    /// The paired statistics of one KPI.
    pub fn kpi(&self, name: &str) -> Option<&Paired> {
        self.rows.iter().find(|(k, _)| *k == name).map(|(_, p)| p)
    }
}

/// Runs `replications` replications of `a` and of `b` under `seed` (the same seeds on both sides) on
/// `threads` threads and pairs every KPI. `progress` is called once per run: `2 × replications` times, with
/// `done` counted over both sides.
///
/// ```
/// let a = dialsim::sim::Campaign::new(dialsim::Scenario::default_day()).unwrap();
/// let cmp = dialsim::analysis::compare(&a, &a, 1, 2, 1, &dialsim::analysis::no_progress);
/// // A scenario compared with itself differs by exactly nothing.
/// assert_eq!(cmp.kpi("dials").unwrap().diff.mean, 0.0);
/// ```
pub fn compare(
    a: &Campaign,
    b: &Campaign,
    seed: u64,
    replications: u32,
    threads: usize,
    progress: &Progress,
) -> Comparison {
    let total = 2 * u64::from(replications);
    let ra = replicate(a, seed, replications, threads, &|done, _| progress(done, total));
    let rb = replicate(b, seed, replications, threads, &|done, _| progress(u64::from(replications) + done, total));
    let currency = |runs: &[Summary]| runs.first().map(|s| s.costs.cost_currency.clone());
    let cost_currency = currency(&ra).filter(|c| Some(c) == currency(&rb).as_ref());
    Comparison { seed, replications, rows: pair(&ra, &rb), cost_currency }
}

/// Every KPI of paired summaries (`a[i]` and `b[i]` ran with the same seed).
pub fn pair(a: &[Summary], b: &[Summary]) -> Vec<(&'static str, Paired)> {
    crate::sim::kpi::KPIS
        .iter()
        .map(|k| {
            let xa: Vec<f64> = a.iter().map(|s| k.of(s)).collect();
            let xb: Vec<f64> = b.iter().map(|s| k.of(s)).collect();
            (k.name, Paired::of(&xa, &xb))
        })
        .collect()
}
