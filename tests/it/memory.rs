//! Memory grows with what is in play, not with the calls made: a 366-day campaign of the benchmark day, its
//! records streamed to a run folder, peaks under 200 MB. The peak is the program's own, as `-v` prints it
//! (VmHWM): `getrusage` would count the memory of this test process, which the child was forked from.

#[cfg(target_os = "linux")]
#[test]
#[ignore = "second stage: large, a 366-day campaign (about 20 s)"]
fn a_year_long_campaign_streams_its_records_and_peaks_under_200_mb() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/bench-day.toml");
    let out = assert_cmd::Command::cargo_bin("dialsim")
        .unwrap()
        .current_dir(dir.path())
        .args(["-v", "simulate", scenario, "--seed", "1", "--set", "run.days=366", "--out", "run"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    // The child's own peak, as `-v` reads it from /proc/self/status (VmHWM: the program's, not the memory of
    // the test process it was forked from, which getrusage would count).
    let mb: f64 = log
        .lines()
        .find_map(|l| l.split("peak memory ").nth(1))
        .and_then(|t| t.trim_end_matches(" MB").parse().ok())
        .unwrap_or_else(|| panic!("-v says no peak memory: {log}"));
    let peak_kib = (mb * 1024.0) as u64;
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("run/summary.json")).unwrap()).unwrap();
    let dials = summary["dials"].as_u64().unwrap();
    let rows = std::fs::read(dir.path().join("run/calls.csv")).unwrap().iter().filter(|&&b| b == b'\n').count();
    assert!(dials > 5_000_000, "a year of calls: {dials}");
    assert_eq!(rows as u64, dials + 1, "every call is in calls.csv");
    assert!(peak_kib < 200 * 1024, "peak {peak_kib} KiB for {dials} calls");
}
