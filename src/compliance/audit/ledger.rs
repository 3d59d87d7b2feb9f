//! The ledger (`consents.jsonl`) against the calls, the suppression list and the scenario. Each file of a run
//! folder can be edited, and the manifest resealed, without a key; what one file says the others must then
//! still not contradict:
//!
//! - `receipt-call`: a receipt names a call of calls.csv, dialled to the receipt's number (a receipt for a
//!   number never dialled names none), and is the only receipt of that call and of its id;
//! - `consent-outcome`: the call is one in which consent is given — a completed conversation, not a refusal,
//!   a request to call back or a call that reached no person;
//! - `consent-objection`: no consent in the very call where the person objected;
//! - `consent-time`: every time field matches — the consent time lies within the call, from the connect to the
//!   end of the talk, and `consentTimestamp` (`withdrawalTimestamp`) is the second of `consentTime`
//!   (`withdrawalTime`);
//! - `referral-record`: the receipt's `referralOf` (and its notice's `+art14`) is the call's `referral_of`, and
//!   a call's referral names an earlier completed call; a call gives the Art. 14 notice only as a referral;
//! - `receipt-purpose`: the purpose (and its category) is the scenario's; `profile`: so is the jurisdiction;
//! - `receipt-id`: a receipt's id is an RFC 4122 UUID (version 4 layout);
//! - `receipt-controller`: the controller's `addressCountry` is the scenario's `compliance.controller_country`;
//! - `receipt-wording`: `consentWordingSha256` is the SHA-256 of the scenario's `compliance.consent_wording`;
//! - `withdrawal-record`: a withdrawal withdraws a receipt of its number, once, after it was given, and has its
//!   suppression entry (scope `withdrawal`, same number and time) — and every such entry has its withdrawal;
//! - `withdrawal-format`: a withdrawal line is a withdrawal record of its own kind (`dialsim-withdrawal-v1`,
//!   its fields and no receipt's, a UUID `withdrawalID`), not a malformed receipt;
//! - `withdrawal-erasure`: a withdrawn receipt keeps no `piiPrincipalName` (the minimal receipt kept on the
//!   Art. 17(3)(e) ground holds no name);
//! - `referral-retention`: a referral link (`referral_of` in calls.csv) whose referee was not reached — no
//!   person connected on an attempt dialled within `compliance.retention.referral_link_days` of the referring
//!   call's connect — is erased when that period ends inside the run's `run.days`.

use std::collections::{HashMap, HashSet};

use super::Violation;
use super::records::{CallLine, ConsentLine, RunRecords, Stamp};
use crate::compliance::records::{purpose_category, purpose_name};
use crate::foundation::clock::Millis;
use crate::foundation::error::snippet;
use crate::foundation::outcome::Outcome;
use crate::scenario::Scenario;

/// Every check of this module, in the order of its doc.
pub(super) fn check_ledger(s: &Scenario, r: &RunRecords, out: &mut Vec<Violation>) {
    let calls: HashMap<u32, &CallLine> = r.calls.iter().map(|c| (c.call_id, c)).collect();
    check_receipts(s, r, &calls, out);
    check_call_referrals(r, &calls, out);
    check_profile(s, r, out);
    check_withdrawals(r, out);
    check_withdrawn_names(r, out);
    check_referral_retention(s, r, &calls, out);
}

/// `withdrawal-erasure` in the ledger: a receipt withdrawn later keeps no name.
fn check_withdrawn_names(r: &RunRecords, out: &mut Vec<Violation>) {
    let withdrawn: HashMap<&str, u64> = r.withdrawals.iter().map(|w| (w.receipt_id.as_str(), w.line)).collect();
    for rc in r.consents.iter().filter(|rc| rc.has_name) {
        if let Some(line) = withdrawn.get(rc.id.as_str()) {
            out.push(
                Violation::new(
                    "withdrawal-erasure",
                    rc.call_id,
                    format!(
                        "receipt {} keeps the name of +{} though it was withdrawn (consents.jsonl:{line})",
                        snippet(&rc.id),
                        rc.key
                    ),
                )
                .at("consents.jsonl", rc.line),
            );
        }
    }
}

