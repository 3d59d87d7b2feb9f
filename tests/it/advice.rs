//! The advice of an error on reading a known database names the flag that sets what it asks for (`--column`,
//! `--delimiter`, `--header`, `--max-rejected`, `--country`, `--allow-other-country`): the library names the
//! reading option as a parameter and the command line spells it. Every message here is pinned whole, through each
//! command that reads known databases.
use crate::common;

use std::fmt::Write as _;
use std::path::Path;

/// `n` Czech numbers of a seeded list (every third position), as national digits.
fn czech(seed: u64, n: u64) -> Vec<String> {
    let list = common::list("cz", seed);
    (0..n).map(|i| list.number_at(i * 3).national_digits()).collect()
}

/// The inputs the cases below read, written into `dir`.
fn inputs(dir: &Path) {
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    let (a, b) = (czech(1, 20), czech(2, 20));
    let mut two = String::from("telefon,mobil\n");
    for (a, b) in a.iter().zip(&b) {
        writeln!(two, "{a},{b}").unwrap();
    }
    write("two.csv", &two);
    write("names.csv", "name\nJan\nEva\n");
    let mut ids = String::from("id\n");
    for i in 0..20 {
        writeln!(ids, "{}", 601_000_001 + i).unwrap();
    }
    write("ids.csv", &ids);
    write("one.csv", "name,phone\nJan,601123456\n");
    let mut late = String::from("name,telefon,mobil\n");
    for (i, d) in czech(3, 2100).iter().enumerate() {
        let mobile = if i >= 2050 { d.as_str() } else { "" };
        writeln!(late, "B{i},{d},{mobile}").unwrap();
    }
    write("late.csv", &late);
    write("tie.csv", "a,b;c\nd,e;f\n");
    write("rejected.csv", "phone\n601123456\nn/a\n");
    write("national.txt", &czech(4, 50).iter().map(|d| format!("{d}\n")).collect::<String>());
}

/// The error line `dialsim args` prints in `dir`, and its exit code.
fn error(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    common::error_line(dir, args)
}

#[test]
fn reading_advice_names_the_flags_that_set_what_it_asks_for() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    inputs(d);
    let build = |extra: &[&str]| {
        let mut args = vec!["filter", "build", "-o", "k.bloom", "--seed", "1"];
        args.extend(extra);
        error(d, &args)
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["two.csv"],
            "two.csv:1: 2 columns read as phone numbers: 'telefon' (column 1: 20 of 20 sampled values), 'mobil' (column 2: 20 of 20 sampled values); read all of them (the safe choice for an exclusion) with --column telefon,mobil, or name the ones to read",
        ),
        (
            vec!["names.csv"],
            "names.csv:1: no column holds phone numbers in the first 2 rows; name the columns to read with --column",
        ),
        (
            vec!["ids.csv"],
            "ids.csv:1: no column reads as phone numbers but for record ids: 'id' (column 1: named like a record id); name the columns to read with --column if they hold phone numbers",
        ),
        (
            vec!["--column", "name", "one.csv"],
            "one.csv:2: holds no phone numbers in 'name' (column 1) (1 row, 1 value rejected); name the columns to read with --column",
        ),
        (
            vec!["late.csv"],
            "late.csv:2052: 'mobil' (column 3) holds a phone number on this line but none in the first rows, so it is not read; name the columns to read with --column",
        ),
        (
            vec!["tie.csv"],
            "tie.csv:1: cannot tell the delimiter: ',' and ';' each split the first rows into 2 fields; set --delimiter",
        ),
        (
            vec!["rejected.csv"],
            "rejected.csv:3: 1 of 2 values (50.00 %) are not phone numbers, more than the 1 % allowed (first: line 3 'n/a' (contains letters)); correct them, or raise --max-rejected",
        ),
        (
            vec!["--country", "44", "--column", "1", "national.txt"],
            "national.txt:1: 50 of 50 numbers (100.0 %) are not numbers of +44's plan (first: '460903365'), so the input cannot be +44's numbers; 50 of the first 50 read as numbers of cz (+420): give --country 420, or write its numbers with their country code",
        ),
        (
            vec!["--column", "phone", "--header", "no", "one.csv"],
            "one.csv:1: columns can be named only with --header yes or auto",
        ),
        // No column read as the country's, but one as another embedded plan's: that country is named (the error
        // used to take the Czech numbers for record ids, or say only "no column holds phone numbers").
        (
            vec!["--country", "44", "national.txt"],
            "national.txt:1: no column reads as numbers of +44's plan in the first 50 rows; column 1 reads as numbers of cz (+420) in 50 of 50 sampled values, not of +44: give --country 420, or write its numbers with their country code",
        ),
        (
            vec!["--country", "1", "two.csv"],
            "two.csv:1: no column reads as numbers of +1's plan in the first 20 rows; 'telefon' (column 1) reads as numbers of cz (+420) in 20 of 20 sampled values, not of +1: give --country 420, or write its numbers with their country code",
        ),
    ];
    for (extra, want) in cases {
        assert_eq!(build(&extra), (Some(1), format!("dialsim: error: {want}")), "{extra:?}");
    }
    // Another country's filter, forced through at build, refused by a list of the plan's country.
    let built = common::dialsim(
        d,
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
            "national.txt",
        ],
    );
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let foreign = "dialsim: error: gb.bloom is a filter of +44's numbers: the numbers to exclude are not +420's, so they \
                   would exclude nothing from a list of +420 numbers; use exclusion sources of the plan's country (or \
                   --allow-other-country)";
    let generate = ["generate", "--plan", "cz", "-n", "5", "--seed", "1", "--exclude", "gb.bloom"];
    assert_eq!(error(d, &generate), (Some(1), foreign.to_string()));
    // Every command that reads known databases gives the same advice.
    let names = "dialsim: error: names.csv:1: no column holds phone numbers in the first 2 rows; name the columns to read \
                 with --column";
    let refused = |args: &[&str]| assert_eq!(error(d, args), (Some(1), names.to_string()), "{args:?}");
    refused(&["generate", "-n", "5", "--seed", "1", "--suppress", "names.csv"]);
    common::ok_stdout(d, &["generate", "-n", "5", "--seed", "1", "-o", "list.csv"]);
    refused(&["scrub", "list.csv", "--suppress", "names.csv", "-o", "out.csv"]);
    common::ok_stdout(d, &["registry", "init"]);
    refused(&["registry", "import", "names.csv", "--kind", "known"]);
    common::ok_stdout(d, &["simulate", "--seed", "1", "-o", "run"]);
    refused(&["audit", "run", "--suppress", "names.csv"]);
}

