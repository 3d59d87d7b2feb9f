//! The campaign model's population: rates by stratum (type and prefix), HLR pre-screening, costs, and the
//! stratified call list (`generate --mix`, `numbers.mix`).

use crate::common;

use std::collections::{HashMap, HashSet};

use common::by_header;
use dialsim::sim::CallRecord;
use dialsim::{Scenario, sim::Campaign};

fn campaign(text: &str, set: &[&str]) -> Campaign {
    let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
    Campaign::new(Scenario::parse("<test>", text, &set).unwrap()).unwrap()
}

fn default_campaign(set: &[&str]) -> Campaign {
    campaign(dialsim::DEFAULT_SCENARIO, set)
}

/// A Czech national number of 9 digits starting with 6 or 7 is in the plan's mobile ranges (the lists here
/// hold mobile and fixed-line numbers only).
fn is_mobile(c: &CallRecord) -> bool {
    matches!(c.number.national / 100_000_000, 6 | 7)
}

/// Share of first attempts that end not in service, and how many first attempts there were.
fn dead_share(calls: &[CallRecord], keep: impl Fn(&CallRecord) -> bool) -> (f64, usize) {
    let first: Vec<&CallRecord> = calls.iter().filter(|c| c.attempt == 1 && keep(c)).collect();
    let dead = first.iter().filter(|c| c.outcome.as_str() == "not_in_service").count();
    (dead as f64 / first.len().max(1) as f64, first.len())
}

#[test]
fn the_default_day_dials_the_mix_and_its_dead_share_matches_the_stratum_rates() {
    let out = default_campaign(&["run.day_hours=3"]).run(5, true);
    let (mobile, n_mobile) = dead_share(&out.calls, is_mobile);
    let (fixed, n_fixed) = dead_share(&out.calls, |c| !is_mobile(c));
    assert!(n_mobile > 5_000 && n_fixed > 2_000, "{n_mobile} mobile, {n_fixed} fixed first attempts");
    // Binomial noise: sd = sqrt(p(1-p)/n) < 0.007 for the mobile share, < 0.002 for the fixed one.
    assert!((mobile - 0.74).abs() < 0.03, "mobile not in service {mobile} (stratum rate 0.74)");
    assert!((fixed - 0.996).abs() < 0.01, "fixed-line not in service {fixed} (stratum rate 0.996)");
    // The list's mix: 7 in 10 fresh numbers are mobile (exact per block of 10; the day stops mid-block).
    let share = n_mobile as f64 / (n_mobile + n_fixed) as f64;
    assert!((share - 0.7).abs() < 0.01, "mobile share of fresh numbers {share}");
}

#[test]
fn a_prefix_section_overrides_its_type_and_a_longer_prefix_wins() {
    let text = "[numbers]\ntypes = [\"mobile\"]\nprefixes = [\"601\", \"602\"]\n\
                [population.mobile]\nnot_in_service = 0.5\n\
                [population.prefix.\"601\"]\nnot_in_service = 1.0\n\
                [population.prefix.\"6011\"]\nnot_in_service = 0.0\n";
    let mut out = campaign(text, &["run.day_hours=1"]).run(3, true);
    // Referees follow [referrals] (working numbers), not the strata.
    out.calls.retain(|c| c.referral_of.is_none());
    let under = |p: u64, digits: u32| move |c: &CallRecord| c.number.national / 10u64.pow(9 - digits) == p;
    let (d6011, n6011) = dead_share(&out.calls, under(6011, 4));
    let (d601, n601) = dead_share(&out.calls, |c| under(601, 3)(c) && !under(6011, 4)(c));
    let (d602, n602) = dead_share(&out.calls, under(602, 3));
    assert!(n6011 > 20 && n601 > 200 && n602 > 200, "{n6011} {n601} {n602}");
    assert_eq!(d601, 1.0, "prefix 601 sets not_in_service = 1");
    assert_eq!(d6011, 0.0, "the longer prefix 6011 wins over 601");
    assert!((d602 - 0.5).abs() < 0.1, "602 keeps the mobile section's 0.5: {d602}");
}

