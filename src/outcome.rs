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
    pub const ALL: [Outcome; 11] = [
        Outcome::NotInService,
        Outcome::Busy,
        Outcome::NoAnswer,
        Outcome::Machine,
        Outcome::MachineMessage,
        Outcome::AmdDrop,
        Outcome::Dropped,
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

    /// Whether a person answered (connected or abandoned).
    pub fn is_person_answer(self) -> bool {
        self.is_person_connected() || self.is_drop()
    }

    /// Whether the attempt is an abandoned call (a live answer never put through to an agent).
    pub fn is_drop(self) -> bool {
        matches!(self, Outcome::Dropped | Outcome::AmdDrop)
    }

    /// AAPOR final-disposition class of a number whose best attempt ended so.
    pub fn aapor(self) -> Aapor {
        match self {
            Outcome::Completed => Aapor::I,
            Outcome::Refused | Outcome::Objected => Aapor::R,
            // An appointment never kept: AAPOR 2.21, "respondent never available" (a non-contact).
            Outcome::Dropped | Outcome::AmdDrop | Outcome::Machine | Outcome::MachineMessage | Outcome::Callback => {
                Aapor::NC
            }
            Outcome::Busy | Outcome::NoAnswer => Aapor::UH,
            Outcome::NotInService => Aapor::NE,
        }
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
