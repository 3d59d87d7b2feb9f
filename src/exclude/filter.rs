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

use std::hash::{Hash, Hasher};
use std::path::Path;

use bloomfilter::Bloom;
use bloomfilter::reexports::siphasher::sip::SipHasher13;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::exclude::input::SourceStats;
use crate::output::AtomicFile;
use crate::rng::{Stream, stream};

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
    /// Threads inserting in parallel (each fills a filter with the same seed; the bitmaps are OR-ed).
    pub threads: usize,
    /// Default country code of the inputs (recorded).
    pub country_code: u16,
}

/// A Bloom filter of known numbers with its provenance.
pub struct KnownFilter {
    meta: FilterMeta,
    bloom: Bloom<u64>,
    /// Where the crate's probes of a key fall, to prefetch them before it looks.
    probes: Box<Probes>,
}

/// The addresses the `bloomfilter` crate probes for a key, computed as it does: SipHash-1-3 keyed with the
/// seed's halves gives two hashes, probe `k` is `h0 + k·h1` modulo the largest 64-bit prime (probes 0 and 1
/// are the hashes themselves), then modulo the bitmap's bits. Used only to prefetch: every verdict and every
/// insertion is the crate's own, so a difference here could cost speed, never correctness.
#[derive(Clone, Debug)]
struct Probes {
    sips: [SipHasher13; 2],
    bits: u64,
    hashes: u32,
    /// Whether the bitmap is large enough for prefetching to pay for the extra hashing.
    worth: bool,
}

/// Bitmaps smaller than this stay in the caches, and prefetching them only adds hashing: a 1 M-entry
/// insertion (1.7 MiB) took 84 ms with prefetching against 72 ms without, a 10 M-entry one 2.2 s against 3.3 s.
const PREFETCH_MIN_BYTES: u64 = 4 << 20;

impl Probes {
    fn of(bloom: &Bloom<u64>) -> Probes {
        let seed = bloom.seed();
        let half = |h: &[u8]| SipHasher13::new_with_key(h.try_into().expect("16 bytes"));
        Probes {
            sips: [half(&seed[..16]), half(&seed[16..])],
            bits: bloom.len(),
            hashes: bloom.number_of_hash_functions(),
            worth: bloom.len() / 8 >= PREFETCH_MIN_BYTES,
        }
    }

    /// The crate's two hashes of `key`.
    #[inline]
    fn hashes(&self, key: u64) -> (u64, u64) {
        let hash = |i: usize| {
            let mut sip = self.sips[i];
            key.hash(&mut sip);
            sip.finish()
        };
        (hash(0), hash(1))
    }

    /// The bitmap bit of probe `k`.
    #[inline]
    fn bit(&self, (h0, h1): (u64, u64), k: u32) -> u64 {
        let h = match k {
            0 => h0,
            1 => h1,
            _ => h0.wrapping_add(u64::from(k).wrapping_mul(h1)) % 0xFFFF_FFFF_FFFF_FFC5,
        };
        h % self.bits
    }

    /// Offset in [`Bloom::as_slice`] of the byte holding probe `k`.
    #[inline]
    fn byte(&self, hashes: (u64, u64), k: u32) -> usize {
        BLOOM_HEADER + (self.bit(hashes, k) / 8) as usize
    }

    /// Prefetches the lines of the first `count` probes of `key` in `bloom`'s bytes.
    #[inline]
    fn prefetch(&self, bytes: &[u8], key: u64, count: u32) {
        if !self.worth {
            return;
        }
        let hashes = self.hashes(key);
        for k in 0..count.min(self.hashes) {
            prefetch(bytes.as_ptr().wrapping_add(self.byte(hashes, k)));
        }
    }
}

/// Keys between prefetching all of a key's lines and inserting it, in a filter build.
const INSERT_DISTANCE: usize = 8;

/// Bitmap lines prefetched per key: the bits of the first probes. At a fill ratio near one half, a key the
/// filter does not hold is refused after two probes on average.
const PREFETCH_PROBES: u32 = 2;
/// Bytes of the crate's header before the bitmap in [`Bloom::as_slice`].
const BLOOM_HEADER: usize = 1 + 8 + 4 + 32;

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

