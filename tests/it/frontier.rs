//! `dialsim frontier`: the grid of pacers × agent counts × drop targets, common random numbers, shards that
//! merge to the unsharded bytes, targets above the profile's limit marked not compliant, the CSV's columns
//! (and the guide's table of them (docs/analysis.md)), clear errors for bad lists, the chart and the HTML report.
//!
//! Nothing here depends on the pacers pacing differently: every property holds whatever each pacer does.

use crate::common;

use std::collections::HashMap;
use std::path::Path;

use common::{by_header, dialsim, ok_stdout};

/// The arguments of a small frontier into `out`, with `extra` after them.
fn small<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "frontier",
        "default",
        "--set",
        "run.day_hours=1",
        "--pacers",
        "model,adaptive-hard-limit",
        "--agents",
        "5,10",
        "--targets",
        "0.01,0.03,0.05",
        "--replications",
        "3",
        "--seed",
        "11",
        "-o",
        out,
    ];
    args.extend_from_slice(extra);
    args
}

/// The arguments of a frontier of one agent count and one target (every pacer unless `extra` names them) on a
/// half-hour day into `out`.
fn one_point<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["frontier", "default", "--set", "run.day_hours=0.5", "--agents", "5", "--targets", "0.02"];
    args.extend(["--replications", "2", "--seed", "1", "-o", out]);
    args.extend_from_slice(extra);
    args
}

/// The rows of the [`small`] frontier, run into `d/fr`.
fn small_rows(d: &Path) -> Vec<HashMap<String, String>> {
    ok_stdout(d, &small("fr", &[]));
    by_header(read(d, "fr/frontier.csv"))
}

/// The frontier.csv of the model pacer's [`one_point`] frontier, run into `d/fr`.
fn model_point(d: &Path) -> String {
    ok_stdout(d, &one_point("fr", &["--pacers", "model"]));
    read(d, "fr/frontier.csv")
}

fn read(d: &Path, f: &str) -> String {
    std::fs::read_to_string(d.join(f)).unwrap()
}

#[test]
fn the_grid_has_one_row_per_pacer_agent_count_and_target_in_point_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rows = small_rows(d);
    assert_eq!(rows.len(), 2 * 2 * 3);
    let mut expected = Vec::new();
    for pacer in ["model", "adaptive-hard-limit"] {
        for agents in ["5", "10"] {
            for target in ["0.01", "0.03", "0.05"] {
                expected.push((pacer, agents, target));
            }
        }
    }
    for (i, (row, (pacer, agents, target))) in rows.iter().zip(&expected).enumerate() {
        assert_eq!(row["point"], i.to_string());
        assert_eq!((row["pacer"].as_str(), row["agents"].as_str(), row["target"].as_str()), (*pacer, *agents, *target));
        assert_eq!(row["replications"], "3");
    }
    // Every pacer by default.
    ok_stdout(d, &one_point("all", &[]));
    let all = by_header(read(d, "all/frontier.csv"));
    let pacers: Vec<&str> = all.iter().map(|r| r["pacer"].as_str()).collect();
    assert_eq!(pacers, dialsim::Pacer::ALL.map(|p| p.as_str()));
}

