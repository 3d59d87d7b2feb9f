//! Abandonment by the regulators' definitions (Ofcom, the FTC): a live person not put through to an agent
//! within the profile's silence limit of the pick-up, AMD's analysis included, is an abandoned call — `dropped`,
//! `amd_drop` when AMD took them for a machine, or a person put through late; an undetected answering machine
//! hung up on after the drop timeout is not (`machine_dropped`). The summary's `abandon_rate`, intervals.csv,
//! the pacer's budget and the audit's `abandonment` rule count with one code (`Outcome::is_abandoned`).
use crate::common;

use dialsim::sim::{Abandonment, Outcome};

/// The silence limit of uk-ofcom and cz-2018, seconds.
const SILENCE_LIMIT_S: f64 = 2.0;
/// The abandonment limit of uk-ofcom and cz-2018 (per day).
const ABANDON_LIMIT: f64 = 0.03;

/// The gb population run of issue 22 (uk-ofcom, AMD analysing for 3 s) with `set`, written by the binary; its
/// folder and stderr.
fn gb_run(dir: &std::path::Path, set: &[&str]) -> (std::path::PathBuf, String) {
    let gb = concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/population/gb.toml");
    let mut args = vec!["simulate", gb, "--seed", "7", "--out", "run"];
    for s in ["compliance.profile=\"uk-ofcom\"", "amd.detect_time=3"].iter().chain(set) {
        args.extend(["--set", s]);
    }
    let o = common::dialsim(dir, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (dir.join("run"), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn summary_of(run: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(run.join("summary.json")).unwrap()).unwrap()
}

/// Abandonment per day counted by hand from calls.csv (by header), not by the crate's code: a person's answer is
/// abandoned when dropped, hung up on by AMD, or put through after more than 2 s of silence (to the ms).
fn by_hand_per_day(run: &std::path::Path) -> std::collections::BTreeMap<u64, (u64, u64, u64)> {
    let (h, calls) = read_csv(&run.join("calls.csv"));
    let (outcome, wait, dial) = (column(&h, "outcome"), column(&h, "wait_s"), column(&h, "dial_s"));
    let mut days = std::collections::BTreeMap::new();
    for r in &calls {
        let connected = ["completed", "refused", "objected", "callback"].contains(&r[outcome].as_str());
        let dropped = ["dropped", "amd_drop"].contains(&r[outcome].as_str());
        if !(connected || dropped) {
            continue;
        }
        let day = (r[dial].parse::<f64>().unwrap() / 86_400.0).floor() as u64;
        let late = connected && (r[wait].parse::<f64>().unwrap() * 1000.0).round() > 2000.0;
        let e: &mut (u64, u64, u64) = days.entry(day).or_default();
        e.0 += 1;
        e.1 += u64::from(dropped || late);
        e.2 += u64::from(late);
    }
    days
}

/// Reads a CSV file as its header and rows (by header, not by position).
fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let header = rdr.headers().unwrap().iter().map(String::from).collect();
    (header, rdr.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect())
}

fn column(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

/// A one-day run folder of the default scenario with `set`, written by the binary.
fn run_folder(dir: &std::path::Path, seed: &str, set: &[&str]) -> std::path::PathBuf {
    // The old dense population (no number strata, no mix): machines and persons on most dials.
    let mut args = vec!["simulate", "--seed", seed, "--out", "run"];
    for s in ["population.mobile={}", "population.fixedLine={}", "numbers.mix={}"] {
        args.extend(["--set", s]);
    }
    for s in set {
        args.extend(["--set", s]);
    }
    let o = common::dialsim(dir, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir.join("run")
}

/// Undetected answering machines that wait past the drop timeout are `machine_dropped`, not `dropped`: with no
/// person behind any number, nothing is abandoned, in calls.csv, intervals.csv and the summary alike.
#[test]
fn calls_csv_tells_a_dropped_machine_from_a_dropped_person() {
    let tmp = tempfile::tempdir().unwrap();
    let no_amd = ["amd.enabled=false", "dialer.drop_timeout=0.5"];
    let machines_only = [&no_amd[..], &["population.person=0.0", "population.machine=0.6"]].concat();
    let run = run_folder(tmp.path(), "5", &machines_only);
    let (h, calls) = read_csv(&run.join("calls.csv"));
    let outcome = column(&h, "outcome");
    let n = |o: &str| calls.iter().filter(|r| r[outcome] == o).count();
    assert!(n("machine_dropped") > 50, "undetected machines waited past the timeout: {}", n("machine_dropped"));
    assert_eq!((n("dropped"), n("amd_drop")), (0, 0), "no person answered, so no person was abandoned");
    let (ih, intervals) = read_csv(&run.join("intervals.csv"));
    let sum = |c: &str| intervals.iter().map(|r| r[column(&ih, c)].parse::<u64>().unwrap()).sum::<u64>();
    assert_eq!(sum("machine_drops"), n("machine_dropped") as u64);
    assert_eq!(sum("drops"), 0);
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(run.join("summary.json")).unwrap()).unwrap();
    assert_eq!((summary["drops"].as_u64(), summary["abandon_rate"].as_f64()), (Some(0), Some(0.0)));
    assert_eq!(summary["outcomes"]["machine_dropped"].as_u64(), Some(n("machine_dropped") as u64));

    // With persons and machines both answering, both kinds of drop occur and each is counted apart.
    let tmp = tempfile::tempdir().unwrap();
    let run = run_folder(tmp.path(), "5", &no_amd);
    let (h, calls) = read_csv(&run.join("calls.csv"));
    let outcome = column(&h, "outcome");
    let n = |o: &str| calls.iter().filter(|r| r[outcome] == o).count();
    assert!(n("dropped") > 20 && n("machine_dropped") > 20, "{} {}", n("dropped"), n("machine_dropped"));
}

/// The summary's `abandon_rate` and the audit's abandonment count one thing: live persons abandoned (dropped,
/// or hung up on by AMD) over live answers — on a run where undetected machines wait past the drop timeout.
#[test]
fn abandon_rate_of_the_summary_is_the_audits() {
    let tmp = tempfile::tempdir().unwrap();
    // A drop target far over the profile's 3 % makes the abandonment rule report the figure too.
    let set =
        ["amd.enabled=false", "dialer.drop_timeout=0.5", "dialer.drop_target=0.2", "dialer.on_budget_spent=continue"];
    let run = run_folder(tmp.path(), "9", &set);
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(run.join("summary.json")).unwrap()).unwrap();
    let report = dialsim::compliance::audit_folder(&run, &Default::default()).unwrap();
    let mut audit = dialsim::sim::Abandonment::default();
    report.abandonment.values().for_each(|w| audit.add(*w));
    assert!(summary["outcomes"]["machine_dropped"].as_u64().unwrap() > 20, "machines waited past the timeout");
    assert_eq!(summary["drops"].as_u64(), Some(audit.abandoned));
    assert_eq!(summary["human_answers"].as_u64(), Some(audit.live_answers));
    assert_eq!(summary["abandon_rate"].as_f64(), Some(audit.rate()));
    assert_eq!(summary["abandon_rate_per_day"][0].as_f64(), Some(report.abandonment[&0].rate()));
    // By hand from calls.csv: (dropped + amd_drop) / (persons connected + dropped + amd_drop).
    let (h, calls) = read_csv(&run.join("calls.csv"));
    let outcome = column(&h, "outcome");
    let n = |os: &[&str]| calls.iter().filter(|r| os.contains(&r[outcome].as_str())).count() as f64;
    let abandoned = n(&["dropped", "amd_drop"]);
    let expected = abandoned / (abandoned + n(&["completed", "refused", "objected", "callback"]));
    assert!((audit.rate() - expected).abs() < 1e-12, "{} against {expected}", audit.rate());
    // The abandonment rule reports the same figure.
    let over = report.violations.iter().find(|v| v.rule == "abandonment").expect("over 3 %");
    assert!(over.detail.contains(&format!("{} of {} live answers", audit.abandoned, audit.live_answers)));
}

/// An answering machine has no patience: it waits for an agent until the dialer drops it at the drop timeout,
/// however impatient the persons are.
#[test]
fn a_machine_waits_the_whole_drop_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let set = [
        "amd.enabled=false",
        "dialer.drop_timeout=3",
        "population.patience={ dist = \"exponential\", mean = 0.5 }",
        "population.person=0.0",
        "population.machine=0.6",
    ];
    let run = run_folder(tmp.path(), "5", &set);
    let (h, calls) = read_csv(&run.join("calls.csv"));
    let (outcome, wait) = (column(&h, "outcome"), column(&h, "wait_s"));
    let dropped: Vec<_> = calls.iter().filter(|r| r[outcome] == "machine_dropped").collect();
    assert!(dropped.len() > 50, "{}", dropped.len());
    assert!(dropped.iter().all(|r| r[wait] == "3.000"), "{:?}", dropped.iter().find(|r| r[wait] != "3.000"));
}

