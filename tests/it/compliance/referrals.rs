//! Referrals: a referee is a number, never a name; a working number with the referral model's rates; never
//! given two first attempts, never referred again once dialled; every attempt carries its referral and the
//! Art. 14 notice; dropped and counted in list mode.

use super::*;

#[test]
fn referrals_bring_numbers_not_names_and_withdrawals_suppress() {
    let (_, out) = run_dense(&["referrals.share=0.5".into()], 8);
    let c = &out.summary.compliance;
    assert!(c.referrals > 200, "{c:?}");
    let referral_calls: Vec<_> = out.calls.iter().filter(|x| x.referral_of.is_some()).collect();
    assert!(!referral_calls.is_empty());
    // A referee's receipt names the referring call; a referee is never dialled from the referrer's name.
    let converted = out
        .ledger
        .iter()
        .filter(|e| matches!(e, dialsim::compliance::LedgerEntry::Consent(r) if r.referral_of.is_some()))
        .count() as u64;
    assert_eq!(converted, c.referrals_converted);
    for e in &out.ledger {
        if let dialsim::compliance::LedgerEntry::Withdrawal(w) = e {
            assert!(out.suppression.iter().any(|s| s.number == w.number && s.scope == "withdrawal"));
        }
    }
    assert!(out.violations.is_empty());
}