/// A hint to load the cache line holding `at` (no effect where there is no such instruction).
#[inline(always)]
fn prefetch(at: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and never changes memory, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl KnownFilter {
    /// Builds a filter of `keys` ([`crate::PhoneNumber::key`]; duplicates allowed).
    ///
    /// ```
    /// use dialsim::{FilterParams, KnownFilter};
    /// let keys = vec![420601123456u64, 420601123457];
    /// let p = FilterParams { fp_rate: 0.01, expected: None, seed: Some(1), threads: 1, country_code: 420 };
    /// let f = KnownFilter::build(keys, &p, vec![]).unwrap();
    /// assert!(f.contains_key(420601123456));
    /// assert_eq!(f.meta().entries, 2);
    /// ```
    pub fn build(mut keys: Vec<u64>, params: &FilterParams, sources: Vec<SourceStats>) -> Result<KnownFilter> {
        if !(params.fp_rate > 0.0 && params.fp_rate < 1.0) {
            return Err(Error::Invalid(format!("--fp-rate {} must be between 0 and 1", params.fp_rate)));
        }
        keys.sort_unstable();
        keys.dedup();
        let entries = keys.len() as u64;
        let capacity = params.expected.unwrap_or(entries).max(1);
        if capacity < entries {
            return Err(Error::Invalid(format!(
                "--expected {capacity} is below the {entries} distinct numbers in the inputs"
            )));
        }
        let bytes = Bloom::<u64>::compute_bitmap_size(capacity as usize, params.fp_rate);
        let seed = draw_seed(params.seed);
        let new = || Bloom::<u64>::new_with_seed(bytes, capacity as usize, &seed).map_err(|e| Error::Invalid(e.into()));
        let threads = params.threads.clamp(1, 16);
        let part = keys.len().div_ceil(threads).max(1);
        let mut blooms: Vec<Bloom<u64>> = Vec::new();
        std::thread::scope(|s| -> Result<()> {
            let handles: Vec<_> = keys
                .chunks(part)
                .map(|chunk| {
                    let mut b = new()?;
                    let probes = Probes::of(&b);
                    Ok(s.spawn(move || {
                        // Every probe of a key is written: prefetch all its lines a few keys ahead, so the
                        // misses of several keys overlap.
                        for (i, k) in chunk.iter().enumerate() {
                            if let Some(&ahead) = chunk.get(i + INSERT_DISTANCE) {
                                probes.prefetch(b.as_slice(), ahead, u32::MAX);
                            }
                            b.set(k);
                        }
                        b
                    }))
                })
                .collect::<Result<_>>()?;
            for h in handles {
                blooms.push(h.join().expect("filter thread"));
            }
            Ok(())
        })?;
        let bloom = match blooms.len() {
            0 => new()?,
            1 => blooms.pop().expect("one"),
            _ => {
                // Same seed and size: OR-ing the bit arrays gives the filter of the union.
                let mut merged = blooms[0].to_bytes();
                let header = merged.len() - bytes;
                for b in &blooms[1..] {
                    let other = b.as_slice();
                    debug_assert_eq!(other[..header], merged[..header]);
                    for (m, o) in merged[header..].iter_mut().zip(&other[header..]) {
                        *m |= o;
                    }
                }
                Bloom::from_bytes(merged).map_err(|e| Error::Invalid(format!("merging filters: {e}")))?
            }
        };
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

    fn assemble(meta: FilterMeta, bloom: Bloom<u64>) -> KnownFilter {
        let probes = Box::new(Probes::of(&bloom));
        KnownFilter { meta, bloom, probes }
    }

    /// Asks the CPU to start loading the bitmap lines that the first checks of `key` read, so that the
    /// cache misses of many keys overlap (call it for a batch of keys, then check them). It only computes
    /// addresses the way the `bloomfilter` crate does (SipHash-1-3 with the seed's halves, then double
    /// hashing): a verdict always comes from the crate's own check, so a difference could cost speed only.
    #[inline]
    pub fn prefetch_key(&self, key: u64) {
        self.probes.prefetch(self.bloom.as_slice(), key, PREFETCH_PROBES);
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

    /// The file bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let meta = serde_json::to_vec_pretty(&self.meta).expect("metadata serialises");
        let bloom = self.bloom.as_slice();
        let mut out = Vec::with_capacity(8 + 4 + 4 + meta.len() + 8 + bloom.len() + 4);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(meta.len() as u32).to_le_bytes());
        out.extend_from_slice(&meta);
        out.extend_from_slice(&(bloom.len() as u64).to_le_bytes());
        out.extend_from_slice(bloom);
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Writes the file (to a temporary name, renamed when complete).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        use std::io::Write;
        let mut file = AtomicFile::create_direct(path.as_ref())?;
        file.write_all(&self.to_bytes()).map_err(|e| Error::io(path.as_ref(), e))?;
        file.commit()
    }

    /// Loads and checks a filter file.
    pub fn load(path: impl AsRef<Path>) -> Result<KnownFilter> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        KnownFilter::from_bytes(path, bytes)
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

/// Now (or `SOURCE_DATE_EPOCH`) as RFC 3339 UTC.
fn created_now() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<i64>().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
    });
    rfc3339(secs)
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, Howard Hinnant's algorithm).
pub(crate) fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::rfc3339(1_795_853_045), "2026-11-28T08:04:05Z");
    }

    /// The prefetch addresses are the crate's: checking all probes through them agrees with the crate's check
    /// on members and non-members (a regression here would only cost speed, so it is tested here).
    #[test]
    fn prefetch_probes_are_the_crates() {
        let p = FilterParams { fp_rate: 0.05, expected: None, seed: Some(5), threads: 1, country_code: 420 };
        let f = KnownFilter::build((0..20_000u64).map(|i| 420_600_000_000 + i * 7).collect(), &p, vec![]).unwrap();
        let bytes = f.bloom.as_slice();
        let by_probes = |key: u64| {
            let hashes = f.probes.hashes(key);
            (0..f.meta.hashes).all(|k| {
                let bit = f.probes.bit(hashes, k);
                bytes[f.probes.byte(hashes, k)] & (1 << (bit % 8)) != 0
            })
        };
        let mut positives = 0;
        for key in 420_600_000_000u64..420_600_200_000 {
            let crate_says = f.contains_key(key);
            assert_eq!(by_probes(key), crate_says, "{key}");
            positives += u32::from(crate_says);
        }
        // Members (every 7th key) and some false positives: both verdicts occur.
        assert!((28_000..40_000).contains(&positives), "{positives}");
    }
}
