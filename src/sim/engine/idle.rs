//! The idle agents in the order they became idle: an intrusive doubly-linked list over agent indices, so an
//! agent leaves from anywhere in O(1) and the longest-idle agent is at the front (the order a `VecDeque` with
//! `retain` gave, without its O(agents) scan per state change).

const NONE: u32 = u32::MAX;
/// An agent's `prev` while it is not in the list (no agent has this index).
const UNLISTED: u32 = u32::MAX - 1;

/// An agent's place in the list: both neighbours in 8 bytes, so that a change reads and writes one cache line
/// per agent it touches (with 2,000 agents, three separate arrays were three lines each).
#[derive(Clone, Copy, Debug)]
struct Link {
    /// The agent before (`NONE` at the front), or `UNLISTED`.
    prev: u32,
    /// The agent after (`NONE` at the back).
    next: u32,
}

/// Idle agents, longest idle first.
#[derive(Debug)]
pub(super) struct IdleAgents {
    links: Vec<Link>,
    head: u32,
    tail: u32,
    len: usize,
}

impl IdleAgents {
    /// An empty list for agents `0..agents`.
    pub(super) fn new(agents: usize) -> IdleAgents {
        IdleAgents { links: vec![Link { prev: UNLISTED, next: NONE }; agents], head: NONE, tail: NONE, len: 0 }
    }

    /// Agents in the list.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The longest-idle agent.
    #[inline]
    pub(super) fn front(&self) -> Option<u32> {
        (self.head != NONE).then_some(self.head)
    }

    /// Adds `a` at the back (it must not be listed).
    #[inline]
    pub(super) fn push_back(&mut self, a: u32) {
        debug_assert!(self.links[a as usize].prev == UNLISTED, "agent {a} listed twice");
        self.links[a as usize] = Link { prev: self.tail, next: NONE };
        if self.tail == NONE {
            self.head = a;
        } else {
            self.links[self.tail as usize].next = a;
        }
        self.tail = a;
        self.len += 1;
    }

    /// Takes `a` out, wherever it is (nothing when it is not listed).
    #[inline]
    pub(super) fn remove(&mut self, a: u32) {
        let Link { prev: p, next: n } = self.links[a as usize];
        if p == UNLISTED {
            return;
        }
        self.links[a as usize].prev = UNLISTED;
        if p == NONE {
            self.head = n;
        } else {
            self.links[p as usize].next = n;
        }
        if n == NONE {
            self.tail = p;
        } else {
            self.links[n as usize].prev = p;
        }
        self.len -= 1;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;

    /// Against the `VecDeque` + `retain` it replaced, over a long pseudo-random walk of pushes and removals.
    #[test]
    fn idle_list_keeps_the_order_of_a_deque_with_retain() {
        let n = 37u32;
        let mut list = IdleAgents::new(n as usize);
        let mut model: VecDeque<u32> = VecDeque::new();
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for step in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let a = (x % u64::from(n)) as u32;
            if model.contains(&a) {
                model.retain(|&y| y != a);
                list.remove(a);
            } else {
                model.push_back(a);
                list.push_back(a);
            }
            assert_eq!(list.len(), model.len(), "step {step}");
            assert_eq!(list.front(), model.front().copied(), "step {step}");
        }
        let mut order = Vec::new();
        while let Some(a) = list.front() {
            order.push(a);
            list.remove(a);
        }
        assert_eq!(order, Vec::from(model));
    }
}
