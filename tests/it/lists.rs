//! A list's identity: its manifest, continuing it exactly where it stopped, and scrubbing it against new sources.

use crate::common;

use std::path::Path;

use common::{dialsim, ok_stdout};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The data lines of a CSV list (without its header).
fn rows(text: &str) -> Vec<&str> {
    text.lines().skip(1).collect()
}

fn manifest(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap()
}

fn stderr_of(dir: &Path, args: &[&str]) -> String {
    let out = dialsim(dir, args);
    assert!(out.status.success(), "dialsim {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_list_file_gets_a_manifest_that_fixes_its_order() {
    let d = tempfile::tempdir().unwrap();
    stderr_of(d.path(), &["generate", "--plan", "sk", "-n", "100", "--seed", "9", "--shard", "2/3", "-o", "l.csv"]);
    let m = manifest(&d.path().join("l.csv.manifest.json"));
    let g = &m["generation"];
    assert_eq!(m["kind"], "dialsim call list");
    assert_eq!(g["seed"], 9);
    assert_eq!(g["shard"], "2/3");
    assert_eq!(g["permutation_version"], dialsim::PERMUTATION_VERSION);
    assert_eq!(g["plan"]["name"], "sk");
    assert!(
        g["plan"]["provenance"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains(crate::plans::derive::METADATA_VERSION))
    );
    // The libphonenumber metadata the plan was derived from, as a field of its own.
    assert_eq!(g["metadata_version"], crate::plans::derive::METADATA_VERSION);
    assert_eq!(g["written"], 33);
    let last = rows(&read(&d.path().join("l.csv"))).last().unwrap().to_string();
    assert_eq!(g["last_number"].as_str().unwrap(), last.split(',').next().unwrap());
    assert_eq!(g["last_index"].as_u64().unwrap().to_string(), last.rsplit(',').next().unwrap());
    // The manifest is bound to the list's bytes: size, SHA-256, rows and last row.
    let bytes = std::fs::read(d.path().join("l.csv")).unwrap();
    let file = &m["list"];
    assert_eq!(file["sha256"], dialsim::sha256_hex(&bytes));
    assert_eq!(file["bytes"], bytes.len());
    assert_eq!(file["rows"], 33);
    assert_eq!(file["last_row"]["position"], g["last_index"]);
    assert_eq!(file["last_row"]["number"], g["last_number"]);
    // The list's own bytes are those of a list written without a manifest.
    let plain = ok_stdout(d.path(), &["generate", "--plan", "sk", "-n", "100", "--seed", "9", "--shard", "2/3"]);
    assert_eq!(bytes, plain);
    // On stdout a manifest is written only when asked for, bound to the bytes written to stdout.
    let out = ok_stdout(d.path(), &["generate", "-n", "5", "--seed", "1", "--manifest", "m.json"]);
    let m = manifest(&d.path().join("m.json"));
    assert_eq!(m["generation"]["seed"], 1);
    assert_eq!(m["list"]["sha256"], dialsim::sha256_hex(&out));
}

/// A list of several of the writer's 4 MiB blocks and a partial last one (the numbers permuted 64 at a time on
/// vectors where the CPU has them, the digits formatted eight at a time): its manifest holds the SHA-256, bytes
/// and rows of the file as written, whatever the thread count, and the bytes are those written to stdout.
#[test]
fn a_list_of_many_blocks_is_bound_to_its_bytes_at_every_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let base = ["generate", "--plan", "cz", "-n", "700001", "--seed", "4", "--start", "9"];
    let plain = ok_stdout(d.path(), &[&base[..], &["--format", "txt", "--threads", "2"]].concat());
    assert!(plain.len() > 2 * (4 << 20) && !plain.len().is_multiple_of(4 << 20), "{} bytes", plain.len());
    for (format, name) in [("txt", "l.txt"), ("csv", "l.csv")] {
        let mut first: Option<Vec<u8>> = None;
        for threads in ["1", "2", "3"] {
            stderr_of(d.path(), &[&base[..], &["--format", format, "--threads", threads, "-o", name]].concat());
            let bytes = std::fs::read(d.path().join(name)).unwrap();
            let m = manifest(&d.path().join(format!("{name}.manifest.json")));
            assert_eq!(m["list"]["sha256"], dialsim::sha256_hex(&bytes), "{format}, {threads} threads");
            assert_eq!(m["list"]["bytes"], bytes.len());
            assert_eq!(m["list"]["rows"], 700_001);
            assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 700_001 + usize::from(format == "csv"));
            match &first {
                Some(f) => assert!(f == &bytes, "{format}: {threads} threads wrote other bytes"),
                None => first = Some(bytes),
            }
        }
        if format == "txt" {
            assert!(first.as_ref() == Some(&plain), "the file holds the bytes written to stdout");
        }
    }
}

