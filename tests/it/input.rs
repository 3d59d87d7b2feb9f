//! Reading known databases: exports in the shapes real systems write (an id column first, a `number` column
//! beside `phone`, `;` and Windows-1250 from a Czech Excel, tabs, UTF-16) either give every known number to
//! the filter or suppression list, or are refused with an error naming the file, the line and what to set.
//! Every test here runs the real binary (or the library reader) on 1,000 known numbers.
use crate::common;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use dialsim::{CallList, NumberSpace, Plan, Selection, exclude::Column, exclude::InputOptions, exclude::KnownFilter};

/// 1,000 numbers of the Czech plan (every third position of a seeded list), as national digits.
fn known(seed: u64) -> Vec<String> {
    let list = common::list("cz", seed);
    (0..1000).map(|i| list.number_at(i * 3).national_digits()).collect()
}

fn spaced(d: &str) -> String {
    format!("{} {} {}", &d[..3], &d[3..6], &d[6..])
}

/// Builds a filter from `file` in `dir` with `extra` arguments; the exit code and stderr.
fn build(dir: &Path, file: &str, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["filter", "build", "-o", "k.bloom", "--seed", "1"];
    args.extend(extra);
    args.push(file);
    let out = common::dialsim(dir, &args);
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The known numbers that the filter in `dir` does not hold.
fn missing(dir: &Path, numbers: &[String]) -> Vec<String> {
    let filter = KnownFilter::load(dir.join("k.bloom")).unwrap();
    numbers.iter().filter(|d| !filter.contains_key(format!("420{d}").parse().unwrap())).cloned().collect()
}

/// Either every known number is in the filter, or the build was refused with one clear line naming the file.
fn all_known_or_refused(dir: &Path, file: &str, numbers: &[String], code: Option<i32>, stderr: &str) -> bool {
    if code == Some(0) {
        let lost = missing(dir, numbers);
        assert!(
            lost.is_empty(),
            "{} of {} known numbers are missing from the filter: {stderr}",
            lost.len(),
            numbers.len()
        );
        true
    } else {
        assert!(matches!(code, Some(1 | 2)), "{code:?}: {stderr}");
        let error = stderr.lines().find(|l| l.starts_with("dialsim: error: ")).expect("an error line");
        assert!(error.contains(file), "the error names the file: {stderr}");
        assert!(!dir.join("k.bloom").exists(), "a refused build leaves no filter");
        false
    }
}

#[test]
fn a_headerless_id_column_first_never_hides_the_phone_column() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(1);
    let mut text = String::new();
    for (i, d) in numbers.iter().enumerate() {
        writeln!(text, "{},+420{d}", 100_000_001 + i).unwrap();
    }
    std::fs::write(dir.path().join("ids.csv"), &text).unwrap();
    let (code, stderr) = build(dir.path(), "ids.csv", &[]);
    assert!(all_known_or_refused(dir.path(), "ids.csv", &numbers, code, &stderr));
    assert!(stderr.contains("column 2"), "the summary names the column read: {stderr}");
}

#[test]
fn sequential_ids_that_read_as_numbers_of_the_plan_are_not_the_phone_column() {
    // Ids 601000001, 601000002, … are valid Czech mobile numbers by their digits; they rise by one.
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(2);
    let mut text = String::new();
    for (i, d) in numbers.iter().enumerate() {
        writeln!(text, "{},Jan Novák,{}", 601_000_001 + i, spaced(d)).unwrap();
    }
    std::fs::write(dir.path().join("crm.csv"), &text).unwrap();
    let (code, stderr) = build(dir.path(), "crm.csv", &[]);
    assert!(all_known_or_refused(dir.path(), "crm.csv", &numbers, code, &stderr));
}

#[test]
fn a_number_column_beside_a_phone_column_never_hides_the_phones() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(3);
    let mut text = String::from("number,phone\n");
    for (i, d) in numbers.iter().enumerate() {
        writeln!(text, "{},{}", 100_000_001 + i, spaced(d)).unwrap();
    }
    std::fs::write(dir.path().join("customers.csv"), &text).unwrap();
    let (code, stderr) = build(dir.path(), "customers.csv", &[]);
    assert!(all_known_or_refused(dir.path(), "customers.csv", &numbers, code, &stderr));
    assert!(stderr.contains("'phone' (column 2)"), "{stderr}");
}

