//! Random draws for the simulation.
//!
//! A callee's hidden attributes and each attempt's fate are drawn from a keyed hash of (seed key, number,
//! attempt, purpose): two scenarios run with one seed meet the same people (common random numbers), and the
//! draws do not depend on event order. Processes that belong to the dialer (Poisson dialling, preview times)
//! draw from their own ChaCha20 stream of the seed.

use crate::foundation::hash::fmix64 as fmix;
use crate::scenario::Dist;

/// What a draw is for (part of the hash input, so purposes never share a value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Per number: not in service.
    InService = 1,
    /// Per number: cooperates when connected.
    Cooperate,
    /// Per attempt: busy / person / machine / no answer.
    AttemptFate,
    /// Per attempt: pick-up delay.
    AnswerDelay,
    /// Per attempt: AMD verdict.
    Amd,
    /// Per attempt: patience.
    Patience,
    /// Per attempt: talk time.
    Talk,
    /// Per attempt: wrap-up time.
    Wrap,
    /// Per attempt: second uniform of a lognormal. No draw uses it now; its number stays reserved.
    #[allow(dead_code)]
    Second,
    // The compliance flow's draws, from 64 (once `Compliance as u64 + k`, k = 0 to 9).
    /// Per attempt: the `skip_objection_offer` fault (the objection is not offered).
    ObjectionOfferFault = 64,
    /// Per number: objects when offered.
    Object = 65,
    /// Per number: a cooperating person gives their name.
    GiveName = 66,
    /// Per attempt, extra 1: the `ignore_suppression` fault (a blocked number is dialled anyway).
    IgnoreSuppressionFault = 67,
    /// Per number: consents to keeping the name.
    Consent = 68,
    /// Per number: withdraws the consent later.
    Withdraw = 69,
    /// Per attempt: the `store_name_without_consent` fault (a declined name is kept).
    StoreNameFault = 70,
    /// Per number: gives a referral.
    Referral = 71,
    /// Per number: first uniform of the withdrawal delay.
    WithdrawDelay = 72,
    /// Per number: second uniform of the withdrawal delay.
    WithdrawDelaySecond = 73,
    /// Per number: whether the HLR look-up reports the true status (`[screening]`).
    Screening = 74,
    /// Per attempt: when in the conversation consent is given (a share of the talk time).
    ConsentMoment = 96,
    // The time dimension's draws, from 97.
    /// Per agent and day: absent (shrinkage).
    Absence = 97,
    /// Per agent, day and break: the break's offset from its even spacing.
    BreakJitter = 98,
    /// Per attempt: a connected person asks to be called back.
    CallbackRequest = 99,
    /// Per attempt: the callback's delay (its second uniform is extra 1).
    CallbackDelay = 100,
    /// Per attempt: the person answers the callback.
    CallbackAnswer = 101,
}

impl Purpose {
    /// Every purpose with the number it hashes as, pinned: a changed number changes every draw of its purpose,
    /// so runs of one seed no longer meet the same people across versions (common random numbers break).
    #[cfg(test)]
    pub const PINNED: [(Purpose, u64); 26] = [
        (Purpose::InService, 1),
        (Purpose::Cooperate, 2),
        (Purpose::AttemptFate, 3),
        (Purpose::AnswerDelay, 4),
        (Purpose::Amd, 5),
        (Purpose::Patience, 6),
        (Purpose::Talk, 7),
        (Purpose::Wrap, 8),
        (Purpose::Second, 9),
        (Purpose::ObjectionOfferFault, 64),
        (Purpose::Object, 65),
        (Purpose::GiveName, 66),
        (Purpose::IgnoreSuppressionFault, 67),
        (Purpose::Consent, 68),
        (Purpose::Withdraw, 69),
        (Purpose::StoreNameFault, 70),
        (Purpose::Referral, 71),
        (Purpose::WithdrawDelay, 72),
        (Purpose::WithdrawDelaySecond, 73),
        (Purpose::Screening, 74),
        (Purpose::ConsentMoment, 96),
        (Purpose::Absence, 97),
        (Purpose::BreakJitter, 98),
        (Purpose::CallbackRequest, 99),
        (Purpose::CallbackDelay, 100),
        (Purpose::CallbackAnswer, 101),
    ];

    /// The number the purpose hashes as.
    #[inline]
    pub const fn id(self) -> u64 {
        self as u64
    }
}

/// A uniform in [0, 1) from (key, number, attempt, purpose, extra).
#[inline]
pub fn uniform(key: u64, number: u64, attempt: u32, purpose: u64, extra: u64) -> f64 {
    uniform_of(number_hash(key, number), attempt, purpose, extra)
}

/// The first step of [`uniform`] for (key, number), the same for every draw of the number: a caller making
/// several draws for one number hashes it once ([`uniform_of`]).
#[inline]
pub fn number_hash(key: u64, number: u64) -> u64 {
    fmix(key ^ number)
}

