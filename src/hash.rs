//! The one integer mixer: murmur3's 64-bit finaliser (`fmix64`), a bijection on `u64` with full avalanche. It
//! keys the permutation's rounds, the simulation's common-random-number draws and the hash maps of E.164 keys;
//! changing it changes every list order and every draw, so it lives in one place.

/// murmur3's `fmix64` of `z`.
#[inline(always)]
pub(crate) fn fmix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    z = (z ^ (z >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    z ^ (z >> 33)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fmix64_matches_murmur3s_finaliser() {
        // fmix64(0) = 0 and the reference value of fmix64(1) from MurmurHash3's finaliser.
        assert_eq!(super::fmix64(0), 0);
        assert_eq!(super::fmix64(1), 0xb456_bcfc_34c2_cb2c);
    }
}
