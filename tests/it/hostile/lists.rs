//! Lists bound to their bytes: a list's manifest, edited in any field, or its list file swapped, truncated or
//! edited, is refused by `generate --continue` and `scrub` (or, for a harmless edit, the continuation repeats
//! no number); a list and its manifest are written as one unit, checked before anything is written and never
//! mixed between two writers.

use std::collections::HashSet;
use std::path::Path;

use serde_json::{Value, json};

use super::{refused, run};

/// `generate` with `args`, which must succeed.
fn ok(dir: &Path, args: &[&str]) {
    let out = run(dir, args);
    assert!(out.status.success(), "dialsim {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// The numbers of a list file (first field of every line but a CSV header).
fn numbers(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().filter(|l| !l.starts_with("number")).map(|l| l.split(',').next().unwrap().to_string()).collect()
}

fn manifest(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn put(path: &Path, m: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(m).unwrap()).unwrap();
}

/// The number at `position` of the default cz list for `seed`, as a forger would compute it.
fn number_at(seed: u64, position: u64) -> String {
    crate::common::list("cz", seed).number_at(position).to_string()
}

/// `generate --continue a.csv -n N -o c.csv` in `dir`: `Err(stderr)` when refused (clearly: no panic, no
/// signal, nothing written), else the continuation's numbers.
fn continue_list(dir: &Path, n: &str) -> Result<Vec<String>, String> {
    let _ = std::fs::remove_file(dir.join("c.csv"));
    let out = run(dir, &["generate", "--continue", "a.csv", "-n", n, "-o", "c.csv"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        return Ok(numbers(&dir.join("c.csv")));
    }
    refused(&out, "a.csv");
    assert!(!dir.join("c.csv").exists(), "a refused continuation wrote its list: {err}");
    Err(err)
}

/// Checks that a continuation shares no number with the list it continues.
fn no_overlap(list: &[String], continued: &[String], what: &str) {
    let listed: HashSet<&String> = list.iter().collect();
    let repeated = continued.iter().filter(|n| listed.contains(n)).count();
    assert_eq!(repeated, 0, "{what}: the continuation repeats {repeated} of {} numbers", continued.len());
}

/// A list of 1,000 positions with gaps (a suppression list removes every 7th number) and its manifest.
fn gapped_list(dir: &Path, shard: &str) -> (Vec<String>, Value) {
    let whole = run(dir, &["generate", "-n", "1200", "--seed", "5", "--format", "txt"]);
    let some: String = String::from_utf8(whole.stdout).unwrap().lines().step_by(7).map(|n| format!("{n}\n")).collect();
    std::fs::write(dir.join("s.csv"), some).unwrap();
    ok(dir, &["generate", "-n", "1000", "--seed", "5", "--shard", shard, "--suppress", "s.csv", "-o", "a.csv"]);
    (numbers(&dir.join("a.csv")), manifest(&dir.join("a.csv.manifest.json")))
}

#[test]
fn a_manifest_moved_back_is_refused_instead_of_repeating_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["generate", "-n", "1000", "--seed", "3", "-o", "a.csv"]);
    let at = d.join("a.csv.manifest.json");
    let original = manifest(&at);
    for back in [1, 500, 999] {
        let mut m = original.clone();
        m["generation"]["last_index"] = json!(999 - back);
        put(&at, &m);
        let err = continue_list(d, "1000").expect_err("a manifest moved back was continued");
        assert!(err.contains(&format!("past position {}, the last one recorded", 999 - back)), "{err}");
        // Moved back with the number at the new last position forged too: the file still says where it ends.
        m["generation"]["last_number"] = json!(number_at(3, 999 - back));
        put(&at, &m);
        continue_list(d, "1000").expect_err("a consistently forged manifest was continued");
    }
}

#[test]
fn positions_past_the_list_are_refused_at_once_not_walked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["generate", "-n", "100", "--seed", "3", "-o", "a.csv"]);
    let at = d.join("a.csv.manifest.json");
    let original = manifest(&at);
    for (field, value) in [
        ("last_index", json!(1_000_000_000_000u64)),
        ("last_index", json!(u64::MAX)),
        ("last_index", json!(343_100_000u64)), // the cz space's size: one past its last position
        ("start", json!(1_000_000_000_000u64)),
    ] {
        let mut m = original.clone();
        m["generation"][field] = value.clone();
        put(&at, &m);
        let start = std::time::Instant::now();
        let err = continue_list(d, "10").expect_err("a position past the list was continued");
        assert!(err.contains("the list's"), "{field} = {value}: {err}");
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "{field} = {value} took {:?}", start.elapsed());
    }
}

