//! The controller's records: suppression entries, consent receipts and withdrawals (the ledger), stored names.

use serde_json::json;

use crate::clock::Millis;
use crate::exclude::rfc3339;
use crate::number::PhoneNumber;
use crate::scenario::Scenario;

/// A number never to call again: an objection or a withdrawal. Never a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressionEntry {
    /// The number.
    pub number: PhoneNumber,
    /// When, ms since day 0 00:00.
    pub time_ms: Millis,
    /// The call in which it was said (for a withdrawal: the call of the consent).
    pub call_id: u32,
    /// `marketing` (objection to marketing calls) or `withdrawal`.
    pub scope: &'static str,
}

/// A consent receipt, shaped on the Kantara Consent Receipt v1.1.
#[derive(Clone, Debug, PartialEq)]
pub struct Receipt {
    /// Receipt id.
    pub id: String,
    /// The principal's number.
    pub number: PhoneNumber,
    /// The principal's name.
    pub name: String,
    /// The call.
    pub call_id: u32,
    /// Consent time, ms since day 0 00:00.
    pub time_ms: Millis,
    /// The call that referred this number, when it came as a referral.
    pub referral_of: Option<u32>,
}

/// A withdrawal of a consent.
#[derive(Clone, Debug, PartialEq)]
pub struct Withdrawal {
    /// The receipt withdrawn.
    pub receipt_id: String,
    /// The principal's number.
    pub number: PhoneNumber,
    /// When, ms since day 0 00:00.
    pub time_ms: Millis,
}

/// One line of `consents.jsonl`.
#[derive(Clone, Debug, PartialEq)]
pub enum LedgerEntry {
    /// A consent.
    Consent(Receipt),
    /// A withdrawal.
    Withdrawal(Withdrawal),
}

/// A name kept with a number (the CRM): `names.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct NameEntry {
    /// The number.
    pub number: PhoneNumber,
    /// The name.
    pub name: String,
    /// The call it was given in.
    pub call_id: u32,
    /// When it was stored, ms since day 0 00:00.
    pub time_ms: Millis,
    /// The receipt it is kept under (none only when a fault was injected).
    pub receipt: Option<String>,
}

/// Seconds since 1970 of simulated time `ms` in a scenario starting on `run.start_date`.
pub fn epoch_seconds(scenario: &Scenario, ms: Millis) -> i64 {
    let day0 = crate::scenario::days_from_civil(&scenario.run.start_date).unwrap_or(0);
    day0 * 86_400 + (ms / 1000) as i64
}

/// RFC 3339 UTC of simulated time `ms`, with milliseconds.
pub fn timestamp(scenario: &Scenario, ms: Millis) -> String {
    let whole = rfc3339(epoch_seconds(scenario, ms));
    format!("{}.{:03}Z", whole.trim_end_matches('Z'), ms % 1000)
}

impl LedgerEntry {
    /// The JSON line of the entry.
    pub fn to_json(&self, s: &Scenario) -> String {
        let c = &s.compliance;
        let value = match self {
            LedgerEntry::Consent(r) => json!({
                "type": "consent",
                "version": "KI-CR-v1.1.0",
                "jurisdiction": c.profile.rules().jurisdiction,
                "consentTimestamp": epoch_seconds(s, r.time_ms),
                "consentTime": timestamp(s, r.time_ms),
                "collectionMethod": "telephone call",
                "consentReceiptID": r.id,
                "language": c.language,
                "piiPrincipalId": r.number.to_string(),
                "piiPrincipalName": r.name,
                "piiControllers": [{ "piiController": c.controller, "contact": c.controller_contact }],
                "policyUrl": c.policy_url,
                "services": [{
                    "service": "telephone calls",
                    "purposes": [{
                        "purpose": format!("{:?}", c.purpose).to_lowercase(),
                        "purposeCategory": [format!("{:?}", c.purpose).to_lowercase()],
                        "consentType": "EXPLICIT",
                        "piiCategory": ["name", "telephone number"],
                        "primaryPurpose": true,
                        "termination": "until withdrawn",
                        "thirdPartyDisclosure": false
                    }]
                }],
                "sensitive": false,
                "spiCat": [],
                "notice": format!("{}{}", c.script_version, if r.referral_of.is_some() { "+art14" } else { "" }),
                "callId": r.call_id,
                "referralOf": r.referral_of,
            }),
            LedgerEntry::Withdrawal(w) => json!({
                "type": "withdrawal",
                "consentReceiptID": w.receipt_id,
                "piiPrincipalId": w.number.to_string(),
                "withdrawalTimestamp": epoch_seconds(s, w.time_ms),
                "withdrawalTime": timestamp(s, w.time_ms),
            }),
        };
        value.to_string()
    }
}

/// A synthetic name for a number (the simulation's people are invented).
pub fn synthetic_name(h: u64) -> String {
    const GIVEN: [&str; 12] =
        ["Jana", "Petr", "Eva", "Jan", "Marie", "Tomáš", "Lucie", "Martin", "Hana", "Pavel", "Tereza", "Jiří"];
    const FAMILY: [&str; 12] = [
        "Nováková",
        "Svoboda",
        "Dvořáková",
        "Černý",
        "Procházková",
        "Kučera",
        "Veselá",
        "Horák",
        "Němcová",
        "Marek",
        "Pokorná",
        "Král",
    ];
    format!("{} {}", GIVEN[(h % 12) as usize], FAMILY[((h / 12) % 12) as usize])
}
