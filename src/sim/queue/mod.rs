//! The event queue: events ordered by (time, sequence), so simultaneous events run in insertion order and a
//! run is deterministic (as in nexosim).
//!
//! Events scheduled a constant delay ahead ([`EventQueue::push_after`]: a busy tone, the ring timeout, AMD
//! analysis, a fixed wrap-up, the drop timeout) go to a first-in first-out lane per delay instead:
//! time never runs backwards, so one delay's events fall due in the order they were scheduled, and a lane's
//! front is its earliest. Other events due within [`NEAR`] go to a timing wheel (`wheel`: a slot per 16 ms,
//! each slot's few events in order), whose push and pop cost the same however many calls are in progress;
//! the rest (shift ends scheduled at midnight, withdrawals days ahead) go to a four-way heap.
//! [`EventQueue::pop`] takes the earliest (time, seq) of the wheel's least entry, the heap's top and the
//! lanes' fronts, so the order is exactly a single heap's. Lanes cost O(1) per event, and they keep events
//! that pile up far ahead (a drop timeout of days in a queueing study) out of the heap.

use std::collections::VecDeque;
use wheel::Wheel;

mod wheel;

pub use crate::foundation::clock::{DAY, HOUR, MINUTE, Millis, SECOND, millis};

/// An event as the queue stores it: in the low [`PAYLOAD_BITS`] bits of its entry.
pub(crate) trait Packed: Copy {
    /// The event's bits (below `1 << PAYLOAD_BITS`).
    fn pack(self) -> u64;
    /// The event of `bits` (what [`Packed::pack`] gave).
    fn unpack(bits: u64) -> Self;
}

/// Bits of an entry holding the event: a 5-bit kind and a 32-bit index.
pub(crate) const PAYLOAD_BITS: u32 = 37;
/// Bits of an entry holding the sequence number (between the time and the event).
const SEQ_BITS: u32 = 64 - PAYLOAD_BITS;
/// Sequence numbers run below this; reaching it renumbers the events waiting ([`EventQueue::renumber`]).
const SEQ_LIMIT: u64 = 1 << SEQ_BITS;

/// Events due further ahead than this when scheduled go to the far heap.
const NEAR: Millis = Millis(10 * 60 * 1000);
// The wheel's entries span at most NEAR, so its slots never hold two turns of it.
const _: () = assert!(NEAR.0 + wheel::SLOT_MS < wheel::HORIZON);

/// Lanes at most; further delays go to the heap.
const MAX_LANES: usize = 12;

/// The entry of an empty lane's front: later than any event.
const EMPTY: u128 = u128::MAX;

/// One entry: the time in the high 64 bits, then the sequence number, then the event, so that entries order
/// as (time, seq) by one integer comparison, without branches.
#[inline(always)]
fn entry(time: Millis, seq: u64, payload: u64) -> u128 {
    debug_assert!(seq < SEQ_LIMIT && payload < 1 << PAYLOAD_BITS);
    (u128::from(time.0) << 64) | u128::from(seq << PAYLOAD_BITS | payload)
}

#[inline(always)]
fn time_of(e: u128) -> Millis {
    Millis((e >> 64) as u64)
}

#[inline(always)]
fn payload_of(e: u128) -> u64 {
    e as u64 & ((1 << PAYLOAD_BITS) - 1)
}

/// A min-queue of events by (time, seq).
///
/// Each entry is one 128-bit integer (time, sequence number, event): the wheel and the heap compare entries
/// without branches and moves them 16 bytes at a time. The sequence number has 27 bits; when it runs out, the events
/// waiting are renumbered in their order (which keeps the wheel, the heap and the lanes in order), so a run of any
/// length keeps the exact order of a single (time, seq) heap.
///
/// The lanes' delays and the entries of their fronts are kept apart from the lanes, each in a few contiguous
/// bytes that every push and pop reads: with thousands of calls in progress (2,000 agents) the lanes' own
/// fronts, scattered over memory, were cache misses on every event.
#[derive(Debug)]
pub struct EventQueue<E: Packed> {
    /// Events due within [`NEAR`] of the last event popped when they were scheduled (and not before it).
    near: Wheel,
    /// Events scheduled further ahead (a shift's end, a withdrawal days later), whose few entries a heap
    /// orders.
    far: Heap,
    /// The time of the last event popped.
    now: Millis,
    /// Each lane's constant delay.
    delays: Vec<Millis>,
    /// Each lane's front entry (`EMPTY` when it has none).
    fronts: Vec<u128>,
    /// Entries of one constant delay each, due times non-decreasing.
    lanes: Vec<VecDeque<u128>>,
    seq: u64,
    event: std::marker::PhantomData<E>,
}

