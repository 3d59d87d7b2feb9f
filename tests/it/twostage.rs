//! Mitofsky–Waksberg two-stage sampling (issue 25, item 6): stage 1 lists one primary number per bank drawn,
//! never a repeat, the same bytes for the same seed, shards that rebuild it; stage 2 lists only numbers of banks
//! whose primary was eligible, never a stage-1 or suppressed number, each with its inclusion probability; bad
//! input is refused with file and line; and in simulation both stages run inside the campaign, with a higher
//! hit rate than pure RDD where working numbers cluster in banks.
use crate::common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::by_header;
use dialsim::analysis::{kpi_value, no_progress, replicate};
use dialsim::foundation::stats::Paired;
use dialsim::sim::Campaign;
use dialsim::{BankSample, CallList, Excluder, NumberSpace, NumberType, PhoneNumber, Plan, Selection};

/// `dialsim ARGS` in `dir`, which must succeed; its stderr.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = common::dialsim(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {stderr}");
    stderr
}

/// `dialsim ARGS` in `dir`, which must fail cleanly; its stderr.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = common::dialsim(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success() && out.status.code() != Some(101), "{args:?} did not fail cleanly: {stderr}");
    stderr
}

fn manifest(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The banks of the test space: CZ fixed line 2123xxxxx and mobile 6011xxxxx (2,000 banks of 100).
fn sample(seed: u64) -> BankSample {
    let sel = Selection { prefixes: vec!["6011".into(), "2123".into()], ..Selection::default() };
    BankSample::new(NumberSpace::new(&Plan::embedded("cz").unwrap(), &sel).unwrap(), seed).unwrap()
}

fn number(e164: &str) -> PhoneNumber {
    PhoneNumber { country_code: 420, national: e164[4..].parse().unwrap(), length: 9 }
}

const STAGE1: [&str; 9] =
    ["generate", "--design", "mitofsky-waksberg", "--prefix", "6011,2123", "--seed", "4", "-n", "300"];

#[test]
fn stage_one_lists_one_primary_per_bank_reproducibly_and_shards_rebuild_it() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &[&STAGE1[..], &["-o", "p.csv"]].concat());
    ok(d.path(), &[&STAGE1[..], &["-o", "again.csv"]].concat());
    let bytes = std::fs::read(d.path().join("p.csv")).unwrap();
    assert_eq!(bytes, std::fs::read(d.path().join("again.csv")).unwrap(), "same seed, other bytes");
    let rows = by_header(String::from_utf8(bytes).unwrap());
    assert_eq!(rows.len(), 300);
    let s = sample(4);
    let mut banks = HashSet::new();
    for (p, r) in rows.iter().enumerate() {
        let n = number(&r["number"]);
        assert_eq!(s.position_of_primary(&n), Some(p as u64), "{n} is not the primary drawn at {p}");
        assert!(banks.insert(n.national / 100), "two numbers of the bank of {n}");
    }
    // Another seed draws other banks.
    ok(
        d.path(),
        &[
            "generate",
            "--design",
            "mitofsky-waksberg",
            "--prefix",
            "6011,2123",
            "--seed",
            "5",
            "-n",
            "300",
            "-o",
            "o.csv",
        ],
    );
    let other = by_header(std::fs::read_to_string(d.path().join("o.csv")).unwrap());
    assert!(other.iter().filter(|r| banks.contains(&(number(&r["number"]).national / 100))).count() < 150);
    // Two shards hold the whole list's lines between them.
    let mut merged = Vec::new();
    for k in ["1/2", "2/2"] {
        ok(d.path(), &[&STAGE1[..], &["--shard", k, "-o", "s.csv"]].concat());
        merged.extend(by_header(std::fs::read_to_string(d.path().join("s.csv")).unwrap()));
    }
    merged.sort_by_key(|r| r["index"].parse::<u64>().unwrap());
    assert_eq!(merged, rows);
    // The manifest records the design: 2,000 banks in the frame, 300 drawn.
    let m = manifest(&d.path().join("p.csv.manifest.json"));
    let design = &m["generation"]["design"];
    assert_eq!(design["kind"], "mitofsky-waksberg");
    assert_eq!(design["strata"][0]["name"], "banks");
    assert_eq!(
        (design["strata"][0]["numbers"].as_u64(), design["strata"][0]["drawn"].as_u64()),
        (Some(2000), Some(300))
    );
    // A two-stage list is not continued by its manifest.
    let stderr = fails(d.path(), &["generate", "--continue", "p.csv", "-n", "10", "-o", "more.csv"]);
    assert!(stderr.contains("--start 300"), "{stderr}");
}