#[test]
fn a_number_column_that_reads_as_phone_numbers_beside_a_phone_column_is_refused_naming_both() {
    // Customer numbers of nine digits that read as Czech numbers, in random order: no sequence gives them away.
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(4);
    let others = known(5);
    let mut text = String::from("number,phone\n");
    for (d, o) in numbers.iter().zip(&others) {
        writeln!(text, "{o},+420 {}", spaced(d)).unwrap();
    }
    std::fs::write(dir.path().join("c.csv"), &text).unwrap();
    // They may be customer numbers or phone numbers: no guess either way.
    let (code, stderr) = build(dir.path(), "c.csv", &[]);
    if !all_known_or_refused(dir.path(), "c.csv", &numbers, code, &stderr) {
        assert!(stderr.contains("'number' (column 1") && stderr.contains("'phone' (column 2"), "{stderr}");
        assert!(stderr.contains("--column number,phone"), "{stderr}");
    }
    let (code, stderr) = build(dir.path(), "c.csv", &["--column", "phone"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(missing(dir.path(), &numbers).is_empty());
}

#[test]
fn a_quote_never_closed_is_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(6);
    let mut text = String::from("name,phone\n");
    for (i, d) in numbers.iter().enumerate() {
        if i == 500 {
            text.push_str("A,\"Novák, Jan\n");
        }
        writeln!(text, "B{i},{}", spaced(d)).unwrap();
    }
    std::fs::write(dir.path().join("q.csv"), &text).unwrap();
    let (code, stderr) = build(dir.path(), "q.csv", &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("q.csv:502:") && stderr.contains("quote"), "{stderr}");
    assert!(!dir.path().join("k.bloom").exists());
    // The same through --suppress: nothing is generated.
    let out = common::dialsim(dir.path(), &["generate", "-n", "10", "--seed", "1", "--suppress", "q.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("q.csv:502:"));
}

#[test]
fn a_quote_closed_rows_later_is_refused_rather_than_swallowing_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(7);
    let mut text = String::from("name,phone\n");
    for (i, d) in numbers.iter().enumerate() {
        match i {
            100 => writeln!(text, "\"Novák, Jan,{}", spaced(d)),
            105 => writeln!(text, "Svoboda\",{}", spaced(d)),
            _ => writeln!(text, "B{i},{}", spaced(d)),
        }
        .unwrap();
    }
    std::fs::write(dir.path().join("q.csv"), &text).unwrap();
    let (code, stderr) = build(dir.path(), "q.csv", &[]);
    assert!(!all_known_or_refused(dir.path(), "q.csv", &numbers, code, &stderr));
    assert!(stderr.contains("q.csv:102:"), "{stderr}");
}

#[test]
fn a_row_wider_than_the_header_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(8);
    let mut text = String::from("name,phone\n");
    for (i, d) in numbers.iter().enumerate() {
        let name = if i == 700 { "Novák, Jan".to_string() } else { format!("B{i}") };
        writeln!(text, "{name},{}", spaced(d)).unwrap();
    }
    std::fs::write(dir.path().join("w.csv"), &text).unwrap();
    let (code, stderr) = build(dir.path(), "w.csv", &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("w.csv:702: this row has 3 fields where the header has 2"), "{stderr}");
}

/// A Czech Excel export: `;`, Windows-1250, CRLF, `Telefon` filled, `Mobil` sparse.
fn czech_excel(numbers: &[String], mobiles: &[String]) -> Vec<u8> {
    let mut text = String::from("Jméno;Příjmení;Telefon;Mobil\r\n");
    for (i, (d, m)) in numbers.iter().zip(mobiles).enumerate() {
        let mobile = if i % 4 == 0 { format!("+420 {}", spaced(m)) } else { String::new() };
        write!(text, "Jiří;Dvořák;{};{mobile}\r\n", spaced(d)).unwrap();
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1250.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[test]
fn a_czech_excel_export_is_read_from_both_columns_or_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let (numbers, mobiles) = (known(9), known(10));
    std::fs::write(dir.path().join("excel.csv"), czech_excel(&numbers, &mobiles)).unwrap();
    let in_either: Vec<String> = numbers.iter().cloned().chain(mobiles.iter().step_by(4).cloned()).collect();
    // Without hints both columns qualify: the error names both and how to take both.
    let (code, stderr) = build(dir.path(), "excel.csv", &[]);
    if !all_known_or_refused(dir.path(), "excel.csv", &in_either, code, &stderr) {
        assert!(stderr.contains("'Telefon'") && stderr.contains("'Mobil'"), "{stderr}");
        assert!(stderr.contains("--column Telefon,Mobil"), "{stderr}");
    }
    // Named (in any case), every number of either column is known.
    let (code, stderr) = build(dir.path(), "excel.csv", &["--column", "telefon,mobil"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(missing(dir.path(), &in_either).is_empty());
    assert!(stderr.contains("delimiter ';'") && stderr.contains("windows-1250"), "{stderr}");
    assert!(stderr.contains("1000 rows, 1250 numbers"), "{stderr}");
    // Repeated flags mean the same; by position too.
    std::fs::remove_file(dir.path().join("k.bloom")).unwrap();
    let (code, stderr) = build(dir.path(), "excel.csv", &["--column", "Telefon", "--column", "4"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(missing(dir.path(), &in_either).is_empty());
    // The encoding and delimiter given by hand give the same.
    std::fs::remove_file(dir.path().join("k.bloom")).unwrap();
    let given = ["--column", "3,4", "--delimiter", ";", "--encoding", "cp1250", "--header", "yes"];
    let (code, stderr) = build(dir.path(), "excel.csv", &given);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(missing(dir.path(), &in_either).is_empty());
}

#[test]
fn tab_separated_exports_with_00420_prefixes_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(11);
    let mut text = String::from("jmeno\tprijmeni\ttelefon\r\n");
    for d in &numbers {
        write!(text, "Jan\tNovák\t00420{d}\r\n").unwrap();
    }
    std::fs::write(dir.path().join("t.tsv"), &text).unwrap();
    let (code, stderr) = build(dir.path(), "t.tsv", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(missing(dir.path(), &numbers).is_empty());
    assert!(stderr.contains("delimiter tab"), "{stderr}");
}

#[test]
fn utf16_and_utf8_with_a_byte_order_mark_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(12);
    let mut text = String::from("Jméno;Telefon\r\n");
    for d in &numbers {
        write!(text, "Žofie;+420{d}\r\n").unwrap();
    }
    let mut utf16 = vec![0xff, 0xfe];
    text.encode_utf16().for_each(|u| utf16.extend(u.to_le_bytes()));
    std::fs::write(dir.path().join("u16.csv"), utf16).unwrap();
    let mut utf8 = vec![0xef, 0xbb, 0xbf];
    utf8.extend(text.as_bytes());
    std::fs::write(dir.path().join("bom.csv"), utf8).unwrap();
    for file in ["u16.csv", "bom.csv"] {
        let (code, stderr) = build(dir.path(), file, &["--column", "telefon"]);
        assert_eq!(code, Some(0), "{file}: {stderr}");
        assert!(missing(dir.path(), &numbers).is_empty(), "{file}");
        std::fs::remove_file(dir.path().join("k.bloom")).unwrap();
    }
}

#[test]
fn a_header_only_or_all_rejected_input_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("h.csv"), "name,phone\r\n").unwrap();
    std::fs::write(dir.path().join("e.csv"), "").unwrap();
    let junk: String = (0..200).map(|i| format!("x{i},n/a\n")).collect();
    std::fs::write(dir.path().join("r.csv"), format!("name,phone\n{junk}")).unwrap();
    for (file, extra) in [("h.csv", &[][..]), ("e.csv", &[]), ("r.csv", &[]), ("r.csv", &["--column", "phone"])] {
        let (code, stderr) = build(dir.path(), file, extra);
        assert_eq!(code, Some(1), "{file}: {stderr}");
        assert!(stderr.contains(&format!("dialsim: error: {file}")), "{stderr}");
        assert!(!dir.path().join("k.bloom").exists(), "{file}");
    }
    // Given the column by position, with or without a header: the same refusal.
    let (code, _) = build(dir.path(), "h.csv", &["--column", "2"]);
    assert_eq!(code, Some(1));
}

#[test]
fn more_than_one_percent_rejected_is_refused_unless_the_share_is_raised() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(13);
    let mut text = String::from("name,phone\n");
    for (i, d) in numbers.iter().enumerate() {
        writeln!(text, "B{i},{}", spaced(d)).unwrap();
        if i % 50 == 0 {
            writeln!(text, "C{i},unknown").unwrap(); // 20 rejected of 1020 values: 1.96 %
        }
    }
    std::fs::write(dir.path().join("r.csv"), &text).unwrap();
    let (code, stderr) = build(dir.path(), "r.csv", &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("r.csv:3: 20 of 1020 values"), "{stderr}");
    assert!(stderr.contains("--max-rejected"), "{stderr}");
    let (code, stderr) = build(dir.path(), "r.csv", &["--max-rejected", "0.05"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(missing(dir.path(), &numbers).is_empty());
    assert!(stderr.contains("r.csv:3: 'unknown' (contains letters)"), "the rejected rows are shown: {stderr}");
    assert!(stderr.contains("20 values left out"), "{stderr}");
    let (code, stderr) = build(dir.path(), "r.csv", &["--max-rejected", "5"]);
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn stdin_is_read_like_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(14);
    let text: String = numbers.iter().map(|d| format!("x;{d}\n")).collect();
    let out = assert_cmd::Command::cargo_bin("dialsim")
        .unwrap()
        .current_dir(dir.path())
        .args(["filter", "build", "-o", "k.bloom", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(missing(dir.path(), &numbers).is_empty());
}

/// Positions 0, 3, 6, … of the list over prefix 60110 (10,000 numbers): the suppressed numbers.
fn small_selection() -> (CallList, Vec<String>) {
    let plan = Plan::embedded("cz").unwrap();
    let sel = Selection { types: vec![], prefixes: vec!["60110".into()], lengths: vec![] };
    let list = CallList::new(NumberSpace::new(&plan, &sel).unwrap(), 77);
    let numbers = (0..1000).map(|i| list.number_at(i * 3).national_digits()).collect();
    (list, numbers)
}

/// The `number` column of a generated CSV list.
fn listed(csv: &[u8]) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv);
    let at = reader.headers().unwrap().iter().position(|h| h == "number").expect("a number column");
    reader.records().map(|r| r.unwrap()[at].to_string()).collect()
}

#[test]
fn generate_suppress_never_lists_a_number_of_any_export_shape() {
    let dir = tempfile::tempdir().unwrap();
    let (list, numbers) = small_selection();
    assert_eq!(list.space().len(), 10_000);
    let mut ids = String::new();
    let mut crm = String::from("number,phone\n");
    let mut tabs = String::from("jmeno\ttelefon\n");
    let mut broken = String::from("name,phone\n");
    for (i, d) in numbers.iter().enumerate() {
        writeln!(ids, "{},+420{d}", 100_000_001 + i).unwrap();
        writeln!(crm, "{},{}", 100_000_001 + i, spaced(d)).unwrap();
        writeln!(tabs, "Jan\t00420{d}").unwrap();
        writeln!(broken, "{},{d}", if i == 10 { "\"Novák, Jan" } else { "B" }).unwrap();
    }
    std::fs::write(dir.path().join("ids.csv"), ids).unwrap();
    std::fs::write(dir.path().join("crm.csv"), crm).unwrap();
    std::fs::write(dir.path().join("tabs.tsv"), tabs).unwrap();
    std::fs::write(dir.path().join("broken.csv"), broken).unwrap();
    let mobiles: Vec<String> = (0..1000).map(|i| list.number_at(i * 3 + 1).national_digits()).collect();
    std::fs::write(dir.path().join("excel.csv"), czech_excel(&numbers, &mobiles)).unwrap();
    let suppressed_excel: HashSet<String> = numbers.iter().chain(mobiles.iter().step_by(4)).cloned().collect();
    let all: HashSet<String> = numbers.iter().cloned().collect();
    for (file, extra, suppressed) in [
        ("ids.csv", &[][..], &all),
        ("crm.csv", &[], &all),
        ("tabs.tsv", &[], &all),
        ("broken.csv", &[], &all),
        ("excel.csv", &[], &suppressed_excel),
        ("excel.csv", &["--column", "telefon,mobil"], &suppressed_excel),
    ] {
        let mut args = vec!["generate", "--prefix", "60110", "-n", "all", "--seed", "77", "--suppress", file];
        args.extend(extra);
        let out = common::dialsim(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // `-n all` with numbers suppressed ends with the space run out (exit 3).
        if matches!(out.status.code(), Some(0 | 3)) {
            let numbers = listed(&out.stdout);
            assert_eq!(numbers.len(), 10_000 - suppressed.len(), "{file} {extra:?}: {stderr}");
            assert!(numbers.iter().all(|n| !suppressed.contains(&n[4..])), "{file}: a suppressed number was listed");
        } else {
            assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
            assert!(out.stdout.is_empty(), "{file}: a refused run lists nothing");
            assert!(stderr.contains(&format!("dialsim: error: {file}")), "{stderr}");
        }
    }
}

#[test]
fn audit_suppress_takes_the_same_reading_options() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::dialsim(dir.path(), &["audit", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--column", "--delimiter", "--encoding", "--header", "--max-rejected", "--country"] {
        assert!(help.contains(flag), "audit --help lacks {flag}");
    }
}

/// Library: every number in any chosen column is read, in row order; an empty cell is not a rejected value.
#[test]
fn every_number_of_any_chosen_column_is_read_and_empty_cells_are_not_rejected() {
    let options = InputOptions {
        columns: vec![Column::Name("telefon".into()), Column::Name("mobil".into())],
        ..InputOptions::for_plan(&Plan::embedded("cz").unwrap())
    };
    let text = "jmeno,telefon,mobil\nA,601123456,\nB,,702123456\nC,603123456,704123456\nD,,\n";
    let read = options.read("t.csv", text.as_bytes()).unwrap();
    assert_eq!(read.keys, vec![420601123456, 420702123456, 420603123456, 420704123456]);
    assert_eq!((read.stats.rows, read.stats.numbers, read.stats.rejected, read.empty), (4, 4, 0, 1));
    // Without names, both qualify: the error names both, at the file's first line.
    let auto = InputOptions::for_plan(&Plan::embedded("cz").unwrap());
    let err = auto.read("t.csv", text.as_bytes()).unwrap_err().to_string();
    assert!(err.starts_with("t.csv:1: 2 columns read as phone numbers"), "{err}");
    assert!(err.contains("'telefon' (column 2") && err.contains("'mobil' (column 3") && err.contains("telefon,mobil"));
}

/// A large `;`-separated Windows-1250 file read in pieces on threads gives what one thread reads, with the
/// shape decided once from the start.
#[test]
fn a_large_semicolon_file_read_in_pieces_equals_one_read() {
    let dir = tempfile::tempdir().unwrap();
    let list = common::list("cz", 31);
    let mut text = String::from("Jméno;Telefon;Mobil\r\n");
    for i in 0..400_000u64 {
        let d = list.number_at(i).national_digits();
        let mobile = if i % 3 == 0 { list.number_at(i + 1_000_000).to_string() } else { String::new() };
        let phone = if i % 10_007 == 5 { "neznámé".to_string() } else { spaced(&d) };
        write!(text, "Dvořák {i};{phone};{mobile}\r\n").unwrap();
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(&text);
    assert!(bytes.len() > 9 << 20);
    let path = dir.path().join("big.csv");
    std::fs::write(&path, &bytes).unwrap();
    let p = path.to_str().unwrap();
    let options = InputOptions {
        columns: vec![Column::Name("Telefon".into()), Column::Name("Mobil".into())],
        ..InputOptions::for_plan(&Plan::embedded("cz").unwrap())
    };
    let one = options.read_path(p).unwrap();
    for parts in [2, 5] {
        let many = options.read_path_parallel(p, parts).unwrap();
        assert_eq!(one.stats, many.stats, "{parts} parts");
        assert_eq!(one.rejects, many.rejects, "{parts} parts");
        assert_eq!((one.empty, &one.shape), (many.empty, &many.shape));
        assert!(one.keys == many.keys, "{parts} parts: keys differ");
    }
    assert_eq!(one.stats.rows, 400_000);
    assert_eq!(one.stats.numbers, 400_000 + 133_334 - 40);
    assert_eq!(one.rejects[0].field, "neznámé", "rejected values are decoded for display");
    assert_eq!(one.shape.encoding, dialsim::exclude::TextEncoding::Windows1250);
}

/// A scenario's `numbers.suppress` is read by the same reader: an export with two columns of numbers is
/// refused, naming both, until `[numbers.read]` names the columns; then every number of either is excluded.
#[test]
fn scenario_suppress_files_are_refused_when_ambiguous_and_read_with_numbers_read() {
    let dir = tempfile::tempdir().unwrap();
    let (numbers, mobiles) = (known(21), known(22));
    let path = dir.path().join("excel.csv");
    std::fs::write(&path, czech_excel(&numbers, &mobiles)).unwrap();
    let path = path.to_str().unwrap().replace('\\', "/");
    let plan = Plan::embedded("cz").unwrap();
    let base = format!("[numbers]\nsuppress = [\"{path}\"]\n");
    let scenario = dialsim::Scenario::parse("s.toml", &base, &[]).unwrap();
    let err = dialsim::sim::scenario_exclusions(&scenario, &plan).unwrap_err().to_string();
    assert!(err.contains("'Telefon'") && err.contains("'Mobil'"), "{err}");
    let named = format!("{base}[numbers.read]\ncolumns = [\"Telefon\", \"Mobil\"]\nmax_rejected = 0.0\n");
    let scenario = dialsim::Scenario::parse("s.toml", &named, &[]).unwrap();
    let ex = dialsim::sim::scenario_exclusions(&scenario, &plan).unwrap();
    for d in numbers.iter().chain(mobiles.iter().step_by(4)) {
        assert!(ex.source_of(format!("420{d}").parse().unwrap()).is_some(), "{d} is not excluded");
    }
    assert!(!scenario.to_toml().is_empty());
    let default = dialsim::Scenario::parse("s.toml", &base, &[]).unwrap();
    assert!(!default.to_toml().contains("[numbers.read]"), "a scenario without the section serialises as before");
}

/// A column left out because it held nothing in the first rows (a `Mobil` column filled only further down)
/// is an error at the first number it holds, not numbers silently left out.
#[test]
fn a_phone_column_that_fills_only_after_the_sample_is_refused_at_its_first_number() {
    let dir = tempfile::tempdir().unwrap();
    let (numbers, mobiles) = (known(23), known(24));
    let mut text = String::from("name,telefon,mobil\n");
    for i in 0..3000 {
        let mobile = if i >= 2500 { mobiles[i % 1000].as_str() } else { "" };
        writeln!(text, "B{i},{},{mobile}", spaced(&numbers[i % 1000])).unwrap();
    }
    std::fs::write(dir.path().join("late.csv"), &text).unwrap();
    let (code, stderr) = build(dir.path(), "late.csv", &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("late.csv:2502: 'mobil' (column 3) holds a phone number"), "{stderr}");
    assert!(stderr.contains("--column"), "{stderr}");
    let (code, stderr) = build(dir.path(), "late.csv", &["--column", "telefon,mobil"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(missing(dir.path(), &numbers).is_empty() && missing(dir.path(), &mobiles[500..]).is_empty());
}

/// Windows line ends (CRLF) do not shift the lines in messages: the csv reader's own CRLF handling gives every
/// record after the first the line before its own.
#[test]
fn crlf_exports_report_the_real_line_of_rejected_values_and_broken_rows() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(25);
    let mut text = String::from("Jméno;Telefon\r\n");
    for (i, d) in numbers.iter().enumerate() {
        let phone = if i == 599 { "n/a".to_string() } else { spaced(d) };
        write!(text, "Jan;{phone}\r\n").unwrap();
    }
    std::fs::write(dir.path().join("crlf.csv"), &text).unwrap();
    let (code, stderr) = build(dir.path(), "crlf.csv", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("crlf.csv:601: 'n/a' (contains letters)"), "{stderr}");
    text.insert_str(text.find("Jan;n/a").unwrap(), "Jan;x;601123456\r\n");
    std::fs::write(dir.path().join("wide.csv"), &text).unwrap();
    let (code, stderr) = build(dir.path(), "wide.csv", &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("wide.csv:601: this row has 3 fields"), "{stderr}");
}

/// A row after blank or comment lines, and a row of an export whose lines end in a bare carriage return (old
/// Mac), are named by their own line: the csv reader's position is where it began reading (before the lines
/// it skipped), and it counts no line at a bare carriage return. In such an export a comment line no longer
/// takes the rest of the file with it (it ran to the next `\n`: every known number after it was left out of
/// the filter, silently). Both kinds of files, in one column and in two, warned of and refused.
#[test]
fn rows_after_blank_lines_and_rows_of_carriage_return_files_name_their_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = known(26);
    for (name, head, end) in
        [("one.csv", "", "\n"), ("two.csv", "Jan;", "\n"), ("mac.csv", "", "\r"), ("mac2.csv", "Jan;", "\r")]
    {
        // Line 1 a number, 2 spaces, 3 blank, 4 a comment, 5 n/a, then 100 numbers.
        let mut text = format!("{head}{}{end}   {end}{end}# exported{end}{head}n/a{end}", numbers[0]);
        for d in &numbers[1..101] {
            write!(text, "{head}{d}{end}").unwrap();
        }
        std::fs::write(dir.path().join(name), &text).unwrap();
        let (code, stderr) = build(dir.path(), name, &[]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert!(stderr.contains(&format!("{name}:5: 'n/a' (contains letters)")), "{name}: {stderr}");
        // A comment ends at its line's end, a bare carriage return too: the 100 numbers after it are read.
        assert!(stderr.contains(&format!("{name}: 102 rows, 101 numbers, 1 value rejected")), "{name}: {stderr}");
        let (code, stderr) = build(dir.path(), name, &["--strict"]);
        assert_eq!(code, Some(1), "{name}: {stderr}");
        assert!(stderr.contains(&format!("{name}:5: 'n/a' is not a phone number")), "{name}: {stderr}");
    }
}

/// Read in pieces, a large file gives the errors one thread gives, in the order one thread meets them: a
/// number in a column left out (empty in the first rows) near the end; a row too wide after it; both.
#[test]
fn a_large_file_read_in_pieces_fails_like_one_read() {
    let dir = tempfile::tempdir().unwrap();
    let list = common::list("cz", 32);
    let rows: Vec<String> =
        (0..400_000u64).map(|i| format!("Jan Novák {i},{},\n", spaced(&list.number_at(i).national_digits()))).collect();
    let options = InputOptions::for_plan(&Plan::embedded("cz").unwrap());
    let write = |name: &str, edits: &[(usize, &str)]| {
        let mut rows = rows.clone();
        for (at, row) in edits {
            rows[*at] = row.to_string();
        }
        let path = dir.path().join(name);
        std::fs::write(&path, format!("name,telefon,mobil\n{}", rows.concat())).unwrap();
        path.to_str().unwrap().to_string()
    };
    let late_mobile = (300_000, "Eva,601123456,702123456\n");
    let wide = (350_000, "Eva,601123456,,x\n");
    for (name, edits) in
        [("late.csv", vec![late_mobile]), ("wide.csv", vec![wide]), ("both.csv", vec![late_mobile, wide])]
    {
        let p = write(name, &edits);
        assert!(std::fs::metadata(&p).unwrap().len() > 9 << 20, "large enough to be read in pieces");
        let one = options.read_path(&p).unwrap_err().to_string();
        for parts in [2, 3, 5] {
            assert_eq!(one, options.read_path_parallel(&p, parts).unwrap_err().to_string(), "{name}, {parts} parts");
        }
        let expected = if name == "late.csv" {
            "late.csv:300002: 'mobil' (column 3) holds a phone number"
        } else {
            ":350002: this row has 4 fields"
        };
        assert!(one.contains(expected), "{one}");
    }
}
