//! Model: a state-aware predictive pacer in the spirit of Samuelson ("Predictive dialing for outbound telephone
//! call centers", Interfaces 29:5, 1999) and of the Markov-chain models of the literature: it launches calls so
//! that a live answer finds a free agent with the probability the day's abandonment budget allows.
//!
//! Every second it looks at the floor — the idle agents, each busy agent's phase and elapsed time, each ringing
//! call's elapsed ring time (every call from the oldest still ringing to the last dial) — and at distributions
//! it learns online from the campaign's own outcomes (the time to a live answer and the share of dials that go
//! live, by ring age; talk and wrap times), never from the scenario's parameters. A new call goes live after a
//! time L; an agent is free for it if it is idle or frees by L plus the grace a person waits (the drop timeout
//! less AMD's analysis). With supply S (idle agents plus each busy agent's chance of freeing in time) and demand
//! D (each ringing call's chance of going live first, the calls waiting, and the other new calls), both sums of
//! independent Bernoullis taken as normal, the n-th new call is dropped when it goes live with probability
//! P(D₍n−1₎ + 1 > S); the pacer launches the largest n whose probability stays at or below θ. Once a minute θ
//! moves (multiplicatively) toward the rate the rest of the day may run at: the target less what the day has
//! already spent, AMD misdetections and late connects included. The equations are in docs/pacing.md.
//!
//! Cost: O(log bins) per observation and O(agents·log agents + dials of one ring timeout) per one-second
//! decision (the busy agents sorted by elapsed time: agents still talking count in the talk distribution's risk
//! set, as censored durations) — about constant per event, since a floor's events grow with its agents. The
//! pacer's `pace` on each event does nothing once it has learned (before that it dials one call per free agent).

use super::estimate::{Histogram, normal_cdf};
use super::{AgentPhase, Floor, Observation, Pacing, dial_to_level};
use crate::scenario::{OnBudgetSpent, Scenario};
use crate::sim::queue::{Millis, SECOND, millis};

/// Seconds between decisions.
const TICK: Millis = SECOND;
/// Memory of the drop-rate estimate the control loop follows, ms.
const MEMORY: f64 = 20.0 * 60_000.0;
/// How far (in log θ) θ moves per control step for an error of the whole target. Small: the drop rate answers
/// θ with the lag of the rate's memory, and a faster loop swings θ, which costs occupancy at equal drops (0.3
/// gave 81.5 % occupancy at 2.74 % abandonment with 20 agents on bench-day, 0.05 gives 84.0 % at 2.80 %).
const GAIN: f64 = 0.05;
/// The share of the target aimed at: a margin so that a day's noise stays under the target.
pub(crate) const AIM: f64 = 0.9;
/// Observations needed before the model paces (until then: one call per free agent).
const WARM_RINGS: u64 = 200;
const WARM_DURATIONS: u64 = 30;
/// ... and this long since the first talk ended: the first talks to end are the short ones (long talks have not
/// ended yet), so an early talk distribution is too short and the pacer would over-dial.
const WARM_TIME: Millis = Millis::minutes(10);
/// Quantiles of the time to a live answer at which a new call is taken to go live (equally likely).
const LIVE_QUANTILES: [f64; H] = [0.1, 0.3, 0.5, 0.7, 0.9];
const H: usize = 5;
/// Quantiles of the wrap time convolved with the rest of a talk.
const WRAP_QUANTILES: [f64; 3] = [1.0 / 6.0, 0.5, 5.0 / 6.0];