#[test]
fn a_null_last_index_is_refused_instead_of_restarting_at_zero() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["generate", "-n", "100", "--seed", "3", "-o", "a.csv"]);
    let at = d.join("a.csv.manifest.json");
    let mut m = manifest(&at);
    m["generation"]["last_index"] = Value::Null;
    put(&at, &m);
    let err = continue_list(d, "100").expect_err("a null last index restarted the list");
    assert!(err.contains("no number was written"), "{err}");
    m["generation"]["last_number"] = Value::Null;
    m["list"]["last_row"] = Value::Null;
    put(&at, &m);
    continue_list(d, "100").expect_err("a null last row restarted the list");
}

#[test]
fn a_swapped_truncated_or_edited_list_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["generate", "-n", "200", "--seed", "3", "-o", "a.csv"]);
    ok(d, &["generate", "-n", "200", "--seed", "4", "-o", "other.csv"]);
    let original = std::fs::read(d.join("a.csv")).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let edited_last = {
        let mut l = lines.clone();
        let last = l.pop().unwrap().replacen("+420", "+421", 1);
        format!("{}\n{last}\n", l.join("\n"))
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("another seed's list", std::fs::read(d.join("other.csv")).unwrap()),
        ("truncated mid-line", original[..original.len() - 7].to_vec()),
        ("truncated to half", original[..original.len() / 2].to_vec()),
        ("last line deleted", format!("{}\n", lines[..lines.len() - 1].join("\n")).into_bytes()),
        ("last line edited", edited_last.into_bytes()),
        ("empty", Vec::new()),
    ];
    for (what, bytes) in cases {
        std::fs::write(d.join("a.csv"), &bytes).unwrap();
        let err = continue_list(d, "100").expect_err(what);
        assert!(err.contains("not the list its manifest"), "{what}: {err}");
        let out = run(d, &["scrub", "a.csv", "--suppress", "other.csv", "-o", "s.csv"]);
        refused(&out, "not the list its manifest");
        assert!(!d.join("s.csv").exists(), "{what}: scrub wrote");
    }
    std::fs::remove_file(d.join("a.csv")).unwrap();
    let err = continue_list(d, "100").expect_err("a missing list");
    assert!(err.contains("no such list"), "{err}");
}

#[test]
fn scrub_refuses_to_carry_over_a_tampered_generation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["generate", "-n", "300", "--seed", "3", "-o", "a.csv"]);
    std::fs::write(d.join("r.csv"), format!("{}\n", numbers(&d.join("a.csv"))[10])).unwrap();
    let at = d.join("a.csv.manifest.json");
    let original = manifest(&at);
    for (field, value) in [("last_index", json!(100)), ("seed", json!(4)), ("last_index", Value::Null)] {
        let mut m = original.clone();
        m["generation"][field] = value;
        put(&at, &m);
        let out = run(d, &["scrub", "a.csv", "--suppress", "r.csv", "-o", "s.csv"]);
        refused(&out, "a.csv");
        assert!(!d.join("s.csv").exists() && !d.join("s.csv.manifest.json").exists(), "{field}");
    }
    // The untouched pair scrubs, and its output continues where the list stopped, repeating nothing.
    put(&at, &original);
    ok(d, &["scrub", "a.csv", "--suppress", "r.csv", "-o", "s.csv"]);
    let s = manifest(&d.join("s.csv.manifest.json"));
    assert_eq!(s["generation"], original["generation"]);
    assert_eq!(s["list"]["rows"], 299);
    assert_eq!(s["list"]["sha256"], dialsim::sha256_hex(&std::fs::read(d.join("s.csv")).unwrap()));
    ok(d, &["generate", "--continue", "s.csv", "-n", "100", "-o", "c.csv"]);
    no_overlap(&numbers(&d.join("a.csv")), &numbers(&d.join("c.csv")), "continued after a scrub");
    // And a scrubbed list whose manifest is moved back is refused like any other.
    let mut m = s.clone();
    m["generation"]["last_index"] = json!(150);
    m["generation"]["last_number"] = json!(number_at(3, 150));
    put(&d.join("s.csv.manifest.json"), &m);
    let out = run(d, &["generate", "--continue", "s.csv", "-n", "100", "-o", "c2.csv"]);
    refused(&out, "s.csv");
}

