//! What a call attempt can end as, and the AAPOR final-disposition class it counts as: the vocabulary the
//! simulator writes, the compliance audit checks and the reports count. A leaf module: it imports nothing of
//! the crate, so every layer above can share it without an import cycle.

use serde::Serialize;

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Special information tone: the number is not in service.
    NotInService,
    /// Busy.
    Busy,
    /// No answer within the ring timeout.
    NoAnswer,
    /// An answering machine, recognised by AMD and hung up.
    Machine,
    /// An answering machine that AMD missed, reached by an agent.
    MachineMessage,
    /// A person taken for a machine by AMD and hung up (an abandoned call).
    AmdDrop,
    /// A person not connected to an agent in time (an abandoned call).
    Dropped,
    /// An answering machine AMD missed (or no AMD ran), hung up after waiting past the drop timeout for an
    /// agent: no person was abandoned, so it is no abandoned call (Ofcom, the FTC); a non-contact like `Machine`.
    MachineDropped,
    /// A person connected who listened.
    Completed,
    /// A person connected who refused.
    Refused,
    /// A person connected who objected to marketing calls (now suppressed).
    Objected,
    /// A person connected who asked to be called back at another time (`[callbacks]`).
    Callback,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 12] = [
        Outcome::NotInService,
        Outcome::Busy,
        Outcome::NoAnswer,
        Outcome::Machine,
        Outcome::MachineMessage,
        Outcome::AmdDrop,
        Outcome::Dropped,
        Outcome::MachineDropped,
        Outcome::Completed,
        Outcome::Refused,
        Outcome::Objected,
        Outcome::Callback,
    ];

    /// The name used in `calls.csv` and `summary.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::NotInService => "not_in_service",
            Outcome::Busy => "busy",
            Outcome::NoAnswer => "no_answer",
            Outcome::Machine => "machine",
            Outcome::MachineMessage => "machine_message",
            Outcome::AmdDrop => "amd_drop",
            Outcome::Dropped => "dropped",
            Outcome::MachineDropped => "machine_dropped",
            Outcome::Completed => "completed",
            Outcome::Refused => "refused",
            Outcome::Objected => "objected",
            Outcome::Callback => "callback",
        }
    }

    /// The outcome of a name used in `calls.csv`.
    pub fn from_name(name: &str) -> Option<Outcome> {
        Outcome::ALL.iter().copied().find(|o| o.as_str() == name)
    }

    /// Whether a person was put through to an agent.
    pub fn is_person_connected(self) -> bool {
        matches!(self, Outcome::Completed | Outcome::Refused | Outcome::Objected | Outcome::Callback)
    }

    /// Whether a person answered (connected or abandoned): a live answer, the denominator of abandonment.
    pub fn is_person_answer(self) -> bool {
        self.is_person_connected() || self.is_drop()
    }

    /// Whether a live person was never put through to an agent: dropped (by the dialer's drop timeout, or
    /// hanging up while waiting), or hung up on by AMD taking them for a machine. Every such call is abandoned;
    /// so is a person put through too late ([`Outcome::is_abandoned`], the definition abandonment counts by).
    /// A machine hung up on (`MachineDropped`) is not one.
    pub fn is_drop(self) -> bool {
        matches!(self, Outcome::Dropped | Outcome::AmdDrop)
    }

    /// Whether the attempt is an abandoned call by the regulators' definitions — the one predicate behind
    /// `abandon_rate`, every per-day and per-30-day rate, intervals.csv's drops, the pacer's budget, the drop
    /// lockout and the audit. A live person's answer is abandoned unless an agent took it within
    /// `max_silence_s` of the pick-up (Ofcom: 2 s; 16 CFR 310.4(b)(4)(iii): 2 s): dropped, hung up on by AMD,
    /// or put through after the limit (the call goes on, abandoned all the same). `wait_s` is the silence
    /// from the pick-up to the agent (or to the end), AMD's analysis included; it is measured from the pick-up,
    /// not from the end of the greeting as the rules do, which counts conservatively. Both are compared to the
    /// millisecond, the resolution of calls.csv, so the run and its folder's audit agree on every call. A
    /// machine is never an abandoned call.
    ///
    /// ```
    /// use dialsim::sim::Outcome;
    /// assert!(Outcome::Completed.is_abandoned(2.001, 2.0));
    /// assert!(!Outcome::Completed.is_abandoned(2.0, 2.0));
    /// assert!(Outcome::AmdDrop.is_abandoned(0.8, 2.0));
    /// assert!(!Outcome::MachineDropped.is_abandoned(9.0, 2.0));
    /// ```
    pub fn is_abandoned(self, wait_s: f64, max_silence_s: f64) -> bool {
        let ms = |s: f64| crate::foundation::clock::round(s * 1000.0);
        // Rounding is monotone: a wait not above the limit in seconds is not above it in ms either, and most
        // waits are within the limit (the rounding is then skipped; the answer is the same for every double).
        let may_pass = wait_s > max_silence_s || wait_s.is_nan() || max_silence_s.is_nan();
        self.is_drop() || (self.is_person_connected() && may_pass && ms(wait_s) > ms(max_silence_s))
    }

    /// AAPOR final-disposition class of a number whose best attempt ended so.
    pub fn aapor(self) -> Aapor {
        match self {
            Outcome::Completed => Aapor::I,
            Outcome::Refused | Outcome::Objected => Aapor::R,
            // A callback never kept: AAPOR 2.21, "respondent never available" (a non-contact).
            Outcome::Dropped
            | Outcome::AmdDrop
            | Outcome::Machine
            | Outcome::MachineMessage
            | Outcome::MachineDropped
            | Outcome::Callback => Aapor::NC,
            Outcome::Busy | Outcome::NoAnswer => Aapor::UH,
            Outcome::NotInService => Aapor::NE,
        }
    }
}

