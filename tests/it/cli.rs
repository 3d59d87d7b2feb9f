//! The real `dialsim` binary in a scratch folder: determinism, resume, shards, errors, files, pipes.
use crate::common;

use std::collections::HashSet;
use std::io::Read;
use std::process::{Command, Stdio};

use common::{dialsim, ok_stdout};

#[test]
fn same_seed_gives_identical_bytes_and_file_equals_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["generate", "--plan", "cz", "-n", "200000", "--seed", "7", "--format", "txt"];
    let a = ok_stdout(dir.path(), &args);
    let b = ok_stdout(dir.path(), &args);
    assert!(a == b);
    let text = String::from_utf8(a.clone()).unwrap();
    let numbers: HashSet<&str> = text.lines().collect();
    assert_eq!(numbers.len(), 200_000);
    assert!(numbers.iter().all(|n| n.starts_with("+420") && n.len() == 13));
    let mut with_file = args.to_vec();
    with_file.extend(["-o", "list.txt", "--threads", "1"]);
    let out = dialsim(dir.path(), &with_file);
    assert!(out.status.success());
    assert!(std::fs::read(dir.path().join("list.txt")).unwrap() == a);
    // Nothing temporary is left behind: the list and its manifest only.
    let mut names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, vec![std::ffi::OsString::from("list.txt"), std::ffi::OsString::from("list.txt.manifest.json")]);
}

#[test]
fn csv_output_has_the_documented_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok_stdout(dir.path(), &["generate", "-n", "3", "--seed", "1"]);
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.iter().collect::<Vec<_>>(), ["number", "type", "region", "index"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (i, row) in rows.iter().enumerate() {
        assert!(row[column("number")].starts_with("+420"));
        assert!(["mobile", "fixedLine"].contains(&&row[column("type")]));
        assert_eq!((&row[column("region")], &row[column("index")]), ("CZ", i.to_string().as_str()));
    }
}

#[test]
fn resume_and_shards_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let base = ["generate", "--plan", "sk", "--seed", "9", "--format", "txt"];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend(extra);
        String::from_utf8(ok_stdout(dir.path(), &args)).unwrap()
    };
    let full = run(&["-n", "30000"]);
    let tail = run(&["-n", "15000", "--start", "15000"]);
    let full_lines: Vec<&str> = full.lines().collect();
    assert_eq!(full_lines[15000..].join("\n") + "\n", tail);
    let mut union = Vec::new();
    for k in 1..=3 {
        let shard = run(&["-n", "30000", "--shard", &format!("{k}/3")]);
        union.extend(shard.lines().map(str::to_string));
    }
    let mut expected: Vec<String> = full_lines.iter().map(|s| s.to_string()).collect();
    union.sort();
    expected.sort();
    assert_eq!(union, expected);
}

#[test]
fn a_fresh_seed_is_printed_and_repeats_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dialsim(dir.path(), &["generate", "-n", "50"]);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let seed = stderr.split("--seed ").nth(1).unwrap().trim_end_matches(|c: char| !c.is_ascii_digit()).to_string();
    let again = ok_stdout(dir.path(), &["generate", "-n", "50", "--seed", &seed]);
    assert!(again == out.stdout);
}

fn fails(dir: &std::path::Path, args: &[&str], code: i32, message: &str) {
    let out = dialsim(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(stderr.contains(message), "{args:?}: expected '{message}' in: {stderr}");
    // A refused command writes nothing to stdout and fails by its own message, never by a panic.
    assert!(out.stdout.is_empty(), "{args:?}: stdout not empty: {}", String::from_utf8_lossy(&out.stdout));
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
}

#[test]
fn bad_input_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fails(d, &["generate", "-n", "5", "--shard", "4/3"], 2, "shard '4/3' must be K/N with 1 <= K <= N");
    fails(d, &["generate", "-n", "5", "--shard", "0/3"], 2, "must be K/N");
    fails(d, &["generate", "-n", "5", "--plan", "xx"], 2, "unknown plan 'xx'");
    fails(d, &["generate", "-n", "5", "--type", "cell"], 2, "unknown number type 'cell'");
    fails(d, &["generate", "-n", "lots"], 2, "-n 'lots' must be a whole number or 'all'");
    fails(d, &["generate", "-n", "2000000", "--prefix", "601"], 2, "the space holds 1000000 numbers");
    std::fs::write(d.join("bad.csv"), "region,type,prefix,length\nCZ,mobile,601,9\nCZ,mobile,6O2,9\n").unwrap();
    fails(d, &["generate", "-n", "5", "--plan", "bad.csv"], 1, "bad.csv:3: prefix '6O2' must be digits only");
    fails(d, &["generate", "-n", "5", "--plan", "missing.csv"], 1, "missing.csv");
    fails(d, &["plan", "show", "bad.csv"], 1, "bad.csv:3:");
    // The cause is stated once, after the file it concerns.
    let out = dialsim(d, &["filter", "info", "missing.bloom"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("dialsim: error: missing.bloom: "), "{stderr}");
    assert_eq!(stderr.matches("(os error 2)").count(), 1, "{stderr}");
}

#[test]
fn a_failed_run_leaves_an_existing_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("list.csv"), "precious\n").unwrap();
    fails(dir.path(), &["generate", "-n", "2000000", "--prefix", "601", "-o", "list.csv"], 2, "space holds");
    assert_eq!(std::fs::read_to_string(dir.path().join("list.csv")).unwrap(), "precious\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_closed_pipe_ends_quietly_with_status_0() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .args(["generate", "-n", "all", "--seed", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 4096];
    child.stdout.as_mut().unwrap().read_exact(&mut head).unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("error") && !stderr.contains("panicked"), "{stderr}");
}

