//! A keyed pseudo-random permutation of `0..N`: a Feistel network with cycle walking.
//!
//! ZMap and masscan walk the IPv4 space with "a counter run through a keyed bijection": no repeats by
//! construction, O(1) memory, and O(1) seek to any position, so resuming and sharding are free. Here the
//! bijection is a Feistel network on the smallest bit width `b ≥ 2` with `2^b ≥ N`, split into halves of
//! `⌊b/2⌋` and `⌈b/2⌉` bits; values that land outside `0..N` are encrypted again (cycle walking), which
//! stays a bijection on `0..N` and takes fewer than two rounds on average because `2^b < 2N`.
//!
//! Masscan's issue #505 showed what weak rounds do: a near-linear round function leaves visible patterns in
//! the order. Our round function is the full murmur3 finaliser of the half XOR a 64-bit round key from
//! ChaCha20 (complete avalanche, nonlinear through two multiplications). Four rounds is the Luby–Rackoff
//! construction of a pseudorandom permutation from pseudorandom round functions; the statistical tests in
//! `tests/it/permute.rs` (uniform image per position across seeds, independent neighbours) check the result.
//! Six rounds measured 24 % more time per generated number for no difference those tests can see.
//! This module never draws randomness itself: the keys come from [`crate::foundation::rng`].

use crate::foundation::rng::{Stream, stream};
use rand::Rng;

/// Version of the order a seed gives: bump it with any change to the permutation, its key schedule or the
/// space's index-to-number mapping, so that a list manifest written before refuses to be continued (a
/// continued list must neither repeat nor skip numbers). The test `permutation_version_pins_the_order` fails on
/// any such change until this is bumped and the test's expected values renewed.
pub const PERMUTATION_VERSION: u32 = 1;

/// Feistel rounds.
pub(crate) const ROUNDS: usize = 4;
/// Values per call of [`Permutation::apply_lanes`].
pub(crate) const LANES: usize = 8;
/// Values per call of [`Permutation::apply_block`]: eight vectors of eight lanes, enough independent work to
/// hide the latency of AVX-512's 64-bit multiplication (about 15 cycles, against 3 for a scalar one).
pub(crate) const BLOCK_LANES: usize = 64;

/// Whether this CPU runs the permutation's lanes as AVX-512 vectors (F, and DQ for 64-bit multiplication);
/// detected once and cached by the standard library.
#[cfg(target_arch = "x86_64")]
#[inline]
fn wide_lanes() -> bool {
    std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512dq")
}

/// A keyed bijection on `0..n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Permutation {
    n: u64,
    left_bits: u32,
    right_bits: u32,
    left_mask: u64,
    right_mask: u64,
    keys: [u64; ROUNDS],
}

#[inline(always)]
fn round(key: u64, x: u64) -> u64 {
    // murmur3 fmix64 of the keyed half.
    crate::foundation::hash::fmix64(x ^ key)
}

impl Permutation {
    /// The permutation of `0..n` keyed by `seed`.
    ///
    /// ```
    /// let p = dialsim::Permutation::new(10, 7);
    /// let mut seen: Vec<u64> = (0..10).map(|i| p.apply(i)).collect();
    /// seen.sort();
    /// assert_eq!(seen, (0..10).collect::<Vec<_>>());
    /// ```
    pub fn new(n: u64, seed: u64) -> Permutation {
        let mut rng = stream(seed, Stream::Permutation);
        let mut keys = [0u64; ROUNDS];
        for k in &mut keys {
            *k = rng.next_u64();
        }
        Permutation::with_keys(n, keys)
    }

    /// The permutation of `0..n` with explicit round keys.
    pub(crate) fn with_keys(n: u64, keys: [u64; ROUNDS]) -> Permutation {
        let bits = (64 - n.saturating_sub(1).leading_zeros()).max(2);
        let left_bits = bits / 2;
        let right_bits = bits - left_bits;
        Permutation {
            n,
            left_bits,
            right_bits,
            left_mask: (1u64 << left_bits) - 1,
            right_mask: (1u64 << right_bits) - 1,
            keys,
        }
    }

    /// The domain size N.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// Whether the domain is empty.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    #[inline(always)]
    fn encrypt(&self, x: u64) -> u64 {
        let mut left = x >> self.right_bits;
        let mut right = x & self.right_mask;
        for pair in self.keys.chunks_exact(2) {
            left ^= round(pair[0], right) & self.left_mask;
            right ^= round(pair[1], left) & self.right_mask;
        }
        (left << self.right_bits) | right
    }

    #[inline(always)]
    fn decrypt(&self, x: u64) -> u64 {
        let mut left = x >> self.right_bits;
        let mut right = x & self.right_mask;
        for pair in self.keys.chunks_exact(2).rev() {
            right ^= round(pair[1], left) & self.right_mask;
            left ^= round(pair[0], right) & self.left_mask;
        }
        (left << self.right_bits) | right
    }

