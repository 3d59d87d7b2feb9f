//! The bank frame of list-assisted sampling: which banks (blocks of 100 or 1,000 consecutive numbers) hold
//! known working numbers, and the space split into the numbers of those *listed* banks and the rest.
//!
//! A known database (customers, a directory, a register) gives the density only: how many of its numbers fall
//! into each bank. The frame never lists a known number itself; the generator excludes the density source's
//! numbers like any other suppression list (see `CallList::list_assisted`).
//!
//! The listed banks are kept as sorted, disjoint ranges of the space's indices, so both strata map their own
//! index `q` to a space index in O(log banks): the listed stratum by a search of the ranges' cumulative sizes,
//! the zero stratum (the complement) by a search of how many complement indices lie before each range.

use std::collections::HashMap;

use crate::foundation::error::{Error, Result};
use crate::plan::number::PhoneNumber;
use crate::plan::space::NumberSpace;

/// Known numbers per bank: a bank is a number's country code, length and national number without its last
/// two (100-banks) or three (1000-banks) digits.
#[derive(Clone, Debug, Default)]
pub struct Banks {
    size: u64,
    counts: HashMap<(u16, u8, u64), u32>,
}

impl Banks {
    /// An empty count of banks of `size` numbers: 100 or 1000.
    pub fn new(size: u64) -> Result<Banks> {
        if size != 100 && size != 1000 {
            return Err(Error::Request(format!("a bank holds 100 or 1000 numbers, not {size}").into()));
        }
        Ok(Banks { size, counts: HashMap::new() })
    }

    /// The banks of `numbers` (each number counted once per time it is given).
    ///
    /// ```
    /// let n = |national| dialsim::PhoneNumber { country_code: 420, national, length: 9 };
    /// let banks = dialsim::Banks::from_numbers(100, [n(601_123_456), n(601_123_499)]).unwrap();
    /// assert_eq!(banks.listed(&n(601_123_400)), 2);
    /// assert_eq!(banks.listed(&n(601_123_500)), 0);
    /// ```
    pub fn from_numbers(size: u64, numbers: impl IntoIterator<Item = PhoneNumber>) -> Result<Banks> {
        let mut banks = Banks::new(size)?;
        for n in numbers {
            banks.add(&n);
        }
        Ok(banks)
    }

    /// Counts `number` in its bank.
    pub fn add(&mut self, number: &PhoneNumber) {
        *self.counts.entry(self.key(number)).or_insert(0) += 1;
    }

    #[inline]
    fn key(&self, n: &PhoneNumber) -> (u16, u8, u64) {
        (n.country_code, n.length, n.national / self.size)
    }

    /// Counts the numbers of a known database (`keys`) that are `country_code`'s into their banks. When most of
    /// them are another country's, the database gives the plan's banks no density: gives what it holds, in words
    /// (`a list of 2 numbers of +420 among 2 (0 of +44)`), for the caller to refuse it or warn.
    pub fn add_known(&mut self, keys: &[u64], country_code: u16) -> Option<String> {
        for n in keys.iter().filter_map(|&k| PhoneNumber::from_key(k)) {
            if n.country_code == country_code {
                self.add(&n);
            }
        }
        crate::plan::number::foreign_list(keys.iter().copied(), country_code)
    }

    /// How many known numbers share `number`'s bank.
    #[inline]
    pub fn listed(&self, number: &PhoneNumber) -> u32 {
        if self.counts.is_empty() {
            return 0;
        }
        self.counts.get(&self.key(number)).copied().unwrap_or(0)
    }

    /// Numbers per bank.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Banks holding at least one known number.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether no bank holds a known number.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// The space split into the numbers of listed banks (stratum 0) and of the other banks (stratum 1).
#[derive(Clone, Debug)]
pub(crate) struct BankFrame {
    /// The whole space (the strata's indices map into it).
    pub(crate) space: NumberSpace,
    /// Sorted, disjoint, non-adjacent ranges of space indices in listed banks.
    ranges: Vec<(u64, u64)>,
    /// `cum[i]`: listed indices before range `i` (`cum[ranges.len()]` = all of them).
    cum: Vec<u64>,
    /// Listed banks that hold numbers of the space.
    listed_banks: u64,
}

/// The listed stratum.
pub(crate) const LISTED: usize = 0;
/// The zero stratum: banks with fewer known numbers than the design asks.
pub(crate) const ZERO: usize = 1;

impl BankFrame {
    /// The frame of `space` where a bank is listed when it holds at least `min_listed` known numbers.
    pub(crate) fn new(space: &NumberSpace, banks: &Banks, min_listed: u32) -> BankFrame {
        // Segments by (country code, length), sorted by their first national number: a bank's numbers are
        // found by a search instead of a pass over every segment.
        let mut by_group: HashMap<(u16, u8), Vec<usize>> = HashMap::new();
        for (i, s) in space.segments().iter().enumerate() {
            by_group.entry((s.country_code, s.length)).or_default().push(i);
        }
        for list in by_group.values_mut() {
            list.sort_by_key(|&i| space.segments()[i].base);
        }
        let mut ranges = Vec::new();
        let mut listed_banks = 0;
        let mut keys: Vec<&(u16, u8, u64)> =
            banks.counts.iter().filter(|(_, c)| **c >= min_listed.max(1)).map(|(k, _)| k).collect();
        keys.sort_unstable();
        for &(cc, length, bank) in keys {
            let Some(group) = by_group.get(&(cc, length)) else { continue };
            let (lo, hi) = (bank * banks.size, (bank + 1) * banks.size);
            let segments = space.segments();
            // The first segment that ends after `lo`.
            let from = group.partition_point(|&i| segments[i].base + segments[i].count <= lo);
            let mut any = false;
            for &i in &group[from..] {
                let s = &segments[i];
                if s.base >= hi {
                    break;
                }
                let (a, b) = (lo.max(s.base), hi.min(s.base + s.count));
                if a < b {
                    ranges.push((s.start + (a - s.base), s.start + (b - s.base)));
                    any = true;
                }
            }
            listed_banks += u64::from(any);
        }
        ranges.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let mut cum = Vec::with_capacity(merged.len() + 1);
        let mut total = 0;
        cum.push(0);
        for (a, b) in &merged {
            total += b - a;
            cum.push(total);
        }
        BankFrame { space: space.clone(), ranges: merged, cum, listed_banks }
    }

