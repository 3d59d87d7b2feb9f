//! The registry (issue 24): campaigns that accumulate in one SQLite file, its refusals, and its safety under
//! concurrent writers. Every test runs the real binary in a scratch folder.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use common::{by_header, dialsim, ok_stdout};

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/known").join(name).display().to_string()
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

fn access(dir: &Path, number: &str) -> serde_json::Value {
    serde_json::from_slice(&ok_stdout(dir, &["registry", "access", number])).unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The numbers of a run: objected or withdrawn (suppression.csv), consenting and not withdrawn
/// (consents.jsonl).
fn outcomes(run: &Path) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let mut objected = BTreeSet::new();
    let mut withdrawn = BTreeSet::new();
    for row in by_header(read(run.join("suppression.csv"))) {
        if row["scope"] == "withdrawal" {
            withdrawn.insert(row["number"].clone());
        } else {
            objected.insert(row["number"].clone());
        }
    }
    let mut consenting = BTreeSet::new();
    for line in read(run.join("consents.jsonl")).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["type"] == "consent" {
            consenting.insert(v["piiPrincipalId"].as_str().unwrap().to_string());
        }
    }
    let consenting = consenting.difference(&withdrawn).cloned().collect();
    (objected, withdrawn, consenting)
}

const MARKETING: &str = "compliance.purpose=\"marketing\"";

#[test]
fn campaigns_accumulate_in_the_registry_objections_are_never_redialled_and_consents_are_the_next_basis() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_stdout(d, &["registry", "init"]);
    for (file, kind) in [
        ("customers.csv", "known"),
        ("purchased-list.csv", "known"),
        ("dnc-register.csv", "known"),
        ("objectors.csv", "suppression"),
        ("opt-in.csv", "opt-in"),
    ] {
        ok_stdout(d, &["registry", "import", &data(file), "--kind", kind]);
    }
    // Campaign 1: a marketing day of generated numbers.
    ok_stdout(
        d,
        &["simulate", "--seed", "1", "--out", "c1", "--registry", "dialsim.registry.sqlite", "--set", MARKETING],
    );
    let (objected, withdrawn, consenting) = outcomes(&d.join("c1"));
    assert!(!objected.is_empty() && !withdrawn.is_empty() && !consenting.is_empty(), "campaign 1 made each kind");
    // Numbers called in campaign 1 that neither objected nor consented: cold, with no basis.
    let cold: Vec<String> = by_header(read(d.join("c1/calls.csv")))
        .into_iter()
        .map(|r| r["number"].clone())
        .filter(|n| !objected.contains(n) && !withdrawn.contains(n) && !consenting.contains(n))
        .take(20)
        .collect();
    // Campaign 2, a month later: a list holding all of them.
    let mut list = String::from("number\n");
    for n in objected.iter().chain(&withdrawn).chain(&consenting).chain(&cold) {
        list.push_str(n);
        list.push('\n');
    }
    std::fs::write(d.join("list.csv"), list).unwrap();
    ok_stdout(
        d,
        &[
            "simulate",
            "--seed",
            "2",
            "--out",
            "c2",
            "--registry",
            "dialsim.registry.sqlite",
            "--set",
            MARKETING,
            "--set",
            "numbers.list=\"list.csv\"",
            "--set",
            "run.start_date=\"2026-02-02\"",
        ],
    );
    let calls = by_header(read(d.join("c2/calls.csv")));
    let dialled: HashSet<&str> = calls.iter().map(|r| r["number"].as_str()).collect();
    for n in objected.iter().chain(&withdrawn) {
        assert!(!dialled.contains(n.as_str()), "{n} objected or withdrew in campaign 1 and was dialled in campaign 2");
    }
    let mut consent_calls = 0;
    for r in &calls {
        if consenting.contains(&r["number"]) {
            assert_eq!(r["basis"], "consent", "call {} to {}", r["call_id"], r["number"]);
            consent_calls += 1;
        } else {
            assert_eq!(r["basis"], "none", "call {} to {}", r["call_id"], r["number"]);
        }
    }
    assert!(consent_calls > 0, "campaign 2 called some of campaign 1's consenting numbers");
    // The audit flags the cold marketing calls (cz-2022's opt-in), and none to a consenting number.
    let audit = dialsim(d, &["audit", "c2"]);
    let out = String::from_utf8_lossy(&audit.stdout);
    let flagged: Vec<&str> = out.lines().filter(|l| l.contains("marketing-basis")).collect();
    assert!(!flagged.is_empty(), "cold marketing calls are flagged: {out}");
    for n in &consenting {
        assert!(!flagged.iter().any(|l| l.contains(n.as_str())), "{n} has a consent yet is flagged");
    }

    // Access shows each kind of record.
    let o = objected.first().unwrap();
    let held = access(d, o);
    assert!(held["suppressions"].as_array().unwrap().iter().any(|s| s["reason"] == "objection"), "{held}");
    let w = withdrawn.first().unwrap();
    let held = access(d, w);
    let receipt = &held["consents"][0];
    assert!(receipt["withdrawn_at"].is_string(), "{held}");
    assert!(receipt["receipt"].get("piiPrincipalName").is_none(), "a withdrawn receipt keeps no name: {held}");
    assert!(!held["withdrawals"].as_array().unwrap().is_empty(), "{held}");
    let c = consenting.first().unwrap();
    let held = access(d, c);
    assert!(held["consents"][0]["receipt"]["piiPrincipalName"].is_string(), "{held}");
    assert!(held["consents"][0]["withdrawn_at"].is_null(), "{held}");

    // Erasure leaves only the tombstone, and says why it keeps it.
    let erased: serde_json::Value = serde_json::from_slice(&ok_stdout(d, &["registry", "erase", c])).unwrap();
    assert!(erased["grounds"].as_str().unwrap().contains("Art. 17(3)"), "{erased}");
    let held = access(d, c);
    let suppressions = held["suppressions"].as_array().unwrap();
    assert_eq!(suppressions.len(), 1, "{held}");
    assert_eq!(suppressions[0]["reason"], "erasure");
    for k in ["consents", "withdrawals", "bases"] {
        assert!(held[k].as_array().unwrap().is_empty(), "{k} left after erasure: {held}");
    }
    // The export holds every number never to call again, the erased one too.
    ok_stdout(d, &["registry", "export", "-o", "suppress.csv"]);
    let exported: HashSet<String> =
        by_header(read(d.join("suppress.csv"))).into_iter().map(|r| r["number"].clone()).collect();
    assert!(exported.contains(c) && exported.contains(o) && exported.contains(w));
}

