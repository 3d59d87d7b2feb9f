//! The registry in one SQLite file (rusqlite, SQLite compiled in). WAL journal and a busy timeout: writers
//! from several processes queue for the write lock instead of failing, and readers never block them. Every
//! write is one `BEGIN IMMEDIATE` transaction (the write lock taken up front, so two writers never deadlock
//! upgrading read locks), so a process killed mid-write leaves the file as before the write.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::schema::{self, LATEST};
use super::{Batch, Held, HeldBasis, HeldConsent, HeldSuppression, HeldWithdrawal, Registry, SourceInfo, SourceRow};
use crate::foundation::error::{Error, Result};
use crate::jurisdiction::Basis;

/// How long a writer waits for another's transaction to end before giving up: an import of 50 M rows holds
/// the lock for about a minute.
const BUSY_TIMEOUT: Duration = Duration::from_secs(600);

/// A registry in an SQLite file.
#[derive(Debug)]
pub struct SqliteRegistry {
    path: String,
    conn: Connection,
}

/// SQLite's file header (the first 100 bytes) starts with this.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl SqliteRegistry {
    /// Opens the registry file at `path` (brought to the latest schema if older); refuses a missing file, a
    /// file that is not SQLite or is shorter than its header says, one that is not a registry and one of a
    /// newer schema, each with a message naming the file.
    pub fn open(path: &str) -> Result<SqliteRegistry> {
        if !Path::new(path).exists() {
            return Err(Error::Format {
                path: path.into(),
                message: "no registry here: create one first (registry init)".into(),
            });
        }
        check_header(path)?;
        let mut registry = SqliteRegistry::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let exists: Option<String> = registry
            .conn
            .query_row("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| registry.err(e))?;
        if exists.is_none() {
            return Err(Error::Format {
                path: path.into(),
                message: "an SQLite file but not a dialsim registry (it has no schema_version table)".into(),
            });
        }
        registry.migrate()?;
        Ok(registry)
    }

    /// Creates the registry file at `path` with the latest schema, or brings an existing one to it.
    pub fn create(path: &str) -> Result<SqliteRegistry> {
        // `dir/` names a folder (SQLite would make a file `dir`); an existing folder is refused by the header check.
        if path.ends_with(std::path::MAIN_SEPARATOR) || path.ends_with('/') {
            return Err(Error::Request(
                format!("{path}: names a folder; a registry is a file (e.g. {path}dialsim.registry.sqlite)").into(),
            ));
        }
        if Path::new(path).exists() {
            check_header(path)?;
        }
        let mut registry =
            SqliteRegistry::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
        registry.migrate()?;
        Ok(registry)
    }

    fn connect(path: &str, flags: OpenFlags) -> Result<SqliteRegistry> {
        let format = |e: rusqlite::Error| Error::Format { path: path.into(), message: e.to_string() };
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(format)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(format)?;
        // WAL: readers do not block the writer; NORMAL sync is durable against a killed process (the WAL is
        // fsynced at checkpoints; only a power cut may lose the last transactions, never consistency).
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(format)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Format { path: path.into(), message: format!("cannot use the WAL journal ({mode})") });
        }
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;").map_err(format)?;
        Ok(SqliteRegistry { path: path.into(), conn })
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        Error::Format { path: self.path.clone().into(), message: e.to_string() }
    }

    /// Applies the migrations the file lacks, in one transaction; refuses a newer schema.
    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| Error::Format { path: path.clone().into(), message: e.to_string() };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        tx.execute(schema::SCHEMA_VERSION_TABLE, []).map_err(err)?;
        let version: u32 = tx
            .query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get::<_, i64>(0))
            .map_err(err)?
            .try_into()
            .unwrap_or(u32::MAX);
        if version > LATEST {
            return Err(Error::Format {
                path: path.clone().into(),
                message: format!(
                    "the registry's schema is version {version}, newer than this dialsim's ({LATEST}): use a newer \
                     dialsim (it is left untouched)"
                ),
            });
        }
        for v in version..LATEST {
            tx.execute_batch(&schema::migration(v as usize, schema::SQLITE)).map_err(err)?;
            tx.execute("INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)", params![v + 1, now()])
                .map_err(err)?;
        }
        tx.commit().map_err(err)
    }
}