/// The one predicate, at its edges: a person put through 2.001 s after the pick-up is abandoned, at 2.000 s not;
/// a person AMD hung up on is abandoned however short the analysis; a machine never is, however long it waited.
#[test]
fn a_late_connect_is_abandoned_and_the_limit_itself_is_not() {
    for connected in [Outcome::Completed, Outcome::Refused, Outcome::Objected, Outcome::Callback] {
        assert!(connected.is_abandoned(2.001, SILENCE_LIMIT_S), "{connected:?} at 2.001 s");
        assert!(!connected.is_abandoned(2.0, SILENCE_LIMIT_S), "{connected:?} at 2.000 s");
        assert!(!connected.is_abandoned(0.0, SILENCE_LIMIT_S));
    }
    assert!(Outcome::AmdDrop.is_abandoned(0.5, SILENCE_LIMIT_S));
    assert!(Outcome::Dropped.is_abandoned(2.0, SILENCE_LIMIT_S));
    for machine in [Outcome::Machine, Outcome::MachineMessage, Outcome::MachineDropped] {
        assert!(!machine.is_abandoned(9.0, SILENCE_LIMIT_S), "{machine:?}");
    }
    // The count behind the summary and the audit uses it: two of four live answers abandoned, one of them late.
    let mut a = Abandonment::default();
    for (o, wait) in [
        (Outcome::Completed, 2.001),
        (Outcome::Completed, 2.0),
        (Outcome::AmdDrop, 3.0),
        (Outcome::MachineMessage, 3.0),
        (Outcome::Refused, 0.0),
    ] {
        a.count(o, wait, SILENCE_LIMIT_S);
    }
    assert_eq!((a.abandoned, a.late, a.live_answers), (2, 1, 4));
}