/// The model-based pacer.
pub(crate) struct Model {
    /// The drop rate aimed at.
    aim: f64,
    /// The highest chance of a drop allowed for the last call launched.
    theta: f64,
    every: Millis,
    /// What a live person waits for an agent before the call is a drop, ms.
    grace: f64,
    max_level: f64,
    /// Ring ages at which calls stopped ringing: all of them, and those that went live.
    ring_all: Histogram,
    ring_live: Histogram,
    talk: Histogram,
    wrap: Histogram,
    /// The oldest call that may still ring.
    oldest: u32,
    /// The busy agents' phases and starts (a buffer reused every decision).
    busy: Vec<(AgentPhase, Millis)>,
    /// When the pacer first saw an ended talk.
    first_talk: Option<Millis>,
    next_control: Millis,
    seen: (u64, u64),
    recent: (f64, f64),
    launches: u64,
    frees: u64,
    level: f64,
}

impl Model {
    pub(crate) fn new(s: &Scenario) -> Model {
        let d = &s.dialer;
        let aim = AIM * d.drop_target;
        // AMD's analysis eats into the grace only when AMD runs: the budget keeps it off all day when the
        // analysis alone outlasts the silence limit (then the grace is the whole limit).
        let amd_off = super::budget::amd_outlasts_silence(s) && s.dialer.on_budget_spent != OnBudgetSpent::Continue;
        let amd = if s.amd.enabled && !amd_off { s.amd.detect_time } else { 0.0 };
        // A person waiting past the silence limit is abandoned even if put through before the drop timeout.
        let patience = d.drop_timeout.min(s.rules_on_day(0).max_silence_s);
        Model {
            aim,
            theta: Self::theta_start(aim),
            every: millis(d.recalc_interval),
            grace: (millis((patience - amd).max(0.0))).as_f64(),
            max_level: d.max_level,
            ring_all: Histogram::new(Millis(250), 4096),
            ring_live: Histogram::new(Millis(250), 4096),
            talk: Histogram::new(Millis(1000), 4096),
            wrap: Histogram::new(Millis(1000), 4096),
            oldest: 0,
            busy: Vec::new(),
            first_talk: None,
            next_control: Millis::ZERO,
            seen: (0, 0),
            recent: (0.0, 0.0),
            launches: 0,
            frees: 0,
            level: 1.0,
        }
    }

    /// θ at the start: the last call's drop chance at the mean rate aimed at. It yields less than that (the
    /// last call is the likeliest to drop; θ settles at about three times the rate with 20 agents), and the
    /// control climbs from the safe side: a start at 3× over-dialled floors of 200 agents into the budget.
    fn theta_start(aim: f64) -> f64 {
        aim.clamp(1e-3, 0.2)
    }

    fn warm(&self, now: Millis) -> bool {
        self.first_talk.is_some_and(|t| now >= t + WARM_TIME)
            && self.ring_all.count() >= WARM_RINGS
            && self.ring_live.count() >= WARM_DURATIONS
            && self.talk.count() >= WARM_DURATIONS
            && self.wrap.count() >= WARM_DURATIONS
    }

    /// The chance that a call still ringing at `age` ms goes live.
    pub(crate) fn live_after(&self, age: f64) -> f64 {
        let left = self.ring_all.count() as f64 - self.ring_all.at_most(age);
        if left < 0.5 {
            return 0.0;
        }
        ((self.ring_live.count() as f64 - self.ring_live.at_most(age)) / left).clamp(0.0, 1.0)
    }

    /// The chance that an agent `elapsed` ms into `phase` is free within `within` ms; `longer` agents of the
    /// same phase are further into it than this one (still running, they count in the risk set).
    fn frees_within(&self, phase: AgentPhase, elapsed: f64, longer: f64, within: f64, wraps: &[f64]) -> f64 {
        match phase {
            AgentPhase::Wrap => self.wrap.ends_by_with(elapsed, elapsed + within, longer),
            AgentPhase::Talk => {
                let sum: f64 =
                    wraps.iter().map(|&w| self.talk.ends_by_with(elapsed, elapsed + within - w, longer)).sum();
                sum / wraps.len() as f64
            }
        }
    }

    /// The chance that a call ringing at `age` ms goes live within `within` ms more.
    fn live_within(&self, age: f64, within: f64) -> f64 {
        let left = self.ring_all.count() as f64 - self.ring_all.at_most(age);
        if left < 0.5 {
            return 0.0;
        }
        ((self.ring_live.at_most(age + within) - self.ring_live.at_most(age)) / left).clamp(0.0, 1.0)
    }