/// A scenario's files are read by its `[numbers.read]` keys, not by flags: the advice of an error on reading one
/// names those keys, and a file of another country's numbers is not told to be read with `--country`, which
/// `simulate` does not have.
#[test]
fn reading_advice_for_a_scenarios_files_names_its_keys_not_flags() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    inputs(d);
    let run = |scenario: &str| {
        std::fs::write(d.join("s.toml"), scenario).unwrap();
        error(d, &["simulate", "s.toml", "--seed", "1", "-o", "run"])
    };
    let cases = [
        (
            "[numbers]\nsuppress = [\"names.csv\"]\n",
            "names.csv:1: no column holds phone numbers in the first 2 rows; name the columns to read with \
             numbers.read.columns",
        ),
        (
            "[numbers]\nsuppress = [\"tie.csv\"]\n",
            "tie.csv:1: cannot tell the delimiter: ',' and ';' each split the first rows into 2 fields; set \
             numbers.read.delimiter",
        ),
        (
            "[numbers]\nsuppress = [\"rejected.csv\"]\n",
            "rejected.csv:3: 1 of 2 values (50.00 %) are not phone numbers, more than the 1 % allowed (first: line 3 \
             'n/a' (contains letters)); correct them, or raise numbers.read.max_rejected",
        ),
        (
            "[numbers]\nsuppress = [\"one.csv\"]\n[numbers.read]\ncolumns = [\"phone\"]\nheader = \"no\"\n",
            "one.csv:1: columns can be named only with numbers.read.header yes or auto",
        ),
        (
            "[numbers]\nplan = \"gb\"\nsuppress = [\"national.txt\"]\n",
            "national.txt:1: no column reads as numbers of +44's plan in the first 50 rows; column 1 reads as numbers \
             of cz (+420) in 50 of 50 sampled values, not of +44: write its numbers with their country code",
        ),
        (
            "[numbers]\nplan = \"gb\"\nsuppress = [\"national.txt\"]\n[numbers.read]\ncolumns = [\"1\"]\n",
            "national.txt:1: 50 of 50 numbers (100.0 %) are not numbers of +44's plan (first: '460903365'), so the \
             input cannot be +44's numbers; 50 of the first 50 read as numbers of cz (+420): write its numbers with \
             their country code",
        ),
    ];
    for (scenario, want) in cases {
        let (code, line) = run(scenario);
        assert_eq!(line, format!("dialsim: error: {want}"), "{scenario}");
        assert_eq!(code, Some(1), "{scenario}");
        assert!(!line.contains(" --"), "no flag in a scenario's advice: {line}");
    }
}

/// A filter build of one number says so in the singular: "1 distinct number of 1 read … from 1 row of 1
/// input", "1 value left out as not a phone number" (it said "1 distinct numbers", "1 values").
#[test]
fn a_filter_build_counts_one_of_a_thing_in_the_singular() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("one.csv"), "number\n+420601123456\n").unwrap();
    std::fs::write(d.path().join("two.csv"), "number\n+420601123457\n+420601123458\n+420601123459\nabc\n").unwrap();
    let out = crate::common::dialsim(d.path(), &["filter", "build", "-o", "k.bloom", "one.csv", "--seed", "1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("wrote k.bloom: 1 distinct number of 1 read (0 repeated) from 1 row of 1 input;"),
        "{stderr}"
    );
    assert!(stderr.contains("one.csv: 1 row, 1 number, 0 values rejected, 0 rows without a number"), "{stderr}");
    let args =
        ["filter", "build", "-o", "k.bloom", "one.csv", "two.csv", "--column", "number", "--max-rejected", "0.5"];
    let out = crate::common::dialsim(d.path(), &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("from 5 rows of 2 inputs, 1 value left out as not a phone number;"), "{stderr}");
    assert!(stderr.contains("two.csv: 1 value is not a phone number and is left out; the first:"), "{stderr}");
}