#[test]
fn a_continued_list_equals_the_tail_of_the_list_generated_at_once() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // A suppression list that holds some of the list's numbers, so exclusions skip positions on both sides.
    let whole = ok_stdout(p, &["generate", "-n", "3000", "--seed", "5", "--format", "txt"]);
    let some: String =
        String::from_utf8(whole).unwrap().lines().step_by(17).map(|n| format!("{n}\n")).collect::<String>();
    std::fs::write(p.join("s.csv"), some).unwrap();
    for shard in ["1/1", "2/3"] {
        let base = ["--seed", "5", "--shard", shard, "--suppress", "s.csv"];
        // -n counts positions of the unsharded list (each shard takes its share of them): the list generated
        // at once is made long enough to hold both parts, which must be its beginning.
        stderr_of(p, &[&["generate", "-n", "2000", "-o", "full.csv"][..], &base].concat());
        stderr_of(p, &[&["generate", "-n", "1000", "-o", "a.csv"][..], &base].concat());
        stderr_of(p, &["generate", "--continue", "a.csv", "-n", "500", "-o", "b.csv"]);
        let (full, a, b) = (read(&p.join("full.csv")), read(&p.join("a.csv")), read(&p.join("b.csv")));
        let joined: Vec<&str> = rows(&a).into_iter().chain(rows(&b)).collect();
        let full = rows(&full);
        assert!(full.len() >= joined.len(), "shard {shard}");
        assert_eq!(joined, full[..joined.len()], "shard {shard}");
        assert!(rows(&b).len() > 100, "shard {shard}: the continuation wrote numbers");
        let m = manifest(&p.join("b.csv.manifest.json"));
        assert_eq!(m["generation"]["continues"], "a.csv");
        assert_eq!(m["generation"]["exclusions"][0]["name"], "s.csv");
    }
}

#[test]
fn a_list_whose_order_cannot_be_reproduced_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    stderr_of(p, &["generate", "-n", "50", "--seed", "3", "-o", "a.csv"]);
    let path = p.join("a.csv.manifest.json");
    let original = manifest(&path);
    let refused = |m: &serde_json::Value, needle: &str| {
        std::fs::write(&path, serde_json::to_string_pretty(m).unwrap()).unwrap();
        let out = dialsim(p, &["generate", "--continue", "a.csv", "-n", "10", "-o", "b.csv"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(out.status.code(), Some(1 | 2)), "{err}");
        assert!(err.contains(needle), "expected '{needle}': {err}");
        assert!(!p.join("b.csv").exists());
    };
    let mut m = original.clone();
    m["generation"]["permutation_version"] = serde_json::json!(0);
    refused(&m, "permutation version 0");
    let mut m = original.clone();
    m["generation"]["last_number"] = serde_json::json!("+420601000000");
    refused(&m, "the manifest was edited");
    let mut m = original.clone();
    m["generation"]["plan"]["rows_csv"] =
        serde_json::json!(original["generation"]["plan"]["rows_csv"].as_str().unwrap().replacen(",9", ",8", 1));
    refused(&m, "recorded hash");
    std::fs::remove_file(&path).unwrap();
    let out = dialsim(p, &["generate", "--continue", "a.csv", "-n", "10", "-o", "b.csv"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no manifest"));
}

#[test]
fn a_continuation_uses_todays_sources_and_says_what_changed() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("s.csv"), "+420601123456\n").unwrap();
    stderr_of(p, &["generate", "-n", "50", "--seed", "3", "--suppress", "s.csv", "-o", "a.csv"]);
    let next = ok_stdout(p, &["generate", "-n", "2", "--seed", "3", "--start", "50", "--format", "txt"]);
    let next = String::from_utf8(next).unwrap();
    let first_next = next.lines().next().unwrap();
    std::fs::write(p.join("s.csv"), format!("+420601123456\n{first_next}\n")).unwrap();
    let err = stderr_of(p, &["generate", "--continue", "a.csv", "-n", "2", "-o", "b.csv"]);
    assert!(err.contains("exclusion source s.csv changed since the list was written"), "{err}");
    let b = read(&p.join("b.csv"));
    assert!(!b.contains(first_next), "today's suppression list applies to the continued part");
}

