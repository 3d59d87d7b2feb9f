//! `dialsim audit` on a run folder: the faults injected into a run are found in its files, the manifest is
//! checked first and sources given later are matched to the run's by content, and no path the folder's
//! summary names is read (or echoed) unless asked.

use super::*;

#[test]
fn the_audit_command_finds_injected_faults_in_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let o = common::dialsim(
        dir.path(),
        &["simulate", "--seed", "3", "--out", "bad", "--set", "compliance.faults.skip_objection_offer=0.05"],
    );
    assert!(o.status.success());
    let audit = common::dialsim(dir.path(), &["audit", "bad"]);
    assert_eq!(audit.status.code(), Some(4));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("bad/summary.json")).unwrap()).unwrap();
    let injected = summary["faults_injected"]["skip_objection_offer"].as_u64().unwrap();
    let listed = String::from_utf8(audit.stdout).unwrap();
    assert_eq!(listed.lines().filter(|l| l.contains("objection-offer")).count() as u64, injected);
    assert!(listed.lines().all(|l| l.starts_with("call ")));

    // A malformed file is an error naming it, not a panic.
    std::fs::write(
        dir.path().join("bad/suppression.csv"),
        "number,time,call_id,scope\n+420601123456,yesterday,1,marketing\n",
    )
    .unwrap();
    let audit = common::dialsim(dir.path(), &["audit", "bad"]);
    assert_eq!(audit.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&audit.stderr).contains("suppression.csv:2: bad time"));
    let audit = common::dialsim(dir.path(), &["audit", "missing"]);
    assert_eq!(audit.status.code(), Some(1));
}

/// A run folder from elsewhere cannot make `audit` read, or echo, a file its summary names: the scenario's
/// exclusion paths are read only with `--follow-scenario-paths`.
#[test]
fn audit_reads_scenario_paths_only_when_asked_and_never_echoes_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = common::dialsim(d, &["simulate", "--seed", "5", "--out", "run", "--set", "run.day_hours=1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(d.join("secret.txt"), "root:topsecret-hash-value:19000:0:99999:7:::\n").unwrap();
    let path = d.join("run/summary.json");
    let mut summary: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    summary["scenario"]["numbers"]["suppress"] = serde_json::json!([d.join("secret.txt").display().to_string()]);
    std::fs::write(&path, serde_json::to_vec_pretty(&summary).unwrap()).unwrap();

    let audit = common::dialsim(d, &["audit", "run"]);
    let all = format!("{}{}", String::from_utf8_lossy(&audit.stdout), String::from_utf8_lossy(&audit.stderr));
    assert!(!all.contains("topsecret"), "{all}");
    assert!(all.contains("not checked: known-number"), "{all}");

    let follow = common::dialsim(d, &["audit", "run", "--follow-scenario-paths"]);
    let all = format!("{}{}", String::from_utf8_lossy(&follow.stdout), String::from_utf8_lossy(&follow.stderr));
    assert_eq!(follow.status.code(), Some(1), "the recorded file is read and refused: {all}");
    assert!(!all.contains("topsecret-hash"), "at most the start of the offending field: {all}");
}

/// `audit` checks the run folder against its manifest first: an edited, removed or added file is reported and
/// makes the exit non-zero, and the rules still run. A source list given later is matched to the run's by content.
#[test]
fn audit_verifies_the_manifest_and_matches_given_sources_to_the_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = common::dialsim(d, &["simulate", "--seed", "6", "--out", "run", "--set", "run.day_hours=1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let known = concat!(env!("CARGO_MANIFEST_DIR"), "/data/known/objectors.csv");
    let clean = common::dialsim(d, &["audit", "run", "--suppress", known]);
    let err = String::from_utf8_lossy(&clean.stderr);
    assert_eq!(clean.status.code(), Some(0), "{err}");
    assert!(err.contains("is the run's source embedded:data/known/objectors.csv"), "{err}");

    // One outcome relabelled: the manifest names calls.csv.
    let calls = d.join("run/calls.csv");
    let text = std::fs::read_to_string(&calls).unwrap();
    std::fs::write(&calls, text.replacen(",busy,", ",no_answer,", 1)).unwrap();
    std::fs::write(d.join("run/extra.txt"), "x").unwrap();
    let tampered = common::dialsim(d, &["audit", "run"]);
    let out = String::from_utf8_lossy(&tampered.stdout);
    assert_eq!(tampered.status.code(), Some(4), "{out}");
    assert!(out.lines().any(|l| l.starts_with("-\tmanifest\t") && l.contains("calls.csv")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("-\tmanifest\t") && l.contains("extra.txt")), "{out}");
}
