//! The one integer mixer: murmur3's 64-bit finaliser (`fmix64`), a bijection on `u64` with full avalanche. It
//! keys the permutation's rounds, the simulation's common-random-number draws and the hash maps of E.164 keys;
//! changing it changes every list order and every draw, so it lives in one place. The hasher of E.164 keys'
//! maps lives here too, with the bitmap in front of such maps (`KeyBits`), below every layer that keeps one
//! (exclusion, the engine, the audit).

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

/// A bitmap over E.164 keys, one bit a slot picked by `fmix64(key)`'s top bits, in front of a map of those
/// keys: every key put in has its bit set, so a clear bit is an exact "not held" and a set bit sends the
/// question on to the map. Most keys asked about are in no map, and the bitmap stays in the caches where the
/// map does not (the exclusions' merged lists, the run's suppressed numbers).
#[derive(Debug, Default, Clone)]
pub(crate) struct KeyBits {
    /// Empty: no map yet, so every key may be held.
    bits: Vec<u64>,
    /// 64 minus the slots' bit width.
    shift: u32,
}

impl KeyBits {
    /// Room for `keys` keys at `per_key` slots or more each (a power of two, at least 4,096 slots), none set.
    pub(crate) fn with_room(keys: usize, per_key: usize) -> KeyBits {
        let width = (keys.max(1) * per_key).next_power_of_two().max(1 << 12).trailing_zeros();
        KeyBits { bits: vec![0; 1 << (width - 6)], shift: 64 - width }
    }

    /// The bitmap of `keys`, `len` of them, at `per_key` slots or more each.
    pub(crate) fn of(keys: impl Iterator<Item = u64>, len: usize, per_key: usize) -> KeyBits {
        let mut bits = KeyBits::with_room(len, per_key);
        for key in keys {
            bits.insert(key);
        }
        bits
    }

    /// The slots.
    pub(crate) fn slots(&self) -> usize {
        self.bits.len() * 64
    }

    /// Sets `key`'s bit (the bitmap is not empty).
    #[inline]
    pub(crate) fn insert(&mut self, key: u64) {
        let slot = fmix64(key) >> self.shift;
        self.bits[(slot >> 6) as usize] |= 1 << (slot & 63);
    }

    /// Whether the map behind may hold `key` (always true for an empty bitmap).
    #[inline]
    pub(crate) fn may_hold(&self, key: u64) -> bool {
        if self.bits.is_empty() {
            return true;
        }
        let slot = fmix64(key) >> self.shift;
        self.bits[(slot >> 6) as usize] & (1 << (slot & 63)) != 0
    }
}

/// A map of E.164 keys behind a [`KeyBits`] of [`BitKeyMap::SLOTS_A_KEY`] slots a key or more, grown as keys
/// come: for maps asked about nearly every call, of keys nearly never held (the numbers suppressed, objected to
/// or dropped during a run). A clear bit answers from a few kilobytes, where the map alone grows with the
/// centre (35,044 keys, about 1.1 MB of table, at 2,000 agents in bench-day.toml); a set bit only sends the
/// question on to the map, so the answers are the map's.
#[derive(Debug)]
pub(crate) struct BitKeyMap<V> {
    map: std::collections::HashMap<u64, V, BuildHasherDefault<KeyHasher>>,
    bits: KeyBits,
}

impl<V> Default for BitKeyMap<V> {
    fn default() -> BitKeyMap<V> {
        BitKeyMap { map: Default::default(), bits: KeyBits::with_room(0, Self::SLOTS_A_KEY) }
    }
}

impl<V> BitKeyMap<V> {
    /// Slots a key in the bitmap, at the least (about one key in eight not held passes on to the map).
    pub(crate) const SLOTS_A_KEY: usize = 4;

    /// The value of `key`, if it is held.
    #[inline]
    pub(crate) fn get(&self, key: u64) -> Option<&V> {
        if !self.map.is_empty() && self.bits.may_hold(key) { self.map.get(&key) } else { None }
    }

