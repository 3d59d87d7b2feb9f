//! The workflows built on single runs: replications with confidence intervals, sweeps over a grid of
//! parameter values (sharded and merged), the efficiency frontier of the pacers (a grid of pacers, agent
//! counts and drop targets, sharded and merged), and paired comparisons of two scenarios. They return results;
//! [`crate::report`] writes them and the binary decides what to show. Nothing here prints.
//!
//! Every workflow takes a thread count and a [`Progress`] callback; results never depend on either.

mod compare;
mod frontier;
mod replicate;
mod shards;
mod sweep;

pub use compare::{Comparison, compare, pair};
pub use frontier::{
    Curve, CurvePoint, FRONTIER_KEYS, Frontier, FrontierGrid, FrontierPoint, FrontierResult, FrontierRow, LIFT_CAP,
    MergedFrontier, parse_agents, parse_pacers, parse_targets,
};
pub use replicate::{
    Progress, Replications, aggregate, check_replications, kpi_value, no_progress, replicate, replicate_range,
    replicate_until,
};
pub use shards::shard_points;
pub use sweep::{Line, MergedSweep, Sweep, SweepResult, SweepRow, Vary, grid};
