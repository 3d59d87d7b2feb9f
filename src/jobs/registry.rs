//! The registry's own commands (`dialsim registry …`): create it, import numbers into it, tell its state,
//! answer and erase a number (GDPR Art. 15 and 17), export its suppressions, close an exclusive list, prune
//! withdrawn consents' receipts. Each is one method of [`RegistryJob`], which opens the registry, does the
//! whole action and returns what it did (feature `registry`).

use std::path::Path;
use std::time::Instant;

use jiff::civil::Date;

use super::reading::Reading;
use crate::exclude::normalize::Normalizer;
use crate::foundation::error::{Error, Param, Result};
use crate::plan::Plan;
use crate::registry::files::Kind;
use crate::registry::{self, Held, SourceInfo, Status};
use crate::scenario::{RetentionSection, Scenario};

/// A registry to act on: an SQLite file or a `postgres://USER@HOST/DB` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryJob {
    /// Where the registry is.
    pub registry: String,
}

/// Numbers to import: files of one kind, read as known databases are.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// CSV or text files of numbers (a value that is not a number is an error, as [`Reading`] allows).
    pub files: Vec<String>,
    /// What the files hold.
    pub kind: Kind,
    /// The source's name (a register's: tps, national-dnc, nevolajte-mi …); none: the file's name.
    pub name: Option<String>,
    /// A register snapshot's date (YYYY-MM-DD; required for [`Kind::Register`]).
    pub date: Option<String>,
    /// The numbering plan the numbers belong to (an embedded name or a plan CSV).
    pub plan: String,
    /// How the files are read.
    pub reading: Reading,
}

/// One file imported.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Imported<'a> {
    /// The file.
    pub file: &'a str,
    /// The numbers it added (rows of the registry).
    pub rows: usize,
    /// How long reading and importing it took.
    pub seconds: f64,
}

/// Why an import stopped: the error, and the file the registry was taking when it failed (none: the request,
/// or the reading of a file, failed, and the error names the file itself).
#[derive(Debug)]
pub struct ImportStopped {
    /// What failed.
    pub error: Error,
    /// The file whose numbers the registry failed to take.
    pub applying: Option<String>,
}

impl From<Error> for ImportStopped {
    fn from(error: Error) -> ImportStopped {
        ImportStopped { error, applying: None }
    }
}

/// The registry's state on a day.
#[derive(Clone, Debug, PartialEq)]
pub struct RegistryStatus {
    /// The day register snapshots' ages are counted to.
    pub day: Date,
    /// Rows per table, register ages, known databases, schema version.
    pub status: Status,
}

impl RegistryStatus {
    /// The status as `dialsim registry status` shows it: rows per table, distinct numbers suppressed, each
    /// register snapshot's age and freshness on [`RegistryStatus::day`], the known databases.
    pub fn write_text(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let (day, s) = (self.day, &self.status);
        writeln!(out, "registry {} (schema version {})", s.location, s.schema_version)?;
        for (table, n) in &s.counts {
            writeln!(out, "  {table:<16} {n:>12}")?;
        }
        writeln!(out, "  distinct numbers suppressed: {}", s.suppressed_numbers)?;
        for g in &s.registers {
            let verdict = match g.fresh {
                Some(true) => "fresh",
                Some(false) => "STALE",
                None => "no regime names it",
            };
            let age = g.age_days.map_or("?".into(), |d| d.to_string());
            writeln!(out, "  register {} of {}: {age} days old on {day} — {verdict} ({})", g.name, g.date, g.limit)?;
        }
        for k in &s.known {
            writeln!(out, "  known database {} ({} numbers, sha256 {})", k.info.name, k.info.rows, k.info.sha256)?;
        }
        Ok(())
    }
}

/// A number erased: what the registry still holds of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Erased {
    /// What is kept (the suppression tombstone, withdrawn consents' minimal receipts).
    pub kept: Held,
}

impl Erased {
    /// The erasure as a JSON document: `{"erased": NUMBER, "grounds": why what is kept is kept, "kept": …}`.
    pub fn document(&self) -> serde_json::Value {
        serde_json::json!({ "erased": self.kept.number, "grounds": registry::ERASURE_GROUNDS, "kept": self.kept })
    }
}

/// Receipts pruned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pruned {
    /// Receipts of withdrawn consents removed.
    pub receipts: u64,
    /// Their retention period: withdrawn more than this many days ago.
    pub withdrawn_receipt_days: u32,
}

impl RegistryJob {
    /// The registry used when none is named: an SQLite file in the working folder.
    pub const DEFAULT: &str = registry::DEFAULT_PATH;

