//! The distinct numbers of the known databases a filter is built from, gathered while they are read.
//!
//! A filter's capacity is by default the count of distinct numbers in its inputs, and the bitmap's size
//! follows from it: nothing can be inserted before every input has been read. Holding every key read until
//! then (8 bytes each, 400 MB for 50 M rows) cost far more than the bitmap itself. [`KnownKeys`] holds the
//! numbers of the plan's country instead as one bit each over the plan's ranges — the national numbers the
//! reader's plan check knows — so that 50 M Czech numbers take the 50 MB of the Czech plan's fixed-line and
//! mobile ranges, whatever the count, and are counted exactly. Numbers outside those ranges (another
//! country's, ranges too large to map) are held as keys, as before. Bits are set with atomic ORs from every
//! reading thread, so what is held never depends on the threads or the order of the rows.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::input::{InputOptions, KeySink, KeyStore, NumbersRead};
use super::ranges::Ranges;

/// The most national numbers the bitmap maps (64 MiB of bits). The plan's ranges are mapped smallest first
/// while they fit: a country's huge ranges (the Czech voicemail numbers, 12 billion) are left to the keys.
const MAPPED_MAX: u64 = 1 << 29;

/// Keys a reading thread gathers before it sets their bits (their lines are prefetched while the others'
/// positions are computed, and stay in the caches until they are set).
const BATCH: usize = 1024;

/// Keys in the units a filter build takes at a time.
pub(super) const CHUNK_KEYS: usize = 1 << 14;

/// Words of the bitmap in one unit of a filter build.
const CHUNK_WORDS: usize = 1 << 14;

/// The national numbers mapped to bits: ranges of E.164 keys, sorted, disjoint, each with the index of its
/// first key.
#[derive(Debug, Default)]
struct Space {
    /// `(first key, end key, index of the first key)`, in key order (so in index order too).
    ranges: Ranges<u64>,
    len: u64,
}

/// Buckets of [`Space::ranges`] at most.
const BUCKETS: u64 = 1 << 16;

impl Space {
    /// The ranges of `options`' plan check, for its country, smallest first up to [`MAPPED_MAX`] numbers.
    fn of(options: &InputOptions) -> Space {
        let cc = u64::from(options.normalizer.country_code());
        let mut ranges: Vec<(u64, u64)> = options
            .normalizer
            .national_ranges()
            .iter()
            .filter_map(|&(length, first, end)| {
                let base = cc.checked_mul(10u64.checked_pow(u32::from(length))?)?;
                Some((base.checked_add(first)?, base.checked_add(end)?))
            })
            .collect();
        // Smallest first while they fit; the ranges of one length never overlap, nor do the keys of two
        // lengths (a key of national length L lies in [cc·10^L, (cc+1)·10^L)).
        ranges.sort_unstable_by_key(|&(first, end)| (end - first, first));
        let mut len = 0;
        ranges.retain(|&(first, end)| {
            let fits = len + (end - first) <= MAPPED_MAX;
            len += if fits { end - first } else { 0 };
            fits
        });
        ranges.sort_unstable();
        let mut at = 0;
        let ranges = ranges
            .into_iter()
            .map(|(first, end)| {
                let range = (first, end, at);
                at += end - first;
                range
            })
            .collect();
        Space { ranges: Ranges::new(ranges, BUCKETS), len }
    }

    /// The bit of `key`, when a range holds it.
    #[inline]
    fn index(&self, key: u64) -> Option<u64> {
        self.ranges.find(key).map(|&(first, _, index)| index + (key - first))
    }
}

