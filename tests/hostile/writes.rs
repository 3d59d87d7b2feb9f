//! What dialsim writes is safe to open: CSVs quoted per RFC 4180 with no spreadsheet formulas from inputs,
//! and messages with no terminal control characters from files.

use crate::run;

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
    assert_eq!(rows, 4, "one row per value");
    // The report reads it back whole.
    let report = run(dir.path(), &["report", "sw", "-o", "r.html"]);
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
}

#[test]
fn control_characters_from_a_file_are_escaped_in_error_messages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("esc.csv"), "phone\n601123456\n602123456\n\u{1b}[2J\u{7}601x\n").unwrap();
    let out = run(dir.path(), &["filter", "build", "--strict", "-o", "k.bloom", "esc.csv"]);
    crate::refused(&out, "\\x1b[2J\\x07601x");
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