#[test]
fn stage_two_lists_only_retained_banks_never_a_stage_one_or_suppressed_number() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &[&STAGE1[..], &["-o", "p.csv"]].concat());
    let primaries = by_header(std::fs::read_to_string(d.path().join("p.csv")).unwrap());
    // Every third primary was eligible (a header and a line of another format are fine).
    let eligible: Vec<&str> = primaries.iter().step_by(3).map(|r| r["number"].as_str()).collect();
    std::fs::write(d.path().join("eligible.csv"), format!("number\n{}\n", eligible.join("\n"))).unwrap();
    let retained: HashSet<u64> = eligible.iter().map(|n| number(n).national / 100).collect();
    // Suppressed: two numbers of a retained bank.
    let s = sample(4);
    let bank = s.bank_of(&number(eligible[0])).unwrap();
    let suppressed: Vec<PhoneNumber> = s.second_stage(bank).into_iter().take(2).collect();
    let text: String = suppressed.iter().map(|n| format!("{n}\n")).collect();
    std::fs::write(d.path().join("dnc.csv"), text).unwrap();
    let stage2 = ["generate", "--design", "mitofsky-waksberg", "--primaries", "p.csv", "--eligible", "eligible.csv"];
    let stage2 = [&stage2[..], &["--suppress", "dnc.csv", "-k", "4", "-n", "all"]].concat();
    ok(d.path(), &[&stage2[..], &["-o", "s2.csv"]].concat());
    ok(d.path(), &[&stage2[..], &["-o", "again.csv"]].concat());
    let bytes = std::fs::read(d.path().join("s2.csv")).unwrap();
    assert_eq!(bytes, std::fs::read(d.path().join("again.csv")).unwrap(), "same input, other bytes");
    let rows = by_header(String::from_utf8(bytes).unwrap());
    // 100 retained banks of 100: all 99 further numbers of each, less the two suppressed.
    assert_eq!(retained.len(), 100);
    assert_eq!(rows.len(), 100 * 99 - 2);
    let stage1: HashSet<&str> = primaries.iter().map(|r| r["number"].as_str()).collect();
    let dnc: HashSet<String> = suppressed.iter().map(|n| n.to_string()).collect();
    let mut seen = HashSet::new();
    let mut last_rank: HashMap<String, u64> = HashMap::new();
    let m = manifest(&d.path().join("s2.csv.manifest.json"));
    let design = &m["generation"]["design"];
    let p = design["strata"][0]["probability"].as_f64().unwrap();
    // 300 of 2,000 banks drawn, 4 eligible numbers kept per bank of 100.
    assert!((p - 300.0 / 2000.0 * 4.0 / 100.0).abs() < 1e-12, "{p}");
    for r in &rows {
        let n = number(&r["number"]);
        assert!(retained.contains(&(n.national / 100)), "{n} is in a bank whose primary was not eligible");
        assert!(!stage1.contains(r["number"].as_str()), "{n} is on the stage-1 list");
        assert!(!dnc.contains(&r["number"]), "{n} is suppressed");
        assert!(seen.insert(n), "{n} twice");
        assert_eq!(r["probability"].parse::<f64>().unwrap(), p);
        // Ranks rise by one within each bank.
        let rank: u64 = r["rank"].parse().unwrap();
        let before = last_rank.insert(r["bank"].clone(), rank).unwrap_or(0);
        assert_eq!(rank, before + 1, "bank {}", r["bank"]);
    }
    // Rank order across banks: every bank's first number comes before any bank's second.
    assert!(rows[..100].iter().all(|r| r["rank"] == "1") && rows[100]["rank"] == "2");
    assert_eq!((design["kind"].as_str(), design["k"].as_u64()), (Some("mitofsky-waksberg-stage2"), Some(4)));
    assert_eq!(design["retained_banks"], 100);
    // -n and --per-bank bound the list.
    ok(d.path(), &[&stage2[..], &["--per-bank", "3", "-o", "three.csv"]].concat());
    assert_eq!(by_header(std::fs::read_to_string(d.path().join("three.csv")).unwrap()).len(), 300);
}

