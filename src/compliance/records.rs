//! The controller's records: suppression entries, consent receipts and withdrawals (the ledger), stored names.

use serde_json::json;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use crate::foundation::clock::{DAY, Millis};
use crate::plan::number::PhoneNumber;
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
    /// Receipt id: an RFC 4122 UUID ([`record_uuid`]).
    pub id: String,
    /// The principal's number.
    pub number: PhoneNumber,
    /// The principal's name; None once the consent is withdrawn (the minimal receipt kept holds no name).
    pub name: Option<String>,
    /// The call.
    pub call_id: u32,
    /// Consent time, ms since day 0 00:00: when consent is given, inside the call's talk.
    pub time_ms: Millis,
    /// The call that referred this number, when it came as a referral.
    pub referral_of: Option<u32>,
    /// The agent who took the consent.
    pub agent: Option<u32>,
}

/// A withdrawal of a consent: a record of its own kind ([`WITHDRAWAL_VERSION`]), naming the receipt it
/// withdraws.
#[derive(Clone, Debug, PartialEq)]
pub struct Withdrawal {
    /// The withdrawal's own id: an RFC 4122 UUID ([`record_uuid`]).
    pub id: String,
    /// The receipt withdrawn.
    pub receipt_id: String,
    /// The principal's number.
    pub number: PhoneNumber,
    /// When, ms since day 0 00:00.
    pub time_ms: Millis,
}

/// The version tag of a consent receipt line: the Kantara Consent Receipt Specification v1.1.
pub const RECEIPT_VERSION: &str = "KI-CR-v1.1.0";

/// The version tag of a withdrawal line, dialsim's own record (the Kantara specification defines no
/// withdrawal): `data/schemas/consent-ledger.schema.json` describes it.
pub const WITHDRAWAL_VERSION: &str = "dialsim-withdrawal-v1";

/// The fields a withdrawal line holds, no more: a withdrawal that carries a receipt's fields is a malformed
/// record (the audit's `withdrawal-format`).
pub const WITHDRAWAL_FIELDS: [&str; 9] = [
    "type",
    "version",
    "withdrawalID",
    "consentReceiptID",
    "withdrawalTimestamp",
    "withdrawalTime",
    "collectionMethod",
    "piiPrincipalId",
    "jurisdiction",
];

/// A record id as an RFC 4122 UUID of the version 4 layout (version nibble 4, variant bits `10`), derived from
/// the run's key and the record — never from the operating system's generator, so that one seed writes the
/// same ids byte for byte. `kind` separates the ids of different records made from the same parts.
///
/// ```
/// let id = dialsim::compliance::record_uuid(7, "consent", &[3, 420601000001]);
/// assert!(dialsim::compliance::is_uuid(&id));
/// assert_eq!(id, dialsim::compliance::record_uuid(7, "consent", &[3, 420601000001]));
/// assert_ne!(id, dialsim::compliance::record_uuid(8, "consent", &[3, 420601000001]));
/// ```
pub fn record_uuid(key: u64, kind: &str, parts: &[u64]) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(b"dialsim-record-uuid-v1\0");
    h.update(kind.as_bytes());
    h.update([0]);
    h.update(key.to_le_bytes());
    for p in parts {
        h.update(p.to_le_bytes());
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x: String = b.iter().map(|v| format!("{v:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &x[..8], &x[8..12], &x[12..16], &x[16..20], &x[20..])
}

/// Whether `s` is an RFC 4122 UUID of the version 4 layout: 8-4-4-4-12 hexadecimal digits, version nibble 4,
/// variant `8`, `9`, `a` or `b`.
///
/// ```
/// assert!(dialsim::compliance::is_uuid("0b6f2c1e-8a7d-4c3b-9e2f-1a2b3c4d5e6f"));
/// assert!(!dialsim::compliance::is_uuid("cr-5e1954320fbb1ffd-18141"));
/// assert!(!dialsim::compliance::is_uuid("0b6f2c1e-8a7d-1c3b-9e2f-1a2b3c4d5e6f")); // version 1
/// ```
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { *c == b'-' } else { c.is_ascii_hexdigit() })
        && b[14] == b'4'
        && matches!(b[19].to_ascii_lowercase(), b'8' | b'9' | b'a' | b'b')
}