/// Runs `dialsim args` in `dir` with its stdout a pipe whose reading end is already closed.
fn into_a_closed_pipe(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .current_dir(dir)
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn every_command_that_prints_ends_quietly_with_status_0_into_a_closed_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(dialsim(d, &["registry", "init"]).status.code(), Some(0));
    for args in [
        vec!["registry", "status"],
        vec!["registry", "status", "--json"],
        vec!["registry", "access", "+420601123456"],
        vec!["registry", "erase", "+420601123456"],
        vec!["plan", "list"],
        vec!["keys"],
        vec!["law", "cz"],
        vec!["generate", "-n", "10", "--seed", "1"],
    ] {
        let (code, stderr) = into_a_closed_pipe(d, &args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("error"), "{args:?}: {stderr}");
    }
}

/// `println!` and `print!` panic when stdout is a closed pipe; the command line writes through `out!` and
/// `print`, which end the command quietly (`simulate --campaigns`'s series.csv went through `print!`).
#[test]
fn the_command_line_prints_nothing_through_print_macros() {
    let cli = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let mut files = vec![];
    let mut dirs = vec![cli];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { dirs.push(p) } else { files.push(p) }
        }
    }
    assert!(files.len() > 10, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap();
            for m in ["println!(", "print!("] {
                let bare = code.match_indices(m).any(|(at, _)| !code[..at].ends_with('e'));
                assert!(!bare, "{}:{}: {m} panics on a closed pipe: use out! or print", file.display(), i + 1);
            }
        }
    }
}

#[test]
fn plan_list_and_show_report_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let list = String::from_utf8(ok_stdout(dir.path(), &["plan", "list"])).unwrap();
    for name in ["cz", "sk", "de", "gb", "us"] {
        assert!(list.lines().any(|l| l.starts_with(name)), "{name} missing from:\n{list}");
    }
    let show = String::from_utf8(ok_stdout(dir.path(), &["plan", "show", "cz"])).unwrap();
    assert!(show.contains("mobile") && show.contains("53100000"));
    assert!(show.contains("CZ,mobile,601,9,1000000"));
}

#[test]
fn a_vary_range_that_misses_its_end_is_bad_usage_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let o = dialsim(dir.path(), &["sweep", "default", "--vary", "dialer.agents=10..30:7", "--seed", "1", "-o", "sw"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--vary") && err.contains("10..24:7") && err.contains("10..31:7"), "{err}");
    assert!(!dir.path().join("sw").exists());
}

#[test]
fn a_mistyped_key_is_bad_usage_through_set_and_vary_alike_and_the_nearest_key_is_suggested() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["simulate", "--set", "dialer.agent=30"],
        vec!["sweep", "default", "--vary", "dialer.agent=10,20", "-o", "sw"],
        vec!["compare", "default", "default", "--set-b", "dialer.agent=30"],
    ] {
        let o = dialsim(dir.path(), &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("did you mean `dialer.agents`?"), "{args:?}: {err}");
    }
    // A section's typo is matched on the whole key; a file's typo among its section's keys.
    let o = dialsim(dir.path(), &["simulate", "--set", "dialr.agents=30"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `dialer.agents`?"));
    std::fs::write(dir.path().join("typo.toml"), "[dialer]\nagnets = 30\n").unwrap();
    let o = dialsim(dir.path(), &["simulate", "typo.toml"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("typo.toml:2:") && err.contains("did you mean `agents`?"), "{err}");
    // Nothing is suggested for a key nothing resembles.
    let o = dialsim(dir.path(), &["simulate", "--set", "zzzz.qqqq=1"]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("did you mean"));
}

#[test]
fn a_scenario_that_is_no_file_is_said_so_and_the_embedded_default_is_suggested_when_close() {
    let dir = tempfile::tempdir().unwrap();
    let o = dialsim(dir.path(), &["simulate", "defualt"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("defualt: no such scenario file; did you mean the embedded scenario `default`?"), "{err}");
    assert!(!err.contains("os error"), "{err}");
    let o = dialsim(dir.path(), &["compare", "default", "nothing-here.toml"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("nothing-here.toml: no such scenario file (the embedded scenario is `default`"), "{err}");
}

#[test]
fn a_report_refused_on_stdout_names_the_flag_that_asked_for_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("run")).unwrap();
    let o = dialsim(dir.path(), &["report", "run", "-o", "-"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("error: -o -:") && !err.contains("--report"), "{err}");
    let o = dialsim(dir.path(), &["simulate", "--report", "-"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("error: --report -:"), "{err}");
}

#[test]
fn no_help_text_shows_a_development_note() {
    let dir = tempfile::tempdir().unwrap();
    for command in
        ["generate", "filter", "scrub", "simulate", "sweep", "frontier", "compare", "audit", "report", "calibrate"]
    {
        let out = common::dialsim(dir.path(), &[command, "--help"]);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{command} --help");
        assert!(!help.contains("branch]"), "{command} --help shows a development note: {help}");
    }
}
