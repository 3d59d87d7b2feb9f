//! Batches read from files: an import through the crate's one reader of numbers
//! ([`crate::exclude::InputOptions`]), a run folder written back, a list's manifest. Every input error names
//! its file and, for a row, its line.

use std::path::Path;

use super::{Batch, Bulk, CampaignRow, Consent, IssuedList, Label, SourceInfo, Suppression, Withdrawal};
use crate::exclude::InputOptions;
use crate::foundation::error::{Error, Result};
use crate::jurisdiction::Basis;

/// What an imported file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Numbers never to dial (objectors kept elsewhere, a do-not-call list).
    Suppression,
    /// A register snapshot (TPS, National DNC, Nevolajte mi): never to dial; its name and date are kept.
    Register,
    /// Numbers that opted in to calls: their basis is `opt-in`.
    OptIn,
    /// Numbers with a prior consent kept elsewhere: their basis is `consent`.
    Consent,
    /// Customers: their basis is `customer`.
    Customer,
    /// A known database: never on a random list (its numbers are personal data held somewhere).
    Known,
}

impl Kind {
    /// Every kind, in the order of [`Kind::as_str`]'s names.
    pub const ALL: [Kind; 6] =
        [Kind::Suppression, Kind::Register, Kind::OptIn, Kind::Consent, Kind::Customer, Kind::Known];

    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Suppression => "suppression",
            Kind::Register => "register",
            Kind::OptIn => "opt-in",
            Kind::Consent => "consent",
            Kind::Customer => "customer",
            Kind::Known => "known",
        }
    }

    /// The basis the kind gives its numbers, or `None` for a kind that suppresses them.
    pub fn basis(self) -> Option<Basis> {
        match self {
            Kind::OptIn => Some(Basis::OptIn),
            Kind::Consent => Some(Basis::Consent),
            Kind::Customer => Some(Basis::Customer),
            _ => None,
        }
    }
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Kind, String> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s.trim()).ok_or_else(|| {
            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
            format!("'{}' is not a kind of import (one of {})", s.trim(), names.join(", "))
        })
    }
}

/// The batch of importing `path` as `kind`: its numbers read with `options` (a malformed row, or more values
/// that are not numbers than `options` allow, is an error naming the file and line), each once, in ascending
/// order.
/// `name` defaults to the file's name; a register needs its snapshot `date` (YYYY-MM-DD).
///
/// ```
/// use dialsim::{jobs::Kind, registry::import_batch};
/// let options = dialsim::exclude::InputOptions::for_plan(&dialsim::Plan::embedded("cz")?);
/// let batch = import_batch("data/known/dnc-register.csv", Kind::Register, Some("nevolajte-mi"), Some("2026-01-01"), &options)?;
/// assert_eq!(batch.bulk.as_ref().map(|b| b.keys.len()), Some(3000));
/// assert_eq!(batch.source.snapshot_date.as_deref(), Some("2026-01-01"));
/// # Ok::<(), dialsim::Error>(())
/// ```
pub fn import_batch(
    path: &str,
    kind: Kind,
    name: Option<&str>,
    date: Option<&str>,
    options: &InputOptions,
) -> Result<Batch> {
    let date = match (kind, date) {
        (Kind::Register, None) => {
            return Err(Error::Request(format!("{path}: a register snapshot needs its date (YYYY-MM-DD)").into()));
        }
        (_, Some(d)) => {
            d.parse::<jiff::civil::Date>()
                .map_err(|e| Error::Request(format!("{path}: snapshot date '{d}' is not YYYY-MM-DD: {e}").into()))?;
            Some(d.to_string())
        }
        (_, None) => None,
    };
    let read = options.read_path(path)?;
    let mut keys = read.keys.clone();
    // Sorted: rows go into the tables' B-trees in key order, much faster than at random.
    keys.sort_unstable();
    keys.dedup();
    let default_name = Path::new(path).file_name().map_or(path.to_string(), |n| n.to_string_lossy().into_owned());
    let sha256 = crate::foundation::digest::digest_file(path)?.sha256;
    let source = SourceInfo {
        kind: kind.as_str().into(),
        name: name.map_or(default_name, str::to_string),
        path: path.to_string(),
        sha256,
        rows: keys.len() as u64,
        snapshot_date: date.clone(),
    };
    let mut batch = Batch::new(source);
    match kind.basis() {
        Some(basis) => batch.bases = keys.into_iter().map(|k| (k, basis)).collect(),
        None => {
            let scope = match kind {
                Kind::Suppression => "all".to_string(),
                _ => batch.source.name.clone(),
            };
            let label = Label { reason: kind.as_str().into(), scope, at: date.clone() };
            batch.bulk = Some(match labelled_rows(path, &read.shape, options, &label, &keys)? {
                Some(bulk) => bulk,
                None => Bulk::uniform(keys, label),
            });
        }
    }
    Ok(batch)
}