/// The distinct numbers read from known databases, for building a filter of them
/// ([`super::build_filter_from`]): the plan's numbers as bits, the others as keys.
///
/// ```
/// use dialsim::exclude::{FilterParams, InputOptions, KnownKeys, build_filter_from, read_inputs_into};
/// let options = InputOptions::for_plan(&dialsim::Plan::embedded("cz")?);
/// let inputs = ["data/known/dnc-register.csv".to_string()];
/// let keys = KnownKeys::for_inputs(&inputs, &options);
/// let reads = read_inputs_into(&inputs, &options, 2, &|_, _| {}, &keys).into_iter().collect::<Result<Vec<_>, _>>()?;
/// assert!(reads[0].keys.is_empty(), "the keys went to `keys`");
/// let params = FilterParams { fp_rate: 0.001, expected: None, seed: Some(1), threads: 2, country_code: 420 };
/// let built = build_filter_from(keys, reads, &params)?;
/// assert_eq!(built.filter.meta().entries, 3000);
/// # Ok::<(), dialsim::Error>(())
/// ```
#[derive(Debug)]
pub struct KnownKeys {
    space: Space,
    /// One bit per number of the space (allocated zeroed: pages no number falls in take no memory).
    bits: Box<[AtomicU64]>,
    /// The keys of the numbers outside the space, duplicates kept.
    held: Mutex<Vec<u64>>,
}

impl KnownKeys {
    /// Keys for reading `inputs` with `options`: the plan's numbers as bits when the inputs' files are larger
    /// than that bitmap (their keys would take more), else every number as a key. Standard input and devices
    /// count for nothing.
    pub fn for_inputs(inputs: &[String], options: &InputOptions) -> KnownKeys {
        let bytes: u64 = inputs
            .iter()
            .filter(|i| *i != "-")
            .filter_map(|i| std::fs::metadata(i).ok())
            .filter(|m| m.is_file())
            .map(|m| m.len())
            .sum();
        let space = Space::of(options);
        if space.len > 0 && space.len / 8 <= bytes { KnownKeys::mapped(space) } else { KnownKeys::listed() }
    }

    /// Keys holding the numbers of `options`' plan as bits, whatever the inputs' size.
    pub fn with_bitmap(options: &InputOptions) -> KnownKeys {
        KnownKeys::mapped(Space::of(options))
    }

    /// Keys holding every number as a key.
    pub fn without_bitmap() -> KnownKeys {
        KnownKeys::listed()
    }

    fn listed() -> KnownKeys {
        KnownKeys { space: Space::default(), bits: Box::new([]), held: Mutex::new(Vec::new()) }
    }

    fn mapped(space: Space) -> KnownKeys {
        let bits = zeroed_words(space.len.div_ceil(64) as usize);
        super::bitmap::advise_huge(bits.as_ptr().cast(), bits.len() * 8);
        KnownKeys { space, bits, held: Mutex::new(Vec::new()) }
    }

    /// Whether the plan's numbers are held as bits.
    pub fn has_bitmap(&self) -> bool {
        !self.bits.is_empty()
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Vec<u64>> {
        self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The distinct keys, ready to be inserted.
    pub(super) fn into_distinct(self) -> Distinct {
        let mut held = self.held.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        held.sort_unstable();
        held.dedup();
        held.shrink_to_fit();
        let mapped: u64 = self.bits.iter().map(|w| u64::from(w.load(Ordering::Relaxed).count_ones())).sum();
        Distinct { space: self.space, bits: self.bits, held, mapped }
    }
}

/// `words` zeroed atomic words, from zeroed memory: the pages are mapped when first written.
fn zeroed_words(words: usize) -> Box<[AtomicU64]> {
    if words == 0 {
        return Box::new([]);
    }
    let Ok(layout) = std::alloc::Layout::array::<AtomicU64>(words) else {
        std::alloc::handle_alloc_error(std::alloc::Layout::new::<AtomicU64>())
    };
    // SAFETY: the layout has a non-zero size; an all-zero AtomicU64 is a valid 0; the box owns the allocation
    // of exactly this layout (a slice of `words` AtomicU64) and frees it with the same layout.
    unsafe {
        let at = std::alloc::alloc_zeroed(layout).cast::<AtomicU64>();
        if at.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        Box::from_raw(std::ptr::slice_from_raw_parts_mut(at, words))
    }
}

/// One reading thread's share of [`KnownKeys`]: keys gathered a batch at a time.
pub(crate) struct Batch<'k> {
    keys: &'k KnownKeys,
    batch: Vec<u64>,
    /// The batch's bits (`u64::MAX` for a key outside the space).
    slots: Vec<u64>,
}

impl Batch<'_> {
    fn flush(&mut self) {
        let keys = self.keys;
        if keys.bits.is_empty() {
            keys.held().append(&mut self.batch);
            return;
        }
        self.slots.clear();
        let mut outside = 0;
        for &key in &self.batch {
            let slot = keys.space.index(key).unwrap_or(u64::MAX);
            if slot != u64::MAX {
                super::bitmap::prefetch(keys.bits.as_ptr().wrapping_add((slot / 64) as usize).cast());
            } else {
                outside += 1;
            }
            self.slots.push(slot);
        }
        for &slot in &self.slots {
            if slot != u64::MAX {
                let (word, bit) = (&keys.bits[(slot / 64) as usize], 1u64 << (slot % 64));
                if word.load(Ordering::Relaxed) & bit == 0 {
                    word.fetch_or(bit, Ordering::Relaxed);
                }
            }
        }
        if outside > 0 {
            let mut held = keys.held();
            held.extend(self.batch.iter().zip(&self.slots).filter(|(_, s)| **s == u64::MAX).map(|(k, _)| *k));
        }
        self.batch.clear();
    }
}

