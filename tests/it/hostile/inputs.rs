//! Inputs read only as named and as far as is sane, and known databases true to their country.

use std::path::Path;

use super::{refused, run};

/// 2,000 Czech numbers written nationally (no +420), one per line, and the same numbers as E.164.
fn czech_national(dir: &Path) -> Vec<String> {
    let out = run(dir, &["generate", "--plan", "cz", "-n", "2000", "--seed", "3", "--format", "txt", "-o", "cz.txt"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let e164: Vec<String> = std::fs::read_to_string(dir.join("cz.txt")).unwrap().lines().map(String::from).collect();
    let national: String = e164.iter().map(|n| format!("{}\n", n.trim_start_matches("+420"))).collect();
    std::fs::write(dir.join("cz_national.txt"), national).unwrap();
    e164
}

#[test]
fn a_filter_built_for_the_wrong_country_is_refused_naming_the_likely_one() {
    let dir = tempfile::tempdir().unwrap();
    czech_national(dir.path());
    let out =
        run(dir.path(), &["filter", "build", "--country", "44", "--column", "1", "-o", "gb.bloom", "cz_national.txt"]);
    refused(&out, "not numbers of +44's plan");
    refused(&out, "cz (+420)");
    refused(&out, "--country 420");
    assert!(!dir.path().join("gb.bloom").exists(), "nothing is written for a refused input");
}

#[test]
fn the_wrong_country_filter_run_refuses_or_excludes_every_known_number() {
    let dir = tempfile::tempdir().unwrap();
    let known = czech_national(dir.path());
    // Forced through, the filter is of +44's numbers; a Czech list must refuse it, not use it silently.
    let built = run(
        dir.path(),
        &[
            "filter",
            "build",
            "--country",
            "44",
            "--column",
            "1",
            "--allow-other-country",
            "-o",
            "gb.bloom",
            "cz_national.txt",
        ],
    );
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let out = run(
        dir.path(),
        &["generate", "--plan", "cz", "-n", "5000", "--seed", "3", "--exclude", "gb.bloom", "-o", "l.csv"],
    );
    refused(&out, "gb.bloom is a filter of +44's numbers");
    assert!(!dir.path().join("l.csv").exists());
    // Built for the right country, the same numbers never reach the list (seed 3: the list's first 2,000 are them).
    let built =
        run(dir.path(), &["filter", "build", "--plan", "cz", "--column", "1", "-o", "cz.bloom", "cz_national.txt"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let out = run(
        dir.path(),
        &[
            "generate",
            "--plan",
            "cz",
            "-n",
            "5000",
            "--seed",
            "3",
            "--format",
            "txt",
            "--exclude",
            "cz.bloom",
            "-o",
            "l.txt",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = std::fs::read_to_string(dir.path().join("l.txt")).unwrap();
    let listed: std::collections::HashSet<&str> = list.lines().collect();
    assert_eq!(listed.len(), 5000);
    assert_eq!(known.iter().filter(|n| listed.contains(n.as_str())).count(), 0);
}

#[test]
fn a_suppression_list_of_another_country_is_refused_by_generate_scrub_and_simulate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gb.csv"), "phone\n+447700900123\n+447700900124\n+447700900125\n").unwrap();
    let out = run(
        dir.path(),
        &["generate", "--plan", "cz", "-n", "10", "--seed", "1", "--suppress", "gb.csv", "-o", "l.csv"],
    );
    refused(&out, "gb.csv is a list of 3 numbers of +44");
    let ok = run(dir.path(), &["generate", "--plan", "cz", "-n", "10", "--seed", "1", "-o", "l.csv"]);
    assert!(ok.status.success());
    let out = run(dir.path(), &["scrub", "l.csv", "--suppress", "gb.csv", "-o", "s.csv"]);
    refused(&out, "+44");
    let out = run(
        dir.path(),
        &["simulate", "--seed", "1", "--set", "run.day_hours=1", "--set", "numbers.suppress=[\"gb.csv\"]", "-o", "run"],
    );
    refused(&out, "gb.csv is a list of 3 numbers of +44");
}

#[cfg(target_os = "linux")]
fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success());
}

#[cfg(target_os = "linux")]
#[test]
fn a_fifo_named_as_any_input_is_refused_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["f.bloom", "f.csv", "f.toml", "plan.csv", "log.csv"] {
        mkfifo(&dir.path().join(name));
    }
    refused(
        &run(dir.path(), &["generate", "-n", "10", "--seed", "1", "--exclude", "f.bloom", "-o", "l.csv"]),
        "a FIFO",
    );
    refused(&run(dir.path(), &["generate", "-n", "10", "--seed", "1", "--suppress", "f.csv", "-o", "l.csv"]), "a FIFO");
    refused(&run(dir.path(), &["generate", "-n", "10", "--seed", "1", "--plan", "plan.csv"]), "a FIFO");
    refused(&run(dir.path(), &["simulate", "f.toml", "--seed", "1", "-o", "r"]), "a FIFO");
    refused(&run(dir.path(), &["filter", "build", "-o", "k.bloom", "f.csv"]), "a FIFO");
    refused(&run(dir.path(), &["calibrate", "log.csv"]), "a FIFO");
}

#[test]
fn a_symbolic_link_out_of_its_folder_is_not_followed_for_any_input() {
    let dir = tempfile::tempdir().unwrap();
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("plan.csv"), "region,type,prefix,length\nCZ,mobile,60,9\n").unwrap();
    std::fs::write(secret.path().join("s.toml"), "[dialer]\nagents = 5\n").unwrap();
    std::fs::write(secret.path().join("known.csv"), "601123456\n").unwrap();
    for (link, target) in [("plan.csv", "plan.csv"), ("s.toml", "s.toml"), ("known.csv", "known.csv")] {
        std::os::unix::fs::symlink(secret.path().join(target), dir.path().join(link)).unwrap();
    }
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("passwd.csv")).unwrap();
    refused(&run(dir.path(), &["generate", "-n", "3", "--seed", "1", "--plan", "plan.csv"]), "outside the folder");
    refused(&run(dir.path(), &["simulate", "s.toml", "--seed", "1", "-o", "r"]), "outside the folder");
    refused(&run(dir.path(), &["filter", "build", "-o", "k.bloom", "known.csv"]), "outside the folder");
    refused(&run(dir.path(), &["filter", "build", "-o", "k.bloom", "passwd.csv"]), "outside the folder");
    refused(&run(dir.path(), &["calibrate", "passwd.csv"]), "outside the folder");
    // A link that stays in its folder is an ordinary convenience and is read.
    std::fs::copy(secret.path().join("known.csv"), dir.path().join("real.csv")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real.csv"), dir.path().join("current.csv")).unwrap();
    let ok = run(dir.path(), &["filter", "build", "-o", "k.bloom", "current.csv"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
}

#[test]
fn a_report_folder_whose_files_link_out_of_it_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    let out = run(dir.path(), &["simulate", "--seed", "1", "--set", "run.day_hours=1", "-o", "run"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_file(run_dir.join("summary.json")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", run_dir.join("summary.json")).unwrap();
    refused(&run(dir.path(), &["report", "run", "-o", "r.html"]), "outside the folder");
    assert!(!dir.path().join("r.html").exists());
    // The run's calls.csv linked to a secret: the report's audit verdict reads none of it.
    let out = run(dir.path(), &["simulate", "--seed", "1", "--set", "run.day_hours=1", "-o", "run2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_file(dir.path().join("run2/calls.csv")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("run2/calls.csv")).unwrap();
    let out = run(dir.path(), &["report", "run2", "-o", "r2.html"]);
    let page = std::fs::read_to_string(dir.path().join("r2.html")).unwrap_or_default();
    for text in [String::from_utf8_lossy(&out.stderr).into_owned(), page] {
        assert!(!text.contains("root:"), "the secret's content shows: {text}");
        assert!(!text.contains("byte"), "a byte offset into the secret shows: {text}");
    }
}

#[test]
fn whole_file_inputs_larger_than_their_kind_are_refused_by_size_not_read() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse: a size on disk of nothing, a length of 65 MiB and 17 MiB.
    let plan = std::fs::File::create(dir.path().join("plan.csv")).unwrap();
    plan.set_len(65 << 20).unwrap();
    let scenario = std::fs::File::create(dir.path().join("s.toml")).unwrap();
    scenario.set_len(17 << 20).unwrap();
    refused(
        &run(dir.path(), &["generate", "-n", "3", "--seed", "1", "--plan", "plan.csv"]),
        "the most a numbering plan",
    );
    refused(&run(dir.path(), &["simulate", "s.toml", "--seed", "1", "-o", "r"]), "the most a scenario may hold");
    refused(&run(dir.path(), &["simulate", "/dev/zero", "--seed", "1", "-o", "r"]), "a device");
}

#[test]
fn a_huge_field_is_quoted_in_a_message_by_its_start_only() {
    let dir = tempfile::tempdir().unwrap();
    let long = "9".repeat(5_000_000);
    std::fs::write(dir.path().join("plan.csv"), format!("region,type,prefix,length\nCZ,mobile,{long},9\n")).unwrap();
    let out = run(dir.path(), &["generate", "-n", "3", "--seed", "1", "--plan", "plan.csv"]);
    refused(&out, "plan.csv:2: prefix '999999999999…'");
    assert!(out.stderr.len() < 1_000, "{} bytes of stderr", out.stderr.len());
    std::fs::write(dir.path().join("plan.csv"), format!("region,type,prefix,length\n{long},mobile,60,9\n")).unwrap();
    let out = run(dir.path(), &["generate", "-n", "3", "--seed", "1", "--plan", "plan.csv"]);
    refused(&out, "unknown region");
    assert!(out.stderr.len() < 1_000, "{} bytes of stderr", out.stderr.len());
}

#[test]
fn a_line_of_more_than_a_mebibyte_is_refused_naming_its_file_and_line_wherever_it_stands() {
    let dir = tempfile::tempdir().unwrap();
    let long = "6".repeat(10 << 20);
    // The long line right after the header, as the only line, with and without a header, in the middle of a
    // file and in a file of many rows (read in pieces on several threads): before, the first three were "a
    // header and no rows below it" or "no column holds phone numbers in the first 1 rows" (the sample that
    // decides the shape stopped inside the line), the others "reading failed" with no line.
    let rows: String = (0..400_000).map(|i| format!("+420601{i:06}\n")).collect();
    for (name, text, line) in [
        ("header.csv", format!("phone\n{long}\n+420601123456\n"), 2),
        ("alone.csv", format!("{long}\n"), 1),
        ("unended.csv", long.clone(), 1),
        ("middle.csv", format!("phone\n+420601123456\n{long}\n+420602123456\n"), 3),
        ("late.csv", format!("phone\n{rows}{long}\n"), 400_002),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
        let says = format!("{name}:{line}: a line of more than 1 MiB");
        for args in [
            &["filter", "build", name, "-o", "f.bloom", "--seed", "1"][..],
            &["generate", "-n", "3", "--seed", "1", "--suppress", name],
        ] {
            let out = run(dir.path(), args);
            refused(&out, &says);
            assert_eq!(out.status.code(), Some(1), "{args:?}");
        }
    }
    assert!(!dir.path().join("f.bloom").exists());
}

#[test]
fn scenario_values_at_the_edges_of_their_types_are_refused_not_panicked_on() {
    let dir = tempfile::tempdir().unwrap();
    for set in [
        "run.start_date=\"9999-12-31\"",
        "run.start_date=\"3000-01-01\"",
        "run.days=1000000000000",
        "run.day_hours=nan",
        "dialer.agents=4294967296",
        "dialer.drop_target=inf",
        "amd.detect_time=1e300",
        "dialer.initial_level=nan",
        "run.time_zone=\"Mars/Olympus\"",
    ] {
        let out = run(dir.path(), &["simulate", "--seed", "1", "--set", set, "-o", "r"]);
        refused(&out, "");
        assert!(!dir.path().join("r").exists(), "{set}: a refused run writes no folder");
    }
    let out = run(dir.path(), &["simulate", "--seed", "1", "--set", "run.start_date=\"9999-12-31\"", "-o", "r"]);
    refused(&out, "from 1900 to 2999");
}

#[test]
fn a_stream_that_is_no_filter_is_refused_at_its_first_bytes() {
    use std::io::Write;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .args(["filter", "info", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // 256 MiB of zeros: the old reader took all of it into memory before looking at the first byte.
    let writer = std::thread::spawn(move || {
        let block = vec![0u8; 1 << 20];
        let mut written = 0usize;
        for _ in 0..256 {
            if stdin.write_all(&block).is_err() {
                break;
            }
            written += 1;
        }
        written
    });
    let out = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    refused(&out, "not a dialsim filter file");
    assert!(written < 256, "the whole stream was read ({written} MiB) before it was refused");
}

#[test]
fn a_plan_of_some_rows_still_reads_the_countrys_other_numbers_as_its_own() {
    let dir = tempfile::tempdir().unwrap();
    // A mobile-only Czech plan, and a database of Czech fixed-line numbers: they are Czech numbers (kept and
    // excluded), not another country's.
    let cz = dialsim::Plan::embedded("cz").unwrap();
    let mut plan = String::from("region,type,prefix,length\n");
    for r in cz.rows().iter().filter(|r| r.kind == dialsim::NumberType::Mobile) {
        plan.push_str(&format!("CZ,mobile,{},{}\n", r.prefix, r.length));
    }
    std::fs::write(dir.path().join("mobile.csv"), plan).unwrap();
    std::fs::write(dir.path().join("fixed.csv"), "phone\n+420234123456\n+420543123456\n+420596123456\n").unwrap();
    let out =
        run(dir.path(), &["generate", "--plan", "mobile.csv", "-n", "5", "--seed", "1", "--suppress", "fixed.csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_scenario_on_standard_input_is_bounded_like_a_scenario_file() {
    let dir = tempfile::tempdir().unwrap();
    // 100 bytes past the bound: the reader stops one byte past it, and the rest fits the pipe's buffer.
    let text = vec![b'#'; (16 << 20) + 100];
    let out = crate::common::with_stdin(dir.path(), &["simulate", "-", "--seed", "1", "-o", "r"], &text);
    refused(&out, "<stdin>: larger than 16.000 MiB, the most a scenario may hold");
    assert!(!dir.path().join("r").exists());
}
