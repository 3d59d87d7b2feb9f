//! The command line describing the library's tables, and the registry's own commands, as jobs: `plan`, `keys`,
//! `law`, `man --dir` and `registry` each run through `dialsim::jobs` give what the binary prints or writes.

use std::path::Path;

use dialsim::jobs::{
    DerivePlanJob, DocsJob, Import, Kind, LawJob, PlanFacts, Reading, RegistryJob, ScenarioValues, key_completions,
    key_defaults, key_lines, keys_json, keys_markdown, kpi_names,
};

use crate::common::{dialsim, ok_stdout};

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path).display().to_string()
}

#[test]
fn plan_facts_count_every_row_and_list_every_embedded_plan() {
    let plans = PlanFacts::embedded().unwrap();
    let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["cz", "sk", "de", "gb", "us"]);
    for p in &plans {
        assert!(!p.rows.is_empty() && !p.numbers.is_empty(), "{}", p.name);
        assert_eq!(p.total(), p.rows.iter().map(|r| r.count()).sum::<u64>(), "{}", p.name);
    }
    let cz = PlanFacts::named("CZ").unwrap();
    assert_eq!((cz.name.as_str(), cz.country_code), ("cz", 420));
    let err = PlanFacts::named("xx").unwrap_err();
    assert_eq!(err.kind(), dialsim::ErrorKind::Request, "{err}");
}

#[test]
fn a_derived_plan_is_returned_for_stdout_and_written_whole_to_a_file_with_the_same_bytes() {
    let d = tempfile::tempdir().unwrap();
    let mut job = DerivePlanJob {
        metadata: repo("tests/data/metadata-small.xml").into(),
        regions: Some(vec![" cz".into()]),
        metadata_version: Some("9.9.9".into()),
        output: Some("-".into()),
    };
    let shown = job.run().unwrap();
    let text = shown.text.expect("stdout: the text is returned");
    assert_eq!(shown.version, "9.9.9");
    assert!(text.contains("CZ,premiumRate,729,9"), "{text}");
    let out = d.path().join("p.csv");
    job.output = Some(out.clone());
    let written = job.run().unwrap();
    assert_eq!(written.text, None);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    // The binary writes the same bytes for the same request.
    let xml = repo("tests/data/metadata-small.xml");
    let printed = ok_stdout(d.path(), &["plan", "derive", &xml, "--region", "CZ", "--metadata-version", "9.9.9"]);
    assert_eq!(printed, text.as_bytes());
    // Without a version given or in the path, the version is unknown; the region table is derived too.
    job.metadata_version = None;
    job.output = None;
    job.regions = None;
    let regions = job.run().unwrap();
    assert_eq!(regions.version, "unknown");
    assert!(regions.text.unwrap().contains("CZ,420"));
}

#[test]
fn docs_job_writes_every_file_or_none() {
    let d = tempfile::tempdir().unwrap();
    let files = vec![("a.1".to_string(), b"A\n".to_vec()), ("b.1".to_string(), b"B\n".to_vec())];
    assert_eq!(DocsJob { dir: d.path().into(), files: files.clone() }.run().unwrap(), 2);
    assert_eq!(std::fs::read(d.path().join("b.1")).unwrap(), b"B\n");
    // A name that is a folder is refused before any file is replaced.
    let e = tempfile::tempdir().unwrap();
    std::fs::create_dir(e.path().join("b.1")).unwrap();
    std::fs::write(e.path().join("a.1"), "old").unwrap();
    assert!(DocsJob { dir: e.path().into(), files }.run().is_err());
    assert_eq!(std::fs::read_to_string(e.path().join("a.1")).unwrap(), "old");
    let left: Vec<_> = std::fs::read_dir(e.path()).unwrap().collect();
    assert_eq!(left.len(), 2, "no temporary file is left");
}

#[test]
fn man_dir_writes_the_pages_the_binary_renders() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("man")).unwrap();
    ok_stdout(d.path(), &["man", "--dir", "man"]);
    let top = ok_stdout(d.path(), &["man"]);
    assert_eq!(std::fs::read(d.path().join("man/dialsim.1")).unwrap(), top);
    assert!(d.path().join("man/dialsim-registry-import.1").is_file());
    let out = dialsim(d.path(), &["man", "--dir", "missing"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--dir missing: no such folder"));
}

#[test]
fn the_key_references_are_what_keys_prints() {
    let d = tempfile::tempdir().unwrap();
    let lines = key_lines();
    assert_eq!(lines.len(), dialsim::scenario_keys().len());
    let printed = String::from_utf8(ok_stdout(d.path(), &["keys"])).unwrap();
    let kpis = kpi_names();
    assert!(printed.starts_with(&format!(
        "# KPIs (--for, --kpi; columns of replications.csv, sweep.csv, compare -o)\n{}\n",
        kpis.join("\n")
    )));
    assert!(printed.ends_with(&format!("{}\n", lines.join("\n"))));
    let set: Vec<String> = key_defaults().into_iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    assert!(set.iter().any(|l| l.starts_with("dialer.agents=")));
    assert_eq!(ok_stdout(d.path(), &["keys", "--set"]), set.concat().into_bytes());
    assert_eq!(ok_stdout(d.path(), &["keys", "--json"]), keys_json().into_bytes());
    assert_eq!(ok_stdout(d.path(), &["keys", "--markdown"]), keys_markdown().into_bytes());
    // Every key with a default completes, and a boolean key completes to true and false.
    let c = key_completions();
    assert!(key_defaults().iter().all(|(k, _)| c.names.contains(k)));
    assert!(c.values.iter().any(|(_, v)| *v == ["true", "false"]));
}

#[test]
fn scenario_values_mark_what_the_file_sets() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.toml");
    std::fs::write(&path, "[dialer]\nagents = 7\n").unwrap();
    let s = ScenarioValues::read(path.to_str().unwrap()).unwrap();
    let values = s.values().unwrap();
    let agents = values.iter().find(|v| v.name == "dialer.agents").unwrap();
    assert_eq!((agents.value.as_deref(), agents.from_file), (Some("7"), true));
    assert!(values.iter().any(|v| v.value.is_some() && !v.from_file));
    assert!(ScenarioValues::read(d.path().join("none.toml").to_str().unwrap()).is_err());
}

