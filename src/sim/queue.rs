//! The event queue: events ordered by (time, sequence), so simultaneous events run in insertion order and a
//! run is deterministic (as in nexosim).
//!
//! Events scheduled a constant delay ahead ([`EventQueue::push_after`]: a busy tone, the ring timeout, AMD
//! analysis, a fixed wrap-up, the drop timeout) go to a first-in first-out lane per delay instead of the heap:
//! time never runs backwards, so one delay's events fall due in the order they were scheduled, and a lane's
//! front is its earliest. [`EventQueue::pop`] takes the earliest (time, seq) of the heap's top and the lanes'
//! fronts, so the order is exactly the single heap's. Lanes cost O(1) per event, and they keep events that
//! pile up far ahead (a drop timeout of days in a queueing study) out of the heap every other event sifts
//! through.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

pub use crate::clock::{DAY, HOUR, MINUTE, Millis, SECOND, millis};

/// Lanes at most; further delays go to the heap.
const MAX_LANES: usize = 12;

/// The key of an empty lane's front: later than any event.
const EMPTY: (Millis, u64) = (Millis::MAX, u64::MAX);

/// A min-queue of `(time, seq, event)`.
///
/// The lanes' delays and the keys of their fronts are kept apart from the lanes, each in a few contiguous
/// bytes that every push and pop reads: with thousands of calls in progress (2,000 agents) the lanes' own
/// fronts, scattered over memory, were cache misses on every event.
#[derive(Debug)]
pub struct EventQueue<E: Ord> {
    heap: BinaryHeap<Reverse<(Millis, u64, E)>>,
    /// Each lane's constant delay.
    delays: Vec<Millis>,
    /// Each lane's front key (`EMPTY` when it has none).
    fronts: Vec<(Millis, u64)>,
    /// Events of one constant delay each, due times non-decreasing.
    lanes: Vec<VecDeque<(Millis, u64, E)>>,
    seq: u64,
}

impl<E: Ord> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(1024),
            delays: Vec::new(),
            fronts: Vec::new(),
            lanes: Vec::new(),
            seq: 0,
        }
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn push(&mut self, time: Millis, event: E) {
        self.heap.push(Reverse((time, self.seq, event)));
        self.seq += 1;
    }

    /// Schedules `event` at `now + delay`, for a `delay` the caller uses again and again (a constant of the
    /// model, not a random draw) and a `now` that never decreases between calls. Same order as
    /// [`EventQueue::push`]; cheaper.
    #[inline]
    pub fn push_after(&mut self, now: Millis, delay: Millis, event: E) {
        let time = now + delay;
        let lane = match self.delays.iter().position(|&d| d == delay) {
            Some(i) => i,
            None if self.lanes.len() < MAX_LANES => {
                self.delays.push(delay);
                self.fronts.push(EMPTY);
                self.lanes.push(VecDeque::new());
                self.lanes.len() - 1
            }
            None => return self.push(time, event),
        };
        let events = &mut self.lanes[lane];
        if events.back().is_some_and(|&(t, _, _)| t > time) {
            // Time ran backwards for this caller: the heap keeps the order.
            return self.push(time, event);
        }
        if events.is_empty() {
            self.fronts[lane] = (time, self.seq);
        }
        events.push_back((time, self.seq, event));
        self.seq += 1;
    }

    /// The earliest event (first inserted among equal times).
    #[inline]
    pub fn pop(&mut self) -> Option<(Millis, E)> {
        let mut best = self.heap.peek().map_or(EMPTY, |Reverse((t, s, _))| (*t, *s));
        let mut from = None;
        for (i, &front) in self.fronts.iter().enumerate() {
            if front < best {
                best = front;
                from = Some(i);
            }
        }
        match from {
            Some(i) => {
                let lane = &mut self.lanes[i];
                let (t, _, e) = lane.pop_front().expect("a lane with a front key has a front");
                self.fronts[i] = lane.front().map_or(EMPTY, |&(t, s, _)| (t, s));
                Some((t, e))
            }
            None => self.heap.pop().map(|Reverse((t, _, e))| (t, e)),
        }
    }

    /// Events waiting.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.heap.len() + self.lanes.iter().map(VecDeque::len).sum::<usize>()
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
        q.push(Millis(5), 'c');
        q.push(Millis(1), 'z');
        q.push_after(Millis::ZERO, Millis(5), 'a');
        q.push(Millis(5), 'b');
        q.push_after(Millis(3), Millis(2), 'd');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['z', 'c', 'a', 'b', 'd']);
    }

    /// Against a plain heap of (time, seq): the same events leave in the same order, with many equal times,
    /// more delays than lanes, and pops between pushes as in a run.
    #[test]
    fn lanes_leave_events_in_the_order_of_a_single_heap() {
        let delays = [0u64, 3_000, 4_000, 25_000, 1_000, 20_000, 60_000, 7, 8, 9, 10, 11, 12, 13, 14, 15];
        let mut q = EventQueue::new();
        let mut model = BinaryHeap::new();
        let (mut seq, mut now, mut x) = (0u64, 0u64, 0x2545_f491_4f6c_dd1du64);
        let (mut got, mut want) = (Vec::new(), Vec::new());
        for step in 0..300_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x % 7 < 4 || model.is_empty() {
                let delay = if x % 11 == 0 { (x >> 20) % 30_000 } else { delays[(x >> 8) as usize % delays.len()] };
                if x % 3 == 0 {
                    q.push(Millis(now + delay), step);
                } else {
                    q.push_after(Millis(now), Millis(delay), step);
                }
                model.push(Reverse((now + delay, seq, step)));
                seq += 1;
            } else {
                let (t, e) = q.pop().unwrap();
                let Reverse((mt, _, me)) = model.pop().unwrap();
                got.push((t, e));
                want.push((Millis(mt), me));
                now = t.0;
            }
            assert_eq!(q.len(), model.len(), "step {step}");
        }
        while let Some(x) = q.pop() {
            got.push(x);
        }
        while let Some(Reverse((t, _, e))) = model.pop() {
            want.push((Millis(t), e));
        }
        assert_eq!(got, want);
        assert!(got.len() > 100_000);
    }
}