    /// Numbers of stratum `s`.
    pub(crate) fn len(&self, s: usize) -> u64 {
        let listed = self.cum[self.ranges.len()];
        if s == LISTED { listed } else { self.space.len() - listed }
    }

    /// Listed banks holding numbers of the space.
    pub(crate) fn listed_banks(&self) -> u64 {
        self.listed_banks
    }

    /// The space index of index `q` (< `len(s)`) of stratum `s`.
    #[inline]
    pub(crate) fn index(&self, s: usize, q: u64) -> u64 {
        if s == LISTED {
            let i = self.cum.partition_point(|&c| c <= q) - 1;
            self.ranges[i].0 + (q - self.cum[i])
        } else {
            // Complement indices before range i: its start less the listed indices before it.
            let k = partition(&self.ranges, &self.cum, |(a, before)| a - before <= q);
            q + self.cum[k]
        }
    }

    /// The stratum of space index `index` and its index there.
    #[inline]
    pub(crate) fn stratum_of(&self, index: u64) -> (usize, u64) {
        let i = self.ranges.partition_point(|&(a, _)| a <= index);
        if i > 0 && index < self.ranges[i - 1].1 {
            (LISTED, self.cum[i - 1] + (index - self.ranges[i - 1].0))
        } else {
            (ZERO, index - self.cum[i])
        }
    }
}

/// The number of ranges `i` (a prefix of them) for which `keep((start_i, cum_i))` holds.
#[inline]
fn partition(ranges: &[(u64, u64)], cum: &[u64], keep: impl Fn((u64, u64)) -> bool) -> usize {
    let (mut lo, mut hi) = (0, ranges.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if keep((ranges[mid].0, cum[mid])) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Why a known database of another country is refused as a density source (`what`: what
/// [`Banks::add_known`] says it holds).
pub fn foreign_density(source: &str, what: &str, country_code: u16) -> String {
    format!(
        "{source} is {what}: a known database gives the density of the plan's banks, so it must hold +{country_code} \
         numbers"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Plan;
    use crate::plan::space::Selection;

    /// Every index of both strata of a small space maps to a distinct space index and back, the listed
    /// stratum holds exactly the numbers of banks with known numbers, and the strata cover the space.
    #[test]
    fn the_strata_partition_the_space_and_map_back() {
        let plan = Plan::embedded("cz").unwrap();
        let sel = Selection { prefixes: vec!["6011".into(), "2123".into()], ..Selection::default() };
        let space = NumberSpace::new(&plan, &sel).unwrap();
        let known: Vec<PhoneNumber> = [0u64, 5, 17, 17, 99_999, 150_000, 150_050]
            .iter()
            .map(|&i| space.number(i))
            .chain([PhoneNumber { country_code: 420, national: 777_000_000, length: 9 }])
            .collect();
        for (size, min) in [(100, 1), (1000, 1), (100, 2)] {
            let banks = Banks::from_numbers(size, known.iter().copied()).unwrap();
            let frame = BankFrame::new(&space, &banks, min);
            let mut seen = vec![false; space.len() as usize];
            for s in [LISTED, ZERO] {
                for q in 0..frame.len(s) {
                    let i = frame.index(s, q);
                    assert!(!seen[i as usize], "index {i} twice");
                    seen[i as usize] = true;
                    assert_eq!(frame.stratum_of(i), (s, q));
                    let listed = banks.listed(&space.number(i)) >= min;
                    assert_eq!(listed, s == LISTED, "size {size} index {i}");
                }
            }
            assert!(seen.iter().all(|&x| x));
            // The space is 2123xxxxx (indices 0..100,000) then 6011xxxxx. 100-banks: 2123000 (4 known),
            // 2123999 (1), 6011500 (2); 1000-banks: 212300, 212399, 601150; +420 777… is outside the space.
            let expected_banks = if min == 2 { 2 } else { 3 };
            assert_eq!(frame.listed_banks(), expected_banks, "size {size} min {min}");
        }
    }
}
