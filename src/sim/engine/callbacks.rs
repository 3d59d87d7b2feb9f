//! Callbacks in the engine: a connected person asks to be called at another time; the callback is due after a
//! delay, dialled by the agent who took the request (`same_agent`) or by any free agent, and kept (dialled) or
//! missed — the calling window or the person's calling hours closed at its time, the agent not logged in, or
//! no agent free within `max_wait_minutes`. A child module of the engine.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Pending,
    Kept,
    Missed,
}

#[derive(Clone, Debug)]
struct Entry {
    key: u64,
    /// The number's state, until the callback is kept (dialled) or missed.
    number: Option<NumberState>,
    /// The call that took the request.
    request: u32,
    agent: Option<u32>,
    state: State,
    counted: bool,
}

/// The run's callbacks, by id, and those waiting for a free agent.
#[derive(Debug, Default)]
pub(super) struct CallbackBook {
    entries: Vec<Entry>,
    /// Waiting for an agent (any agent, or the agent's own queue when `same_agent`), oldest first.
    waiting_any: VecDeque<u32>,
    waiting_agent: HashMap<u32, VecDeque<u32>>,
}

impl<'a> Engine<'a> {
    /// The call `c` ended with a callback request: the callback is booked.
    pub(super) fn schedule_callback(&mut self, c: u32, state: NumberState) {
        let call = &self.calls[c];
        let (key, attempt, agent, counted) = (call.number.key(), call.attempt, call.agent.get(), call.counted);
        let cb = &self.s.callbacks;
        let u1 = uniform(self.key, key, attempt, Purpose::CallbackDelay.id(), 0);
        let u2 = uniform(self.key, key, attempt, Purpose::CallbackDelay.id(), 1);
        let due = self.now + millis(sample(&cb.delay, u1, u2)).max(Millis(1));
        let id = self.callbacks.entries.len() as u32;
        self.callbacks.entries.push(Entry {
            key,
            number: Some(state),
            request: c,
            agent,
            state: State::Pending,
            counted,
        });
        if counted {
            self.stats.callbacks_scheduled += 1;
        }
        // The callback is an attempt like any other: a request on the last attempt allowed cannot be kept.
        if attempt >= self.s.dialer.max_attempts {
            self.callback_missed(id);
            return;
        }
        self.queue.push(due, Event::CallbackDue(id));
    }

    /// A callback's time has come.
    pub(super) fn callback_due(&mut self, id: u32) {
        let e = self.callbacks.entries[id as usize].clone();
        let group = self.hours.group(e.key);
        if !self.window_open || !self.hours.open(group, self.now) || self.blocked(e.key) {
            self.callback_missed(id);
            return;
        }
        let wait = millis(self.s.callbacks.max_wait_minutes * 60.0);
        // An idle agent the calls ringing may need is spoken for: taking them for a callback could leave a
        // person answering with nobody to talk to. Otherwise the callback waits for an agent to come free.
        let free = self.in_progress < self.s.dialer.lines && self.idle.len() > self.ringing as usize;
        if self.s.callbacks.same_agent
            && let Some(a) = e.agent
        {
            let agent = &self.agents[a as usize];
            if !agent.logged_in {
                self.callback_missed(id);
            } else if agent.state == AgentState::Idle && free {
                self.dial_callback(id, a);
            } else {
                self.callbacks.waiting_agent.entry(a).or_default().push_back(id);
                self.queue.push(self.now + wait, Event::CallbackExpire(id));
            }
            return;
        }
        match self.idle.front().filter(|_| free) {
            Some(a) => self.dial_callback(id, a),
            None => {
                self.callbacks.waiting_any.push_back(id);
                self.queue.push(self.now + wait, Event::CallbackExpire(id));
            }
        }
    }

    pub(super) fn callback_expire(&mut self, id: u32) {
        if self.callbacks.entries[id as usize].state == State::Pending {
            self.callback_missed(id);
        }
    }

    /// A free agent takes a callback waiting for them (or for anyone): true when one was dialled.
    pub(super) fn take_callback(&mut self, a: u32) -> bool {
        // Every line busy: the callbacks wait (for their longest wait) until one is free.
        if self.in_progress >= self.s.dialer.lines {
            return false;
        }
        loop {
            let id = match self.callbacks.waiting_agent.get_mut(&a).and_then(VecDeque::pop_front) {
                Some(id) => id,
                None => match self.callbacks.waiting_any.pop_front() {
                    Some(id) => id,
                    None => return false,
                },
            };
            if self.callbacks.entries[id as usize].state != State::Pending {
                continue;
            }
            let key = self.callbacks.entries[id as usize].key;
            let group = self.hours.group(key);
            if !self.window_open || !self.hours.open(group, self.now) {
                self.callback_missed(id);
                continue;
            }
            self.dial_callback(id, a);
            return true;
        }
    }

    /// Agent `a` left (shift end): the callbacks waiting for them are missed.
    pub(super) fn agent_left(&mut self, a: u32) {
        if let Some(q) = self.callbacks.waiting_agent.remove(&a) {
            for id in q {
                if self.callbacks.entries[id as usize].state == State::Pending {
                    self.callback_missed(id);
                }
            }
        }
    }

    fn dial_callback(&mut self, id: u32, a: u32) {
        let e = &mut self.callbacks.entries[id as usize];
        e.state = State::Kept;
        let (request, counted) = (e.request, e.counted);
        if counted {
            self.stats.callbacks_kept += 1;
        }
        self.forced = Some(e.number.take().expect("a pending callback holds its number"));
        self.forced_callback_of = Some(request);
        self.set_agent(a, AgentState::Preview);
        if !self.dial(Some(a)) {
            self.agent_free(a);
        }
    }

    fn callback_missed(&mut self, id: u32) {
        let e = &mut self.callbacks.entries[id as usize];
        e.state = State::Missed;
        let (number, counted) = (e.number.take(), e.counted);
        if counted {
            self.stats.callbacks_missed += 1;
        }
        if let Some(number) = number {
            self.number_done(number);
        }
    }

    /// The run ended: the numbers of callbacks still pending end with it.
    pub(super) fn fold_pending_callbacks(&mut self) {
        for e in &mut self.callbacks.entries {
            if let Some(number) = e.number.take() {
                self.stats.fold_number(number.best);
            }
        }
    }

    /// The fate of a callback attempt: the person answers with `callbacks.answer`, else it rings out. Other
    /// attempts keep the fate drawn.
    pub(super) fn callback_fate(&self, fate: Fate, key: u64, attempt: u32, callback_of: Option<u32>) -> Fate {
        if callback_of.is_none() || fate == Fate::Sit {
            return fate;
        }
        if uniform(self.key, key, attempt, Purpose::CallbackAnswer.id(), 0) < self.s.callbacks.answer {
            Fate::Person
        } else {
            Fate::NoAnswer
        }
    }
}