    /// Creates the registry, or brings an existing one to this dialsim's schema; returns its schema version.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let job = dialsim::jobs::RegistryJob { registry: dir.path().join("r.sqlite").display().to_string() };
    /// assert!(job.init()? > 0);
    /// assert_eq!(job.status(None)?.status.suppressed_numbers, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn init(&self) -> Result<u32> {
        registry::create(&self.registry)?.schema_version()
    }

    /// Imports every file, one transaction each, telling each as it is done; the first failure stops the
    /// import (files before it stay imported).
    pub fn import(
        &self,
        import: &Import,
        imported: &mut dyn FnMut(Imported<'_>),
    ) -> std::result::Result<(), ImportStopped> {
        // Checked for every file before any is imported: a registry records each source by its path and SHA-256,
        // which standard input has not (it would be read whole, then fail as a missing file named `-`).
        if import.files.iter().any(|f| f == "-") {
            return Err(Error::Request(
                "-: the registry records each source by its file and its SHA-256, so it imports files, not stdin \
                 (-); save the numbers to a file"
                    .into(),
            )
            .into());
        }
        if import.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            return Err(Error::Request(crate::foundation::error::message![
                Param::SourceName,
                " is empty: a source's name is what the registry shows for it"
            ])
            .into());
        }
        let plan = Plan::resolve(&import.plan)?;
        let options = import.reading.options(&plan)?;
        let mut r = registry::open(&self.registry)?;
        for file in &import.files {
            let started = Instant::now();
            let batch =
                registry::import_batch(file, import.kind, import.name.as_deref(), import.date.as_deref(), &options)?;
            let rows = batch.number_rows();
            r.apply(&batch).map_err(|error| ImportStopped { error, applying: Some(file.clone()) })?;
            imported(Imported { file, rows, seconds: started.elapsed().as_secs_f64() });
        }
        Ok(())
    }

    /// Rows per table, register snapshots' ages on `on` (none: today, UTC) against their freshness limits, the
    /// known databases, the schema version.
    pub fn status(&self, on: Option<Date>) -> Result<RegistryStatus> {
        let mut r = registry::open(&self.registry)?;
        let day = on.unwrap_or_else(super::front::today);
        let status = registry::status(r.as_mut(), day)?;
        Ok(RegistryStatus { day, status })
    }

    /// Everything held about `number` (E.164, or as `plan` writes it): a data-subject access request.
    pub fn access(&self, number: &str, plan: &str) -> Result<Held> {
        let key = key_of(number, plan)?;
        registry::open(&self.registry)?.held(key)
    }

    /// Erases `number` (E.164, or as `plan` writes it): only its suppression tombstone and withdrawn consents'
    /// minimal receipts stay.
    pub fn erase(&self, number: &str, plan: &str) -> Result<Erased> {
        let key = key_of(number, plan)?;
        let mut r = registry::open(&self.registry)?;
        Ok(Erased { kept: registry::erase(r.as_mut(), key)? })
    }

    /// Writes the suppressed numbers as a CSV that `--suppress` reads, whole; returns how many.
    pub fn export(&self, out: &Path) -> Result<u64> {
        // Before the registry is read: the export must not replace the registry (or its journals, its cache).
        let files = registry::own_files(&self.registry);
        crate::output::check_outputs(&[out], &files.iter().map(|f| f.as_path()).collect::<Vec<_>>())?;
        registry::export(registry::open(&self.registry)?.as_mut(), out)
    }

    /// Closes the exclusive list `manifest` describes: its numbers may be listed again; returns how many.
    pub fn close(&self, manifest: &Path) -> Result<u64> {
        let batch = registry::list_batch(manifest)?;
        let sha = batch.list.as_ref().map(|l| l.list_sha256.clone()).unwrap_or_default();
        let source = SourceInfo { kind: "close-list".into(), ..batch.source };
        registry::open(&self.registry)?.close_list(&sha, &source)
    }

    /// Applies the retention periods of `scenario`'s `[compliance.retention]` (none: their defaults) as of now.
    pub fn prune(&self, scenario: Option<&str>) -> Result<Pruned> {
        let retention = match scenario {
            Some(path) => Scenario::load(path, &[])?.compliance.retention,
            None => RetentionSection::default(),
        };
        let receipts = registry::prune(registry::open(&self.registry)?.as_mut(), jiff::Timestamp::now(), &retention)?;
        Ok(Pruned { receipts, withdrawn_receipt_days: retention.withdrawn_receipt_days })
    }
}

/// The registry's key of `number`, written in E.164 or as `plan` writes it.
fn key_of(number: &str, plan: &str) -> Result<u64> {
    let plan = Plan::resolve(plan)?;
    let n = Normalizer::for_plan(&plan)
        .parse(number)
        .map_err(|e| Error::Request(format!("'{number}' is not a phone number: {e}").into()))?;
    Ok(n.key())
}
