//! Fast access to the `bloomfilter` crate's bitmap: dialsim's copy of the crate's probe formula, the
//! pipelined check of many keys that it allows, the proof that the copy is the crate's, and the memory the
//! bitmap lives in (prefetches, huge pages).
//!
//! The crate owns the file format's bitmap and every insertion; [`super::KnownFilter`] uses this module to
//! check a chunk of keys at once, and falls back to the crate's own `check` for a filter whose probes fail
//! the proof.

use std::hash::{Hash, Hasher};
use std::path::Path;

use bloomfilter::Bloom;
use bloomfilter::reexports::siphasher::sip::SipHasher13;

use super::known_keys::KeyUnits;

/// Bytes of the crate's header before the bitmap in [`Bloom::as_slice`].
pub(super) const BLOOM_HEADER: usize = 1 + 8 + 4 + 32;

/// The bits the `bloomfilter` crate probes for a key, computed as it does: SipHash-1-3 keyed with the seed's
/// halves gives two hashes, probe `k` is `h0 + k·h1` modulo the largest 64-bit prime (probes 0 and 1 are the
/// hashes themselves), then modulo the bitmap's bits.
///
/// The generator checks a chunk of numbers at once ([`super::KnownFilter::contains_many`]): it hashes each number
/// once and tests the bits itself, with the reads of many numbers in flight. That this copy agrees with the
/// crate is proven for every filter when it is loaded or built ([`Probes::agrees`]); a filter it does not
/// agree with is checked by the crate's own `check`, so the copy can cost speed, never a false negative.
#[derive(Clone, Debug)]
pub(super) struct Probes {
    sips: [SipHasher13; 2],
    /// The bitmap's bits, the divisor of every probe.
    bits: Remainder,
    hashes: u32,
    /// Whether the bitmap is large enough for the insertions' prefetching to pay for its extra hashing.
    pub(super) worth: bool,
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

/// Keys between prefetching all of a key's lines and inserting it, in a filter build.
const INSERT_DISTANCE: usize = 8;

/// Keys in flight at once in a pipelined check ([`Probes::check_pipelined`]).
pub(super) const WINDOW: usize = 32;

/// Keys set one at a time in the small bitmaps of [`Probes::agrees`].
const PROOF_KEYS: u64 = 64;

impl Probes {
    pub(super) fn of(bloom: &Bloom<u64>) -> Probes {
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
    pub(super) fn hashes(&self, key: u64) -> [u64; 2] {
        let hash = |i: usize| {
            let mut sip = self.sips[i];
            key.hash(&mut sip);
            sip.finish()
        };
        [hash(0), hash(1)]
    }

    /// How many probes a key sets.
    pub(super) fn hash_count(&self) -> u32 {
        self.hashes
    }

    /// The bitmap bit of probe `k`.
    #[inline]
    pub(super) fn bit(&self, [h0, h1]: [u64; 2], k: u32) -> u64 {
        let h = match k {
            0 => h0,
            1 => h1,
            _ => h0.wrapping_add(u64::from(k).wrapping_mul(h1)) % 0xFFFF_FFFF_FFFF_FFC5,
        };
        self.bits.of(h)
    }

    /// Where probe `k` sits in [`Bloom::as_slice`]: the offset of its byte, and its bit's mask there.
    #[inline]
    fn locate(&self, hashes: [u64; 2], k: u32) -> (usize, u8) {
        let bit = self.bit(hashes, k);
        (BLOOM_HEADER + (bit / 8) as usize, 1 << (bit % 8))
    }

    /// Sets every probe of every key `keys` hands out in `bytes` ([`Bloom::as_slice`]'s layout, header
    /// included). The bits set depend only on the set of keys, never on `threads`.
    ///
    /// A bitmap too small to be prefetched stays in the caches: its keys are set one after another on this
    /// thread. A larger one is filled by regions on `threads` threads ([`super::regions`]), each owning a
    /// share of the bitmap. What was tried before and dropped: all threads setting bits in the one bitmap
    /// with atomic ORs (the locked instructions took a third of the time), and each thread owning a share
    /// and handing the others' probes to their owners one by one (more CPU, no faster, more memory).
    pub(super) fn fill(&self, bytes: &mut [u8], keys: &(impl KeyUnits + ?Sized), threads: usize) {
        if self.worth {
            return super::regions::fill(self, bytes, keys, threads, super::regions::BUILD);
        }
        self.fill_one_by_one(bytes, keys);
    }

    /// [`Probes::fill`] one key after another, on this thread.
    pub(super) fn fill_one_by_one(&self, bytes: &mut [u8], keys: &(impl KeyUnits + ?Sized)) {
        let mut ahead = Vec::new();
        for unit in 0..keys.units() {
            keys.unit(unit, &mut |keys| self.insert(bytes, keys, &mut ahead));
        }
    }

    /// Sets every probe of `keys` in `bytes`; on a large bitmap the lines of a key's probes are prefetched
    /// [`INSERT_DISTANCE`] keys ahead, its probes located once (`ahead` holds them meanwhile, each as its
    /// byte's offset shifted left 3 bits and the bit's place in the byte).
    fn insert(&self, bytes: &mut [u8], keys: &[u64], ahead: &mut Vec<u64>) {
        let k = self.hashes as usize;
        let distance = if self.worth { INSERT_DISTANCE } else { 0 };
        ahead.clear();
        ahead.resize(k * (distance + 1), 0);
        let locate = |ahead: &mut [u64], bytes: &[u8], key: u64| {
            let hashes = self.hashes(key);
            for (probe, slot) in ahead.iter_mut().enumerate() {
                let (byte, mask) = self.locate(hashes, probe as u32);
                if distance > 0 {
                    prefetch(bytes.as_ptr().wrapping_add(byte));
                }
                *slot = (byte as u64) << 3 | u64::from(mask.trailing_zeros());
            }
        };
        for (i, &key) in keys.iter().enumerate().take(distance) {
            locate(&mut ahead[i * k..(i + 1) * k], bytes, key);
        }
        for i in 0..keys.len() {
            if let Some(&key) = keys.get(i + distance) {
                let next = ((i + distance) % (distance + 1)) * k;
                locate(&mut ahead[next..next + k], bytes, key);
            }
            let slot = (i % (distance + 1)) * k;
            for &at in &ahead[slot..slot + k] {
                bytes[(at >> 3) as usize] |= 1 << (at & 7);
            }
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
    pub(super) fn check_pipelined(&self, bytes: &[u8], keys: &[u64], found: &mut [bool]) {
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
                let (byte, mask) = self.locate(hashes, 0);
                prefetch(base.wrapping_add(byte));
                *slot = Slot { index: *next, hashes, probe: 0, byte, mask };
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
                    (slot.byte, slot.mask) = self.locate(slot.hashes, slot.probe);
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
    pub(super) fn agrees(&self, bloom: &Bloom<u64>) -> bool {
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
                    let (byte, mask) = probes.locate(hashes, k);
                    ours[byte - BLOOM_HEADER] |= mask;
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

/// A hint to load the cache line holding `at` (no effect where there is no such instruction).
#[inline(always)]
pub(super) fn prefetch(at: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and never changes memory, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// Reads a whole file into memory advised to use huge pages ([`advise_huge`]).
pub(super) fn read_for_bitmap(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = crate::foundation::open::open(path)
        .map_err(|e| match e {
            crate::Error::Io { source, .. } => source,
            other => std::io::Error::other(other.to_string()),
        })?
        .file;
    let len = file.metadata().map_or(0, |m| m.len() as usize);
    let mut bytes = huge_buffer(len + 1);
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// An empty buffer of `capacity` bytes advised to use huge pages ([`advise_huge`]).
pub(super) fn huge_buffer(capacity: usize) -> Vec<u8> {
    let bytes = Vec::with_capacity(capacity);
    advise_huge(bytes.as_ptr(), bytes.capacity());
    bytes
}

/// Asks the kernel to back the whole pages of `len` bytes at `at` with huge pages when it can (Linux, and
/// only for bitmaps large enough to be prefetched). The generator's filter checks miss the caches at random
/// places of the bitmap; with 4 KiB pages each also misses the TLB. With 2 MiB pages a 10 M-entry
/// exclusion run took 12 % less time (see BENCHMARKS.md). Advice only: it changes no contents and its
/// failure changes nothing but speed.
pub(super) fn advise_huge(at: *const u8, len: usize) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The multiplication remainder equals `%` at the edges of the range and for random operands, including
    /// divisors of every size and the bitmap sizes the crate makes (multiples of 8).
    #[test]
    fn remainder_by_multiplication_is_exact() {
        let mut next = crate::foundation::rng::xorshift(0x2545_F491_4F6C_DD1Du64);
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

    /// The load-time proof refuses probes that differ from the crate's: the key halves swapped, one hash too
    /// few, another filter's seed.
    #[test]
    fn the_agreement_proof_catches_a_wrong_formula() {
        let bloom = |seed: u8| {
            let mut seed = [seed; 32];
            seed[16] ^= 1;
            let mut b = Bloom::<u64>::new_for_fp_rate_with_seed(1000, 0.01, &seed).unwrap();
            (0..1000u64).for_each(|i| b.set(&(420_700_000_000 + i)));
            b
        };
        let (f, g) = (bloom(8), bloom(9));
        let probes = Probes::of(&f);
        assert!(probes.agrees(&f));
        let swapped = Probes { sips: [probes.sips[1], probes.sips[0]], ..probes.clone() };
        assert!(!swapped.agrees(&f));
        let fewer = Probes { hashes: probes.hashes - 1, ..probes.clone() };
        assert!(!fewer.agrees(&f));
        assert!(!Probes::of(&g).agrees(&f), "another filter's seed");
    }
}
