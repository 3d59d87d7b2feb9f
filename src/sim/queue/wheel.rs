//! The near events as a timing wheel: a slot per [`SLOT_MS`] milliseconds over a horizon longer than
//! [`super::NEAR`], each slot a list of entries sorted by (time, seq), and a two-level bitmap of the slots that
//! hold entries. A push costs a walk of its slot's short list; a pop takes the head of the least slot and
//! finds the next one in the bitmap, whatever the number of entries. A four-way heap's pop walks its whole
//! depth instead (six levels at 2,000 agents), which is where the size of a centre showed in its events per
//! second (BENCHMARKS.md, session 24).
//!
//! Every entry the wheel holds is due within `NEAR` of the least of them (the queue puts nothing else here),
//! and `NEAR` is less than the wheel's horizon, so slots never mix two turns of the wheel: walking the slots
//! forward from the least entry's, wrapping at the end, meets the entries in their (time, seq) order.

use super::{EMPTY, time_of};

/// Milliseconds a slot covers, as a power of two.
const SLOT_SHIFT: u32 = 4;
/// Milliseconds a slot covers.
pub(super) const SLOT_MS: u64 = 1 << SLOT_SHIFT;
/// Slots, as a power of two.
const SLOTS_SHIFT: u32 = 16;
/// Slots in the wheel.
const SLOTS: usize = 1 << SLOTS_SHIFT;
/// Milliseconds the wheel covers (about 17.5 minutes).
pub(super) const HORIZON: u64 = SLOT_MS << SLOTS_SHIFT;
/// Words of the slots' bitmap.
const WORDS: usize = SLOTS / 64;
/// Words of the bitmap of the bitmap's words.
const GROUPS: usize = WORDS / 64;
/// No node.
const NIL: u32 = u32::MAX;

/// An entry and the next node of its slot's list.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
struct Node {
    entry: u128,
    next: u32,
}

/// A timing wheel of entries (see the module's documentation).
#[derive(Debug)]
pub(super) struct Wheel {
    /// Each slot's first node (`NIL` when it is empty).
    heads: Vec<u32>,
    /// A bit per slot: set when it holds entries.
    bits: Vec<u64>,
    /// A bit per word of `bits`: set when the word is not zero.
    words: Vec<u64>,
    /// The nodes, used and free.
    nodes: Vec<Node>,
    /// The first free node (`NIL` when all are used).
    free: u32,
    /// The least entry (`EMPTY` when there is none) and its slot.
    top: u128,
    top_slot: usize,
}

impl Default for Wheel {
    fn default() -> Wheel {
        Wheel {
            heads: vec![NIL; SLOTS],
            bits: vec![0; WORDS],
            words: vec![0; GROUPS],
            nodes: Vec::new(),
            free: NIL,
            top: EMPTY,
            top_slot: 0,
        }
    }
}

#[inline(always)]
fn slot_of(e: u128) -> usize {
    (time_of(e).0 >> SLOT_SHIFT) as usize & (SLOTS - 1)
}

impl Wheel {
    /// The least entry (`EMPTY` when there is none).
    #[inline(always)]
    pub(super) fn top(&self) -> u128 {
        self.top
    }

    /// Adds an entry due within `NEAR` of every entry held.
    #[inline]
    pub(super) fn push(&mut self, e: u128) {
        let n = match self.free {
            NIL => {
                self.nodes.push(Node { entry: e, next: NIL });
                (self.nodes.len() - 1) as u32
            }
            n => {
                self.free = self.nodes[n as usize].next;
                self.nodes[n as usize].entry = e;
                n
            }
        };
        let s = slot_of(e);
        let head = self.heads[s];
        if head == NIL || e < self.nodes[head as usize].entry {
            self.nodes[n as usize].next = head;
            self.heads[s] = n;
            if head == NIL {
                self.bits[s / 64] |= 1 << (s % 64);
                self.words[s / 4096] |= 1 << (s / 64 % 64);
            }
        } else {
            // After the last node before `e` (entries mostly come in order: the list's end).
            let mut p = head;
            loop {
                let next = self.nodes[p as usize].next;
                if next == NIL || e < self.nodes[next as usize].entry {
                    self.nodes[n as usize].next = next;
                    self.nodes[p as usize].next = n;
                    break;
                }
                p = next;
            }
        }
        if e < self.top {
            self.top = e;
            self.top_slot = s;
        }
    }

    /// Removes the least entry (the wheel is not empty).
    #[inline]
    pub(super) fn pop(&mut self) -> u128 {
        let top = self.top;
        let s = self.top_slot;
        let n = self.heads[s];
        debug_assert!(n != NIL && self.nodes[n as usize].entry == top, "the top is its slot's head");
        let next = self.nodes[n as usize].next;
        self.nodes[n as usize].next = self.free;
        self.free = n;
        self.heads[s] = next;
        if next != NIL {
            self.top = self.nodes[next as usize].entry;
            return top;
        }
        self.bits[s / 64] &= !(1 << (s % 64));
        if self.bits[s / 64] == 0 {
            self.words[s / 4096] &= !(1 << (s / 64 % 64));
        }
        match self.next_slot(s) {
            Some(t) => {
                self.top_slot = t;
                self.top = self.nodes[self.heads[t] as usize].entry;
            }
            None => self.top = EMPTY,
        }
        top
    }

    /// The first slot holding entries at or after `from`, wrapping at the wheel's end.
    #[inline]
    fn next_slot(&self, from: usize) -> Option<usize> {
        let w = from / 64;
        let here = self.bits[w] & (u64::MAX << (from % 64));
        if here != 0 {
            return Some(w * 64 + here.trailing_zeros() as usize);
        }
        // The first word after `w` with a bit set, else (a turn ahead) the first from the wheel's start.
        let start = w + 1;
        if start < WORDS {
            let g = start / 64;
            let m = self.words[g] & (u64::MAX << (start % 64));
            if m != 0 {
                return Some(self.first_in_word(g * 64 + m.trailing_zeros() as usize));
            }
            for i in g + 1..GROUPS {
                if self.words[i] != 0 {
                    return Some(self.first_in_word(i * 64 + self.words[i].trailing_zeros() as usize));
                }
            }
        }
        (0..GROUPS)
            .find(|&i| self.words[i] != 0)
            .map(|i| self.first_in_word(i * 64 + self.words[i].trailing_zeros() as usize))
    }

    #[inline(always)]
    fn first_in_word(&self, w: usize) -> usize {
        w * 64 + self.bits[w].trailing_zeros() as usize
    }

    /// Every entry, in no order.
    pub(super) fn entries_mut(&mut self) -> impl Iterator<Item = &mut u128> {
        let mut live = vec![false; self.nodes.len()];
        for &head in &self.heads {
            let mut n = head;
            while n != NIL {
                live[n as usize] = true;
                n = self.nodes[n as usize].next;
            }
        }
        self.nodes.iter_mut().zip(live).filter(|(_, l)| *l).map(|(n, _)| &mut n.entry)
    }

    /// Takes the least entry again after the entries were renumbered (their order unchanged).
    pub(super) fn renumbered(&mut self) {
        if self.top != EMPTY {
            self.top = self.nodes[self.heads[self.top_slot] as usize].entry;
        }
    }

    /// Entries held.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.heads
            .iter()
            .map(|&h| {
                let (mut n, mut k) = (h, 0);
                while n != NIL {
                    k += 1;
                    n = self.nodes[n as usize].next;
                }
                k
            })
            .sum()
    }
}