#[test]
fn stage_two_reads_the_calls_csv_of_a_simulated_dialling_of_stage_one() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["generate", "--design", "mitofsky-waksberg", "--seed", "8", "-n", "3000", "-o", "p.csv"]);
    let set = ["--set", "numbers.list=p.csv", "--set", "numbers.suppress=[]", "--set", "run.day_hours=2"];
    ok(d.path(), &[&["simulate", "--seed", "1", "-o", "run"][..], &set[..]].concat());
    let calls = by_header(std::fs::read_to_string(d.path().join("run/calls.csv")).unwrap());
    let listed: HashSet<String> = by_header(std::fs::read_to_string(d.path().join("p.csv")).unwrap())
        .iter()
        .map(|r| r["number"].clone())
        .collect();
    // Working: a call to it did not end not_in_service (referrals' numbers are not on the list).
    let working: HashSet<String> = calls
        .iter()
        .filter(|c| c["outcome"] != "not_in_service" && listed.contains(&c["number"]))
        .map(|c| c["number"].clone())
        .collect();
    assert!(!working.is_empty() && working.len() < calls.len());
    ok(
        d.path(),
        &[
            "generate",
            "--design",
            "mitofsky-waksberg",
            "--primaries",
            "p.csv",
            "--calls",
            "run/calls.csv",
            "-n",
            "all",
            "--per-bank",
            "2",
            "-o",
            "s2.csv",
        ],
    );
    let m = manifest(&d.path().join("s2.csv.manifest.json"));
    assert_eq!(m["generation"]["design"]["retained_banks"].as_u64(), Some(working.len() as u64));
    let rows = by_header(std::fs::read_to_string(d.path().join("s2.csv")).unwrap());
    let banks: HashSet<u64> = working.iter().map(|n| number(n).national / 100).collect();
    assert!(rows.iter().all(|r| banks.contains(&(number(&r["number"]).national / 100))));
    assert_eq!(rows.len(), 2 * working.len());
}

#[test]
fn bad_stage_two_input_is_refused_with_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &[&STAGE1[..], &["-o", "p.csv"]].concat());
    let primaries = by_header(std::fs::read_to_string(d.path().join("p.csv")).unwrap());
    let stage2 = ["generate", "--design", "mitofsky-waksberg", "--primaries", "p.csv", "-n", "all", "-o", "s2.csv"];
    // A number not on the stage-1 list (line 3), and one that is no number (line 2).
    let other = sample(4).second_stage(sample(4).bank_at(0))[0];
    std::fs::write(d.path().join("e.csv"), format!("number\n{}\n{other}\n", primaries[0]["number"])).unwrap();
    let e = fails(d.path(), &[&stage2[..], &["--eligible", "e.csv"]].concat());
    assert!(e.contains("e.csv:3:") && e.contains("not on the stage-1 list"), "{e}");
    std::fs::write(d.path().join("e.csv"), "number\nhello\n").unwrap();
    let e = fails(d.path(), &[&stage2[..], &["--eligible", "e.csv"]].concat());
    assert!(e.contains("e.csv:2:"), "{e}");
    // A calls.csv without an outcome column.
    std::fs::write(d.path().join("calls.csv"), "call_id,number\n1,+420601000000\n").unwrap();
    let e = fails(d.path(), &[&stage2[..], &["--calls", "calls.csv"]].concat());
    assert!(e.contains("calls.csv:1:") && e.contains("outcome"), "{e}");
    // A stage-1 list edited: line 4 holds a number that is not its bank's primary.
    let mut text = std::fs::read_to_string(d.path().join("p.csv")).unwrap();
    text = text.replacen(&primaries[2]["number"], &other.to_string(), 1);
    std::fs::write(d.path().join("p.csv"), text).unwrap();
    std::fs::write(d.path().join("e.csv"), format!("{}\n", primaries[0]["number"])).unwrap();
    let e = fails(d.path(), &[&stage2[..], &["--eligible", "e.csv"]].concat());
    assert!(e.contains("p.csv:4:") && e.contains("not the primary"), "{e}");
    // One shard of a stage-1 list: its manifest's n₁ counts every shard's banks.
    ok(d.path(), &[&STAGE1[..], &["--shard", "1/2", "-o", "half.csv"]].concat());
    let half = ["generate", "--design", "mitofsky-waksberg", "--primaries", "half.csv", "--eligible", "e.csv"];
    let e = fails(d.path(), &[&half[..], &["-n", "all", "-o", "x.csv"]].concat());
    assert!(e.contains("half.csv.manifest.json") && e.contains("shard 1/2"), "{e}");
    // No outcomes, or a list that is not a stage-1 list.
    assert!(fails(d.path(), &stage2).contains("--eligible"));
    ok(d.path(), &["generate", "--prefix", "6011", "--seed", "1", "-n", "10", "-o", "u.csv"]);
    let e = fails(
        d.path(),
        &[
            "generate",
            "--design",
            "mitofsky-waksberg",
            "--primaries",
            "u.csv",
            "--eligible",
            "e.csv",
            "-n",
            "all",
            "-o",
            "x.csv",
        ],
    );
    assert!(e.contains("u.csv.manifest.json") && e.contains("not the manifest of a Mitofsky"), "{e}");
}