/// Every field of the manifest edited, one at a time and in consistent forgeries: each continuation is refused
/// or shares no number with the list (on a list with gaps, unsharded and sharded).
#[test]
fn a_continuation_after_any_manifest_edit_repeats_no_number() {
    for shard in ["1/1", "2/3"] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (list, original) = gapped_list(d, shard);
        let at = d.join("a.csv.manifest.json");
        let g = &original["generation"];
        let last = g["last_index"].as_u64().unwrap();
        let mut edits: Vec<(String, Value)> = Vec::new();
        let mut edit = |what: &str, f: &dyn Fn(&mut Value)| {
            let mut m = original.clone();
            f(&mut m);
            edits.push((what.to_string(), m));
        };
        for delta in [-600i64, -3, -1, 1, 3, 600] {
            let p = (last as i64 + delta) as u64;
            edit(&format!("last_index {delta:+}"), &|m| m["generation"]["last_index"] = json!(p));
            edit(&format!("last_index {delta:+} with its number"), &|m| {
                m["generation"]["last_index"] = json!(p);
                m["generation"]["last_number"] = json!(number_at(5, p));
            });
            edit(&format!("last_index {delta:+} with its number and the list's last row"), &|m| {
                m["generation"]["last_index"] = json!(p);
                m["generation"]["last_number"] = json!(number_at(5, p));
                m["list"]["last_row"] = json!({"position": p, "number": number_at(5, p)});
            });
        }
        for seed in [4u64, 6, 0] {
            edit(&format!("seed {seed}"), &|m| m["generation"]["seed"] = json!(seed));
            edit(&format!("seed {seed} with the number at the last position"), &|m| {
                m["generation"]["seed"] = json!(seed);
                m["generation"]["last_number"] = json!(number_at(seed, last));
                m["list"]["last_row"]["number"] = json!(number_at(seed, last));
            });
        }
        let fields: Vec<(&str, Value)> = vec![
            ("start", json!(0)),
            ("start", json!(500)),
            ("shard", json!("1/1")),
            ("shard", json!("1/3")),
            ("shard", json!("3/3")),
            ("shard", json!("0/0")),
            ("written", json!(5)),
            ("scanned", json!(0)),
            ("count", Value::Null),
            ("format", json!("txt")),
            ("format", json!("vicidial")),
            ("exhausted", json!(true)),
            ("permutation_version", json!(0)),
            ("types", json!(["mobile"])),
            ("prefixes", json!(["60"])),
            ("lengths", json!([8])),
            ("mix", json!("mobile=0.5,fixedLine=0.5")),
            ("last_number", json!("+420601000000")),
            ("last_number", json!("é".repeat(100_000))),
            ("prefixes", json!((0..200_000).map(|i| i.to_string()).collect::<Vec<_>>())),
            ("last_number", Value::Null),
            ("exclusions", json!([])),
            ("continues", json!("elsewhere.csv")),
        ];
        for (field, value) in fields {
            edit(&format!("{field} = {value}"), &|m| m["generation"][field] = value.clone());
        }
        for (field, value) in [
            ("sha256", json!("0".repeat(64))),
            ("sha256", json!(format!("a{}", "é".repeat(63)))),
            ("bytes", json!(1)),
            ("rows", json!(1)),
            ("last_row", Value::Null),
            ("last_row", json!({"position": 0, "number": list[0]})),
        ] {
            edit(&format!("list {field} = {value}"), &|m| m["list"][field] = value.clone());
        }
        edit("list record removed", &|m| {
            m.as_object_mut().unwrap().remove("list");
        });
        edit("generation removed", &|m| m["generation"] = Value::Null);
        let mut accepted = 0;
        for (what, m) in &edits {
            put(&at, m);
            if let Ok(continued) = continue_list(d, "300") {
                no_overlap(&list, &continued, &format!("shard {shard}, {what}"));
                accepted += 1;
            }
        }
        // Edits that change nothing the order depends on (counts, sources, the predecessor's name) may pass;
        // most are refused, and the untouched manifest still continues.
        assert!(accepted < edits.len() / 4, "shard {shard}: {accepted} of {} edits continued", edits.len());
        put(&at, &original);
        let continued = continue_list(d, "300").expect("the untouched manifest continues");
        assert!(!continued.is_empty());
        no_overlap(&list, &continued, "untouched");
    }
}

