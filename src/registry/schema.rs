//! The registry's schema as versioned migrations, written once for every backend: the SQL is portable
//! (BIGINT, TEXT, plain indexes) except for the few words a backend spells its own way, which are
//! placeholders a backend fills in ([`Dialect`]). A registry records the migrations applied in
//! `schema_version`; one of a newer version than [`LATEST`] is refused, never written to.

/// The schema version this dialsim writes.
pub const LATEST: u32 = 1;

/// The migrations in order: migration `i` (0-based) takes a registry from version `i` to `i + 1`.
///
/// Every row names its source (`source_id`): the file imported or the campaign written back, with who
/// recorded it and when — the where-from of each fact.
pub const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE sources (
    id {serial},
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows BIGINT NOT NULL,
    snapshot_date TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE TABLE suppressions (
    number BIGINT NOT NULL,
    source_id BIGINT NOT NULL REFERENCES sources (id),
    reason TEXT NOT NULL,
    scope TEXT NOT NULL,
    at TEXT,
    PRIMARY KEY (number, source_id, reason)
){without_rowid};
CREATE TABLE consents (
    receipt_id TEXT PRIMARY KEY,
    number BIGINT NOT NULL,
    at TEXT NOT NULL,
    purpose TEXT NOT NULL,
    receipt TEXT NOT NULL,
    withdrawn_at TEXT,
    source_id BIGINT NOT NULL REFERENCES sources (id)
);
CREATE INDEX consents_number ON consents (number);
CREATE TABLE withdrawals (
    withdrawal_id TEXT PRIMARY KEY,
    receipt_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    at TEXT NOT NULL,
    record TEXT NOT NULL,
    source_id BIGINT NOT NULL REFERENCES sources (id)
);
CREATE INDEX withdrawals_number ON withdrawals (number);
CREATE TABLE bases (
    number BIGINT NOT NULL,
    source_id BIGINT NOT NULL REFERENCES sources (id),
    basis TEXT NOT NULL,
    PRIMARY KEY (number, source_id, basis)
){without_rowid};
CREATE TABLE campaigns (
    manifest_sha256 TEXT PRIMARY KEY,
    scenario_sha256 TEXT NOT NULL,
    start_date TEXT NOT NULL,
    days BIGINT NOT NULL,
    source_id BIGINT NOT NULL REFERENCES sources (id)
);
CREATE TABLE lists (
    list_sha256 TEXT NOT NULL,
    manifest TEXT NOT NULL,
    source_id BIGINT NOT NULL REFERENCES sources (id),
    PRIMARY KEY (list_sha256, source_id)
);
"#];

/// The words a backend spells its own way.
#[derive(Clone, Copy, Debug)]
pub struct Dialect {
    /// An auto-numbered primary key column's type and constraint.
    pub serial: &'static str,
    /// What follows a table whose primary key is its storage order (SQLite's `WITHOUT ROWID`; nothing elsewhere).
    pub without_rowid: &'static str,
}

/// SQLite's spelling.
pub const SQLITE: Dialect = Dialect { serial: "INTEGER PRIMARY KEY", without_rowid: " WITHOUT ROWID" };

/// PostgreSQL's spelling (for the backend to come).
pub const POSTGRES: Dialect = Dialect { serial: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", without_rowid: "" };

/// Migration `index` in `dialect`'s spelling.
pub fn migration(index: usize, dialect: Dialect) -> String {
    MIGRATIONS[index].replace("{serial}", dialect.serial).replace("{without_rowid}", dialect.without_rowid)
}

/// The table that records the migrations applied (created before any migration).
pub const SCHEMA_VERSION_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL, applied_at TEXT NOT NULL)";

/// The query of a registry's stamp (see `Registry::stamp`), the same on every backend: the newest source that
/// may have changed what is suppressed — any but a list issued without `--exclusive` and an import of bases.
pub const STAMP: &str = "SELECT COALESCE(MAX(id), 0) || ' ' || COALESCE(MAX(recorded_at), '') FROM sources \
     WHERE id = (SELECT MAX(id) FROM sources WHERE kind NOT IN ('list', 'opt-in', 'consent', 'customer'))";

/// The tables whose rows `status` counts, in the order it shows them.
pub const TABLES: [&str; 8] =
    ["sources", "suppressions", "consents", "withdrawals", "bases", "campaigns", "lists", "schema_version"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_of_every_migration_is_filled_in_both_dialects() {
        for i in 0..MIGRATIONS.len() {
            for d in [SQLITE, POSTGRES] {
                let sql = migration(i, d);
                assert!(!sql.contains('{') && !sql.contains('}'), "migration {i}: {sql}");
            }
        }
        assert_eq!(MIGRATIONS.len(), LATEST as usize);
    }
}
