//! The registry: the system of record that outlives campaigns — objections and other suppressions, consents
//! with their receipts and withdrawals, the lawful bases of numbers, register snapshots, imported known
//! databases, issued lists and campaigns, each row naming its source (the file imported or the campaign
//! written back, who recorded it and when).
//!
//! One behaviour, several backends: [`Registry`] is what a backend stores and answers; everything else here
//! (reading imports through the crate's one reader, reading a run folder back, the JSON of an access request,
//! retention) is shared and talks to the trait only. [`SqliteRegistry`] is the embedded backend (one file,
//! nothing to install); [`PgRegistry`] (feature `postgres`) implements the same trait over the same migrations
//! ([`schema::MIGRATIONS`] in [`schema::POSTGRES`]'s spelling).
//!
//! This module never prints, and the simulator never reads it: a caller loads what a run needs (the
//! suppressed numbers, the bases) and hands it to the run as plain data.

mod cache;
// `files::Kind`, what an import's files hold, is public once: as `jobs::Kind`, the import request's vocabulary.
pub(crate) mod files;
mod ops;
#[cfg(feature = "postgres")]
mod pg;
pub mod schema;
mod sqlite;
mod state;

use serde::Serialize;

pub use cache::{CACHE_FP_RATE, cache_path, clash, clashes, exclusion_filter, stamp_id};
pub use files::{campaign_batch, exclusive_list_batch, import_batch, list_batch};
pub use ops::{RegisterAge, Status, bases_by_number, erase, export, prune, status, suppression_list};
#[cfg(feature = "postgres")]
pub use pg::{PgRegistry, WRITE_LOCK, redact};
pub use sqlite::SqliteRegistry;
pub use state::{AsRead, RegistryState, STATE_FILE, as_the_run_read, read_state};

use crate::foundation::error::Result;
use crate::jurisdiction::Basis;
use crate::plan::number::PhoneNumber;

/// The default registry file, in the working folder.
pub const DEFAULT_PATH: &str = "dialsim.registry.sqlite";

/// The Art. 17(3) grounds on which an erasure keeps what it keeps, as `erase` says them.
pub const ERASURE_GROUNDS: &str = "kept after erasure: the suppression tombstone (the number alone), so that the \
     number is never called again — honouring the objection and the erasure is a legal obligation (Art. 17(3)(b), \
     Art. 21(3)); and each withdrawn consent's minimal receipt without the name, to establish, exercise or defend \
     legal claims over that consent (Art. 17(3)(e)) until compliance.retention.withdrawn_receipt_days";

/// The reason of a suppression that holds a number on an open exclusive list (`generate --exclusive`) until
/// `registry close` closes the list.
pub const ISSUED: &str = "issued";

/// Where a batch of rows came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    /// What was imported or written back: a [`Kind`](crate::jobs::Kind)'s name, `campaign`, `list`, `erasure`.
    pub kind: String,
    /// Its name (a register's name, a file's name).
    pub name: String,
    /// The file or folder read (empty for an erasure).
    pub path: String,
    /// SHA-256 of the file read (a run folder's: of its manifest.json).
    pub sha256: String,
    /// Distinct numbers it held.
    pub rows: u64,
    /// A register snapshot's date.
    pub snapshot_date: Option<String>,
}

/// A number never to dial, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// [`PhoneNumber::key`].
    pub key: u64,
    /// `objection`, `withdrawal`, `suppression`, `register`, `known`, `erasure`.
    pub reason: String,
    /// What it covers: an objection's purpose (`marketing`), a register's or database's name, `all`.
    pub scope: String,
    /// When it was made (RFC 3339), when known.
    pub at: Option<String>,
}

/// What a bulk suppression says of its number: why, what it covers, and when.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    /// As [`Suppression::reason`].
    pub reason: String,
    /// As [`Suppression::scope`].
    pub scope: String,
    /// As [`Suppression::at`].
    pub at: Option<String>,
}

