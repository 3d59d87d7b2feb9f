//! Memory grows with what is in play, not with the calls made: a 366-day campaign of the benchmark day, its
//! records streamed to a run folder, peaks under 200 MB. The peak is that child's own (`wait4` on its pid),
//! not the largest of every child this test process ran.

#[cfg(target_os = "linux")]
#[test]
fn a_year_long_campaign_streams_its_records_and_peaks_under_200_mb() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/bench-day.toml");
    let stderr = std::fs::File::create(dir.path().join("stderr")).unwrap();
    #[allow(clippy::zombie_processes, reason = "reaped by wait4 below, which gives its own rusage")]
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .current_dir(dir.path())
        .args(["simulate", scenario, "--seed", "1", "--set", "run.days=366", "--out", "run"])
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    // SAFETY: wait4 on the pid of a child this test spawned and has not waited for; it fills the status and
    // the rusage it is given (that child's alone).
    let (status, peak_kib) = unsafe {
        let mut status: libc::c_int = 0;
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::wait4(pid, &mut status, 0, &mut usage), pid);
        (status, usage.ru_maxrss)
    };
    let log = std::fs::read_to_string(dir.path().join("stderr")).unwrap_or_default();
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "status {status}: {log}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("run/summary.json")).unwrap()).unwrap();
    let dials = summary["dials"].as_u64().unwrap();
    let rows = std::fs::read(dir.path().join("run/calls.csv")).unwrap().iter().filter(|&&b| b == b'\n').count();
    assert!(dials > 5_000_000, "a year of calls: {dials}");
    assert_eq!(rows as u64, dials + 1, "every call is in calls.csv");
    assert!(peak_kib < 200 * 1024, "peak {peak_kib} KiB for {dials} calls");
}
