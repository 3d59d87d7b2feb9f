//! The registry's exclusion cache — its suppressed numbers as a Bloom filter kept on disk and rebuilt only when
//! a write may have changed them — and the optimistic check that refuses an exclusive list whose numbers were
//! taken while it was drawn.

#[cfg(feature = "postgres")]
use super::pg;
use super::{Batch, Registry, is_url};
use crate::foundation::error::{Error, Result};
use crate::plan::number::PhoneNumber;

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
    let hash = crate::foundation::digest::sha256_hex(shown.as_bytes());
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

/// The id of the source a [`Registry::stamp`] names.
pub fn stamp_id(stamp: &str) -> i64 {
    stamp.split(' ').next().and_then(|id| id.parse().ok()).unwrap_or(0)
}

/// The refusal of an exclusive list some of whose `clashes` numbers were suppressed or issued after `since`.
pub fn clash(location: &str, clashes: u64, since: &str) -> Error {
    Error::Invalid(
        format!(
            "registry {location}: {clashes} numbers of this list were put on another open list or suppressed while it \
         was drawn (by a write after source {}): nothing was written or recorded; draw the list again",
            stamp_id(since)
        )
        .into(),
    )
}

/// Counts the keys of `batch`'s bulk among `newer` (the numbers suppressed by sources after its
/// `exclusive_since`).
pub fn clashes(batch: &Batch, newer: impl IntoIterator<Item = u64>) -> u64 {
    let Some(bulk) = &batch.bulk else { return 0 };
    let mut keys = bulk.keys.clone();
    keys.sort_unstable();
    newer.into_iter().filter(|k| keys.binary_search(k).is_ok()).count() as u64
}