/// Numbers never to dial in bulk (an import), held as keys and an index into a few distinct [`Label`]s: about
/// 12 bytes a number, so that a file of 50 million numbers fits in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bulk {
    /// [`PhoneNumber::key`]s, each once.
    pub keys: Vec<u64>,
    /// Each key's label, an index into `labels`; empty: every key has the first.
    pub label_of: Vec<u32>,
    /// The distinct labels (at least one when there are keys).
    pub labels: Vec<Label>,
}

impl Bulk {
    /// `keys`, every one with `label`.
    pub fn uniform(keys: Vec<u64>, label: Label) -> Bulk {
        Bulk { keys, label_of: Vec::new(), labels: vec![label] }
    }

    /// The label of the `i`-th key.
    pub fn label(&self, i: usize) -> &Label {
        let at = self.label_of.get(i).map_or(0, |&l| l as usize);
        &self.labels[at.min(self.labels.len().saturating_sub(1))]
    }
}

/// A consent receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    /// `consentReceiptID`.
    pub receipt_id: String,
    /// [`PhoneNumber::key`] of `piiPrincipalId`.
    pub key: u64,
    /// `consentTime`.
    pub at: String,
    /// The purpose consented to.
    pub purpose: String,
    /// The receipt's JSON line.
    pub receipt: String,
}

/// A withdrawal of a consent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withdrawal {
    /// `withdrawalID`.
    pub withdrawal_id: String,
    /// The receipt withdrawn.
    pub receipt_id: String,
    /// [`PhoneNumber::key`].
    pub key: u64,
    /// `withdrawalTime`.
    pub at: String,
    /// The withdrawal's JSON line.
    pub record: String,
}

/// A campaign written back from its run folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignRow {
    /// SHA-256 of the run folder's manifest.json: the campaign's identity.
    pub manifest_sha256: String,
    /// The manifest's `scenario_sha256`.
    pub scenario_sha256: String,
    /// `run.start_date`.
    pub start_date: String,
    /// `run.days`.
    pub days: u32,
}

/// A list issued (`generate`, `scrub`), by its LIST.manifest.json.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedList {
    /// The list's SHA-256 as its manifest records it (else the manifest's own).
    pub list_sha256: String,
    /// The manifest's JSON.
    pub manifest: String,
}

/// Rows written together, in one transaction, from one source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// Where every row came from.
    pub source: SourceInfo,
    /// Numbers never to dial.
    pub suppressions: Vec<Suppression>,
    /// Numbers never to dial, in bulk (an import).
    pub bulk: Option<Bulk>,
    /// Consent receipts.
    pub consents: Vec<Consent>,
    /// Withdrawals (applied after the consents: a withdrawal may withdraw a consent of the same batch).
    pub withdrawals: Vec<Withdrawal>,
    /// Lawful bases of numbers (opt-in marks, prior consents, customers).
    pub bases: Vec<(u64, Basis)>,
    /// The campaign, for a run folder written back.
    pub campaign: Option<CampaignRow>,
    /// The list, for a list issued.
    pub list: Option<IssuedList>,
    /// For an exclusive list: the registry's [`Registry::stamp`] when its numbers were drawn. The batch is
    /// refused, and nothing written, when a later write suppressed or issued one of its numbers.
    pub exclusive_since: Option<String>,
}

impl Batch {
    /// A batch of nothing yet from `source`.
    pub fn new(source: SourceInfo) -> Batch {
        Batch {
            source,
            suppressions: Vec::new(),
            bulk: None,
            consents: Vec::new(),
            withdrawals: Vec::new(),
            bases: Vec::new(),
            campaign: None,
            list: None,
            exclusive_since: None,
        }
    }

    /// Rows of numbers it writes: suppressions (bulk ones too) and bases.
    pub fn number_rows(&self) -> usize {
        self.suppressions.len() + self.bulk.as_ref().map_or(0, |b| b.keys.len()) + self.bases.len()
    }
}

/// A source as the registry holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRow {
    /// Its id (rows name it).
    pub id: i64,
    /// What it was.
    #[serde(flatten)]
    pub info: SourceInfo,
    /// Who recorded it (the system user, and dialsim's version).
    pub recorded_by: String,
    /// When (RFC 3339, UTC).
    pub recorded_at: String,
}

