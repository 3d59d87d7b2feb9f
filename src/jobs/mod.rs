//! The workflows the binary runs, owned by the library: each takes a typed request, does the whole job —
//! files written as a set, signed, written back to a registry — and hands back a typed result with what
//! happened, for the caller to print. Nothing here parses flags or prints.
//!
//! - [`run_into`]: one campaign into its run folder (records, `registry.json`, the profile chart, the commit,
//!   the signature, the write-back to the registry, in that order: the registry learns only of a committed
//!   folder).
//! - [`replications_into`]: replications of a campaign into a run folder.
//! - [`run_series`] (feature `registry`): campaigns one after another against one registry, each reading what the earlier ones
//!   wrote back ([`Series`], `series.csv`).
//! - [`prior`] and [`write_back`]: what a campaign reads from a registry and writes back to it.

mod campaign;
#[cfg(feature = "registry")]
mod series;

#[cfg(feature = "registry")]
pub use campaign::{RegistryUse, WriteBack, prior, write_back};
pub use campaign::{RunDone, RunJob, replications_into, run_into};
#[cfg(feature = "registry")]
pub use series::{Series, SeriesJob, SeriesRow, run_series};