/// Issue 22's reproduction: with AMD analysing for 3 s under uk-ofcom's 2 s limit and the budget told to
/// `continue`, every person AMD screened was abandoned — the summary says so (it said 2.17 %).
#[test]
fn amd_longer_than_the_silence_limit_abandons_the_answers_it_screens() {
    let tmp = tempfile::tempdir().unwrap();
    let (run, stderr) = gb_run(tmp.path(), &["dialer.on_budget_spent=\"continue\""]);
    let summary = summary_of(&run);
    let rate = summary["abandon_rate"].as_f64().unwrap();
    assert!(rate > 0.5, "abandon_rate {rate}");
    assert!(summary["abandoned_late"].as_u64().unwrap() > 1000, "{}", summary["abandoned_late"]);
    assert!(stderr.contains("AMD stays on"), "{stderr}");
    // The summary's count is calls.csv's, by hand.
    let days = by_hand_per_day(&run);
    let (answers, abandoned): (u64, u64) = days.values().fold((0, 0), |(a, b), d| (a + d.0, b + d.1));
    assert_eq!(summary["human_answers"].as_u64(), Some(answers));
    assert_eq!(summary["drops"].as_u64(), Some(abandoned));
}

/// With the budget's default policy (and `amd-off`, `progressive`), no day of the same run exceeds the profile's
/// 3 %, counted by hand from calls.csv with late connects: AMD cannot be used within 2 s, so it stays off, and
/// the run says so. The folder audits clean.
#[test]
fn the_budget_keeps_every_day_within_the_limit_late_connects_included() {
    for policy in ["amd-off-then-progressive", "amd-off", "progressive"] {
        let tmp = tempfile::tempdir().unwrap();
        let set = format!("dialer.on_budget_spent=\"{policy}\"");
        let (run, stderr) = gb_run(tmp.path(), &["run.days=3", &set]);
        assert!(stderr.contains("keeps AMD off on every day"), "{policy}: {stderr}");
        let days = by_hand_per_day(&run);
        assert_eq!(days.len(), 3, "{policy}: three calling days");
        let summary = summary_of(&run);
        for (i, (day, &(answers, abandoned, _))) in days.iter().enumerate() {
            assert!(answers > 1000, "{policy}: day {day} has {answers} live answers");
            let rate = abandoned as f64 / answers as f64;
            assert!(rate <= ABANDON_LIMIT, "{policy}: day {day}: {abandoned} of {answers} abandoned");
            assert_eq!(summary["abandon_rate_per_day"][i].as_f64(), Some(rate), "{policy}: day {day}");
        }
        let o = common::dialsim(tmp.path(), &["audit", "run"]);
        assert!(o.status.success(), "{policy}: {}", String::from_utf8_lossy(&o.stdout));
    }
}

