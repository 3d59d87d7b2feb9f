//! Hostile input: every case of the adversarial review (issue 23), each refused clearly or handled correctly —
//! no panic, no signal exit, no hang, no silent success. One module per kind of attack; each test fails on
//! the code before its fix.

mod audit;
mod inputs;
mod lists;
mod sizes;
mod streams;
mod writes;

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// The most a hostile case may take before it counts as a hang.
pub const HANG: Duration = Duration::from_secs(60);

/// `dialsim args` in `dir`, killed after [`HANG`]: a case that hangs fails with its arguments named instead of
/// stalling the suite. Standard input is empty. Its output is read while it runs (a child writing more than a
/// pipe holds would otherwise wait for a reader forever and look like a hang).
pub fn run(dir: &Path, args: &[&str]) -> Output {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut pipe, &mut buf).unwrap();
            buf
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > HANG {
            child.kill().unwrap();
            child.wait().unwrap();
            let err = stderr.join().unwrap();
            panic!("dialsim {args:?} hung for {HANG:?}; stderr: {}", String::from_utf8_lossy(&err));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
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
