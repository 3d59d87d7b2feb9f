//! The day's abandonment budget, kept around every predictive pacer. The budget is the compliance profile's
//! limit (`Profile::rules().abandon_limit`) of the day's live answers by persons; what is spent is the day's
//! abandoned calls ([`Outcome::is_abandoned`]) — the engine's own counters ([`Floor::day_drops`],
//! [`Floor::day_human_answers`]), so AMD misdetections (persons hung up on as machines) and persons put through
//! after the silence limit count, the latter the moment they are put through. Per day, the stricter window: a
//! month (us-tsr) whose every day is within the limit is within it too.
//!
//! AMD's analysis is silence the person hears. When it alone reaches past the profile's silence limit
//! (`amd.detect_time` over `max_silence_s`), every live answer AMD screens is an abandoned call, whatever the
//! pacer does: no budget survives it (a day would spend it on its first handful of answers). So, under every
//! `on_budget_spent` but `continue`, AMD is off from the start of every day ([`super::amd_note`] says so once on
//! stderr); `continue` keeps it on and reports the true rate.
//!
//! The rest of the day is projected, cautiously, at half the day's answer rate so far (a fallback answers fewer
//! calls). The budget counts as spent when the next drops, plus a cushion for the calls still ringing (each
//! one a possible drop after the switch), would take the projected day over the limit:
//! `drops + 3 + 0.25·ringing > limit · (answers + ½·answers·left/max(elapsed, 5 min))`, checked on every pacing
//! call (O(1)) once the day has a drop (nothing is spent before). Then, per `dialer.on_budget_spent`: AMD goes
//! off (no more misdetections; two drops earlier than the fallback, when both are chosen), and/or the dialer
//! falls back to one call per free agent (no more drops of its own) for the rest of the day. Both are undone at
//! the next window's opening.
//!
//! No call is launched in the last `ring_timeout` seconds of the window: it could be answered after the idle
//! agents have gone home, a drop no pacer can avoid once the call is ringing.

use super::{Floor, Observation, Pacing, dial_to_level};
use crate::foundation::outcome::Outcome;
use crate::scenario::{OnBudgetSpent, Scenario};
use crate::sim::queue::{Millis, millis};

/// Answers of the rest of the day are projected at this share of the day's rate so far.
const REST_SHARE: f64 = 0.5;
/// The cushion: drops that may still come after a switch — the next three, and this share of the calls still
/// ringing (a VICIdial-style pacer at a high level has many; 0.1 let one day of adaptive-average with 50
/// agents end at 3.01 %).
const CUSHION: f64 = 3.0;
const RINGING_SHARE: f64 = 0.25;
/// Switching AMD off comes this many drops before the fallback to progressive.
const AMD_LEAD: f64 = 2.0;
/// The day's answer rate is taken over at least this much of the window (a rate from the first minutes
/// would project a day from a handful of answers).
const SETTLE: Millis = Millis::minutes(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Within,
    AmdOff,
    Progressive,
}

/// A predictive pacer inside the day's abandonment budget.
pub(crate) struct Budgeted {
    inner: Box<dyn Pacing>,
    limit: f64,
    /// Each day's limit (the regime in force that day).
    limits: Vec<f64>,
    policy: OnBudgetSpent,
    stage: Stage,
    window: (Millis, Millis),
    /// The last launch comes this long before the window closes.
    last_call: Millis,
    /// AMD's analysis alone makes every screened live answer abandoned: AMD stays off all day.
    amd_off_all_day: bool,
}

/// Whether AMD's analysis alone keeps a live person past the profile's silence limit: a person put through
/// the moment AMD hands the call over is already an abandoned call ([`Outcome::is_abandoned`]).
pub fn amd_outlasts_silence(s: &Scenario) -> bool {
    s.amd.enabled && Outcome::Completed.is_abandoned(s.amd.detect_time, s.rules_on_day(0).max_silence_s)
}

/// The line [`super::amd_note`] gives, for a pacer that screens answers and keeps AMD off all day or not.
pub(super) fn amd_note(s: &Scenario, screens: bool, off_all_day: bool) -> Option<String> {
    if !amd_outlasts_silence(s) || !screens {
        return None;
    }
    let (detect, limit) = (s.amd.detect_time, s.rules_on_day(0).max_silence_s);
    let why = format!(
        "AMD's analysis ({detect} s) outlasts the silence limit of profile {} ({limit} s): every live answer it screens is an abandoned call",
        s.compliance.profile.as_str()
    );
    Some(if off_all_day {
        format!("{why}; the abandonment budget keeps AMD off on every day")
    } else {
        format!("{why}; AMD stays on (no abandonment budget in this mode, or its policy is continue)")
    })
}