    /// The image of `i` (< n).
    #[inline]
    pub fn apply(&self, i: u64) -> u64 {
        debug_assert!(i < self.n);
        let mut x = self.encrypt(i);
        while x >= self.n {
            x = self.encrypt(x);
        }
        x
    }

    /// Values per call of [`Permutation::apply_lanes`].
    pub const LANES: usize = LANES;

    /// Applies the permutation to [`Permutation::LANES`] values at once (each `< n`), in lockstep so the rounds of the lanes
    /// overlap in the CPU instead of waiting on each other; same results as [`Permutation::apply`].
    #[inline]
    pub fn apply_lanes(&self, xs: &mut [u64; LANES]) {
        self.encrypt_lanes(xs);
        // A lane lands outside 0..n with probability < 1/2: one more branch-free pass for all lanes settles
        // most of them, and the few left walk on alone.
        let mut again = *xs;
        self.encrypt_lanes(&mut again);
        for (x, y) in xs.iter_mut().zip(again) {
            *x = if *x >= self.n { y } else { *x };
        }
        for x in xs.iter_mut() {
            while *x >= self.n {
                *x = self.encrypt(*x);
            }
        }
    }

    /// Applies the permutation to [`BLOCK_LANES`] values at once (each `< n`); same results as
    /// [`Permutation::apply`]. On a CPU with AVX-512 (F, DQ) the lanes are eight vectors whose rounds run in
    /// lockstep (about half the time of eight calls of [`Permutation::apply_lanes`] on scalar registers, in a
    /// profile of 10 M numbers); elsewhere it is those eight calls.
    #[inline]
    pub(crate) fn apply_block(&self, xs: &mut [u64; BLOCK_LANES]) {
        #[cfg(target_arch = "x86_64")]
        if wide_lanes() {
            // SAFETY: the CPU has AVX-512 F and DQ (checked just above), the features `wide::apply_block` is
            // compiled for.
            unsafe { wide::apply_block(self, xs) };
            return;
        }
        self.apply_block_scalar(xs);
    }

    /// [`Permutation::apply_block`] on scalar registers.
    fn apply_block_scalar(&self, xs: &mut [u64; BLOCK_LANES]) {
        for lanes in xs.as_chunks_mut::<LANES>().0 {
            self.apply_lanes(lanes);
        }
    }

    #[inline(always)]
    fn encrypt_lanes(&self, ys: &mut [u64; LANES]) {
        for pair in self.keys.chunks_exact(2) {
            for y in ys.iter_mut() {
                let mut left = *y >> self.right_bits;
                let mut right = *y & self.right_mask;
                left ^= round(pair[0], right) & self.left_mask;
                right ^= round(pair[1], left) & self.right_mask;
                *y = (left << self.right_bits) | right;
            }
        }
    }

    /// The preimage of `x` (< n): `invert(apply(i)) == i`.
    pub fn invert(&self, x: u64) -> u64 {
        debug_assert!(x < self.n);
        let mut i = self.decrypt(x);
        while i >= self.n {
            i = self.decrypt(i);
        }
        i
    }

    /// Bit width of the Feistel domain (for diagnostics).
    pub fn bits(&self) -> u32 {
        self.left_bits + self.right_bits
    }
}

/// The permutation's rounds on AVX-512 vectors: the arithmetic of [`Permutation::encrypt`] lane by lane, so
/// the same values.
#[cfg(target_arch = "x86_64")]
mod wide {
    use std::arch::x86_64::{
        __m512i, _mm_cvtsi64_si128, _mm512_and_si512, _mm512_cmpge_epu64_mask, _mm512_loadu_epi64,
        _mm512_mask_blend_epi64, _mm512_mullo_epi64, _mm512_or_si512, _mm512_set1_epi64, _mm512_setzero_si512,
        _mm512_sll_epi64, _mm512_srl_epi64, _mm512_srli_epi64, _mm512_storeu_epi64, _mm512_xor_si512,
    };

    use super::{BLOCK_LANES, Permutation};
    use crate::foundation::hash::FMIX64_MULTIPLIERS;

    /// Vectors of eight lanes per block.
    const VECTORS: usize = BLOCK_LANES / 8;

