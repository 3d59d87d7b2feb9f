//! The registry on a PostgreSQL server (the `postgres` client crate), for teams: the same schema
//! ([`schema::MIGRATIONS`] in [`schema::POSTGRES`]'s spelling), the same behaviour as [`super::SqliteRegistry`].
//!
//! Writers queue as SQLite's do: every write is one transaction that first takes one transaction-scoped
//! advisory lock ([`WRITE_LOCK`]), so two campaigns written back at once, or a list recorded while a campaign
//! writes back, are applied one after the other and nothing is lost; readers are never blocked. A client
//! killed mid-write leaves no row (the server rolls back a transaction whose connection dies). Bulk rows
//! (suppressions, bases) travel by binary `COPY` into a temporary table, then one `INSERT … ON CONFLICT DO
//! NOTHING`, so an import of millions of rows is one round trip per table.
//!
//! Connections are made without TLS: use a server on localhost, a Unix socket (`host=/run/postgresql`) or an
//! SSH tunnel to reach one elsewhere.

use postgres::binary_copy::{BinaryCopyInWriter, BinaryCopyOutIter};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::Type;
use postgres::{Client, NoTls, Transaction};

use super::schema::{self, LATEST};
use super::{Batch, Held, HeldBasis, HeldConsent, HeldSuppression, HeldWithdrawal, Registry, SourceInfo, SourceRow};
use crate::foundation::error::{Error, Result};
use crate::jurisdiction::Basis;

/// The advisory lock every writing transaction takes first (an arbitrary constant: "dialsim" in ASCII).
pub const WRITE_LOCK: i64 = 0x0064_6961_6c73_696d;

/// A registry in a PostgreSQL database.
pub struct PgRegistry {
    location: String,
    client: Client,
}

impl std::fmt::Debug for PgRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgRegistry").field("location", &self.location).finish_non_exhaustive()
    }
}

