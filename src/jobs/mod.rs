//! The workflows the binary runs, owned by the library: each takes a typed request, does the whole job —
//! files written as a set, signed, written back to a registry — and hands back a typed result with what
//! happened, for the caller to print. Nothing here parses flags or prints.
//!
//! - [`run_into`]: one campaign into its run folder (records, `registry.json`, the profile chart, the commit,
//!   the signature, the write-back to the registry, in that order: the registry learns only of a committed
//!   folder).
//! - [`SimulateJob`]: `simulate` whole: one run or replications (a count, or [`Until`] a KPI is precise),
//!   with or without a run folder, against a registry, with its HTML report.
//! - [`ListJob`]: a call list with its manifest, new or continued from one written earlier, excluding the
//!   known numbers ([`Reading`] says how their files are read) and recorded in a registry; what happens on the
//!   way is told as [`Note`]s.
//! - [`SecondStageJob`]: stage 2 of a Mitofsky–Waksberg sample, from the stage-1 list and the outcomes of
//!   dialling it.
//! - [`ScrubJob`]: a list scrubbed again against today's exclusion sources, its manifest carried over.
//! - [`AuditJob`]: a run folder audited again from its files, against the sources and registry given.
//! - [`GridJob`]: a sweep or a frontier into its folder (results, charts, record of processing, commit).
//! - [`SweepJob`] and [`FrontierJob`]: `sweep` and `frontier` whole: every value checked and the grid sized
//!   against the [`Limits`] before anything runs, then run into its folder ([`GridJob`]) with the report and
//!   the ranking ([`Rank`]); [`MergeJob`]: the parts of a sharded one joined.
//! - [`ReportJob`]: a self-contained HTML report of folders read back or of results just made, written whole.
//! - [`CompareJob`]: two scenarios compared under common random numbers, compare.csv written whole.
//! - [`CalibrateJob`]: a scenario fitted to a dialer's call log, written whole.
//! - [`FilterJob`]: a Bloom filter of known databases, built from their files and written whole.
//! - [`replications_into`]: replications of a campaign into a run folder.
//! - [`run_series`] (feature `registry`): campaigns one after another against one registry, each reading what the earlier ones
//!   wrote back ([`Series`], `series.csv`).
//! - [`prior`] and [`write_back`]: what a campaign reads from a registry and writes back to it.

mod audit;
mod calibrate;
mod campaign;
mod compare;
mod filter;
mod frontier;
mod grid;
mod limits;
mod list;
mod merge;
mod reading;
mod report;
mod scrub;
#[cfg(feature = "registry")]
mod series;
mod simulate;
mod stage2;
mod sweep;

pub use audit::{AuditDone, AuditJob, SourceMatch};
pub use calibrate::{CalibrateDone, CalibrateJob};
#[cfg(feature = "registry")]
pub use campaign::{RegistryUse, WriteBack, prior, write_back};
pub use campaign::{RunDone, RunJob, replications_into, run_into};
pub use compare::{CompareJob, Side};
pub use filter::{FilterDone, FilterJob};
pub use grid::{GridDone, GridJob, SWEEP_CHARTED};
// Grids (sweep, frontier, their merge) and the limits a job is held to: the jobs, their requests and results,
// and the values parsed from their flags. (Their requests also take `analysis::Vary`, `RankBy` and
// `Constraint`, `Shard`, `ScenarioSource` and `foundation::limits::Needs`, public where they are defined.)
pub use frontier::{AgentList, FrontierJob, FrontierRun, PacerList, TargetList};
pub use grid::{GridRequest, GridWritten, Rank, Ranked};
pub use limits::{ByteSize, Limits};
pub use list::{ListDesign, ListDone, ListJob, ListOrigin, NewList, record_list, registry_exclude};
pub use merge::{GridKind, MergeDone, MergeJob};
pub use reading::{Note, Notes, Reading, exclusion_sources, load_exclusions, scenario_notes, unbound};
pub use report::ReportJob;
pub use scrub::{ScrubDone, ScrubJob};
#[cfg(feature = "registry")]
pub use series::{Series, SeriesJob, SeriesRow, run_series};
pub use simulate::{SimulateDone, SimulateJob, Simulation, Until};
pub use stage2::{SecondStageDone, SecondStageJob};
pub use sweep::{SweepJob, SweepRun};
