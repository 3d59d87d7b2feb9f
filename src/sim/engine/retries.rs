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

/// Retries by due time, each holding its number's state by value (read in lane order, not looked up). The
/// lanes' delays and front keys sit apart, in a few contiguous bytes read on every look (as in the event queue).
#[derive(Debug)]
pub(super) struct Retries<T> {
    /// Each lane's delay.
    delays: Vec<Millis>,
    /// Each lane's front (due, seq), `None` when empty.
    fronts: Vec<Option<(Millis, u64)>>,
    /// One delay's retries each: (due, seq, the number's state), due non-decreasing.
    lanes: Vec<VecDeque<(Millis, u64, T)>>,
    seq: u64,
}

impl<T> Default for Retries<T> {
    fn default() -> Self {
        Retries { delays: Vec::new(), fronts: Vec::new(), lanes: Vec::new(), seq: 0 }
    }
}

impl<T> Retries<T> {
    /// Schedules a retry of `key` at `now + delay` (`now` never less than at an earlier call).
    pub(super) fn push(&mut self, now: Millis, delay: Millis, key: T) {
        let due = now + delay;
        let lane = match self.delays.iter().position(|&d| d == delay) {
            Some(i) => i,
            None => {
                self.delays.push(delay);
                self.fronts.push(None);
                self.lanes.push(VecDeque::new());
                self.lanes.len() - 1
            }
        };
        let queue = &mut self.lanes[lane];
        debug_assert!(queue.back().is_none_or(|&(d, _, _)| d <= due), "time ran backwards");
        if queue.is_empty() {
            self.fronts[lane] = Some((due, self.seq));
        }
        queue.push_back((due, self.seq, key));
        self.seq += 1;
    }

    /// The lane holding the earliest retry.
    #[inline]
    fn first(&self) -> Option<usize> {
        let mut best: Option<(usize, (Millis, u64))> = None;
        for (i, &front) in self.fronts.iter().enumerate() {
            if let Some(key) = front
                && best.is_none_or(|(_, b)| key < b)
            {
                best = Some((i, key));
            }
        }
        best.map(|(i, _)| i)
    }

    /// The due time of the earliest retry.
    #[inline]
    pub(super) fn next_due(&self) -> Option<Millis> {
        self.first().and_then(|i| self.fronts[i]).map(|(due, _)| due)
    }

    /// Every retry still waiting, in no particular order (the run's end).
    pub(super) fn drain(&mut self) -> impl Iterator<Item = T> + '_ {
        self.fronts.iter_mut().for_each(|f| *f = None);
        self.lanes.iter_mut().flat_map(|l| l.drain(..).map(|(_, _, key)| key))
    }

    /// Takes the earliest retry if it is due at `now`: its number's state.
    #[inline]
    pub(super) fn pop_due(&mut self, now: Millis) -> Option<T> {
        let first = self.first()?;
        if self.fronts[first].is_some_and(|(due, _)| due > now) {
            return None;
        }
        let lane = &mut self.lanes[first];
        let (_, _, key) = lane.pop_front().expect("a lane with a front key has a front");
        self.fronts[first] = lane.front().map(|&(due, seq, _)| (due, seq));
        Some(key)
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
                lanes.push(Millis(now), Millis(delay), step);
                heap.push(Reverse((now + delay, seq, step)));
                seq += 1;
            } else {
                assert_eq!(lanes.next_due(), heap.peek().map(|Reverse((d, _, _))| Millis(*d)), "step {step}");
                while let Some(key) = lanes.pop_due(Millis(now)) {
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
