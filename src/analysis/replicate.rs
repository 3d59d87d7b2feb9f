//! Independent replications of a campaign, run in parallel, with results in replication order whatever the
//! thread count.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::foundation::rng::replication_seed;
use crate::foundation::stats::Estimate;
use crate::scenario::Scenario;
use crate::sim::{Campaign, Summary};

/// Told of progress: `(done, total)` after each replication ends. Called from the worker threads, in no
/// particular order (two calls may arrive with their `done` counts swapped); count the calls, or take the
/// largest `done`, rather than trusting their order. `total` is the count planned so far (it grows while
/// [`replicate_until`] adds replications).
pub type Progress<'a> = dyn Fn(u64, u64) + Sync + 'a;

/// A [`Progress`] that ignores progress.
pub fn no_progress(_done: u64, _total: u64) {}

/// Replications of one scenario with their statistics: what `simulate --replications` reports.
#[derive(Clone, Debug)]
pub struct Replications<'a> {
    /// The seed (replication `i` runs with [`replication_seed`]`(seed, i)`).
    pub seed: u64,
    /// The scenario replicated.
    pub scenario: &'a Scenario,
    /// One summary per replication, in replication order.
    pub summaries: Vec<Summary>,
    /// Every KPI as an estimate over the summaries, in [`crate::sim::kpi::KPIS`] order.
    pub estimates: Vec<(&'static str, Estimate)>,
}

impl<'a> Replications<'a> {
    /// The replications `summaries` of `scenario` under `seed`, with their estimates.
    pub fn new(scenario: &'a Scenario, seed: u64, summaries: Vec<Summary>) -> Replications<'a> {
        let estimates = aggregate(&summaries);
        Replications { seed, scenario, summaries, estimates }
    }

    /// The estimate of the KPI `name`.
    pub fn estimate(&self, name: &str) -> Option<Estimate> {
        self.estimates.iter().find(|(k, _)| *k == name).map(|(_, e)| *e)
    }
}

/// The summaries of replications `from..to` of `campaign` under `seed`, computed on `threads` threads;
/// `progress` hears of each replication as it ends, with `done` counted from `done_before` and out of
/// `total`.
fn replicate_counted(
    campaign: &Campaign,
    seed: u64,
    (from, to): (u32, u32),
    threads: usize,
    (done_before, total): (u64, u64),
    progress: &Progress,
) -> Vec<Summary> {
    let n = to.saturating_sub(from) as usize;
    // Threads take the next replication from a counter; each result lands in its own slot.
    let slots: Vec<Mutex<Option<Summary>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, n.max(1)) {
            s.spawn(|| {
                while let Some(i) = Some(next.fetch_add(1, Ordering::Relaxed)).filter(|&i| i < n) {
                    let summary = campaign.run(replication_seed(seed, from + i as u32), false).summary;
                    *slots[i].lock().expect("no poisoned slot") = Some(summary);
                    let finished = done.fetch_add(1, Ordering::Relaxed) as u64 + 1;
                    progress(done_before + finished, total);
                }
            });
        }
    });
    slots.into_iter().map(|s| s.into_inner().expect("no poisoned slot").expect("every replication ran")).collect()
}

/// The summaries of replications `from..to` of `campaign` under `seed`, computed on `threads` threads;
/// `progress` is called once per replication, `(done, to - from)`.
///
/// ```
/// use dialsim::analysis::{no_progress, replicate, replicate_range};
/// let c = dialsim::sim::Campaign::new(dialsim::Scenario::default_day()).unwrap();
/// assert_eq!(replicate_range(&c, 1, 2, 3, 1, &no_progress), replicate(&c, 1, 3, 1, &no_progress)[2..]);
/// ```
pub fn replicate_range(
    campaign: &Campaign,
    seed: u64,
    from: u32,
    to: u32,
    threads: usize,
    progress: &Progress,
) -> Vec<Summary> {
    let total = u64::from(to.saturating_sub(from));
    replicate_counted(campaign, seed, (from, to), threads, (0, total), progress)
}

