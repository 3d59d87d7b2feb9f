//! The numbers suppressed during a run (an objection, a withdrawal), each with the time it was first
//! suppressed: a hash map behind a bitmap of one bit a slot. Every fresh number and every due retry asks
//! whether it is suppressed, and nearly always it is not; a clear bit says so from a few kilobytes, where the
//! map alone grows with the centre (35,044 keys, about 1.1 MB of table, at 2,000 agents in bench-day.toml).
//! A set bit only sends the question on to the map, so the answers are the map's.

use std::collections::HashMap;

use super::{KeyBuild, Millis};
use crate::foundation::hash::fmix64;

/// The bitmap's size at the start, in 64-bit words (4,096 bits).
const FIRST_WORDS: usize = 64;

/// Suppressed numbers by E.164 key, with the time of the first suppression.
#[derive(Debug)]
pub(super) struct Suppressed {
    map: HashMap<u64, Millis, KeyBuild>,
    /// Bit `slot(key)` is set for every key of `map`; at least four bits a key, a power of two of them.
    bits: Vec<u64>,
}

impl Default for Suppressed {
    fn default() -> Suppressed {
        Suppressed { map: HashMap::default(), bits: vec![0; FIRST_WORDS] }
    }
}

impl Suppressed {
    /// The bit of `key` in a bitmap of `words` words: the high half of the key's mix (the map's table index
    /// takes the low bits).
    #[inline(always)]
    fn slot(key: u64, words: usize) -> (usize, u64) {
        let bit = (fmix64(key) >> 32) as usize & (words * 64 - 1);
        (bit / 64, 1u64 << (bit % 64))
    }

    #[inline(always)]
    fn maybe(&self, key: u64) -> bool {
        let (word, mask) = Suppressed::slot(key, self.bits.len());
        self.bits[word] & mask != 0
    }

    /// When `key` was first suppressed, if it was.
    #[inline]
    pub(super) fn get(&self, key: u64) -> Option<Millis> {
        if self.maybe(key) { self.map.get(&key).copied() } else { None }
    }

    /// Whether `key` was suppressed.
    #[inline]
    pub(super) fn contains(&self, key: u64) -> bool {
        self.maybe(key) && self.map.contains_key(&key)
    }

    /// Suppresses `key` at `now`, unless it already was (the first time stays).
    pub(super) fn insert_first(&mut self, key: u64, now: Millis) {
        self.map.entry(key).or_insert(now);
        if self.map.len() * 4 > self.bits.len() * 64 {
            // Twice the bits, every key's bit set again.
            self.bits = vec![0; self.bits.len() * 2];
            let words = self.bits.len();
            for &k in self.map.keys() {
                let (word, mask) = Suppressed::slot(k, words);
                self.bits[word] |= mask;
            }
        } else {
            let (word, mask) = Suppressed::slot(key, self.bits.len());
            self.bits[word] |= mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bitmap never hides a key the map holds, through every doubling, and answers as a plain map does.
    #[test]
    fn answers_as_a_plain_map_through_every_doubling() {
        let mut s = Suppressed::default();
        let mut plain: HashMap<u64, Millis> = HashMap::new();
        let key = |i: u64| 420_600_000_000 + fmix64(i) % 100_000_000;
        for i in 0..40_000u64 {
            let (k, now) = (key(i % 30_000), Millis(i));
            s.insert_first(k, now);
            plain.entry(k).or_insert(now);
        }
        assert!(s.bits.len() > FIRST_WORDS, "the bitmap grew");
        for i in 0..60_000u64 {
            let k = key(i);
            assert_eq!(s.get(k), plain.get(&k).copied(), "key {k}");
            assert_eq!(s.contains(k), plain.contains_key(&k), "key {k}");
        }
        let set: u32 = s.bits.iter().map(|w| w.count_ones()).sum();
        assert!(set as usize <= plain.len() && set as usize * 4 <= s.bits.len() * 64 + 64, "at most a quarter set");
    }
}