/// `url` without its password, for messages.
pub fn redact(url: &str) -> String {
    // postgres://user:password@host/db → postgres://user@host/db
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{scheme}://{user}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

fn key_sql(key: u64) -> i64 {
    // E.164 keys have at most 15 digits: always within i64.
    key as i64
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

impl PgRegistry {
    /// Connects to the database at `url`; refuses a database that holds no registry and one of a newer schema,
    /// and brings an older one to the latest schema.
    pub fn open(url: &str) -> Result<PgRegistry> {
        let mut registry = PgRegistry::connect(url)?;
        let exists: bool = registry
            .client
            .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
            .and_then(|r| r.try_get(0))
            .map_err(|e| registry.err(e))?;
        if !exists {
            return Err(Error::Format {
                path: registry.location.clone().into(),
                message: "a PostgreSQL database but not a dialsim registry (it has no schema_version table): \
                          create one first (registry init)"
                    .into(),
            });
        }
        registry.migrate()?;
        Ok(registry)
    }

    /// Connects to the database at `url` and creates the registry's tables there, or brings existing ones to
    /// the latest schema.
    pub fn create(url: &str) -> Result<PgRegistry> {
        let mut registry = PgRegistry::connect(url)?;
        registry.migrate()?;
        Ok(registry)
    }

    fn connect(url: &str) -> Result<PgRegistry> {
        let location = redact(url);
        let client = Client::connect(url, NoTls)
            .map_err(|e| Error::Format { path: location.clone().into(), message: format!("cannot connect: {e}") })?;
        Ok(PgRegistry { location, client })
    }

    fn err(&self, e: postgres::Error) -> Error {
        Error::Format { path: self.location.clone().into(), message: e.to_string() }
    }

    /// A writing transaction, holding [`WRITE_LOCK`] until it ends.
    fn write(&mut self) -> Result<(Transaction<'_>, String)> {
        let location = self.location.clone();
        let err = |e: postgres::Error| Error::Format { path: location.clone().into(), message: e.to_string() };
        let mut tx = self.client.transaction().map_err(err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]).map_err(err)?;
        Ok((tx, location))
    }

    /// Applies the migrations the database lacks, in one transaction; refuses a newer schema.
    fn migrate(&mut self) -> Result<()> {
        let (mut tx, location) = self.write()?;
        let err = |e: postgres::Error| Error::Format { path: location.clone().into(), message: e.to_string() };
        tx.batch_execute(schema::SCHEMA_VERSION_TABLE).map_err(err)?;
        let version: i64 = tx
            .query_one("SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_version", &[])
            .and_then(|r| r.try_get(0))
            .map_err(err)?;
        let version = u32::try_from(version).unwrap_or(u32::MAX);
        if version > LATEST {
            return Err(Error::Format {
                path: location.clone().into(),
                message: format!(
                    "the registry's schema is version {version}, newer than this dialsim's ({LATEST}): use a newer \
                     dialsim (it is left untouched)"
                ),
            });
        }
        for v in version..LATEST {
            tx.batch_execute(&schema::migration(v as usize, schema::POSTGRES)).map_err(err)?;
            tx.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
                &[&i64::from(v + 1), &now()],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }
}

/// Inserts the source row; returns its id.
fn insert_source(tx: &mut Transaction<'_>, s: &SourceInfo, at: &str) -> std::result::Result<i64, postgres::Error> {
    let row = tx.query_one(
        "INSERT INTO sources (kind, name, path, sha256, rows, snapshot_date, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        &[&s.kind, &s.name, &s.path, &s.sha256, &(s.rows as i64), &s.snapshot_date, &super::recorder(), &at],
    )?;
    row.try_get(0)
}

impl Registry for PgRegistry {
    fn location(&self) -> &str {
        &self.location
    }

    fn schema_version(&mut self) -> Result<u32> {
        let v: i64 = self
            .client
            .query_one("SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_version", &[])
            .and_then(|r| r.try_get(0))
            .map_err(|e| self.err(e))?;
        Ok(v as u32)
    }

    fn stamp(&mut self) -> Result<String> {
        self.client.query_one(schema::STAMP, &[]).and_then(|r| r.try_get(0)).map_err(|e| self.err(e))
    }

    fn apply(&mut self, batch: &Batch) -> Result<i64> {
        let (mut tx, location) = self.write()?;
        let err = |e: postgres::Error| Error::Format { path: location.clone().into(), message: e.to_string() };
        // An exclusive list drawn against an older state: refused if a later write took one of its numbers.
        if let Some(since) = &batch.exclusive_since {
            let now: String = tx.query_one(schema::STAMP, &[]).and_then(|r| r.try_get(0)).map_err(err)?;
            if &now != since {
                let newer = tx
                    .query("SELECT number FROM suppressions WHERE source_id > $1", &[&super::stamp_id(since)])
                    .map_err(err)?
                    .iter()
                    .map(|r| r.try_get::<_, i64>(0).map(|k| k as u64))
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(err)?;
                let n = super::clashes(batch, newer);
                if n > 0 {
                    return Err(super::clash(&location, n, since));
                }
            }
        }
        // A campaign written back twice (the same run folder) is recorded once.
        if let Some(c) = &batch.campaign {
            let known = tx
                .query_opt("SELECT source_id FROM campaigns WHERE manifest_sha256 = $1", &[&c.manifest_sha256])
                .map_err(err)?;
            if let Some(row) = known {
                return row.try_get(0).map_err(err);
            }
        }
        let id = insert_source(&mut tx, &batch.source, &now()).map_err(err)?;
        if !batch.suppressions.is_empty() {
            tx.batch_execute(
                "CREATE TEMP TABLE suppressions_in (number BIGINT, reason TEXT, scope TEXT, at TEXT) ON COMMIT DROP",
            )
            .map_err(err)?;
            let sink = tx.copy_in("COPY suppressions_in FROM STDIN (FORMAT binary)").map_err(err)?;
            let mut w = BinaryCopyInWriter::new(sink, &[Type::INT8, Type::TEXT, Type::TEXT, Type::TEXT]);
            for r in &batch.suppressions {
                w.write(&[&key_sql(r.key), &r.reason, &r.scope, &r.at]).map_err(err)?;
            }
            w.finish().map_err(err)?;
            tx.execute(
                "INSERT INTO suppressions (number, source_id, reason, scope, at) \
                 SELECT number, $1, reason, scope, at FROM suppressions_in ON CONFLICT DO NOTHING",
                &[&id],
            )
            .map_err(err)?;
        }
        if let Some(b) = batch.bulk.as_ref().filter(|b| !b.keys.is_empty()) {
            // Straight into the table: the source is new, so (number, source, reason) cannot clash with a row
            // already there, only with a repeated (number, reason) of the batch, which is dropped first.
            let mut order: Vec<usize> = (0..b.keys.len()).collect();
            if !b.keys.windows(2).all(|w| w[0] < w[1]) {
                order.sort_by_key(|&i| (b.keys[i], b.label(i).reason.clone()));
                order.dedup_by_key(|i| (b.keys[*i], b.label(*i).reason.clone()));
            }
            let sink = tx
                .copy_in("COPY suppressions (number, source_id, reason, scope, at) FROM STDIN (FORMAT binary)")
                .map_err(err)?;
            let mut w = BinaryCopyInWriter::new(sink, &[Type::INT8, Type::INT8, Type::TEXT, Type::TEXT, Type::TEXT]);
            for i in order {
                let l = b.label(i);
                w.write(&[&key_sql(b.keys[i]), &id, &l.reason, &l.scope, &l.at]).map_err(err)?;
            }
            w.finish().map_err(err)?;
        }
        if !batch.consents.is_empty() {
            let insert = tx
                .prepare(
                    "INSERT INTO consents (receipt_id, number, at, purpose, receipt, withdrawn_at, source_id) \
                     VALUES ($1, $2, $3, $4, $5, NULL, $6) ON CONFLICT DO NOTHING",
                )
                .map_err(err)?;
            for c in &batch.consents {
                tx.execute(&insert, &[&c.receipt_id, &key_sql(c.key), &c.at, &c.purpose, &c.receipt, &id])
                    .map_err(err)?;
            }
        }
        if !batch.withdrawals.is_empty() {
            let insert = tx
                .prepare(
                    "INSERT INTO withdrawals (withdrawal_id, receipt_id, number, at, record, source_id) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                )
                .map_err(err)?;
            let receipt = tx.prepare("SELECT receipt FROM consents WHERE receipt_id = $1").map_err(err)?;
            let withdraw =
                tx.prepare("UPDATE consents SET withdrawn_at = $1, receipt = $2 WHERE receipt_id = $3").map_err(err)?;
            for w in &batch.withdrawals {
                tx.execute(&insert, &[&w.withdrawal_id, &w.receipt_id, &key_sql(w.key), &w.at, &w.record, &id])
                    .map_err(err)?;
                if let Some(row) = tx.query_opt(&receipt, &[&w.receipt_id]).map_err(err)? {
                    let text: String = row.try_get(0).map_err(err)?;
                    tx.execute(&withdraw, &[&w.at, &super::minimal_receipt(&text), &w.receipt_id]).map_err(err)?;
                }
            }
        }
        if !batch.bases.is_empty() {
            tx.batch_execute("CREATE TEMP TABLE bases_in (number BIGINT, basis TEXT) ON COMMIT DROP").map_err(err)?;
            let sink = tx.copy_in("COPY bases_in FROM STDIN (FORMAT binary)").map_err(err)?;
            let mut w = BinaryCopyInWriter::new(sink, &[Type::INT8, Type::TEXT]);
            for (key, basis) in &batch.bases {
                w.write(&[&key_sql(*key), &basis.as_str()]).map_err(err)?;
            }
            w.finish().map_err(err)?;
            tx.execute(
                "INSERT INTO bases (number, source_id, basis) SELECT number, $1, basis FROM bases_in \
                 ON CONFLICT DO NOTHING",
                &[&id],
            )
            .map_err(err)?;
        }
        if let Some(c) = &batch.campaign {
            tx.execute(
                "INSERT INTO campaigns (manifest_sha256, scenario_sha256, start_date, days, source_id) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[&c.manifest_sha256, &c.scenario_sha256, &c.start_date, &i64::from(c.days), &id],
            )
            .map_err(err)?;
        }
        if let Some(l) = &batch.list {
            tx.execute(
                "INSERT INTO lists (list_sha256, manifest, source_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&l.list_sha256, &l.manifest, &id],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(id)
    }

    fn suppressed(&mut self, with_issued: bool) -> Result<Vec<u64>> {
        let location = self.location.clone();
        let err = |e: postgres::Error| Error::Format { path: location.clone().into(), message: e.to_string() };
        // Sorted here, not by the server: a sort of tens of millions of rows spills to disk at PostgreSQL's
        // default work_mem, while this one takes a fraction of a second.
        let sql = if with_issued {
            "COPY (SELECT number FROM suppressions) TO STDOUT (FORMAT binary)"
        } else {
            "COPY (SELECT number FROM suppressions WHERE reason <> 'issued') TO STDOUT (FORMAT binary)"
        };
        let source = self.client.copy_out(sql).map_err(err)?;
        let mut rows = BinaryCopyOutIter::new(source, &[Type::INT8]);
        let mut keys = Vec::new();
        while let Some(row) = rows.next().map_err(err)? {
            keys.push(row.try_get::<i64>(0).map_err(err)? as u64);
        }
        keys.sort_unstable();
        keys.dedup();
        Ok(keys)
    }

    fn bases(&mut self, purpose: &str) -> Result<Vec<(u64, Basis)>> {
        let location = self.location.clone();
        let err = |e: postgres::Error| Error::Format { path: location.clone().into(), message: e.to_string() };
        let rows = self
            .client
            .query(
                "SELECT number, basis FROM bases UNION ALL \
                 SELECT number, 'consent' FROM consents WHERE withdrawn_at IS NULL AND purpose = $1 \
                 ORDER BY 1, 2",
                &[&purpose],
            )
            .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|r| {
                let (k, b): (i64, String) = (r.try_get(0).map_err(err)?, r.try_get(1).map_err(err)?);
                b.parse::<Basis>()
                    .map(|b| (k as u64, b))
                    .map_err(|e| Error::Format { path: location.clone().into(), message: format!("table bases: {e}") })
            })
            .collect()
    }

    fn counts(&mut self) -> Result<Vec<(String, u64)>> {
        let mut out = Vec::new();
        for table in schema::TABLES {
            // The table names are the schema's own constants, never input.
            let n: i64 = self
                .client
                .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
                .and_then(|r| r.try_get(0))
                .map_err(|e| self.err(e))?;
            out.push((table.to_string(), n as u64));
        }
        Ok(out)
    }

    fn sources(&mut self, kind: &str) -> Result<Vec<SourceRow>> {
        let rows = self
            .client
            .query(&format!("{SOURCE_COLUMNS} WHERE kind = $1 ORDER BY id"), &[&kind])
            .map_err(|e| self.err(e))?;
        rows.iter().map(source_row).collect::<std::result::Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    fn held(&mut self, key: u64) -> Result<Held> {
        let k = key_sql(key);
        let json = |text: String| serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        let location = self.location.clone();
        let err = |e: postgres::Error| Error::Format { path: location.clone().into(), message: e.to_string() };
        let c = &mut self.client;
        let suppressions = c
            .query(
                "SELECT reason, scope, at, source_id FROM suppressions WHERE number = $1 ORDER BY source_id, reason",
                &[&k],
            )
            .map_err(err)?
            .iter()
            .map(|r| {
                Ok(HeldSuppression {
                    reason: r.try_get(0)?,
                    scope: r.try_get(1)?,
                    at: r.try_get(2)?,
                    source_id: r.try_get(3)?,
                })
            })
            .collect::<std::result::Result<Vec<_>, postgres::Error>>()
            .map_err(err)?;
        let consents = c
            .query(
                "SELECT receipt_id, at, purpose, withdrawn_at, receipt, source_id FROM consents WHERE number = $1 \
                 ORDER BY at, receipt_id",
                &[&k],
            )
            .map_err(err)?
            .iter()
            .map(|r| {
                Ok(HeldConsent {
                    receipt_id: r.try_get(0)?,
                    at: r.try_get(1)?,
                    purpose: r.try_get(2)?,
                    withdrawn_at: r.try_get(3)?,
                    receipt: json(r.try_get(4)?),
                    source_id: r.try_get(5)?,
                })
            })
            .collect::<std::result::Result<Vec<_>, postgres::Error>>()
            .map_err(err)?;
        let withdrawals = c
            .query(
                "SELECT withdrawal_id, receipt_id, at, record, source_id FROM withdrawals WHERE number = $1 \
                 ORDER BY at, withdrawal_id",
                &[&k],
            )
            .map_err(err)?
            .iter()
            .map(|r| {
                Ok(HeldWithdrawal {
                    withdrawal_id: r.try_get(0)?,
                    receipt_id: r.try_get(1)?,
                    at: r.try_get(2)?,
                    record: json(r.try_get(3)?),
                    source_id: r.try_get(4)?,
                })
            })
            .collect::<std::result::Result<Vec<_>, postgres::Error>>()
            .map_err(err)?;
        let bases = c
            .query("SELECT basis, source_id FROM bases WHERE number = $1 ORDER BY source_id, basis", &[&k])
            .map_err(err)?
            .iter()
            .map(|r| Ok(HeldBasis { basis: r.try_get(0)?, source_id: r.try_get(1)? }))
            .collect::<std::result::Result<Vec<_>, postgres::Error>>()
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
        let sources = c
            .query(&format!("{SOURCE_COLUMNS} WHERE id = ANY($1) ORDER BY id"), &[&ids])
            .map_err(err)?
            .iter()
            .map(source_row)
            .collect::<std::result::Result<Vec<_>, postgres::Error>>()
            .map_err(err)?;
        Ok(Held { number: super::e164(key), suppressions, consents, withdrawals, bases, sources })
    }

    fn erase(&mut self, key: u64, source: &SourceInfo) -> Result<()> {
        let k = key_sql(key);
        let at = now();
        let (mut tx, location) = self.write()?;
        let err = |e: postgres::Error| Error::Format { path: location.clone().into(), message: e.to_string() };
        let id = insert_source(&mut tx, source, &at).map_err(err)?;
        tx.execute("DELETE FROM suppressions WHERE number = $1", &[&k]).map_err(err)?;
        tx.execute(
            "INSERT INTO suppressions (number, source_id, reason, scope, at) VALUES ($1, $2, 'erasure', 'all', $3)",
            &[&k, &id, &at],
        )
        .map_err(err)?;
        tx.execute("DELETE FROM bases WHERE number = $1", &[&k]).map_err(err)?;
        tx.execute("DELETE FROM consents WHERE number = $1 AND withdrawn_at IS NULL", &[&k]).map_err(err)?;
        tx.execute("DELETE FROM withdrawals WHERE number = $1", &[&k]).map_err(err)?;
        let kept = tx.query("SELECT receipt_id, receipt FROM consents WHERE number = $1", &[&k]).map_err(err)?;
        for row in kept {
            let (id, receipt): (String, String) = (row.try_get(0).map_err(err)?, row.try_get(1).map_err(err)?);
            tx.execute(
                "UPDATE consents SET receipt = $1 WHERE receipt_id = $2",
                &[&super::minimal_receipt(&receipt), &id],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    fn suppressed_as_of(&mut self, source_id: i64) -> Result<Vec<u64>> {
        let rows = self
            .client
            .query(
                "SELECT DISTINCT number FROM suppressions WHERE reason <> 'issued' AND source_id <= $1 ORDER BY number",
                &[&source_id],
            )
            .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|r| r.try_get::<_, i64>(0).map(|k| k as u64))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))
    }

    fn last_source(&mut self) -> Result<i64> {
        self.client
            .query_one("SELECT COALESCE(MAX(id), 0)::BIGINT FROM sources", &[])
            .and_then(|r| r.try_get(0))
            .map_err(|e| self.err(e))
    }

    fn close_list(&mut self, list_sha256: &str, source: &SourceInfo) -> Result<u64> {
        let (mut tx, location) = self.write()?;
        let err = |e: postgres::Error| Error::Format { path: location.clone().into(), message: e.to_string() };
        insert_source(&mut tx, source, &now()).map_err(err)?;
        let n = tx
            .execute("DELETE FROM suppressions WHERE reason = 'issued' AND scope = $1", &[&list_sha256])
            .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(n)
    }

    fn prune_withdrawn(&mut self, cutoff: jiff::Timestamp) -> Result<u64> {
        let (mut tx, location) = self.write()?;
        let err = |e: postgres::Error| Error::Format { path: location.clone().into(), message: e.to_string() };
        let withdrawn = tx
            .query("SELECT receipt_id, withdrawn_at FROM consents WHERE withdrawn_at IS NOT NULL", &[])
            .map_err(err)?;
        let mut pruned = 0;
        for row in withdrawn {
            let (id, at): (String, String) = (row.try_get(0).map_err(err)?, row.try_get(1).map_err(err)?);
            // A time that does not parse is kept: pruning must never delete on a guess.
            if at.parse::<jiff::Timestamp>().is_ok_and(|t| t < cutoff) {
                tx.execute("DELETE FROM withdrawals WHERE receipt_id = $1", &[&id]).map_err(err)?;
                tx.execute("DELETE FROM consents WHERE receipt_id = $1", &[&id]).map_err(err)?;
                pruned += 1;
            }
        }
        tx.commit().map_err(err)?;
        Ok(pruned)
    }
}

const SOURCE_COLUMNS: &str =
    "SELECT id, kind, name, path, sha256, rows, snapshot_date, recorded_by, recorded_at FROM sources";

fn source_row(r: &postgres::Row) -> std::result::Result<SourceRow, postgres::Error> {
    Ok(SourceRow {
        id: r.try_get(0)?,
        info: SourceInfo {
            kind: r.try_get(1)?,
            name: r.try_get(2)?,
            path: r.try_get(3)?,
            sha256: r.try_get(4)?,
            rows: r.try_get::<_, i64>(5)? as u64,
            snapshot_date: r.try_get(6)?,
        },
        recorded_by: r.try_get(7)?,
        recorded_at: r.try_get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_password_never_reaches_a_message() {
        assert_eq!(redact("postgres://u:secret@db:5432/reg"), "postgres://u@db:5432/reg");
        assert_eq!(redact("postgres://u@db/reg"), "postgres://u@db/reg");
        assert_eq!(redact("postgresql://db/reg"), "postgresql://db/reg");
        assert_eq!(redact("postgres://u:p@w@db"), "postgres://u@db");
    }
}