#[test]
fn an_empty_registry_changes_no_byte_of_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_stdout(d, &["registry", "init", "--registry", "empty.sqlite"]);
    let set = ["--set", "run.day_hours=1"];
    ok_stdout(d, &[&["simulate", "--seed", "5", "--out", "plain"][..], &set].concat());
    ok_stdout(d, &[&["simulate", "--seed", "5", "--out", "reg", "--registry", "empty.sqlite"][..], &set].concat());
    for f in ["calls.csv", "suppression.csv", "consents.jsonl", "names.csv", "summary.json"] {
        assert_eq!(read(d.join("plain").join(f)), read(d.join("reg").join(f)), "{f} differs");
    }
    // … and the run was written back.
    let status: serde_json::Value =
        serde_json::from_slice(&ok_stdout(d, &["registry", "status", "--json", "--registry", "empty.sqlite"])).unwrap();
    let campaigns = status["counts"].as_array().unwrap().iter().find(|c| c[0] == "campaigns").unwrap()[1].clone();
    assert_eq!(campaigns, 1, "{status}");
}

#[test]
fn a_registry_of_a_newer_schema_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_stdout(d, &["registry", "init", "--registry", "new.sqlite"]);
    let conn = rusqlite::Connection::open(d.join("new.sqlite")).unwrap();
    conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')", []).unwrap();
    drop(conn);
    for args in [&["registry", "status"][..], &["simulate", "--seed", "1"][..], &["registry", "init"][..]] {
        let o = dialsim(d, &[args, &["--registry", "new.sqlite"]].concat());
        assert!(!o.status.success(), "{args:?} used a registry of a newer schema");
        let e = stderr(&o);
        assert!(e.contains("new.sqlite") && e.contains("version 99") && e.contains("newer"), "{e}");
    }
}

