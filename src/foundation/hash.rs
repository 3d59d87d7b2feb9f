//! The one integer mixer: murmur3's 64-bit finaliser (`fmix64`), a bijection on `u64` with full avalanche. It
//! keys the permutation's rounds, the simulation's common-random-number draws and the hash maps of E.164 keys;
//! changing it changes every list order and every draw, so it lives in one place. The hasher of E.164 keys'
//! maps lives here too, below every layer that keeps such a map (exclusion, the engine, the audit).

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// murmur3's `fmix64` of `z`.
#[inline(always)]
pub(crate) fn fmix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 33)).wrapping_mul(FMIX64_MULTIPLIERS[0]);
    z = (z ^ (z >> 33)).wrapping_mul(FMIX64_MULTIPLIERS[1]);
    z ^ (z >> 33)
}

/// The two multipliers of [`fmix64`] (for its vector copy in [`crate::generate::permute`]).
pub(crate) const FMIX64_MULTIPLIERS: [u64; 2] = [0xff51_afd7_ed55_8ccd, 0xc4ce_b9fe_1a85_ec53];

/// A hasher for E.164 keys: the murmur3 finaliser, whose low bits (the table index) are well mixed.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        fmix64(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 ^= x;
    }
}

/// A set of E.164 keys.
pub type KeySet = HashSet<u64, BuildHasherDefault<KeyHasher>>;

#[cfg(test)]
mod tests {
    #[test]
    fn fmix64_matches_murmur3s_finaliser() {
        // fmix64(0) = 0 and the reference value of fmix64(1) from MurmurHash3's finaliser.
        assert_eq!(super::fmix64(0), 0);
        assert_eq!(super::fmix64(1), 0xb456_bcfc_34c2_cb2c);
    }
}
