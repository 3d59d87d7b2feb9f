//! Progress on a terminal, and a filter read from stdin — through the real binary. The terminal is a
//! pseudo-terminal made by util-linux `script`; without it the progress tests say why and stop (CI has it).
use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{ok_stdout, with_stdin};

/// What `dialsim ARGS` writes on a terminal (stdout and stderr together), or `None` when `script` is absent.
fn on_a_terminal(dir: &Path, args: &str) -> Option<String> {
    if Command::new("script").arg("--version").stdout(Stdio::null()).status().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI must have util-linux `script` for the progress tests");
        eprintln!("skipped: util-linux `script` is not installed, so no pseudo-terminal for the progress bar");
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("dialsim");
    let out = Command::new("script")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"])
        .output()
        .unwrap();
    assert!(out.status.success(), "dialsim {args} failed: {}", String::from_utf8_lossy(&out.stdout));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Rates like `5,042,214.7912/s` (a fraction of a number per second) anywhere in `text`.
fn fractional_rates(text: &str) -> Vec<&str> {
    text.split_whitespace().filter(|w| w.ends_with("/s") && w.contains('.') && !w.contains("B/s")).collect()
}

#[test]
fn generate_shows_numbers_with_a_label_and_whole_rates() {
    let dir = tempfile::tempdir().unwrap();
    let Some(screen) = on_a_terminal(dir.path(), "generate -n 8000000 --seed 1 --format txt -o list.txt") else {
        return;
    };
    assert!(screen.contains("generating"), "no label: {screen}");
    assert!(screen.contains("/8,000,000 numbers"), "no human count of numbers: {screen}");
    assert!(fractional_rates(&screen).is_empty(), "rates with fractions: {:?}", fractional_rates(&screen));
}

#[test]
fn filter_build_shows_bytes_read_of_a_single_file() {
    let dir = tempfile::tempdir().unwrap();
    let rows: String = (0..200_000u32).map(|i| format!("+420601{i:06}\n")).collect();
    std::fs::write(dir.path().join("one.csv"), format!("phone\n{rows}")).unwrap();
    let Some(screen) = on_a_terminal(dir.path(), "filter build --seed 1 -o k.bloom one.csv") else {
        return;
    };
    let size = std::fs::metadata(dir.path().join("one.csv")).unwrap().len() as f64 / 1024.0 / 1024.0;
    assert!(screen.contains("reading"), "no label: {screen}");
    assert!(screen.contains(&format!("{size:.2} MiB/{size:.2} MiB")), "bytes of the file not shown: {screen}");
}

#[test]
fn replications_show_runs_counted() {
    let dir = tempfile::tempdir().unwrap();
    let Some(screen) = on_a_terminal(dir.path(), "simulate --set run.day_hours=0.5 --replications 4 --seed 1") else {
        return;
    };
    assert!(screen.contains("4/4 runs"), "the bar does not count runs: {screen}");
}

#[test]
fn filter_info_and_check_read_the_filter_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("k.csv"), "phone\n+420601000001\n+420601000002\n").unwrap();
    ok_stdout(dir.path(), &["filter", "build", "--seed", "1", "-o", "k.bloom", "k.csv"]);
    let bloom = std::fs::read(dir.path().join("k.bloom")).unwrap();
    let info = with_stdin(dir.path(), &["filter", "info", "-", "--json"], &bloom);
    assert!(info.status.success(), "{}", String::from_utf8_lossy(&info.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(doc["entries"], 2);
    let check = with_stdin(dir.path(), &["filter", "check", "-", "601000001", "601000003"], &bloom);
    assert_eq!(String::from_utf8_lossy(&check.stdout), "+420601000001\tknown\n+420601000003\tnot known\n");
    // A filter on stdin is checked like a file on disk: a cut one is refused, naming stdin.
    let cut = with_stdin(dir.path(), &["filter", "info", "-"], &bloom[..bloom.len() - 9]);
    assert_eq!(cut.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&cut.stderr).contains("<stdin>"), "{}", String::from_utf8_lossy(&cut.stderr));
    // Nothing on stdin is an error, not a hang or a panic.
    let empty = with_stdin(dir.path(), &["filter", "info", "-"], b"");
    assert_eq!(empty.status.code(), Some(1), "{}", String::from_utf8_lossy(&empty.stderr));
}
