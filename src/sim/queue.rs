//! The event queue: events ordered by (time, sequence), so simultaneous events run in insertion order and a
//! run is deterministic (as in nexosim).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub use crate::clock::{DAY, HOUR, MINUTE, Millis, SECOND, millis};

/// A min-queue of `(time, seq, event)`.
#[derive(Debug)]
pub struct EventQueue<E: Ord> {
    heap: BinaryHeap<Reverse<(Millis, u64, E)>>,
    seq: u64,
}

impl<E: Ord> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue { heap: BinaryHeap::with_capacity(1024), seq: 0 }
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn push(&mut self, time: Millis, event: E) {
        self.heap.push(Reverse((time, self.seq, event)));
        self.seq += 1;
    }

    /// The earliest event (first inserted among equal times).
    #[inline]
    pub fn pop(&mut self) -> Option<(Millis, E)> {
        self.heap.pop().map(|Reverse((t, _, e))| (t, e))
    }

    /// Events waiting.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event waits.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

impl<E: Ord> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simultaneous_events_leave_in_insertion_order() {
        let mut q = EventQueue::new();
        q.push(5, 'c');
        q.push(1, 'z');
        q.push(5, 'a');
        q.push(5, 'b');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['z', 'c', 'a', 'b']);
    }
}
