//! The registry (issue 24): campaigns that accumulate in it, its refusals, and its safety under concurrent
//! writers — each on an SQLite file and on a PostgreSQL server (a fresh database per test on the server that
//! `DIALSIM_PG_URL` names; `.ci/postgres start DIR` starts a throw-away one). Without `DIALSIM_PG_URL` the
//! PostgreSQL tests say so and pass locally; in CI (`CI` set) they fail instead. Every test runs the real
//! binary in a scratch folder.

use crate::common;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use common::{by_header, dialsim, ok_stdout};

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/known").join(name).display().to_string()
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

fn access(dir: &Path, r: &Reg, number: &str) -> serde_json::Value {
    serde_json::from_slice(&ok(dir, r, &["registry", "access", number])).unwrap()
}

fn status(dir: &Path, r: &Reg) -> serde_json::Value {
    serde_json::from_slice(&ok(dir, r, &["registry", "status", "--json"])).unwrap()
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

/// A registry for one test: an SQLite file in the test's folder, or a fresh database on the PostgreSQL
/// server, dropped when the test ends.
struct Reg {
    arg: String,
    admin: Option<(String, String)>,
}

impl Reg {
    fn sqlite(name: &str) -> Reg {
        Reg { arg: name.to_string(), admin: None }
    }

    /// A fresh database on the server of `DIALSIM_PG_URL`, or `None` (printed) when there is none outside CI.
    fn postgres(test: &str) -> Option<Reg> {
        let Ok(admin) = std::env::var("DIALSIM_PG_URL") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the PostgreSQL registry tests: DIALSIM_PG_URL is not set (.ci/run starts a cluster)"
            );
            eprintln!(
                "SKIPPED {test}: DIALSIM_PG_URL is not set (eval \"$(.ci/postgres start /tmp/pg)\" starts a server)"
            );
            return None;
        };
        // PostgreSQL cuts names at 63 bytes: the test's name is cut first, so that the process id stays.
        let db = format!("dialsim_{}_{}", &test[..test.len().min(40)], std::process::id());
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("DIALSIM_PG_URL: cannot connect");
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).unwrap();
        client.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
        let (base, _) = admin.rsplit_once('/').expect("DIALSIM_PG_URL ends with /DATABASE");
        Some(Reg { arg: format!("{base}/{db}"), admin: Some((admin, db)) })
    }

    fn is_pg(&self) -> bool {
        self.admin.is_some()
    }

    /// Runs `sql` in the registry's own database (PostgreSQL) or file (SQLite), in folder `d`.
    fn execute(&self, d: &Path, sql: &str) {
        if self.is_pg() {
            postgres::Client::connect(&self.arg, postgres::NoTls).unwrap().batch_execute(sql).unwrap();
        } else {
            rusqlite::Connection::open(d.join(&self.arg)).unwrap().execute_batch(sql).unwrap();
        }
    }
}

impl Drop for Reg {
    fn drop(&mut self) {
        if let Some((admin, db)) = &self.admin
            && let Ok(mut c) = postgres::Client::connect(admin, postgres::NoTls)
        {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
        }
    }
}

/// `args` with `--registry R` after them.
fn with(r: &Reg, args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).chain(["--registry".to_string(), r.arg.clone()]).collect()
}

fn ok(d: &Path, r: &Reg, args: &[&str]) -> Vec<u8> {
    let o = run(d, r, args);
    assert!(o.status.success(), "dialsim {args:?} failed: {}", stderr(&o));
    o.stdout
}

/// The binary with `args` and `--registry R`, in `d`, caching a server registry's filter in `d/cache`.
fn run(d: &Path, r: &Reg, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("dialsim")
        .unwrap()
        .current_dir(d)
        .env("DIALSIM_CACHE_DIR", d.join("cache"))
        .args(with(r, args))
        .output()
        .unwrap()
}

