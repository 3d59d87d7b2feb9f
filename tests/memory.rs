//! Memory grows with what is in play, not with the calls made: a 366-day campaign of the benchmark day, its
//! records streamed to a run folder, peaks under 200 MB. In a file of its own, so that the peak this process
//! reads of its children is that run's alone.

#[cfg(target_os = "linux")]
#[test]
fn a_year_long_campaign_streams_its_records_and_peaks_under_200_mb() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/bench-day.toml");
    let out = assert_cmd::Command::cargo_bin("dialsim")
        .unwrap()
        .current_dir(dir.path())
        .args(["simulate", scenario, "--seed", "1", "--set", "run.days=366", "--out", "run"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // SAFETY: getrusage fills the struct it is given.
    let peak_kib = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage.ru_maxrss
    };
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("run/summary.json")).unwrap()).unwrap();
    let dials = summary["dials"].as_u64().unwrap();
    let rows = std::fs::read(dir.path().join("run/calls.csv")).unwrap().iter().filter(|&&b| b == b'\n').count();
    assert!(dials > 5_000_000, "a year of calls: {dials}");
    assert_eq!(rows as u64, dials + 1, "every call is in calls.csv");
    assert!(peak_kib < 200 * 1024, "peak {peak_kib} KiB for {dials} calls");
}