impl<E: Packed> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            near: Wheel::default(),
            far: Heap::default(),
            now: Millis::ZERO,
            delays: Vec::new(),
            fronts: Vec::new(),
            lanes: Vec::new(),
            seq: 0,
            event: std::marker::PhantomData,
        }
    }

    /// The next sequence number.
    #[inline(always)]
    fn next_seq(&mut self) -> u64 {
        if self.seq == SEQ_LIMIT {
            self.renumber();
        }
        self.seq += 1;
        self.seq - 1
    }

    /// Gives the events waiting the sequence numbers 0, 1, ... in their (time, seq) order, and the next event
    /// the number after. The order of all entries is unchanged, so the heap stays a heap and each lane stays
    /// sorted. Runs once per 2^27 events scheduled (about 10^8), in time O(n log n) for n events waiting.
    #[cold]
    fn renumber(&mut self) {
        let mut all: Vec<u128> = Vec::new();
        all.extend(self.near.entries_mut().chain(self.far.entries_mut()).map(|e| *e));
        all.extend(self.lanes.iter().flatten());
        all.sort_unstable();
        let renumbered = |e: &mut u128| {
            let rank = all.binary_search(e).expect("every entry was gathered") as u64;
            *e = entry(time_of(*e), rank, payload_of(*e));
        };
        self.near.entries_mut().chain(self.far.entries_mut()).for_each(renumbered);
        self.near.renumbered();
        self.lanes.iter_mut().flatten().for_each(renumbered);
        for (front, lane) in self.fronts.iter_mut().zip(&self.lanes) {
            *front = lane.front().copied().unwrap_or(EMPTY);
        }
        self.seq = all.len() as u64;
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn push(&mut self, time: Millis, event: E) {
        let e = entry(time, self.next_seq(), event.pack());
        if time > self.now + NEAR || time < self.now {
            self.far.push(e);
        } else {
            self.near.push(e);
        }
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
        if self.lanes[lane].back().is_some_and(|&e| time_of(e) > time) {
            // Time ran backwards for this caller: the heap keeps the order.
            return self.push(time, event);
        }
        let e = entry(time, self.next_seq(), event.pack());
        let events = &mut self.lanes[lane];
        if events.is_empty() {
            self.fronts[lane] = e;
        }
        events.push_back(e);
    }

    /// The earliest event (first inserted among equal times).
    #[inline]
    pub fn pop(&mut self) -> Option<(Millis, E)> {
        let near = self.near.top();
        let mut best = near.min(self.far.top());
        let mut from = None;
        for (i, &front) in self.fronts.iter().enumerate() {
            if front < best {
                best = front;
                from = Some(i);
            }
        }
        let e = match from {
            Some(i) => {
                let lane = &mut self.lanes[i];
                let e = lane.pop_front().expect("a lane with a front entry has a front");
                self.fronts[i] = lane.front().copied().unwrap_or(EMPTY);
                e
            }
            None if best == EMPTY => return None,
            None if best == near => self.near.pop(),
            None => self.far.pop(),
        };
        self.now = time_of(e);
        Some((self.now, E::unpack(payload_of(e))))
    }

    /// Events waiting.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.near.len() + self.far.len() + self.lanes.iter().map(VecDeque::len).sum::<usize>()
    }
}

/// Four entries: one 64-byte cache line, the children of one node of [`Heap`].
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
struct Line([u128; 4]);

/// A four-way min-heap of entries whose every node's children share one cache line.
///
/// A pop walks from the root to the bottom, and each step waits for the load of the next children: four
/// children per node halve the steps of a binary heap, and with the four in one line each step is one load.
/// Node `n` sits at position `n + 3` (positions 0–2 are unused), so the children of the node at position `p`
/// are the positions `4p − 8 .. 4p − 4`, line `p − 2`, and its parent is at `p / 4 + 2`.
#[derive(Debug)]
struct Heap {
    /// Never empty: the root's position holds `EMPTY` while the heap is empty.
    lines: Vec<Line>,
    /// Entries held (at positions `3 .. len + 3`).
    len: usize,
}

