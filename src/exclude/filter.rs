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
    /// The crate's probes, computed here to check many keys at once with their memory reads overlapping;
    /// `None` unless they were proven to be the crate's ([`Probes::agrees`]), and then the crate checks.
    probes: Option<Box<Probes>>,
}

/// The bits the `bloomfilter` crate probes for a key, computed as it does: SipHash-1-3 keyed with the seed's
/// halves gives two hashes, probe `k` is `h0 + k·h1` modulo the largest 64-bit prime (probes 0 and 1 are the
/// hashes themselves), then modulo the bitmap's bits.
///
/// The generator checks a chunk of numbers at once ([`KnownFilter::contains_many`]): it hashes each number
/// once and tests the bits itself, with the reads of many numbers in flight. That this copy agrees with the
/// crate is proven for every filter when it is loaded or built ([`Probes::agrees`]); a filter it does not
/// agree with is checked by the crate's own `check`, so the copy can cost speed, never a false negative.
#[derive(Clone, Debug)]
struct Probes {
    sips: [SipHasher13; 2],
    /// The bitmap's bits, the divisor of every probe.
    bits: Remainder,
    hashes: u32,
    /// Whether the bitmap is large enough for the insertions' prefetching to pay for its extra hashing.
    worth: bool,
}

/// `x % divisor` for every 64-bit `x`, computed with multiplications instead of a division (a 64-bit
/// division costs tens of cycles, and a filter check needs one per probe). The method is Lemire, Kaser and
/// Kurz's "direct computation" of the remainder (Software: Practice and Experience, 2019), with a 128-bit
/// fraction `c = ⌈2¹²⁸ / divisor⌉`: then `x % divisor = ⌊(c·x mod 2¹²⁸) · divisor / 2¹²⁸⌋` exactly for
/// every `x < 2⁶⁴` (their theorem 1 with F = 128 ≥ N + L = 64 + 64). Tested against `%` in this module.
#[derive(Clone, Copy, Debug)]
struct Remainder {
    divisor: u64,
    c: u128,
}

impl Remainder {
    fn new(divisor: u64) -> Remainder {
        assert!(divisor > 0, "a bitmap has bits");
        // ⌈2¹²⁸ / d⌉ = ⌊(2¹²⁸ − 1) / d⌋ + 1; for d = 1 it wraps to 0, which gives the right remainder 0.
        Remainder { divisor, c: (u128::MAX / u128::from(divisor)).wrapping_add(1) }
    }

    #[inline]
    fn of(&self, x: u64) -> u64 {
        let fraction = self.c.wrapping_mul(u128::from(x));
        // The top 128 bits of the 192-bit product `fraction · divisor`, from two 128-bit products; their sum
        // cannot overflow (the first is below 2¹²⁸ − 2⁶⁵ + 1, the second below 2⁶⁴).
        let d = u128::from(self.divisor);
        let high = (fraction >> 64) * d;
        let low = u128::from(fraction as u64) * d;
        ((high + (low >> 64)) >> 64) as u64
    }
}

/// Bitmaps smaller than this stay in the caches, and prefetching them only adds hashing: a 1 M-entry
/// insertion (1.7 MiB) took 84 ms with prefetching against 72 ms without, a 10 M-entry one 2.2 s against 3.3 s.
const PREFETCH_MIN_BYTES: u64 = 4 << 20;

/// Keys in flight at once in a pipelined check ([`Probes::check_pipelined`]).
const WINDOW: usize = 32;

/// Keys set one at a time in the small bitmaps of [`Probes::agrees`].
const PROOF_KEYS: u64 = 64;

impl Probes {
    fn of(bloom: &Bloom<u64>) -> Probes {
        let seed = bloom.seed();
        let half = |h: &[u8]| SipHasher13::new_with_key(h.try_into().expect("16 bytes"));
        Probes {
            sips: [half(&seed[..16]), half(&seed[16..])],
            bits: Remainder::new(bloom.len()),
            hashes: bloom.number_of_hash_functions(),
            worth: bloom.len() / 8 >= PREFETCH_MIN_BYTES,
        }
    }

    /// The crate's two hashes of `key`.
    #[inline]
    fn hashes(&self, key: u64) -> [u64; 2] {
        let hash = |i: usize| {
            let mut sip = self.sips[i];
            key.hash(&mut sip);
            sip.finish()
        };
        [hash(0), hash(1)]
    }

    /// The bitmap bit of probe `k`.
    #[inline]
    fn bit(&self, [h0, h1]: [u64; 2], k: u32) -> u64 {
        let h = match k {
            0 => h0,
            1 => h1,
            _ => h0.wrapping_add(u64::from(k).wrapping_mul(h1)) % 0xFFFF_FFFF_FFFF_FFC5,
        };
        self.bits.of(h)
    }

    /// Offset in [`Bloom::as_slice`] of the byte holding probe `k`.
    #[inline]
    fn byte(&self, hashes: [u64; 2], k: u32) -> usize {
        BLOOM_HEADER + (self.bit(hashes, k) / 8) as usize
    }

