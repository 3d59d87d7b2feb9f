//! An answered call in the engine: the end of ringing, answering-machine detection, a live answer waiting for
//! an agent, the drop after the drop timeout, and the connection to an agent. A child module of the engine.

use super::*;

impl Engine<'_> {
    pub(super) fn ring_end(&mut self, c: u32) {
        let call = &mut self.calls[c];
        // AMD screens what is answered while it is on; the record tells every attempt's state at this moment.
        call.amd = self.amd && call.reserved.is_none();
        match call.fate {
            Fate::Sit => self.finish(c, Outcome::NotInService),
            Fate::Busy => self.finish(c, Outcome::Busy),
            Fate::NoAnswer => self.finish(c, Outcome::NoAnswer),
            Fate::Person | Fate::Machine => {
                call.answered = Slot::of(self.now);
                // A call an agent dialled for themselves (a callback) is not screened: the agent is on the line.
                if call.amd {
                    let t = millis(self.s.amd.detect_time);
                    self.queue.push_after(self.now, t, Event::AmdDone(c));
                } else {
                    self.live(c);
                }
            }
        }
    }

    pub(super) fn amd_done(&mut self, c: u32) {
        let call = &self.calls[c];
        let (nk, attempt, fate) = (call.number.key(), call.attempt, call.fate);
        let u = uniform(self.key, nk, attempt, Purpose::Amd as u64, 0);
        match fate {
            Fate::Machine if u < self.s.amd.machine_detected => self.finish(c, Outcome::Machine),
            Fate::Person if u < self.s.amd.person_misdetected => {
                self.human_answer(c);
                self.finish(c, Outcome::AmdDrop)
            }
            _ => self.live(c),
        }
    }

    pub(super) fn human_answer(&mut self, c: u32) {
        if self.calls[c].counted {
            self.stats.interval(self.now).human_answers += 1;
            self.stats.human_answers += 1;
            self.stats.day_mut(self.day).human_answers += 1;
        }
    }

    /// An answered call that needs an agent (a person, or a machine AMD missed).
    pub(super) fn live(&mut self, c: u32) {
        self.ringing -= 1;
        self.observe(Observation::Ring { age: self.now - self.calls[c].dialed, live: true });
        self.calls[c].live = Slot::of(self.now);
        let call = &self.calls[c];
        if call.fate == Fate::Person {
            self.human_answer(c);
        }
        let call = &self.calls[c];
        if let Some(a) = call.reserved.get() {
            self.connect(c, a);
            return;
        }
        if let Some(a) = self.idle.front() {
            self.connect(c, a);
            return;
        }
        let answered = call.answered.get().expect("answered");
        let (nk, attempt, person) = (call.number.key(), call.attempt, call.fate == Fate::Person);
        let mut limit = self.drop_timeout;
        // Patience is a person's: an answering machine waits until the dialer drops it.
        if person && let Some(p) = &self.s.population.patience {
            limit = limit.min(millis(sample_for(p, self.key, nk, attempt, Purpose::Patience)));
        }
        let deadline = answered.saturating_add(limit);
        if deadline <= self.now {
            self.drop_call(c);
            return;
        }
        self.calls[c].waiting = true;
        self.waiting_calls += 1;
        self.waiting.push_back(c);
        if self.s.population.patience.is_none() {
            // The drop timeout from the pick-up: a constant delay from now (a queue lane).
            self.queue.push_after(self.now, deadline - self.now, Event::WaitTimeout(c));
        } else {
            self.queue.push(deadline, Event::WaitTimeout(c));
        }
        self.pace();
    }

    pub(super) fn wait_timeout(&mut self, c: u32) {
        // A call put through in time may have ended and been released since.
        if !self.calls.get(c).is_some_and(|call| call.waiting) {
            return;
        }
        self.calls[c].waiting = false;
        self.waiting_calls -= 1;
        self.drop_call(c);
        self.skip_stale_waiting();
    }

    /// Hangs up on an answered call no agent took in time: a live person is an abandoned call (the number
    /// locked for the drop lockout), an undetected machine only a machine dropped (redialled as a machine).
    /// A person put through after the silence limit is an abandoned call too ([`Engine::connect`]).
    pub(super) fn drop_call(&mut self, c: u32) {
        if self.calls[c].fate != Fate::Person {
            self.finish(c, Outcome::MachineDropped);
            return;
        }
        let lock = millis(self.s.dialer.drop_lockout_hours * 3600.0);
        self.calls[c].locked_until = self.now + lock;
        self.finish(c, Outcome::Dropped);
    }

    pub(super) fn connect(&mut self, c: u32, a: u32) {
        let now = self.now;
        let call = &mut self.calls[c];
        call.connected = Slot::of(now);
        call.agent = Slot::of(a);
        if call.waiting {
            self.waiting_calls -= 1;
        }
        call.waiting = false;
        let wait = now - call.live.get().unwrap_or(now);
        let counted = call.counted;
        let is_person = call.fate == Fate::Person;
        if counted && is_person {
            self.stats.connects += 1;
            self.stats.interval(now).connects += 1;
            self.stats.wait_total_s += wait.secs();
            if wait > Millis::ZERO {
                self.stats.waited += 1;
            }
        }
        let (talk, outcome) = self.converse(c);
        let call = &mut self.calls[c];
        call.talk = talk;
        call.outcome = Some(outcome);
        // Put through after the silence limit (AMD's analysis included): an abandoned call, counted now so the
        // day's budget sees it as it comes, and its number locked as after a drop (Ofcom's 72 h rule is about
        // abandoned calls; only a callback, dialled by an agent on the line, may come within the lockout).
        if outcome.is_abandoned(call.silence().secs(), self.stats.max_silence_s) {
            call.locked_until = call.locked_until.max(now + millis(self.s.dialer.drop_lockout_hours * 3600.0));
            if counted {
                self.stats.abandoned(self.day, now);
            }
        }
        self.agents[a as usize].call = Some(c);
        self.set_agent(a, AgentState::Talking);
        self.queue.push(now + talk, Event::TalkEnd(a));
    }

    /// Drops the calls at the front of `waiting` that no longer wait (lazy deletion: O(1) amortised).
    pub(super) fn skip_stale_waiting(&mut self) {
        while let Some(&c) = self.waiting.front() {
            if self.calls.get(c).is_some_and(|call| call.waiting) {
                break;
            }
            self.waiting.pop_front();
        }
    }
}
