//! The known-database Bloom filter and its file format.
//!
//! A [`KnownFilter`] holds the E.164 keys of every number in the databases a user knows of, in the
//! `bloomfilter` crate's bitmap: no false negatives, so no known number ever reaches a list; a false positive
//! only drops a fresh number, the safe direction.
//!
//! File layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `DSIMBF\r\n` |
//! | 4 | format version (1) |
//! | 4 | length M of the metadata |
//! | M | metadata, JSON ([`FilterMeta`]) |
//! | 8 | length B of the bitmap |
//! | B | the crate's serialised filter (its own header: version, size, hash count, 32-byte seed; then bits) |
//! | 4 | CRC-32 of every byte before it |
//!
//! Loading checks every part, so a truncated, corrupted or foreign file is an error, never a panic and never
//! a silently wrong filter. A filter built from a database can be enumerated back (the number space is
//! small enough to test every number), so a filter file is as sensitive as the database it came from.

use std::path::Path;

use bloomfilter::Bloom;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::exclude::bitmap::{Probes, advise_huge, read_for_bitmap};
use crate::exclude::input::SourceStats;
use crate::exclude::known_keys::KeyUnits;
use crate::foundation::error::{Error, Param, Result, message};
use crate::foundation::rng::{Stream, stream};
use crate::output::AtomicFile;

const MAGIC: &[u8; 8] = b"DSIMBF\r\n";
const VERSION: u32 = 1;

/// What a filter file says about itself. Every field is written to the file as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterMeta {
    /// Distinct numbers inserted.
    pub entries: u64,
    /// Capacity the filter was sized for (≥ entries).
    pub capacity: u64,
    /// False-positive rate targeted at `capacity` entries.
    pub fp_target: f64,
    /// Bits in the bitmap.
    pub bits: u64,
    /// Hash functions per number.
    pub hashes: u32,
    /// The crate's 32-byte hash seed, hex.
    pub seed: String,
    /// Default country code the inputs were normalised with.
    pub country_code: u16,
    /// Creation time, RFC 3339 UTC (from `SOURCE_DATE_EPOCH` when set, for reproducible builds).
    pub created: String,
    /// The inputs and their row counts.
    pub sources: Vec<SourceStats>,
    /// The dialsim version that wrote the file.
    pub dialsim_version: String,
}

/// How to build a filter.
#[derive(Clone, Debug)]
pub struct FilterParams {
    /// Target false-positive rate, in (0, 1).
    pub fp_rate: f64,
    /// Capacity; `None` = the count of distinct numbers given.
    pub expected: Option<u64>,
    /// Seed of the hash keys; `None` draws a fresh one from the operating system.
    pub seed: Option<u64>,
    /// Threads the build may use to insert the keys into the bitmap (each owning a share of it; the inputs
    /// are read on the threads given to [`crate::exclude::read_inputs`]); the filter never depends on the
    /// threads.
    pub threads: usize,
    /// Default country code of the inputs (recorded).
    pub country_code: u16,
}

/// A Bloom filter of known numbers with its provenance.
pub struct KnownFilter {
    meta: FilterMeta,
    bloom: Bloom<u64>,
    /// The crate's probes, computed here to check many keys at once with their memory reads overlapping;
    /// `None` unless they were proven to be the crate's ([`Probes::agrees`]), and then the crate checks.
    probes: Option<Box<Probes>>,
}

impl std::fmt::Debug for KnownFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnownFilter").field("meta", &self.meta).finish_non_exhaustive()
    }
}

