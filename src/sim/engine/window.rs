//! The calls of a run by call id, held only while in play: a window over dial order from the oldest call not yet
//! released to the newest. Calls are released in dial order once they and every earlier call have ended, so
//! the run's records stream out in call-id order (the order of `calls.csv`) while memory grows only with the
//! calls in progress and the ended ones behind an older call still in progress.

use std::collections::VecDeque;
use std::ops::{Index, IndexMut};

use super::Call;

/// Calls in play, indexed by call id.
#[derive(Debug, Default)]
pub(super) struct CallWindow {
    calls: VecDeque<Call>,
    /// The call id of `calls[0]`.
    base: u32,
}

impl CallWindow {
    /// The id the next call gets.
    pub(super) fn next_id(&self) -> u32 {
        self.base + self.calls.len() as u32
    }

    /// Adds a call; returns its id.
    pub(super) fn push(&mut self, call: Call) -> u32 {
        self.calls.push_back(call);
        self.next_id() - 1
    }

    /// The call `id`, unless it has been released.
    pub(super) fn get(&self, id: u32) -> Option<&Call> {
        id.checked_sub(self.base).and_then(|i| self.calls.get(i as usize))
    }

    /// The oldest call, when it has ended, with its id ([`CallWindow::pop_front`] releases it).
    pub(super) fn ended_front(&self) -> Option<(u32, &Call)> {
        let call = self.calls.front()?;
        call.ended.get()?;
        Some((self.base, call))
    }

    /// Releases the oldest call.
    pub(super) fn pop_front(&mut self) {
        self.calls.pop_front().expect("a front call");
        self.base += 1;
    }
}

impl Index<u32> for CallWindow {
    type Output = Call;
    fn index(&self, id: u32) -> &Call {
        self.get(id).expect("a call in play")
    }
}

impl IndexMut<u32> for CallWindow {
    fn index_mut(&mut self, id: u32) -> &mut Call {
        let i = id.checked_sub(self.base).expect("a call in play");
        &mut self.calls[i as usize]
    }
}
