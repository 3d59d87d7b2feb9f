//! The dialer inside the engine: calling windows, pacing by mode (the predictive dial level), Poisson dialling,
//! preview, and the choice of the next number (due retries, then referrals, then fresh numbers).

use super::*;

impl<'a> Engine<'a> {
    // ----- days and pacing -----

    pub(super) fn day_start(&mut self, d: u32) {
        self.window_open = true;
        self.day = d;
        for a in 0..self.agents.len() as u32 {
            if self.agents[a as usize].state == AgentState::Off {
                self.set_agent(a, AgentState::Idle);
            }
        }
        self.last_recalc = self.now;
        match self.s.dialer.mode {
            DialerMode::Predictive => {
                self.stats.dial_level.push((self.now as f64 / 1000.0, self.level));
                self.queue.push(self.now + millis(self.s.dialer.recalc_interval), Event::Recalc);
            }
            DialerMode::Rate => self.schedule_rate_dial(),
            _ => {}
        }
        self.pace();
    }

    pub(super) fn day_end(&mut self, _d: u32) {
        self.window_open = false;
        // Idle agents go home; busy ones finish their call first (see wrap_end).
        for a in 0..self.agents.len() as u32 {
            if self.agents[a as usize].state == AgentState::Idle {
                self.set_agent(a, AgentState::Off);
            }
        }
    }

    pub(super) fn recalc(&mut self) {
        if !self.window_open {
            return;
        }
        let d = &self.s.dialer;
        self.idle_area += self.idle.len() as f64 * (self.now - self.idle_mark) as f64;
        self.idle_mark = self.now;
        let span = (self.now - self.last_recalc).max(1) as f64;
        let idle_share = (self.idle_area / span / f64::from(d.agents)).clamp(0.0, 1.0);
        self.idle_area = 0.0;
        self.last_recalc = self.now;
        let drop_rate = self.stats.day_drop_rate(self.day);
        // Modelled on VICIdial's adaptive pacing: a hard limit (back to 1.0 once the day's drop rate reaches the
        // target), otherwise the level rises with idle agents and falls as the drop rate nears the target.
        self.level = if drop_rate >= d.drop_target {
            1.0
        } else {
            let gap = (d.drop_target - drop_rate) / d.drop_target.max(1e-9);
            let up = 0.5 * gap * idle_share * self.level;
            let down = 0.5 * (1.0 - gap) * (self.level - 1.0);
            (self.level + up - down).clamp(1.0, d.max_level)
        };
        self.stats.dial_level.push((self.now as f64 / 1000.0, self.level));
        self.stats.interval(self.now).dial_level = self.level;
        self.queue.push(self.now + millis(d.recalc_interval), Event::Recalc);
        self.pace();
    }

    /// Dials as many calls as the mode allows now.
    pub(super) fn pace(&mut self) {
        if !self.window_open {
            return;
        }
        let d = &self.s.dialer;
        match d.mode {
            DialerMode::Rate => {}
            DialerMode::Preview => {
                while let Some(&a) = self.idle.front() {
                    if !self.has_lead() {
                        break;
                    }
                    self.set_agent(a, AgentState::Preview);
                    let t = sample(&d.preview, self.rng.random(), self.rng.random());
                    self.queue.push(self.now + millis(t), Event::PreviewDone(a));
                }
            }
            DialerMode::Progressive | DialerMode::Predictive => {
                let level = if d.mode == DialerMode::Progressive { 1.0 } else { self.level };
                let target = (level * self.idle_count() as f64).round() as u32;
                while self.ringing < target && self.in_progress < d.lines {
                    if !self.dial(None) {
                        break;
                    }
                }
            }
        }
    }

    pub(super) fn schedule_rate_dial(&mut self) {
        let gap = -(1.0f64 - self.rng.random::<f64>()).ln() * 3600.0 / self.s.dialer.rate_per_hour;
        self.queue.push(self.now + millis(gap).max(1), Event::RateDial);
    }

    pub(super) fn rate_dial(&mut self) {
        if !self.window_open {
            return;
        }
        if self.in_progress < self.s.dialer.lines {
            self.dial(None);
        } else if self.counting() {
            self.stats.blocked_dials += 1;
        }
        self.schedule_rate_dial();
    }

    pub(super) fn preview_done(&mut self, a: u32) {
        if !self.window_open {
            self.set_agent(a, AgentState::Off);
        } else if !self.dial(Some(a)) {
            self.set_agent(a, AgentState::Idle);
        }
    }

    // ----- leads -----

    pub(super) fn has_lead(&mut self) -> bool {
        let retry_due = self.retries.peek().is_some_and(|std::cmp::Reverse((due, _, _))| *due <= self.now);
        if retry_due || !self.referrals.is_empty() {
            return true;
        }
        let (key, p) = (self.key, self.s.compliance.faults.ignore_suppression);
        self.fresh.has_next(&|k| flow::dials_anyway(key, p, k, 1))
    }

    /// Whether `number` has been dialled in this run: in play, dialled as a referral, or a fresh number the
    /// list has passed and dialled (the list's cursor stands for the dialled set, which needs no memory).
    pub(super) fn dialled(&self, number: &PhoneNumber) -> bool {
        let key = number.key();
        let (seed_key, p) = (self.key, self.s.compliance.faults.ignore_suppression);
        self.numbers.contains_key(&key)
            || self.referral_dialled.contains(&key)
            || self.fresh.passed(number, &|k| flow::dials_anyway(seed_key, p, k, 1))
    }

    /// The next number to dial: a retry that is due, else a referral, else a fresh number.
    pub(super) fn next_lead(&mut self) -> Option<(PhoneNumber, u32, Option<u32>)> {
        while let Some(&std::cmp::Reverse((due, _, _))) = self.retries.peek() {
            if due > self.now {
                break;
            }
            let std::cmp::Reverse((_, _, key)) = self.retries.pop().expect("peeked");
            let state = self.numbers.get(&key).expect("retried numbers are known");
            if state.locked_until > self.now {
                self.number_done(key);
                continue;
            }
            let (number, attempt) = (state.number, state.attempts + 1);
            if self.blocked(key) && !self.ignores_block(key, attempt) {
                self.retry_hits += 1;
                self.number_done(key);
                continue;
            }
            return Some((number, attempt, None));
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
            return Some((number, 1, Some(from)));
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
            if self.suppressed.contains_key(&key) && !self.ignores_block(key, 1) {
                self.retry_hits += 1;
                continue;
            }
            return Some((number, 1, None));
        }
    }
}
