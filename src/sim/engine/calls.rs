//! A call's start (a lead drawn, a line taken, its ring scheduled) and its end (the line freed, the call
//! recorded, a retry scheduled). A child module of the engine.

use super::*;

impl<'a> Engine<'a> {
    /// Starts a call (for the previewing agent `reserved`, if any); false when there is nothing to dial.
    pub(super) fn dial(&mut self, reserved: Option<u32>) -> bool {
        let lead = loop {
            let Some(lead) = self.next_lead() else {
                return false;
            };
            // A referee not reached within the link's retention is forgotten: its link is erased (at the
            // run's end, from the records) and it is not dialled again.
            if self.link_expired(lead.referral_of) {
                self.number_done(lead);
                continue;
            }
            break lead;
        };
        let (number, attempt, referral_of) = (lead.number, lead.attempts + 1, lead.referral_of);
        let callback_of = self.forced_callback_of.take();
        let key = number.key();
        if referral_of.is_some() {
            self.referral_dialled.insert(key);
        }
        let p = &self.s.population;
        let nk = key;
        // The number's stratum (type, prefix) gives its rates and the answer curve their hour (see
        // `population`); a referee's number is a working number with answer rates of its own (the referral
        // model); a callback is answered at its own rate.
        let (fate, lookup, stratum) = self.fate(&number, attempt);
        let fate = if referral_of.is_some() { self.referee_fate(nk, attempt) } else { fate };
        let fate = self.callback_fate(fate, nk, attempt, callback_of);
        let ring_timeout = self.ring_timeout;
        // A tone, the ring timeout or a fixed pick-up delay: the same delay again and again (a queue lane).
        let constant = !matches!(fate, Fate::Person | Fate::Machine) || matches!(p.answer_delay, Dist::Fixed { .. });
        let delay = match fate {
            Fate::Sit => SIT_DELAY,
            Fate::Busy => BUSY_DELAY,
            Fate::NoAnswer => ring_timeout,
            Fate::Person | Fate::Machine => {
                millis(sample_for(&p.answer_delay, self.key, nk, attempt, Purpose::AnswerDelay)).min(ring_timeout)
            }
        };
        let fate =
            if matches!(fate, Fate::Person | Fate::Machine) && delay >= ring_timeout { Fate::NoAnswer } else { fate };
        // A look-up in real time holds the first attempt back (a constant delay: the lane stays one).
        let delay = delay + lookup;
        let counted = self.counting();
        let id = self.calls.push(Call {
            number,
            attempt,
            dialed: self.now,
            fate,
            answered: Slot::NONE,
            live: Slot::NONE,
            connected: Slot::NONE,
            ended: Slot::NONE,
            talk: Millis::ZERO,
            wrap: Millis::ZERO,
            agent: reserved.into(),
            reserved: reserved.into(),
            waiting: false,
            outcome: None,
            counted,
            offered: None,
            referral_of: referral_of.into(),
            callback_of: callback_of.into(),
            amd: self.amd && reserved.is_none(),
            locked_until: lead.locked_until,
            best: lead.best,
            stratum,
        });
        if counted {
            self.stats.dials += 1;
            self.stats.interval(self.now).dials += 1;
            self.stats.day_mut(self.day).dials += 1;
        }
        self.in_progress += 1;
        self.ringing += 1;
        if constant || delay == ring_timeout {
            self.queue.push_after(self.now, delay, Event::RingEnd(id));
        } else {
            self.queue.push(self.now + delay, Event::RingEnd(id));
        }
        true
    }

    /// Ends a call: frees its line, records it, schedules a retry.
    pub(super) fn finish(&mut self, c: u32, outcome: Outcome) {
        // A call still ringing (or in AMD analysis) stops ringing now; a live call stopped when it went live.
        if self.calls[c].live.is_none() {
            self.ringing -= 1;
            self.observe(Observation::Ring { age: self.now - self.calls[c].dialed, live: false });
        }
        self.in_progress -= 1;
        let now = self.now;
        let call = &mut self.calls[c];
        call.ended = Slot::of(now);
        call.outcome = Some(outcome);
        if call.counted {
            call.best = call.best.max(Some(outcome.aapor()));
        }
        let state = NumberState {
            number: call.number,
            attempts: call.attempt,
            locked_until: call.locked_until,
            best: call.best,
            referral_of: call.referral_of.get(),
        };
        let (attempt, counted, silence) = (call.attempt, call.counted, call.silence());
        if counted {
            self.stats.count_outcome(self.day, outcome, silence, now);
            self.bill(c);
        }
        let d = &self.s.dialer;
        let redial = match outcome {
            Outcome::Busy => Some(d.redial_busy_minutes),
            Outcome::NoAnswer => Some(d.redial_no_answer_minutes),
            // Ofcom: after AMD hung up on a machine, no repeat call within 24 h without an agent guaranteed;
            // the dialer holds the number that long (the audit's `amd-redial`), under the campaign's law or,
            // for a number of another country, under that country's.
            Outcome::Machine => {
                let ours = self.s.rules_on_day(self.day).amd_redial_h;
                let theirs = self.abroad.of_number(state.number.key(), self.day as usize).map(|(_, r)| r.amd_redial_h);
                Some(d.redial_machine_minutes.max(ours.max(theirs.unwrap_or(0.0)) * 60.0))
            }
            Outcome::MachineMessage | Outcome::MachineDropped => Some(d.redial_machine_minutes),
            Outcome::Dropped | Outcome::AmdDrop => Some(d.drop_lockout_hours * 60.0),
            _ => None,
        };
        if outcome == Outcome::Callback {
            self.schedule_callback(c, state);
        } else if let Some(minutes) = redial
            && attempt < d.max_attempts
        {
            self.retries.push(now, millis(minutes * 60.0), state);
        } else {
            self.number_done(state);
        }
        if let Some(a) = self.calls[c].reserved.get()
            && self.calls[c].connected.is_none()
        {
            self.agent_free(a);
        }
        self.release();
        self.pace();
    }
}
