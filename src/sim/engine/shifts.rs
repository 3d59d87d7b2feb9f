//! Agents and their days in the engine: agent state changes and their time (logged-in, busy, overtime), the
//! end of a talk and of a wrap-up, and the day plan — each open day is planned at its midnight: the calling
//! window (open, the last dial a margin before the close, the close) and every agent's shift, breaks and
//! absence. An agent who is busy when the shift ends or a break is due finishes the call first; time past the
//! shift's end is overtime, kept apart from logged-in time. A child module of the engine.

use super::*;

/// One agent group's hours, in ms after the day's midnight.
#[derive(Clone, Debug)]
pub(super) struct ShiftPlan {
    agents: u32,
    start: Millis,
    end: Millis,
    breaks: u32,
    break_ms: Millis,
    absence: f64,
}

/// The scenario's agent groups: its `[[shifts]]`, or `dialer.agents` over the calling window.
pub(super) fn plan(s: &Scenario) -> Vec<ShiftPlan> {
    if s.shifts.is_empty() {
        let start = u64::from(parse_hhmm(&s.run.day_start).unwrap_or(540)) * MINUTE;
        return vec![ShiftPlan {
            agents: s.dialer.agents,
            start,
            end: start + millis(s.run.day_hours * 3600.0),
            breaks: 0,
            break_ms: Millis::ZERO,
            absence: 0.0,
        }];
    }
    s.shifts
        .iter()
        .map(|sh| ShiftPlan {
            agents: sh.agents.unwrap_or(s.dialer.agents),
            start: u64::from(sh.minutes(&s.run).0.unwrap_or(0)) * MINUTE,
            end: u64::from(sh.minutes(&s.run).1.unwrap_or(1440)) * MINUTE,
            breaks: sh.breaks,
            break_ms: millis(sh.break_minutes * 60.0),
            absence: sh.absence,
        })
        .collect()
}

/// Agents of every group.
pub(super) fn agent_count(plan: &[ShiftPlan]) -> usize {
    plan.iter().map(|g| g.agents as usize).sum()
}

/// The agents, logged out, in group order.
pub(super) fn agents(plan: &[ShiftPlan]) -> Vec<Agent> {
    let mut out = Vec::with_capacity(agent_count(plan));
    for (g, group) in plan.iter().enumerate() {
        for _ in 0..group.agents {
            out.push(Agent {
                state: AgentState::Off,
                since: Millis::ZERO,
                call: None,
                logged_in: false,
                on_break: false,
                break_due: None,
                shift_end: Millis::ZERO,
                closing: false,
                group: g as u16,
            });
        }
    }
    out
}

impl<'a> Engine<'a> {
    /// Moves agent `a` to `state`, adding the time spent in the old state to the counts and the intervals.
    pub(super) fn set_agent(&mut self, a: u32, state: AgentState) {
        let now = self.now;
        self.idle_area += self.idle.len() as f64 * (now - self.idle_mark).as_f64();
        self.idle_mark = now;
        let warm = self.warmup_end;
        let agent = &mut self.agents[a as usize];
        let from = agent.since.max(warm);
        // Time past the shift's end (finishing a call) is overtime, not logged-in time.
        let until = now.min(agent.shift_end.max(from));
        if agent.state != AgentState::Off && now > until {
            self.stats.agent_overtime_s += (now - until).secs();
        }
        let now = until;
        if now > from {
            let span = (now - from).secs();
            match agent.state {
                AgentState::Idle => self.stats.agent_idle_s += span,
                AgentState::Preview => self.stats.agent_preview_s += span,
                AgentState::Talking => self.stats.agent_talk_s += span,
                AgentState::Wrap => self.stats.agent_wrap_s += span,
                AgentState::Off => {}
            }
            if agent.state != AgentState::Off {
                let busy = matches!(agent.state, AgentState::Talking | AgentState::Wrap);
                self.stats.agent_time(from, now, busy);
            }
        }
        if agent.state == AgentState::Idle {
            self.idle.remove(a);
            if agent.closing {
                self.closing_idle -= 1;
            }
        }
        if state == AgentState::Idle && agent.closing {
            self.closing_idle += 1;
        }
        agent.state = state;
        agent.since = self.now;
        if state == AgentState::Idle {
            self.idle.push_back(a);
        }
    }