/// The position of the root.
const ROOT: usize = 3;

impl Default for Heap {
    fn default() -> Heap {
        Heap { lines: vec![Line([EMPTY; 4])], len: 0 }
    }
}

impl Heap {
    #[inline(always)]
    fn at(&self, p: usize) -> u128 {
        self.lines[p / 4].0[p % 4]
    }

    #[inline(always)]
    fn set(&mut self, p: usize, e: u128) {
        self.lines[p / 4].0[p % 4] = e;
    }

    /// The least entry (`EMPTY` when there is none).
    #[inline(always)]
    fn top(&self) -> u128 {
        self.lines[0].0[ROOT]
    }

    /// Entries held.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.len
    }

    /// Every entry, in no order.
    fn entries_mut(&mut self) -> impl Iterator<Item = &mut u128> {
        let len = self.len;
        self.lines.iter_mut().flat_map(|l| l.0.iter_mut()).skip(ROOT).take(len)
    }

    /// Adds an entry.
    #[inline]
    fn push(&mut self, e: u128) {
        let p = self.len + ROOT;
        if p / 4 == self.lines.len() {
            self.lines.push(Line([EMPTY; 4]));
        }
        self.len += 1;
        self.sift_up(p, e);
    }

    /// Puts `e` at position `p` or, while it is less than its parent, moves the parent down into `p` and goes
    /// up.
    #[inline(always)]
    fn sift_up(&mut self, mut p: usize, e: u128) {
        while p > ROOT {
            let parent = p / 4 + 2;
            let up = self.at(parent);
            if e >= up {
                break;
            }
            self.set(p, up);
            p = parent;
        }
        self.set(p, e);
    }

    /// Removes the least entry (the heap is not empty).
    #[inline]
    fn pop(&mut self) -> u128 {
        debug_assert!(self.len > 0, "a heap with a top");
        let top = self.at(ROOT);
        self.len -= 1;
        let end = self.len + ROOT;
        let last = self.at(end);
        // The vacated position holds no entry: a child beyond the end compares as the greatest.
        self.set(end, EMPTY);
        if end == ROOT {
            return top;
        }
        // Down to the bottom along the least children (no comparison with `last` on the way: it nearly always
        // belongs near the bottom), then up to where `last` belongs.
        let mut p = ROOT;
        while 4 * p - 8 < end {
            // The whole line: positions past the end hold EMPTY and are never the least.
            let c = self.lines[p - 2].0;
            let (a, ia) = if c[1] < c[0] { (c[1], 1) } else { (c[0], 0) };
            let (b, ib) = if c[3] < c[2] { (c[3], 3) } else { (c[2], 2) };
            let (least, i) = if b < a { (b, ib) } else { (a, ia) };
            self.set(p, least);
            p = 4 * p - 8 + i;
        }
        self.sift_up(p, last);
        top
    }
}

