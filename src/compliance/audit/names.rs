//! The name check, one code for the run's audit of itself and for `dialsim audit`: every name kept is under a
//! receipt that exists, is that number's and that call's, is at or before the name and holds no other name
//! (`name-without-consent`), and was not withdrawn (`withdrawal-erasure`: a withdrawal erases the name, and
//! every name of that person kept under a receipt given before it).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::Violation;
use crate::foundation::clock::Millis;

/// A consent receipt as the audit sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditReceipt {
    /// Receipt id.
    pub id: String,
    /// E.164 key of the principal's number.
    pub key: u64,
    /// Consent time, ms since day 0 00:00.
    pub ms: Millis,
    /// The call the consent was given in (absent in ledgers that do not say).
    pub call_id: Option<u32>,
}

/// A withdrawal of a consent as the audit sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditWithdrawal {
    /// The receipt withdrawn.
    pub receipt_id: String,
    /// E.164 key of the principal's number.
    pub key: u64,
    /// When, ms since day 0 00:00.
    pub ms: Millis,
    /// Its 1-based line in `consents.jsonl`, when read from a run folder.
    pub line: Option<u64>,
}

/// A name kept with a number as the audit sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditName {
    /// E.164 key of the number.
    pub key: u64,
    /// The call it was given in.
    pub call_id: u32,
    /// When it was stored, ms since day 0 00:00.
    pub ms: Millis,
    /// The receipt it is kept under (none: kept without one).
    pub receipt: Option<String>,
    /// Its 1-based line in `names.csv`, when read from a run folder.
    pub line: Option<u64>,
}

/// The violations of the names: `name-without-consent` and `withdrawal-erasure`, in the names' order, each at
/// its `names.csv` line when the name has one.
pub(crate) fn check_names(
    receipts: &[AuditReceipt],
    withdrawals: &[AuditWithdrawal],
    names: &[AuditName],
) -> Vec<Violation> {
    let by_id: HashMap<&str, &AuditReceipt> = receipts.iter().map(|r| (r.id.as_str(), r)).collect();
    let withdrawn: HashMap<&str, Option<u64>> = withdrawals.iter().map(|w| (w.receipt_id.as_str(), w.line)).collect();
    // The person's latest withdrawal per number: it withdraws every consent they gave before it, whichever
    // receipt a name is kept under.
    let mut last_withdrawal: HashMap<u64, &AuditWithdrawal> = HashMap::new();
    for w in withdrawals {
        let e = last_withdrawal.entry(w.key).or_insert(w);
        if w.ms > e.ms {
            *e = w;
        }
    }
    let mut used: HashMap<&str, Option<u64>> = HashMap::new();
    let mut out = Vec::new();
    for n in names {
        let located = |v: Violation| match n.line {
            Some(line) => v.at("names.csv", line),
            None => v,
        };
        let v = |detail: String| located(Violation::new("name-without-consent", Some(n.call_id), detail));
        let Some(receipt) = n.receipt.as_deref().filter(|r| !r.is_empty()) else {
            out.push(v(format!("a name kept with +{} under no consent receipt", n.key)));
            continue;
        };
        let id = crate::foundation::error::snippet(receipt);
        let Some(rc) = by_id.get(receipt) else {
            out.push(v(format!("a name kept with +{} under receipt {id}, which the ledger does not hold", n.key)));
            continue;
        };
        if rc.key != n.key {
            out.push(v(format!("a name kept with +{} under receipt {id}, which is +{}'s", n.key, rc.key)));
        } else if let Some(given) = rc.call_id.filter(|&c| c != n.call_id) {
            out.push(v(format!("a name from call {} kept under receipt {id}, given in call {given}", n.call_id)));
        } else if rc.ms > n.ms {
            out.push(v(format!("a name kept with +{} before its receipt {id}", n.key)));
        }
        match used.entry(receipt) {
            Entry::Occupied(first) => {
                let first = match first.get() {
                    Some(line) => format!("the first on line {line}"),
                    None => "an earlier name".to_string(),
                };
                out.push(v(format!("a second name under receipt {id} ({first})")));
            }
            Entry::Vacant(e) => {
                e.insert(n.line);
            }
        }
        let at = |line: Option<u64>| line.map(|l| format!(" (consents.jsonl:{l})")).unwrap_or_default();
        if let Some(&line) = withdrawn.get(receipt) {
            out.push(located(Violation::new(
                "withdrawal-erasure",
                Some(n.call_id),
                format!("a name still kept with +{} under receipt {id}, withdrawn{}", n.key, at(line)),
            )));
        } else if let Some(w) = last_withdrawal.get(&n.key).filter(|w| w.ms >= rc.ms) {
            out.push(located(Violation::new(
                "withdrawal-erasure",
                Some(n.call_id),
                format!(
                    "a name still kept with +{} under receipt {id}, though the person withdrew consent later (receipt {}{})",
                    n.key,
                    crate::foundation::error::snippet(&w.receipt_id),
                    at(w.line)
                ),
            )));
        }
    }
    out
}