fn key_of(e164: &str) -> Option<u64> {
    let digits = e164.trim().strip_prefix('+')?;
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn read(path: &Path, bound: crate::foundation::open::Bound) -> Result<String> {
    crate::foundation::open::read_to_string(path, bound)
}

/// A run's consent ledger read whole: a receipt is about a kilobyte, and a campaign of a million consents
/// is beyond any simulated one.
const LEDGER: crate::foundation::open::Bound =
    crate::foundation::open::Bound { kind: "a consent ledger", bytes: 1 << 30 };

/// The batch of a run folder written back: its objections and withdrawals (suppression.csv), its consent
/// receipts and withdrawal records (consents.jsonl), and the campaign (manifest.json's SHA-256, the scenario's
/// hash, `start_date`, `days`).
pub fn campaign_batch(dir: &Path, start_date: &str, days: u32) -> Result<Batch> {
    let manifest_path = dir.join("manifest.json");
    let manifest_text = read(&manifest_path, crate::foundation::open::Bound::MANIFEST)?;
    let manifest: serde_json::Value = serde_json::from_str(&manifest_text)
        .map_err(|e| Error::input(manifest_path.display().to_string(), Some(e.line() as u64), e.to_string()))?;
    let manifest_sha256 = crate::foundation::digest::sha256_hex(manifest_text.as_bytes());
    let scenario_sha256 = manifest["scenario_sha256"].as_str().unwrap_or_default().to_string();
    let mut batch = Batch::new(SourceInfo {
        kind: "campaign".into(),
        name: dir.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        path: dir.display().to_string(),
        sha256: manifest_sha256.clone(),
        rows: 0,
        snapshot_date: None,
    });
    batch.campaign = Some(CampaignRow { manifest_sha256, scenario_sha256, start_date: start_date.into(), days });

    let suppression = dir.join("suppression.csv");
    let name = suppression.display().to_string();
    let mut reader = csv::Reader::from_path(&suppression).map_err(|e| Error::input(&name, None, e.to_string()))?;
    let headers = reader.headers().map_err(|e| Error::input(&name, Some(1), e.to_string()))?.clone();
    let column = |h: &str| {
        headers.iter().position(|x| x == h).ok_or_else(|| Error::input(&name, Some(1), format!("no column '{h}'")))
    };
    let (number, time, scope) = (column("number")?, column("time")?, column("scope")?);
    for row in reader.records() {
        let row = row.map_err(|e| Error::input(&name, e.position().map(|p| p.line()), e.to_string()))?;
        let line = row.position().map(|p| p.line());
        let field = |i: usize| row.get(i).unwrap_or("");
        let key = key_of(field(number)).ok_or_else(|| {
            Error::input(&name, line, format!("'{}' is not an E.164 number", crate::snippet(field(number))))
        })?;
        let scope = field(scope).to_string();
        let reason = if scope == "withdrawal" { "withdrawal" } else { "objection" };
        batch.suppressions.push(Suppression { key, reason: reason.into(), scope, at: Some(field(time).to_string()) });
    }

    let consents = dir.join("consents.jsonl");
    let name = consents.display().to_string();
    let text = read(&consents, LEDGER)?;
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let at = Some(i as u64 + 1);
        let bad = |m: String| Error::input(&name, at, m);
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let text_of = |k: &str| v[k].as_str().map(str::to_string).ok_or_else(|| bad(format!("no '{k}'")));
        let key =
            key_of(&text_of("piiPrincipalId")?).ok_or_else(|| bad("piiPrincipalId is not an E.164 number".into()))?;
        match v["type"].as_str() {
            Some("withdrawal") => batch.withdrawals.push(Withdrawal {
                withdrawal_id: text_of("withdrawalID")?,
                receipt_id: text_of("consentReceiptID")?,
                key,
                at: text_of("withdrawalTime")?,
                record: line.to_string(),
            }),
            _ => batch.consents.push(Consent {
                receipt_id: text_of("consentReceiptID")?,
                key,
                at: text_of("consentTime")?,
                purpose: v["services"][0]["purposes"][0]["purpose"].as_str().unwrap_or_default().to_string(),
                receipt: line.to_string(),
            }),
        }
    }
    batch.source.rows = (batch.suppressions.len() + batch.consents.len() + batch.withdrawals.len()) as u64;
    Ok(batch)
}

