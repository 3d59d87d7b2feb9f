//! Retries waiting to be due, taken in (due time, order of scheduling) — the order of the min-heap they
//! replaced — in O(1) per retry.
//!
//! A retry is due a fixed delay after its attempt ends (the delay depends only on the outcome: busy, no answer,
//! machine, drop lock-out), and time never runs backwards, so the retries of one delay are due in the order
//! they were scheduled. Each delay gets a first-in first-out lane; the earliest retry is the earliest of the
//! lanes' fronts (a handful), ties between lanes broken by scheduling order, as the heap's (due, seq) key did.
//! The heap cost O(log n) per retry with a cache miss per level once hundreds of thousands wait (2,000 agents).

use std::collections::VecDeque;

use super::Millis;

/// One delay's retries: (due, seq, the number's state), due non-decreasing.
#[derive(Debug)]
struct Lane<T> {
    delay: Millis,
    queue: VecDeque<(Millis, u64, T)>,
}

/// Retries by due time, each holding its number's state by value (read in lane order, not looked up).
#[derive(Debug)]
pub(super) struct Retries<T> {
    lanes: Vec<Lane<T>>,
    seq: u64,
}

impl<T> Default for Retries<T> {
    fn default() -> Self {
        Retries { lanes: Vec::new(), seq: 0 }
    }
}

impl<T> Retries<T> {
    /// Schedules a retry of `key` at `now + delay` (`now` never less than at an earlier call).
    pub(super) fn push(&mut self, now: Millis, delay: Millis, key: T) {
        let due = now + delay;
        let lane = match self.lanes.iter().position(|l| l.delay == delay) {
            Some(i) => i,
            None => {
                self.lanes.push(Lane { delay, queue: VecDeque::new() });
                self.lanes.len() - 1
            }
        };
        let queue = &mut self.lanes[lane].queue;
        debug_assert!(queue.back().is_none_or(|&(d, _, _)| d <= due), "time ran backwards");
        queue.push_back((due, self.seq, key));
        self.seq += 1;
    }

    /// The lane holding the earliest retry.
    #[inline]
    fn first(&self) -> Option<usize> {
        let mut best: Option<(usize, (Millis, u64))> = None;
        for (i, lane) in self.lanes.iter().enumerate() {
            if let Some(&(due, seq, _)) = lane.queue.front()
                && best.is_none_or(|(_, b)| (due, seq) < b)
            {
                best = Some((i, (due, seq)));
            }
        }
        best.map(|(i, _)| i)
    }

    /// The due time of the earliest retry.
    #[inline]
    pub(super) fn next_due(&self) -> Option<Millis> {
        self.first().map(|i| self.lanes[i].queue.front().expect("a front").0)
    }

    /// Every retry still waiting, in no particular order (the run's end).
    pub(super) fn drain(&mut self) -> impl Iterator<Item = T> + '_ {
        self.lanes.iter_mut().flat_map(|l| l.queue.drain(..).map(|(_, _, key)| key))
    }

    /// Takes the earliest retry if it is due at `now`: its number's state.
    #[inline]
    pub(super) fn pop_due(&mut self, now: Millis) -> Option<T> {
        let first = self.first()?;
        let lane = &mut self.lanes[first].queue;
        if lane.front().expect("a front").0 > now {
            return None;
        }
        lane.pop_front().map(|(_, _, key)| key)
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    use super::*;

    /// Against the heap it replaced, with equal due times across lanes and within a lane.
    #[test]
    fn retries_leave_in_the_order_of_the_heap_they_replaced() {
        let delays = [15_000u64, 120_000, 180_000, 15_000, 0, 259_200];
        let (mut lanes, mut heap, mut seq) = (Retries::default(), BinaryHeap::new(), 0u64);
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut now = 0;
        let (mut taken, mut expected) = (Vec::new(), Vec::new());
        for step in 0..100_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            now += x % 3 * 5_000; // often the same instant
            if x % 5 < 3 {
                let delay = delays[(x >> 8) as usize % delays.len()];
                lanes.push(now, delay, step);
                heap.push(Reverse((now + delay, seq, step)));
                seq += 1;
            } else {
                assert_eq!(lanes.next_due(), heap.peek().map(|Reverse((d, _, _))| *d), "step {step}");
                while let Some(key) = lanes.pop_due(now) {
                    taken.push(key);
                }
                while heap.peek().is_some_and(|Reverse((d, _, _))| *d <= now) {
                    expected.push(heap.pop().unwrap().0.2);
                }
                assert_eq!(taken, expected, "step {step}");
            }
        }
        assert!(taken.len() > 10_000, "retries were taken: {}", taken.len());
    }
}
