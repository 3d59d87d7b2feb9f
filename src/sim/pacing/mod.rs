//! Dialer pacing: one pacer per dialer mode behind one trait, [`Pacing`].
//!
//! Predictive mode has four pacers (`dialer.pacer`, see docs/pacing.md for their equations): the adaptive
//! controllers modelled on VICIdial's `ADAPT_HARD_LIMIT`, `ADAPT_TAPERED` and `ADAPT_AVERAGE`, and a model-based
//! pacer. Every predictive pacer runs inside [`Budgeted`], which keeps the day's abandonment budget of the
//! compliance profile (AMD misdetections and late connects included) and switches AMD off and/or falls back to progressive when
//! it is spent (`dialer.on_budget_spent`).
//!
//! A pacer owns what its mode decides: what happens when a calling window opens, how many calls to launch now,
//! its own timer (a recalculation, or the next Poisson dial), and the dial level it reports. It sees the
//! engine only through [`Floor`] — the agents, the lines, the dial button — and never touches calls, callees
//! or records. [`pacer_for`] is the one place a [`DialerMode`] or a [`Pacer`] is mapped to a pacer: a new mode
//! is a new file here, a variant of the scenario's enum and one arm of that match.
//!
//! The trait is crate-private: [`Floor`] exposes the engine's inner state, which is free to change, so it is
//! not a semver promise. Its extension point is proved by a test in this module that runs the engine with a
//! toy pacer defined in the test.

use super::queue::Millis;
use crate::scenario::{DialerMode, Pacer, Scenario};

mod adaptive;
mod average;
mod budget;
mod estimate;
mod model;
mod predictive;
mod preview;
mod progressive;
mod rate;
mod tapered;

use adaptive::Adaptive;
pub(crate) use budget::Budgeted;
pub use budget::amd_outlasts_silence;
pub(crate) use model::Model;
pub(crate) use predictive::Predictive;
pub(crate) use preview::Preview;
pub(crate) use progressive::Progressive;
pub(crate) use rate::Rate;

/// What a busy agent is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AgentPhase {
    /// On a call.
    Talk,
    /// After-call work.
    Wrap,
}

/// What the engine tells a pacer as calls and agents move on (the model pacer learns its distributions from
/// these; the others ignore them). Handed over in O(1) as it happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Observation {
    /// A call stopped ringing (or left AMD analysis) `age` ms after its dial; `live` when it then needed an
    /// agent (a person, or a machine AMD missed), false for a tone, no answer, a detected machine or a person
    /// AMD hung up on.
    Ring {
        /// Milliseconds from the dial.
        age: Millis,
        /// Whether it went live.
        live: bool,
    },
    /// A conversation ended after `0` ms of talk.
    Talk(Millis),
    /// An agent's after-call work ended after `0` ms.
    Wrap(Millis),
}

/// The engine as a pacer sees it. Every call is O(1) in the number of agents.
pub(crate) trait Floor {
    /// The simulated time.
    fn now(&self) -> Millis;
    /// Agents waiting for a call.
    fn idle_agents(&self) -> usize;
    /// Calls dialled and not yet answered or ended (ringing or in AMD analysis).
    fn ringing(&self) -> u32;
    /// Calls holding a line.
    fn in_progress(&self) -> u32;
    /// The trunk limit: calls in progress at once.
    fn lines(&self) -> u32;
    /// Dials the next number; false when there is none.
    fn dial(&mut self) -> bool;
    /// Whether a number is there to dial now.
    fn has_lead(&mut self) -> bool;
    /// The longest-idle agent reviews a record for `seconds`, then dials it (preview). Needs an idle agent.
    fn preview(&mut self, seconds: f64);
    /// A uniform in [0, 1) from the dialer's own stream of the seed.
    fn random(&mut self) -> f64;
    /// Calls the pacer's [`Pacing::recalc`] at `time` (while the calling window is open).
    fn wake_at(&mut self, time: Millis);
    /// The share of agent time spent idle since the last call (or the window's opening); restarts the count.
    fn take_idle_share(&mut self) -> f64;
    /// The drop rate of the day so far (abandoned calls, late connects included / live answers).
    fn day_drop_rate(&self) -> f64;
    /// Adds `level` at now to the run's dial-level series (summary.json).
    fn report_level(&mut self, level: f64);
    /// Sets `level` as the dial level of the current 15-minute interval (intervals.csv).
    fn report_interval_level(&mut self, level: f64);
    /// Counts a dial skipped because every line was busy.
    fn blocked_dial(&mut self);
    /// Agents on the floor, indexed `0..agents()` for [`Floor::agent_busy`].
    fn agents(&self) -> usize;
    /// Agent `a`'s phase and since when, if it talks or wraps up.
    fn agent_busy(&self, a: usize) -> Option<(AgentPhase, Millis)>;
    /// Live calls waiting for an agent.
    fn waiting_calls(&self) -> u32;
    /// The id of the last call dialled (none before the first).
    fn last_call(&self) -> Option<u32>;
    /// When call `id` was dialled, if it still rings (or is in AMD analysis).
    fn ringing_since(&self, id: u32) -> Option<Millis>;
    /// Abandoned calls counted today (the numerator of [`Floor::day_drop_rate`]): drops, AMD misdetections, and
    /// persons put through after the silence limit, counted when put through.
    fn day_drops(&self) -> u64;
    /// Live answers by persons counted today (its denominator).
    fn day_human_answers(&self) -> u64;
    /// The opening and closing of today's calling window.
    fn window(&self) -> (Millis, Millis);
    /// Switches answering-machine detection for calls answered from now on (on only where the scenario enables
    /// it).
    fn set_amd(&mut self, on: bool);
    /// Whether answered calls are screened now.
    fn amd(&self) -> bool;
}

