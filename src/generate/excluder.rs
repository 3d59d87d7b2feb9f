//! What a list's generation consults ([`Excluder`]) and what it reports ([`ListSummary`]).

use crate::plan::number::PhoneNumber;

/// Decides whether a number may go on a list.
pub trait Excluder: Sync {
    /// How many sources the excluder consults (for per-source counts).
    fn sources(&self) -> usize;
    /// The index of the first source that holds `number`, or `None` when the number may be listed.
    fn excluded(&self, number: &PhoneNumber) -> Option<usize>;
    /// Replaces `verdicts` with [`Excluder::excluded`]`(&numbers[i])` for every `i`, one per number: the
    /// generator checks a chunk of numbers at once, so that an implementation can overlap the memory reads
    /// of many checks. The default checks one number after another.
    fn excluded_each(&self, numbers: &[PhoneNumber], verdicts: &mut Vec<Option<usize>>) {
        verdicts.clear();
        verdicts.extend(numbers.iter().map(|n| self.excluded(n)));
    }
}

/// An excluder that lets every number through.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoExclusion;

impl Excluder for NoExclusion {
    fn sources(&self) -> usize {
        0
    }
    #[inline]
    fn excluded(&self, _: &PhoneNumber) -> Option<usize> {
        None
    }
}

/// What a generation did.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ListSummary {
    /// Numbers written.
    pub written: u64,
    /// Numbers the request asked for (this shard's share).
    pub requested: u64,
    /// List positions examined.
    pub scanned: u64,
    /// Numbers skipped, per exclusion source.
    pub excluded: Vec<u64>,
    /// Position of the last number written (`--start` it + 1 to resume).
    pub last_index: Option<u64>,
}

impl ListSummary {
    /// True when the space ran out before the request was met.
    pub fn exhausted(&self) -> bool {
        self.written < self.requested
    }
}