    /// The calls to launch now: the largest n whose last call is dropped with probability at most θ.
    fn decide(&mut self, floor: &mut dyn Floor) {
        if self.first_talk.is_none() && self.talk.count() > 0 {
            self.first_talk = Some(floor.now());
        }
        if !self.warm(floor.now()) {
            dial_to_level(floor, 1.0);
            return;
        }
        let now = floor.now();
        // The new call goes live at one of these ages (equally likely); it is served by an agent idle or free
        // by then plus the grace, unless the calls that went live before it took them all.
        let horizons = LIVE_QUANTILES.map(|p| self.ring_live.quantile(p));
        let wraps = WRAP_QUANTILES.map(|p| self.wrap.quantile(p));
        let idle = floor.idle_agents() as f64;
        let (mut supply, mut supply_var) = ([idle; H], [0.0; H]);
        // Busy agents by phase, longest first: the i-th has i agents further into the same phase.
        let mut busy = std::mem::take(&mut self.busy);
        busy.clear();
        busy.extend((0..floor.agents()).filter_map(|a| floor.agent_busy(a)));
        busy.sort_unstable_by_key(|&(phase, since)| (phase == AgentPhase::Wrap, since));
        let mut longer = 0.0;
        for (i, &(phase, since)) in busy.iter().enumerate() {
            if i > 0 && busy[i - 1].0 != phase {
                longer = 0.0;
            }
            let elapsed = (now.saturating_sub(since)).as_f64();
            for k in 0..H {
                let f = self.frees_within(phase, elapsed, longer, horizons[k] + self.grace, &wraps);
                supply[k] += f;
                supply_var[k] += f * (1.0 - f);
            }
            longer += 1.0;
        }
        self.busy = busy;
        let (mut demand, mut demand_var) = ([f64::from(floor.waiting_calls()); H], [0.0; H]);
        // Every call that may still ring, whoever dialled it (the warm-up's too): from the oldest still ringing
        // to the last dial — the dials of one ring timeout.
        if let Some(last) = floor.last_call() {
            while self.oldest <= last && floor.ringing_since(self.oldest).is_none() {
                self.oldest += 1;
            }
            for id in self.oldest..=last {
                if let Some(dialled) = floor.ringing_since(id) {
                    let age = (now.saturating_sub(dialled)).as_f64();
                    for k in 0..H {
                        let q = self.live_within(age, horizons[k]);
                        demand[k] += q;
                        demand_var[k] += q * (1.0 - q);
                    }
                }
            }
        }
        let p = self.live_after(0.0);
        let drop_chance = |n: u32| {
            let m = f64::from(n - 1);
            let mut sum = 0.0;
            for k in 0..H {
                // The other new calls live before this one: by the k-th quantile, a share LIVE_QUANTILES[k].
                let others = p * LIVE_QUANTILES[k];
                let sd = (demand_var[k] + supply_var[k] + m * others * (1.0 - others)).sqrt().max(0.3);
                sum += normal_cdf((demand[k] + m * others + 0.5 - supply[k]) / sd);
            }
            sum / H as f64
        };
        let room = floor.lines().saturating_sub(floor.in_progress());
        // Never more than max_level calls ringing per agent on the floor.
        let most = (self.max_level * floor.agents() as f64).ceil() as u32;
        // And at most a tenth of the agents' worth of live answers per decision: a batch launched at once goes
        // live together, a tail the five answer ages average away (a floor of 200 agents leaving its warm-up
        // launched 250 calls in one second and dropped 8 % of the next ten minutes' answers). Counted in calls
        // (a tenth of the agents, whatever share of dials goes live) the cap bound the dial rate of a floor
        // dialling mostly dead numbers: on the default day 20 agents could not launch the 2 calls a second they
        // needed and ran at 65 % occupancy while 21 agents (3 a second) ran at 75 % (issue 25).
        let batch = (floor.agents() as f64 / 10.0 / p.max(0.01)).ceil() as u32;
        let cap = room.min(most.saturating_sub(floor.ringing())).min(batch);
        // The drop chance grows with n: the largest n at or under θ by bisection.
        let (mut lo, mut hi) = (0u32, cap);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if drop_chance(mid) <= self.theta { lo = mid } else { hi = mid - 1 }
        }
        for _ in 0..lo {
            if !floor.dial() {
                break;
            }
            self.launches += 1;
        }
    }

    /// Once a minute: θ toward the rate the rest of the day may run at.
    fn control(&mut self, floor: &mut dyn Floor) {
        let (drops, answers) = (floor.day_drops(), floor.day_human_answers());
        let fresh = (drops.saturating_sub(self.seen.0) as f64, answers.saturating_sub(self.seen.1) as f64);
        self.seen = (drops, answers);
        let keep = (-(self.every.as_f64()) / MEMORY).exp();
        self.recent = (keep * self.recent.0 + fresh.0, keep * self.recent.1 + fresh.1);
        let now = floor.now();
        let (open, close) = floor.window();
        let (spent, left) = ((now.saturating_sub(open)).as_f64(), (close.saturating_sub(now)).as_f64());
        let rest = if spent > 0.0 { answers as f64 * left / spent } else { 0.0 };
        let allowed = if rest >= 1.0 {
            ((self.aim * (answers as f64 + rest) - drops as f64) / rest).clamp(0.0, 2.0 * self.aim)
        } else {
            self.aim
        };
        if self.recent.1 >= 5.0 && self.aim > 0.0 {
            let rate = self.recent.0 / self.recent.1;
            let error = ((allowed - rate) / self.aim).clamp(-2.0, 2.0);
            // Bounded around its start: a floor too small to drop for an hour must not wind θ up into a burst.
            let start = Self::theta_start(self.aim);
            self.theta = (self.theta * (GAIN * error).exp()).clamp(start / 20.0, 12.0 * start);
        } else if self.aim <= 0.0 {
            self.theta = 1e-4;
        }
        if self.frees > 0 {
            self.level = self.launches as f64 / self.frees as f64;
        }
        (self.launches, self.frees) = (0, 0);
        floor.report_level(self.level);
        floor.report_interval_level(self.level);
    }
}

