//! One simulated campaign run: a discrete-event model of the dialer, the lines, the callees and the agents.
//!
//! Built, then run to the end of the last calling window. Single-threaded; every draw comes from the seed
//! (see [`super::draw`]), so the same seed gives the same run. The conversation itself — what happens once a
//! person is connected — is decided in [`Engine::converse`], the place where the compliance flow plugs in.

use std::collections::{HashMap, HashSet, VecDeque};

use rand::{Rng, RngExt};
use rand_chacha::ChaCha20Rng;

use super::draw::{Purpose, below, number_hash, sample, sample_for, uniform, uniform_of};
use super::leads::{FreshLeads, LeadSource};
use super::queue::{DAY, EventQueue, MINUTE, Millis, millis};
use super::record::{Aapor, CallRecord, Outcome, RunStats};
use crate::compliance::{
    AuditCall, Auditor, LedgerEntry, NameEntry, Receipt, SuppressionEntry, Violation, Withdrawal, record_uuid,
    synthetic_name,
};
use crate::plan::number::PhoneNumber;

/// Hash maps keyed by E.164 keys use the fast key hasher.
type KeyBuild = std::hash::BuildHasherDefault<crate::foundation::hash::KeyHasher>;
use super::pacing::{Floor, Observation, Pacing, pacer_for};
use crate::foundation::rng::{Stream, stream};
use crate::scenario::{Dist, Scenario, parse_hhmm};

mod answer;
mod callbacks;
mod calls;
mod dialer;
mod flow;
mod hours;
mod idle;
mod population;
mod release;
mod retries;
mod shifts;
#[cfg(test)]
mod tests;
mod window;

use idle::IdleAgents;
use retries::Retries;
use window::CallWindow;

use crate::compliance::calendar::{Calendar, CallingHours};
use callbacks::CallbackBook;
use shifts::ShiftPlan;

/// Delay before a not-in-service tone is recognised.
const SIT_DELAY: Millis = Millis::seconds(3);
/// Delay before a busy tone is recognised.
const BUSY_DELAY: Millis = Millis::seconds(4);

