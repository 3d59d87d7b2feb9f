//! What the registry commands do through the [`Registry`] trait alone, whatever the backend: the bases and the
//! suppressions a run reads, the export of the suppressed numbers, `status`, erasure and retention.

use serde::Serialize;

use super::{Held, Registry, SourceInfo, SourceRow, e164};
use crate::foundation::error::{Error, Result};
use crate::jurisdiction::Basis;

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

/// Erases `key` (Art. 17) and returns what is still held, with the grounds for keeping it ([`super::ERASURE_GROUNDS`]).
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
    let cutoff = now.checked_sub(span).map_err(|e| Error::Invalid(format!("retention period: {e}").into()))?;
    registry.prune_withdrawn(cutoff)
}