/// SHA-256 (hex) of the consent wording read out: the receipts' `consentWordingSha256`.
pub fn wording_sha256(scenario: &Scenario) -> String {
    crate::foundation::digest::sha256_hex(scenario.compliance.consent_wording.as_bytes())
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

pub use crate::foundation::clock::zone;

/// The scenario's zone (UTC when the name is unknown, which scenario validation refuses).
fn scenario_zone(scenario: &Scenario) -> TimeZone {
    zone(&scenario.run.time_zone).unwrap_or(TimeZone::UTC)
}

/// Day 0 of the scenario as a civil date (1970-01-01 when the date is invalid, which validation refuses).
fn day0(scenario: &Scenario) -> Date {
    scenario.run.start_date.trim().parse::<Date>().unwrap_or(jiff::civil::date(1970, 1, 1))
}

/// The instant of simulated time `ms`: day `ms / DAY` after `run.start_date`, at the wall-clock time `ms % DAY`
/// in `run.time_zone` (the calling floor's clock). A wall-clock time skipped by a DST change is taken after it,
/// a repeated one at its first occurrence (jiff's "compatible" rule, as RFC 5545 does).
pub fn zoned(scenario: &Scenario, ms: Millis) -> jiff::Zoned {
    let local: DateTime = crate::foundation::clock::wall_clock(day0(scenario), ms);
    scenario_zone(scenario).to_ambiguous_zoned(local).compatible().unwrap_or_else(|_| {
        // Only at the ends of the supported range; the UTC reading is the best left.
        local.to_zoned(TimeZone::UTC).expect("UTC is never ambiguous")
    })
}

/// Seconds since 1970 (UTC) of simulated time `ms` in a scenario starting on `run.start_date`.
pub fn epoch_seconds(scenario: &Scenario, ms: Millis) -> i64 {
    zoned(scenario, ms).timestamp().as_second()
}

/// RFC 3339 of simulated time `ms` with milliseconds and the true UTC offset of `run.time_zone` on that date,
/// e.g. `2026-01-05T09:00:25.300+01:00` in Prague in January, `+02:00` in July.
///
/// ```
/// let mut s = dialsim::Scenario::default_day();
/// assert_eq!(dialsim::compliance::timestamp(&s, dialsim::sim::Millis(9 * 3_600_000 + 25_300)), "2026-01-05T09:00:25.300+01:00");
/// s.run.start_date = "2026-07-06".into();
/// assert_eq!(dialsim::compliance::timestamp(&s, dialsim::sim::Millis(9 * 3_600_000)), "2026-07-06T09:00:00.000+02:00");
/// ```
pub fn timestamp(scenario: &Scenario, ms: Millis) -> String {
    zoned(scenario, ms).strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

/// Simulated time (ms since day 0 00:00 on the floor's clock) of an RFC 3339 time with any offset, the inverse
/// of [`timestamp`]: the instant is read with its offset and placed on the scenario's wall clock. None when it
/// is no RFC 3339 time with an offset, or lies before day 0.
pub fn time_ms_of(scenario: &Scenario, text: &str) -> Option<Millis> {
    instant_ms(scenario, text.trim().parse().ok()?)
}

/// Simulated time of `instant` (see [`time_ms_of`]); None before day 0.
pub(crate) fn instant_ms(scenario: &Scenario, instant: jiff::Timestamp) -> Option<Millis> {
    let local = instant.to_zoned(scenario_zone(scenario)).datetime();
    let days = day0(scenario).until(local.date()).ok()?.get_days() as i64;
    let t = local.time();
    let tod = i64::from(t.hour()) * 3_600_000
        + i64::from(t.minute()) * 60_000
        + i64::from(t.second()) * 1000
        + i64::from(t.millisecond());
    u64::try_from(days * DAY.0 as i64 + tod).ok().map(Millis)
}

/// The names a run keeps once its records are final: every name kept under a receipt that was withdrawn is
/// erased (GDPR Art. 7(3) and 17(1)(b): after a withdrawal the name has no ground to be kept). The ledger keeps
/// the receipt and the withdrawal; the suppression list keeps the number. Names under no receipt (an injected
/// fault) are left for the audit to find.
///
/// ```
/// use dialsim::compliance::{LedgerEntry, NameEntry, Receipt, Withdrawal, erase_withdrawn};
/// use dialsim::sim::Millis;
/// let number = dialsim::PhoneNumber::from_key(420601000001).unwrap();
/// let receipt = Receipt {
///     id: "r1".into(), number, name: Some("Eva".into()), call_id: 3, time_ms: Millis(10), referral_of: None, agent: Some(0),
/// };
/// let name = NameEntry { number, name: "Eva".into(), call_id: 3, time_ms: Millis(10), receipt: Some("r1".into()) };
/// let ledger = vec![
///     LedgerEntry::Consent(receipt),
///     LedgerEntry::Withdrawal(Withdrawal { id: "w1".into(), receipt_id: "r1".into(), number, time_ms: Millis(99) }),
/// ];
/// assert!(erase_withdrawn(&[name], &ledger).is_empty());
/// ```
pub fn erase_withdrawn(names: &[NameEntry], ledger: &[LedgerEntry]) -> Vec<NameEntry> {
    let withdrawn: std::collections::HashSet<&str> = ledger
        .iter()
        .filter_map(|e| match e {
            LedgerEntry::Withdrawal(w) => Some(w.receipt_id.as_str()),
            LedgerEntry::Consent(_) => None,
        })
        .collect();
    names.iter().filter(|n| n.receipt.as_deref().is_none_or(|r| !withdrawn.contains(r))).cloned().collect()
}

/// The name of a campaign purpose on receipts (`marketing`, `research`).
pub(crate) fn purpose_name(purpose: crate::scenario::Purpose) -> String {
    format!("{purpose:?}").to_lowercase()
}

/// Kantara CR v1.1 purpose category (Appendix A, "Purpose Categories") of a campaign purpose.
pub(crate) fn purpose_category(purpose: crate::scenario::Purpose) -> &'static str {
    match purpose {
        crate::scenario::Purpose::Marketing => "6 - Marketing",
        // Market research measures and improves the services offered.
        crate::scenario::Purpose::Research => "16 - Improve Performance",
    }
}

impl LedgerEntry {
    /// The JSON line of the entry: a consent receipt with every field the Kantara Initiative Consent Receipt
    /// Specification v1.1 (KI-CR-v1.1.0, 2018) requires — version, jurisdiction, consentTimestamp (seconds since
    /// 1970, UTC), collectionMethod, consentReceiptID (a UUID), language, piiPrincipalId, piiControllers
    /// (piiController, contact, address with the scenario's `controller_country`, email, phone, onBehalf),
    /// policyUrl, services (service, purposes: purpose, purposeCategory from the spec's Appendix A list,
    /// consentType, piiCategory from its Appendix B list, primaryPurpose, termination, thirdPartyDisclosure),
    /// sensitive, spiCat — plus dialsim's own fields (`type`, `consentTime` with the zone's offset, `notice`,
    /// `callId`, `referralOf`, `agent`, `consentWordingSha256`, and `piiPrincipalName` while the consent
    /// stands: a withdrawn receipt is kept without it). A withdrawal is a record of its own kind
    /// ([`WITHDRAWAL_VERSION`], exactly the fields of [`WITHDRAWAL_FIELDS`]) naming the receipt it withdraws.
    /// `data/schemas/consent-ledger.schema.json` describes a line.
    ///
    /// The consent time is the receipt's `time_ms`: the moment in the conversation the person gives consent,
    /// after the connect and before the end of the talk (`dialsim audit` checks it: `consent-time`).
    pub fn to_json(&self, s: &Scenario) -> String {
        let c = &s.compliance;
        let jurisdiction = s.jurisdiction().iso;
        let controllers = json!([{
            "piiController": c.controller,
            "onBehalf": false,
            "contact": c.controller_contact,
            "address": { "streetAddress": c.controller_address, "addressCountry": c.controller_country },
            "email": c.controller_email,
            "phone": c.controller_phone,
        }]);
        let value = match self {
            LedgerEntry::Consent(r) => {
                let mut v = json!({
                "type": "consent",
                "version": RECEIPT_VERSION,
                "jurisdiction": jurisdiction,
                "consentTimestamp": epoch_seconds(s, r.time_ms),
                "consentTime": timestamp(s, r.time_ms),
                "collectionMethod": "telephone call",
                "consentReceiptID": r.id,
                "language": s.language(),
                "piiPrincipalId": r.number.to_string(),
                "piiControllers": controllers,
                "policyUrl": c.policy_url,
                "services": [{
                    "service": "telephone calls",
                    "purposes": [{
                        "purpose": purpose_name(s.consent_purpose()),
                        "purposeCategory": [purpose_category(s.consent_purpose())],
                        "consentType": "EXPLICIT",
                        // Appendix B: a name is biographical, a telephone number contact data.
                        "piiCategory": ["1 - Biographical", "2 - Contact"],
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
                "agent": r.agent,
                "consentWordingSha256": wording_sha256(s),
                });
                if let Some(name) = &r.name {
                    v["piiPrincipalName"] = json!(name);
                }
                v
            }
            LedgerEntry::Withdrawal(w) => json!({
                "type": "withdrawal",
                "version": WITHDRAWAL_VERSION,
                "withdrawalID": w.id,
                "consentReceiptID": w.receipt_id,
                "withdrawalTimestamp": epoch_seconds(s, w.time_ms),
                "withdrawalTime": timestamp(s, w.time_ms),
                "collectionMethod": "telephone call",
                "piiPrincipalId": w.number.to_string(),
                "jurisdiction": jurisdiction,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(date: &str, zone: &str) -> Scenario {
        let mut s = Scenario::default();
        s.run.start_date = date.into();
        s.run.time_zone = zone.into();
        s
    }

    #[test]
    fn timestamps_read_back_to_the_same_simulated_time_across_a_dst_change() {
        // 2026-03-29 is Prague's spring change (02:00 -> 03:00); day 0 is the day before.
        let s = scenario("2026-03-28", "Europe/Prague");
        for ms in
            [Millis(9 * 3_600_000 + 123), DAY + Millis(9 * 3_600_000) + Millis(456), 3 * DAY + Millis(17 * 3_600_000)]
        {
            let t = timestamp(&s, ms);
            assert_eq!(time_ms_of(&s, &t), Some(ms), "{t}");
        }
        assert!(timestamp(&s, Millis(9 * 3_600_000)).ends_with("+01:00"));
        assert!(timestamp(&s, DAY + Millis(9 * 3_600_000)).ends_with("+02:00"));
        // The same instant written in UTC reads back to the same floor time.
        assert_eq!(time_ms_of(&s, "2026-03-29T07:00:00Z"), Some(DAY + Millis(9 * 3_600_000)));
        // A wall-clock time the change skips is taken after it.
        assert_eq!(timestamp(&s, DAY + Millis(2 * 3_600_000) + Millis(30 * 60_000)), "2026-03-29T03:30:00.000+02:00");
    }

    #[test]
    fn epoch_seconds_follow_the_zone() {
        let prague = scenario("2026-01-05", "Europe/Prague");
        let utc = scenario("2026-01-05", "UTC");
        assert_eq!(epoch_seconds(&utc, Millis(9 * 3_600_000)) - epoch_seconds(&prague, Millis(9 * 3_600_000)), 3600);
        assert_eq!(timestamp(&utc, Millis::ZERO), "2026-01-05T00:00:00.000+00:00");
    }
}