/// Everything the registry holds about one number (GDPR Art. 15), as `registry access` prints it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Held {
    /// The number, E.164.
    pub number: String,
    /// Its suppressions.
    pub suppressions: Vec<HeldSuppression>,
    /// Its consent receipts (a withdrawn one without the name).
    pub consents: Vec<HeldConsent>,
    /// Its withdrawals.
    pub withdrawals: Vec<HeldWithdrawal>,
    /// Its lawful bases.
    pub bases: Vec<HeldBasis>,
    /// The sources the rows above name.
    pub sources: Vec<SourceRow>,
}

/// A suppression held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeldSuppression {
    /// Why.
    pub reason: String,
    /// What it covers.
    pub scope: String,
    /// When made.
    pub at: Option<String>,
    /// Where from.
    pub source_id: i64,
}

/// A consent held.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HeldConsent {
    /// The receipt's id.
    pub receipt_id: String,
    /// When given.
    pub at: String,
    /// Its purpose.
    pub purpose: String,
    /// When withdrawn.
    pub withdrawn_at: Option<String>,
    /// The receipt.
    pub receipt: serde_json::Value,
    /// Where from.
    pub source_id: i64,
}

/// A withdrawal held.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HeldWithdrawal {
    /// Its id.
    pub withdrawal_id: String,
    /// The receipt withdrawn.
    pub receipt_id: String,
    /// When.
    pub at: String,
    /// The record.
    pub record: serde_json::Value,
    /// Where from.
    pub source_id: i64,
}

/// A basis held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeldBasis {
    /// The basis.
    pub basis: String,
    /// Where from.
    pub source_id: i64,
}

/// What a backend stores and answers. Every method that writes does so in one transaction that waits for
/// other writers (a busy registry is waited for, never lost to), so a process killed mid-write leaves the
/// registry as it was before the write.
pub trait Registry {
    /// Where the registry is (a file's path, a URL without its password), for messages.
    fn location(&self) -> &str;
    /// The schema version it holds.
    fn schema_version(&mut self) -> Result<u32>;
    /// What identifies the registry's suppressions as they stand: the id of the newest source that may have
    /// written or removed a suppression (any but a list issued without `--exclusive` and an import of bases)
    /// and the time it was recorded (a registry made anew at the same place records other times), so a cache
    /// of the suppressed numbers is rebuilt whenever they may have changed, and only then.
    fn stamp(&mut self) -> Result<String>;
    /// Writes `batch` (its source row, then every row naming it) in one transaction; returns the source's id.
    /// A withdrawal marks its consent withdrawn and strips the name from its receipt ([`minimal_receipt`]).
    fn apply(&mut self, batch: &Batch) -> Result<i64>;
    /// Every number suppressed, each once, in ascending order: for any reason, or (`with_issued` false) for any
    /// but being on an open exclusive list ([`ISSUED`]: such numbers are not to be listed again, yet their own
    /// campaign dials them).
    fn suppressed(&mut self, with_issued: bool) -> Result<Vec<u64>>;
    /// The numbers suppressed (but not [`ISSUED`]) by the sources up to `source_id`: the registry as it stood
    /// when that source was the newest, less what erasures and pruning removed since (an erased number's
    /// suppressions become a newer tombstone).
    fn suppressed_as_of(&mut self, source_id: i64) -> Result<Vec<u64>>;
    /// The newest source's id (0 for an empty registry).
    fn last_source(&mut self) -> Result<i64>;
    /// Closes the exclusive list whose SHA-256 is `list_sha256`: its numbers leave the open lists (they may be
    /// listed again); returns how many. Recorded as `source`.
    fn close_list(&mut self, list_sha256: &str, source: &SourceInfo) -> Result<u64>;
    /// The bases of numbers: the `bases` rows, and `consent` for each consent not withdrawn whose purpose is
    /// `purpose`; a number may appear more than once.
    fn bases(&mut self, purpose: &str) -> Result<Vec<(u64, Basis)>>;
    /// Rows per table, in [`schema::TABLES`] order.
    fn counts(&mut self) -> Result<Vec<(String, u64)>>;
    /// The sources of `kind`, oldest first.
    fn sources(&mut self, kind: &str) -> Result<Vec<SourceRow>>;
    /// Everything held about `key`.
    fn held(&mut self, key: u64) -> Result<Held>;
    /// Erases `key` (Art. 17) in one transaction: its suppressions become one tombstone from `source`, its
    /// bases, consents not withdrawn and withdrawals are deleted, and its withdrawn consents keep their
    /// minimal receipts.
    fn erase(&mut self, key: u64, source: &SourceInfo) -> Result<()>;
    /// Deletes the receipts of consents withdrawn before `cutoff` (and their withdrawals); returns how many
    /// receipts.
    fn prune_withdrawn(&mut self, cutoff: jiff::Timestamp) -> Result<u64>;
}