/// The batch of a list issued, from its LIST.manifest.json: the list's SHA-256 (as the manifest binds it) and
/// the manifest itself.
pub fn list_batch(manifest: &Path) -> Result<Batch> {
    let text = read(manifest, crate::foundation::open::Bound::MANIFEST)?;
    let name = manifest.display().to_string();
    let not_a_manifest = "not a list's manifest: give the manifest dialsim wrote beside the list (LIST.manifest.json)";
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::input(&name, Some(e.line() as u64), format!("{not_a_manifest} ({e})")))?;
    // A list's manifest names its kind; one written before the kind was recorded has its `list` section.
    if !(v["kind"] == crate::generate::list_manifest::LIST_MANIFEST_KIND
        || v["kind"].is_null() && v["list"].is_object())
    {
        return Err(Error::input(&name, None, not_a_manifest));
    }
    let list_sha256 = v["list"]["sha256"]
        .as_str()
        .map_or_else(|| crate::foundation::digest::sha256_hex(text.as_bytes()), str::to_string);
    let mut batch = Batch::new(SourceInfo {
        kind: "list".into(),
        name: manifest.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        path: name,
        sha256: crate::foundation::digest::sha256_hex(text.as_bytes()),
        rows: v["list"]["rows"].as_u64().unwrap_or(0),
        snapshot_date: None,
    });
    batch.list = Some(IssuedList { list_sha256, manifest: text });
    Ok(batch)
}

/// The batch of issuing an exclusive list: the list (its manifest `manifest`, written as `name`) and its
/// numbers `keys` held as [`super::ISSUED`] until the list is closed, refused if a write after `since` (the
/// stamp the list was drawn against) suppressed or issued one of them.
pub fn exclusive_list_batch(name: &str, manifest: &str, keys: Vec<u64>, since: String) -> Result<Batch> {
    let v: serde_json::Value =
        serde_json::from_str(manifest).map_err(|e| Error::input(name, Some(e.line() as u64), e.to_string()))?;
    let sha256 = crate::foundation::digest::sha256_hex(manifest.as_bytes());
    let list_sha256 = v["list"]["sha256"].as_str().map_or_else(|| sha256.clone(), str::to_string);
    let mut keys = keys;
    keys.sort_unstable();
    keys.dedup();
    let mut batch = Batch::new(SourceInfo {
        kind: "exclusive-list".into(),
        name: Path::new(name).file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        path: name.to_string(),
        sha256,
        rows: keys.len() as u64,
        snapshot_date: None,
    });
    batch.bulk =
        Some(Bulk::uniform(keys, Label { reason: super::ISSUED.into(), scope: list_sha256.clone(), at: None }));
    batch.list = Some(IssuedList { list_sha256, manifest: manifest.to_string() });
    batch.exclusive_since = Some(since);
    Ok(batch)
}

/// The header names of the columns a suppression file may give per row: its reason, what it covers, when.
const REASON_COLUMNS: [&str; 2] = ["kind", "reason"];
const SCOPE_COLUMNS: [&str; 2] = ["source", "scope"];
const TIME_COLUMNS: [&str; 3] = ["time", "at", "when"];

