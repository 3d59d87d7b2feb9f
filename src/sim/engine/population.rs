//! Who is behind a number, inside the engine: the fate of an attempt from the number's stratum rates, HLR
//! pre-screening of fresh numbers (`[screening]`), and the line minutes billed (`[costs]`). A child module of
//! the engine, so it works on the engine's state directly.
//!
//! Every draw is keyed by the number (common random numbers): the not-in-service draw of a number is the same
//! in a run with screening and one without, and the look-up's verdict is a draw of its own (purpose
//! `Screening`), so turning screening on changes which numbers are dialled, not who they are.

use super::*;
use crate::plan::NumberType;
use crate::scenario::StratumRates;
use crate::sim::strata::StratumId;

impl<'a> Engine<'a> {
    /// The stratum rates of `number`.
    pub(super) fn rates(&self, number: &PhoneNumber) -> StratumRates {
        *self.fresh.stratum(number).1
    }

    /// Whether `number` is in service (per number: the same on every attempt). In a listed bank of the bank
    /// population model (`numbers.frame.in_service_listed`) its bank's share replaces its type's.
    fn in_service(&self, number: &PhoneNumber, r: &StratumRates) -> bool {
        let not_in_service = self.fresh.listed_in_service(number).map_or(r.not_in_service, |p| 1.0 - p);
        !below(not_in_service, || uniform(self.key, number.key(), 0, Purpose::InService as u64, 0))
    }

    /// What the ringing of `attempt` on `number` ends in, the look-up delay held before its first ring, and
    /// the number's stratum (kept with the call: its conversation and its bill read the stratum's rates).
    pub(super) fn fate(&mut self, number: &PhoneNumber, attempt: u32) -> (Fate, Millis, StratumId) {
        let stratum = self.fresh.stratum_id(number);
        let (kind, &r) = self.fresh.stratum_of(stratum);
        // The answer curve moves person and machine with the hour at the called person's location.
        let (person, machine) = self.answer_rates(number.key(), r.busy, r.person, r.machine);
        let lookup = if attempt == 1 && self.screens_type(kind) {
            millis(self.s.screening.latency_seconds)
        } else {
            Millis::ZERO
        };
        let in_service = self.in_service(number, &r);
        if attempt == 1 {
            // Mitofsky–Waksberg's second stage learns from the first dial (nothing for other designs).
            self.fresh.observe(number, in_service);
        }
        let fate = if !in_service {
            Fate::Sit
        } else {
            let u = uniform(self.key, number.key(), attempt, Purpose::AttemptFate as u64, 0);
            if u < r.busy {
                Fate::Busy
            } else if u < r.busy + person {
                Fate::Person
            } else if u < r.busy + person + machine {
                Fate::Machine
            } else {
                Fate::NoAnswer
            }
        };
        (fate, lookup, stratum)
    }

    /// Whether `[screening]` looks `number` up (enabled, and its type is one of the types screened).
    fn screens(&self, number: &PhoneNumber) -> bool {
        self.s.screening.enabled && self.screens_type(self.fresh.stratum(number).0)
    }

    /// Whether `[screening]` looks numbers of type `kind` up (when it is enabled).
    fn screens_type(&self, kind: Option<NumberType>) -> bool {
        let s = &self.s.screening;
        s.enabled && kind.is_some_and(|kind| s.types.iter().any(|t| t.as_str() == kind.as_str()))
    }

    /// Looks a fresh number up when screening applies; true when the look-up says it is not in service (the
    /// number is then never dialled). The look-up is right with probability `accuracy`, for working and dead
    /// numbers alike: a dead number it calls working is dialled, a working number it calls dead is lost.
    pub(super) fn screened_out(&mut self, number: &PhoneNumber) -> bool {
        if !self.screens(number) {
            return false;
        }
        let r = self.rates(number);
        let correct = uniform(self.key, number.key(), 0, Purpose::Screening.id(), 0) < self.s.screening.accuracy;
        let out = self.in_service(number, &r) != correct;
        if self.counting() {
            self.stats.screened += 1;
            if out {
                self.stats.screened_out += 1;
            }
        }
        out
    }

    /// Bills the line time of call `c`, which ends now: from pick-up to hang-up, per second, at its type's
    /// price per minute (unanswered attempts cost only `costs.per_dial`).
    pub(super) fn bill(&mut self, c: u32) {
        let call = &self.calls[c];
        let Some(answered) = call.answered.get() else {
            return;
        };
        let ms = self.now.saturating_sub(answered);
        let price = self.s.costs.line_per_minute.of(self.fresh.stratum_of(call.stratum).0);
        self.stats.line_ms += ms;
        self.stats.line_cost += price * ms.as_f64() / 60_000.0;
    }
}