    /// Prefetches the lines of every probe of a key with `hashes` in `bloom`'s bytes.
    #[inline]
    fn prefetch_all(&self, bytes: &[u8], hashes: [u64; 2]) {
        for k in 0..self.hashes {
            prefetch(bytes.as_ptr().wrapping_add(self.byte(hashes, k)));
        }
    }

    /// Sets `found[i]` to whether every probe of `keys[i]` is set in `bloom`'s bytes, for every `i`.
    ///
    /// A check reads one bitmap line per probe until it finds a clear bit, and on a large bitmap each read
    /// misses the caches. Checked one after another, keys wait on memory one line at a time. Here `WINDOW`
    /// keys are in flight at once, each waiting for one line: a key's probe is prefetched, the other keys
    /// take a step each, and when the key's turn comes back the line is (nearly always) there; then its
    /// bit decides whether the key is done (a clear bit, or its last probe) or its next probe is prefetched.
    /// Only the lines a check reads are loaded, and their latencies overlap.
    fn check_pipelined(&self, bytes: &[u8], keys: &[u64], found: &mut [bool]) {
        #[derive(Clone, Copy, Default)]
        struct Slot {
            /// Index of the key in flight; `usize::MAX` when the slot is idle.
            index: usize,
            hashes: [u64; 2],
            /// The probe whose line was prefetched.
            probe: u32,
            byte: usize,
            mask: u8,
        }
        let base = bytes.as_ptr();
        let mut next = 0;
        let mut slots = [Slot { index: usize::MAX, ..Slot::default() }; WINDOW];
        let start = |slot: &mut Slot, next: &mut usize| {
            if let Some(&key) = keys.get(*next) {
                let hashes = self.hashes(key);
                let bit = self.bit(hashes, 0);
                let byte = BLOOM_HEADER + (bit / 8) as usize;
                prefetch(base.wrapping_add(byte));
                *slot = Slot { index: *next, hashes, probe: 0, byte, mask: 1 << (bit % 8) };
                *next += 1;
            } else {
                slot.index = usize::MAX;
            }
        };
        for slot in &mut slots {
            start(slot, &mut next);
        }
        let mut busy = slots.iter().filter(|s| s.index != usize::MAX).count();
        while busy > 0 {
            for slot in &mut slots {
                if slot.index == usize::MAX {
                    continue;
                }
                let set = bytes[slot.byte] & slot.mask != 0;
                if set && slot.probe + 1 < self.hashes {
                    slot.probe += 1;
                    let bit = self.bit(slot.hashes, slot.probe);
                    slot.byte = BLOOM_HEADER + (bit / 8) as usize;
                    slot.mask = 1 << (bit % 8);
                    prefetch(base.wrapping_add(slot.byte));
                    continue;
                }
                found[slot.index] = set;
                start(slot, &mut next);
                busy -= usize::from(slot.index == usize::MAX);
            }
        }
    }

    /// Whether these probes are the crate's for `bloom` (same seed and hash count), tested through the crate:
    /// keys from a fixed stream, and the ends of the key range, are set one at a time in small bitmaps of two
    /// sizes (488 and 512 bits) made from `bloom`'s header, and the bits the crate sets must be exactly the
    /// ones computed here. A Bloom verdict depends only on that set of bits, so this is the property the
    /// no-false-negative guarantee needs. Then the pipelined check of the same keys on `bloom`'s own bitmap
    /// must give the crate's verdicts. Any failure, including the crate refusing the small bitmaps, answers
    /// `false`.
    fn agrees(&self, bloom: &Bloom<u64>) -> bool {
        let mut keys: Vec<u64> = vec![0, 1, u64::MAX, 420_601_123_456, 12_125_550_100];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        keys.extend((0..PROOF_KEYS).map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            // Half of them in the E.164 range the generator uses, half anywhere.
            if x & 1 == 0 { x >> 14 } else { x }
        }));
        for len in [61usize, 64] {
            let mut bytes = bloom.as_slice()[..BLOOM_HEADER].to_vec();
            bytes[1..9].copy_from_slice(&(len as u64).to_le_bytes());
            bytes.resize(BLOOM_HEADER + len, 0);
            let Ok(mut small) = Bloom::<u64>::from_bytes(bytes) else {
                return false;
            };
            let probes = Probes { bits: Remainder::new(len as u64 * 8), ..self.clone() };
            if small.len() != probes.bits.divisor || small.number_of_hash_functions() != self.hashes {
                return false;
            }
            let mut ours = vec![0u8; len];
            for &key in &keys {
                small.clear();
                small.set(&key);
                ours.fill(0);
                let hashes = probes.hashes(key);
                for k in 0..probes.hashes {
                    let bit = probes.bit(hashes, k);
                    ours[(bit / 8) as usize] |= 1 << (bit % 8);
                }
                if small.as_slice()[BLOOM_HEADER..] != ours[..] {
                    return false;
                }
            }
        }
        let mut found = vec![false; keys.len()];
        self.check_pipelined(bloom.as_slice(), &keys, &mut found);
        keys.iter().zip(found).all(|(key, found)| found == bloom.check(key))
    }
}