/// Opens the registry at `location` — an SQLite file's path, or a `postgres://` URL — refusing one of a newer
/// schema or not a registry.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("r.sqlite").display().to_string();
/// assert!(dialsim::registry::open(&path).is_err(), "no registry yet");
/// dialsim::registry::create(&path)?;
/// assert_eq!(dialsim::registry::open(&path)?.schema_version()?, dialsim::registry::schema::LATEST);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open(location: &str) -> Result<Box<dyn Registry>> {
    if is_url(location) {
        return open_url(location, false);
    }
    Ok(Box::new(SqliteRegistry::open(location)?))
}

/// Creates the registry at `location`, or brings an existing one to the latest schema.
pub fn create(location: &str) -> Result<Box<dyn Registry>> {
    if is_url(location) {
        return open_url(location, true);
    }
    Ok(Box::new(SqliteRegistry::create(location)?))
}

/// The files of the registry at `location` that no output may replace: an SQLite registry's file, its
/// journals and its exclusion filter's cache (none for a server).
///
/// ```
/// let files = dialsim::registry::own_files("r.sqlite");
/// assert!(files.contains(&std::path::PathBuf::from("r.sqlite")));
/// assert!(dialsim::registry::own_files("postgres://u@h/db").is_empty());
/// ```
pub fn own_files(location: &str) -> Vec<std::path::PathBuf> {
    if is_url(location) {
        return Vec::new();
    }
    let mut files: Vec<std::path::PathBuf> =
        ["", "-wal", "-shm", "-journal"].iter().map(|end| format!("{location}{end}").into()).collect();
    files.push(cache_path(location));
    files
}

/// Whether `location` names a PostgreSQL server rather than a file.
pub fn is_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

#[cfg(feature = "postgres")]
fn open_url(location: &str, create: bool) -> Result<Box<dyn Registry>> {
    Ok(Box::new(if create { PgRegistry::create(location)? } else { PgRegistry::open(location)? }))
}

#[cfg(not(feature = "postgres"))]
fn open_url(_location: &str, _create: bool) -> Result<Box<dyn Registry>> {
    Err(crate::foundation::error::Error::Request(
        "this dialsim was built without the `postgres` feature: give the path of an SQLite file".into(),
    ))
}

/// Who records rows: the system user and this dialsim.
pub fn recorder() -> String {
    let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".into());
    format!("{user} (dialsim {})", env!("CARGO_PKG_VERSION"))
}

/// A receipt as kept once its consent is withdrawn: without the person's name (Art. 17(1)(b)); everything
/// else stays, to show what was consented to and when (Art. 17(3)(e)). Text that is not a JSON object is
/// kept as it is.
///
/// ```
/// let r = dialsim::registry::minimal_receipt(r#"{"consentReceiptID":"a","piiPrincipalName":"Jan"}"#);
/// assert_eq!(r, r#"{"consentReceiptID":"a"}"#);
/// ```
pub fn minimal_receipt(receipt: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(receipt) {
        Ok(serde_json::Value::Object(mut map)) => {
            map.remove("piiPrincipalName");
            serde_json::Value::Object(map).to_string()
        }
        _ => receipt.to_string(),
    }
}

/// The E.164 text of `key` (`+` and the digits).
pub fn e164(key: u64) -> String {
    match PhoneNumber::from_key(key) {
        Some(n) => format!("+{}{}", n.country_code, n.national_digits()),
        None => format!("+{key}"),
    }
}
