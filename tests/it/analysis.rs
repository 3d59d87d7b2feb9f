//! The analyst workflow: replications with honest intervals, sweeps, comparisons, time profiles and charts.
use crate::common;

use common::{by_header, erlang_b};
use dialsim::analysis::{Precision, aggregate, kpi_value, no_progress, replicate, replicate_until};
use dialsim::foundation::stats::Estimate;
use dialsim::{Scenario, sim::Campaign};

fn default_campaign(set: &[&str]) -> Campaign {
    let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
    Campaign::new(Scenario::parse("<default>", dialsim::DEFAULT_SCENARIO, &set).unwrap()).unwrap()
}

#[test]
fn replications_do_not_depend_on_the_thread_count() {
    let c = default_campaign(&[]);
    let one = replicate(&c, 42, 12, 1, &no_progress);
    assert_eq!(one, replicate(&c, 42, 12, 2, &no_progress));
    assert_eq!(one, replicate(&c, 42, 12, 5, &no_progress));
    // Replication 0 is the plain run with the seed; the others differ from it.
    assert_eq!(one[0], c.run(42, false).summary);
    assert_ne!(one[0], one[1]);
    let dir = tempfile::tempdir().unwrap();
    for t in ["1", "2"] {
        let out = common::dialsim(
            dir.path(),
            &["simulate", "--replications", "8", "--seed", "4", "--threads", t, "--out", &format!("t{t}")],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for f in ["summary.json", "replications.csv"] {
        let a = std::fs::read(dir.path().join("t1").join(f)).unwrap();
        assert!(a == std::fs::read(dir.path().join("t2").join(f)).unwrap(), "{f} depends on --threads");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("t1/summary.json")).unwrap()).unwrap();
    for kpi in ["dials", "abandon_rate", "occupancy", "consents_granted", "violations"] {
        for field in ["mean", "std", "ci95_low", "ci95_high", "n"] {
            assert!(summary[kpi][field].is_number(), "summary.json {kpi}.{field}");
        }
        assert_eq!(summary[kpi]["n"], 8);
    }
}

#[test]
fn ci_half_width_target_adds_replications_until_reached() {
    let c = default_campaign(&[]);
    let target = 0.0003;
    let precision = Precision { kpi: "abandon_rate", half_width: target, min: 5, max: 400 };
    let runs = replicate_until(&c, 7, &precision, 2, &no_progress);
    let values: Vec<f64> = runs.iter().map(|s| kpi_value(s, "abandon_rate").unwrap()).collect();
    let e = Estimate::of(&values);
    assert!(e.half_width() <= target, "{e:?}");
    assert!(runs.len() > 5, "the target needs more than the minimum");
    // The first count that meets the target: one fewer does not.
    assert!(Estimate::of(&values[..values.len() - 1]).half_width() > target || values.len() == 5);
    assert_eq!(runs, replicate_until(&c, 7, &precision, 1, &no_progress));
}

/// Erlang B blocking B(c, a).
#[test]
fn ninety_five_percent_intervals_cover_the_truth_93_to_97_percent_of_the_time() {
    // 1,000 experiments, each 8 replications of a 6-hour Erlang B system (5 agents, 4 Erlang) after a
    // 30-minute warm-up; the t-interval of the mean blocking should hold B(5, 4) in about 95 % of them.
    let scenario = Scenario::load(
        "data/scenarios/erlang-b.toml",
        &[
            "dialer.agents=5".into(),
            "dialer.rate_per_hour=240".into(),
            "run.day_hours=6".into(),
            "run.warmup_minutes=30".into(),
        ],
    )
    .unwrap();
    let campaign = Campaign::new(scenario).unwrap();
    let exact = erlang_b(5, 4.0);
    let experiments = 1000u64;
    let covered: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2u64)
            .map(|part| {
                let campaign = &campaign;
                s.spawn(move || {
                    (0..experiments)
                        .filter(|e| e % 2 == part)
                        .filter(|&e| {
                            let runs = replicate(campaign, 1_000_003 * (e + 1), 8, 1, &no_progress);
                            aggregate(&runs).iter().find(|(k, _)| *k == "abandon_rate").unwrap().1.covers(exact)
                        })
                        .count() as u64
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let rate = covered as f64 / experiments as f64;
    assert!((0.93..=0.97).contains(&rate), "coverage {rate}");
}

#[test]
fn sweeps_are_reproducible_shardable_and_charted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = ["sweep", "default", "--vary", "dialer.agents=10,20", "--vary", "dialer.drop_target=0.01,0.03"];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend(["--replications", "4", "--seed", "2"]);
        args.extend(extra);
        let out = common::dialsim(d, &args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["--out", "a", "--threads", "1", "--plot"]);
    run(&["--out", "b", "--threads", "2"]);
    run(&["--out", "s1", "--shard", "1/2"]);
    run(&["--out", "s2", "--shard", "2/2"]);
    let a = std::fs::read_to_string(d.join("a/sweep.csv")).unwrap();
    assert_eq!(a, std::fs::read_to_string(d.join("b/sweep.csv")).unwrap(), "sweep.csv depends on --threads");
    assert_eq!(a.lines().count(), 5);
    assert!(a.starts_with("point,dialer.agents,dialer.drop_target,replications,cost_currency,dials_mean,dials_ci,"));
    let merged = common::dialsim(d, &["sweep", "merge", "s2/sweep.csv", "s1/sweep.csv", "-o", "m.csv"]);
    assert!(merged.status.success());
    assert_eq!(std::fs::read_to_string(d.join("m.csv")).unwrap(), a, "merged shards differ from the whole sweep");
    let svg = std::fs::read_to_string(d.join("a/sweep-abandon_rate.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("dialer.agents") && svg.contains("dialer.drop_target = 0.03"));
    // A point's row equals a plain replicated run of that point with the same seed (common random numbers).
    let c = default_campaign(&["dialer.agents=20", "dialer.drop_target=0.01"]);
    let dials = aggregate(&replicate(&c, 2, 4, 1, &no_progress))[0].1.mean;
    let rows = by_header(&a);
    let row = &rows[2];
    assert_eq!((&*row["point"], &*row["dialer.agents"], &*row["dialer.drop_target"]), ("2", "20", "0.01"));
    assert_eq!(row["replications"], "4");
    assert_eq!(row["dials_mean"].parse::<f64>().unwrap(), dials);
}

#[test]
fn compare_pairs_runs_and_beats_independent_intervals() {
    let dir = tempfile::tempdir().unwrap();
    // B is the default day with more agents (a file with only `[dialer] agents` would be the built-in defaults,
    // whose population differs from the default day's).
    let out = common::dialsim(
        dir.path(),
        &[
            "compare",
            "default",
            "default",
            "--set-b",
            "dialer.agents=24",
            "--replications",
            "12",
            "--seed",
            "6",
            "-o",
            "cmp.csv",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = std::fs::read_to_string(dir.path().join("cmp.csv")).unwrap();
    let rows = by_header(&csv);
    let row = rows.iter().find(|r| r["kpi"] == "connects").unwrap();
    let f = |column: &str| row[column].parse::<f64>().unwrap();
    let (diff, paired, independent) = (f("diff_mean"), f("paired_half_width"), f("independent_half_width"));
    assert!(diff > 0.0, "more agents connect more people");
    assert!(
        paired < independent / 2.0,
        "common random numbers should at least halve the interval: {paired} vs {independent}"
    );
}

#[test]
fn the_time_profile_adds_up_to_the_summary() {
    let c = default_campaign(&[]);
    let out = c.run(3, false);
    let sum = |f: fn(&dialsim::sim::Interval) -> u64| out.intervals.iter().map(f).sum::<u64>();
    assert_eq!(sum(|i| i.dials), out.summary.dials);
    assert_eq!(sum(|i| i.connects), out.summary.connects);
    assert_eq!(sum(|i| i.drops), out.summary.drops);
    assert_eq!(sum(|i| i.consents), out.summary.compliance.consents_granted);
    assert_eq!(sum(|i| i.machine_drops), out.summary.outcomes["machine_dropped"]);
    assert!(out.intervals.iter().all(|i| i.start_ms % dialsim::sim::INTERVAL_MS == dialsim::sim::Millis(0)));
    let dir = tempfile::tempdir().unwrap();
    let o = common::dialsim(dir.path(), &["simulate", "--seed", "3", "--out", "r", "--plot"]);
    assert!(o.status.success());
    let csv = std::fs::read_to_string(dir.path().join("r/intervals.csv")).unwrap();
    assert!(csv.starts_with(
        "start,dials,human_answers,connects,drops,drop_rate,dial_level,occupancy,consents,machine_drops,agents\n"
    ));
    assert_eq!(csv.lines().count() - 1, out.intervals.len());
    let svg = std::fs::read_to_string(dir.path().join("r/profile.svg")).unwrap();
    assert!(svg.contains("calls per 15 minutes") && svg.contains("occupancy"));
}

#[test]
fn a_range_whose_step_misses_its_end_is_refused_with_the_nearest_ranges_that_land() {
    use dialsim::analysis::Vary;
    let err = "dialer.agents=10..30:7".parse::<Vary>().unwrap_err();
    for suggestion in ["10..24:7", "10..31:7", "10..30:5"] {
        assert!(err.contains(suggestion), "{err}");
    }
    let err = "dialer.drop_target=0.01..0.035:0.01".parse::<Vary>().unwrap_err();
    assert!(err.contains("0.01..0.030:0.01") && err.contains("0.01..0.040:0.01"), "{err}");
    // Ranges that land on their end keep both ends.
    for (text, values) in [
        ("k=10..30:10", vec!["10", "20", "30"]),
        ("k=10..31:7", vec!["10", "17", "24", "31"]),
        ("k=0.01..0.03:0.01", vec!["0.01", "0.02", "0.03"]),
        ("k=1..2:0.25", vec!["1.00", "1.25", "1.50", "1.75", "2.00"]),
        ("k=5..5:1", vec!["5"]),
        // Numbers in exponent notation count their exponent's places (the step 1e-3 was refused as "not above 0").
        ("k=0.01..0.02:5e-3", vec!["0.010", "0.015", "0.020"]),
        ("k=1e-2..2e-2:1e-2", vec!["0.01", "0.02"]),
        ("k=10..30:1e1", vec!["10", "20", "30"]),
    ] {
        assert_eq!(text.parse::<Vary>().unwrap().values, values, "{text}");
    }
    // A step too fine for the range is refused for its count, not as "not above 0".
    let err = "k=0.01..0.02:1e-300".parse::<Vary>().unwrap_err();
    assert!(err.contains("gives more than 10000 values"), "{err}");
    let err = "k=0.01..0.02:1e-3".parse::<Vary>().unwrap();
    assert_eq!(err.values.len(), 11);
}

/// The cells of a line of the ranked table: columns stand two or more spaces apart.
fn table_cells(line: &str) -> Vec<String> {
    line.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect()
}

/// The newcomer's question of issue 26 — with the embedded marketing scenario, which pacer and how many agents
/// minimise cost per consent with abandonment under 3 % on every day? — answered by one command, whose first
/// ranked row is the cheapest point of sweep.csv among those under 3 % on their worst day.
#[test]
fn newcomer_one_sweep_command_ranks_first_the_cheapest_point_under_3_percent_worst_day_abandonment() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("out");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = [
        "sweep",
        "data/scenarios/marketing.toml",
        "--vary",
        "dialer.pacer=adaptive-hard-limit,model",
        "--vary",
        "dialer.agents=10,15,20",
        "--set",
        "run.day_hours=2",
        "--replications",
        "5",
        "--seed",
        "1",
        "-o",
        dir.to_str().unwrap(),
        "--rank",
        "cost_per_consent",
        "--where",
        "abandon_rate_max_day<0.03",
    ];
    let table = String::from_utf8(common::ok_stdout(root, &args)).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    let header = table_cells(lines[0]);
    assert_eq!(header[..4], ["rank", "dialer.pacer", "dialer.agents", "cost_per_consent, CZK"], "{table}");
    assert!(header.iter().any(|h| h == "abandon_rate_max_day"), "{table}");
    // Recomputed from sweep.csv, by header: the feasible points, cheapest first.
    let rows = by_header(std::fs::read(dir.join("sweep.csv")).unwrap());
    assert_eq!(rows.len(), 6);
    let num = |r: &std::collections::HashMap<String, String>, k: &str| r[k].parse::<f64>().unwrap();
    let mut feasible: Vec<_> = rows.iter().filter(|r| num(r, "abandon_rate_max_day_mean") < 0.03).collect();
    assert!(!feasible.is_empty(), "no point under 3 %: {table}");
    feasible.sort_by(|a, b| num(a, "cost_per_consent_mean").total_cmp(&num(b, "cost_per_consent_mean")));
    let best = feasible[0];
    let first = table_cells(lines[1]);
    assert_eq!(first[..3], ["1".to_string(), best["dialer.pacer"].clone(), best["dialer.agents"].clone()], "{table}");
    // Every feasible point is ranked, in order of cost, and the best's difference from itself is "best".
    let ranked: Vec<Vec<String>> = lines[1..=feasible.len()].iter().map(|l| table_cells(l)).collect();
    for (row, point) in ranked.iter().zip(&feasible) {
        assert_eq!(row[1..3], [point["dialer.pacer"].clone(), point["dialer.agents"].clone()], "{table}");
    }
    assert_eq!(first[5], "best");
    assert!(lines[feasible.len() + 1].starts_with(&format!("{} of 6 points", feasible.len())), "{table}");
}

#[test]
fn a_where_constraint_leaves_out_the_points_that_break_it_and_json_says_which() {
    let out = tempfile::tempdir().unwrap();
    let d = out.path();
    let mut args = vec!["sweep", "default", "--vary", "dialer.agents=10,20,30", "-o", "s"];
    args.extend(common::SHORT_REPLICATED);
    // The median occupancy of the three points as the bound: some points pass, some do not.
    let plain = by_header({
        common::ok_stdout(d, &args);
        std::fs::read(d.join("s/sweep.csv")).unwrap()
    });
    let mut occupancy: Vec<f64> = plain.iter().map(|r| r["occupancy_mean"].parse().unwrap()).collect();
    occupancy.sort_by(f64::total_cmp);
    let bound = format!("occupancy>={}", occupancy[1]);
    args.extend(["--rank", "-mean_wait_s", "--where", &bound, "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&common::ok_stdout(d, &args)).unwrap();
    let ranked: Vec<f64> =
        json["rows"].as_array().unwrap().iter().map(|r| r["kpi"]["mean"].as_f64().unwrap()).collect();
    assert_eq!(ranked.len(), 2, "{json}");
    assert!(ranked[0] <= ranked[1], "lower mean wait first: {json}");
    assert_eq!(json["excluded"].as_array().unwrap().len(), 1, "{json}");
    assert!(json["excluded"][0]["fails"].as_str().unwrap().contains("not >="), "{json}");
    assert_eq!(json["rows"][0]["diff_from_best"]["mean"].as_f64(), Some(0.0));
}

#[test]
fn an_unknown_kpi_in_rank_or_where_exits_2_suggesting_the_registry_name() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, value, says) in [
        ("--where", "abandon_rate_maxday<0.03", "did you mean 'abandon_rate_max_day'"),
        ("--rank", "cost_per_consnet", "did you mean 'cost_per_consent'"),
    ] {
        let mut args = vec!["sweep", "default", "--vary", "dialer.agents=10,20", "-o", "s", "--rank", "occupancy"];
        if flag == "--rank" {
            args.truncate(6);
        }
        args.extend([flag, value]);
        let out = common::dialsim(dir.path(), &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("{flag} {value}")) && err.contains(says), "{err}");
        assert!(!dir.path().join("s").exists(), "nothing runs before the flags are checked");
    }
}

#[test]
fn a_dial_level_pinned_at_max_level_is_warned_of_when_ranking() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["sweep", "default", "--vary", "dialer.agents=10,15", "-o", "s", "--rank", "occupancy"];
    args.extend(["--set", "dialer.max_level=1.5", "--set", "dialer.initial_level=1.5"]);
    args.extend(common::SHORT_REPLICATED);
    let out = common::dialsim(dir.path(), &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("warning: the best point's dial level sat at dialer.max_level = 1.5"), "{err}");
    // Without the cap the default day does not sit at its max_level of 6.
    args.truncate(8);
    args.extend(common::SHORT_REPLICATED);
    let err = String::from_utf8_lossy(&common::dialsim(dir.path(), &args).stderr).into_owned();
    assert!(!err.contains("max_level"), "{err}");
}