#[test]
fn every_point_runs_the_same_seeds_as_a_plain_replication_of_its_scenario() {
    // Common random numbers: the point (model, 10 agents, 0.03) gives exactly the estimates of `simulate
    // --replications` of the same scenario with the same seed; a point seeded by its position would not.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rows = small_rows(d);
    for (pacer, agents, target) in [("model", "10", "0.03"), ("adaptive-hard-limit", "5", "0.05")] {
        let row = rows.iter().find(|r| r["pacer"] == pacer && r["agents"] == agents && r["target"] == target).unwrap();
        let json = ok_stdout(
            d,
            &[
                "simulate",
                "--replications",
                "3",
                "--seed",
                "11",
                "--set",
                "run.day_hours=1",
                "--set",
                "dialer.mode=predictive",
                "--set",
                &format!("dialer.pacer={pacer}"),
                "--set",
                &format!("dialer.agents={agents}"),
                "--set",
                &format!("dialer.drop_target={target}"),
                "--set",
                // Above the profile's 3 % the frontier lifts the day's abandonment budget.
                if target == "0.05" {
                    "dialer.on_budget_spent=continue"
                } else {
                    "dialer.on_budget_spent=amd-off-then-progressive"
                },
                "--json",
            ],
        );
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        for kpi in ["abandon_rate", "occupancy", "contacts_per_agent_hour"] {
            for (col, key) in [("mean", "mean"), ("ci95_low", "ci95_low"), ("ci95_high", "ci95_high")] {
                let csv: f64 = row[&format!("{kpi}_{col}")].parse().unwrap();
                let sim = v[kpi][key].as_f64().unwrap();
                // Equal but for the last bit (serde_json's float parsing may be one ulp off).
                assert!(
                    (csv - sim).abs() <= 1e-12 * sim.abs().max(1.0),
                    "{pacer}/{agents}/{target}: {kpi}_{col}: {csv} vs {sim}"
                );
            }
        }
        assert!(row["occupancy_mean"].parse::<f64>().unwrap() > 0.0, "an empty run would pass trivially");
    }
}

#[test]
fn shards_merge_to_the_bytes_of_the_unsharded_frontier_and_a_missing_part_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_stdout(d, &small("whole", &["--threads", "2"]));
    for k in 1..=3 {
        let (out, shard) = (format!("part{k}"), format!("{k}/3"));
        ok_stdout(d, &small(&out, &["--shard", &shard, "--threads", "1"]));
        assert_eq!(by_header(read(d, &format!("part{k}/frontier.csv"))).len(), 4, "shard {k} has 4 of 12 points");
    }
    // The parts in any order.
    ok_stdout(
        d,
        &["frontier", "merge", "part3/frontier.csv", "part1/frontier.csv", "part2/frontier.csv", "-o", "merged.csv"],
    );
    let (whole, merged) =
        (std::fs::read(d.join("whole/frontier.csv")).unwrap(), std::fs::read(d.join("merged.csv")).unwrap());
    assert_eq!(by_header(String::from_utf8(whole.clone()).unwrap()).len(), 12);
    assert_eq!(merged, whole, "the merged frontier differs from the unsharded one");
    // To stdout too.
    let out = ok_stdout(
        d,
        &["frontier", "merge", "part1/frontier.csv", "part2/frontier.csv", "part3/frontier.csv", "-o", "-"],
    );
    assert_eq!(out, whole);
    // A forgotten part is refused, naming a missing point.
    let out = dialsim(d, &["frontier", "merge", "part1/frontier.csv", "part3/frontier.csv", "-o", "short.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("point 1 of the") && err.contains("is in none of the parts"), "{err}");
    assert!(!d.join("short.csv").exists());
    // A part given twice too.
    let out = dialsim(d, &["frontier", "merge", "part1/frontier.csv", "part1/frontier.csv", "-o", "twice.csv"]);
    assert_eq!(out.status.code(), Some(2));
    // Both places are named (the message named neither).
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("more than one part: part1/frontier.csv:2 and part1/frontier.csv:2"), "{err}");
}

