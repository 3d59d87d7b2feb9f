//! Unit tests of the SQLite registry.

use super::*;
use crate::registry::{Consent, Withdrawal};

fn source(kind: &str) -> SourceInfo {
    SourceInfo {
        kind: kind.into(),
        name: kind.into(),
        path: String::new(),
        sha256: String::new(),
        rows: 0,
        snapshot_date: None,
    }
}

fn consent(id: &str, key: u64) -> Consent {
    Consent {
        receipt_id: id.into(),
        key,
        at: "2026-01-05T10:00:00+01:00".into(),
        purpose: "marketing".into(),
        receipt: format!(r#"{{"consentReceiptID":"{id}","piiPrincipalName":"Jan Novák"}}"#),
    }
}

#[test]
fn a_later_withdrawal_strips_the_name_and_ends_the_basis_and_erasure_and_pruning_keep_what_the_law_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite").display().to_string();
    let mut r = SqliteRegistry::create(&path).unwrap();
    let (a, b) = (420_601_000_001u64, 420_601_000_002u64);
    let mut first = Batch::new(source("campaign"));
    first.consents = vec![consent("ra", a), consent("rb", b)];
    r.apply(&first).unwrap();
    assert_eq!(r.bases("marketing").unwrap(), [(a, Basis::Consent), (b, Basis::Consent)]);
    assert!(r.bases("research").unwrap().is_empty(), "a consent counts for its own purpose only");
    // A withdrawal in a later campaign, of a consent recorded earlier.
    let mut second = Batch::new(source("campaign"));
    second.withdrawals = vec![Withdrawal {
        withdrawal_id: "wa".into(),
        receipt_id: "ra".into(),
        key: a,
        at: "2026-02-02T10:00:00+01:00".into(),
        record: r#"{"withdrawalID":"wa"}"#.into(),
    }];
    r.apply(&second).unwrap();
    let held = r.held(a).unwrap();
    assert_eq!(held.consents[0].withdrawn_at.as_deref(), Some("2026-02-02T10:00:00+01:00"));
    assert!(held.consents[0].receipt.get("piiPrincipalName").is_none(), "{:?}", held.consents[0].receipt);
    assert_eq!(r.bases("marketing").unwrap(), [(b, Basis::Consent)]);
    // Erasure: a's withdrawn receipt stays (minimal), b's standing consent goes; both get a tombstone.
    for key in [a, b] {
        r.erase(key, &source("erasure")).unwrap();
    }
    let (ha, hb) = (r.held(a).unwrap(), r.held(b).unwrap());
    assert_eq!((ha.consents.len(), ha.withdrawals.len(), hb.consents.len()), (1, 0, 0));
    assert!(ha.suppressions.iter().chain(&hb.suppressions).all(|s| s.reason == "erasure"));
    assert_eq!((ha.suppressions.len(), hb.suppressions.len()), (1, 1));
    assert_eq!(r.suppressed(false).unwrap(), [a, b]);
    // Pruning: a receipt withdrawn after the cutoff stays, one withdrawn before it goes.
    assert_eq!(r.prune_withdrawn("2026-02-01T00:00:00Z".parse().unwrap()).unwrap(), 0);
    assert_eq!(r.prune_withdrawn("2026-02-03T00:00:00Z".parse().unwrap()).unwrap(), 1);
    assert!(r.held(a).unwrap().consents.is_empty());
    assert_eq!(r.suppressed(false).unwrap(), [a, b], "pruning never touches a suppression");
}

#[test]
fn the_same_campaign_written_back_twice_is_recorded_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite").display().to_string();
    let mut r = SqliteRegistry::create(&path).unwrap();
    let mut batch = Batch::new(source("campaign"));
    batch.campaign = Some(super::super::CampaignRow {
        manifest_sha256: "m".into(),
        scenario_sha256: "s".into(),
        start_date: "2026-01-05".into(),
        days: 1,
    });
    let id = r.apply(&batch).unwrap();
    assert_eq!(r.apply(&batch).unwrap(), id);
    let counts = r.counts().unwrap();
    assert!(counts.contains(&("campaigns".to_string(), 1)) && counts.contains(&("sources".to_string(), 1)));
}

#[test]
fn an_exclusive_list_drawn_before_another_took_its_numbers_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite").display().to_string();
    let mut r = SqliteRegistry::create(&path).unwrap();
    let manifest = |sha: &str| format!(r#"{{"list":{{"sha256":"{sha}"}}}}"#);
    let since = r.stamp().unwrap();
    let first = crate::registry::exclusive_list_batch("a", &manifest("a"), vec![1, 2, 3], since.clone()).unwrap();
    r.apply(&first).unwrap();
    // Drawn against the same state, sharing number 3: refused, nothing written.
    let clashing = crate::registry::exclusive_list_batch("b", &manifest("b"), vec![3, 4], since.clone()).unwrap();
    let e = r.apply(&clashing).unwrap_err().to_string();
    assert!(e.contains("1 numbers") && e.contains("draw the list again"), "{e}");
    assert_eq!(r.suppressed(true).unwrap(), [1, 2, 3]);
    // Drawn against the same state, sharing none: issued.
    let apart = crate::registry::exclusive_list_batch("c", &manifest("c"), vec![5, 6], since).unwrap();
    r.apply(&apart).unwrap();
    assert_eq!(r.suppressed(true).unwrap(), [1, 2, 3, 5, 6]);
    assert!(r.suppressed(false).unwrap().is_empty(), "being on a list is no suppression for a campaign");
    let closed = source("close-list");
    assert_eq!(r.close_list("a", &closed).unwrap(), 3);
    assert_eq!(r.suppressed(true).unwrap(), [5, 6]);
}
