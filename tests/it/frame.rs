//! List-assisted sampling (issue 25, item 6): the bank frame's list draws only listed banks (and the zero
//! banks at their rate), never a known number, never a repeat, the same bytes on any thread count, shards
//! that rebuild it, each number's inclusion probability in the list and its manifest; and in simulation, on a
//! population whose listed banks are dense, it reaches contacts with fewer dials than a uniform list.
use crate::common;

use std::collections::HashSet;

use common::by_header;
use dialsim::analysis::{kpi_value, no_progress, replicate};
use dialsim::foundation::stats::Paired;
use dialsim::sim::Campaign;
use dialsim::{Banks, CallList, ListRequest, NoExclusion, NumberSpace, PhoneNumber, Plan, Scenario, Selection, Shard};

/// A small space: CZ fixed line 2123xxxxx then mobile 6011xxxxx (200,000 numbers).
fn small_space() -> NumberSpace {
    let sel = Selection { prefixes: vec!["6011".into(), "2123".into()], ..Selection::default() };
    NumberSpace::new(&Plan::embedded("cz").unwrap(), &sel).unwrap()
}

/// Known numbers at these space indices: banks 2123000 (three), 2123450, 6011999 and one outside the space.
fn known(space: &NumberSpace) -> Vec<PhoneNumber> {
    let mut k: Vec<PhoneNumber> = [3u64, 40, 77, 45_012, 199_950].iter().map(|&i| space.number(i)).collect();
    k.push(PhoneNumber { country_code: 420, national: 777_123_456, length: 9 });
    k
}

fn write(list: &CallList, req: &ListRequest) -> Vec<u8> {
    let mut out = Vec::new();
    list.write(req, &NoExclusion, &mut out, &mut |_| {}).unwrap();
    out
}

#[test]
fn a_list_assisted_list_is_every_number_of_the_listed_banks_once() {
    let space = small_space();
    let known = known(&space);
    let banks = Banks::from_numbers(100, known.iter().copied()).unwrap();
    let list = CallList::list_assisted(space.clone(), &banks, 1, 0.0, 11).unwrap();
    assert_eq!(list.len(), 300, "three listed 100-banks in the space");
    let mut seen = HashSet::new();
    for p in 0..list.len() {
        let n = list.number_at(p);
        assert!(banks.listed(&n) >= 1, "{n} at {p} is in a zero bank");
        assert!(seen.insert(n), "{n} repeats at {p}");
        assert_eq!(list.position_of(&n), Some(p));
        let digits = n.to_string();
        assert_eq!(list.positions().of_digits(&digits.as_bytes()[1..]), Some(p));
    }
    // The order is random: the three banks are interleaved, not listed one after the other.
    let first_bank = list.number_at(0).national / 100;
    assert!((0..100).any(|p| list.number_at(p).national / 100 != first_bank));
    // A bank needs `min_listed` known numbers: only 2123000 holds three.
    let strict = CallList::list_assisted(space.clone(), &banks, 2, 0.0, 11).unwrap();
    assert_eq!(strict.len(), 100);
    // 1000-banks: 212300, 212345, 601199.
    let wide = CallList::list_assisted(space, &Banks::from_numbers(1000, known).unwrap(), 1, 0.0, 11).unwrap();
    assert_eq!(wide.len(), 3000);
}

#[test]
fn zero_banks_are_drawn_at_their_relative_rate_and_the_inclusion_probabilities_say_so() {
    let space = small_space();
    let banks = Banks::from_numbers(100, known(&space)).unwrap();
    let list = CallList::list_assisted(space, &banks, 1, 0.5, 5).unwrap();
    let n = 20_000;
    let strata = list.inclusion(0..n);
    let (listed, zero) = (&strata[0], &strata[1]);
    assert_eq!((listed.name.as_str(), listed.numbers), ("listed", 300));
    assert_eq!((zero.name.as_str(), zero.numbers), ("zero", 199_700));
    assert_eq!(listed.drawn + zero.drawn, n);
    let drawn_listed = (0..n).filter(|&p| banks.listed(&list.number_at(p)) >= 1).count() as u64;
    assert_eq!(drawn_listed, listed.drawn);
    // Share of the list: 300 / (300 + 0.5 · 199,700) = 0.3 %, placed as 30 in every 10,000 positions; the
    // zero banks' rate is half the listed banks' (up to that rounding).
    assert_eq!(listed.drawn, 60);
    let ratio = zero.probability / listed.probability;
    assert!((ratio - 0.5).abs() < 0.01, "zero / listed probability {ratio}");
    // Leaving the zero banks out gives them probability 0.
    let only = CallList::list_assisted(small_space(), &banks, 1, 0.0, 5).unwrap();
    let s = only.inclusion(0..300);
    assert_eq!((s[0].probability, s[1].probability), (1.0, 0.0));
}

