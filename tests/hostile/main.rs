//! Hostile input: every case of the adversarial review (issue 23), each refused clearly or handled correctly —
//! no panic, no signal exit, no hang, no silent success. One module per kind of attack; each test fails on
//! the code before its fix.

#[path = "../common/mod.rs"]
mod common;

mod audit;
mod inputs;
mod lists;
mod sizes;
mod writes;

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// The most a hostile case may take before it counts as a hang.
pub const HANG: Duration = Duration::from_secs(60);

/// `dialsim args` in `dir`, killed after [`HANG`]: a case that hangs fails with its arguments named instead of
/// stalling the suite. Standard input is empty.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > HANG {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!("dialsim {args:?} hung for {HANG:?}; stderr: {}", String::from_utf8_lossy(&out.stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Checks that `out` is a clear refusal: a non-zero exit that is not a panic (101) or a signal, and a message
/// on stderr that contains `says`.
pub fn refused(out: &Output, says: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(code.is_some(), "ended by a signal: {err}");
    assert_ne!(code, Some(0), "accepted silently; stderr: {err}");
    assert_ne!(code, Some(101), "panicked: {err}");
    assert!(!err.contains("panicked"), "panicked: {err}");
    assert!(err.contains(says), "the message does not say {says:?}: {err}");
}