#[test]
fn a_type_section_overrides_the_compliance_base_of_consent() {
    let none = default_campaign(&["run.day_hours=2", "population.mobile.consent=0", "population.fixedLine.consent=0"])
        .run(2, false);
    let base = default_campaign(&["run.day_hours=2"]).run(2, false);
    assert_eq!(none.summary.compliance.consents_granted, 0);
    assert!(base.summary.compliance.consents_granted > 0);
    // Same people (common random numbers): names are given as often.
    assert_eq!(none.summary.compliance.names_given, base.summary.compliance.names_given);
}

#[test]
fn a_stratum_whose_answers_exceed_one_is_refused_with_its_key() {
    let err =
        Scenario::parse("s.toml", "[population.mobile]  # a comment\nperson = 0.9\nmachine = 0.3\n", &[]).unwrap_err();
    assert!(err.to_string().starts_with("s.toml:1: population.mobile = busy 0.04 + person 0.9"), "{err}");
    let set = ["population.mobile.person=0.8".to_string()];
    let err = Scenario::parse("s.toml", "", &set).unwrap_err();
    assert!(err.to_string().starts_with("override population.mobile.person=0.8: "), "{err}");
    let err = Scenario::parse("s.toml", "[population.fixedLine]\nbusy = 1.5\n", &[]).unwrap_err();
    assert!(err.to_string().starts_with("s.toml:2:") && err.to_string().contains("population.fixedLine.busy"), "{err}");
    let err = Scenario::parse("s.toml", "[numbers]\nmix = { mobile = 0.7, fixedLine = 0.2 }\n", &[]).unwrap_err();
    assert!(err.to_string().contains("add up to"), "{err}");
}

#[test]
fn a_perfect_lookup_never_dials_a_dead_mobile_number_and_counts_what_it_screens() {
    let out = default_campaign(&["run.day_hours=2", "screening.enabled=true", "screening.accuracy=1.0"]).run(4, true);
    let s = &out.summary.costs;
    let (mobile_dead, n_mobile) = dead_share(&out.calls, is_mobile);
    let (fixed_dead, _) = dead_share(&out.calls, |c| !is_mobile(c));
    assert!(n_mobile > 1_000 && s.screened > 4_000, "{n_mobile} mobile first attempts, {} screened", s.screened);
    assert_eq!(mobile_dead, 0.0, "a screened-out number is never dialled");
    assert!(fixed_dead > 0.9, "fixed lines are not screened: {fixed_dead}");
    // Every look-up either removed the number or led to its first attempt.
    assert_eq!(s.screened - s.screened_out, n_mobile as u64);
    let out_share = s.screened_out as f64 / s.screened as f64;
    assert!((out_share - 0.74).abs() < 0.03, "screened out {out_share} of look-ups (dead share 0.74)");
}

#[test]
fn an_inaccurate_lookup_lets_dead_numbers_through_at_the_rate_it_errs() {
    let out = default_campaign(&["run.day_hours=3", "screening.enabled=true", "screening.accuracy=0.9"]).run(4, true);
    let (mobile_dead, n) = dead_share(&out.calls, is_mobile);
    // Dead and passed: 0.74 · 0.1; working and passed: 0.26 · 0.9.
    let expected = 0.074 / (0.074 + 0.234);
    assert!(n > 2_000 && (mobile_dead - expected).abs() < 0.04, "{mobile_dead} of {n} (expected {expected})");
}