/// [`uniform`] from the number's [`number_hash`].
#[inline]
pub fn uniform_of(number_hash: u64, attempt: u32, purpose: u64, extra: u64) -> f64 {
    let h = fmix(fmix(number_hash ^ (u64::from(attempt) << 32 | purpose)) ^ extra.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Whether a uniform `u` in [0, 1) falls below `p`: the event of probability `p`. A probability of 0 (or
/// less) or 1 (or more) decides without the draw, which is then never made: the answer is the one the draw
/// would give.
#[inline(always)]
pub fn below(p: f64, u: impl FnOnce() -> f64) -> bool {
    if p <= 0.0 {
        false
    } else if p >= 1.0 {
        true
    } else {
        u() < p
    }
}

/// A sample of `dist` (seconds) from two uniforms.
pub fn sample(dist: &Dist, u1: f64, u2: f64) -> f64 {
    sample_lazy(dist, || u1, || u2)
}

/// [`sample`], taking each uniform only if the distribution uses it (a fixed value none, an exponential one).
#[inline(always)]
fn sample_lazy(dist: &Dist, u1: impl FnOnce() -> f64, u2: impl FnOnce() -> f64) -> f64 {
    match *dist {
        Dist::Fixed { value } => value,
        Dist::Exponential { mean } => -mean * (1.0 - u1()).ln(),
        Dist::Lognormal { mean, cv } => {
            let s2 = (1.0 + cv * cv).ln();
            let mu = mean.ln() - s2 / 2.0;
            let z = (-2.0 * (1.0 - u1()).ln()).sqrt() * (std::f64::consts::TAU * u2()).cos();
            (mu + s2.sqrt() * z).exp()
        }
    }
}

/// A sample of `dist` for (key, number, attempt, purpose).
#[inline]
pub fn sample_for(dist: &Dist, key: u64, number: u64, attempt: u32, purpose: Purpose) -> f64 {
    let u = |extra| uniform(key, number, attempt, purpose as u64, extra);
    sample_lazy(dist, || u(0), || u(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_have_the_documented_means() {
        let n = 200_000;
        for dist in
            [Dist::Exponential { mean: 30.0 }, Dist::Lognormal { mean: 150.0, cv: 0.8 }, Dist::Fixed { value: 12.0 }]
        {
            let mean: f64 = (0..n).map(|i| sample_for(&dist, 7, i, 1, Purpose::Talk)).sum::<f64>() / n as f64;
            assert!((mean / dist.mean() - 1.0).abs() < 0.01, "{dist:?}: mean {mean}");
        }
    }

    #[test]
    fn draw_purposes_keep_their_pinned_numbers() {
        let message = "changing a draw purpose's number changes every draw of that purpose: runs of one seed no \
                       longer meet the same people across versions (common random numbers break)";
        // Written out, not derived from PINNED, so a change to either is caught.
        let expected = [
            (Purpose::InService, 1),
            (Purpose::Cooperate, 2),
            (Purpose::AttemptFate, 3),
            (Purpose::AnswerDelay, 4),
            (Purpose::Amd, 5),
            (Purpose::Patience, 6),
            (Purpose::Talk, 7),
            (Purpose::Wrap, 8),
            (Purpose::Second, 9),
            (Purpose::ObjectionOfferFault, 64),
            (Purpose::Object, 65),
            (Purpose::GiveName, 66),
            (Purpose::IgnoreSuppressionFault, 67),
            (Purpose::Consent, 68),
            (Purpose::Withdraw, 69),
            (Purpose::StoreNameFault, 70),
            (Purpose::Referral, 71),
            (Purpose::WithdrawDelay, 72),
            (Purpose::WithdrawDelaySecond, 73),
            (Purpose::Screening, 74),
            (Purpose::ConsentMoment, 96),
            (Purpose::Absence, 97),
            (Purpose::BreakJitter, 98),
            (Purpose::CallbackRequest, 99),
            (Purpose::CallbackDelay, 100),
            (Purpose::CallbackAnswer, 101),
        ];
        for (p, n) in expected {
            assert_eq!(p as u64, n, "{p:?} must hash as {n}: {message}");
            assert_eq!(p.id(), n, "{p:?}.id(): {message}");
        }
        assert_eq!(Purpose::PINNED, expected, "Purpose::PINNED: {message}");
        // Every variant is listed: a new purpose must be added here, with a number of its own.
        for (p, _) in expected {
            match p {
                Purpose::InService
                | Purpose::Cooperate
                | Purpose::AttemptFate
                | Purpose::AnswerDelay
                | Purpose::Amd
                | Purpose::Patience
                | Purpose::Talk
                | Purpose::Wrap
                | Purpose::Second
                | Purpose::ObjectionOfferFault
                | Purpose::Object
                | Purpose::GiveName
                | Purpose::IgnoreSuppressionFault
                | Purpose::Consent
                | Purpose::Withdraw
                | Purpose::StoreNameFault
                | Purpose::Referral
                | Purpose::WithdrawDelay
                | Purpose::WithdrawDelaySecond
                | Purpose::Screening
                | Purpose::ConsentMoment
                | Purpose::Absence
                | Purpose::BreakJitter
                | Purpose::CallbackRequest
                | Purpose::CallbackDelay
                | Purpose::CallbackAnswer => {}
            }
        }
    }

    #[test]
    fn uniforms_differ_by_purpose_and_attempt() {
        let a = uniform(1, 420601123456, 1, Purpose::Talk as u64, 0);
        assert_ne!(a, uniform(1, 420601123456, 2, Purpose::Talk as u64, 0));
        assert_ne!(a, uniform(1, 420601123456, 1, Purpose::Wrap as u64, 0));
        assert_eq!(a, uniform(1, 420601123456, 1, Purpose::Talk as u64, 0));
    }
}
