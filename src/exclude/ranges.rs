//! Which of a set of sorted, disjoint ranges of numbers holds a number, in a step or two instead of a binary
//! search: the values from the first range's start are cut into buckets of a power of two, and each bucket
//! knows the first range that ends after its first value. Reading a known database asks this for every row
//! (is the number in the country's plan? which bit maps it?), where the branches of a binary search over
//! the ranges, taken at random, cost more than the rest of the row's parsing.

use std::ops::Deref;

/// Sorted, disjoint ranges `(first, end, T)` (`end` excluded), each with a value `T`, and their buckets.
#[derive(Clone, Debug)]
pub(crate) struct Ranges<T = ()> {
    ranges: Vec<(u64, u64, T)>,
    /// The first value of the first range.
    low: u64,
    /// Values in one bucket: `1 << shift`.
    shift: u32,
    /// For each bucket, the index of the first range ending after the bucket's first value.
    buckets: Vec<u32>,
}

impl<T> Default for Ranges<T> {
    fn default() -> Ranges<T> {
        Ranges { ranges: Vec::new(), low: 0, shift: 0, buckets: Vec::new() }
    }
}

impl<T> Ranges<T> {
    /// The lookup of `ranges` (sorted by `first`, disjoint, none empty) in at most `most_buckets` buckets.
    pub(crate) fn new(ranges: Vec<(u64, u64, T)>, most_buckets: u64) -> Ranges<T> {
        debug_assert!(ranges.windows(2).all(|w| w[0].1 <= w[1].0), "sorted and disjoint");
        let (Some(&(low, _, _)), Some(&(_, high, _))) = (ranges.first(), ranges.last()) else {
            return Ranges::default();
        };
        let span = high - low;
        let shift = (0..64).find(|&s| span >> s < most_buckets.max(1)).unwrap_or(63);
        let buckets = (0..=span >> shift)
            .map(|b| ranges.partition_point(|&(_, end, _)| end <= low + (b << shift)) as u32)
            .collect();
        Ranges { ranges, low, shift, buckets }
    }

    /// The range holding `x`, if one does.
    #[inline]
    pub(crate) fn find(&self, x: u64) -> Option<&(u64, u64, T)> {
        // Below `low` the subtraction wraps to a bucket past the last.
        let bucket = (x.wrapping_sub(self.low) >> self.shift) as usize;
        let mut at = *self.buckets.get(bucket)? as usize;
        loop {
            let range = self.ranges.get(at)?;
            if x < range.1 {
                return (x >= range.0).then_some(range);
            }
            at += 1;
        }
    }
}

impl<T> Deref for Ranges<T> {
    type Target = [(u64, u64, T)];

    fn deref(&self) -> &[(u64, u64, T)] {
        &self.ranges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The buckets find what a linear search finds, at every edge of every range and at random, for ranges of
    /// every width and gap, with few and many buckets.
    #[test]
    fn finds_what_a_search_finds() {
        let mut next = crate::foundation::rng::xorshift(0x9E37_79B9_7F4A_7C15u64);
        for case in 0..40 {
            let mut at = next() % 1_000_000;
            let ranges: Vec<(u64, u64, usize)> = (0..1 + case * 7)
                .map(|i| {
                    at += next() % [1, 10, 1000, 1 << 20][i % 4] * (case as u64 % 3);
                    let first = at;
                    at += 1 + next() % [1, 7, 5000, 1 << 24][(i + case) % 4];
                    (first, at, i)
                })
                .collect();
            let high = ranges.last().unwrap().1;
            let mut probes: Vec<u64> =
                ranges.iter().flat_map(|&(f, e, _)| [f.saturating_sub(1), f, f + 1, e - 1, e, e + 1]).collect();
            probes.extend((0..2000).map(|_| ranges[0].0.saturating_sub(10) + next() % (high + 20 - ranges[0].0)));
            probes.extend([0, u64::MAX, high, high + (1 << 40)]);
            for most in [1, 2, 16, 4096, 1 << 16] {
                let lookup = Ranges::new(ranges.clone(), most);
                assert!(lookup.buckets.len() as u64 <= most.max(1) + 1);
                for &p in &probes {
                    let expected = ranges.iter().find(|&&(f, e, _)| (f..e).contains(&p));
                    assert_eq!(lookup.find(p), expected, "case {case}, {most} buckets, {p}");
                }
            }
        }
        let empty: Ranges = Ranges::new(Vec::new(), 16);
        assert_eq!(empty.find(0), None);
        assert_eq!(empty.find(u64::MAX), None);
    }
}
