//! Sizes: requests whose cost is absurd are estimated and refused before any work starts (memory, disk, grid
//! points, population strata), and a merge refuses files that are not its own kind. Each refusal must come
//! within [`QUICK`], so a test never spends the resources it guards against.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{refused, run};

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
fn the_most_population_strata_allowed_still_run_a_day_promptly() {
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

/// The overrides of a year of 10,000 agents dialling around the clock: terabytes of records.
const YEAR_OF_10K_AGENTS: [&str; 8] = [
    "--set",
    "run.days=366",
    "--set",
    "dialer.agents=10000",
    "--set",
    "run.day_hours=24",
    "--set",
    "dialer.lines=100000",
];

/// No run folder, finished or temporary, is left in `dir` by a refused request.
fn nothing_written(dir: &Path) {
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("run"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_campaign_whose_records_exceed_the_disk_limit_is_refused_before_its_folder_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["simulate", "--seed", "1", "-o", "run", "--max-disk", "1T"];
    args.extend(YEAR_OF_10K_AGENTS);
    let err = refused_quickly(dir.path(), &args, "of disk space, more than the 1.000 TiB the disk limit allows");
    assert!(err.contains("TiB") && err.contains("fewer days, agents or calling hours"), "{err}");
    assert!(err.contains("raise --max-disk"), "{err}");
    nothing_written(dir.path());
}

#[test]
fn a_campaign_whose_records_exceed_the_free_disk_is_refused_before_its_folder_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let free = dialsim::foundation::limits::disk_available(dir.path()).expect("statvfs answers on Linux");
    // A year of 10,000 agents writes about 2 TiB: a machine with more free space cannot show this (the test
    // with --max-disk above shows the same refusal anywhere).
    if free > (19 << 40) / 10 {
        eprintln!("skipped: {free} bytes free, more than the campaign writes");
        return;
    }
    let mut args = vec!["simulate", "--seed", "1", "-o", "run"];
    args.extend(YEAR_OF_10K_AGENTS);
    let err = refused_quickly(dir.path(), &args, "the output folder's file system has free");
    assert!(err.contains("set --max-disk above it"), "{err}");
    nothing_written(dir.path());
}

#[test]
fn a_campaign_whose_memory_exceeds_the_memory_limit_is_refused_before_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["simulate", "--seed", "1", "--max-memory", "500M"];
    args.extend(YEAR_OF_10K_AGENTS);
    let err = refused_quickly(dir.path(), &args, "the 500.000 MiB the memory limit allows");
    assert!(err.contains("raise --max-memory"), "{err}");
}

#[test]
fn a_sweep_of_more_than_a_million_points_is_refused_before_its_points_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    // 1001 × 1000 points; the old code listed them all and ran the last (the shard keeps any run small).
    let args = [
        "sweep",
        "default",
        "--vary",
        "dialer.agents=1..1001:1",
        "--vary",
        "dialer.lines=1..1000:1",
        "--shard",
        "1000000/1000000",
        "-o",
        "run",
    ];
    let err = refused_quickly(dir.path(), &args, "1001 × 1000 values make 1001000 points");
    assert!(err.contains("--vary") && err.contains("1000000 a grid may have"), "{err}");
    nothing_written(dir.path());
    // The grid of the report (10^8 points) likewise, at once.
    let args =
        ["sweep", "default", "--vary", "dialer.agents=1..10000:1", "--vary", "dialer.lines=1..10000:1", "-o", "run"];
    refused_quickly(dir.path(), &args, "10000 × 10000 values make 100000000 points");
    nothing_written(dir.path());
}

#[test]
fn a_frontier_of_more_than_a_million_points_is_refused_before_its_points_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "frontier",
        "default",
        "--pacers",
        "model",
        "--agents",
        "1..1001:1",
        "--targets",
        "0.0005..0.5:0.0005",
        "--shard",
        "1000000/1000000",
        "-o",
        "run",
    ];
    refused_quickly(dir.path(), &args, "1 × 1001 × 1000 values make 1001000 points");
    nothing_written(dir.path());
    let args = ["frontier", "default", "--agents", "1..10000:1", "--targets", "0.00001..0.1:0.00001", "-o", "run"];
    refused_quickly(dir.path(), &args, "4 × 10000 × 10000 values make 400000000 points");
    nothing_written(dir.path());
}