/// Refuses `n` replications when their summaries would not fit in memory (each is kept for the
/// statistics), with a message that says how much they would need.
pub fn check_replications(n: u64) -> crate::Result<()> {
    // A summary's inline size plus its heap parts (outcome counts, dial-level trace, AAPOR table).
    const HEAP_PER_SUMMARY: u64 = 4096;
    let per = std::mem::size_of::<Mutex<Option<Summary>>>() as u64 + HEAP_PER_SUMMARY;
    crate::foundation::limits::ensure_memory(&format!("{n} replications"), n.saturating_mul(per))
}

/// `n` replications (replication 0 uses `seed` itself); `progress` is called once per replication.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// let c = dialsim::sim::Campaign::new(dialsim::Scenario::default_day()).unwrap();
/// let calls = AtomicU64::new(0);
/// let a = dialsim::analysis::replicate(&c, 1, 3, 1, &|_, _| {
///     calls.fetch_add(1, Ordering::Relaxed);
/// });
/// let b = dialsim::analysis::replicate(&c, 1, 3, 2, &dialsim::analysis::no_progress);
/// assert_eq!(a, b);
/// assert_eq!(calls.into_inner(), 3);
/// ```
pub fn replicate(campaign: &Campaign, seed: u64, n: u32, threads: usize, progress: &Progress) -> Vec<Summary> {
    replicate_range(campaign, seed, 0, n, threads, progress)
}

/// How precise replications are to be: until the 95 % half-width of `kpi` is at most `half_width`, with at
/// least `min` and at most `max` replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Precision<'a> {
    /// The KPI whose estimate is to be precise (a name of [`crate::sim::kpi::KPIS`]).
    pub kpi: &'a str,
    /// The 95 % half-width wanted, in the KPI's unit.
    pub half_width: f64,
    /// The fewest replications (at least 2 are run).
    pub min: u32,
    /// The most replications, met or not.
    pub max: u32,
}

/// Replications until the estimate is as precise as `precision` asks. The stopping point is the first count
/// that meets the target, so the result does not depend on threads. `progress` is called once per replication
/// run, with the count planned so far as its total.
pub fn replicate_until(
    campaign: &Campaign,
    seed: u64,
    precision: &Precision<'_>,
    threads: usize,
    progress: &Progress,
) -> Vec<Summary> {
    let Precision { kpi, half_width, min, max } = *precision;
    let first = min.max(2);
    let mut all = replicate_counted(campaign, seed, (0, first), threads, (0, u64::from(first)), progress);
    loop {
        let values: Vec<f64> = all.iter().map(|s| kpi_value(s, kpi).unwrap_or(f64::NAN)).collect();
        for n in min.max(2) as usize..=values.len() {
            if Estimate::of(&values[..n]).half_width() <= half_width {
                all.truncate(n);
                return all;
            }
        }
        if all.len() as u32 >= max {
            return all;
        }
        let from = all.len() as u32;
        let to = (from + (threads as u32 * 4).max(8)).min(max);
        all.extend(replicate_counted(campaign, seed, (from, to), threads, (u64::from(from), u64::from(to)), progress));
    }
}

/// A KPI of a summary by name (see [`crate::sim::kpi::KPIS`]).
pub fn kpi_value(s: &Summary, name: &str) -> Option<f64> {
    crate::sim::kpi::find(name).map(|k| k.of(s))
}

/// Every KPI as an estimate over the summaries, in [`crate::sim::kpi::KPIS`] order (none of no summaries).
pub fn aggregate(summaries: &[Summary]) -> Vec<(&'static str, Estimate)> {
    if summaries.is_empty() {
        return Vec::new();
    }
    crate::sim::kpi::KPIS
        .iter()
        .map(|k| (k.name, Estimate::of(&summaries.iter().map(|s| k.of(s)).collect::<Vec<_>>())))
        .collect()
}
