//! Independent replications of a campaign, run in parallel, with results in replication order whatever the
//! thread count.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Campaign, Summary};
use crate::report::Estimate;
use crate::rng::replication_seed;

/// The summaries of replications `from..to` of `campaign` under `seed`, computed on `threads` threads.
pub fn replicate_range(campaign: &Campaign, seed: u64, from: u32, to: u32, threads: usize) -> Vec<Summary> {
    let n = to.saturating_sub(from) as usize;
    // Threads take the next replication from a counter; each result lands in its own slot.
    let slots: Vec<Mutex<Option<Summary>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, n.max(1)) {
            s.spawn(|| {
                while let Some(i) = Some(next.fetch_add(1, Ordering::Relaxed)).filter(|&i| i < n) {
                    let summary = campaign.run(replication_seed(seed, from + i as u32), false).summary;
                    *slots[i].lock().expect("no poisoned slot") = Some(summary);
                }
            });
        }
    });
    slots.into_iter().map(|s| s.into_inner().expect("no poisoned slot").expect("every replication ran")).collect()
}

/// Refuses `n` replications when their summaries would not fit in memory (each is kept for the
/// statistics), with a message that says how much they would need.
pub fn check_replications(n: u64) -> crate::Result<()> {
    // A summary's inline size plus its heap parts (outcome counts, dial-level trace, AAPOR table).
    const HEAP_PER_SUMMARY: u64 = 4096;
    let per = std::mem::size_of::<Mutex<Option<Summary>>>() as u64 + HEAP_PER_SUMMARY;
    crate::limits::ensure_memory(&format!("{n} replications"), n.saturating_mul(per))
}

/// `n` replications (replication 0 uses `seed` itself).
///
/// ```
/// let c = dialsim::Campaign::new(dialsim::Scenario::default_day()).unwrap();
/// let a = dialsim::sim::replicate(&c, 1, 3, 1);
/// let b = dialsim::sim::replicate(&c, 1, 3, 2);
/// assert_eq!(a, b);
/// ```
pub fn replicate(campaign: &Campaign, seed: u64, n: u32, threads: usize) -> Vec<Summary> {
    replicate_range(campaign, seed, 0, n, threads)
}

/// Replications until the 95 % half-width of `kpi` is at most `half_width` (at least `min`, at most `max`).
/// The stopping point is the first count that meets the target, so the result does not depend on threads.
pub fn replicate_until(
    campaign: &Campaign,
    seed: u64,
    kpi: &str,
    half_width: f64,
    min: u32,
    max: u32,
    threads: usize,
) -> Vec<Summary> {
    let mut all = replicate(campaign, seed, min.max(2), threads);
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
        all.extend(replicate_range(campaign, seed, from, to, threads));
    }
}

/// A KPI of a summary by name (see [`Summary::kpis`]).
pub fn kpi_value(s: &Summary, name: &str) -> Option<f64> {
    s.kpis().into_iter().find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Every KPI as an estimate over the summaries, in [`Summary::kpis`] order.
pub fn aggregate(summaries: &[Summary]) -> Vec<(&'static str, Estimate)> {
    let Some(first) = summaries.first() else {
        return Vec::new();
    };
    first
        .kpis()
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (*name, Estimate::of(&summaries.iter().map(|s| s.kpis()[i].1).collect::<Vec<_>>())))
        .collect()
}