/// The acceptance case at size: a 2 M list, its manifest moved back or forged consistently, is refused; the
/// untouched one continues with no number of the list repeated.
#[test]
fn a_two_million_list_continued_after_a_manifest_edit_repeats_no_number() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["generate", "-n", "2000000", "--seed", "8", "-o", "a.csv"]);
    let list = numbers(&d.join("a.csv"));
    assert_eq!(list.len(), 2_000_000);
    let at = d.join("a.csv.manifest.json");
    let original = manifest(&at);
    let mut moved = original.clone();
    moved["generation"]["last_index"] = json!(1_000_000);
    moved["generation"]["last_number"] = json!(number_at(8, 1_000_000));
    moved["list"]["last_row"] = json!({"position": 1_000_000, "number": number_at(8, 1_000_000)});
    let mut reseeded = original.clone();
    reseeded["generation"]["seed"] = json!(9);
    reseeded["generation"]["last_number"] = json!(number_at(9, 1_999_999));
    reseeded["list"]["last_row"]["number"] = json!(number_at(9, 1_999_999));
    for (what, m) in [("moved back", &moved), ("reseeded", &reseeded), ("untouched", &original)] {
        put(&at, m);
        match continue_list(d, "1000000") {
            Ok(continued) => {
                assert_eq!(what, "untouched", "a forged manifest was continued");
                assert_eq!(continued.len(), 1_000_000);
                no_overlap(&list, &continued, what);
            }
            Err(err) => assert_ne!(what, "untouched", "{err}"),
        }
    }
}

#[test]
fn an_unbound_manifest_is_refused_unless_accepted_and_then_checked_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["generate", "-n", "300", "--seed", "3", "-o", "a.csv"]);
    let at = d.join("a.csv.manifest.json");
    let mut old = manifest(&at);
    old.as_object_mut().unwrap().remove("list");
    put(&at, &old);
    let err = continue_list(d, "100").expect_err("an unbound manifest was continued");
    assert!(err.contains("predates the binding") && err.contains("--accept-unbound-list"), "{err}");
    let out = run(d, &["scrub", "a.csv", "--suppress", "a.csv", "-o", "s.csv"]);
    refused(&out, "predates the binding");
    // Accepted explicitly: the rows are still checked, and the continuation's manifest is bound.
    ok(d, &["generate", "--continue", "a.csv", "--accept-unbound-list", "-n", "100", "-o", "c.csv"]);
    no_overlap(&numbers(&d.join("a.csv")), &numbers(&d.join("c.csv")), "accepted");
    assert!(manifest(&d.join("c.csv.manifest.json"))["list"]["sha256"].is_string());
    let mut moved = old.clone();
    moved["generation"]["last_index"] = json!(100);
    moved["generation"]["last_number"] = json!(number_at(3, 100));
    put(&at, &moved);
    let out = run(d, &["generate", "--continue", "a.csv", "--accept-unbound-list", "-n", "100", "-o", "c2.csv"]);
    refused(&out, "past position 100");
}

#[test]
fn an_output_whose_manifest_is_an_input_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A suppression list whose name is the manifest name of -o x.csv: writing x.csv writes it over.
    let register = "number\n+420601123456\n";
    std::fs::write(d.join("x.csv.manifest.json"), register).unwrap();
    ok(d, &["generate", "-n", "50", "--seed", "3", "--format", "txt", "-o", "y.txt"]);
    for args in [
        &["generate", "-n", "10", "--seed", "1", "--suppress", "x.csv.manifest.json", "-o", "x.csv"][..],
        &["scrub", "y.txt", "--suppress", "x.csv.manifest.json", "-o", "x.csv"][..],
        &[
            "generate",
            "-n",
            "10",
            "--seed",
            "1",
            "--suppress",
            "x.csv.manifest.json",
            "-o",
            "z.csv",
            "--manifest",
            "x.csv.manifest.json",
        ][..],
    ] {
        let out = run(d, args);
        refused(&out, "x.csv.manifest.json");
        assert_eq!(std::fs::read_to_string(d.join("x.csv.manifest.json")).unwrap(), register, "{args:?}");
        assert!(!d.join("x.csv").exists() && !d.join("z.csv").exists(), "{args:?} wrote its list");
    }
    // --manifest naming the list itself, or the manifest of the list continued.
    let out = run(d, &["generate", "-n", "10", "--seed", "1", "-o", "z.csv", "--manifest", "z.csv"]);
    refused(&out, "two names");
    assert!(!d.join("z.csv").exists());
    ok(d, &["generate", "-n", "50", "--seed", "3", "-o", "a.csv"]);
    let sidecar = std::fs::read(d.join("a.csv.manifest.json")).unwrap();
    let out =
        run(d, &["generate", "--continue", "a.csv", "-n", "10", "-o", "w.csv", "--manifest", "a.csv.manifest.json"]);
    refused(&out, "a.csv.manifest.json");
    assert_eq!(std::fs::read(d.join("a.csv.manifest.json")).unwrap(), sidecar, "the input manifest was changed");
    assert!(!d.join("w.csv").exists());
}

