//! # dialsim — a random number dialer simulator
//!
//! Under the GDPR, a phone number drawn at random, in no database and tied to no name, is not personal data.
//! dialsim builds call lists that way and simulates the campaigns that dial them:
//!
//! - [`Plan`]: numbering plans (rows `region,type,prefix,length`) derived from libphonenumber metadata,
//!   five embedded (cz, sk, de, gb, us) and any user CSV;
//! - [`NumberSpace`]: a bijection between positions `0..N` and the numbers of the selected rows;
//! - [`Permutation`]: a keyed Feistel permutation of `0..N` with cycle walking — random order, no repeats,
//!   O(1) memory and seek;
//! - [`CallList`]: the seeded list, written in parallel chunks with byte-identical output for any thread
//!   count, resumable (`start`) and shardable ([`Shard`]);
//! - [`Normalizer`] reads numbers as databases write them; [`Scenario`] is a campaign described in TOML.
//!
//! Those are the crate's vocabulary, at its root. Each subsystem is a module of its own, in the folder of the
//! same name, and every public type has exactly one path (`tests/it/surface.rs` checks it):
//!
//! - [`exclude`]: [`exclude::KnownFilter`], [`exclude::SuppressionList`], [`exclude::Exclusions`] — numbers of
//!   known databases never reach a list — and the reader of known databases ([`exclude::InputOptions`]);
//! - [`output`]: [`output::AtomicFile`], [`output::RunFolder`], [`output::manifest::Manifest`] — every output is
//!   written whole or not at all, never over a special file or an input, owner-only
//!   ([`output::Privacy::Personal`]) when it holds personal data, and a run folder is replaced as a set and
//!   described by its `manifest.json` ([`output::manifest::verify`]);
//! - [`sim`]: the campaign simulator ([`sim::Campaign`], [`sim::RunOutput`], [`sim::Summary`]), and
//!   [`sim::kpi`], the one registry of KPIs (name, label, unit, direction, accessor) that every KPI output, the
//!   report, `keys` and the ranking of grid points ([`analysis::rank`]) read;
//! - [`compliance`]: the objection, consent and referral records and the audit; calling days and hours
//!   ([`compliance::calendar`]);
//! - [`analysis`]: replications, sweeps (sharded, merged), the pacers' frontier and paired comparisons, with
//!   progress callbacks; [`report`] writes their results in every format behind one [`report::Export`] trait;
//! - [`calibrate`], [`jurisdiction`], [`jobs`] and, with the `registry` feature, `registry`;
//! - [`foundation`], what everything stands on: [`foundation::open`] opens every named input as hostile data
//!   (no symbolic link out of its folder, regular files only, whole-file reads bounded by kind);
//!   [`foundation::text`] makes cells and messages safe for their readers (RFC 4180 quoting, no spreadsheet
//!   formulas, no terminal control characters); [`foundation::stats`] (estimates with confidence intervals),
//!   [`foundation::limits`], [`foundation::rng`].
//!
//! Data flows one way: plan → number space → permutation → call list → exclusions → dialer/simulator →
//! compliance records → reports. The library never prints; the `dialsim` binary decides what to show.
//!
//! ```
//! use dialsim::{CallList, NumberSpace, Plan, Selection};
//! let space = NumberSpace::new(&Plan::embedded("cz")?, &Selection::default())?;
//! let list = CallList::new(space, 42);
//! let first = list.number_at(0);
//! assert!(first.to_string().starts_with("+420"));
//! assert_eq!(list.position_of(&first), Some(0));
//! # Ok::<(), dialsim::Error>(())
//! ```
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod analysis;
pub mod calibrate;
pub mod compliance;
pub mod exclude;
pub mod foundation;
mod generate;
pub mod jobs;
pub mod jurisdiction;
pub mod output;
mod plan;
#[cfg(feature = "registry")]
pub mod registry;
pub mod report;
mod scenario;
pub mod sim;

pub use exclude::normalize::Normalizer;
pub use exclude::scrub::{ScrubCounts, scrub};
pub use foundation::digest::{FileDigest, Hasher, HashingWriter, digest_file, digest_reader, sha256_hex};
pub use foundation::error::{Error, ErrorKind, Location, Message, Origin, Param, Result, snippet};
pub use generate::list_manifest::{
    Continuation, DesignRecord, DesignStratumRecord, Generation, HashingReader, LIST_MANIFEST_KIND, ListFile,
    ListManifest, ListRow, PlanRecord, Scrub, SourceRecord, format_mix, manifest_path, source_changes,
};
pub use generate::permute::{PERMUTATION_VERSION, Permutation};
pub use generate::{
    BankSample, Banks, CallList, DesignStratum, Excluder, FrameDesign, ListFormat, ListRequest, ListSummary, MW_BANK,
    NoExclusion, Positions, SecondStageRow, Shard, mw_probability,
};
/// Plans derived from libphonenumber's `PhoneNumberMetadata.xml` (feature `derive`).
#[cfg(feature = "derive")]
pub use plan::derive as plan_derive;
pub use plan::number::PhoneNumber;
pub use plan::space::{NumberSpace, Segment, Selection};
pub use plan::{NumberType, Plan, PlanRow};
pub use scenario::{
    AgentsSection, AmdSection, ComplianceSection, CostsSection, DEFAULT_SCENARIO, DialerMode, DialerSection, Dist,
    FaultsSection, FrameSection, LinePrices, NumbersSection, OnBudgetSpent, Pacer, PopulationSection, Profile, Purpose,
    Rates, ReadSection, ReferralsSection, RetentionSection, RunSection, Scenario, ScenarioSource, ScreeningSection,
    Setting, StratumRates, closest_names, parse_mix,
};
pub use scenario::{
    KeyBound, KeyKind, KeyValue, ScenarioKey, nearest_keys, scenario_key, scenario_keys, scenario_values, settable_keys,
};

/// The README's Rust examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The guide's library examples, run as doctests so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../docs/library.md")]
pub struct GuideLibraryDoctests;