/// `referral-retention`: every call still naming a referral whose link outlived its retention unreached.
fn check_referral_retention(s: &Scenario, r: &RunRecords, calls: &HashMap<u32, &CallLine>, out: &mut Vec<Violation>) {
    let keep = u64::from(s.compliance.retention.referral_link_days) * crate::foundation::clock::DAY;
    let end = u64::from(s.run.days) * crate::foundation::clock::DAY;
    // Referring call -> whether its referee was reached in time (a person connected on an attempt dialled
    // before the link's end).
    let mut reached: HashMap<u32, bool> = HashMap::new();
    for c in &r.calls {
        let Some(by) = c.referral_of else { continue };
        let Some(from) = calls.get(&by) else { continue };
        let e = reached.entry(by).or_insert(false);
        *e |= c.offered.is_some() && c.dial_ms < from.connect_ms + keep;
    }
    for c in &r.calls {
        let Some(by) = c.referral_of else { continue };
        let Some(from) = calls.get(&by) else { continue };
        let ends = from.connect_ms + keep;
        if !reached[&by] && ends <= end {
            out.push(
                Violation::new(
                    "referral-retention",
                    Some(c.call_id),
                    format!(
                        "the link to referring call {by} is kept, though +{} was not reached within {} days of the referral (day {}); the run ran {} days",
                        c.key,
                        s.compliance.retention.referral_link_days,
                        ends / crate::foundation::clock::DAY,
                        s.run.days
                    ),
                )
                .at("calls.csv", c.line),
            );
        }
    }
}

/// The line `key` was first seen on, when `line` repeats it; None (and `line` noted) the first time.
fn repeat<K: std::hash::Hash + Eq>(first: &mut HashMap<K, u64>, key: K, line: u64) -> Option<u64> {
    match first.entry(key) {
        std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(line);
            None
        }
    }
}

fn seconds(ms: Millis) -> String {
    format!("{:.3}", ms.secs())
}

/// `consent-time` of a time written twice: the seconds since 1970 are those of the RFC 3339 time.
fn stamp_problem(stamp: &Stamp, field: &str) -> Option<String> {
    match stamp.written_s {
        Some(w) if w == stamp.epoch_s => None,
        Some(w) => Some(format!(
            "{field}Timestamp {w} is not {field}Time ({} s since 1970, {} s apart)",
            stamp.epoch_s,
            (i128::from(w) - i128::from(stamp.epoch_s)).abs()
        )),
        None => Some(format!("no {field}Timestamp beside {field}Time")),
    }
}