/// Persons who wait between the silence limit and the drop timeout are put through late: the summary, the
/// audit's windows, intervals.csv and a count by hand agree on them, and the summary's counts pass the audit's
/// cross-check (a tampered `abandoned_late` does not).
#[test]
fn audit_and_summary_agree_on_late_connects() {
    let tmp = tempfile::tempdir().unwrap();
    let set = [
        "amd.enabled=false",
        "dialer.drop_timeout=5",
        "dialer.drop_target=0.2",
        "dialer.on_budget_spent=continue",
        "compliance.profile=\"uk-ofcom\"",
    ];
    let run = run_folder(tmp.path(), "9", &set);
    let summary = summary_of(&run);
    let report = dialsim::compliance::audit_folder(&run, &Default::default()).unwrap();
    let mut audit = Abandonment::default();
    report.abandonment.values().for_each(|w| audit.add(*w));
    let days = by_hand_per_day(&run);
    let (answers, abandoned, late) = days.values().fold((0, 0, 0), |(a, b, c), d| (a + d.0, b + d.1, c + d.2));
    assert!(late > 50, "persons put through after 2 s: {late}");
    assert_eq!((audit.live_answers, audit.abandoned, audit.late), (answers, abandoned, late));
    assert_eq!(summary["human_answers"].as_u64(), Some(answers));
    assert_eq!(summary["drops"].as_u64(), Some(abandoned));
    assert_eq!(summary["abandoned_late"].as_u64(), Some(late));
    assert_eq!(summary["abandon_rate"].as_f64(), Some(audit.rate()));
    let (ih, intervals) = read_csv(&run.join("intervals.csv"));
    let drops: u64 = intervals.iter().map(|r| r[column(&ih, "drops")].parse::<u64>().unwrap()).sum();
    assert_eq!(drops, abandoned, "intervals.csv's drops");
    assert!(!report.violations.iter().any(|v| v.rule == "summary-counts"), "{:?}", report.violations);
    let over = report.violations.iter().find(|v| v.rule == "abandonment").expect("over 3 %");
    assert!(over.detail.contains(&format!("{abandoned} of {answers} live answers")), "{}", over.detail);
    assert!(!report.violations.iter().any(|v| v.rule == "silence"), "a late connect is counted once, in the rate");

    // The cross-check reads abandoned_late.
    let text = std::fs::read_to_string(run.join("summary.json")).unwrap();
    let tampered = text.replace(&format!("\"abandoned_late\": {late},"), &format!("\"abandoned_late\": {},", late - 1));
    assert_ne!(tampered, text);
    std::fs::write(run.join("summary.json"), tampered).unwrap();
    let report = dialsim::compliance::audit_folder(&run, &Default::default()).unwrap();
    assert!(
        report.violations.iter().any(|v| v.rule == "summary-counts" && v.detail.contains("abandoned_late")),
        "{:?}",
        report.violations
    );
}

