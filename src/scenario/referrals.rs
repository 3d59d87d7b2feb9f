//! `[referrals]`: the referral model, a section of its own so the population's and the referees' rates stay
//! apart.

use serde::{Deserialize, Serialize};

/// `[referrals]`: the referral model. A cooperating person may give another person's number; the referee is
/// a working number (never a special information tone) with answer and cooperation rates of their own.
/// Probabilities per attempt unless said otherwise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReferralsSection {
    /// Per cooperating person: gives a referral (another person's number).
    pub share: f64,
    /// Per attempt on a referee's number: the line is busy.
    pub busy: f64,
    /// Per attempt on a referee's number: the referee answers.
    pub person: f64,
    /// Per attempt on a referee's number: voicemail or an answering machine answers.
    pub machine: f64,
    /// Share of referees who cooperate once connected (the rest refuse), per number.
    pub cooperate: f64,
}

impl Default for ReferralsSection {
    fn default() -> ReferralsSection {
        ReferralsSection { share: 0.05, busy: 0.04, person: 0.40, machine: 0.30, cooperate: 0.45 }
    }
}