fn check_receipts(s: &Scenario, r: &RunRecords, calls: &HashMap<u32, &CallLine>, out: &mut Vec<Violation>) {
    let dialled: HashSet<u64> = r.calls.iter().map(|c| c.key).collect();
    let objections: HashMap<(u64, u32), u64> =
        r.suppression.iter().filter(|x| x.scope == "marketing").map(|x| ((x.key, x.call_id), x.line)).collect();
    // Receipts state what consent was asked for: the campaign's purpose unless compliance.consent_purpose
    // says otherwise (a research campaign asking for marketing consent is `disguised-survey`).
    let (purpose, category) = (purpose_name(s.consent_purpose()), purpose_category(s.consent_purpose()));
    let wording = crate::compliance::wording_sha256(s);
    let mut ids: HashMap<&str, u64> = HashMap::new();
    let mut per_call: HashMap<u32, u64> = HashMap::new();
    for rc in &r.consents {
        let v =
            |rule: &'static str, detail: String| Violation::new(rule, rc.call_id, detail).at("consents.jsonl", rc.line);
        if let Some(first) = repeat(&mut ids, rc.id.as_str(), rc.line) {
            out.push(v("receipt-call", format!("receipt id {} repeated (first on line {first})", snippet(&rc.id))));
        }
        if let Some(p) = stamp_problem(&rc.stamp, "consent") {
            out.push(v("consent-time", p));
        }
        if !crate::compliance::is_uuid(&rc.id) {
            out.push(v("receipt-id", format!("receipt id {} is no RFC 4122 UUID", snippet(&rc.id))));
        }
        let country = &s.compliance.controller_country;
        if rc.controller_country.as_deref() != Some(country.as_str()) {
            out.push(v(
                "receipt-controller",
                format!(
                    "the controller's addressCountry is {}, the scenario's compliance.controller_country is {country}",
                    rc.controller_country.as_deref().map_or("missing".to_string(), snippet)
                ),
            ));
        }
        if rc.wording_sha256.as_deref() != Some(wording.as_str()) {
            out.push(v(
                "receipt-wording",
                format!(
                    "consentWordingSha256 {} is not the SHA-256 of the scenario's compliance.consent_wording ({wording})",
                    rc.wording_sha256.as_deref().map_or("missing".to_string(), snippet)
                ),
            ));
        }
        if rc.purposes.is_empty() {
            out.push(v("receipt-purpose", format!("a receipt that states no purpose; the scenario's is {purpose}")));
        }
        for (p, categories) in &rc.purposes {
            if *p != purpose || categories.len() != 1 || categories[0] != category {
                out.push(v(
                    "receipt-purpose",
                    format!(
                        "purpose '{}' (category '{}'), the scenario's is '{purpose}' ('{category}')",
                        snippet(p),
                        snippet(&categories.join(", "))
                    ),
                ));
            }
        }
        let Some(id) = rc.call_id else {
            out.push(v("receipt-call", format!("a receipt for +{} that names no call", rc.key)));
            continue;
        };
        if let Some(first) = repeat(&mut per_call, id, rc.line) {
            out.push(v("receipt-call", format!("a second receipt in call {id} (the first on line {first})")));
        }
        let Some(c) = calls.get(&id) else {
            out.push(v("receipt-call", format!("receipt for call {id}, which calls.csv does not hold")));
            continue;
        };
        if c.key != rc.key {
            let never = if dialled.contains(&rc.key) { "" } else { "; calls.csv never dialled it" };
            out.push(v(
                "receipt-call",
                format!("a receipt for +{} in call {id}, which dialled +{}{never}", rc.key, c.key),
            ));
            continue;
        }
        let objected = objections.get(&(c.key, id));
        if c.outcome == Outcome::Objected || objected.is_some() {
            let at = objected.map(|l| format!(" (suppression.csv:{l})")).unwrap_or_default();
            out.push(v(
                "consent-objection",
                format!("a {purpose} consent in call {id}, in which +{} objected{at}", c.key),
            ));
        } else if c.outcome != Outcome::Completed {
            out.push(v(
                "consent-outcome",
                format!(
                    "a consent in call {id}, whose outcome reads '{}': consent is given only in a completed conversation",
                    c.outcome.as_str()
                ),
            ));
        }
        if c.outcome.is_person_connected() && (rc.stamp.ms < c.connect_ms || rc.stamp.ms > c.end_ms) {
            out.push(v(
                "consent-time",
                format!(
                    "consent at {} s, outside call {id} (connected {} s, ended {} s)",
                    seconds(rc.stamp.ms),
                    seconds(c.connect_ms),
                    seconds(c.end_ms)
                ),
            ));
        }
        check_receipt_referral(rc, c, &v, out);
    }
}