#[test]
fn a_manifest_that_is_a_link_is_refused_before_the_list_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("elsewhere.json"), "kept\n").unwrap();
    std::os::unix::fs::symlink(d.join("elsewhere.json"), d.join("x.csv.manifest.json")).unwrap();
    std::os::unix::fs::symlink(d.join("elsewhere.json"), d.join("m.json")).unwrap();
    for args in [
        &["generate", "-n", "10", "--seed", "1", "-o", "x.csv"][..],
        &["generate", "-n", "10", "--seed", "1", "-o", "y.csv", "--manifest", "m.json"][..],
    ] {
        let out = run(d, args);
        refused(&out, "symbolic link");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("wrote"), "the list was written first: {err}");
    }
    assert!(!d.join("x.csv").exists() && !d.join("y.csv").exists(), "a list was written");
    assert_eq!(std::fs::read_to_string(d.join("elsewhere.json")).unwrap(), "kept\n");
    assert!(std::fs::symlink_metadata(d.join("x.csv.manifest.json")).unwrap().file_type().is_symlink());
}

/// Two processes writing the same list at once, 25 times: every time the list on disk and its manifest are
/// one writer's (the manifest's hash is the list's, and its seed gives the list's first number), and the pair
/// continues.
#[test]
fn concurrent_writers_to_one_list_leave_a_list_and_manifest_that_belong_together() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bin = assert_cmd::cargo::cargo_bin("dialsim");
    for round in 0..25u64 {
        let writers: Vec<_> = [2 * round + 1, 2 * round + 2]
            .iter()
            .map(|seed| {
                std::process::Command::new(&bin)
                    .current_dir(d)
                    .args(["generate", "-n", "20", "--seed", &seed.to_string(), "-o", "same.csv"])
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for w in writers {
            let out = w.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
        }
        let bytes = std::fs::read(d.join("same.csv")).unwrap();
        let m = manifest(&d.join("same.csv.manifest.json"));
        assert_eq!(m["list"]["sha256"], dialsim::sha256_hex(&bytes), "round {round}: the manifest is another list's");
        let seed = m["generation"]["seed"].as_u64().unwrap();
        assert_eq!(numbers(&d.join("same.csv"))[0], number_at(seed, 0), "round {round}: seed {seed}");
    }
    ok(d, &["generate", "--continue", "same.csv", "-n", "10", "-o", "next.csv"]);
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn no_output_replaces_the_registry_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["registry", "init", "--registry", "r.sqlite"]);
    std::fs::write(d.join("objectors.csv"), "number\n+420601000001\n+420601000002\n").unwrap();
    ok(d, &["registry", "import", "objectors.csv", "--kind", "suppression", "--registry", "r.sqlite"]);
    // A list recorded in the registry, which caches its exclusion filter beside it.
    ok(d, &["generate", "-n", "5", "--seed", "1", "--registry", "r.sqlite", "-o", "l.csv"]);
    assert!(d.join("r.sqlite.exclude.filter").exists());
    let registry = std::fs::read(d.join("r.sqlite")).unwrap();
    for args in [
        &["generate", "-n", "5", "--seed", "1", "--registry", "r.sqlite", "-o", "r.sqlite"][..],
        &["generate", "-n", "5", "--seed", "1", "--registry", "r.sqlite", "-o", "x.csv", "--manifest", "r.sqlite"],
        &["generate", "-n", "5", "--seed", "1", "--registry", "r.sqlite", "-o", "r.sqlite.exclude.filter"],
        &["scrub", "l.csv", "--registry", "r.sqlite", "-o", "./r.sqlite"],
        &["registry", "export", "-o", "r.sqlite", "--registry", "r.sqlite"],
    ] {
        // Before: the list, its manifest or the export was renamed over the registry (status 0 for the export,
        // 1 for the others when the registry was next opened to record the list): its objections were gone.
        refused(&run(d, args), "the output is the same file as the input");
        assert_eq!(std::fs::read(d.join("r.sqlite")).unwrap(), registry, "{args:?} changed the registry");
        assert!(!d.join("x.csv").exists(), "{args:?} wrote its list");
    }
    let status = run(d, &["registry", "status", "--json", "--registry", "r.sqlite"]);
    let status: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["suppressed_numbers"], 2);
}