#[test]
fn list_assisted_bytes_do_not_depend_on_threads_and_shards_rebuild_the_list() {
    let space = small_space();
    let banks = Banks::from_numbers(100, known(&space)).unwrap();
    let list = CallList::list_assisted(space, &banks, 1, 0.05, 9).unwrap();
    let req = |threads, shard| ListRequest { count: Some(5_000), threads, shard, ..Default::default() };
    let whole = write(&list, &req(1, Shard::WHOLE));
    assert_eq!(whole, write(&list, &req(3, Shard::WHOLE)));
    let text = String::from_utf8(whole).unwrap();
    assert!(text.starts_with("number,type,region,index,stratum,probability\n"));
    let mut merged: Vec<String> = Vec::new();
    for k in 1..=3 {
        let shard = String::from_utf8(write(&list, &req(2, Shard { index: k, count: 3 }))).unwrap();
        merged.extend(shard.lines().skip(1).map(String::from));
    }
    let index = |l: &String| l.split(',').nth(3).unwrap().parse::<u64>().unwrap();
    merged.sort_by_key(index);
    let rows: Vec<String> = text.lines().skip(1).map(String::from).collect();
    assert_eq!(merged, rows, "the shards' lines, probabilities included, are the unsharded list's");
}

/// `generate` in `dir`; its stderr.
fn generate(dir: &std::path::Path, args: &[&str]) -> String {
    let out = common::dialsim(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

#[test]
fn generate_list_assisted_never_lists_a_known_number_and_records_the_design() {
    let d = tempfile::tempdir().unwrap();
    let space = small_space();
    let known = known(&space);
    let csv: String =
        std::iter::once("phone".to_string()).chain(known.iter().map(|n| n.to_string())).collect::<Vec<_>>().join("\n");
    std::fs::write(d.path().join("known.csv"), csv + "\n").unwrap();
    let base =
        ["generate", "--prefix", "6011,2123", "--seed", "4", "--design", "list-assisted", "--known", "known.csv"];
    // The whole frame: the three listed banks less the five known numbers in them (the run says it wrote
    // fewer numbers than the frame's positions, and exits with the code for an incomplete list).
    let out = common::dialsim(d.path(), &[&base[..], &["-n", "all", "-o", "all.csv"]].concat());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrote 295 of 300"));
    let rows = by_header(std::fs::read_to_string(d.path().join("all.csv")).unwrap());
    assert_eq!(rows.len(), 295);
    let listed: HashSet<String> = known.iter().map(|n| n.to_string()).collect();
    assert!(rows.iter().all(|r| !listed.contains(&r["number"])), "a known number was listed");
    assert!(rows.iter().all(|r| r["stratum"] == "listed" && r["probability"] == "1"));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("all.csv.manifest.json")).unwrap()).unwrap();
    let design = &m["generation"]["design"];
    assert_eq!(design["kind"], "list-assisted");
    assert_eq!((design["bank"].as_u64(), design["listed_banks"].as_u64()), (Some(100), Some(3)));
    assert_eq!(design["strata"][0]["probability"], 1.0);
    assert_eq!(design["density_sources"][0]["kind"], "density");
    assert!(m["generation"]["exclusions"].as_array().unwrap().iter().any(|s| s["name"] == "known.csv"));
    // With the zero banks at a rate and exclusions, every row's probability is its stratum's in the manifest.
    generate(d.path(), &[&base[..], &["-n", "2000", "--zero-banks", "0.5", "-o", "z.csv"]].concat());
    let rows = by_header(std::fs::read_to_string(d.path().join("z.csv")).unwrap());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("z.csv.manifest.json")).unwrap()).unwrap();
    let strata = m["generation"]["design"]["strata"].as_array().unwrap();
    for r in &rows {
        let s = strata.iter().find(|s| s["name"] == r["stratum"].as_str()).unwrap();
        assert_eq!(r["probability"].parse::<f64>().unwrap(), s["probability"].as_f64().unwrap());
        assert!(!listed.contains(&r["number"]));
    }
    assert!(rows.iter().any(|r| r["stratum"] == "zero") && rows.iter().any(|r| r["stratum"] == "listed"));
    let drawn: u64 = strata.iter().map(|s| s["drawn"].as_u64().unwrap()).sum();
    let skipped = m["generation"]["exclusions"][0]["excluded"].as_u64().unwrap();
    assert_eq!(drawn, 2000 + skipped, "the positions sampled are the rows written and the known numbers skipped");
    // A list-assisted list is not continued by its manifest: it says how to go on instead.
    let out = common::dialsim(d.path(), &["generate", "--continue", "z.csv", "-n", "10", "-o", "more.csv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let next = format!("--start {}", 2000 + skipped);
    assert!(!out.status.success() && stderr.contains(&next), "{stderr}");
    // --known without the design, and the design without --known, are refused.
    let out = common::dialsim(d.path(), &["generate", "-n", "5", "--known", "known.csv"]);
    assert!(!out.status.success());
    let out = common::dialsim(d.path(), &["generate", "-n", "5", "--design", "list-assisted"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs --known"));
}

/// A known database of another country gives a plan's banks no density: it is refused by name, saying so,
/// rather than ending in "the list-assisted frame is empty"; its foreign banks are not counted as listed.
#[test]
fn a_known_database_of_another_country_is_refused_by_name() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("czech.csv"), "number\n+420601123456\n+420601123457\n").unwrap();
    let args =
        ["generate", "--plan", "gb", "-n", "10", "--seed", "1", "--design", "list-assisted", "--known", "czech.csv"];
    let out = common::dialsim(d.path(), &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("czech.csv is a list of 2 numbers of +420"), "{stderr}");
    assert!(stderr.contains("must hold +44 numbers") && stderr.contains("--allow-other-country"), "{stderr}");
    assert!(!stderr.contains("frame is empty"), "{stderr}");
    // Allowed, it is said to be foreign, and no bank of the plan is counted as listed.
    let out = common::dialsim(d.path(), &[&args[..], &["--allow-other-country"]].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("0 banks of 100 hold numbers"), "{stderr}");
    // One bank is one bank.
    let out = common::dialsim(
        d.path(),
        &["generate", "-n", "3", "--seed", "1", "--design", "list-assisted", "--known", "czech.csv"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.contains("1 bank of 100 holds numbers"), "{stderr}");
    // A scenario's frame says the same of its key.
    let sets = ["numbers.mix={}", "numbers.plan=gb", "numbers.suppress=[]", "numbers.frame.design=list-assisted"];
    let mut args = vec!["simulate", "--seed", "1", "--set", "numbers.frame.known=[\"czech.csv\"]"];
    args.extend(sets.iter().flat_map(|s| ["--set", s]));
    let out = common::dialsim(d.path(), &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("numbers.frame.known: czech.csv is a list of 2 numbers of +420"), "{stderr}");
}

/// The default day without its type mix and with the bank population model, on the design `design`.
pub(crate) fn frame_campaign(design: &str, set: &[&str]) -> Campaign {
    let mut all: Vec<String> = vec![
        "numbers.mix={}".into(),
        "numbers.frame.in_service_listed=0.5".into(),
        format!("numbers.frame.design={design}"),
    ];
    all.extend(set.iter().map(|s| s.to_string()));
    Campaign::new(Scenario::parse("<default>", dialsim::DEFAULT_SCENARIO, &all).unwrap()).unwrap()
}

/// Per replication: (contacts per dial, dials per contact, cost per contact).
fn hit_rates(campaign: &Campaign, seed: u64, n: u32) -> Vec<[f64; 3]> {
    replicate(campaign, seed, n, 2, &no_progress)
        .iter()
        .map(|s| {
            let (dials, contacts) = (kpi_value(s, "dials").unwrap(), kpi_value(s, "contacts").unwrap());
            [contacts / dials, dials / contacts, kpi_value(s, "cost_per_contact").unwrap()]
        })
        .collect()
}

/// A list-assisted list beats a uniform one on the same population, paired by replication: more contacts per
/// dial, fewer dials and less cost per contact, each with its 95 % interval clear of zero.
fn list_assisted_beats_uniform(set: &[&str], n: u32) {
    let uniform = hit_rates(&frame_campaign("uniform", set), 3, n);
    let assisted = hit_rates(&frame_campaign("list-assisted", set), 3, n);
    for (i, (name, better_up)) in
        [("contacts per dial", true), ("dials per contact", false), ("cost per contact", false)].iter().enumerate()
    {
        let a: Vec<f64> = uniform.iter().map(|r| r[i]).collect();
        let b: Vec<f64> = assisted.iter().map(|r| r[i]).collect();
        let p = Paired::of(&a, &b);
        let (low, high) = (p.diff.ci95_low, p.diff.ci95_high);
        assert!(
            if *better_up { low > 0.0 } else { high < 0.0 },
            "{name}: uniform {:.4} list-assisted {:.4}, difference in [{low:.4}, {high:.4}]",
            p.a.mean,
            p.b.mean
        );
    }
}

/// Full days: in short ones the dialer's start-up dominates, and cost per contact (agents' hours, dials being
/// free on the default tariff) varies more between replications than the designs differ.
#[test]
fn a_list_assisted_list_reaches_contacts_with_fewer_dials_and_less_cost_than_a_uniform_one() {
    list_assisted_beats_uniform(&[], 20);
}

#[test]
fn listed_banks_are_in_service_at_the_models_share_and_other_numbers_at_their_types() {
    let out = frame_campaign("list-assisted", &["run.day_hours=1"]).run(2, true);
    let first: Vec<_> = out.calls.iter().filter(|c| c.attempt == 1).collect();
    let dead = first.iter().filter(|c| c.outcome.as_str() == "not_in_service").count() as f64 / first.len() as f64;
    assert!(first.len() > 2_000, "{} first attempts", first.len());
    // Binomial sd < 0.011 at 2,000 first attempts.
    assert!((dead - 0.5).abs() < 0.05, "not in service in listed banks: {dead} (model: 0.5)");
    // Without the model the same banks have their types' rates (mostly fixed line, 99.6 % dead).
    let blind = Campaign::new(
        Scenario::parse(
            "<default>",
            dialsim::DEFAULT_SCENARIO,
            &["numbers.mix={}".into(), "numbers.frame.design=list-assisted".into(), "run.day_hours=1".into()],
        )
        .unwrap(),
    )
    .unwrap()
    .run(2, true);
    let first: Vec<_> = blind.calls.iter().filter(|c| c.attempt == 1).collect();
    let dead = first.iter().filter(|c| c.outcome.as_str() == "not_in_service").count() as f64 / first.len() as f64;
    assert!(dead > 0.8, "not in service without the bank model: {dead}");
}

#[test]
fn a_frame_scenario_is_checked_key_by_key() {
    let bad = |set: &str| {
        Scenario::parse("<default>", dialsim::DEFAULT_SCENARIO, &[set.to_string()]).unwrap_err().to_string()
    };
    assert!(bad("numbers.frame.design=mitofsky").contains("numbers.frame.design"));
    assert!(bad("numbers.frame.design=list-assisted").contains("numbers.mix"), "a design with a type mix");
    assert!(bad("numbers.frame.bank=10").contains("numbers.frame.bank"));
    assert!(bad("numbers.frame.zero_banks=2").contains("numbers.frame.zero_banks"));
    assert!(bad("numbers.frame.in_service_listed=1.5").contains("numbers.frame.in_service_listed"));
}

#[test]
fn a_list_assisted_list_is_scrubbed_by_its_bytes_keeping_its_probabilities() {
    let d = tempfile::tempdir().unwrap();
    let space = small_space();
    let csv: String = std::iter::once("phone".to_string())
        .chain(known(&space).iter().map(|n| n.to_string()))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(d.path().join("known.csv"), csv + "\n").unwrap();
    let args =
        ["generate", "--prefix", "6011,2123", "--seed", "4", "--design", "list-assisted", "--known", "known.csv"];
    generate(d.path(), &[&args[..], &["-n", "150", "--zero-banks", "0.5", "-o", "l.csv"]].concat());
    let list = by_header(std::fs::read_to_string(d.path().join("l.csv")).unwrap());
    std::fs::write(d.path().join("objectors.csv"), format!("{}\n", list[1]["number"])).unwrap();
    generate(d.path(), &["scrub", "l.csv", "--suppress", "objectors.csv", "-o", "s.csv"]);
    let scrubbed = by_header(std::fs::read_to_string(d.path().join("s.csv")).unwrap());
    assert_eq!(scrubbed.len(), list.len() - 1);
    assert!(scrubbed.iter().all(|r| r["number"] != list[1]["number"]));
    assert_eq!(scrubbed[0]["probability"], list[0]["probability"], "the design's columns are kept");
}