/// Inside a run, every number dialled is a primary of the stage-1 list or lies in a bank whose primary was
/// dialled first and found in service, never a number of the scenario's suppression lists; and no bank yields
/// more than `cluster` working numbers.
#[test]
fn a_simulated_campaign_dials_second_stage_numbers_only_in_banks_whose_primary_works() {
    let k = 3;
    let c =
        crate::frame::frame_campaign("mitofsky-waksberg", &["run.day_hours=2", &format!("numbers.frame.cluster={k}")]);
    let out = c.run(6, true);
    let suppressed = dialsim::sim::scenario_exclusions(c.scenario(), &Plan::embedded("cz").unwrap()).unwrap();
    let sel = Selection { types: vec![NumberType::Mobile, NumberType::FixedLine], ..Selection::default() };
    let list = CallList::mitofsky_waksberg(NumberSpace::new(&Plan::embedded("cz").unwrap(), &sel).unwrap(), 6).unwrap();
    let mut primary_works: HashMap<u64, bool> = HashMap::new();
    let mut working: HashMap<u64, u32> = HashMap::new();
    let (mut primaries, mut second) = (0, 0);
    let mut calls: Vec<_> = out.calls.iter().filter(|c| c.attempt == 1 && c.referral_of.is_none()).collect();
    calls.sort_by_key(|c| c.call_id);
    for c in calls {
        let bank = c.number.national / 100;
        let works = c.outcome.as_str() != "not_in_service";
        assert!(suppressed.excluded(&c.number).is_none(), "{} is suppressed", c.number);
        if list.position_of(&c.number).is_some() {
            primaries += 1;
            primary_works.insert(bank, works);
        } else {
            second += 1;
            assert_eq!(primary_works.get(&bank), Some(&true), "{} dialled in a bank not retained", c.number);
        }
        if works {
            *working.entry(bank).or_default() += 1;
        }
    }
    assert!(primaries > 1_000 && second > 500, "{primaries} primaries, {second} second-stage numbers dialled");
    let most = working.values().max().copied().unwrap_or(0);
    assert!(most <= k, "a bank yielded {most} working numbers (k = {k})");
    assert!(working.values().filter(|&&w| w == k).count() > 10, "no bank reached k");
}

/// Per replication: (contacts per dial, dials per contact).
fn hit_rates(c: &Campaign, n: u32) -> Vec<[f64; 2]> {
    replicate(c, 3, n, 2, &no_progress)
        .iter()
        .map(|s| {
            let (dials, contacts) = (kpi_value(s, "dials").unwrap(), kpi_value(s, "contacts").unwrap());
            [contacts / dials, dials / contacts]
        })
        .collect()
}

/// Where working numbers cluster in banks (mobile banks 27 % in service, fixed-line banks 0.5 %, listed banks
/// 50 %), Mitofsky–Waksberg reaches a contact with fewer dials than pure RDD on the same population, paired by
/// replication, each difference's 95 % interval clear of zero.
#[test]
fn mitofsky_waksberg_reaches_contacts_with_fewer_dials_than_pure_rdd() {
    let set = ["run.day_hours=4"];
    let uniform = hit_rates(&crate::frame::frame_campaign("uniform", &set), 10);
    let mw = hit_rates(&crate::frame::frame_campaign("mitofsky-waksberg", &set), 10);
    for (i, (name, better_up)) in [("contacts per dial", true), ("dials per contact", false)].iter().enumerate() {
        let a: Vec<f64> = uniform.iter().map(|r| r[i]).collect();
        let b: Vec<f64> = mw.iter().map(|r| r[i]).collect();
        let p = Paired::of(&a, &b);
        let (low, high) = (p.diff.ci95_low, p.diff.ci95_high);
        eprintln!(
            "{name}: pure RDD {:.4}, Mitofsky–Waksberg {:.4}, difference [{low:.4}, {high:.4}]",
            p.a.mean, p.b.mean
        );
        assert!(
            if *better_up { low > 0.0 } else { high < 0.0 },
            "{name}: pure RDD {:.4}, Mitofsky–Waksberg {:.4}, difference in [{low:.4}, {high:.4}]",
            p.a.mean,
            p.b.mean
        );
    }
}