    /// Whether `key` is held.
    #[inline]
    pub(crate) fn contains(&self, key: u64) -> bool {
        !self.map.is_empty() && self.bits.may_hold(key) && self.map.contains_key(&key)
    }

    /// The value of `key`, `value` put in first when it is not held.
    pub(crate) fn or_insert(&mut self, key: u64, value: V) -> &mut V {
        if let std::collections::hash_map::Entry::Vacant(e) = self.map.entry(key) {
            e.insert(value);
            self.noted(key);
        }
        self.map.get_mut(&key).expect("held")
    }

    /// Puts in `value` for `key`, replacing any.
    pub(crate) fn insert(&mut self, key: u64, value: V) {
        if self.map.insert(key, value).is_none() {
            self.noted(key);
        }
    }

    /// Sets the bit of `key`, just put in; past [`Self::SLOTS_A_KEY`] slots a key, twice the slots or more,
    /// every key's bit set again.
    fn noted(&mut self, key: u64) {
        if self.map.len() * Self::SLOTS_A_KEY > self.bits.slots() {
            self.bits = KeyBits::of(self.map.keys().copied(), 2 * self.map.len(), Self::SLOTS_A_KEY);
        } else {
            self.bits.insert(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BitKeyMap, KeyBits};

    /// The bitmap never hides a key the map holds, through every doubling, and answers as a plain map does.
    #[test]
    fn a_bit_key_map_answers_as_a_plain_map_through_every_doubling() {
        let mut s: BitKeyMap<u64> = BitKeyMap::default();
        let mut plain = std::collections::HashMap::new();
        let key = |i: u64| 420_600_000_000 + super::fmix64(i) % 100_000_000;
        for i in 0..40_000u64 {
            let k = key(i % 30_000);
            if i % 3 == 0 {
                s.insert(k, i);
                plain.insert(k, i);
            } else {
                *s.or_insert(k, i) += 1;
                *plain.entry(k).or_insert(i) += 1;
            }
        }
        assert!(s.bits.slots() > KeyBits::with_room(0, BitKeyMap::<u64>::SLOTS_A_KEY).slots(), "the bitmap grew");
        for i in 0..60_000u64 {
            let k = key(i);
            assert_eq!(s.get(k), plain.get(&k), "key {k}");
            assert_eq!(s.contains(k), plain.contains_key(&k), "key {k}");
        }
        assert!(plain.len() * BitKeyMap::<u64>::SLOTS_A_KEY <= s.bits.slots());
    }

    #[test]
    fn key_bits_pass_every_key_put_in_and_few_others() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % 1_000_000_000_000
        };
        let keys: Vec<u64> = (0..50_000).map(|_| next()).collect();
        let bits = KeyBits::of(keys.iter().copied(), keys.len(), 16);
        assert!(bits.slots() >= 16 * keys.len() && bits.slots().is_power_of_two());
        assert!(keys.iter().all(|&k| bits.may_hold(k)), "a key put in was refused");
        let others = (0..100_000).map(|_| next()).filter(|&k| bits.may_hold(k)).count();
        // 16 slots or more a key: about 1 in 16 others or fewer pass on to the map.
        assert!(others < 100_000 / 12, "{others} of 100000 others passed");
        assert!(KeyBits::default().may_hold(7), "no map yet: nothing is refused");
        assert_eq!(KeyBits::with_room(0, 4).slots(), 4096, "the smallest bitmap");
    }

    #[test]
    fn fmix64_matches_murmur3s_finaliser() {
        // fmix64(0) = 0 and the reference value of fmix64(1) from MurmurHash3's finaliser.
        assert_eq!(super::fmix64(0), 0);
        assert_eq!(super::fmix64(1), 0xb456_bcfc_34c2_cb2c);
    }
}