#[test]
fn cost_kpis_equal_a_hand_computation_from_the_runs_own_counts() {
    let set = [
        "run.day_hours=1",
        "screening.enabled=true",
        "costs.per_dial=0.1",
        "costs.value_per_consent=500",
        "costs.line_per_minute.mobile=1.5",
        "costs.line_per_minute.fixedLine=0.5",
    ];
    let out = default_campaign(&set).run(9, true);
    let s = &out.summary;
    let answered = |c: &CallRecord| !matches!(c.outcome.as_str(), "not_in_service" | "busy" | "no_answer");
    let line: f64 = out
        .calls
        .iter()
        .filter(|c| answered(c))
        .map(|c| (c.wait_ms + c.talk_ms).as_f64() / 60_000.0 * if is_mobile(c) { 1.5 } else { 0.5 })
        .sum();
    let a = &s.agent_time;
    let staffed_h = (a.talk_s + a.wait_s + a.wrap_s + a.preview_s) / 3600.0;
    let lookups = 0.15 * s.costs.screened as f64;
    let total = 0.1 * s.dials as f64 + line + 240.0 * staffed_h + lookups;
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1.0);
    assert!(line > 0.0 && s.costs.screened > 0 && s.compliance.consents_granted > 0);
    assert!(close(s.costs.cost_breakdown.lines, line), "{} vs {line}", s.costs.cost_breakdown.lines);
    assert!(close(s.costs.cost_total, total), "{} vs {total}", s.costs.cost_total);
    let contacts = s.aapor.interviews + s.aapor.refusals;
    assert_eq!(s.costs.contacts, contacts, "a contact is AAPOR's: a number whose person was reached");
    assert!(close(s.costs.cost_per_contact, total / contacts as f64));
    assert!(close(s.costs.cost_per_consent, total / s.compliance.consents_granted as f64));
    assert!(close(s.costs.net_value, 500.0 * s.compliance.consents_granted as f64 - total));
    let kpis: HashMap<&str, f64> = dialsim::sim::kpi::values(s).into_iter().collect();
    for k in ["cost_total", "cost_per_contact", "cost_per_consent", "net_value", "screened", "screened_out"] {
        assert!(kpis.contains_key(k), "KPI {k} missing from the registry");
    }
}

#[test]
fn compare_shows_what_screening_does_to_cost_per_contact_with_an_interval() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "compare",
        "default",
        "default",
        "--set",
        "run.day_hours=1",
        "--set-b",
        "screening.enabled=true",
        "--replications",
        "4",
        "--seed",
        "1",
        "-o",
        "cmp.csv",
    ];
    let out = common::dialsim(dir.path(), &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = by_header(std::fs::read_to_string(dir.path().join("cmp.csv")).unwrap());
    let row = |kpi: &str| rows.iter().find(|r| r["kpi"] == kpi).unwrap_or_else(|| panic!("no row {kpi}"));
    let f = |kpi: &str, column: &str| row(kpi)[column].parse::<f64>().unwrap();
    assert_eq!(f("screened", "a_mean"), 0.0);
    assert!(f("screened", "b_mean") > 0.0 && f("screened_out", "b_mean") > 0.0);
    // Screening removes dead mobile numbers: fewer dials for the same contacts.
    assert!(f("dials", "diff_mean") < 0.0, "screening should cut dials");
    let (diff, half) = (f("cost_per_contact", "diff_mean"), f("cost_per_contact", "paired_half_width"));
    assert!(diff.is_finite() && half.is_finite() && half > 0.0, "cost per contact: {diff} ± {half}");
}

/// `generate` in `dir` with `args`; the list's numbers by line (header dropped).
fn generate(dir: &std::path::Path, args: &[&str]) -> Vec<String> {
    let out = common::dialsim(dir, args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = args.iter().position(|a| *a == "-o").map(|i| args[i + 1]).unwrap();
    std::fs::read_to_string(dir.join(file)).unwrap().lines().skip(1).map(str::to_string).collect()
}

const MIX: [&str; 7] = ["generate", "--mix", "mobile=0.7,fixedLine=0.3", "--seed", "11", "-n", "100000"];

#[test]
fn a_mixed_list_has_the_exact_shares_no_repeats_and_the_same_bytes_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let one = generate(d, &[&MIX[..], &["--threads", "1", "-o", "one.csv"]].concat());
    let two = generate(d, &[&MIX[..], &["--threads", "2", "-o", "two.csv"]].concat());
    assert_eq!(std::fs::read(d.join("one.csv")).unwrap(), std::fs::read(d.join("two.csv")).unwrap());
    assert_eq!(one.len(), 100_000);
    assert_eq!(one.iter().filter(|l| l.split(',').nth(1) == Some("mobile")).count(), 70_000);
    assert_eq!(one.iter().filter(|l| l.split(',').nth(1) == Some("fixedLine")).count(), 30_000);
    let numbers: HashSet<&str> = one.iter().map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(numbers.len(), 100_000, "a number repeats");
    // Exact in every block of 10 positions, and not in a fixed pattern.
    let kinds: Vec<bool> = one.iter().map(|l| l.split(',').nth(1) == Some("mobile")).collect();
    assert!(kinds.chunks(10).all(|b| b.iter().filter(|&&m| m).count() == 7));
    let patterns: HashSet<&[bool]> = kinds.chunks(10).collect();
    assert!(patterns.len() > 100, "the strata are interleaved at random: {} patterns", patterns.len());
    assert_eq!(two, one);
}