#[test]
fn law_marks_the_one_regime_in_force_on_the_date_and_refuses_an_unknown_name() {
    let on = |d: &str| Some(d.parse().unwrap());
    let all = LawJob { which: None, date: on("2022-06-30") }.run().unwrap();
    assert!(all.jurisdictions.len() >= 6 && all.jurisdictions.last().unwrap().jurisdiction.is_generic());
    for j in &all.jurisdictions {
        assert_eq!(j.regimes.iter().filter(|r| r.in_force).count(), 1, "{}", j.jurisdiction.code);
    }
    let cz = |d: &str| {
        let law = LawJob { which: Some("cz".into()), date: on(d) }.run().unwrap();
        law.jurisdictions[0].regimes.iter().find(|r| r.in_force).unwrap().regime.name
    };
    assert_ne!(cz("2010-01-01"), cz("2026-01-01"), "the Czech law changed in between");
    let one = LawJob { which: Some(cz("2026-01-01").into()), date: None }.run().unwrap();
    assert_eq!(one.jurisdictions[0].regimes.len(), 1);
    let err = LawJob { which: Some("atlantis".into()), date: None }.run().unwrap_err();
    assert_eq!(err.kind(), dialsim::ErrorKind::Request);
    assert!(err.to_string().contains("no jurisdiction or regime \"atlantis\""), "{err}");
}

#[test]
fn registry_job_imports_tells_erases_and_exports_as_the_binary_does() {
    let d = tempfile::tempdir().unwrap();
    let job = RegistryJob { registry: d.path().join("r.sqlite").display().to_string() };
    assert!(job.init().unwrap() > 0);
    let import = Import {
        files: vec![repo("data/known/dnc-register.csv")],
        kind: Kind::Register,
        name: Some("nevolajte-mi".into()),
        date: Some("2026-01-01".into()),
        plan: "cz".into(),
        reading: Reading::default(),
    };
    let mut told = Vec::new();
    job.import(&import, &mut |i| told.push((i.file.to_string(), i.rows))).unwrap();
    assert_eq!(told, [(repo("data/known/dnc-register.csv"), 3000)]);
    let status = job.status(Some("2026-01-02".parse().unwrap())).unwrap();
    assert_eq!(status.status.suppressed_numbers, 3000);
    assert_eq!(status.status.registers[0].age_days, Some(1));
    // The status the binary prints as JSON is the job's.
    let printed =
        ok_stdout(d.path(), &["registry", "status", "--registry", "r.sqlite", "--on", "2026-01-02", "--json"]);
    let mut json = serde_json::to_string_pretty(&status.status).unwrap();
    json.push('\n');
    assert_eq!(String::from_utf8(printed).unwrap(), json.replace(&job.registry, "r.sqlite"));
    // A file that is missing stops the import with its name, before the registry takes anything.
    let missing = Import { files: vec!["missing.csv".into()], ..import.clone() };
    let stopped = job.import(&missing, &mut |_| panic!("nothing imported")).unwrap_err();
    assert!(stopped.applying.is_none() && stopped.error.to_string().contains("missing.csv"));
    // Erasure keeps the tombstone; export writes the suppressed numbers.
    let first = std::fs::read_to_string(repo("data/known/dnc-register.csv")).unwrap();
    let number = first.lines().find(|l| l.chars().any(|c| c.is_ascii_digit())).unwrap().split(',').next().unwrap();
    let held = job.access(number, "cz").unwrap();
    assert!(!held.suppressions.is_empty(), "{number}");
    let erased = job.erase(number, "cz").unwrap();
    assert_eq!(erased.document()["erased"], held.number.as_str());
    assert!(job.access("no number", "cz").is_err());
    let out = d.path().join("s.csv");
    assert_eq!(job.export(&out).unwrap(), 3000);
    let pruned = job.prune(None).unwrap();
    assert_eq!((pruned.receipts, pruned.withdrawn_receipt_days), (0, 1095));
}