/// Declares a test on SQLite and on PostgreSQL of the body `$f(dir, registry)`.
macro_rules! on_both {
    ($sqlite:ident, $pg:ident, $f:ident) => {
        #[test]
        fn $sqlite() {
            let dir = tempfile::tempdir().unwrap();
            $f(dir.path(), &Reg::sqlite("dialsim.registry.sqlite"));
        }
        #[test]
        fn $pg() {
            let dir = tempfile::tempdir().unwrap();
            if let Some(r) = Reg::postgres(stringify!($pg)) {
                $f(dir.path(), &r);
            }
        }
    };
}

const MARKETING: &str = "compliance.purpose=\"marketing\"";

on_both!(campaigns_accumulate_in_an_sqlite_registry, campaigns_accumulate_in_a_postgres_registry, campaigns_accumulate);

/// Objections and withdrawals are never redialled, and consents are the next campaign's basis.
fn campaigns_accumulate(d: &Path, r: &Reg) {
    ok(d, r, &["registry", "init"]);
    for (file, kind) in [
        ("customers.csv", "known"),
        ("purchased-list.csv", "known"),
        ("dnc-register.csv", "known"),
        ("objectors.csv", "suppression"),
        ("opt-in.csv", "opt-in"),
    ] {
        ok(d, r, &["registry", "import", &data(file), "--kind", kind]);
    }
    // Campaign 1: a marketing day of generated numbers.
    ok(d, r, &["simulate", "--seed", "1", "--out", "c1", "--set", MARKETING]);
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
    ok(
        d,
        r,
        &[
            "simulate",
            "--seed",
            "2",
            "--out",
            "c2",
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
    let held = access(d, r, o);
    assert!(held["suppressions"].as_array().unwrap().iter().any(|s| s["reason"] == "objection"), "{held}");
    let w = withdrawn.first().unwrap();
    let held = access(d, r, w);
    let receipt = &held["consents"][0];
    assert!(receipt["withdrawn_at"].is_string(), "{held}");
    assert!(receipt["receipt"].get("piiPrincipalName").is_none(), "a withdrawn receipt keeps no name: {held}");
    assert!(!held["withdrawals"].as_array().unwrap().is_empty(), "{held}");
    let c = consenting.first().unwrap();
    let held = access(d, r, c);
    assert!(held["consents"][0]["receipt"]["piiPrincipalName"].is_string(), "{held}");
    assert!(held["consents"][0]["withdrawn_at"].is_null(), "{held}");

    // Erasure leaves only the tombstone, and says why it keeps it.
    let erased: serde_json::Value = serde_json::from_slice(&ok(d, r, &["registry", "erase", c])).unwrap();
    assert!(erased["grounds"].as_str().unwrap().contains("Art. 17(3)"), "{erased}");
    let held = access(d, r, c);
    let suppressions = held["suppressions"].as_array().unwrap();
    assert_eq!(suppressions.len(), 1, "{held}");
    assert_eq!(suppressions[0]["reason"], "erasure");
    for k in ["consents", "withdrawals", "bases"] {
        assert!(held[k].as_array().unwrap().is_empty(), "{k} left after erasure: {held}");
    }
    // The export holds every number never to call again, the erased one too.
    ok(d, r, &["registry", "export", "-o", "suppress.csv"]);
    let exported: HashSet<String> =
        by_header(read(d.join("suppress.csv"))).into_iter().map(|r| r["number"].clone()).collect();
    assert!(exported.contains(c) && exported.contains(o) && exported.contains(w));
}

on_both!(an_empty_sqlite_registry_changes_no_byte_of_a_run, an_empty_postgres_registry_changes_no_byte_of_a_run, empty);

fn empty(d: &Path, r: &Reg) {
    ok(d, r, &["registry", "init"]);
    let set = ["--set", "run.day_hours=1"];
    ok_stdout(d, &[&["simulate", "--seed", "5", "--out", "plain"][..], &set].concat());
    ok(d, r, &[&["simulate", "--seed", "5", "--out", "reg"][..], &set].concat());
    for f in ["calls.csv", "suppression.csv", "consents.jsonl", "names.csv", "summary.json"] {
        assert_eq!(read(d.join("plain").join(f)), read(d.join("reg").join(f)), "{f} differs");
    }
    // … and the run was written back.
    let status = status(d, r);
    let campaigns = status["counts"].as_array().unwrap().iter().find(|c| c[0] == "campaigns").unwrap()[1].clone();
    assert_eq!(campaigns, 1, "{status}");
}

on_both!(
    an_sqlite_registry_of_a_newer_schema_is_refused_naming_it,
    a_postgres_registry_of_a_newer_schema_is_refused_naming_it,
    newer_schema
);

fn newer_schema(d: &Path, r: &Reg) {
    if r.is_pg() {
        // A database that is not a registry is refused, not written to.
        let o = run(d, r, &["registry", "status"]);
        assert!(!o.status.success() && stderr(&o).contains("not a dialsim registry"), "{}", stderr(&o));
    }
    ok(d, r, &["registry", "init"]);
    r.execute(d, "INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')");
    let name = if r.is_pg() { r.arg.rsplit('/').next().unwrap() } else { r.arg.as_str() };
    for args in [&["registry", "status"][..], &["simulate", "--seed", "1"][..], &["registry", "init"][..]] {
        let o = run(d, r, args);
        assert!(!o.status.success(), "{args:?} used a registry of a newer schema");
        let e = stderr(&o);
        assert!(e.contains(name) && e.contains("version 99") && e.contains("newer"), "{e}");
    }
}

/// `registry status` counts register ages to today in UTC, as `law` marks today's regime: the process's time
/// zone moves no output. UTC+14 and UTC−12 are always on different dates, so a local "today" would fail here at
/// any hour (jiff is built without `tz-system`, so its "local" zone is UTC today; this guards the day a feature
/// or a dependency turns the system zone on).
#[test]
fn registry_status_counts_ages_to_the_same_today_in_every_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |tz: &str, args: &[&str]| {
        let o = assert_cmd::Command::cargo_bin("dialsim").unwrap().current_dir(d).env("TZ", tz).args(args).output();
        let o = o.unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    run("UTC", &["registry", "init", "--registry", "r.sqlite"]);
    let tps = data("dnc-register.csv");
    let import = ["registry", "import", &tps, "--kind", "register", "--name", "tps", "--date", "2026-01-01"];
    run("UTC", &[&import[..], &["--plan", "cz", "--registry", "r.sqlite"]].concat());
    let status = ["registry", "status", "--registry", "r.sqlite"];
    let (east, west) = (run("Pacific/Kiritimati", &status), run("Etc/GMT+12", &status));
    assert!(east.contains("register tps of 2026-01-01:"), "{east}");
    assert_eq!(east, west);
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    assert!(east.contains(&format!("days old on {today}")) || west.contains(&format!("days old on {today}")));
}

#[test]
fn a_registry_path_naming_a_folder_is_refused_not_made_a_file_without_its_slash() {
    let dir = tempfile::tempdir().unwrap();
    let o = crate::common::dialsim(dir.path(), &["registry", "init", "--registry", "reg/"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("reg/: names a folder"), "{}", stderr(&o));
    // It made a file `reg`.
    assert!(!dir.path().join("reg").exists());
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

on_both!(
    two_processes_importing_into_sqlite_at_once_lose_nothing,
    two_processes_importing_into_postgres_at_once_lose_nothing,
    two_importers
);

fn two_importers(d: &Path, r: &Reg) {
    ok(d, r, &["registry", "init"]);
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
                .args(with(r, &["registry", "import", &f.display().to_string(), "--kind", "suppression"]))
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let status = status(d, r);
    assert_eq!(status["suppressed_numbers"], 80_000, "{status}");
}

on_both!(
    a_malformed_row_imported_into_sqlite_is_an_error_naming_file_and_line,
    a_malformed_row_imported_into_postgres_is_an_error_naming_file_and_line,
    malformed
);

fn malformed(d: &Path, r: &Reg) {
    ok(d, r, &["registry", "init"]);
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
    let o = run(d, r, &["registry", "import", "bad.csv", "--kind", "suppression"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("bad.csv:32"), "{}", stderr(&o));
    std::fs::write(d.join("quote.csv"), "number\n+420601123456\n\"+420601123457\n").unwrap();
    let o = run(d, r, &["registry", "import", "quote.csv", "--kind", "suppression"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("quote.csv:3"), "{}", stderr(&o));
    // Nothing of a refused file was written.
    let status = status(d, r);
    assert_eq!(status["suppressed_numbers"], 0, "{status}");
    // A register needs its date.
    std::fs::write(d.join("ok.csv"), "number\n+420601123456\n").unwrap();
    let o = run(d, r, &["registry", "import", "ok.csv", "--kind", "register", "--name", "nevolajte-mi"]);
    assert!(!o.status.success() && stderr(&o).contains("date"), "{}", stderr(&o));
    // An empty source name was accepted.
    let o = run(d, r, &["registry", "import", "ok.csv", "--kind", "suppression", "--name", " "]);
    assert!(o.status.code() == Some(2) && stderr(&o).contains("--name is empty"), "{}", stderr(&o));
    // `registry close` given the list, or another JSON file, instead of the list's manifest: told so (it said
    // "expected ident at line 1 column 3", or closed nothing without a word).
    std::fs::write(d.join("run.json"), "{\"run\": 1}").unwrap();
    for given in ["ok.csv", "run.json"] {
        let o = run(d, r, &["registry", "close", given]);
        assert_eq!(o.status.code(), Some(1), "{given}: {}", stderr(&o));
        assert!(stderr(&o).contains(given) && stderr(&o).contains("not a list's manifest"), "{}", stderr(&o));
    }
}

on_both!(
    the_audit_checks_a_run_against_the_sqlite_registry_as_it_stood,
    the_audit_checks_a_run_against_the_postgres_registry_as_it_stood,
    audit_as_it_stood
);

fn audit_as_it_stood(d: &Path, r: &Reg) {
    ok(d, r, &["registry", "init"]);
    ok(d, r, &["registry", "import", &data("objectors.csv"), "--kind", "suppression"]);
    let day = ["--set", "run.day_hours=1"];
    ok(d, r, &[&["simulate", "--seed", "4", "--out", "c1"][..], &day].concat());
    let state: serde_json::Value = serde_json::from_str(&read(d.join("c1/registry.json"))).unwrap();
    assert_eq!(state["suppressed"], 200, "{state}");
    let audit = |dir: &str| run(d, r, &["audit", dir]);
    let o = audit("c1");
    assert_eq!(o.status.code(), Some(0), "{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    // Numbers c1 dialled, suppressed after it ran: c1 is still clean, for it was audited as the registry stood.
    let dialled: Vec<String> =
        by_header(read(d.join("c1/calls.csv"))).into_iter().map(|r| r["number"].clone()).take(30).collect();
    std::fs::write(d.join("later.csv"), format!("number\n{}\n", dialled.join("\n"))).unwrap();
    ok(d, r, &["registry", "import", "later.csv", "--kind", "suppression"]);
    let o = audit("c1");
    assert_eq!(o.status.code(), Some(0), "{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    // The same folder without its registry state is held to the registry as it stands: those calls are flagged.
    std::fs::remove_file(d.join("c1/registry.json")).unwrap();
    let o = run(d, r, &["audit", "c1", "--no-manifest"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(4), "{out}{}", stderr(&o));
    assert!(
        out.lines().any(|l| l.contains("known-number") && l.contains("registry:") && l.contains(&dialled[0][1..])),
        "{out}"
    );
    // A run that never read the registry and dialled numbers suppressed in it is flagged.
    let list = format!("numbers.list=\"{}\"", d.join("later.csv").display());
    ok_stdout(d, &[&["simulate", "--seed", "5", "--out", "c2", "--set", &list][..], &day].concat());
    let o = audit("c2");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(4), "{out}{}", stderr(&o));
    assert!(out.contains("known-number"), "{out}");
}

#[test]
fn a_scenario_names_its_registry_and_the_flag_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["named.sqlite", "flag.sqlite"] {
        ok_stdout(d, &["registry", "init", "--registry", name]);
    }
    let set = ["--set", "registry=\"named.sqlite\"", "--set", "run.day_hours=1"];
    ok_stdout(d, &[&["simulate", "--seed", "1", "--out", "a"][..], &set].concat());
    ok_stdout(d, &[&["simulate", "--seed", "1", "--out", "b", "--registry", "flag.sqlite"][..], &set].concat());
    let campaigns = |name: &str| {
        let s: serde_json::Value =
            serde_json::from_slice(&ok_stdout(d, &["registry", "status", "--json", "--registry", name])).unwrap();
        s["counts"].as_array().unwrap().iter().find(|c| c[0] == "campaigns").unwrap()[1].as_u64().unwrap()
    };
    assert_eq!((campaigns("named.sqlite"), campaigns("flag.sqlite")), (1, 1));
    assert!(read(d.join("a/registry.json")).contains("named.sqlite"));
    assert!(read(d.join("b/registry.json")).contains("flag.sqlite"));
}

on_both!(
    an_sqlite_import_keeps_each_rows_kind_time_and_source,
    a_postgres_import_keeps_each_rows_kind_time_and_source,
    per_row
);

fn per_row(d: &Path, r: &Reg) {
    ok(d, r, &["registry", "init"]);
    std::fs::write(
        d.join("crm.csv"),
        "number,kind,time,source\n\
         +420601000001,objection,2026-01-05T10:00:00+01:00,crm\n\
         +420601000002,dnc-request,2026-02-01,web form\n\
         +420601000003,,,\n\
         +420601000001,objection,2026-03-01T08:00:00Z,crm\n",
    )
    .unwrap();
    ok(d, r, &["registry", "import", "crm.csv", "--kind", "suppression"]);
    let held = |n: &str| access(d, r, n)["suppressions"][0].clone();
    let one = held("+420601000001");
    assert_eq!((one["reason"].as_str(), one["scope"].as_str()), (Some("objection"), Some("crm")), "{one}");
    assert_eq!(one["at"], "2026-01-05T09:00:00Z", "the first row of a number, its time in UTC: {one}");
    let two = held("+420601000002");
    assert_eq!(
        (two["reason"].as_str(), two["scope"].as_str(), two["at"].as_str()),
        (Some("dnc-request"), Some("web form"), Some("2026-02-01"))
    );
    let three = held("+420601000003");
    assert_eq!((three["reason"].as_str(), three["scope"].as_str()), (Some("suppression"), Some("all")), "{three}");
    assert!(three["at"].is_null(), "{three}");
    // A time that is no time, and a kind that is the registry's own, are errors naming file and line; nothing
    // of such a file is written.
    std::fs::write(
        d.join("bad.csv"),
        "number,kind,time\n+420601000004,objection,2026-01-05\n+420601000005,objection,yesterday\n",
    )
    .unwrap();
    let o = run(d, r, &["registry", "import", "bad.csv", "--kind", "suppression"]);
    assert!(
        !o.status.success() && stderr(&o).contains("bad.csv:3") && stderr(&o).contains("yesterday"),
        "{}",
        stderr(&o)
    );
    std::fs::write(d.join("own.csv"), "number,kind\n+420601000006,issued\n").unwrap();
    let o = run(d, r, &["registry", "import", "own.csv", "--kind", "suppression"]);
    assert!(!o.status.success() && stderr(&o).contains("own.csv:2"), "{}", stderr(&o));
    assert_eq!(status(d, r)["suppressed_numbers"], 3);
}

/// Lists drawn against the registry: its cached exclusion filter and exclusive lists.
mod killed;
mod lists;
/// Series of campaigns against one registry.
mod series;