/// Keys between prefetching all of a key's lines and inserting it, in a filter build.
const INSERT_DISTANCE: usize = 8;

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
                    advise_huge(b.as_slice().as_ptr(), b.as_slice().len());
                    let probes = Probes::of(&b);
                    Ok(s.spawn(move || {
                        // Every probe of a key is written: prefetch all its lines a few keys ahead, so the
                        // misses of several keys overlap.
                        for (i, k) in chunk.iter().enumerate() {
                            if let Some(&ahead) = chunk.get(i + INSERT_DISTANCE).filter(|_| probes.worth) {
                                probes.prefetch_all(b.as_slice(), probes.hashes(ahead));
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
                // Same seed and size: OR-ing the bit arrays gives the filter of the union (in memory advised to
                // use huge pages, like the bitmaps the threads filled).
                let mut merged = huge_buffer(blooms[0].as_slice().len());
                merged.extend_from_slice(blooms[0].as_slice());
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
        let bytes = read_for_bitmap(path).map_err(|e| Error::io(path, e))?;
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

/// Reads a whole file into memory advised to use huge pages ([`advise_huge`]).
fn read_for_bitmap(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata().map_or(0, |m| m.len() as usize);
    let mut bytes = huge_buffer(len + 1);
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// An empty buffer of `capacity` bytes advised to use huge pages ([`advise_huge`]).
fn huge_buffer(capacity: usize) -> Vec<u8> {
    let bytes = Vec::with_capacity(capacity);
    advise_huge(bytes.as_ptr(), bytes.capacity());
    bytes
}

/// Asks the kernel to back the whole pages of `len` bytes at `at` with huge pages when it can (Linux, and
/// only for bitmaps large enough to be prefetched). The generator's filter checks miss the caches at random
/// places of the bitmap; with 4 KiB pages each also misses the TLB. With 2 MiB pages a 10 M-entry
/// exclusion run took 12 % less time (see BENCHMARKS.md). Advice only: it changes no contents and its
/// failure changes nothing but speed.
fn advise_huge(at: *const u8, len: usize) {
    #[cfg(target_os = "linux")]
    if len as u64 >= PREFETCH_MIN_BYTES {
        const PAGE: usize = 4096;
        let skip = at.align_offset(PAGE);
        if skip < len {
            // SAFETY: advice on whole pages inside an allocation of `len` bytes at `at`; `MADV_HUGEPAGE`
            // changes no contents, and the pages stay where they are.
            unsafe {
                libc::madvise(at.wrapping_add(skip).cast_mut().cast(), (len - skip) & !(PAGE - 1), libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (at, len);
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

    /// The multiplication remainder equals `%` at the edges of the range and for random operands, including
    /// divisors of every size and the bitmap sizes the crate makes (multiples of 8).
    #[test]
    fn remainder_by_multiplication_is_exact() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut divisors =
            vec![1u64, 2, 3, 7, 8, 488, 512, 143_775_592, u64::MAX, u64::MAX - 1, 1 << 63, (1 << 63) + 1];
        for shift in 0..64 {
            divisors.push((next() >> shift).max(1));
            divisors.push(((next() >> shift) & !7).max(8));
        }
        for d in divisors {
            let r = Remainder::new(d);
            let mut xs = vec![0u64, 1, d - 1, d, d.wrapping_add(1), u64::MAX, u64::MAX - 1, u64::MAX / d * d];
            xs.extend((0..2000).map(|i| next() >> (i % 64)));
            for x in xs {
                assert_eq!(r.of(x), x % d, "{x} % {d}");
            }
        }
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

    /// The load-time proof refuses probes that differ from the crate's: the key halves swapped, one hash too
    /// few, another filter's seed.
    #[test]
    fn the_agreement_proof_catches_a_wrong_formula() {
        let p = FilterParams { fp_rate: 0.01, expected: None, seed: Some(8), threads: 1, country_code: 420 };
        let f = KnownFilter::build((0..1000u64).map(|i| 420_700_000_000 + i).collect(), &p, vec![]).unwrap();
        let probes = Probes::of(&f.bloom);
        assert!(probes.agrees(&f.bloom));
        let swapped = Probes { sips: [probes.sips[1], probes.sips[0]], ..probes.clone() };
        assert!(!swapped.agrees(&f.bloom));
        let fewer = Probes { hashes: probes.hashes - 1, ..probes.clone() };
        assert!(!fewer.agrees(&f.bloom));
        let other = FilterParams { seed: Some(9), ..p };
        let g = KnownFilter::build(vec![1], &other, vec![]).unwrap();
        assert!(!Probes::of(&g.bloom).agrees(&f.bloom), "another filter's seed");
    }
}