/// A person put through late locks the number like a drop: no attempt dialled by the dialer reaches it within
/// the 72 h lockout (a callback, dialled by its agent, may). Checked by hand from calls.csv over a week.
#[test]
fn a_late_connect_locks_its_number_against_dialler_redials() {
    let tmp = tempfile::tempdir().unwrap();
    let set = [
        "amd.enabled=false",
        "dialer.drop_timeout=5",
        "dialer.drop_target=0.2",
        "dialer.on_budget_spent=continue",
        "compliance.profile=\"uk-ofcom\"",
        "run.days=7",
        "callbacks.probability=0.3",
        "callbacks.answer=0.5",
    ];
    let run = run_folder(tmp.path(), "3", &set);
    let (h, calls) = read_csv(&run.join("calls.csv"));
    let c = |n: &str| column(&h, n);
    let (number, outcome, wait, dial, callback_of) =
        (c("number"), c("outcome"), c("wait_s"), c("dial_s"), c("callback_of"));
    let mut late_at: std::collections::HashMap<&str, f64> = Default::default();
    let (mut lates, mut callbacks_after, mut breaches) = (0, 0, Vec::new());
    for r in &calls {
        let t: f64 = r[dial].parse().unwrap();
        if let Some(&at) = late_at.get(r[number].as_str())
            && t < at + 72.0 * 3600.0
        {
            if r[callback_of].is_empty() { breaches.push(r[c("call_id")].clone()) } else { callbacks_after += 1 }
        }
        let connected = ["completed", "refused", "objected", "callback"].contains(&r[outcome].as_str());
        if connected && (r[wait].parse::<f64>().unwrap() * 1000.0).round() > 2000.0 {
            lates += 1;
            late_at.insert(&r[number], t);
        }
    }
    assert!(lates > 50 && callbacks_after > 5, "late connects {lates}, callbacks after them {callbacks_after}");
    assert!(breaches.is_empty(), "dialler redials within 72 h of a late connect: calls {breaches:?}");
    let report = dialsim::compliance::audit_folder(&run, &Default::default()).unwrap();
    assert!(!report.violations.iter().any(|v| v.rule == "drop-lockout"), "callbacks are exempt");
}

/// The default AMD analysis is inside the vendors' range (3 s), so AMD cannot be used within the default
/// profile's 2 s: the default day keeps it off, says so, and audits clean.
#[test]
fn the_default_day_with_amd_at_the_vendors_time_audits_clean() {
    assert_eq!(dialsim::AmdSection::default().detect_time, 3.0);
    let default = dialsim::Scenario::parse("default", dialsim::DEFAULT_SCENARIO, &[]).unwrap();
    assert_eq!(default.amd.detect_time, 3.0);
    let tmp = tempfile::tempdir().unwrap();
    let o = common::dialsim(tmp.path(), &["simulate", "--out", "d"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("keeps AMD off on every day"));
    let o = common::dialsim(tmp.path(), &["audit", "d"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    let summary = summary_of(&tmp.path().join("d"));
    assert!(summary["abandon_rate_max_day"].as_f64().unwrap() <= ABANDON_LIMIT);
}