#[test]
fn a_mixed_lists_shards_make_up_the_list_and_a_continuation_goes_on_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let whole = generate(d, &[&MIX[..], &["-o", "whole.csv"]].concat());
    let mut union: Vec<(u64, String)> = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        for line in generate(d, &[&MIX[..], &["--shard", &shard, "-o", &format!("s{k}.csv")]].concat()) {
            let index: u64 = line.rsplit(',').next().unwrap().parse().unwrap();
            assert_eq!(index % 3, k - 1, "shard {shard} holds position {index}");
            union.push((index, line));
        }
    }
    union.sort();
    assert_eq!(union.into_iter().map(|(_, l)| l).collect::<Vec<_>>(), whole, "the shards' union is the list");
    // Half now, the rest continued from the manifest: the two halves are the whole list.
    let half = ["generate", "--mix", "mobile=0.7,fixedLine=0.3", "--seed", "11", "-n", "50000", "-o", "a.csv"];
    let mut parts = generate(d, &half);
    let manifest = std::fs::read_to_string(d.join("a.csv.manifest.json")).unwrap();
    assert!(manifest.contains("\"mix\": \"fixedLine=0.3,mobile=0.7\""), "{manifest}");
    parts.extend(generate(d, &["generate", "--continue", "a.csv", "-n", "50000", "-o", "b.csv"]));
    assert_eq!(parts, whole);
}

#[test]
fn a_mixed_list_skips_suppressed_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = ["generate", "--mix", "mobile=0.7,fixedLine=0.3", "--seed", "11", "-n", "1000"];
    let whole = generate(d, &[&base[..], &["-o", "whole.csv"]].concat());
    let held: Vec<&str> = whole.iter().step_by(10).map(|l| l.split(',').next().unwrap()).collect();
    std::fs::write(d.join("held.csv"), format!("number\n{}\n", held.join("\n"))).unwrap();
    let kept = generate(d, &[&base[..], &["--suppress", "held.csv", "-o", "kept.csv"]].concat());
    assert_eq!(kept.len(), 1000);
    let kept_numbers: HashSet<&str> = kept.iter().map(|l| l.split(',').next().unwrap()).collect();
    assert!(held.iter().all(|n| !kept_numbers.contains(n)), "a suppressed number is listed");
    // The rest keep their order: the list without the held numbers, then the positions after it.
    let rest: Vec<&String> = whole.iter().filter(|l| !held.contains(&l.split(',').next().unwrap())).collect();
    assert_eq!(kept.iter().take(rest.len()).collect::<Vec<_>>(), rest);
}

#[test]
fn the_other_plans_population_files_run_on_their_own_plan() {
    for (plan, country_code) in [("sk", 421), ("de", 49), ("gb", 44), ("us", 1)] {
        let path = format!("{}/data/scenarios/population/{plan}.toml", env!("CARGO_MANIFEST_DIR"));
        let scenario = Scenario::load(&path, &["run.day_hours=0.2".to_string()]).unwrap();
        assert_eq!(scenario.numbers.plan, plan);
        assert!(scenario.population.has_strata(), "{plan}: no stratum sections");
        let out = Campaign::new(scenario).unwrap().run(1, true);
        assert!(!out.calls.is_empty(), "{plan}: nothing dialled");
        assert!(out.calls.iter().all(|c| c.number.country_code == country_code), "{plan}");
    }
}

#[test]
fn a_share_out_of_range_is_shown_as_written_in_short() {
    // 1e308 was shown as its 309 digits.
    let e = dialsim::jobs::parse_mix("mobile=1e308").unwrap_err();
    assert_eq!(e, "the share of mobile is 1e308: a share is above 0 and at most 1");
    let e = dialsim::jobs::parse_mix("mobile=-2").unwrap_err();
    assert_eq!(e, "the share of mobile is -2: a share is above 0 and at most 1");
}