/// The events, and how the queue stores one: its kind (the variant's number in `EventKind`) above its 32-bit
/// index. Each kind is named once, here.
macro_rules! events {
    ($($(#[$doc:meta])* $kind:ident,)*) => {
        /// What happens at a moment of the run, with the agent, call, day or entry it happens to.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
        enum Event {
            $($(#[$doc])* $kind(u32)),*
        }

        /// The kinds of [`Event`], numbered in this order in the queue.
        #[derive(Clone, Copy)]
        #[repr(u8)]
        enum EventKind {
            $($kind),*
        }

        impl EventKind {
            /// Every kind, by number.
            const ALL: &[EventKind] = &[$(EventKind::$kind),*];
        }

        // The queue holds 37 bits of an event: 32 of the index, 5 of the kind.
        const _: () = assert!(EventKind::ALL.len() <= 32);

        impl super::queue::Packed for Event {
            #[inline(always)]
            fn pack(self) -> u64 {
                match self {
                    $(Event::$kind(i) => (EventKind::$kind as u64) << 32 | u64::from(i)),*
                }
            }

            #[inline(always)]
            fn unpack(bits: u64) -> Event {
                let i = bits as u32;
                match EventKind::ALL[(bits >> 32) as usize] {
                    $(EventKind::$kind => Event::$kind(i)),*
                }
            }
        }
    };
}

events!(
    DayStart,
    DayEnd,
    /// The pacer's timer (a recalculation, or rate mode's next dial), tagged with the day that set it: a
    /// day's close ends its chain, also when the next day opens at the same millisecond (24-hour days).
    Recalc,
    PreviewDone,
    RingEnd,
    AmdDone,
    WaitTimeout,
    TalkEnd,
    WrapEnd,
    Withdraw,
    /// The moment in a call's talk when the person gives consent (the receipt's time).
    Consent,
    /// Midnight of an open day: the day's window and shifts are scheduled.
    DayPlan,
    /// The last moment a call may be dialled in the day's window (the margin before its close).
    DialStop,
    ShiftStart,
    /// The last-dial margin before an agent's shift ends: the pacer no longer dials for the agent.
    ShiftClosing,
    ShiftEnd,
    BreakStart,
    BreakEnd,
    /// A callback's agreed time.
    CallbackDue,
    /// A callback waited its longest: missed if not dialled yet.
    CallbackExpire,
    /// Numbers held back by their calling hours may have become callable (tagged with the day).
    Wake,
);

/// What the ringing of an attempt ends in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Sit,
    Busy,
    NoAnswer,
    Person,
    Machine,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AgentState {
    Off,
    Idle,
    Preview,
    Talking,
    Wrap,
}

#[derive(Clone, Debug)]
struct Agent {
    state: AgentState,
    since: Millis,
    /// The call the agent previews for, talks on or wraps up.
    call: Option<u32>,
    /// Logged in: inside the agent's shift today, not absent.
    logged_in: bool,
    /// On a break, or due to take one once the current call is wrapped up (its length).
    on_break: bool,
    break_due: Option<Millis>,
    /// The end of the agent's current shift: time after it is overtime, not logged-in time.
    shift_end: Millis,
    /// Within the last-dial margin of the shift's end: takes calls, but none is dialled for the agent.
    closing: bool,
    /// The agent's shift group.
    group: u16,
}

/// An `Option` held in its value's own bits, one value standing for none: an `Option<Millis>` takes 16 bytes and
/// a `Slot<Millis>` 8, an `Option<u32>` 8 and a `Slot<u32>` 4. With them a [`Call`] is 112 bytes instead of 160:
/// with 2,000 agents the calls in play outgrow the L2 cache, and every call's end reads its call back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot<T: Sentinel>(T);

/// A type with a value that stands for none in a [`Slot`]: one no run reaches.
trait Sentinel: Copy + PartialEq + std::fmt::Debug {
    /// The value that stands for none.
    const NONE: Self;
}

impl Sentinel for Millis {
    /// 584 million years: later than any run.
    const NONE: Millis = Millis(u64::MAX);
}

impl Sentinel for u32 {
    /// No agent or call has this index (a run's call ids count up from 0 in a `u32`).
    const NONE: u32 = u32::MAX;
}

impl<T: Sentinel> Slot<T> {
    /// None.
    const NONE: Slot<T> = Slot(T::NONE);

    /// `value` (never the sentinel).
    #[inline(always)]
    fn of(value: T) -> Slot<T> {
        debug_assert!(value != T::NONE, "a value that stands for none");
        Slot(value)
    }

    #[inline(always)]
    fn get(self) -> Option<T> {
        (self.0 != T::NONE).then_some(self.0)
    }

    #[inline(always)]
    fn is_none(self) -> bool {
        self.0 == T::NONE
    }

    #[inline(always)]
    fn is_some(self) -> bool {
        self.0 != T::NONE
    }
}

impl<T: Sentinel> From<Option<T>> for Slot<T> {
    #[inline(always)]
    fn from(value: Option<T>) -> Slot<T> {
        value.map_or(Slot::NONE, Slot::of)
    }
}

#[derive(Clone, Debug)]
struct Call {
    number: PhoneNumber,
    attempt: u32,
    dialed: Millis,
    fate: Fate,
    answered: Slot<Millis>,
    /// When the call needed an agent (pick-up, or the end of AMD analysis).
    live: Slot<Millis>,
    connected: Slot<Millis>,
    ended: Slot<Millis>,
    talk: Millis,
    wrap: Millis,
    agent: Slot<u32>,
    /// Preview mode: the agent who dialled it.
    reserved: Slot<u32>,
    waiting: bool,
    outcome: Option<Outcome>,
    counted: bool,
    offered: Option<bool>,
    referral_of: Slot<u32>,
    /// The call whose callback request this attempt keeps.
    callback_of: Slot<u32>,
    /// Whether answering-machine detection screened the call: on when it stopped ringing (the budget fallback
    /// may switch it off mid-day), and not a call an agent dialled for themselves.
    amd: bool,
    /// The number's lock-out (after a drop) and best AAPOR class so far: its state travels with it.
    locked_until: Millis,
    best: Option<Aapor>,
    /// The number's stratum: its type and population rates.
    stratum: super::strata::StratumId,
}

/// A call fits in 112 bytes (see [`Slot`]).
const _: () = assert!(std::mem::size_of::<Call>() <= 112);

impl Call {
    /// The silence the callee heard after the pick-up: to the agent, or to the end (AMD's analysis included);
    /// none for a call not answered. What calls.csv writes as `wait_s` and abandonment is counted by.
    fn silence(&self) -> Millis {
        let now = self.ended.get().unwrap_or(self.dialed);
        match (self.answered.get(), self.connected.get()) {
            (Some(a), Some(c)) => c - a,
            (Some(a), None) => now.saturating_sub(a),
            _ => Millis::ZERO,
        }
    }
}

/// A number in play (a lead): dialled, with an attempt still to come. It travels by value — inside its call
/// while dialled, in its retry lane, calling-hours queue or callback while it waits — so that no event looks a
/// number up: a map of the numbers in play (10^5 and more at 2,000 agents) cost a cache miss per look-up. When
/// its last attempt ends its AAPOR class is folded into the counts ([`Engine::number_done`]).
#[derive(Clone, Copy, Debug)]
struct NumberState {
    number: PhoneNumber,
    /// Attempts dialled so far (the next is `attempts + 1`).
    attempts: u32,
    locked_until: Millis,
    /// The best AAPOR class of its counted attempts.
    best: Option<Aapor>,
    /// The call that referred the number: every attempt carries it (and the Art. 14 notice).
    referral_of: Option<u32>,
}

impl NumberState {
    /// A number not dialled yet (`referral_of`: the call that referred it).
    fn new(number: PhoneNumber, referral_of: Option<u32>) -> NumberState {
        NumberState { number, attempts: 0, locked_until: Millis::ZERO, best: None, referral_of }
    }
}

/// Where the records of ended calls go, in call-id order.
pub enum RecordSink<'a> {
    /// Nowhere (the run's counts and its self-audit still see every call).
    Discard,
    /// Kept in memory.
    Keep(Vec<CallRecord>),
    /// Handed to a writer; the first error stops the writing and is kept.
    Stream(&'a mut dyn FnMut(&CallRecord) -> std::io::Result<()>, Option<std::io::Error>),
}

/// The state of one run.
pub struct Engine<'a> {
    s: &'a Scenario,
    key: u64,
    rng: ChaCha20Rng,
    queue: EventQueue<Event>,
    now: Millis,
    agents: Vec<Agent>,
    idle: IdleAgents,
    calls: CallWindow,
    /// Calls waiting for an agent, oldest first. A call that stopped waiting (timed out) stays until it reaches
    /// the front and is skipped there: its `waiting` flag, not this queue, says whether it waits.
    waiting: VecDeque<u32>,
    in_progress: u32,
    ringing: u32,
    /// Live calls waiting for an agent (the pacers' count; `waiting` keeps stale entries).
    waiting_calls: u32,
    /// Numbers waiting for their next attempt, by due time.
    retries: Retries<NumberState>,
    fresh: FreshLeads,
    window_open: bool,
    day: u32,
    /// The dialer mode's pacer (out of its place only while it runs).
    pacer: Option<Box<dyn Pacing>>,
    /// Whether the pacer reacts to events ([`Pacing::paces`]).
    paces: bool,
    /// Whether dialling stops a margin before the window closes ([`Pacing::stops_before_the_close`]).
    pub(super) stops_before_the_close: bool,
    /// The level the pacer reported before the run: intervals before its first report carry it.
    pub(super) start_level: f64,
    /// Whether answered calls go through answering-machine detection (enabled, and the mode screens).
    amd: bool,
    warmup_end: Millis,
    last_recalc: Millis,
    /// Agent-milliseconds spent idle since the last recalculation, and when it was last brought up to date.
    idle_area: f64,
    idle_mark: Millis,
    pub(super) stats: RunStats,
    /// Where the records of ended calls go.
    pub(super) records: RecordSink<'a>,
    /// The run's self-audit, fed as calls are released.
    auditor: Auditor<'a>,
    /// Suppression entries already handed to the auditor.
    audited_suppressions: usize,
    /// The audit's findings, once the run has ended.
    pub(super) violations: Vec<Violation>,
    /// Numbers dialled as referrals (a fresh draw of one of them later is not dialled again).
    referral_dialled: HashSet<u64, KeyBuild>,
    /// Objections and withdrawals, in time order.
    pub(super) suppression: Vec<SuppressionEntry>,
    /// Consent receipts and withdrawals, in time order (append-only).
    pub(super) ledger: Vec<LedgerEntry>,
    /// Names kept with numbers.
    pub(super) names: Vec<NameEntry>,
    /// The numbers suppressed during the run (an objection, a withdrawal), with the time each was first.
    suppressed: crate::foundation::hash::BitKeyMap<Millis>,
    /// Referral leads: (number, referring call).
    referrals: VecDeque<(PhoneNumber, u32)>,
    /// Referral links by referring call: when the number was given, and whether the referee was reached (a
    /// person connected on an attempt dialled within `compliance.retention.referral_link_days`). A link not
    /// reached in time is erased from the records and its number no longer dialled.
    pub(super) referral_links: std::collections::BTreeMap<u32, (Millis, bool)>,
    /// The referring calls whose link was erased, once the run has ended.
    pub(super) erased_links: Vec<u32>,
    retry_hits: u64,
    /// The run's days: open or closed, weekday class.
    calendar: Calendar,
    /// Calling hours at the called person's location, by zone group.
    hours: CallingHours,
    /// The law of the other countries whose numbers the campaign may dial (their AMD redial hold).
    abroad: crate::scenario::LawAbroad,
    /// Numbers held back by their calling hours, per zone group, in the order they came up.
    deferred: Vec<VecDeque<NumberState>>,
    deferred_len: usize,
    wake_pending: bool,
    /// The lead the next dial takes (a callback), and the request it keeps.
    forced: Option<NumberState>,
    forced_callback_of: Option<u32>,
    /// Agent groups and their hours.
    shifts: Vec<ShiftPlan>,
    /// Agents logged in now (the pacer's idle share is of these).
    logged_in: u32,
    /// Idle agents within their shift's last-dial margin (not counted as idle by the pacer).
    closing_idle: usize,
    callbacks: CallbackBook,
    /// How long a call rings at most (`dialer.ring_timeout`, at least 15 s).
    ring_timeout: Millis,
    /// How long a live call waits for an agent at most (`dialer.drop_timeout`).
    drop_timeout: Millis,
}

impl<'a> Engine<'a> {
    /// A run of `scenario` with `seed` over the numbers of `leads`.
    pub fn new(s: &'a Scenario, leads: &LeadSource, seed: u64, records: RecordSink<'a>) -> Engine<'a> {
        Engine::with_pacer(s, leads, seed, records, pacer_for(s))
    }

    /// A run as [`Engine::new`], paced by `pacer` instead of the scenario's mode.
    pub(crate) fn with_pacer(
        s: &'a Scenario,
        leads: &LeadSource,
        seed: u64,
        records: RecordSink<'a>,
        pacer: Box<dyn Pacing>,
    ) -> Engine<'a> {
        let key = {
            let mut r = stream(seed, Stream::Simulation(0));
            r.next_u64()
        };
        let start = u64::from(parse_hhmm(&s.run.day_start).unwrap_or(540)) * MINUTE;
        let plan = shifts::plan(s);
        let mut e = Engine {
            s,
            key,
            rng: stream(seed, Stream::Simulation(1)),
            queue: EventQueue::new(),
            now: Millis::ZERO,
            agents: shifts::agents(&plan),
            idle: IdleAgents::new(shifts::agent_count(&plan)),
            calls: CallWindow::default(),
            waiting: VecDeque::new(),
            in_progress: 0,
            ringing: 0,
            waiting_calls: 0,
            retries: Retries::default(),
            fresh: leads.fresh(seed),
            window_open: false,
            day: 0,
            start_level: pacer.level(),
            amd: s.amd.enabled && pacer.screens_machines(),
            paces: pacer.paces(),
            stops_before_the_close: pacer.stops_before_the_close(),
            pacer: Some(pacer),
            warmup_end: start + millis(s.run.warmup_minutes * 60.0),
            last_recalc: start,
            idle_area: 0.0,
            idle_mark: Millis::ZERO,
            stats: RunStats::new(s),
            records,
            auditor: {
                let exclusions = leads.shared_exclusions();
                if exclusions.is_empty() {
                    Auditor::new(s, Box::new(|_| None))
                } else {
                    Auditor::new(
                        s,
                        Box::new(move |k| exclusions.source_of(k).map(|i| exclusions.names()[i].to_string())),
                    )
                }
            },
            audited_suppressions: 0,
            violations: Vec::new(),
            referral_dialled: HashSet::default(),
            suppression: Vec::new(),
            ledger: Vec::new(),
            names: Vec::new(),
            suppressed: Default::default(),
            referrals: VecDeque::new(),
            referral_links: Default::default(),
            erased_links: Vec::new(),
            retry_hits: 0,
            calendar: Calendar::of(s),
            hours: CallingHours::of(s),
            abroad: s.law_abroad(),
            deferred: Vec::new(),
            deferred_len: 0,
            wake_pending: false,
            forced: None,
            forced_callback_of: None,
            shifts: plan,
            logged_in: 0,
            closing_idle: 0,
            callbacks: CallbackBook::default(),
            ring_timeout: millis(s.dialer.ring_timeout.max(15.0)),
            drop_timeout: millis(s.dialer.drop_timeout),
        };
        // Closed days (weekends, holidays, closed dates) get no window and no shifts.
        for d in 0..s.run.days {
            if e.calendar.is_open(d) {
                e.queue.push(u64::from(d) * DAY, Event::DayPlan(d));
            }
        }
        e
    }

    /// Runs to the end: every window closed and every call finished.
    pub fn run(&mut self) {
        while let Some((t, ev)) = self.queue.pop() {
            debug_assert!(t >= self.now);
            self.now = t;
            self.stats.events += 1;
            match ev {
                Event::DayStart(d) => self.day_start(d),
                Event::DayEnd(d) => self.day_end(d),
                Event::Recalc(d) => self.recalc(d),
                Event::PreviewDone(a) => self.preview_done(a),
                Event::RingEnd(c) => self.ring_end(c),
                Event::AmdDone(c) => self.amd_done(c),
                Event::WaitTimeout(c) => self.wait_timeout(c),
                Event::TalkEnd(a) => self.talk_end(a),
                Event::WrapEnd(a) => self.wrap_end(a),
                Event::Withdraw(i) => self.withdraw(i),
                Event::Consent(c) => self.consent(c),
                Event::DayPlan(d) => self.day_plan(d),
                Event::DialStop(d) => self.dial_stop(d),
                Event::ShiftStart(a) => self.shift_start(a),
                Event::ShiftClosing(a) => self.shift_closing(a),
                Event::ShiftEnd(a) => self.shift_end(a),
                Event::BreakStart(a) => self.break_start(a),
                Event::BreakEnd(a) => self.break_end(a),
                Event::CallbackDue(i) => self.callback_due(i),
                Event::CallbackExpire(i) => self.callback_expire(i),
                Event::Wake(d) => self.wake(d),
            }
        }
        debug_assert!(self.calls.get(self.calls.next_id().wrapping_sub(1)).is_none(), "every call released");
        // The numbers still waiting (a retry, their calling hours, a callback) end with the run.
        for state in self.retries.drain().chain(self.deferred.drain(..).flatten()).chain(self.forced.take()) {
            self.stats.fold_number(state.best);
        }
        self.fold_pending_callbacks();
        self.erase_expired_links();
        self.finish_records();
        self.stats.excluded = self.fresh.excluded();
        self.stats.compliance.suppression_hits += self.fresh.excluded() + self.retry_hits;
        self.stats.finish();
    }

    /// Calls dialled so far.
    pub(super) fn calls_dialled(&self) -> u32 {
        self.calls.next_id()
    }

    fn counting(&self) -> bool {
        self.now >= self.warmup_end
    }
}
