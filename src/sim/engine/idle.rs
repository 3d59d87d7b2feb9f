//! The idle agents in the order they became idle: an intrusive doubly-linked list over agent indices, so an
//! agent leaves from anywhere in O(1) and the longest-idle agent is at the front (the order a `VecDeque` with
//! `retain` gave, without its O(agents) scan per state change).

const NONE: u32 = u32::MAX;

/// Idle agents, longest idle first.
#[derive(Debug)]
pub(super) struct IdleAgents {
    prev: Vec<u32>,
    next: Vec<u32>,
    listed: Vec<bool>,
    head: u32,
    tail: u32,
    len: usize,
}

impl IdleAgents {
    /// An empty list for agents `0..agents`.
    pub(super) fn new(agents: usize) -> IdleAgents {
        IdleAgents {
            prev: vec![NONE; agents],
            next: vec![NONE; agents],
            listed: vec![false; agents],
            head: NONE,
            tail: NONE,
            len: 0,
        }
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
        let i = a as usize;
        debug_assert!(!self.listed[i], "agent {a} listed twice");
        self.listed[i] = true;
        self.prev[i] = self.tail;
        self.next[i] = NONE;
        if self.tail == NONE {
            self.head = a;
        } else {
            self.next[self.tail as usize] = a;
        }
        self.tail = a;
        self.len += 1;
    }

    /// Takes `a` out, wherever it is (nothing when it is not listed).
    #[inline]
    pub(super) fn remove(&mut self, a: u32) {
        let i = a as usize;
        if !self.listed[i] {
            return;
        }
        self.listed[i] = false;
        let (p, n) = (self.prev[i], self.next[i]);
        if p == NONE {
            self.head = n;
        } else {
            self.next[p as usize] = n;
        }
        if n == NONE {
            self.tail = p;
        } else {
            self.prev[n as usize] = p;
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
