//! The dialer inside the engine: calling windows, the engine as the pacer's [`Floor`] (the pacing itself is in
//! [`crate::sim::pacing`], one pacer per mode), the end of a preview, and the choice of the next number (due
//! retries, then referrals, then fresh numbers).

use super::*;
use crate::sim::pacing::AgentPhase;

impl<'a> Engine<'a> {
    // ----- days and pacing -----

    pub(super) fn day_start(&mut self, d: u32) {
        self.window_open = true;
        self.day = d;
        // The agents come in on their shifts (see shifts.rs).
        self.last_recalc = self.now;
        self.run_pacer(|p, floor| p.day_start(floor));
    }

    pub(super) fn day_end(&mut self, _d: u32) {
        // Dialling stopped a margin before (dial_stop); the agents leave at their shifts' ends.
        self.window_open = false;
    }

    /// The pacer's timer.
    pub(super) fn recalc(&mut self, day: u32) {
        if !self.window_open || day != self.day {
            return;
        }
        self.run_pacer(|p, floor| p.recalc(floor));
    }

    /// Dials as many calls as the mode allows now.
    pub(super) fn pace(&mut self) {
        if !self.window_open || !self.paces {
            return;
        }
        self.run_pacer(|p, floor| p.pace(floor));
    }

    /// Tells the pacer what moved on (O(1); nothing while the pacer itself runs, when no call or agent moves).
    pub(super) fn observe(&mut self, observation: Observation) {
        if let Some(p) = self.pacer.as_mut() {
            p.observe(observation);
        }
    }

    /// Runs `f` on the pacer, with the engine as its floor.
    fn run_pacer(&mut self, f: impl FnOnce(&mut dyn Pacing, &mut dyn Floor)) {
        let mut pacer = self.pacer.take().expect("the pacer is not re-entered");
        f(pacer.as_mut(), self);
        self.pacer = Some(pacer);
    }

    pub(super) fn preview_done(&mut self, a: u32) {
        if !self.window_open || !self.dial(Some(a)) {
            self.agent_free(a);
        }
    }

    // ----- leads -----

    pub(super) fn has_lead(&mut self) -> bool {
        let retry_due = self.retries.next_due().is_some_and(|due| due <= self.now);
        if retry_due || !self.referrals.is_empty() || self.held_back_open() {
            return true;
        }
        let (key, p) = (self.key, self.s.compliance.faults.ignore_suppression);
        if self.fresh.has_next(&|k| flow::dials_anyway(key, p, k, 1)) {
            return true;
        }
        // Numbers held back for their calling hours: look again at the next minute.
        if self.deferred_len > 0 {
            self.look_again_next_minute();
        }
        false
    }

    /// Whether `number` has been dialled in this run: dialled as a referral, or a fresh number the list has
    /// passed and dialled (the list's cursor stands for the dialled set, which needs no memory). Every number
    /// in play came from one of the two.
    pub(super) fn dialled(&self, number: &PhoneNumber) -> bool {
        let key = number.key();
        let (seed_key, p) = (self.key, self.s.compliance.faults.ignore_suppression);
        self.referral_dialled.contains(&key) || self.fresh.passed(number, &|k| flow::dials_anyway(seed_key, p, k, 1))
    }

    /// The next number to dial whatever its calling hours: a retry that is due, else a referral, else a fresh
    /// number (see `hours.rs` for the calling hours).
    pub(super) fn next_lead_any(&mut self) -> Option<NumberState> {
        self.next_lead_of(true)
    }