/// A referee's number that the list reaches later is not dialled again as a fresh number (its attempt count
/// would restart at 1), and a number already dialled is never referred again.
#[test]
fn no_number_gets_two_first_attempts_when_referrals_meet_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 10,000 numbers and many referrals: referees and fresh draws meet often.
    let o = common::dialsim(
        d,
        &[
            &[
                "simulate",
                "--seed",
                "4",
                "--out",
                "run",
                "--set",
                "numbers.prefixes=[\"60112\"]",
                "--set",
                "referrals.share=0.5",
                "--set",
                "run.days=2",
            ][..],
            &dense_args()[..],
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut reader = csv::Reader::from_path(d.join("run/calls.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (number, attempt) = (col("number"), col("attempt"));
    let mut first = std::collections::HashMap::<String, u32>::new();
    let mut rows = 0;
    for r in reader.records() {
        let r = r.unwrap();
        rows += 1;
        if &r[attempt] == "1" {
            *first.entry(r[number].to_string()).or_default() += 1;
        }
    }
    assert!(rows > 5_000, "{rows} calls");
    let twice: Vec<_> = first.iter().filter(|&(_, &n)| n > 1).collect();
    assert!(twice.is_empty(), "{} numbers with two first attempts, e.g. {:?}", twice.len(), twice.first());
}

/// A referral stays a referral on every attempt: each row of a referred number carries the referring call,
/// and each of its connected calls the Art. 14 notice.
#[test]
fn every_attempt_to_a_referred_number_carries_its_referral_and_notice() {
    let (_, out) = run_with(&["referrals.share=0.5".into(), "run.days=2".into()], 8);
    let mut referred: std::collections::HashMap<u64, u32> = Default::default();
    for c in out.calls.iter().filter(|c| c.attempt == 1) {
        if let Some(from) = c.referral_of {
            referred.insert(c.number.key(), from);
        }
    }
    let later: Vec<_> = out.calls.iter().filter(|c| c.attempt > 1 && referred.contains_key(&c.number.key())).collect();
    assert!(later.len() > 20, "{} later attempts to referred numbers", later.len());
    for c in later {
        assert_eq!(c.referral_of, referred.get(&c.number.key()).copied(), "call {} lost its referral", c.call_id);
    }
}

/// A campaign dialling a list of its own has no number space to draw referees from: its referrals are dropped
/// and counted, not lost.
#[test]
fn referrals_in_list_mode_are_counted_as_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let list: String = (0..3000).map(|i| format!("+42060{:07}\n", 1_000_000 + i * 37)).collect();
    let path = dir.path().join("list.csv");
    std::fs::write(&path, format!("phone\n{list}")).unwrap();
    let (_, out) = run_with(&["referrals.share=0.5".into(), format!("numbers.list=\"{}\"", path.display())], 3);
    let c = &out.summary.compliance;
    assert!(c.referrals > 10, "{c:?}");
    assert_eq!(c.referrals_dropped, c.referrals, "{c:?}");
}

/// A referee is a working number (never a special information tone) with the referral model's own answer and
/// cooperation rates.
#[test]
fn referees_are_working_numbers_with_the_referral_rates() {
    let (_, out) = run_with(&["referrals.share=0.5".into()], 8);
    let referees: Vec<_> = out.calls.iter().filter(|c| c.referral_of.is_some()).collect();
    assert!(referees.len() > 100, "{}", referees.len());
    let sit = referees.iter().filter(|c| c.outcome == dialsim::sim::Outcome::NotInService).count();
    assert_eq!(sit, 0, "a third of uniform draws over the plan would not be in service");

    // Every attempt answered by the referee, and no referee cooperates: no referee conversation completes.
    // (A pick-up within the ring timeout: a person picking up after it is no answer.)
    let set: Vec<String> = [
        "referrals.share=0.5",
        "referrals.busy=0",
        "referrals.person=1",
        "referrals.machine=0",
        "referrals.cooperate=0",
        "callbacks.probability=0",
        "population.answer_delay={ dist = \"fixed\", value = 5.0 }",
    ]
    .map(String::from)
    .to_vec();
    let (_, out) = run_with(&set, 8);
    let referees: Vec<_> = out.calls.iter().filter(|c| c.referral_of.is_some()).collect();
    assert!(referees.len() > 100, "{}", referees.len());
    for c in &referees {
        assert!(c.outcome.is_person_answer(), "call {} to a referee ended {:?}", c.call_id, c.outcome);
        assert_ne!(c.outcome, dialsim::sim::Outcome::Completed, "call {}: a referee cooperated", c.call_id);
    }
    assert!(referees.iter().filter(|c| c.outcome.is_person_connected()).count() > 50);
    assert_eq!(out.summary.compliance.referrals_converted, 0);
    // The fresh numbers keep the population's rates: not every one answers.
    assert!(out.calls.iter().any(|c| c.referral_of.is_none() && !c.outcome.is_person_answer()));
}

/// The old name of the referral share is still read (bench-day.toml is frozen), and giving both is refused.
#[test]
fn compliance_referral_is_read_as_referrals_share() {
    let s = Scenario::parse("s.toml", "[compliance]\nreferral = 0.2\n", &[]).unwrap();
    assert_eq!((s.referrals.share, s.compliance.referral), (0.2, None));
    assert!(!s.to_toml().contains("\nreferral ="), "the old name is never written");
    let both = Scenario::parse("s.toml", "[compliance]\nreferral = 0.2\n\n[referrals]\nshare = 0.1\n", &[]);
    let e = both.unwrap_err().to_string();
    assert!(e.starts_with("s.toml:2:") && e.contains("referrals.share"), "{e}");
    // An override beats the file, whichever name either uses.
    let old = |v: &str| format!("compliance.referral={v}");
    let s = Scenario::parse("<default>", dialsim::DEFAULT_SCENARIO, &[old("0.3")]).unwrap();
    assert_eq!(s.referrals.share, 0.3);
    let s = Scenario::parse("s.toml", "[compliance]\nreferral = 0.2\n", &["referrals.share=0.4".into()]).unwrap();
    assert_eq!(s.referrals.share, 0.4);
    let e = Scenario::parse("s.toml", "", &[old("0.3"), "referrals.share=0.4".into()]).unwrap_err().to_string();
    assert!(e.starts_with("override compliance.referral=0.3: "), "{e}");
    let e = Scenario::parse("s.toml", "[referrals]\nperson = 0.8\nmachine = 0.3\n", &[]).unwrap_err().to_string();
    assert!(e.contains("referrals.machine") && e.contains("at most 1"), "{e}");
}