/// A dialer mode's pacing. The engine calls it only while a calling window is open.
pub(crate) trait Pacing {
    /// A calling window opens (its agents are already idle).
    fn day_start(&mut self, floor: &mut dyn Floor);
    /// Something changed (an agent came free, a call ended or went live): launch what the mode allows now.
    fn pace(&mut self, floor: &mut dyn Floor);
    /// Whether [`Pacing::pace`] does anything: a mode that dials by its clock alone says no, and the engine
    /// then does not call it after every event.
    fn paces(&self) -> bool {
        true
    }
    /// The timer set with [`Floor::wake_at`] fired: a recalculation of the level, or the mode's own clock.
    fn recalc(&mut self, floor: &mut dyn Floor) {
        let _ = floor;
    }
    /// The dial level the pacer reports: calls launched per free agent (0 when the mode has none). Intervals
    /// without a report of their own carry the last level forward, from this value at the start.
    fn level(&self) -> f64;
    /// Whether answered calls of this mode go through answering-machine detection (when the scenario enables
    /// it). A call an agent dialled by hand (preview) reaches that agent at once: detection would only hang up
    /// on people while their agent waits.
    fn screens_machines(&self) -> bool {
        true
    }

    /// Whether dialling stops a margin before the window closes, so that every call is answered or given up
    /// while the agents are in. An arrival stream (rate mode: capacity studies, validation against Erlang)
    /// runs to the window's end instead: arrivals stopping early while agents stay logged in read occupancy low.
    fn stops_before_the_close(&self) -> bool {
        true
    }

    /// Whether the pacer keeps AMD off all day because AMD's analysis alone outlasts the silence limit
    /// ([`amd_outlasts_silence`]; the abandonment budget does, unless its policy is `continue`).
    fn keeps_amd_off(&self) -> bool {
        false
    }
    /// A call or an agent moved on (see [`Observation`]); O(1).
    fn observe(&mut self, observation: Observation) {
        let _ = observation;
    }
}

/// The pacer of the scenario's dialer mode (and, in predictive mode, of its `dialer.pacer`) — the only place a
/// mode or a pacer is mapped to behaviour.
pub(crate) fn pacer_for(s: &Scenario) -> Box<dyn Pacing> {
    let d = &s.dialer;
    match d.mode {
        DialerMode::Preview => Box::new(Preview::new(d)),
        DialerMode::Progressive => Box::new(Progressive),
        DialerMode::Predictive => {
            let inner: Box<dyn Pacing> = match d.pacer {
                Pacer::AdaptiveHardLimit => Box::new(Predictive::new(d)),
                Pacer::AdaptiveTapered => Box::new(Adaptive::new(d, tapered::taper)),
                Pacer::AdaptiveAverage => Box::new(Adaptive::new(d, average::halve)),
                Pacer::Model => Box::new(Model::new(s)),
            };
            Box::new(Budgeted::new(s, inner))
        }
        DialerMode::Rate => Box::new(Rate::new(d)),
    }
}

/// One line for the run's stderr when AMD's analysis outlasts the profile's silence limit
/// ([`amd_outlasts_silence`]) in a mode that screens answers: what the run does about it. None otherwise.
///
/// ```
/// let s = dialsim::Scenario::parse("s", dialsim::DEFAULT_SCENARIO, &["amd.detect_time=3".into()]).unwrap();
/// assert!(dialsim::sim::amd_note(&s).unwrap().contains("AMD off on every day"));
/// ```
pub fn amd_note(s: &Scenario) -> Option<String> {
    let pacer = pacer_for(s);
    budget::amd_note(s, pacer.screens_machines(), pacer.keeps_amd_off())
}

/// Dials while fewer than `level` calls per idle agent (rounded) are ringing and a line is free.
pub(crate) fn dial_to_level(floor: &mut dyn Floor, level: f64) {
    let target = (level * floor.idle_agents() as f64).round() as u32;
    while floor.ringing() < target && floor.in_progress() < floor.lines() {
        if !floor.dial() {
            break;
        }
    }
}

#[cfg(test)]
mod tests;