impl KeySink for Batch<'_> {
    #[inline]
    fn push(&mut self, key: u64) {
        self.batch.push(key);
        if self.batch.len() == BATCH {
            self.flush();
        }
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

impl KeyStore for KnownKeys {
    type Piece<'s> = Batch<'s>;

    fn piece(&self) -> Batch<'_> {
        Batch { keys: self, batch: Vec::with_capacity(BATCH), slots: Vec::with_capacity(BATCH) }
    }

    fn join<'s>(&'s self, pieces: Vec<Batch<'s>>, _read: &mut NumbersRead) {
        drop(pieces);
    }

    fn forget(&self) {
        for word in self.bits.iter() {
            word.store(0, Ordering::Relaxed);
        }
        self.held().clear();
    }
}

/// The distinct keys of a [`KnownKeys`], in units a filter build takes one at a time.
#[derive(Debug)]
pub(super) struct Distinct {
    space: Space,
    bits: Box<[AtomicU64]>,
    /// Sorted, no repeats.
    held: Vec<u64>,
    mapped: u64,
}

/// Keys a filter build inserts, in units (taken in any order: the bits a key sets do not depend on the
/// others).
pub(super) trait KeyUnits: Sync {
    /// The units.
    fn units(&self) -> usize;
    /// Hands the keys of unit `unit` to `each`, a slice at a time.
    fn unit(&self, unit: usize, each: &mut dyn FnMut(&[u64]));
}

impl KeyUnits for [u64] {
    fn units(&self) -> usize {
        self.len().div_ceil(CHUNK_KEYS)
    }

    fn unit(&self, unit: usize, each: &mut dyn FnMut(&[u64])) {
        if let Some(keys) = self.chunks(CHUNK_KEYS).nth(unit) {
            each(keys);
        }
    }
}

impl Distinct {
    /// How many distinct keys.
    pub(super) fn len(&self) -> u64 {
        self.mapped + self.held.len() as u64
    }

    fn bit_units(&self) -> usize {
        self.bits.len().div_ceil(CHUNK_WORDS)
    }
}

impl KeyUnits for Distinct {
    fn units(&self) -> usize {
        self.bit_units() + self.held.units()
    }

