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

mod files;
#[cfg(feature = "postgres")]
mod pg;
pub mod schema;
mod sqlite;

use serde::Serialize;

pub use files::{Kind, campaign_batch, exclusive_list_batch, import_batch, list_batch};
#[cfg(feature = "postgres")]
pub use pg::{PgRegistry, WRITE_LOCK, redact};
pub use sqlite::SqliteRegistry;

use crate::error::{Error, Result};
use crate::jurisdiction::Basis;
use crate::number::PhoneNumber;

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
    /// What was imported or written back: a [`Kind`]'s name, `campaign`, `list`, `erasure`.
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
    Err(Error::Usage("this dialsim was built without the `postgres` feature: give the path of an SQLite file".into()))
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

/// The basis per number the registry gives a campaign of `purpose`: for a number with several, the last in
/// [`Basis::ALL`]'s order (each allows marketing; the choice only has to be the same every time).
pub fn bases_by_number(registry: &mut dyn Registry, purpose: &str) -> Result<std::collections::HashMap<u64, Basis>> {
    let rank = |b: Basis| Basis::ALL.iter().position(|x| *x == b).unwrap_or(0);
    let mut out = std::collections::HashMap::new();
    for (key, basis) in registry.bases(purpose)? {
        let entry = out.entry(key).or_insert(basis);
        if rank(basis) > rank(*entry) {
            *entry = basis;
        }
    }
    Ok(out)
}

/// The registry's suppressed numbers as an exact list, for [`crate::exclude::Exclusions`].
pub fn suppression_list(registry: &mut dyn Registry) -> Result<crate::exclude::SuppressionList> {
    Ok(crate::exclude::SuppressionList::from_keys(registry.suppressed(false)?))
}

/// Where the exclusion filter of the registry at `location` is cached: beside an SQLite file
/// (`FILE.exclude.filter`); for a server, in `$DIALSIM_CACHE_DIR`, else `$XDG_CACHE_HOME/dialsim`, else
/// `~/.cache/dialsim`, named by a hash of the URL without its password.
pub fn cache_path(location: &str) -> std::path::PathBuf {
    if !is_url(location) {
        return std::path::PathBuf::from(format!("{location}.exclude.filter"));
    }
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(std::path::PathBuf::from);
    let dir = env("DIALSIM_CACHE_DIR")
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("dialsim")))
        .or_else(|| env("HOME").map(|d| d.join(".cache/dialsim")))
        .unwrap_or_else(std::env::temp_dir);
    #[cfg(feature = "postgres")]
    let shown = pg::redact(location);
    #[cfg(not(feature = "postgres"))]
    let shown = location.to_string();
    let hash = crate::digest::sha256_hex(shown.as_bytes());
    dir.join(format!("registry-{}.exclude.filter", &hash[..16]))
}

/// The false-positive rate of the cached exclusion filter: one fresh number in a million is dropped from a list
/// for nothing (the safe direction; a suppressed number is never listed).
pub const CACHE_FP_RATE: f64 = 1e-6;

/// The registry's suppressed numbers as a Bloom filter (no false negatives), read from the cache at `cache`
/// when it was built from the registry as it stands ([`Registry::stamp`]), else built and written there (0600,
/// through a temporary file); numbers on open exclusive lists are in it. Returns the filter, whether it was
/// rebuilt, and the stamp it stands for (what an exclusive list drawn with it gives as
/// [`Batch::exclusive_since`]). The filter's hash seed is fixed, so the same registry gives the same filter
/// and the same list.
pub fn exclusion_filter(
    registry: &mut dyn Registry,
    cache: &std::path::Path,
) -> Result<(crate::exclude::KnownFilter, bool, String)> {
    use crate::exclude::{FilterParams, KnownFilter};
    // The stamp is read before the numbers: a write between the two makes the cache hold more than its stamp
    // says (rebuilt next time), never less.
    let stamp = registry.stamp()?;
    let label = format!("registry {} at {stamp}", registry.location());
    if cache.exists()
        && let Ok(filter) = KnownFilter::load(cache)
        && filter.meta().sources.first().is_some_and(|s| s.name == label)
    {
        return Ok((filter, false, stamp));
    }
    let keys = registry.suppressed(true)?;
    let mut countries: std::collections::HashMap<u16, u64> = std::collections::HashMap::new();
    for &k in &keys {
        *countries.entry(PhoneNumber::from_key(k).map_or(0, |n| n.country_code)).or_default() += 1;
    }
    let country_code = countries.into_iter().max_by_key(|&(cc, n)| (n, std::cmp::Reverse(cc))).map_or(0, |(cc, _)| cc);
    let stats =
        crate::exclude::SourceStats { name: label, rows: keys.len() as u64, numbers: keys.len() as u64, rejected: 0 };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let params =
        FilterParams { fp_rate: CACHE_FP_RATE, expected: None, seed: Some(0x0064_6961_6c73), threads, country_code };
    let filter = KnownFilter::build(keys, &params, vec![stats])?;
    if let Some(dir) = cache.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    filter.save(cache)?;
    Ok((filter, true, stamp))
}

/// Writes the suppressed numbers to `path` as a CSV of one `number` column (what `--suppress` reads), through
/// a temporary file renamed when complete; returns how many.
pub fn export(registry: &mut dyn Registry, path: &std::path::Path) -> Result<u64> {
    use std::io::Write;
    let keys = registry.suppressed(false)?;
    let mut file = crate::output::AtomicFile::create(path, crate::output::Privacy::Personal)?;
    let mut write = || -> std::io::Result<()> {
        writeln!(file, "number")?;
        for &key in &keys {
            writeln!(file, "{}", e164(key))?;
        }
        Ok(())
    };
    write().map_err(|e| Error::io(path, e))?;
    file.commit()?;
    Ok(keys.len() as u64)
}