impl Budgeted {
    /// One pacing step: nothing in the window's last stretch (the timer chain ends; the next window restarts
    /// it), else the budget checked, then one call per free agent after the fallback (the inner pacer's timer
    /// chain ends there) or the inner pacer's own step.
    fn step(&mut self, floor: &mut dyn Floor, inner_step: fn(&mut dyn Pacing, &mut dyn Floor)) {
        if self.closing(floor) {
            return;
        }
        self.check(floor);
        if self.stage == Stage::Progressive {
            dial_to_level(floor, 1.0);
        } else {
            inner_step(self.inner.as_mut(), floor);
        }
    }

    pub(crate) fn new(s: &Scenario, inner: Box<dyn Pacing>) -> Budgeted {
        Budgeted {
            inner,
            limit: s.rules_on_day(0).abandon_limit,
            limits: (0..s.law_days()).map(|d| s.rules_on_day(d).abandon_limit).collect(),
            policy: s.dialer.on_budget_spent,
            stage: Stage::Within,
            window: (Millis::ZERO, Millis::ZERO),
            last_call: millis(s.dialer.ring_timeout.max(15.0)),
            amd_off_all_day: amd_outlasts_silence(s) && s.dialer.on_budget_spent != OnBudgetSpent::Continue,
        }
    }

    /// Whether `drops + cushion` would take the projected day over the limit.
    fn spent(&self, floor: &dyn Floor, cushion: f64) -> bool {
        let now = floor.now();
        let (open, close) = self.window;
        let drops = floor.day_drops();
        if drops == 0 {
            return false;
        }
        let answers = floor.day_human_answers() as f64;
        let elapsed = (now.saturating_sub(open).max(SETTLE)).as_f64();
        let left = (close.saturating_sub(now)).as_f64();
        let projected = answers + REST_SHARE * answers * left / elapsed;
        drops as f64 + cushion > self.limit * projected
    }

    /// Whether a call launched now could still ring when the window closes.
    fn closing(&self, floor: &dyn Floor) -> bool {
        floor.now() + self.last_call > self.window.1
    }

    /// Moves to the next stage when the budget is spent.
    fn check(&mut self, floor: &mut dyn Floor) {
        if self.stage == Stage::Progressive || self.policy == OnBudgetSpent::Continue {
            return;
        }
        let cushion = CUSHION + RINGING_SHARE * f64::from(floor.ringing());
        let amd_first = self.policy == OnBudgetSpent::AmdOffThenProgressive && floor.amd();
        if self.stage == Stage::Within && amd_first && self.spent(floor, cushion + AMD_LEAD) {
            floor.set_amd(false);
            self.stage = Stage::AmdOff;
        }
        if !self.spent(floor, cushion) {
            return;
        }
        match self.policy {
            OnBudgetSpent::AmdOff => {
                floor.set_amd(false);
                self.stage = Stage::AmdOff;
            }
            OnBudgetSpent::AmdOffThenProgressive | OnBudgetSpent::Progressive => {
                if self.policy == OnBudgetSpent::AmdOffThenProgressive {
                    floor.set_amd(false);
                }
                self.stage = Stage::Progressive;
                floor.report_level(1.0);
                floor.report_interval_level(1.0);
            }
            OnBudgetSpent::Continue => {}
        }
    }
}

impl Pacing for Budgeted {
    fn day_start(&mut self, floor: &mut dyn Floor) {
        self.stage = Stage::Within;
        self.window = floor.window();
        let day = (self.window.0.as_f64() / crate::foundation::clock::DAY.as_f64()) as usize;
        self.limit = self.limits.get(day).or(self.limits.last()).copied().unwrap_or(self.limit);
        floor.set_amd(!self.amd_off_all_day);
        self.inner.day_start(floor);
    }

    fn pace(&mut self, floor: &mut dyn Floor) {
        self.step(floor, |inner, floor| inner.pace(floor));
    }

    fn recalc(&mut self, floor: &mut dyn Floor) {
        self.step(floor, |inner, floor| inner.recalc(floor));
    }

    fn level(&self) -> f64 {
        if self.stage == Stage::Progressive { 1.0 } else { self.inner.level() }
    }

    fn screens_machines(&self) -> bool {
        self.inner.screens_machines()
    }

    fn keeps_amd_off(&self) -> bool {
        self.amd_off_all_day
    }

    fn observe(&mut self, observation: Observation) {
        self.inner.observe(observation);
    }
}