/// Abandoned calls over live answers: the one count behind `abandon_rate` in the summary and the
/// `abandonment` rule of the audit, so the two cannot disagree on what an abandoned call or an answer is.
///
/// ```
/// use dialsim::sim::{Abandonment, Outcome};
/// let mut a = Abandonment::default();
/// // (outcome, silence after pick-up in seconds), under a 2 s limit.
/// for (o, wait) in [
///     (Outcome::Completed, 0.0),
///     (Outcome::Dropped, 2.0),
///     (Outcome::AmdDrop, 1.0),
///     (Outcome::MachineDropped, 2.0),
///     (Outcome::Refused, 3.0),
/// ] {
///     a.count(o, wait, 2.0);
/// }
/// // The machine dropped is neither an abandoned call nor a live answer; the refusal came after 3 s of silence.
/// assert_eq!((a.abandoned, a.live_answers), (3, 4));
/// assert_eq!(a.rate(), 0.75);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Abandonment {
    /// Live persons abandoned ([`Outcome::is_abandoned`]): dropped, hung up on by AMD, or put through late.
    pub abandoned: u64,
    /// Of those, persons put through to an agent after the silence limit (the call went on).
    pub late: u64,
    /// Live answers by persons ([`Outcome::is_person_answer`]).
    pub live_answers: u64,
}

impl Abandonment {
    /// Counts an ended attempt that heard `wait_s` of silence after its pick-up, under the profile's
    /// `max_silence_s`.
    pub fn count(&mut self, outcome: Outcome, wait_s: f64, max_silence_s: f64) {
        if outcome.is_person_answer() {
            self.live_answers += 1;
            if outcome.is_abandoned(wait_s, max_silence_s) {
                self.abandoned += 1;
                self.late += u64::from(!outcome.is_drop());
            }
        }
    }

    /// The counts of both.
    pub fn add(&mut self, other: Abandonment) {
        self.abandoned += other.abandoned;
        self.late += other.late;
        self.live_answers += other.live_answers;
    }

    /// abandoned / live answers (0 without live answers).
    pub fn rate(&self) -> f64 {
        if self.live_answers == 0 { 0.0 } else { self.abandoned as f64 / self.live_answers as f64 }
    }
}

/// AAPOR final disposition classes (Standard Definitions, telephone surveys), worst first: the order is the
/// "best attempt" order and the discriminants index count arrays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Aapor {
    /// Not eligible: not in service.
    NE,
    /// Unknown if household: always busy or no answer.
    UH,
    /// Non-contact: machine, or answered but dropped.
    NC,
    /// Refusal.
    R,
    /// Interview (here: a completed conversation).
    I,
}
