//! What dialsim writes is safe to open: CSVs quoted per RFC 4180 with no spreadsheet formulas from inputs,
//! and messages with no terminal control characters from files.

use super::run;

#[test]
fn sweep_csv_quotes_its_values_and_neutralises_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[
            "sweep",
            "default",
            "--vary",
            "run.name=\"a,b\",=2+3,@SUM(A1)",
            "--set",
            "run.day_hours=1",
            "--replications",
            "1",
            "--seed",
            "1",
            "-o",
            "sw",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read(dir.path().join("sw/sweep.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(&text[..]);
    let width = reader.headers().unwrap().len();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.expect("every row of sweep.csv is valid CSV");
        assert_eq!(record.len(), width, "a value split a row: {record:?}");
        for cell in record.iter() {
            assert!(!cell.starts_with(['=', '@']), "a formula cell {cell:?}");
        }
        rows += 1;
    }
    assert_eq!(rows, 3, "one row per value (\"a,b\" is one value)");
    // The report reads it back whole.
    let report = run(dir.path(), &["report", "sw", "-o", "r.html"]);
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
}

#[test]
fn control_characters_from_a_file_are_escaped_in_error_messages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("esc.csv"), "phone\n601123456\n602123456\n\u{1b}[2J\u{7}601x\n").unwrap();
    let out = run(dir.path(), &["filter", "build", "--strict", "-o", "k.bloom", "esc.csv"]);
    super::refused(&out, "\\x1b[2J\\x07601x");
    assert!(!out.stderr.contains(&0x1b) && !out.stderr.contains(&0x07), "{:?}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn scrub_writes_no_formula_cell_a_list_from_standard_input_carried() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sup.csv"), "+420601999999\n").unwrap();
    let list = "number,type\n+420601123456,=HYPERLINK(\"http://x\")\n+420601123457,mobile\n";
    let out =
        crate::common::with_stdin(dir.path(), &["scrub", "-", "--suppress", "sup.csv", "-o", "-"], list.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let cells: Vec<String> =
        reader.records().flat_map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>()).collect();
    assert_eq!(cells.len(), 4, "{text}");
    assert!(cells.iter().all(|c| !c.starts_with('=')), "{text}");
    assert!(text.ends_with("+420601123457,mobile\n"), "a clean line is copied byte for byte: {text}");
}

#[test]
fn scrub_writes_no_formula_field_into_a_vicidial_list_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sup.csv"), "+420601999999\n").unwrap();
    let list = "0\tdialsim\t7\t420\t601123456\t=HYPERLINK(\"http://x\")\t\n1\tdialsim\t7\t420\t601123457\t\t\n";
    let out =
        crate::common::with_stdin(dir.path(), &["scrub", "-", "--suppress", "sup.csv", "-o", "-"], list.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.split(['\t', '\n']).all(|f| !f.starts_with('=')), "{text}");
    assert!(text.contains("\t'=HYPERLINK"), "the formula is kept as text: {text}");
    assert!(text.ends_with("1\tdialsim\t7\t420\t601123457\t\t\n"), "a clean row is copied byte for byte: {text}");
}

#[test]
fn sharded_sweeps_with_quoted_values_merge_to_the_unsharded_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let vary = "run.name=\"a,b\",=2+3,plain";
    let common = ["--set", "run.day_hours=1", "--replications", "1", "--seed", "1"];
    let sweep = |extra: &[&str], out: &str| {
        let mut args = vec!["sweep", "default", "--vary", vary];
        args.extend_from_slice(&common);
        args.extend_from_slice(extra);
        args.extend_from_slice(&["-o", out]);
        let o = run(dir.path(), &args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    sweep(&[], "whole");
    sweep(&["--shard", "1/2"], "p1");
    sweep(&["--shard", "2/2"], "p2");
    let o = run(dir.path(), &["sweep", "merge", "p2/sweep.csv", "p1/sweep.csv", "-o", "merged.csv"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let whole = std::fs::read(dir.path().join("whole/sweep.csv")).unwrap();
    assert!(
        String::from_utf8_lossy(&whole).contains("\n0,\"\"\"a,b\"\"\",1,"),
        "a value with a comma is one quoted cell"
    );
    assert_eq!(std::fs::read(dir.path().join("merged.csv")).unwrap(), whole);
}
