//! Exclusion of known numbers: Bloom filter files built from known databases, and exact suppression lists.
//!
//! The rule from the mission: a random number that is in no available database is not personal data, so no
//! number of any database the user knows of may reach a call list. [`Exclusions`] consults every source
//! for every number the generator draws; it never prints.

mod filter;
mod input;
mod suppress;

pub use filter::{FilterMeta, FilterParams, KnownFilter};
pub use input::{Column, InputOptions, NumbersRead, REJECTS_KEPT, Rejected, SourceStats};
pub use suppress::{KeyHasher, KeySet, SuppressionList};

pub(crate) use filter::rfc3339;

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

    /// Prefetches the lines each filter's first probes of `number` read.
    #[inline]
    fn prefetch(&self, number: &PhoneNumber) {
        let key = number.key();
        for (_, source) in &self.sources {
            if let Source::Filter(f) = source {
                f.prefetch_key(key);
            }
        }
    }
}
