//! The workflows built on single runs: replications with confidence intervals, sweeps over a grid of
//! parameter values (sharded and merged), and paired comparisons of two scenarios. They return results;
//! [`crate::report`] writes them and the binary decides what to show. Nothing here prints.
//!
//! Every workflow takes a thread count and a [`Progress`] callback; results never depend on either.

mod compare;
mod replicate;
mod sweep;

pub use compare::{Comparison, compare, pair};
pub use replicate::{
    Progress, Replications, aggregate, check_replications, kpi_value, no_progress, replicate, replicate_range,
    replicate_until,
};
pub use sweep::{Line, MergedSweep, Sweep, SweepResult, SweepRow, Vary, grid, shard_points};