/// Refuses a file that is not SQLite, or that is shorter than its header says (truncated), naming it.
fn check_header(path: &str) -> Result<()> {
    use std::io::Read;
    let bad = |m: &str| Error::Format { path: path.into(), message: m.into() };
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if len == 0 {
        return Ok(()); // an empty file is a new database to SQLite
    }
    let mut header = [0u8; 100];
    if len < 100 || file.read_exact(&mut header).is_err() || &header[..16] != MAGIC {
        return Err(bad("not an SQLite registry file (its header is not SQLite's): a truncated or foreign file"));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes(header[28..32].try_into().expect("4 bytes")));
    // The page count is valid when its "version valid for" matches the change counter; while a WAL file
    // exists, pages may live there instead.
    let valid = header[92..96] == header[24..28];
    let wal = Path::new(&format!("{path}-wal")).exists();
    if valid && !wal && pages * page_size > len {
        return Err(bad(&format!(
            "truncated: {len} bytes where its header says {} ({pages} pages of {page_size})",
            pages * page_size
        )));
    }
    Ok(())
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

fn key_sql(key: u64) -> i64 {
    // E.164 keys have at most 15 digits: always within i64.
    key as i64
}

impl Registry for SqliteRegistry {
    fn location(&self) -> &str {
        &self.path
    }

    fn schema_version(&mut self) -> Result<u32> {
        let v: i64 = self
            .conn
            .query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok(v as u32)
    }

    fn stamp(&mut self) -> Result<String> {
        self.conn.query_row(schema::STAMP, [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    fn apply(&mut self, batch: &Batch) -> Result<i64> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| Error::Format { path: path.clone().into(), message: e.to_string() };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        // An exclusive list drawn against an older state: refused if a later write took one of its numbers.
        if let Some(since) = &batch.exclusive_since {
            let now: String = tx.query_row(schema::STAMP, [], |r| r.get(0)).map_err(err)?;
            if &now != since {
                let newer: Vec<i64> = tx
                    .prepare("SELECT number FROM suppressions WHERE source_id > ?1")
                    .and_then(|mut s| s.query_map([super::stamp_id(since)], |r| r.get(0))?.collect())
                    .map_err(err)?;
                let n = super::clashes(batch, newer.into_iter().map(|k| k as u64));
                if n > 0 {
                    return Err(super::clash(&path, n, since));
                }
            }
        }
        // A campaign written back twice (the same run folder) is recorded once.
        if let Some(c) = &batch.campaign {
            let known: Option<i64> = tx
                .query_row("SELECT source_id FROM campaigns WHERE manifest_sha256 = ?1", [&c.manifest_sha256], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(err)?;
            if let Some(id) = known {
                return Ok(id);
            }
        }
        let id = insert_source(&tx, &batch.source, &now()).map_err(err)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO suppressions (number, source_id, reason, scope, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(err)?;
            for r in &batch.suppressions {
                insert.execute(params![key_sql(r.key), id, r.reason, r.scope, r.at]).map_err(err)?;
            }
            if let Some(b) = &batch.bulk {
                for (i, &key) in b.keys.iter().enumerate() {
                    let l = b.label(i);
                    insert.execute(params![key_sql(key), id, l.reason, l.scope, l.at]).map_err(err)?;
                }
            }
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO consents (receipt_id, number, at, purpose, receipt, withdrawn_at, source_id) \
                     VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6)",
                )
                .map_err(err)?;
            for c in &batch.consents {
                insert.execute(params![c.receipt_id, key_sql(c.key), c.at, c.purpose, c.receipt, id]).map_err(err)?;
            }
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO withdrawals (withdrawal_id, receipt_id, number, at, record, source_id) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(err)?;
            let mut receipt = tx.prepare_cached("SELECT receipt FROM consents WHERE receipt_id = ?1").map_err(err)?;
            let mut withdraw = tx
                .prepare_cached("UPDATE consents SET withdrawn_at = ?1, receipt = ?2 WHERE receipt_id = ?3")
                .map_err(err)?;
            for w in &batch.withdrawals {
                insert
                    .execute(params![w.withdrawal_id, w.receipt_id, key_sql(w.key), w.at, w.record, id])
                    .map_err(err)?;
                let held: Option<String> = receipt.query_row([&w.receipt_id], |r| r.get(0)).optional().map_err(err)?;
                if let Some(text) = held {
                    withdraw.execute(params![w.at, super::minimal_receipt(&text), w.receipt_id]).map_err(err)?;
                }
            }
            let mut insert = tx
                .prepare_cached("INSERT OR IGNORE INTO bases (number, source_id, basis) VALUES (?1, ?2, ?3)")
                .map_err(err)?;
            for (key, basis) in &batch.bases {
                insert.execute(params![key_sql(*key), id, basis.as_str()]).map_err(err)?;
            }
        }
        if let Some(c) = &batch.campaign {
            tx.execute(
                "INSERT INTO campaigns (manifest_sha256, scenario_sha256, start_date, days, source_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![c.manifest_sha256, c.scenario_sha256, c.start_date, c.days, id],
            )
            .map_err(err)?;
        }
        if let Some(l) = &batch.list {
            tx.execute(
                "INSERT OR IGNORE INTO lists (list_sha256, manifest, source_id) VALUES (?1, ?2, ?3)",
                params![l.list_sha256, l.manifest, id],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(id)
    }

    fn suppressed(&mut self, with_issued: bool) -> Result<Vec<u64>> {
        let sql = if with_issued {
            "SELECT DISTINCT number FROM suppressions ORDER BY number"
        } else {
            "SELECT DISTINCT number FROM suppressions WHERE reason <> 'issued' ORDER BY number"
        };
        let mut stmt = self
            .conn
            .prepare_cached(sql)
            .map_err(|e| Error::Format { path: self.path.clone().into(), message: e.to_string() })?;
        let rows =
            stmt.query_map([], |r| r.get::<_, i64>(0)).and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>());
        let keys = rows.map_err(|e| Error::Format { path: self.path.clone().into(), message: e.to_string() })?;
        Ok(keys.into_iter().map(|k| k as u64).collect())
    }

    fn bases(&mut self, purpose: &str) -> Result<Vec<(u64, Basis)>> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| Error::Format { path: path.clone().into(), message: e.to_string() };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT number, basis FROM bases UNION ALL \
                 SELECT number, 'consent' FROM consents WHERE withdrawn_at IS NULL AND purpose = ?1 \
                 ORDER BY 1, 2",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([purpose], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(err)?;
        rows.into_iter()
            .map(|(k, b)| {
                b.parse::<Basis>()
                    .map(|b| (k as u64, b))
                    .map_err(|e| Error::Format { path: path.clone().into(), message: format!("table bases: {e}") })
            })
            .collect()
    }

    fn counts(&mut self) -> Result<Vec<(String, u64)>> {
        let mut out = Vec::new();
        for table in schema::TABLES {
            // The table names are the schema's own constants, never input.
            let n: i64 = self
                .conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                .map_err(|e| self.err(e))?;
            out.push((table.to_string(), n as u64));
        }
        Ok(out)
    }

    fn sources(&mut self, kind: &str) -> Result<Vec<SourceRow>> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| Error::Format { path: path.clone().into(), message: e.to_string() };
        let mut stmt =
            self.conn.prepare_cached(&format!("{SOURCE_COLUMNS} WHERE kind = ?1 ORDER BY id")).map_err(err)?;
        stmt.query_map([kind], source_row).and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>()).map_err(err)
    }

    fn held(&mut self, key: u64) -> Result<Held> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| Error::Format { path: path.clone().into(), message: e.to_string() };
        let k = key_sql(key);
        let json = |text: String| serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        let c = &self.conn;
        let suppressions = c
            .prepare_cached(
                "SELECT reason, scope, at, source_id FROM suppressions WHERE number = ?1 ORDER BY source_id, reason",
            )
            .and_then(|mut s| {
                s.query_map([k], |r| {
                    Ok(HeldSuppression { reason: r.get(0)?, scope: r.get(1)?, at: r.get(2)?, source_id: r.get(3)? })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(err)?;
        let consents = c
            .prepare_cached(
                "SELECT receipt_id, at, purpose, withdrawn_at, receipt, source_id FROM consents WHERE number = ?1 \
                 ORDER BY at, receipt_id",
            )
            .and_then(|mut s| {
                s.query_map([k], |r| {
                    Ok(HeldConsent {
                        receipt_id: r.get(0)?,
                        at: r.get(1)?,
                        purpose: r.get(2)?,
                        withdrawn_at: r.get(3)?,
                        receipt: json(r.get(4)?),
                        source_id: r.get(5)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(err)?;
        let withdrawals = c
            .prepare_cached(
                "SELECT withdrawal_id, receipt_id, at, record, source_id FROM withdrawals WHERE number = ?1 \
                 ORDER BY at, withdrawal_id",
            )
            .and_then(|mut s| {
                s.query_map([k], |r| {
                    Ok(HeldWithdrawal {
                        withdrawal_id: r.get(0)?,
                        receipt_id: r.get(1)?,
                        at: r.get(2)?,
                        record: json(r.get(3)?),
                        source_id: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(err)?;
        let bases = c
            .prepare_cached("SELECT basis, source_id FROM bases WHERE number = ?1 ORDER BY source_id, basis")
            .and_then(|mut s| {
                s.query_map([k], |r| Ok(HeldBasis { basis: r.get(0)?, source_id: r.get(1)? }))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(err)?;
        let mut ids: Vec<i64> = suppressions
            .iter()
            .map(|s| s.source_id)
            .chain(consents.iter().map(|s| s.source_id))
            .chain(withdrawals.iter().map(|s| s.source_id))
            .chain(bases.iter().map(|s| s.source_id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut sources = Vec::new();
        let mut stmt = c.prepare_cached(&format!("{SOURCE_COLUMNS} WHERE id = ?1")).map_err(err)?;
        for id in ids {
            sources.push(stmt.query_row([id], source_row).map_err(err)?);
        }
        Ok(Held { number: super::e164(key), suppressions, consents, withdrawals, bases, sources })
    }

    fn erase(&mut self, key: u64, source: &SourceInfo) -> Result<()> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| Error::Format { path: path.clone().into(), message: e.to_string() };
        let k = key_sql(key);
        let at = now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        let id = insert_source(&tx, source, &at).map_err(err)?;
        tx.execute("DELETE FROM suppressions WHERE number = ?1", [k]).map_err(err)?;
        tx.execute(
            "INSERT INTO suppressions (number, source_id, reason, scope, at) VALUES (?1, ?2, 'erasure', 'all', ?3)",
            params![k, id, at],
        )
        .map_err(err)?;
        tx.execute("DELETE FROM bases WHERE number = ?1", [k]).map_err(err)?;
        tx.execute("DELETE FROM consents WHERE number = ?1 AND withdrawn_at IS NULL", [k]).map_err(err)?;
        tx.execute("DELETE FROM withdrawals WHERE number = ?1", [k]).map_err(err)?;
        let kept: Vec<(String, String)> = tx
            .prepare("SELECT receipt_id, receipt FROM consents WHERE number = ?1")
            .and_then(|mut s| s.query_map([k], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(err)?;
        for (id, receipt) in kept {
            tx.execute(
                "UPDATE consents SET receipt = ?1 WHERE receipt_id = ?2",
                params![super::minimal_receipt(&receipt), id],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    fn suppressed_as_of(&mut self, source_id: i64) -> Result<Vec<u64>> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| Error::Format { path: path.clone().into(), message: e.to_string() };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT number FROM suppressions WHERE reason <> 'issued' AND source_id <= ?1 ORDER BY number",
            )
            .map_err(err)?;
        let keys = stmt
            .query_map([source_id], |r| r.get::<_, i64>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(err)?;
        Ok(keys.into_iter().map(|k| k as u64).collect())
    }

    fn last_source(&mut self) -> Result<i64> {
        self.conn.query_row("SELECT COALESCE(MAX(id), 0) FROM sources", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    fn close_list(&mut self, list_sha256: &str, source: &SourceInfo) -> Result<u64> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| Error::Format { path: path.clone().into(), message: e.to_string() };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        insert_source(&tx, source, &now()).map_err(err)?;
        let n = tx
            .execute("DELETE FROM suppressions WHERE reason = 'issued' AND scope = ?1", [list_sha256])
            .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(n as u64)
    }

    fn prune_withdrawn(&mut self, cutoff: jiff::Timestamp) -> Result<u64> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| Error::Format { path: path.clone().into(), message: e.to_string() };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        let withdrawn: Vec<(String, String)> = tx
            .prepare("SELECT receipt_id, withdrawn_at FROM consents WHERE withdrawn_at IS NOT NULL")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(err)?;
        let mut pruned = 0;
        for (id, at) in withdrawn {
            // A time that does not parse is kept: pruning must never delete on a guess.
            if at.parse::<jiff::Timestamp>().is_ok_and(|t| t < cutoff) {
                tx.execute("DELETE FROM withdrawals WHERE receipt_id = ?1", [&id]).map_err(err)?;
                tx.execute("DELETE FROM consents WHERE receipt_id = ?1", [&id]).map_err(err)?;
                pruned += 1;
            }
        }
        tx.commit().map_err(err)?;
        Ok(pruned)
    }
}

/// Inserts the source row (recorded by [`super::recorder`] at `at`); returns its id.
fn insert_source(tx: &rusqlite::Transaction<'_>, s: &SourceInfo, at: &str) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO sources (kind, name, path, sha256, rows, snapshot_date, recorded_by, recorded_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![s.kind, s.name, s.path, s.sha256, s.rows as i64, s.snapshot_date, super::recorder(), at],
    )?;
    Ok(tx.last_insert_rowid())
}

const SOURCE_COLUMNS: &str =
    "SELECT id, kind, name, path, sha256, rows, snapshot_date, recorded_by, recorded_at FROM sources";

fn source_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SourceRow> {
    Ok(SourceRow {
        id: r.get(0)?,
        info: SourceInfo {
            kind: r.get(1)?,
            name: r.get(2)?,
            path: r.get(3)?,
            sha256: r.get(4)?,
            rows: r.get::<_, i64>(5)? as u64,
            snapshot_date: r.get(6)?,
        },
        recorded_by: r.get(7)?,
        recorded_at: r.get(8)?,
    })
}

#[cfg(test)]
mod tests;
