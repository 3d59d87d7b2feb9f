//! Exclusion of known numbers: Bloom filter files built from known databases, and exact suppression lists.
//!
//! The rule from the mission: a random number that is in no available database is not personal data, so no
//! number of any database the user knows of may reach a call list. [`Exclusions`] consults every source
//! for every number the generator draws; it never prints.

mod bitmap;
mod build;
mod filter;
mod input;
mod suppress;

pub use build::{BuiltFilter, build_filter, load_exclusions, read_inputs};
pub use filter::{FilterMeta, FilterParams, KnownFilter};
pub use input::{
    Column, DELIMITERS, HeaderRow, InputOptions, InputShape, MAX_REJECTED, NUMBER_SHARE, NumbersRead, REJECTS_KEPT,
    Rejected, SAMPLE_BYTES, SAMPLE_ROWS, SourceStats, TextEncoding, parse_delimiter,
};
pub use suppress::{KeyHasher, KeySet, SuppressionList};

use crate::generate::Excluder;
use crate::number::PhoneNumber;

/// One source of numbers never to list.
#[derive(Debug)]
pub enum Source {
    /// A Bloom filter of known databases (false positives possible, never false negatives).
    Filter(KnownFilter),
    /// An exact list.
    Suppression(SuppressionList),
}

impl Source {
    /// Whether the source holds (or, for a filter, may hold) `key`.
    #[inline]
    pub fn contains_key(&self, key: u64) -> bool {
        match self {
            Source::Filter(f) => f.contains_key(key),
            Source::Suppression(s) => s.contains_key(key),
        }
    }
}

/// Every source a list must avoid, in the order given; a number is credited to the first that holds it.
#[derive(Debug, Default)]
pub struct Exclusions {
    sources: Vec<(String, Source)>,
}

impl Exclusions {
    /// No sources.
    pub fn new() -> Exclusions {
        Exclusions::default()
    }

    /// Adds a source under a name (its file name, for the summary).
    pub fn push(&mut self, name: impl Into<String>, source: Source) {
        self.sources.push((name.into(), source));
    }

    /// Adds every source of `other`, after this one's.
    pub fn append(&mut self, other: Exclusions) {
        self.sources.extend(other.sources);
    }

    /// The sources' names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.sources.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The sources.
    pub fn sources(&self) -> &[(String, Source)] {
        &self.sources
    }

    /// Whether there are no sources.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// The index of the first source holding `key`.
    #[inline]
    pub fn source_of(&self, key: u64) -> Option<usize> {
        self.sources.iter().position(|(_, s)| s.contains_key(key))
    }
}

impl Excluder for Exclusions {
    fn sources(&self) -> usize {
        self.sources.len()
    }

    #[inline]
    fn excluded(&self, number: &PhoneNumber) -> Option<usize> {
        self.source_of(number.key())
    }

    /// Checks each source for all the numbers still undecided, in source order: a filter checks its keys
    /// all at once ([`KnownFilter::contains_many`]), so the memory reads of many checks overlap.
    fn excluded_each(&self, numbers: &[PhoneNumber], verdicts: &mut Vec<Option<usize>>) {
        verdicts.clear();
        verdicts.resize(numbers.len(), None);
        let mut keys: Vec<u64> = numbers.iter().map(PhoneNumber::key).collect();
        // Positions of `keys` in `numbers` once some are decided (`None`: the identity).
        let mut at: Option<Vec<usize>> = None;
        let mut found = Vec::new();
        for (source, (_, s)) in self.sources.iter().enumerate() {
            found.clear();
            found.resize(keys.len(), false);
            match s {
                Source::Filter(f) => f.contains_many(&keys, &mut found),
                other => found.iter_mut().zip(&keys).for_each(|(f, &key)| *f = other.contains_key(key)),
            }
            let mut any = false;
            for (i, _) in found.iter().enumerate().filter(|(_, f)| **f) {
                verdicts[at.as_ref().map_or(i, |index| index[i])] = Some(source);
                any = true;
            }
            // Keep the undecided numbers for the next source (none after the last).
            if !any || source + 1 == self.sources.len() {
                continue;
            }
            let index = at.get_or_insert_with(|| (0..numbers.len()).collect());
            let mut kept = 0;
            for i in 0..keys.len() {
                if !found[i] {
                    keys[kept] = keys[i];
                    index[kept] = index[i];
                    kept += 1;
                }
            }
            keys.truncate(kept);
            index.truncate(kept);
        }
    }
}