    fn unit(&self, unit: usize, each: &mut dyn FnMut(&[u64])) {
        let bit_units = self.bit_units();
        if unit >= bit_units {
            return self.held.unit(unit - bit_units, each);
        }
        let from = unit * CHUNK_WORDS;
        let words = &self.bits[from..(from + CHUNK_WORDS).min(self.bits.len())];
        let ranges = &self.space.ranges;
        // The range holding the unit's first bit; later bits only move on.
        let mut at = ranges.partition_point(|&(_, _, index)| index <= from as u64 * 64).saturating_sub(1);
        let mut keys = Vec::with_capacity(CHUNK_KEYS);
        for (w, word) in words.iter().enumerate() {
            let mut word = word.load(Ordering::Relaxed);
            while word != 0 {
                let index = (from + w) as u64 * 64 + u64::from(word.trailing_zeros());
                word &= word - 1;
                while at + 1 < ranges.len() && ranges[at + 1].2 <= index {
                    at += 1;
                }
                let (first, _, start) = ranges[at];
                keys.push(first + (index - start));
                if keys.len() == CHUNK_KEYS {
                    each(&keys);
                    keys.clear();
                }
            }
        }
        if !keys.is_empty() {
            each(&keys);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_number_of_the_plans_ranges_maps_to_its_own_bit_and_back() {
        let options = InputOptions::for_plan(&crate::Plan::embedded("cz").unwrap());
        let space = Space::of(&options);
        assert!(space.len > 300_000_000 && space.len <= MAPPED_MAX, "{}", space.len);
        // The ends of every range, and the keys just outside them.
        for (i, &(first, end, index)) in space.ranges.iter().enumerate() {
            assert_eq!(space.index(first), Some(index));
            assert_eq!(space.index(end - 1), Some(index + (end - first - 1)));
            if space.ranges.get(i + 1).is_none_or(|next| next.0 > end) {
                assert_eq!(space.index(end), None);
            }
            let number = crate::PhoneNumber::from_key(first).unwrap();
            assert!(options.normalizer.in_plan(&number), "{first}");
        }
        assert_eq!(space.index(0), None);
        assert_eq!(space.index(u64::MAX), None);
        // The bucket look-up agrees with a search of every range, around every range's ends and between them.
        let search = |key: u64| {
            space.ranges.iter().find(|&&(first, end, _)| (first..end).contains(&key)).map(|&(f, _, i)| i + (key - f))
        };
        let (low, high) = (space.ranges[0].0, space.ranges.last().unwrap().1);
        let mut probe: Vec<u64> =
            space.ranges.iter().flat_map(|&(f, e, _)| [f - 1, f, f + 1, e - 1, e, e + 1]).collect();
        let mut next = crate::foundation::rng::xorshift(0x2545_f491_4f6c_dd1d);
        probe.extend((0..200_000).map(|_| low - 1000 + next() % (high - low + 2000)));
        for key in probe {
            assert_eq!(space.index(key), search(key), "{key}");
        }
        // Back from the bits: a unit of the build gives every key set, once, in key order.
        let keys = KnownKeys::with_bitmap(&options);
        let set: Vec<u64> =
            space.ranges.iter().flat_map(|&(first, end, _)| [first, end - 1, first + (end - first) / 2]).collect();
        {
            let mut piece = keys.piece();
            for &k in set.iter().chain(&set).chain(&[1, 447_700_900_123, 1]) {
                piece.push(k);
            }
        }
        let distinct = keys.into_distinct();
        assert_eq!(distinct.held, [1, 447_700_900_123]);
        let mut back = Vec::new();
        for unit in 0..distinct.units() {
            distinct.unit(unit, &mut |k| back.extend_from_slice(k));
        }
        let mut expected: Vec<u64> = set.iter().copied().chain([1, 447_700_900_123]).collect();
        expected.sort_unstable();
        expected.dedup();
        back.sort_unstable();
        assert_eq!(back, expected);
        assert_eq!(distinct.len(), expected.len() as u64);
    }

    #[test]
    fn forgotten_keys_are_gone_from_the_bits_and_the_list() {
        let options = InputOptions::for_plan(&crate::Plan::embedded("cz").unwrap());
        for keys in [KnownKeys::with_bitmap(&options), KnownKeys::without_bitmap()] {
            {
                let mut piece = keys.piece();
                (0..5000u64).for_each(|i| piece.push(420_601_000_000 + i * 7));
                piece.push(447_700_900_123);
            }
            keys.forget();
            keys.piece().push(420_601_000_007);
            let distinct = keys.into_distinct();
            assert_eq!(distinct.len(), 1);
            let mut back = Vec::new();
            (0..distinct.units()).for_each(|u| distinct.unit(u, &mut |k| back.extend_from_slice(k)));
            assert_eq!(back, [420_601_000_007]);
        }
    }
}
