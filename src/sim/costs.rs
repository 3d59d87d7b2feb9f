//! What a run cost (`[costs]`), and the counts it is computed from: `summary.json`'s `contacts`, `screened`,
//! `screened_out`, `cost_*` and `net_value`.
//!
//! A **contact** is AAPOR's: a number on which a person was reached — final disposition interview (I) or
//! refusal (R, objections included) — so `cost_per_contact` is the campaign's cost per number whose person was
//! reached, not per live answer or per connect.

use serde::Serialize;

use crate::foundation::clock::Millis;
use crate::scenario::CostsSection;

/// The cost of a run, by what it pays for, in `currency`.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct CostBreakdown {
    /// `per_dial` × dials.
    pub dials: f64,
    /// Answered line time at its type's price per minute (pick-up to hang-up, per second).
    pub lines: f64,
    /// `agent_per_hour` × staffed agent-hours.
    pub agents: f64,
    /// `hlr_per_lookup` × look-ups (`screened`).
    pub lookups: f64,
}

/// Costs and value of a run (flattened into `summary.json`).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct CostSummary {
    /// AAPOR contacts: numbers on which a person was reached (I + R).
    pub contacts: u64,
    /// Numbers looked up by HLR pre-screening.
    pub screened: u64,
    /// Numbers the look-up reported not in service: never dialled.
    pub screened_out: u64,
    /// Minutes of answered line time billed.
    pub line_minutes: f64,
    /// Currency of the costs (ISO 4217).
    pub cost_currency: String,
    /// The cost by what it pays for.
    pub cost_breakdown: CostBreakdown,
    /// dials + lines + agents + lookups.
    pub cost_total: f64,
    /// cost_total / contacts (0 without contacts).
    pub cost_per_contact: f64,
    /// cost_total / consents granted (0 without consents).
    pub cost_per_consent: f64,
    /// value_per_consent × consents granted − cost_total.
    pub net_value: f64,
}

/// The counts a run's costs are computed from.
pub(crate) struct CostCounts {
    pub dials: u64,
    pub staffed_s: f64,
    pub screened: u64,
    pub screened_out: u64,
    pub line_ms: Millis,
    pub line_cost: f64,
    pub contacts: u64,
    pub consents: u64,
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

impl CostSummary {
    /// The costs of `counts` at the prices of `prices`.
    pub(crate) fn of(prices: &CostsSection, counts: &CostCounts) -> CostSummary {
        let cost_breakdown = CostBreakdown {
            dials: prices.per_dial * counts.dials as f64,
            lines: counts.line_cost,
            agents: prices.agent_per_hour * counts.staffed_s / 3600.0,
            lookups: prices.hlr_per_lookup * counts.screened as f64,
        };
        let b = &cost_breakdown;
        let cost_total = b.dials + b.lines + b.agents + b.lookups;
        CostSummary {
            contacts: counts.contacts,
            screened: counts.screened,
            screened_out: counts.screened_out,
            line_minutes: counts.line_ms.as_f64() / 60_000.0,
            cost_currency: prices.currency.clone(),
            cost_per_contact: ratio(cost_total, counts.contacts as f64),
            cost_per_consent: ratio(cost_total, counts.consents as f64),
            net_value: prices.value_per_consent * counts.consents as f64 - cost_total,
            cost_total,
            cost_breakdown,
        }
    }
}