#[test]
fn a_sweep_of_a_hundred_thousand_points_by_a_million_replications_is_estimated_and_refused() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "sweep",
        "default",
        "--vary",
        "dialer.agents=1..1000:1",
        "--vary",
        "dialer.lines=101..200:1",
        "--replications",
        "1000000",
        "--max-memory",
        "4G",
        "-o",
        "run",
    ];
    let err = refused_quickly(dir.path(), &args, "100000 points × 1000000 replications");
    assert!(err.contains("of memory, more than the 4.000 GiB the memory limit allows"), "{err}");
    assert!(err.contains("years of processor time") && err.contains("fewer points or replications"), "{err}");
    nothing_written(dir.path());
}

#[test]
fn a_comparison_beyond_the_memory_limit_is_refused_before_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["compare", "default", "default", "--replications", "100000", "--max-memory", "100M", "--seed", "1"];
    let err = refused_quickly(dir.path(), &args, "this comparison (100000 replications of each");
    assert!(err.contains("raise --max-memory"), "{err}");
}

#[test]
fn a_limit_that_is_not_a_size_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    refused_quickly(dir.path(), &["simulate", "--max-memory", "lots"], "not a size");
    refused_quickly(
        dir.path(),
        &["sweep", "default", "--vary", "dialer.agents=5", "--max-disk", "4X", "-o", "run"],
        "not a size",
    );
}

#[test]
fn a_small_run_within_its_limits_runs_and_tells_its_estimate_when_verbose() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["-v", "simulate", "--seed", "1", "--set", "run.day_hours=1", "-o", "run", "--max-memory", "1G"];
    let out = run(dir.path(), &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("this campaign (about ") && err.contains("of processor time"), "{err}");
    assert!(dir.path().join("run/calls.csv").exists());
}

/// `dialsim args` in `dir` to its end, with the peak resident memory it reached (its `VmHWM`, read until it
/// exits), in KiB.
#[cfg(target_os = "linux")]
fn peak_kib(dir: &Path, args: &[&str]) -> (std::process::ExitStatus, u64) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status, peak);
        }
        assert!(start.elapsed() < Duration::from_secs(300), "dialsim {args:?} hung");
        let text = std::fs::read_to_string(&status_file).unwrap_or_default();
        if let Some(kib) = text.lines().find_map(|l| l.strip_prefix("VmHWM:")) {
            peak = peak.max(kib.trim().trim_end_matches("kB").trim().parse().unwrap_or(0));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_sweep_holds_one_loaded_campaign_at_a_time_not_one_per_point() {
    let dir = tempfile::tempdir().unwrap();
    // 150 points of a one-agent half day: each point's campaign (about 300 KiB) was held until the sweep ended.
    let args = [
        "sweep",
        "default",
        "--vary",
        "costs.per_dial=0.01..1.5:0.01",
        "--set",
        "dialer.agents=1",
        "--set",
        "run.day_hours=0.5",
        "--replications",
        "1",
        "--threads",
        "1",
        "--seed",
        "1",
        "-o",
        "run",
    ];
    let (status, peak) = peak_kib(dir.path(), &args);
    assert!(status.success(), "{status}");
    let rows = std::fs::read_to_string(dir.path().join("run/sweep.csv")).unwrap().lines().count();
    assert_eq!(rows, 151, "every point has its row");
    assert!(peak > 0 && peak < 40 * 1024, "peak {peak} KiB for 150 points");
}

#[test]
fn each_merge_refuses_the_other_commands_table() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let small = ["--replications", "2", "--seed", "1", "--set", "run.day_hours=0.5"];
    let mut sweep = vec!["sweep", "default", "--vary", "dialer.agents=5,10", "-o", "s"];
    sweep.extend(small);
    assert!(run(d, &sweep).status.success());
    let mut frontier =
        vec!["frontier", "default", "--pacers", "model", "--agents", "5", "--targets", "0.03", "-o", "f"];
    frontier.extend(small);
    assert!(run(d, &frontier).status.success());
    refused_quickly(d, &["frontier", "merge", "s/sweep.csv", "-o", "m.csv"], "s/sweep.csv:1: not a frontier.csv");
    refused_quickly(d, &["sweep", "merge", "f/frontier.csv", "-o", "m.csv"], "f/frontier.csv:1: not a sweep.csv");
    assert!(!d.join("m.csv").exists(), "a merged file was written");
    // Each merges its own.
    assert!(run(d, &["sweep", "merge", "s/sweep.csv", "-o", "m.csv"]).status.success());
    assert!(run(d, &["frontier", "merge", "f/frontier.csv", "-o", "n.csv"]).status.success());
}
