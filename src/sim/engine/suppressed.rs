//! The numbers suppressed during a run (an objection, a withdrawal), each with the time it was first
//! suppressed: a hash map behind a bitmap of one bit a slot (`KeyBits`, as the exclusions use). Every fresh
//! number and every due retry asks whether it is suppressed, and nearly always it is not; a clear bit says so
//! from a few kilobytes, where the map alone grows with the centre (35,044 keys, about 1.1 MB of table, at
//! 2,000 agents in bench-day.toml). A set bit only sends the question on to the map, so the answers are the
//! map's.

use std::collections::HashMap;

use super::{KeyBuild, Millis};
use crate::foundation::hash::KeyBits;

/// Slots a key in the bitmap, at the least (about one key in eight not held passes on to the map).
const SLOTS_A_KEY: usize = 4;

/// Suppressed numbers by E.164 key, with the time of the first suppression.
#[derive(Debug)]
pub(super) struct Suppressed {
    map: HashMap<u64, Millis, KeyBuild>,
    /// Every key of `map`, [`SLOTS_A_KEY`] slots a key or more.
    bits: KeyBits,
}

impl Default for Suppressed {
    fn default() -> Suppressed {
        Suppressed { map: HashMap::default(), bits: KeyBits::with_room(0, SLOTS_A_KEY) }
    }
}

impl Suppressed {
    /// When `key` was first suppressed, if it was.
    #[inline]
    pub(super) fn get(&self, key: u64) -> Option<Millis> {
        if self.bits.may_hold(key) { self.map.get(&key).copied() } else { None }
    }

    /// Whether `key` was suppressed.
    #[inline]
    pub(super) fn contains(&self, key: u64) -> bool {
        self.bits.may_hold(key) && self.map.contains_key(&key)
    }

    /// Suppresses `key` at `now`, unless it already was (the first time stays).
    pub(super) fn insert_first(&mut self, key: u64, now: Millis) {
        self.map.entry(key).or_insert(now);
        if self.map.len() * SLOTS_A_KEY > self.bits.slots() {
            // Twice the slots or more, every key's bit set again.
            self.bits = KeyBits::of(self.map.keys().copied(), 2 * self.map.len(), SLOTS_A_KEY);
        } else {
            self.bits.insert(key);
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
        let key = |i: u64| 420_600_000_000 + crate::foundation::hash::fmix64(i) % 100_000_000;
        for i in 0..40_000u64 {
            let (k, now) = (key(i % 30_000), Millis(i));
            s.insert_first(k, now);
            plain.entry(k).or_insert(now);
        }
        assert!(s.bits.slots() > KeyBits::with_room(0, SLOTS_A_KEY).slots(), "the bitmap grew");
        for i in 0..60_000u64 {
            let k = key(i);
            assert_eq!(s.get(k), plain.get(&k).copied(), "key {k}");
            assert_eq!(s.contains(k), plain.contains_key(&k), "key {k}");
        }
        assert!(plain.len() * SLOTS_A_KEY <= s.bits.slots(), "{SLOTS_A_KEY} slots a key or more");
    }
}