#[test]
fn scrub_removes_exactly_the_listed_numbers_found_in_new_sources() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    stderr_of(p, &["generate", "-n", "2000", "--seed", "11", "-o", "list.csv"]);
    let list = read(&p.join("list.csv"));
    let data = rows(&list);
    let removed: Vec<&str> = data.iter().step_by(97).map(|r| r.split(',').next().unwrap()).collect();
    // A new register in a messy shape: national format, spaces, plus numbers not on the list.
    let register: String = removed
        .iter()
        .map(|n| format!("{}\n", &n[4..]))
        .chain(["777000111\n".to_string(), "+420 602 000 999\n".to_string()])
        .collect();
    std::fs::write(p.join("register.csv"), register).unwrap();
    let err = stderr_of(p, &["scrub", "list.csv", "--suppress", "register.csv", "-o", "clean.csv"]);
    assert!(err.contains(&format!("removed {}", removed.len())), "{err}");
    let clean = read(&p.join("clean.csv"));
    let expected: Vec<&str> =
        data.iter().copied().filter(|r| !removed.contains(&r.split(',').next().unwrap())).collect();
    assert_eq!(rows(&clean), expected, "order and index column kept, exactly the listed numbers removed");
    assert_eq!(clean.lines().next(), list.lines().next(), "header kept");
    let m = manifest(&p.join("clean.csv.manifest.json"));
    assert_eq!(m["generation"]["seed"], 11, "the list's identity is carried over");
    assert_eq!(m["scrubs"][0]["sources"][0]["excluded"], removed.len());
    assert_eq!(m["scrubs"][0]["kept"], expected.len());
    // The scrubbed list's manifest vouches for the scrubbed list, not the one scrubbed.
    assert_eq!(m["list"]["sha256"], dialsim::sha256_hex(clean.as_bytes()));
    assert_eq!(m["list"]["rows"], expected.len());
    let last = expected.last().unwrap();
    assert_eq!(m["list"]["last_row"]["number"], last.split(',').next().unwrap());
    assert_eq!(m["list"]["last_row"]["position"].as_u64().unwrap().to_string(), last.rsplit(',').next().unwrap());
    // Not a list: refused with file and line.
    std::fs::write(p.join("bad.csv"), "number,type\n601123456,mobile\n").unwrap();
    let out = dialsim(p, &["scrub", "bad.csv", "--suppress", "register.csv", "-o", "x.csv"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.csv:2:"));
    assert!(!p.join("x.csv").exists());
}

#[test]
fn scrub_reads_the_dialer_formats_generate_writes_and_keeps_their_rows() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // The same list in csv, dialer-csv and vicidial: every 7th number goes on a register.
    stderr_of(p, &["generate", "-n", "300", "--seed", "5", "--format", "txt", "-o", "numbers.txt"]);
    let numbers: Vec<String> = read(&p.join("numbers.txt")).lines().map(str::to_string).collect();
    let removed: Vec<&String> = numbers.iter().step_by(7).collect();
    std::fs::write(p.join("register.csv"), removed.iter().map(|n| format!("{n}\n")).collect::<String>()).unwrap();
    for (name, format) in
        [("dialer.csv", &["--format", "dialer-csv"][..]), ("leads.txt", &["--format", "vicidial", "--list-id", "1001"])]
    {
        stderr_of(p, &[&["generate", "-n", "300", "--seed", "5", "-o", name][..], format].concat());
        let list = read(&p.join(name));
        let out = format!("clean-{name}");
        // Before: refused at its first line ("'country_code' is not an E.164 number (a call list written by
        // dialsim generate)", and the same of a VICIdial row), though generate wrote it.
        let err = stderr_of(p, &["scrub", name, "--suppress", "register.csv", "-o", &out]);
        assert!(
            err.contains(&format!("kept {} of 300 numbers, removed {}", 300 - removed.len(), removed.len())),
            "{name}: {err}"
        );
        let number_of = |line: &str| -> String {
            if name == "dialer.csv" {
                line.split(',').nth(2).unwrap().to_string()
            } else {
                let f: Vec<&str> = line.split('\t').collect();
                format!("+{}{}", f[3], f[4])
            }
        };
        let (header, data) =
            if name == "dialer.csv" { (list.lines().next(), rows(&list)) } else { (None, list.lines().collect()) };
        let expected: Vec<&str> = data.iter().copied().filter(|l| !removed.contains(&&number_of(l))).collect();
        assert_eq!(expected.len(), 300 - removed.len(), "{name}: the test reads the format as scrub should");
        let clean = read(&p.join(&out));
        let kept: Vec<&str> = if header.is_some() { rows(&clean) } else { clean.lines().collect() };
        assert_eq!(kept, expected, "{name}: exactly the registered numbers removed, every other row byte for byte");
        assert_eq!(clean.lines().next() == header, header.is_some(), "{name}: header kept");
        let m = manifest(&p.join(format!("{out}.manifest.json")));
        assert_eq!(m["list"]["sha256"], dialsim::sha256_hex(clean.as_bytes()));
        assert_eq!(m["list"]["last_row"]["number"], number_of(expected.last().unwrap()));
    }
}
