//! Standard input and output named `-`. Standard input is one stream: a command that would read it twice (two
//! of its inputs named `-`, or one input read in two passes), or an input that cannot come from it, is refused
//! as bad usage before anything is read, instead of finding it empty the second time and going on with nothing.
//! An output that cannot go to standard output is refused when named `-`, instead of becoming a file called
//! `-`.

use std::path::Path;
use std::process::{Output, Stdio};

/// `dialsim args` in `dir` with standard input read from the file `stdin` (a file, not a pipe: a refusal that
/// reads nothing must not fail the test on a closed pipe).
fn with_stdin_file(dir: &Path, args: &[&str], stdin: &str) -> Output {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::from(std::fs::File::open(dir.join(stdin)).unwrap()))
        .output()
        .unwrap()
}

/// Writes a CSV of `n` Czech mobile numbers +420 601 000 000, … to `dir/name`.
fn numbers(dir: &Path, name: &str, n: u64) {
    let rows: String = (0..n).map(|i| format!("+420601{i:06}\n")).collect();
    std::fs::write(dir.join(name), format!("number\n{rows}")).unwrap();
}

#[test]
fn scrub_refuses_a_list_and_a_suppression_list_both_on_standard_input() {
    let d = tempfile::tempdir().unwrap();
    numbers(d.path(), "in.csv", 20);
    let out = with_stdin_file(d.path(), &["scrub", "-", "--suppress", "-", "-o", "out.csv"], "in.csv");
    let err = String::from_utf8_lossy(&out.stderr);
    // Before: the suppression list took the whole stream, the list read nothing, and an empty list was written
    // with status 0 ("kept 0 of 0 numbers").
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--suppress") && err.contains("stdin can be read only once"), "{err}");
    assert!(!d.path().join("out.csv").exists(), "a refused scrub wrote a list");
}

#[test]
fn a_list_assisted_known_database_on_standard_input_is_refused_as_usage() {
    let d = tempfile::tempdir().unwrap();
    numbers(d.path(), "known.csv", 50);
    let args = ["generate", "--design", "list-assisted", "--known", "-", "--prefix", "601", "-n", "10", "--seed", "1"];
    let out = with_stdin_file(d.path(), &[&args[..], &["-o", "l.csv"]].concat(), "known.csv");
    let err = String::from_utf8_lossy(&out.stderr);
    // Before: the banks were counted from stdin, then the same stdin was read again to exclude its numbers,
    // found empty, and the run failed with status 1 blaming the input ("-: holds no rows").
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--known -") && err.contains("cannot be standard input"), "{err}");
    assert!(!d.path().join("l.csv").exists());
    // The same database from a file is read for both and the list is written.
    let file = ["--known", "known.csv"];
    let ok = common_ok(d.path(), &[&args[..3], &file[..], &args[5..], &["-o", "l.csv"]].concat());
    assert!(ok.contains("wrote 10 numbers"), "{ok}");
}

/// stderr of a successful `dialsim args` in `dir`.
fn common_ok(dir: &Path, args: &[&str]) -> String {
    let out = crate::common::dialsim(dir, args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "dialsim {args:?}: {err}");
    err
}

#[test]
fn registry_import_refuses_standard_input_before_importing_anything() {
    let d = tempfile::tempdir().unwrap();
    numbers(d.path(), "a.csv", 5);
    common_ok(d.path(), &["registry", "init", "--registry", "r.sqlite"]);
    let args = ["registry", "import", "a.csv", "-", "--kind", "suppression", "--registry", "r.sqlite"];
    let out = with_stdin_file(d.path(), &args, "a.csv");
    let err = String::from_utf8_lossy(&out.stderr);
    // Before: a.csv was imported, then stdin read whole and refused as a missing file ("-: No such file or
    // directory", status 1).
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("imports files, not stdin"), "{err}");
    let status = crate::common::dialsim(d.path(), &["registry", "status", "--json", "--registry", "r.sqlite"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["suppressed_numbers"], 0, "a file was imported before the refusal: {status}");
}

#[test]
fn an_output_that_cannot_go_to_stdout_is_refused_when_named_dash_not_written_as_a_file() {
    let d = tempfile::tempdir().unwrap();
    numbers(d.path(), "s.csv", 5);
    common_ok(d.path(), &["generate", "-n", "5", "--seed", "1", "-o", "l.csv"]);
    common_ok(d.path(), &["registry", "init", "--registry", "r.sqlite"]);
    for args in [
        &["generate", "-n", "5", "--seed", "1", "-o", "x.csv", "--manifest", "-"][..],
        &["scrub", "l.csv", "--suppress", "s.csv", "-o", "x.csv", "--manifest", "-"],
        &["registry", "export", "-o", "-", "--registry", "r.sqlite"],
    ] {
        let out = crate::common::dialsim(d.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        // Before: status 0, and a file called `-` held the manifest or the export.
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("cannot go to stdout (-)"), "{args:?}: {err}");
        assert!(!d.path().join("-").exists(), "{args:?} wrote a file called '-'");
        assert!(!d.path().join("x.csv").exists(), "{args:?} wrote the list without its manifest");
    }
}
