//! The workflows built on single runs: replications with confidence intervals, sweeps over a grid of
//! parameter values (sharded and merged), the efficiency frontier of the pacers (a grid of pacers, agent
//! counts and drop targets, sharded and merged), and paired comparisons of two scenarios. They return results;
//! [`crate::report`] writes them and the binary decides what to show. Nothing here prints.
//!
//! Every workflow takes a thread count and a [`Progress`] callback; results never depend on either.

mod compare;
mod cost;
mod frontier;
mod rank;
mod replicate;
mod shards;
mod sweep;

pub use compare::{Comparison, compare, pair};
pub use cost::{
    FOLDER_BYTES, HELD_PER_CALL, POINT_MEMORY, POINT_SECONDS, RECORD_BYTES_PER_CALL, ROW_BYTES, RUN_MEMORY,
    SECONDS_PER_CALL, SECONDS_PER_RECORDED_CALL, SUMMARY_MEMORY, grid_needs, run_needs,
};
pub use frontier::{
    Curve, CurvePoint, FRONTIER_KEYS, Frontier, FrontierGrid, FrontierPoint, FrontierResult, FrontierRow, LIFT_CAP,
    MergedFrontier, frontier_key_set, parse_agents, parse_pacers, parse_targets,
};
pub use rank::{
    Beside, Candidate, Constraint, Excluded, Op, PINNED_SHARE, PointSamples, RankBy, RankedRow, Ranking, rank,
};
pub use replicate::{
    Precision, Progress, Replications, aggregate, check_replications, kpi_value, no_progress, replicate,
    replicate_range, replicate_until,
};
pub use shards::{MAX_GRID_POINTS, check_grid_points, shard_point_count, shard_points};
pub use sweep::{Line, MergedSweep, Sweep, SweepResult, SweepRow, Vary, corners, grid};