#[test]
fn targets_above_the_profiles_limit_run_at_their_target_and_are_marked_not_compliant() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rows = small_rows(d);
    for r in &rows {
        assert_eq!(r["limit"], "0.03", "the default profile's limit");
        let above = r["target"].parse::<f64>().unwrap() > 0.03;
        assert_eq!(r["compliant"], if above { "false" } else { "true" }, "point {}", r["point"]);
    }
    assert_eq!(rows.iter().filter(|r| r["compliant"] == "false").count(), 4);
    // In the library: the point's scenario carries the target itself, and only the points above the limit are
    // marked.
    use dialsim::analysis::{Frontier, FrontierGrid};
    let grid = FrontierGrid::new(vec![dialsim::Pacer::Model], vec![5], vec![0.03, 0.05]).unwrap();
    let source = dialsim::ScenarioSource::named(None);
    let f = Frontier::new(grid, &source, &["run.day_hours=0.5".into()], dialsim::Shard::WHOLE).unwrap();
    let targets: Vec<f64> = f.scenarios().map(|(_, s)| s.dialer.drop_target).collect();
    assert_eq!(targets, [0.03, 0.05]);
    // The day's abandonment budget (the profile's 3 %) is lifted for the point above the limit only.
    let spent: Vec<dialsim::OnBudgetSpent> = f.scenarios().map(|(_, s)| s.dialer.on_budget_spent).collect();
    assert_eq!(spent, [dialsim::OnBudgetSpent::default(), dialsim::OnBudgetSpent::Continue]);
    assert_ne!(dialsim::OnBudgetSpent::default(), dialsim::OnBudgetSpent::Continue);
    assert!(f.scenarios().all(|(_, s)| s.dialer.mode == dialsim::DialerMode::Predictive));
    let result = f.run(3, 2, 1, &dialsim::analysis::no_progress).unwrap();
    assert_eq!(result.rows.iter().map(|r| r.compliant).collect::<Vec<_>>(), [true, false]);
}

#[test]
fn the_csv_has_the_documented_columns_and_the_readme_lists_each_in_one_table() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = model_point(d);
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    assert_eq!(header, dialsim::report::FRONTIER_HEADER);
    for needed in [
        "pacer",
        "agents",
        "target",
        "compliant",
        "abandon_rate_mean",
        "occupancy_ci95_low",
        "contacts_per_agent_hour_ci95_high",
    ] {
        assert!(header.contains(&needed), "no column {needed}");
    }
    // The guide: one table whose first cells are exactly the columns, in order.
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/analysis.md")).unwrap();
    let start =
        readme.find("<!-- frontier.csv columns -->").expect("docs/analysis.md marks the frontier.csv column table");
    let cells: Vec<String> = readme[start..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('|').nth(1).map(|c| c.trim().trim_matches('`').to_string()))
        .filter(|c| !c.is_empty() && c != "column" && !c.starts_with("---"))
        .collect();
    assert_eq!(cells, dialsim::report::FRONTIER_HEADER, "the guide's frontier.csv table differs from the header");
}

#[test]
fn bad_lists_and_overrides_of_what_the_frontier_sets_are_clear_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = ["frontier", "default", "--replications", "2", "-o", "fr"];
    for (agents, targets, pacers, expect) in [
        ("10,x", "0.01", "all", "--agents 10,x: 'x' is not an agent count"),
        ("0", "0.01", "all", "--agents 0: 0 agents"),
        ("10,10", "0.01", "all", "--agents 10,10: 10 is given twice"),
        ("20000", "0.01", "all", "--agents 20000: dialer.agents = 20000 is out of range (1 to 10000)"),
        (
            "10",
            "3%",
            "all",
            "--targets 3%: '3%' is not a drop target: targets are shares of live answers, so 3 % is written 0.03",
        ),
        ("10", "0.01,abc", "all", "--targets 0.01,abc: 'abc' is not a drop target"),
        ("10", "0.6", "all", "--targets 0.6: dialer.drop_target = 0.6 is out of range (0 to 0.5)"),
        ("10", "", "all", "--targets : no drop targets given"),
        ("10", "0.01", "fast", "--pacers fast: unknown pacer 'fast'; the pacers are adaptive-hard-limit"),
    ] {
        let mut args = base.to_vec();
        args.extend(["--agents", agents, "--targets", targets, "--pacers", pacers]);
        let out = dialsim(d, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: expected '{expect}' in: {err}");
        assert!(!err.contains("panicked") && !d.join("fr").exists());
    }
    let mut args = base.to_vec();
    args.extend(["--agents", "10", "--targets", "0.01", "--set", "dialer.agents=5"]);
    let out = dialsim(d, &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--set dialer.agents=5: the frontier sets dialer.agents per point; use --agents")
    );
}