/// For a file whose header names a reason (`kind`/`reason`), scope (`source`/`scope`) or time
/// (`time`/`at`/`when`) column beside its numbers: each number with its row's values (`default`'s where a row
/// leaves one empty), the first row of a number kept. `None` for a file without such columns. The file has
/// already been read whole by the one reader (its numbers `read`, sorted, are valid); this second pass reads
/// the same rows with the shape that reader found, and any number of `read` it does not find there keeps
/// `default` (a number the one reader read is never left out).
fn labelled_rows(
    path: &str,
    shape: &crate::exclude::InputShape,
    options: &InputOptions,
    default: &Label,
    read: &[u64],
) -> Result<Option<Bulk>> {
    let Some(header) = &shape.header else { return Ok(None) };
    let find = |names: &[&str]| header.iter().position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)));
    let (reason, scope, time) = (find(&REASON_COLUMNS), find(&SCOPE_COLUMNS), find(&TIME_COLUMNS));
    if reason.is_none() && scope.is_none() && time.is_none() {
        return Ok(None);
    }
    if shape.encoding != crate::exclude::TextEncoding::Utf8 {
        return Err(Error::input(path, None, "per-row kind, source or time columns are read from UTF-8 files only"));
    }
    let file = crate::foundation::open::open(Path::new(path))?.file;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(shape.delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    let mut labels: Vec<Label> = Vec::new();
    let mut index: std::collections::HashMap<Label, u32> = std::collections::HashMap::new();
    let mut rows: Vec<(u64, u32)> = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line());
                return Err(Error::input(path, line, e.to_string()));
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let field = |c: Option<usize>| -> Result<Option<String>> {
            let Some(c) = c else { return Ok(None) };
            let bytes = record.get(c).unwrap_or_default();
            let text = std::str::from_utf8(bytes).map_err(|_| Error::input(path, Some(line), "not UTF-8"))?;
            let text = text.trim();
            Ok((!text.is_empty()).then(|| text.to_string()))
        };
        let reason_text = field(reason)?;
        if let Some(r) = &reason_text
            && (r == super::ISSUED || r == "erasure")
        {
            return Err(Error::input(path, Some(line), format!("kind '{r}' is the registry's own: give another")));
        }
        let at = match field(time)? {
            Some(t) => Some(normal_time(&t).ok_or_else(|| {
                Error::input(
                    path,
                    Some(line),
                    format!("time '{t}' is neither RFC 3339 (2026-01-05T10:00:00Z) nor a date"),
                )
            })?),
            None => default.at.clone(),
        };
        let label = Label {
            reason: reason_text.unwrap_or_else(|| default.reason.clone()),
            scope: field(scope)?.unwrap_or_else(|| default.scope.clone()),
            at,
        };
        let next = labels.len() as u32;
        let id = *index.entry(label.clone()).or_insert_with(|| {
            labels.push(label);
            next
        });
        for &c in &shape.columns {
            let bytes = record.get(c).unwrap_or_default();
            let Ok(text) = std::str::from_utf8(bytes) else { continue };
            if let Ok(n) = options.normalizer.parse(text.trim()) {
                rows.push((n.key(), id));
            }
        }
    }
    // The first row of each number (file order within a number: a stable sort).
    rows.sort_by_key(|&(k, _)| k);
    rows.dedup_by_key(|&mut (k, _)| k);
    let missing: Vec<u64> =
        read.iter().copied().filter(|k| rows.binary_search_by_key(k, |&(r, _)| r).is_err()).collect();
    if !missing.is_empty() {
        let id = labels.len() as u32;
        labels.push(default.clone());
        rows.extend(missing.into_iter().map(|k| (k, id)));
        rows.sort_by_key(|&(k, _)| k);
    }
    let (keys, label_of) = rows.into_iter().unzip();
    Ok(Some(Bulk { keys, label_of, labels }))
}

/// A time as the registry keeps it: RFC 3339 in UTC, or a date as written.
fn normal_time(text: &str) -> Option<String> {
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Some(t.to_string());
    }
    text.parse::<jiff::civil::Date>().ok().map(|d| d.to_string())
}