    pub(super) fn talk_end(&mut self, a: u32) {
        let c = self.agents[a as usize].call.expect("talking agent has a call");
        let call = &self.calls[c];
        let wrap = millis(sample_for(&self.s.agents.wrap, self.key, call.number.key(), call.attempt, Purpose::Wrap));
        let outcome = call.outcome.expect("decided at connect");
        self.observe(Observation::Talk(self.calls[c].talk));
        self.calls[c].wrap = wrap;
        self.finish(c, outcome);
        self.set_agent(a, AgentState::Wrap);
        if matches!(self.s.agents.wrap, Dist::Fixed { .. }) {
            self.queue.push_after(self.now, wrap, Event::WrapEnd(a));
        } else {
            self.queue.push(self.now + wrap, Event::WrapEnd(a));
        }
    }

    pub(super) fn wrap_end(&mut self, a: u32) {
        self.agents[a as usize].call = None;
        self.observe(Observation::Wrap(self.now - self.agents[a as usize].since));
        self.agent_free(a);
    }

    /// Midnight of open day `d`: its window and its shifts.
    pub(super) fn day_plan(&mut self, d: u32) {
        let s = self.s;
        let midnight = u64::from(d) * DAY;
        let open = midnight + u64::from(parse_hhmm(&s.run.day_start).unwrap_or(540)) * MINUTE;
        let close = open + millis(s.run.day_hours * 3600.0);
        let mut a = 0u32;
        for g in 0..self.shifts.len() {
            let plan = self.shifts[g].clone();
            for _ in 0..plan.agents {
                let absent =
                    plan.absence > 0.0 && uniform(self.key, u64::from(a), d, Purpose::Absence.id(), 0) < plan.absence;
                if absent {
                    self.stats.agent_absences += 1;
                } else {
                    self.queue.push(midnight + plan.start, Event::ShiftStart(a));
                    let closing = (plan.end - plan.start).saturating_sub(self.last_dial_margin());
                    self.queue.push(midnight + plan.start + closing, Event::ShiftClosing(a));
                    self.queue.push(midnight + plan.end, Event::ShiftEnd(a));
                    let len = plan.end - plan.start;
                    for k in 0..plan.breaks {
                        // Spread evenly, each agent up to ±10 minutes off so the floor does not empty at once.
                        let even = len * u64::from(k + 1) / u64::from(plan.breaks + 1);
                        let u = uniform(self.key, u64::from(a), d, Purpose::BreakJitter.id(), u64::from(k));
                        let jitter = ((u - 0.5) * 20.0 * MINUTE.as_f64()) as i64;
                        let at = (plan.start + even).saturating_add_signed(jitter).clamp(plan.start, plan.end);
                        self.queue.push(midnight + at, Event::BreakStart(a));
                    }
                }
                a += 1;
            }
        }
        // After the shifts: agents starting at the window's opening are in before the pacer's day starts.
        self.queue.push(open, Event::DayStart(d));
        self.queue.push(close.saturating_sub(self.last_dial_margin()).max(open), Event::DialStop(d));
        self.queue.push(close, Event::DayEnd(d));
    }

    /// No call is dialled after this point of the day: every call dialled before it is answered or given up
    /// (ring timeout, AMD analysis, drop timeout) while the agents are still logged in.
    pub(super) fn last_dial_margin(&self) -> Millis {
        let s = self.s;
        match s.calendar.last_dial_margin_s {
            Some(m) => millis(m),
            // An arrival stream (rate mode) runs to the window's end: see Pacing::stops_before_the_close.
            None if !self.stops_before_the_close => Millis::ZERO,
            None => {
                let amd = if self.amd { s.amd.detect_time } else { 0.0 };
                millis(s.dialer.ring_timeout.max(15.0) + amd + s.dialer.drop_timeout.min(60.0))
            }
        }
    }