impl<E: Packed> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    impl<E: Packed> EventQueue<E> {
        /// Whether the next event comes from the far heap.
        fn far_is_next(&self) -> bool {
            let far = self.far.top();
            far < self.near.top() && self.fronts.iter().all(|&f| far < f)
        }
    }

    impl Packed for char {
        fn pack(self) -> u64 {
            u64::from(self)
        }
        fn unpack(bits: u64) -> char {
            char::from_u32(bits as u32).unwrap()
        }
    }

    impl Packed for u64 {
        fn pack(self) -> u64 {
            assert!(self < 1 << PAYLOAD_BITS);
            self
        }
        fn unpack(bits: u64) -> u64 {
            bits
        }
    }

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
        same_order_as_a_single_heap(0, 0);
    }

    /// The same far into a campaign (400 days of milliseconds): the wheel's slots are time modulo its
    /// horizon, and this run starts 1,024 slots before the wheel's end, so it crosses it.
    #[test]
    fn the_wheel_keeps_the_order_of_a_single_heap_late_in_a_long_run() {
        same_order_as_a_single_heap(0, 400 * DAY.0);
    }

    /// Random delays up to [`NEAR`] (all in the wheel) with ties, popped as they come: time runs through many
    /// turns of the wheel, and the order stays a single heap's.
    #[test]
    fn the_wheel_turns_many_times_in_the_order_of_a_single_heap() {
        let mut q = EventQueue::new();
        let mut model = BinaryHeap::new();
        let (mut seq, mut now, mut x) = (0u64, 0u64, 0x9e37_79b9_7f4a_7c15u64);
        for step in 0..400_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if model.len() < 64 {
                // Some events at the same time as others (a delay of 0 or of a slot's few milliseconds).
                let delay = match x % 4 {
                    0 => 0,
                    1 => (x >> 8) % 40,
                    _ => (x >> 8) % (NEAR.0 + 1),
                };
                q.push(Millis(now + delay), step);
                model.push(Reverse((now + delay, seq, step)));
                seq += 1;
            } else {
                let (t, e) = q.pop().unwrap();
                let Reverse((mt, _, me)) = model.pop().unwrap();
                assert_eq!((t.0, e), (mt, me), "step {step}");
                now = t.0;
            }
        }
        assert!(now > 10 * wheel::HORIZON, "the wheel turned ten times or more: {now} ms");
    }

    /// Sequence numbers run out about 10^8 events into a run: the events waiting (in the heap and the lanes)
    /// are renumbered, and the order stays the single heap's. Started just below the limit, the queue
    /// renumbers once, a thousand events in.
    #[test]
    fn renumbering_keeps_the_order_of_a_single_heap() {
        let renumbered = same_order_as_a_single_heap(SEQ_LIMIT - 1_000, 0);
        assert!(renumbered >= 1, "the sequence numbers ran out and were renumbered");
    }

    /// Runs the queue against a plain heap of (time, seq) from sequence number `start` and time `t0`; gives
    /// how often it renumbered.
    fn same_order_as_a_single_heap(start: u64, t0: u64) -> u32 {
        let delays = [0u64, 3_000, 4_000, 25_000, 1_000, 20_000, 60_000, 7, 8, 9, 10, 11, 12, 13, 14, 15];
        let mut q = EventQueue::new();
        q.seq = start;
        let (mut renumbered, mut far_pops) = (0, 0);
        let mut model = BinaryHeap::new();
        let (mut seq, mut now, mut x) = (0u64, t0, 0x2545_f491_4f6c_dd1du64);
        let (mut got, mut want) = (Vec::new(), Vec::new());
        for step in 0..300_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x % 7 < 4 || model.is_empty() {
                // Random delays (the heap), some beyond NEAR (the far heap), and the constant ones (lanes).
                let delay = if x % 11 == 0 {
                    (x >> 20) % 30_000
                } else if x % 13 == 0 {
                    (x >> 20) % (4 * NEAR.0)
                } else {
                    delays[(x >> 8) as usize % delays.len()]
                };
                renumbered += u32::from(q.seq == SEQ_LIMIT);
                if x % 3 == 0 {
                    q.push(Millis(now + delay), step);
                } else {
                    q.push_after(Millis(now), Millis(delay), step);
                }
                // After a renumbering the sequence numbers restart low: 300 000 steps from 1 000 below the
                // limit renumber once, then count on without reaching it again.
                assert!(q.seq <= SEQ_LIMIT);
                model.push(Reverse((now + delay, seq, step)));
                seq += 1;
            } else {
                far_pops += usize::from(q.far_is_next());
                let (t, e) = q.pop().unwrap();
                let Reverse((mt, _, me)) = model.pop().unwrap();
                got.push((t, e));
                want.push((Millis(mt), me));
                now = t.0;
            }
            assert_eq!(q.len(), model.len(), "step {step}");
        }
        while q.len() > 0 {
            far_pops += usize::from(q.far_is_next());
            got.push(q.pop().unwrap());
        }
        while let Some(Reverse((t, _, e))) = model.pop() {
            want.push((Millis(t), e));
        }
        assert_eq!(got, want);
        assert!(got.len() > 100_000);
        assert!(far_pops > 1_000, "the far heap took part: {far_pops} events");
        renumbered
    }
}