#[test]
fn the_chart_and_the_report_show_the_frontier_with_the_limit_and_the_non_compliant_points() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_stdout(d, &small("fr", &["--plot", "--report", "fr.html"]));
    let svg = read(d, "fr/frontier.svg");
    assert!(
        svg.starts_with("<svg") && svg.contains("5 agents") && svg.contains("10 agents"),
        "one panel per agent count"
    );
    assert!(svg.contains("model") && svg.contains("adaptive-hard-limit") && svg.contains("limit 3.00 %"));
    // The folder lists the chart in its manifest.
    assert!(read(d, "fr/manifest.json").contains("frontier.svg"));
    ok_stdout(d, &["report", "fr", "-o", "dir.html"]);
    ok_stdout(d, &["report", "fr/frontier.csv", "-o", "file.html"]);
    for name in ["fr.html", "dir.html", "file.html"] {
        let html = read(d, name);
        assert!(html.contains("Efficiency frontier: occupancy against abandonment"), "{name}: no frontier section");
        // A panel per agent count, the limit line, a ring per point above the limit (4 of 12).
        assert_eq!(html.matches("aria-label=\"frontier, ").count(), 2, "{name}");
        assert!(html.contains("limit 3.00 %"), "{name}: no limit line");
        // A non-compliant point is a ring, or, far beyond the compliant ones (a lifted cap abandoning nearly every
        // call), an arrow at the axis's edge labelled with its abandonment.
        let (rings, beyond) = (html.matches("fill=\"white\" stroke=").count(), html.matches("<polygon").count());
        assert_eq!(rings + beyond, 4, "{name}: markers of the non-compliant points ({rings} rings, {beyond} arrows)");
        assert_eq!(html.matches("no (cap lifted)").count(), 4, "{name}");
        assert!(html.contains("<td>model</td><td>10</td><td>5.00 %</td>"), "{name}: the table of points");
    }
}

#[test]
fn the_report_refuses_a_frontier_csv_without_a_column_it_draws_naming_the_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = model_point(d);
    let drop = text.lines().next().unwrap().split(',').position(|c| c == "occupancy_ci95_low").unwrap();
    let cut: Vec<String> = text
        .lines()
        .map(|l| l.split(',').enumerate().filter(|(i, _)| *i != drop).map(|(_, c)| c).collect::<Vec<_>>().join(","))
        .collect();
    std::fs::write(d.join("cut.csv"), cut.join("\n") + "\n").unwrap();
    let out = dialsim(d, &["report", "cut.csv", "-o", "cut.html"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a frontier.csv without a column was reported: {err}");
    assert!(err.contains("cut.csv") && err.contains("no column 'occupancy_ci95_low'"), "{err}");
    assert!(!d.join("cut.html").exists());
    // The whole file is reported.
    ok_stdout(d, &["report", "fr/frontier.csv", "-o", "whole.html"]);
}

#[test]
fn frontier_rank_orders_the_points_by_the_kpi_and_leaves_out_those_breaking_where() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = small("f", &["--rank", "occupancy", "--where", "abandon_rate<0.04", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&ok_stdout(d, &args)).unwrap();
    let csv = by_header(std::fs::read(d.join("f/frontier.csv")).unwrap());
    // Recomputed from frontier.csv: the points under 4 % abandonment, highest occupancy first.
    let mean = |r: &HashMap<String, String>, k: &str| r[k].parse::<f64>().unwrap();
    let mut feasible: Vec<_> = csv.iter().filter(|r| mean(r, "abandon_rate_mean") < 0.04).collect();
    feasible.sort_by(|a, b| mean(b, "occupancy_mean").total_cmp(&mean(a, "occupancy_mean")));
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), feasible.len(), "{json}");
    assert_eq!(rows.len() + json["excluded"].as_array().unwrap().len(), csv.len());
    assert_eq!(json["keys"], serde_json::json!(["dialer.pacer", "dialer.agents", "dialer.drop_target"]));
    for (row, point) in rows.iter().zip(&feasible) {
        assert_eq!(row["values"][0].as_str(), Some(point["pacer"].as_str()), "{json}");
        assert_eq!(row["values"][1].as_str(), Some(point["agents"].as_str()), "{json}");
        let occupancy = row["kpi"]["mean"].as_f64().unwrap();
        assert!((occupancy - mean(point, "occupancy_mean")).abs() < 1e-12, "{json}");
    }
}