    /// [`Engine::next_lead_any`], drawing a fresh number only when `fresh`.
    pub(super) fn next_lead_of(&mut self, fresh: bool) -> Option<NumberState> {
        while let Some(state) = self.retries.pop_due(self.now) {
            if state.locked_until > self.now {
                self.number_done(state);
                continue;
            }
            let key = state.number.key();
            if self.blocked(key) && !self.ignores_block(key, state.attempts + 1) {
                self.retry_hits += 1;
                self.number_done(state);
                continue;
            }
            // A referral stays a referral on every attempt: its link, and with it the Art. 14 notice.
            return Some(state);
        }
        while let Some((number, from)) = self.referrals.pop_front() {
            let key = number.key();
            if self.dialled(&number) {
                self.stats.compliance.referrals_dropped += 1;
                continue;
            }
            if self.blocked(key) {
                self.stats.compliance.referrals_dropped += 1;
                self.stats.compliance.suppression_hits += 1;
                continue;
            }
            if self.screened_out(&number) {
                continue;
            }
            return Some(NumberState::new(number, Some(from)));
        }
        if !fresh {
            return None;
        }
        loop {
            let (seed_key, p) = (self.key, self.s.compliance.faults.ignore_suppression);
            let (_, number, faulted) = self.fresh.next_number(&|k| flow::dials_anyway(seed_key, p, k, 1))?;
            if faulted {
                self.stats.compliance.faults_injected.ignore_suppression += 1;
            }
            let key = number.key();
            // A fresh number may have been dialled already as a referral: it is in play or done, never fresh.
            if self.referral_dialled.contains(&key) {
                continue;
            }
            // A fresh number may have been suppressed in this run (a referral that objected).
            if self.suppressed.contains(key) && !self.ignores_block(key, 1) {
                self.retry_hits += 1;
                continue;
            }
            // HLR pre-screening: a number the look-up calls dead is never dialled.
            if self.screened_out(&number) {
                continue;
            }
            return Some(NumberState::new(number, None));
        }
    }
}

impl Floor for Engine<'_> {
    fn now(&self) -> Millis {
        self.now
    }

    fn idle_agents(&self) -> usize {
        self.idle.len() - self.closing_idle
    }

    fn ringing(&self) -> u32 {
        self.ringing
    }

    fn in_progress(&self) -> u32 {
        self.in_progress
    }

    fn lines(&self) -> u32 {
        self.s.dialer.lines
    }

    fn dial(&mut self) -> bool {
        Engine::dial(self, None)
    }

    fn has_lead(&mut self) -> bool {
        Engine::has_lead(self)
    }

    fn preview(&mut self, seconds: f64) {
        let a = self.idle.front().expect("an idle agent to preview");
        self.set_agent(a, AgentState::Preview);
        self.queue.push(self.now + millis(seconds), Event::PreviewDone(a));
    }

    fn random(&mut self) -> f64 {
        self.rng.random()
    }

    fn wake_at(&mut self, time: Millis) {
        self.queue.push(time, Event::Recalc(self.day));
    }

    fn take_idle_share(&mut self) -> f64 {
        self.idle_area += self.idle.len() as f64 * (self.now - self.idle_mark).as_f64();
        self.idle_mark = self.now;
        let span = (self.now - self.last_recalc).max(Millis(1)).as_f64();
        let share = (self.idle_area / span / f64::from(self.logged_in.max(1))).clamp(0.0, 1.0);
        self.idle_area = 0.0;
        self.last_recalc = self.now;
        share
    }

    fn day_drop_rate(&self) -> f64 {
        self.stats.day_drop_rate(self.day)
    }

    fn report_level(&mut self, level: f64) {
        self.stats.dial_level.push((self.now.secs(), level));
    }

    fn report_interval_level(&mut self, level: f64) {
        self.stats.interval(self.now).dial_level = level;
    }

    fn blocked_dial(&mut self) {
        if self.counting() {
            self.stats.blocked_dials += 1;
        }
    }

    fn agents(&self) -> usize {
        self.agents.len()
    }

    fn agent_busy(&self, a: usize) -> Option<(AgentPhase, Millis)> {
        let agent = &self.agents[a];
        match agent.state {
            AgentState::Talking => Some((AgentPhase::Talk, agent.since)),
            AgentState::Wrap => Some((AgentPhase::Wrap, agent.since)),
            _ => None,
        }
    }

    fn waiting_calls(&self) -> u32 {
        self.waiting_calls
    }

    fn last_call(&self) -> Option<u32> {
        self.calls.next_id().checked_sub(1)
    }

    fn ringing_since(&self, id: u32) -> Option<Millis> {
        let call = self.calls.get(id)?;
        (call.live.is_none() && call.ended.is_none()).then_some(call.dialed)
    }

    fn day_drops(&self) -> u64 {
        self.stats.days[self.day as usize].drops
    }

    fn day_human_answers(&self) -> u64 {
        self.stats.days[self.day as usize].human_answers
    }

    fn window(&self) -> (Millis, Millis) {
        let start = u64::from(parse_hhmm(&self.s.run.day_start).unwrap_or(540)) * MINUTE;
        let open = u64::from(self.day) * DAY + start;
        (open, open + millis(self.s.run.day_hours * 3600.0))
    }

    fn set_amd(&mut self, on: bool) {
        self.amd = on && self.s.amd.enabled;
    }

    fn amd(&self) -> bool {
        self.amd
    }
}