    pub(super) fn dial_stop(&mut self, d: u32) {
        if d == self.day {
            self.window_open = false;
        }
    }

    pub(super) fn shift_start(&mut self, a: u32) {
        let end = {
            let g = self.agents[a as usize].group as usize;
            self.now - self.now % DAY + self.shifts[g].end
        };
        if self.agents[a as usize].state != AgentState::Off {
            // Still finishing yesterday's call: its time up to now is accounted before the new shift begins.
            let state = self.agents[a as usize].state;
            self.set_agent(a, state);
        }
        let agent = &mut self.agents[a as usize];
        agent.shift_end = end;
        agent.on_break = false;
        agent.break_due = None;
        if !agent.logged_in {
            agent.logged_in = true;
            self.logged_in += 1;
        }
        if self.agents[a as usize].state == AgentState::Off {
            self.agent_free(a);
        }
    }

    /// The last-dial margin before agent `a`'s shift ends: calls already dialled may still reach the agent,
    /// but the pacer dials no more for them.
    pub(super) fn shift_closing(&mut self, a: u32) {
        let agent = &mut self.agents[a as usize];
        if !agent.logged_in || agent.closing {
            return;
        }
        agent.closing = true;
        if agent.state == AgentState::Idle {
            self.closing_idle += 1;
        }
    }

    pub(super) fn shift_end(&mut self, a: u32) {
        let agent = &mut self.agents[a as usize];
        if agent.logged_in {
            agent.logged_in = false;
            self.logged_in -= 1;
        }
        if self.agents[a as usize].state == AgentState::Idle {
            self.set_agent(a, AgentState::Off);
        }
        self.agents[a as usize].closing = false;
        self.agent_left(a);
    }

    pub(super) fn break_start(&mut self, a: u32) {
        let g = self.agents[a as usize].group as usize;
        let length = self.shifts[g].break_ms;
        let agent = &mut self.agents[a as usize];
        if !agent.logged_in || agent.on_break || length == Millis::ZERO {
            return;
        }
        agent.on_break = true;
        if agent.state == AgentState::Idle {
            self.set_agent(a, AgentState::Off);
            self.queue.push(self.now + length, Event::BreakEnd(a));
        } else {
            // Busy: the break begins once the call is wrapped up (agent_free).
            agent.break_due = Some(length);
        }
    }

    pub(super) fn break_end(&mut self, a: u32) {
        let agent = &mut self.agents[a as usize];
        agent.on_break = false;
        if agent.logged_in && agent.state == AgentState::Off {
            self.agent_free(a);
        }
    }

    /// An agent with no call: takes a due break, or (logged in) a person waiting, a callback, or the pacer's
    /// next call; otherwise goes home.
    pub(super) fn agent_free(&mut self, a: u32) {
        let agent = &mut self.agents[a as usize];
        if let Some(length) = agent.break_due.take() {
            self.set_agent(a, AgentState::Off);
            self.queue.push(self.now + length, Event::BreakEnd(a));
            return;
        }
        // Persons already on the line are served, also by an agent whose shift is over once the window has
        // closed (the last calls of the day); then the agent goes home.
        let serves = !agent.on_break && (agent.logged_in || !self.window_open);
        if serves {
            self.skip_stale_waiting();
            if let Some(c) = self.waiting.pop_front() {
                // Straight to the call: a pass through Idle would last no time and count none.
                self.connect(c, a);
                return;
            }
        }
        let agent = &self.agents[a as usize];
        if !agent.logged_in || agent.on_break {
            if agent.state != AgentState::Off {
                self.set_agent(a, AgentState::Off);
            }
            return;
        }
        if self.take_callback(a) {
            return;
        }
        if self.agents[a as usize].state != AgentState::Idle {
            self.set_agent(a, AgentState::Idle);
        }
        self.pace();
    }
}