impl Pacing for Model {
    fn day_start(&mut self, floor: &mut dyn Floor) {
        floor.report_level(self.level);
        self.seen = (0, 0);
        self.next_control = floor.now() + self.every;
        self.recalc_now(floor);
    }

    fn pace(&mut self, floor: &mut dyn Floor) {
        if !self.warm(floor.now()) {
            dial_to_level(floor, 1.0);
        }
    }

    fn recalc(&mut self, floor: &mut dyn Floor) {
        self.recalc_now(floor);
    }

    fn level(&self) -> f64 {
        self.level
    }

    fn observe(&mut self, observation: Observation) {
        match observation {
            Observation::Ring { age, live } => {
                self.ring_all.record(age);
                if live {
                    self.ring_live.record(age);
                }
            }
            Observation::Talk(t) => self.talk.record(t),
            Observation::Wrap(w) => {
                self.wrap.record(w);
                self.frees += 1;
            }
        }
    }
}

impl Model {
    fn recalc_now(&mut self, floor: &mut dyn Floor) {
        if floor.now() >= self.next_control {
            self.control(floor);
            self.next_control = floor.now() + self.every;
        }
        self.decide(floor);
        let at = floor.now() + TICK;
        floor.wake_at(at);
    }

    /// The learned distributions (tests).
    #[cfg(test)]
    pub(crate) fn estimates(&self) -> (&Histogram, &Histogram, &Histogram, &Histogram) {
        (&self.ring_all, &self.ring_live, &self.talk, &self.wrap)
    }
}
