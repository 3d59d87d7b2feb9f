//! Sizes: requests whose cost is absurd are estimated and refused before any work starts (memory, disk, grid
//! points, population strata), and a merge refuses files that are not its own kind. Each refusal must come
//! within [`QUICK`], so a test never spends the resources it guards against.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::{refused, run};

/// How long a refusal may take: it must come before the work, not after part of it.
const QUICK: Duration = Duration::from_secs(10);

/// `dialsim args` in `dir`, checked to be refused with `says` within [`QUICK`].
fn refused_quickly(dir: &Path, args: &[&str], says: &str) -> String {
    let start = Instant::now();
    let out = run(dir, args);
    let took = start.elapsed();
    refused(&out, says);
    assert!(took < QUICK, "dialsim {args:?} took {took:?} to refuse");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A scenario of `n` `[population.prefix."DIGITS"]` sections, every one under the cz plan's fixed-line row 2.
fn strata_scenario(dir: &Path, n: usize) -> String {
    let mut text = String::from("[population.prefix]\n");
    for i in 0..n {
        text.push_str(&format!("\"{}\".busy = 0.05\n", 2_000_000 + i));
    }
    std::fs::write(dir.join("strata.toml"), text).unwrap();
    "strata.toml".into()
}

#[test]
fn population_strata_beyond_the_maximum_are_refused_before_they_are_built() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = strata_scenario(dir.path(), 20_000);
    let err = refused_quickly(dir.path(), &["simulate", &scenario, "--seed", "1"], "20000 prefix sections");
    assert!(err.contains("strata.toml") && err.contains("at most 10000"), "{err}");
}

#[test]
fn the_most_population_strata_allowed_run_a_day_without_a_search_per_section() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = strata_scenario(dir.path(), 10_000);
    let start = Instant::now();
    // Into a folder: summary.json echoes the scenario's 10,000 sections, more than a pipe holds unread.
    let out = run(dir.path(), &["simulate", &scenario, "--seed", "1", "--set", "run.day_hours=1", "-o", "run"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("run/summary.json")).unwrap()).unwrap();
    assert!(summary["dials"].as_u64().unwrap_or(0) > 0, "{summary}");
    assert!(start.elapsed() < Duration::from_secs(30), "took {:?}", start.elapsed());
}

#[test]
fn sweep_merge_refuses_a_file_that_is_not_a_sweep_csv_naming_it_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("calls.csv"), "call_id,number,outcome\n0,+420601000000,busy\n").unwrap();
    let err = refused_quickly(dir.path(), &["sweep", "merge", "calls.csv", "-o", "merged.csv"], "not a sweep.csv");
    assert!(err.contains("calls.csv:1"), "{err}");
    assert!(!dir.path().join("merged.csv").exists(), "a merged file was written");
    // A header alone is no sweep either: nothing is merged.
    std::fs::write(dir.path().join("empty.csv"), "point\n").unwrap();
    refused_quickly(dir.path(), &["sweep", "merge", "empty.csv", "-o", "merged.csv"], "not a sweep.csv");
    assert!(!dir.path().join("merged.csv").exists(), "a merged file was written");
}

#[test]
fn frontier_merge_refuses_parts_without_a_single_point() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("frontier.csv"), "point,pacer,agents,target,compliant\n").unwrap();
    refused_quickly(dir.path(), &["frontier", "merge", "frontier.csv", "-o", "merged.csv"], "no points");
    assert!(!dir.path().join("merged.csv").exists(), "a merged file was written");
}