/// A register snapshot's age against its freshness limit, as `status` shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegisterAge {
    /// The register's name.
    pub name: String,
    /// The snapshot's date.
    pub date: String,
    /// Days from the snapshot to the day asked about.
    pub age_days: Option<i64>,
    /// The freshness the regimes that name the register require (empty: no regime names it).
    pub limit: String,
    /// Whether the snapshot is fresh enough on that day under that limit (`None`: no limit known).
    pub fresh: Option<bool>,
}

/// The registry's state, as `status` shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Status {
    /// Where the registry is.
    pub location: String,
    /// Its schema version.
    pub schema_version: u32,
    /// Rows per table.
    pub counts: Vec<(String, u64)>,
    /// Distinct numbers suppressed.
    pub suppressed_numbers: u64,
    /// Each register snapshot's age on the day asked about.
    pub registers: Vec<RegisterAge>,
    /// The known databases imported.
    pub known: Vec<SourceRow>,
}

/// The registry's counts, schema version and register ages on `day`.
pub fn status(registry: &mut dyn Registry, day: jiff::civil::Date) -> Result<Status> {
    let registers = registry
        .sources("register")?
        .into_iter()
        .map(|s| {
            let date = s.info.snapshot_date.clone().unwrap_or_default();
            let snapshot: Option<jiff::civil::Date> = date.parse().ok();
            let freshness = crate::jurisdiction::regimes()
                .flat_map(|r| r.rules.registers.iter())
                .find(|r| r.name == s.info.name)
                .map(|r| r.freshness);
            RegisterAge {
                name: s.info.name.clone(),
                age_days: snapshot.and_then(|d| d.until(day).ok()).map(|span| i64::from(span.get_days())),
                limit: freshness.map(|f| f.describe()).unwrap_or_default(),
                fresh: freshness.zip(snapshot).map(|(f, d)| f.fresh(d, day)),
                date,
            }
        })
        .collect();
    Ok(Status {
        location: registry.location().to_string(),
        schema_version: registry.schema_version()?,
        counts: registry.counts()?,
        suppressed_numbers: registry.suppressed(false)?.len() as u64,
        registers,
        known: registry.sources("known")?,
    })
}

/// Erases `key` (Art. 17) and returns what is still held, with the grounds for keeping it ([`ERASURE_GROUNDS`]).
pub fn erase(registry: &mut dyn Registry, key: u64) -> Result<Held> {
    let source = SourceInfo {
        kind: "erasure".into(),
        name: "Art. 17 request".into(),
        path: String::new(),
        sha256: String::new(),
        rows: 1,
        snapshot_date: None,
    };
    registry.erase(key, &source)?;
    registry.held(key)
}

/// Applies the retention periods at `now`: the receipts of consents withdrawn more than
/// `retention.withdrawn_receipt_days` ago are deleted. Suppressions and standing consents have no period
/// (see [`crate::RetentionSection`]); call records and referral links are not held here.
pub fn prune(registry: &mut dyn Registry, now: jiff::Timestamp, retention: &crate::RetentionSection) -> Result<u64> {
    let span = jiff::SignedDuration::from_hours(24 * i64::from(retention.withdrawn_receipt_days));
    let cutoff = now.checked_sub(span).map_err(|e| Error::Invalid(format!("retention period: {e}")))?;
    registry.prune_withdrawn(cutoff)
}

/// The id of the source a [`Registry::stamp`] names.
pub fn stamp_id(stamp: &str) -> i64 {
    stamp.split(' ').next().and_then(|id| id.parse().ok()).unwrap_or(0)
}

/// The refusal of an exclusive list some of whose `clashes` numbers were suppressed or issued after `since`.
pub fn clash(location: &str, clashes: u64, since: &str) -> Error {
    Error::Invalid(format!(
        "registry {location}: {clashes} numbers of this list were put on another open list or suppressed while it \
         was drawn (by a write after source {}): nothing was written or recorded; draw the list again",
        stamp_id(since)
    ))
}

/// Counts the keys of `batch`'s bulk among `newer` (the numbers suppressed by sources after its
/// `exclusive_since`).
pub fn clashes(batch: &Batch, newer: impl IntoIterator<Item = u64>) -> u64 {
    let Some(bulk) = &batch.bulk else { return 0 };
    let mut keys = bulk.keys.clone();
    keys.sort_unstable();
    newer.into_iter().filter(|k| keys.binary_search(k).is_ok()).count() as u64
}

/// What a run read from a registry: `registry.json` in its run folder, so that `audit --registry` checks the
/// run against the registry as it stood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RegistryState {
    /// Where the registry is (a URL without its password).
    pub registry: String,
    /// Its [`Registry::stamp`] when the run read it.
    pub stamp: String,
    /// Its newest source then: the run saw the rows of the sources up to this one.
    pub as_of_source: i64,
    /// Numbers suppressed then (issued ones aside).
    pub suppressed: u64,
    /// Numbers with a lawful basis then, for the run's consent purpose.
    pub bases: u64,
}

/// The file of a run folder that records the [`RegistryState`] the run read.
pub const STATE_FILE: &str = "registry.json";

/// Reads the [`RegistryState`] of the run folder `dir`, if the run read a registry.
pub fn read_state(dir: &std::path::Path) -> Result<Option<RegistryState>> {
    let path = dir.join(STATE_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let text = crate::open::read_to_string(&path, crate::open::Bound::MANIFEST)?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Error::input(path.display().to_string(), Some(e.line() as u64), e.to_string()))
}