#[test]
fn a_truncated_or_foreign_registry_file_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("garbage.sqlite"),
        b"this is no database at all, just some text that is long enough to fill a header of a hundred bytes",
    )
    .unwrap();
    let o = dialsim(d, &["registry", "status", "--registry", "garbage.sqlite"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("garbage.sqlite") && stderr(&o).contains("not an SQLite"), "{}", stderr(&o));

    ok_stdout(d, &["registry", "init", "--registry", "cut.sqlite"]);
    ok_stdout(d, &["registry", "import", &data("dnc-register.csv"), "--kind", "known", "--registry", "cut.sqlite"]);
    let bytes = std::fs::read(d.join("cut.sqlite")).unwrap();
    assert!(bytes.len() > 8192, "{} bytes: the import was checkpointed into the file", bytes.len());
    std::fs::write(d.join("cut.sqlite"), &bytes[..bytes.len() / 2]).unwrap();
    let o = dialsim(d, &["registry", "status", "--registry", "cut.sqlite"]);
    assert!(!o.status.success(), "a truncated registry was read");
    assert!(stderr(&o).contains("cut.sqlite") && stderr(&o).contains("truncated"), "{}", stderr(&o));
}

#[test]
fn two_processes_importing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_stdout(d, &["registry", "init"]);
    // Two files of 40 000 distinct mobile numbers each, none shared.
    let files: Vec<PathBuf> = (0..2u64)
        .map(|f| {
            let path = d.join(format!("part{f}.csv"));
            let mut text = String::from("number\n");
            for i in 0..40_000u64 {
                text.push_str(&format!("+420{}\n", 601_000_000 + f * 100_000 + i));
            }
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
                .current_dir(d)
                .args(["registry", "import", &f.display().to_string(), "--kind", "suppression"])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let status: serde_json::Value = serde_json::from_slice(&ok_stdout(d, &["registry", "status", "--json"])).unwrap();
    assert_eq!(status["suppressed_numbers"], 80_000, "{status}");
}

#[test]
fn a_malformed_import_row_is_an_error_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_stdout(d, &["registry", "init"]);
    // 60 numbers and two values that are not (3 %, more than the 1 % allowed), the first on line 32.
    let mut text = String::from("number\n");
    for i in 0..60 {
        text.push_str(&format!("+4206011{i:05}\n"));
        if i == 29 {
            text.push_str("not a number\n");
        }
        if i == 42 {
            text.push_str("12\n");
        }
    }
    std::fs::write(d.join("bad.csv"), text).unwrap();
    let o = dialsim(d, &["registry", "import", "bad.csv", "--kind", "suppression"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("bad.csv:32"), "{}", stderr(&o));
    std::fs::write(d.join("quote.csv"), "number\n+420601123456\n\"+420601123457\n").unwrap();
    let o = dialsim(d, &["registry", "import", "quote.csv", "--kind", "suppression"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("quote.csv:3"), "{}", stderr(&o));
    // Nothing of a refused file was written.
    let status: serde_json::Value = serde_json::from_slice(&ok_stdout(d, &["registry", "status", "--json"])).unwrap();
    assert_eq!(status["suppressed_numbers"], 0, "{status}");
    // A register needs its date.
    std::fs::write(d.join("ok.csv"), "number\n+420601123456\n").unwrap();
    let o = dialsim(d, &["registry", "import", "ok.csv", "--kind", "register", "--name", "nevolajte-mi"]);
    assert!(!o.status.success() && stderr(&o).contains("date"), "{}", stderr(&o));
}

#[test]
fn an_import_killed_mid_write_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_stdout(d, &["registry", "init"]);
    let mut text = String::from("number\n");
    for i in 0..1_000_000u64 {
        text.push_str(&format!("+420{}\n", 601_000_000 + i));
    }
    std::fs::write(d.join("million.csv"), text).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .current_dir(d)
        .args(["registry", "import", "million.csv", "--kind", "suppression"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The transaction's pages spill into the WAL before it commits: kill (SIGKILL) once they do.
    let wal = d.join("dialsim.registry.sqlite-wal");
    let mut killed_mid_write = false;
    loop {
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 1 << 20) {
            killed_mid_write = child.try_wait().unwrap().is_none();
            child.kill().unwrap();
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    child.wait().unwrap();
    let status: serde_json::Value = serde_json::from_slice(&ok_stdout(d, &["registry", "status", "--json"])).unwrap();
    let n = status["suppressed_numbers"].as_u64().unwrap();
    assert!(n == 0 || n == 1_000_000, "{n} numbers: a killed import left part of its rows");
    if killed_mid_write {
        assert_eq!(n, 0, "killed before its commit, yet rows are there");
    }
    let sources = status["counts"].as_array().unwrap().iter().find(|c| c[0] == "sources").unwrap()[1].as_u64();
    assert_eq!(sources, Some(u64::from(n > 0)), "{status}");
}