/// `referral-record` of one receipt: its `referralOf` and notice against its call's `referral_of`.
fn check_receipt_referral(
    rc: &ConsentLine,
    c: &CallLine,
    v: &dyn Fn(&'static str, String) -> Violation,
    out: &mut Vec<Violation>,
) {
    let says = |r: Option<u32>| r.map_or("none".to_string(), |by| format!("call {by}"));
    if rc.referral_of != c.referral_of {
        out.push(v(
            "referral-record",
            format!(
                "the receipt states a referral from {}, calls.csv's call {} from {}",
                says(rc.referral_of),
                c.call_id,
                says(c.referral_of)
            ),
        ));
    } else if let Some(notice) = &rc.notice
        && notice.ends_with("+art14") != rc.referral_of.is_some()
    {
        out.push(v(
            "referral-record",
            format!(
                "the receipt's notice '{}' and its referral from {} disagree",
                snippet(notice),
                says(rc.referral_of)
            ),
        ));
    }
}

/// `referral-record` inside calls.csv: a referral names an earlier completed call to another number (a
/// referral is given in a completed conversation), and only a referral carries the Art. 14 notice.
fn check_call_referrals(r: &RunRecords, calls: &HashMap<u32, &CallLine>, out: &mut Vec<Violation>) {
    for c in &r.calls {
        let v = |detail: String| Violation::new("referral-record", Some(c.call_id), detail).at("calls.csv", c.line);
        match c.referral_of {
            Some(by) => {
                let problem = match calls.get(&by) {
                    None => Some("which calls.csv does not hold".to_string()),
                    Some(f) if f.key == c.key => Some("which dialled this number itself".to_string()),
                    Some(f) if (f.dial_ms, f.call_id) > (c.dial_ms, c.call_id) => Some("dialled after it".to_string()),
                    Some(f) if f.outcome != Outcome::Completed => {
                        Some(format!("whose outcome reads '{}', not completed", f.outcome.as_str()))
                    }
                    Some(_) => None,
                };
                if let Some(p) = problem {
                    out.push(v(format!("a referral from call {by}, {p}")));
                }
            }
            None if c.notice == "art14" => {
                out.push(v("the Art. 14 notice of a referral given on a call that names no referral".to_string()))
            }
            None => {}
        }
    }
}

/// `profile`: receipts state the jurisdiction of the profile the run used; a profile edited in summary.json
/// afterwards disagrees with them.
fn check_profile(s: &Scenario, r: &RunRecords, out: &mut Vec<Violation>) {
    let expected = s.jurisdiction().iso;
    let other: Vec<&ConsentLine> =
        r.consents.iter().filter(|c| c.jurisdiction.as_deref().is_some_and(|j| j != expected)).collect();
    if let Some(first) = other.first() {
        out.push(
            Violation::new(
                "profile",
                first.call_id,
                format!(
                    "{} receipts state jurisdiction {}, but summary.json's profile {} is {expected}",
                    other.len(),
                    snippet(first.jurisdiction.as_deref().unwrap_or("")),
                    s.compliance.profile.as_str()
                ),
            )
            .at("consents.jsonl", first.line),
        );
    }
}

/// `withdrawal-record` (and `consent-time` of a withdrawal's two times).
fn check_withdrawals(r: &RunRecords, out: &mut Vec<Violation>) {
    let mut receipts: HashMap<&str, &ConsentLine> = HashMap::new();
    for rc in &r.consents {
        receipts.entry(rc.id.as_str()).or_insert(rc);
    }
    let entries: HashSet<(u64, Millis)> =
        r.suppression.iter().filter(|x| x.scope == "withdrawal").map(|x| (x.key, x.ms)).collect();
    let mut made: HashSet<(u64, Millis)> = HashSet::new();
    let mut withdrawn: HashMap<&str, u64> = HashMap::new();
    for w in &r.withdrawals {
        let rc = receipts.get(w.receipt_id.as_str());
        let v = |rule: &'static str, detail: String| {
            Violation::new(rule, rc.and_then(|rc| rc.call_id), detail).at("consents.jsonl", w.line)
        };
        let id = snippet(&w.receipt_id);
        if let Some(p) = stamp_problem(&w.stamp, "withdrawal") {
            out.push(v("consent-time", p));
        }
        for p in &w.format_problems {
            out.push(v("withdrawal-format", format!("withdrawal of receipt {id}: {p}")));
        }
        made.insert((w.key, w.stamp.ms));
        let problem = match rc {
            None => Some(format!("a withdrawal of receipt {id}, which the ledger does not hold")),
            Some(rc) if rc.key != w.key => {
                Some(format!("a withdrawal by +{} of receipt {id}, which is +{}'s", w.key, rc.key))
            }
            Some(rc) if w.stamp.ms < rc.stamp.ms => Some(format!(
                "receipt {id} withdrawn at {} s, before it was given at {} s",
                seconds(w.stamp.ms),
                seconds(rc.stamp.ms)
            )),
            _ => None,
        };
        if let Some(p) = problem {
            out.push(v("withdrawal-record", p));
        }
        if let Some(first) = repeat(&mut withdrawn, w.receipt_id.as_str(), w.line) {
            out.push(v("withdrawal-record", format!("receipt {id} withdrawn again (first on line {first})")));
        }
        if !entries.contains(&(w.key, w.stamp.ms)) {
            out.push(v(
                "withdrawal-record",
                format!(
                    "+{} withdrew receipt {id} at {} s, but suppression.csv holds no withdrawal entry for it",
                    w.key,
                    seconds(w.stamp.ms)
                ),
            ));
        }
    }
    for x in r.suppression.iter().filter(|x| x.scope == "withdrawal" && !made.contains(&(x.key, x.ms))) {
        out.push(
            Violation::new(
                "withdrawal-record",
                Some(x.call_id),
                format!(
                    "a withdrawal entry for +{} at {} s that no withdrawal in consents.jsonl makes",
                    x.key,
                    seconds(x.ms)
                ),
            )
            .at("suppression.csv", x.line),
        );
    }
}
