//! The record of processing (GDPR Art. 30(1)) a run folder carries as `processing.json`: who the controller
//! is, why the campaign processes personal data, about whom, which data, who receives it, how long each kind of
//! record is kept and how it is protected. It is a function of the scenario alone, so the audit rebuilds it
//! from the scenario a folder records and compares (`processing-record`).

use serde_json::{Value, json};

use super::records::{purpose_category, purpose_name};
use crate::scenario::Scenario;

/// The file name of the record of processing in a run folder.
pub const PROCESSING_FILE: &str = "processing.json";

/// The version tag of `processing.json` (`data/schemas/processing.schema.json`).
pub const PROCESSING_VERSION: &str = "dialsim-processing-v1";

/// The record of processing of a campaign of `scenario`: Art. 30(1)(a) controller and contact, (b) purposes,
/// (c) categories of data subjects and of personal data, (d) recipients, (e) transfers, (f) retention per
/// record kind, (g) a general description of the security measures.
///
/// ```
/// let s = dialsim::Scenario::default_day();
/// let r = dialsim::compliance::processing_record(&s);
/// assert_eq!(r["controller"]["address"]["addressCountry"], "CZ");
/// assert_eq!(r["activities"][0]["retention"]["referralLinkDays"], 30);
/// ```
pub fn processing_record(scenario: &Scenario) -> Value {
    json!({
        "version": PROCESSING_VERSION,
        "article": "GDPR Art. 30(1)",
        "controller": controller(scenario),
        "activities": [activity(scenario)],
    })
}

/// The record of processing of a folder made of several scenarios (a sweep's or a frontier's points): the
/// one record when every point's is the same, else every distinct record, in point order, under `records`.
pub fn processing_record_of(scenarios: &[&Scenario]) -> Value {
    let mut distinct: Vec<Value> = Vec::new();
    for s in scenarios {
        let r = processing_record(s);
        if !distinct.contains(&r) {
            distinct.push(r);
        }
    }
    match distinct.len() {
        1 => distinct.pop().expect("one"),
        _ => json!({ "version": PROCESSING_VERSION, "article": "GDPR Art. 30(1)", "records": distinct }),
    }
}

fn controller(s: &Scenario) -> Value {
    let c = &s.compliance;
    json!({
        "name": c.controller,
        "contact": c.controller_contact,
        "address": { "streetAddress": c.controller_address, "addressCountry": c.controller_country },
        "email": c.controller_email,
        "phone": c.controller_phone,
        "policyUrl": c.policy_url,
    })
}

fn activity(s: &Scenario) -> Value {
    let c = &s.compliance;
    let t = &c.retention;
    json!({
        "name": format!("telephone campaign '{}'", s.run.name),
        "jurisdiction": s.jurisdiction().iso,
        "purposes": [
            {
                "purpose": purpose_name(c.purpose),
                "purposeCategory": purpose_category(c.purpose),
                "description": "calls to telephone numbers generated at random (and numbers referred by the persons called); a name is kept with the number only with consent",
            },
            {
                "purpose": "compliance",
                "purposeCategory": "12 - Legally Required Data Retention",
                "description": "honouring objections (Art. 21(3)) and withdrawals, demonstrating consent (Art. 7(1)) and the calling rules kept",
            },
        ],
        "dataSubjects": [
            "persons reached at telephone numbers generated at random",
            "persons whose telephone number another person gave (referees)",
        ],
        "personalData": [
            { "category": "telephone number", "records": ["calls.csv", "suppression.csv", "consents.jsonl", "names.csv"] },
            { "category": "name, given with consent", "records": ["consents.jsonl", "names.csv"] },
            { "category": "call record: times, outcome, agent, notices given", "records": ["calls.csv"] },
            { "category": "objection or withdrawal", "records": ["suppression.csv", "consents.jsonl"] },
            { "category": "referral link: the call that gave a referee's number", "records": ["calls.csv", "consents.jsonl"] },
        ],
        "recipients": ["the controller's call-centre agents; no disclosure to third parties"],
        "transfers": "none to a third country or an international organisation",
        "retention": {
            "names": "until the consent is withdrawn; erased at the withdrawal, in consents.jsonl and names.csv (Art. 17(1)(b))",
            "withdrawnReceiptDays": t.withdrawn_receipt_days,
            "withdrawnReceipt": "the receipt without the name, kept to defend legal claims over the consent (Art. 17(3)(e))",
            "referralLinkDays": t.referral_link_days,
            "referralLink": "the link of a referee never reached is erased when its period ends (Art. 14(3)(a): one month)",
            "callRecordDays": t.call_record_days,
            "suppression": "as long as the objection must be honoured: the entry is what keeps the number from being called (Art. 21(3))",
        },
        "security": [
            "files holding personal data are readable by their owner only (mode 0600)",
            "every file's SHA-256 in manifest.json, which may be signed with HMAC-SHA-256",
            "a name is kept only under a consent receipt; a referee's name is never kept",
            "files are written under temporary names and renamed when complete",
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_with_one_record_share_it_and_points_that_differ_keep_each() {
        let a = Scenario::default_day();
        let mut b = a.clone();
        b.dialer.agents += 1;
        // The agent count is no part of the record: one record for both points.
        assert_eq!(processing_record_of(&[&a, &b]), processing_record(&a));
        b.compliance.retention.referral_link_days = 20;
        let both = processing_record_of(&[&a, &b, &a]);
        let records = both["records"].as_array().expect("distinct records");
        assert_eq!(records.len(), 2);
        assert_eq!(records[1]["activities"][0]["retention"]["referralLinkDays"], 20);
    }
}
