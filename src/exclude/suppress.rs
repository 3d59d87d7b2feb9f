//! Exact suppression lists: objectors, a national do-not-call register. Held exactly (no false positives,
//! unlike a Bloom filter), loaded from CSV files of numbers in any written format.

use crate::exclude::input::{InputOptions, NumbersRead};
use crate::foundation::error::Result;
use crate::foundation::hash::KeySet;

/// An exact list of numbers never to dial.
#[derive(Clone, Debug, Default)]
pub struct SuppressionList {
    keys: KeySet,
    read: NumbersRead,
}

impl SuppressionList {
    /// Loads a CSV file (or `-` for stdin) of numbers.
    pub fn load(path: &str, options: &InputOptions) -> Result<SuppressionList> {
        let mut read = options.read_path(path)?;
        let keys = read.keys.drain(..).collect();
        Ok(SuppressionList { keys, read })
    }

    /// A list of the given keys ([`crate::PhoneNumber::key`]).
    pub fn from_keys(keys: impl IntoIterator<Item = u64>) -> SuppressionList {
        SuppressionList { keys: keys.into_iter().collect(), read: NumbersRead::default() }
    }

    /// Whether the list holds `key`.
    #[inline]
    pub fn contains_key(&self, key: u64) -> bool {
        self.keys.contains(&key)
    }

    /// The keys, in no order.
    pub fn keys(&self) -> impl Iterator<Item = &u64> {
        self.keys.iter()
    }

    /// Adds a key.
    pub fn insert(&mut self, key: u64) -> bool {
        self.keys.insert(key)
    }

    /// Distinct numbers held.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// What reading the file found (rows, rejected rows with their lines).
    pub fn read_report(&self) -> &NumbersRead {
        &self.read
    }
}