/// 32 seed bytes whose two halves differ: the crate keys its two SipHashes with the halves, and equal halves
/// make both hashes equal, roughly quadrupling the false-positive rate.
fn draw_seed(seed: Option<u64>) -> [u8; 32] {
    let mut rng = stream(seed.unwrap_or_else(rand::random), Stream::Filter);
    loop {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        if bytes[..16] != bytes[16..] {
            return bytes;
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl KnownFilter {
    /// Builds a filter of `keys` ([`crate::PhoneNumber::key`]; duplicates allowed).
    ///
    /// ```
    /// use dialsim::{exclude::FilterParams, exclude::KnownFilter};
    /// let keys = vec![420601123456u64, 420601123457];
    /// let p = FilterParams { fp_rate: 0.01, expected: None, seed: Some(1), threads: 1, country_code: 420 };
    /// let f = KnownFilter::build(keys, &p, vec![]).unwrap();
    /// assert!(f.contains_key(420601123456));
    /// assert_eq!(f.meta().entries, 2);
    /// ```
    pub fn build(mut keys: Vec<u64>, params: &FilterParams, sources: Vec<SourceStats>) -> Result<KnownFilter> {
        KnownFilter::check_fp_rate(params.fp_rate)?;
        keys.sort_unstable();
        keys.dedup();
        KnownFilter::build_distinct(keys.len() as u64, keys.as_slice(), params, sources)
    }

    /// Builds a filter of `entries` distinct keys, which `keys` hands out in units (the filter's bytes depend
    /// only on the set of keys, never on the units or their order).
    ///
    /// The keys are set in one bitmap ([`Probes::fill`]) through dialsim's copy of the crate's probe formula
    /// (each key hashed once; on a large bitmap its probes gathered by region and set on every thread of
    /// `params`, on a small one its lines prefetched a few keys ahead) when the copy is proven to be the crate's
    /// ([`Probes::agrees`]) on this filter's seed and size; otherwise the crate inserts every key. Either way
    /// the bitmap is the one the crate's own insertions give.
    pub(super) fn build_distinct(
        entries: u64,
        keys: &(impl KeyUnits + ?Sized),
        params: &FilterParams,
        sources: Vec<SourceStats>,
    ) -> Result<KnownFilter> {
        KnownFilter::check_fp_rate(params.fp_rate)?;
        let capacity = params.expected.unwrap_or(entries).max(1);
        if let Some(asked) = params.expected.filter(|_| capacity < entries) {
            // Named as asked for (0 is sized as 1, but 0 is what was given).
            return Err(Error::Request(message![
                Param::Expected,
                format!(" {asked}: a capacity below the {entries} distinct numbers in the inputs")
            ]));
        }
        // The bitmap's size, computed here in floating point first so that no capacity overflows the crate's
        // arithmetic; one bitmap is filled, never a copy per thread.
        let planned = (capacity as f64 * params.fp_rate.ln() / (-8.0 * std::f64::consts::LN_2.powi(2))).ceil();
        crate::foundation::limits::ensure_memory(
            &format!("a filter for {capacity} numbers at a false-positive rate of {}", params.fp_rate),
            planned.min(u64::MAX as f64) as u64,
        )?;
        let bytes = Bloom::<u64>::compute_bitmap_size(capacity as usize, params.fp_rate);
        let seed = draw_seed(params.seed);
        // Zeroed memory: its pages are mapped as the insertions first write them.
        let mut bloom =
            Bloom::<u64>::new_with_seed(bytes, capacity as usize, &seed).map_err(|e| Error::Invalid(e.into()))?;
        let probes = Probes::of(&bloom);
        if probes.agrees(&bloom) {
            let mut all = bloom.into_bytes();
            advise_huge(all.as_ptr(), all.len());
            probes.fill(&mut all, keys, params.threads);
            bloom = Bloom::from_bytes(all).map_err(|e| Error::Invalid(format!("filling the filter: {e}").into()))?;
        } else {
            for unit in 0..keys.units() {
                keys.unit(unit, &mut |keys| keys.iter().for_each(|k| bloom.set(k)));
            }
        }
        let meta = FilterMeta {
            entries,
            capacity,
            fp_target: params.fp_rate,
            bits: bloom.len(),
            hashes: bloom.number_of_hash_functions(),
            seed: hex(&seed),
            country_code: params.country_code,
            created: created_now(),
            sources,
            dialsim_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        Ok(KnownFilter::assemble(meta, bloom))
    }

    /// Checks a false-positive rate: at least [`crate::foundation::limits::MIN_FP_RATE`] and below 1.
    pub fn check_fp_rate(fp_rate: f64) -> Result<()> {
        if (crate::foundation::limits::MIN_FP_RATE..1.0).contains(&fp_rate) {
            return Ok(());
        }
        Err(Error::Request(
            format!(
                "false-positive rate {} must be at least {:e} and below 1",
                if fp_rate != 0.0 && fp_rate.abs() < 1e-4 { format!("{fp_rate:e}") } else { fp_rate.to_string() },
                crate::foundation::limits::MIN_FP_RATE
            )
            .into(),
        ))
    }

    fn assemble(meta: FilterMeta, bloom: Bloom<u64>) -> KnownFilter {
        let probes = Some(Box::new(Probes::of(&bloom))).filter(|p| p.agrees(&bloom));
        KnownFilter { meta, bloom, probes }
    }

    /// Sets `found[i]` to [`KnownFilter::contains_key`]`(keys[i])` for every `i`, faster: many keys are
    /// checked at once so that their memory reads overlap, and each key is hashed once. The bits are tested
    /// here when the computed probes were proven to be the crate's at load (they always are with the
    /// `bloomfilter` version this was built with); otherwise every key goes through the crate's `check`.
    ///
    /// # Panics
    /// If the slices differ in length.
    pub fn contains_many(&self, keys: &[u64], found: &mut [bool]) {
        assert_eq!(keys.len(), found.len(), "one answer per key");
        let bytes = self.bloom.as_slice();
        match &self.probes {
            None => {
                for (f, key) in found.iter_mut().zip(keys) {
                    *f = self.bloom.check(key);
                }
            }
            // On bitmaps of every size: 10 k entries (in L1), 34.2 M/s either way; 1 M entries (1.7 MiB),
            // 33.0 M/s against 23.1 M/s key by key; 10 M entries (17 MiB), 28.9 against 7.5 M/s.
            Some(probes) => probes.check_pipelined(bytes, keys, found),
        }
    }

    /// Whether [`KnownFilter::contains_many`] tests bits itself (its probes were proven to be the crate's
    /// when the filter was loaded or built) rather than calling the crate's `check`.
    pub fn hashes_once(&self) -> bool {
        self.probes.is_some()
    }

    /// The provenance and parameters.
    pub fn meta(&self) -> &FilterMeta {
        &self.meta
    }

    /// Whether the filter may hold `key` (true for every inserted key; false positives possible).
    #[inline]
    pub fn contains_key(&self, key: u64) -> bool {
        self.bloom.check(&key)
    }

    /// Share of bits set.
    pub fn fill_ratio(&self) -> f64 {
        let bytes = self.bloom.as_slice();
        let header = bytes.len() - (self.meta.bits / 8) as usize;
        let ones: u64 = bytes[header..].iter().map(|b| u64::from(b.count_ones())).sum();
        ones as f64 / self.meta.bits as f64
    }

    /// The false-positive rate the fill ratio implies: `fill^k`.
    pub fn estimated_fp_rate(&self) -> f64 {
        self.fill_ratio().powi(self.meta.hashes as i32)
    }

    /// The file's bytes before the bitmap: magic, version, metadata, the bitmap's length.
    fn head(&self) -> Vec<u8> {
        let meta = serde_json::to_vec_pretty(&self.meta).expect("metadata serialises");
        let mut out = Vec::with_capacity(8 + 4 + 4 + meta.len() + 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(meta.len() as u32).to_le_bytes());
        out.extend_from_slice(&meta);
        out.extend_from_slice(&(self.bloom.as_slice().len() as u64).to_le_bytes());
        out
    }

    /// The file bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_to(&mut out).expect("writing to memory");
        out
    }

    /// Writes the file bytes ([`KnownFilter::to_bytes`]) to `out`, without a copy of the bitmap.
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let head = self.head();
        let bloom = self.bloom.as_slice();
        let mut crc = crc32fast::Hasher::new();
        crc.update(&head);
        crc.update(bloom);
        out.write_all(&head)?;
        out.write_all(bloom)?;
        out.write_all(&crc.finalize().to_le_bytes())
    }

    /// Writes the file (to a temporary name, renamed when complete), readable by its owner only: a filter can
    /// be enumerated back into the numbers it holds.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let mut file = AtomicFile::create_direct(path.as_ref(), crate::output::Privacy::Personal)?;
        self.write_to(&mut file).map_err(|e| Error::io(path.as_ref(), e))?;
        file.commit()
    }

    /// Loads and checks a filter file.
    ///
    /// The header is checked against the file's real length before the file is read into memory, so a forged
    /// or sparse file announcing a huge bitmap is refused without allocating it.
    pub fn load(path: impl AsRef<Path>) -> Result<KnownFilter> {
        let path = path.as_ref();
        let len = check_file_header(path)?;
        crate::foundation::limits::ensure_memory(&format!("loading the filter {}", path.display()), len)?;
        let bytes = read_for_bitmap(path).map_err(|e| Error::io(path, e))?;
        KnownFilter::from_bytes(path, bytes)
    }

    /// Reads and checks a filter from a stream (`dialsim filter info -`); `name` is used in errors. Memory grows
    /// with the bytes the stream holds, whatever its header announces, and the header is checked against them.
    ///
    /// A stream that does not start with a filter's magic bytes is refused after them, and one that goes on
    /// past the memory this machine has is refused before it is exhausted (`cat /dev/zero | … -`).
    pub fn read_from(name: &Path, reader: &mut dyn std::io::Read) -> Result<KnownFilter> {
        use std::io::Read;
        let mut bytes = Vec::new();
        (&mut *reader).take(MAGIC.len() as u64).read_to_end(&mut bytes).map_err(|e| Error::io(name, e))?;
        if bytes.as_slice() != MAGIC {
            return Err(Error::Format {
                path: name.to_path_buf(),
                message: "not a dialsim filter file (wrong magic bytes)".into(),
            });
        }
        let limit = crate::foundation::limits::memory_available().unwrap_or(isize::MAX as u64) / 2;
        (&mut *reader).take(limit).read_to_end(&mut bytes).map_err(|e| Error::io(name, e))?;
        if bytes.len() as u64 >= limit {
            crate::foundation::limits::ensure_memory(&format!("reading the filter {}", name.display()), 2 * limit)?;
        }
        KnownFilter::from_bytes(name, bytes)
    }

    /// Parses and checks filter file bytes; `path` is used in errors.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<KnownFilter> {
        let bad = |message: String| Error::Format { path: path.to_path_buf(), message };
        let len = bytes.len();
        if len < 8 || &bytes[..8] != MAGIC {
            return Err(bad("not a dialsim filter file (wrong magic bytes)".into()));
        }
        if len < 16 {
            return Err(bad(format!("truncated: {len} bytes")));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version != VERSION {
            return Err(bad(format!(
                "filter format version {version} is not supported (this dialsim reads {VERSION})"
            )));
        }
        let meta_len = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as usize;
        let bloom_at = 16usize.checked_add(meta_len).filter(|&e| e + 8 <= len);
        let Some(bloom_at) = bloom_at else {
            return Err(bad(format!("truncated or corrupted: {len} bytes cannot hold {meta_len} bytes of metadata")));
        };
        let bloom_len = u64::from_le_bytes(bytes[bloom_at..bloom_at + 8].try_into().expect("8 bytes"));
        let expected = (bloom_at as u64 + 8).checked_add(bloom_len).and_then(|x| x.checked_add(4));
        if expected != Some(len as u64) {
            return Err(bad(format!(
                "truncated or corrupted: the header announces {} bytes, the file has {len}",
                expected.map_or("too many".to_string(), |e| e.to_string())
            )));
        }
        let crc = u32::from_le_bytes(bytes[len - 4..].try_into().expect("4 bytes"));
        if crc32fast::hash(&bytes[..len - 4]) != crc {
            return Err(bad("checksum mismatch: the file is corrupted".into()));
        }
        let meta: FilterMeta =
            serde_json::from_slice(&bytes[16..bloom_at]).map_err(|e| bad(format!("corrupted metadata: {e}")))?;
        let start = bloom_at + 8;
        let mut bloom_bytes = bytes;
        bloom_bytes.truncate(len - 4);
        bloom_bytes.drain(..start);
        let bloom = Bloom::<u64>::from_bytes(bloom_bytes).map_err(|e| bad(format!("corrupted bitmap: {e}")))?;
        // Not `is_empty`: the crate's means "no bit set".
        let bits = bloom.len();
        if bits == 0 || bits % 8 != 0 {
            return Err(bad(format!("corrupted bitmap: {bits} bits")));
        }
        if bloom.number_of_hash_functions() == 0
            || bloom.number_of_hash_functions() > crate::foundation::limits::MAX_HASHES
        {
            return Err(bad(format!(
                "corrupted bitmap: {} hash functions (a filter uses 1 to {})",
                bloom.number_of_hash_functions(),
                crate::foundation::limits::MAX_HASHES
            )));
        }
        if bloom.len() != meta.bits
            || bloom.number_of_hash_functions() != meta.hashes
            || hex(&bloom.seed()) != meta.seed
        {
            return Err(bad("the metadata disagrees with the bitmap".into()));
        }
        if bloom.seed()[..16] == bloom.seed()[16..] {
            return Err(bad("the seed's two halves are equal (a weak filter); rebuild it".into()));
        }
        Ok(KnownFilter::assemble(meta, bloom))
    }
}

/// Checks that `path` is a regular file whose header announces exactly its length; returns the length.
/// Reads only the fixed header and the metadata length field, never the bitmap.
fn check_file_header(path: &Path) -> Result<u64> {
    use std::io::{Read, Seek, SeekFrom};
    let bad = |message: String| Error::Format { path: path.to_path_buf(), message };
    let opened = crate::foundation::open::open(path)?;
    let (mut file, len) = (opened.file, opened.len);
    let mut head = [0u8; 16];
    if len < 16 || file.read_exact(&mut head).is_err() || &head[..8] != MAGIC {
        return Err(bad("not a dialsim filter file (wrong magic bytes or too short)".into()));
    }
    let meta_len = u64::from(u32::from_le_bytes(head[12..16].try_into().expect("4 bytes")));
    let mut field = [0u8; 8];
    if 16 + meta_len + 8 > len
        || file.seek(SeekFrom::Start(16 + meta_len)).is_err()
        || file.read_exact(&mut field).is_err()
    {
        return Err(bad(format!("truncated or corrupted: {len} bytes cannot hold {meta_len} bytes of metadata")));
    }
    let bloom_len = u64::from_le_bytes(field);
    let announced = (16 + meta_len + 8).checked_add(bloom_len).and_then(|x| x.checked_add(4));
    if announced != Some(len) {
        return Err(bad(format!(
            "truncated or corrupted: the header announces {} bytes, the file has {len}",
            announced.map_or("too many".to_string(), |e| e.to_string())
        )));
    }
    Ok(len)
}

/// Now (or `SOURCE_DATE_EPOCH`) as RFC 3339 UTC.
fn created_now() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<i64>().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
    });
    crate::foundation::clock::rfc3339(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::exclude::bitmap::WINDOW;

    #[test]
    fn rfc3339_formats_known_instants() {
        use crate::foundation::clock::rfc3339;
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_853_045), "2026-11-28T08:04:05Z");
    }

    /// Checks through the computed probes give the crate's verdicts, on members and non-members, whatever
    /// the number of keys against the pipeline's window; so do a filter's checks through the crate.
    #[test]
    fn many_at_once_gives_the_crates_verdicts() {
        let p = FilterParams { fp_rate: 0.05, expected: None, seed: Some(5), threads: 1, country_code: 420 };
        let f = KnownFilter::build((0..20_000u64).map(|i| 420_600_000_000 + i * 7).collect(), &p, vec![]).unwrap();
        assert!(f.hashes_once());
        let probes = f.probes.as_deref().unwrap();
        let keys: Vec<u64> = (420_600_000_000u64..420_600_200_000).collect();
        let crate_says: Vec<bool> = keys.iter().map(|&k| f.contains_key(k)).collect();
        // Members (every 7th key) and some false positives: both verdicts occur.
        let positives = crate_says.iter().filter(|&&b| b).count();
        assert!((28_000..40_000).contains(&positives), "{positives}");
        let mut found = vec![false; keys.len()];
        f.contains_many(&keys, &mut found);
        assert!(found == crate_says);
        for n in [0, 1, WINDOW - 1, WINDOW, WINDOW + 1, 3 * WINDOW, 1000, keys.len()] {
            let mut found = vec![!crate_says[0]; n];
            probes.check_pipelined(f.bloom.as_slice(), &keys[..n], &mut found);
            assert!(found == crate_says[..n], "pipelined, {n} keys");
        }
        let unproven = KnownFilter { probes: None, ..f };
        let mut found = vec![false; keys.len()];
        unproven.contains_many(&keys, &mut found);
        assert!(found == crate_says, "through the crate");
    }
}
