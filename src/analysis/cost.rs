//! What a request will cost before it runs: memory, disk and processor time of a run, of replications, of a
//! grid (sweep or frontier) and of a comparison, from the calls a run makes ([`crate::sim::Campaign::estimate`])
//! and a few per-unit costs measured on real runs. Rough — the right order of magnitude, to refuse what cannot
//! fit before any of it is spent and to tell how long the rest will take. Nothing here prints.
//!
//! The per-unit costs (release build, 2 cores, 2026-11-28; BENCHMARKS.md "Simulator memory" and
//! "Replications"): the 366-day benchmark campaign makes 6.94 M calls, peaks at 85 MB (14 MB for 30 days) and
//! writes 628 MB of records in 11.9 s (5.1 s without records); a sweep of the default scenario (debug build,
//! 2026-12-06) peaks 18 MB higher over 2,000 points than over 100 and writes 380 bytes of `sweep.csv` a point.

use crate::foundation::limits::Needs;

/// Memory of a run before its first call (engine, leads, strata tables, buffers).
pub const RUN_MEMORY: u64 = 16 << 20;
/// Memory a run keeps per call made (suppression list, consent ledger, names, time profile): 85 MB for 6.94 M
/// calls, rounded up.
pub const HELD_PER_CALL: u64 = 16;
/// Bytes of a run folder's records per call (`calls.csv` and the receipts): 628 MB for 6.94 M calls, rounded up.
pub const RECORD_BYTES_PER_CALL: u64 = 96;
/// Processor seconds per call when its record is written (11.9 s for 6.94 M calls).
pub const SECONDS_PER_RECORDED_CALL: f64 = 1.8e-6;
/// Processor seconds per call when only the summary is kept (5.1 s for 6.94 M calls).
pub const SECONDS_PER_CALL: f64 = 0.75e-6;
/// Memory of a grid point held while the grid runs (its scenario and row; its campaign is loaded only while
/// it runs): 18 MB more for 2,000 points than for 100, rounded up.
pub const POINT_MEMORY: u64 = 16 << 10;
/// Processor seconds to load a grid point's campaign (twice: checked before the grid runs, loaded when the
/// point runs): at most what 6 points took beyond their 60 runs (0.6 s for a 3 × 2 sweep of 10 replications).
pub const POINT_SECONDS: f64 = 0.005;
/// Bytes of a grid's table (`sweep.csv`, `frontier.csv`) per point (380 measured), and of a replication's row
/// of `replications.csv`.
pub const ROW_BYTES: u64 = 512;
/// Memory of one replication's summary while its point's statistics are computed.
pub const SUMMARY_MEMORY: u64 = 8 << 10;
/// What a run folder holds besides records (summary, manifest, profile).
pub const FOLDER_BYTES: u64 = 1 << 20;

/// One run of `calls` calls; with `records`, its run folder (calls.csv and receipts) is written.
///
/// ```
/// let n = dialsim::analysis::run_needs(6_940_000, true);
/// assert!(n.disk > 600_000_000 && n.disk < 800_000_000);
/// assert!(n.memory < 200 << 20);
/// ```
pub fn run_needs(calls: u64, records: bool) -> Needs {
    Needs {
        memory: RUN_MEMORY.saturating_add(calls.saturating_mul(HELD_PER_CALL)),
        disk: FOLDER_BYTES + if records { calls.saturating_mul(RECORD_BYTES_PER_CALL) } else { 0 },
        seconds: calls as f64 * if records { SECONDS_PER_RECORDED_CALL } else { SECONDS_PER_CALL },
    }
}

/// `points` grid points (1 for plain replications) of `replications` replications each, `threads` runs at a
/// time, a run making `calls` calls (the largest point's, for the memory of the runs in flight) and `mean_calls`
/// on average (for the time). Every point's scenario is held while the grid runs, its campaign and summaries
/// only while it runs; the table gets a row per point (per replication without a grid).
///
/// ```
/// use dialsim::analysis::grid_needs;
/// let small = grid_needs(6, 10, 40_000, 40_000, 2);
/// assert!(small.memory < 100 << 20 && small.seconds < 10.0);
/// let huge = grid_needs(100_000, 1_000_000, 40_000, 40_000, 2);
/// assert!(huge.memory > 8 << 30 && huge.seconds > 1e9);
/// ```
pub fn grid_needs(points: u64, replications: u64, calls: u64, mean_calls: u64, threads: u64) -> Needs {
    let in_flight = threads.clamp(1, replications.max(1));
    let run = run_needs(calls, false);
    let held = if points > 1 { points.saturating_mul(POINT_MEMORY) } else { 0 };
    let memory = held
        .saturating_add(replications.saturating_mul(SUMMARY_MEMORY))
        .saturating_add(in_flight.saturating_mul(run.memory));
    let rows = if points > 1 { points } else { replications };
    let runs = points as f64 * replications as f64;
    Needs {
        memory,
        disk: FOLDER_BYTES.saturating_add(rows.saturating_mul(ROW_BYTES)),
        seconds: runs * mean_calls as f64 * SECONDS_PER_CALL
            + if points > 1 { points as f64 * POINT_SECONDS } else { 0.0 },
    }
}
