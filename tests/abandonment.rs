//! Abandonment by the regulators' definitions (Ofcom, the FTC): a live person not put through in time is an
//! abandoned call (`dropped`, or `amd_drop` when AMD took them for a machine); an undetected answering machine
//! hung up on after the drop timeout is not (`machine_dropped`). The summary's `abandon_rate` and the audit's
//! `abandonment` rule count with one code.
mod common;

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