    /// [`Permutation::apply_block`] on vectors: two encryptions of every lane (a lane outside `0..n` after the
    /// first takes the second, branch-free), a third of every lane when any is still outside (most blocks of
    /// 64: a lane is outside after two with probability below 1/4), then the few lanes still outside walk on
    /// alone (about 3 of 64 for a domain two thirds of its power of two; a fourth pass on every vector would
    /// cost about as much as their walks).
    #[target_feature(enable = "avx512f,avx512dq")]
    pub(super) fn apply_block(p: &Permutation, xs: &mut [u64; BLOCK_LANES]) {
        let mut v = [_mm512_setzero_si512(); VECTORS];
        for (vector, lanes) in v.iter_mut().zip(xs.as_chunks::<8>().0) {
            // SAFETY: `lanes` holds the eight u64 an unaligned 512-bit load reads.
            *vector = unsafe { _mm512_loadu_epi64(lanes.as_ptr().cast()) };
        }
        let n = _mm512_set1_epi64(p.n as i64);
        encrypt(p, &mut v);
        for pass in 0..2 {
            let mut again = v;
            encrypt(p, &mut again);
            let mut any = 0u8;
            for (vector, next) in v.iter_mut().zip(&again) {
                let outside = _mm512_cmpge_epu64_mask(*vector, n);
                *vector = _mm512_mask_blend_epi64(outside, *vector, *next);
                any |= _mm512_cmpge_epu64_mask(*vector, n);
            }
            if any == 0 || pass == 1 {
                break;
            }
        }
        for (vector, lanes) in v.iter().zip(xs.as_chunks_mut::<8>().0) {
            // SAFETY: `lanes` holds the eight u64 an unaligned 512-bit store writes.
            unsafe { _mm512_storeu_epi64(lanes.as_mut_ptr().cast(), *vector) };
        }
        for x in xs.iter_mut() {
            while *x >= p.n {
                *x = p.encrypt(*x);
            }
        }
    }

    /// [`Permutation::encrypt`] of every lane of `ys`, the vectors' rounds in lockstep.
    #[target_feature(enable = "avx512f,avx512dq")]
    #[inline]
    fn encrypt(p: &Permutation, ys: &mut [__m512i; VECTORS]) {
        let shift = _mm_cvtsi64_si128(i64::from(p.right_bits));
        let left_mask = _mm512_set1_epi64(p.left_mask as i64);
        let right_mask = _mm512_set1_epi64(p.right_mask as i64);
        let mut left = [_mm512_setzero_si512(); VECTORS];
        let mut right = [_mm512_setzero_si512(); VECTORS];
        for ((y, l), r) in ys.iter().zip(&mut left).zip(&mut right) {
            *l = _mm512_srl_epi64(*y, shift);
            *r = _mm512_and_si512(*y, right_mask);
        }
        for pair in p.keys.chunks_exact(2) {
            let (k0, k1) = (_mm512_set1_epi64(pair[0] as i64), _mm512_set1_epi64(pair[1] as i64));
            for (l, r) in left.iter_mut().zip(&right) {
                *l = _mm512_xor_si512(*l, _mm512_and_si512(fmix64(_mm512_xor_si512(*r, k0)), left_mask));
            }
            for (r, l) in right.iter_mut().zip(&left) {
                *r = _mm512_xor_si512(*r, _mm512_and_si512(fmix64(_mm512_xor_si512(*l, k1)), right_mask));
            }
        }
        for ((y, l), r) in ys.iter_mut().zip(&left).zip(&right) {
            *y = _mm512_or_si512(_mm512_sll_epi64(*l, shift), *r);
        }
    }

    /// [`crate::foundation::hash::fmix64`] of every lane.
    #[target_feature(enable = "avx512f,avx512dq")]
    #[inline]
    fn fmix64(z: __m512i) -> __m512i {
        let [m1, m2] = FMIX64_MULTIPLIERS.map(|m| m as i64);
        let z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64::<33>(z)), _mm512_set1_epi64(m1));
        let z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64::<33>(z)), _mm512_set1_epi64(m2));
        _mm512_xor_si512(z, _mm512_srli_epi64::<33>(z))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of 64 give what [`Permutation::apply`] gives, value by value, on the vector path where the CPU
    /// has one and on the scalar path always, for domains from the smallest (cycle walking on most values) to
    /// wide ones, and for blocks of values near the top of the domain.
    #[test]
    fn blocks_match_one_at_a_time() {
        for (n, seed) in
            [(2u64, 1u64), (3, 2), (10, 3), (1000, 4), (343_100_000, 7), ((1 << 40) + 12_345, 8), (u64::MAX / 3, 9)]
        {
            let p = Permutation::new(n, seed);
            for base in [0, n.saturating_sub(BLOCK_LANES as u64), n / 2] {
                let mut xs = [0u64; BLOCK_LANES];
                for (l, x) in xs.iter_mut().enumerate() {
                    *x = (base + l as u64 * 7919) % n;
                }
                let expected = xs.map(|x| p.apply(x));
                let mut block = xs;
                p.apply_block(&mut block);
                assert_eq!(block, expected, "n {n}");
                let mut scalar = xs;
                p.apply_block_scalar(&mut scalar);
                assert_eq!(scalar, expected, "n {n}, scalar");
            }
        }
    }
}
