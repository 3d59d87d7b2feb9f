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
//! - [`BenchJob`]: a short throughput report on this machine, each measurement told as it comes.
//! - [`CalibrateJob`]: a scenario fitted to a dialer's call log, written whole.
//! - [`FilterJob`]: a Bloom filter of known databases, built from their files and written whole.
//! - Around the jobs, for a front end: the thread count ([`threads`]), the seed ([`seed_or_fresh`]), `-` for
//!   standard output ([`is_stdout`]), text safe for a terminal ([`printable`]), temporary files removed on a
//!   signal ([`remove_temporaries_on_signals`]).
//! - [`replications_into`]: replications of a campaign into a run folder.
//! - [`run_series`] (feature `registry`): campaigns one after another against one registry, each reading what the earlier ones
//!   wrote back ([`Series`], `series.csv`).
//! - [`prior`] and [`write_back`]: what a campaign reads from a registry and writes back to it.
//! - The command line describing the library's tables and its own: [`PlanFacts`] and [`DerivePlanJob`]
//!   (feature `derive`: a plan from libphonenumber's metadata); the key and KPI references ([`key_lines`],
//!   [`keys_json`], [`keys_markdown`], [`ScenarioValues`], [`key_completions`]); [`LawJob`], the regimes of
//!   each jurisdiction; [`DocsJob`], documentation files written into a folder as a set; [`RegistryJob`]
//!   (feature `registry`), the registry's own commands.

mod audit;
mod bench;
mod calibrate;
mod campaign;
mod compare;
mod docs;
mod filter;
mod front;
mod frontier;
mod grid;
mod keys;
mod law;
mod limits;
mod list;
mod merge;
mod plan;
mod reading;
#[cfg(feature = "registry")]
mod registry;
mod report;
mod said;
mod scrub;
#[cfg(feature = "registry")]
mod series;
mod simulate;
mod stage2;
mod sweep;

pub use audit::{AuditDone, AuditJob, SourceMatch};
pub use bench::{BenchJob, BenchSetup};
pub use calibrate::{CalibrateDone, CalibrateJob};
#[cfg(feature = "registry")]
pub use campaign::{RegistryUse, WriteBack, prior, write_back};
pub use campaign::{RunDone, RunJob, replications_into, run_into};
pub use compare::{CompareJob, Side};
pub use filter::{Checked, FilterDone, FilterJob, check_filter, filter_document, open_filter, write_filter_text};
pub use front::{is_stdout, printable, remove_temporaries_on_signals, seed_or_fresh, threads};
pub use grid::{GridDone, GridJob};
// Grids (sweep, frontier, their merge) and the limits a job is held to: the jobs, their requests and results,
// and the values parsed from their flags.
pub use frontier::{AgentList, FrontierJob, FrontierRun, PacerList, TargetList};
pub use grid::{GridRequest, GridWritten, Rank, Ranked};
pub use limits::{ByteSize, Limits};
pub use list::{ListDesign, ListDone, ListJob, ListOrigin, NewList, record_list, registry_exclude};
pub use merge::{GridKind, MergeDone, MergeJob};
pub use reading::{Note, Notes, Reading, exclusion_sources, load_exclusions, scenario_notes, unbound};
pub use report::ReportJob;
pub use said::Weight;
pub use scrub::{ScrubDone, ScrubJob};
#[cfg(feature = "registry")]
pub use series::{Series, SeriesJob, SeriesRow, run_series};
pub use simulate::{SimulateDone, SimulateJob, Simulation, Until, check_kpi};
pub use stage2::{SecondStageDone, SecondStageJob};
pub use sweep::{SweepJob, SweepRun};

// The values a front end passes in the requests above and reads in their results, defined where they belong:
// simulate, generate, filter, audit, compare, report.
pub use crate::analysis::{Comparison, Progress, no_progress};
pub use crate::exclude::{
    BuiltFilter, Column, HeaderRow, InputOptions, KnownFilter, MAX_REJECTED, NumbersRead, REJECTS_KEPT, TextEncoding,
    parse_delimiter,
};
pub use crate::foundation::limits::Needs;
pub use crate::generate::{ListFormat, Shard};
pub use crate::plan::space::Selection;
pub use crate::plan::{NumberType, Plan};
pub use crate::report::Report;
pub use crate::scenario::{Profile, Scenario, ScenarioSource, parse_mix};

// Plans, keys, law, docs and the registry's commands (the command line describing the library's tables).
/// What a registry import's files hold (feature `registry`); its one public path.
#[cfg(feature = "registry")]
pub use crate::registry::files::Kind;
pub use docs::DocsJob;
pub use keys::{
    KeyCompletions, ScenarioValues, key_completions, key_defaults, key_lines, keys_json, keys_markdown, kpi_names,
};
pub use law::{JurisdictionLaw, Law, LawJob, RegimeLaw};
pub use plan::PlanFacts;
#[cfg(feature = "derive")]
pub use plan::{DerivePlanJob, DerivedPlan};
#[cfg(feature = "registry")]
pub use registry::{Erased, Import, ImportStopped, Imported, Pruned, RegistryJob, RegistryStatus};
