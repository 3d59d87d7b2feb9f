//! `dialsim audit` as evidence: every tampering of a clean run folder listed in the compliance issue is found
//! and named by its rule — with the manifest left as it was, and with the manifest recomputed to match the edit
//! (only a signature checked with the run's key tells the second case by the manifest alone). Also: Bloom-filter
//! hits are "possibly known", timestamps carry the zone's true offset, withdrawn receipts keep no names, and
//! every ledger line matches `data/schemas/consent-ledger.schema.json`.
use crate::common;

use std::path::{Path, PathBuf};

use serde_json::Value;

mod records;

/// A clean run folder of the default scenario (seed 21), made once per test in `dir`.
/// A clean run of the default day on the built-in defaults' dense population (30 % of numbers dead, no strata,
/// no mix): the tampering tests need connected referrals, consents and objections in the run.
fn clean_run(dir: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["simulate", "--seed", "21", "--out", "run"];
    args.extend_from_slice(&["--set", "population.mobile={}", "--set", "population.fixedLine={}"]);
    args.extend_from_slice(&["--set", "numbers.mix={}"]);
    args.extend_from_slice(extra);
    let o = common::dialsim(dir, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir.join("run")
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A CSV file as (header, rows of fields), read with the csv crate.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let header = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows = rdr.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let mut text = header.join(",") + "\n";
    for r in rows {
        text += &(r.join(",") + "\n");
    }
    std::fs::write(path, text).unwrap();
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

/// Runs `dialsim audit` in `dir` with `args`; returns (exit code, stdout, stderr).
fn audit(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    let o = common::dialsim(dir, &all);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

/// Rules named in audit's stdout (the second tab-separated field of each line).
fn rules(stdout: &str) -> Vec<String> {
    stdout.lines().filter_map(|l| l.split('\t').nth(1)).map(String::from).collect()
}

/// One tampering: a name and the edit it makes to a copy of the run folder.
struct Tamper {
    name: &'static str,
    rule: &'static str,
    edit: fn(&Path),
}

fn relabel_objection(run: &Path) {
    let p = run.join("calls.csv");
    let (h, mut rows) = read_csv(&p);
    let o = col(&h, "outcome");
    let row = rows.iter_mut().find(|r| r[o] == "objected").expect("an objection");
    row[o] = "refused".into();
    write_csv(&p, &h, &rows);
}

fn second_name_under_a_receipt(run: &Path) {
    let p = run.join("names.csv");
    let (h, mut rows) = read_csv(&p);
    let mut extra = rows[0].clone();
    extra[col(&h, "name")] = "Jana Další".into();
    rows.push(extra);
    write_csv(&p, &h, &rows);
}

fn name_under_a_receipt_that_does_not_exist(run: &Path) {
    // The number has a receipt of its own; the new name claims one the ledger never wrote.
    let p = run.join("names.csv");
    let (h, mut rows) = read_csv(&p);
    let mut extra = rows[0].clone();
    extra[col(&h, "name")] = "Petr Jiný".into();
    extra[col(&h, "receipt")] = "cr-0000000000000000-1".into();
    rows.push(extra);
    write_csv(&p, &h, &rows);
}

/// Appends a call to `number` at `dial_s` with outcome `busy`, as the next call id.
fn append_call(run: &Path, number: &str, dial_s: f64) {
    let p = run.join("calls.csv");
    let (h, mut rows) = read_csv(&p);
    let mut row = vec![String::new(); h.len()];
    row[col(&h, "call_id")] = rows.len().to_string();
    row[col(&h, "number")] = number.into();
    row[col(&h, "attempt")] = "1".into();
    row[col(&h, "dial_s")] = format!("{dial_s:.3}");
    row[col(&h, "outcome")] = "busy".into();
    for c in ["ring_s", "wait_s", "talk_s", "wrap_s"] {
        row[col(&h, c)] = "0.000".into();
    }
    rows.push(row);
    write_csv(&p, &h, &rows);
}

fn redial_objector_without_its_suppression_row(run: &Path) {
    let p = run.join("suppression.csv");
    let (h, mut rows) = read_csv(&p);
    let i = rows.iter().position(|r| r[col(&h, "scope")] == "marketing").unwrap();
    let removed = rows.remove(i);
    write_csv(&p, &h, &rows);
    let number = removed[col(&h, "number")].clone();
    let (ch, calls) = read_csv(&run.join("calls.csv"));
    let last = calls.iter().map(|r| r[col(&ch, "dial_s")].parse::<f64>().unwrap()).fold(0.0, f64::max);
    append_call(run, &number, last + 1.0);
}

fn redial_within_the_scenarios_own_lockout(run: &Path) {
    let (h, calls) = read_csv(&run.join("calls.csv"));
    // An abandoned call: a live person dropped, or hung up on by AMD (both lock the number).
    let drop = calls
        .iter()
        .find(|r| ["dropped", "amd_drop"].contains(&r[col(&h, "outcome")].as_str()))
        .expect("an abandoned call in the default day");
    let at: f64 = drop[col(&h, "dial_s")].parse().unwrap();
    append_call(run, &drop[col(&h, "number")].clone(), at + 3600.0);
}

fn delete_a_row(run: &Path) {
    let p = run.join("calls.csv");
    let (h, mut rows) = read_csv(&p);
    rows.remove(rows.len() / 2);
    write_csv(&p, &h, &rows);
}

fn duplicate_a_row(run: &Path) {
    let p = run.join("calls.csv");
    let (h, mut rows) = read_csv(&p);
    let r = rows[rows.len() / 2].clone();
    rows.insert(rows.len() / 2, r);
    write_csv(&p, &h, &rows);
}

fn cut_calls_at_a_line_end(run: &Path) {
    let p = run.join("calls.csv");
    let (h, rows) = read_csv(&p);
    write_csv(&p, &h, &rows[..rows.len() / 2]);
}

fn edit_summary(run: &Path, f: impl Fn(&mut Value)) {
    let p = run.join("summary.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
}

fn zero_summary_counts(run: &Path) {
    edit_summary(run, |v| {
        for k in ["dials", "objections", "consents_granted", "withdrawals"] {
            v[k] = 0.into();
        }
    });
}

fn edit_profile(run: &Path) {
    edit_summary(run, |v| v["scenario"]["compliance"]["profile"] = "uk-ofcom".into());
}

fn remove_an_art14_notice(run: &Path) {
    let p = run.join("calls.csv");
    let (h, mut rows) = read_csv(&p);
    let (n, r) = (col(&h, "notice"), col(&h, "referral_of"));
    let row = rows.iter_mut().find(|x| !x[r].is_empty() && x[n] == "art14").expect("a connected referral");
    row[n] = "standard".into();
    write_csv(&p, &h, &rows);
}

/// The lines of consents.jsonl, each edited by `f` (which may change any line), written back.
fn edit_ledger(run: &Path, f: impl Fn(&mut Vec<Value>)) {
    let p = run.join("consents.jsonl");
    let mut lines: Vec<Value> =
        std::fs::read_to_string(&p).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    f(&mut lines);
    let text: String = lines.iter().map(|v| v.to_string() + "\n").collect();
    std::fs::write(&p, text).unwrap();
}

/// The ids of the withdrawn receipts.
fn withdrawn_ids(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .filter(|v| v["type"] == "withdrawal")
        .map(|v| v["consentReceiptID"].as_str().unwrap().to_string())
        .collect()
}

fn name_kept_on_a_withdrawn_receipt(run: &Path) {
    edit_ledger(run, |lines| {
        let id = withdrawn_ids(lines).into_iter().next().expect("a withdrawal");
        let rc = lines.iter_mut().find(|v| v["type"] == "consent" && v["consentReceiptID"] == id.as_str()).unwrap();
        rc["piiPrincipalName"] = "Eva Nováková".into();
    });
}

fn withdrawal_shaped_as_a_receipt(run: &Path) {
    edit_ledger(run, |lines| {
        let w = lines.iter_mut().find(|v| v["type"] == "withdrawal").expect("a withdrawal");
        w["version"] = "KI-CR-v1.1.0".into();
        w["status"] = "withdrawn".into();
    });
}

/// A receipt's id replaced by one that is no UUID, everywhere it is named (its name's row, its withdrawal).
fn receipt_id_not_a_uuid(run: &Path) {
    let p = run.join("consents.jsonl");
    let text = std::fs::read_to_string(&p).unwrap();
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let id = first["consentReceiptID"].as_str().unwrap().to_string();
    for file in ["consents.jsonl", "names.csv"] {
        let f = run.join(file);
        let t = std::fs::read_to_string(&f).unwrap();
        std::fs::write(&f, t.replace(&id, "cr-5e19579c84631ffd-4594")).unwrap();
    }
}

fn controller_country_edited(run: &Path) {
    edit_ledger(run, |lines| lines[0]["piiControllers"][0]["address"]["addressCountry"] = "GB".into());
}

fn wording_hash_edited(run: &Path) {
    edit_ledger(run, |lines| lines[0]["consentWordingSha256"] = "0".repeat(64).into());
}

fn processing_record_deleted(run: &Path) {
    std::fs::remove_file(run.join("processing.json")).unwrap();
}

fn processing_retention_edited(run: &Path) {
    let p = run.join("processing.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    v["activities"][0]["retention"]["referralLinkDays"] = 365.into();
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

/// Moves the first receipt's consent time to `hh_mm_ss` on the run's first day (the floor's clock), outside its
/// call: before the calling window opens, or after it closes.
fn move_consent_time(run: &Path, hh_mm_ss: &str) {
    let p = run.join("consents.jsonl");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut moved = false;
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            if !moved && v["type"] == "consent" {
                let t = v["consentTime"].as_str().unwrap().to_string();
                v["consentTime"] = format!("{}T{hh_mm_ss}.000{}", &t[..10], &t[t.len() - 6..]).into();
                moved = true;
            }
            serde_json::to_string(&v).unwrap()
        })
        .collect();
    assert!(moved, "a receipt in the default day");
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
}

fn consent_time_before_the_call(run: &Path) {
    move_consent_time(run, "08:00:00");
}

fn consent_time_after_the_call(run: &Path) {
    move_consent_time(run, "23:30:00");
}

const TAMPERS: &[Tamper] = &[
    Tamper { name: "objected call relabelled", rule: "objection-record", edit: relabel_objection },
    Tamper { name: "second name under a receipt", rule: "name-without-consent", edit: second_name_under_a_receipt },
    Tamper {
        name: "name under a receipt that does not exist",
        rule: "name-without-consent",
        edit: name_under_a_receipt_that_does_not_exist,
    },
    Tamper {
        name: "objector redialled, suppression row deleted",
        rule: "suppressed-number",
        edit: redial_objector_without_its_suppression_row,
    },
    Tamper {
        name: "redial within the scenario's 72 h lockout under cz-2018",
        rule: "drop-lockout",
        edit: redial_within_the_scenarios_own_lockout,
    },
    Tamper { name: "row deleted", rule: "call-ids", edit: delete_a_row },
    Tamper { name: "row duplicated", rule: "call-ids", edit: duplicate_a_row },
    Tamper { name: "calls.csv cut at a line end", rule: "summary-counts", edit: cut_calls_at_a_line_end },
    Tamper { name: "summary counts zeroed", rule: "summary-counts", edit: zero_summary_counts },
    Tamper { name: "profile edited in summary.json", rule: "profile", edit: edit_profile },
    Tamper { name: "Art. 14 notice removed", rule: "notice-art14", edit: remove_an_art14_notice },
    Tamper { name: "consent time before its call", rule: "consent-time", edit: consent_time_before_the_call },
    Tamper { name: "consent time after its call", rule: "consent-time", edit: consent_time_after_the_call },
    Tamper {
        name: "name kept on a withdrawn receipt in consents.jsonl",
        rule: "withdrawal-erasure",
        edit: name_kept_on_a_withdrawn_receipt,
    },
    Tamper { name: "withdrawal shaped as a receipt", rule: "withdrawal-format", edit: withdrawal_shaped_as_a_receipt },
    Tamper { name: "receipt id not a UUID", rule: "receipt-id", edit: receipt_id_not_a_uuid },
    Tamper { name: "controller country edited", rule: "receipt-controller", edit: controller_country_edited },
    Tamper { name: "consent wording hash edited", rule: "receipt-wording", edit: wording_hash_edited },
    Tamper { name: "processing.json deleted", rule: "processing-record", edit: processing_record_deleted },
    Tamper { name: "processing.json retention edited", rule: "processing-record", edit: processing_retention_edited },
];

#[test]
fn every_tampering_is_named_by_its_rule_with_the_manifest_left_or_recomputed() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = clean_run(tmp.path(), &[]);
    let (code, stdout, stderr) = audit(tmp.path(), &["run"]);
    assert_eq!(code, 0, "the clean run is clean: {stdout}{stderr}");
    for (i, t) in TAMPERS.iter().enumerate() {
        for recompute in [false, true] {
            let dir = tmp.path().join(format!("t{i}-{recompute}"));
            copy_folder(&clean, &dir);
            (t.edit)(&dir);
            if recompute {
                dialsim::output::manifest::rewrite(&dir, None).unwrap();
            }
            let (code, stdout, stderr) = audit(tmp.path(), &[dir.to_str().unwrap()]);
            let found = rules(&stdout);
            assert_eq!(code, 4, "{} (manifest recomputed: {recompute}): exit {code}\n{stdout}{stderr}", t.name);
            assert!(
                found.iter().any(|r| r == t.rule),
                "{} (manifest recomputed: {recompute}): rule {} not named; found {found:?}",
                t.name,
                t.rule
            );
            assert_eq!(found.iter().any(|r| r == "manifest"), !recompute, "{}: {found:?}", t.name);
        }
    }
}

#[test]
fn violations_name_the_call_and_the_file_line_the_csv_reader_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = clean_run(tmp.path(), &[]);
    // A quoted field spanning two lines in the first row: a line guessed as `index + 2` is off by one after it.
    let p = clean.join("calls.csv");
    let (h, mut rows) = read_csv(&p);
    let (n, r) = (col(&h, "notice"), col(&h, "referral_of"));
    let i = rows.iter().position(|x| !x[r].is_empty() && x[n] == "art14").expect("a connected referral");
    assert!(i > 0);
    let call_id = rows[i][col(&h, "call_id")].clone();
    rows[i][n] = "standard".into();
    rows[0][col(&h, "agent")] = "\"a\nb\"".into();
    write_csv(&p, &h, &rows);
    let (_, stdout, _) = audit(tmp.path(), &["run"]);
    // Line 1 the header, lines 2-3 row 0, so row i starts on line i + 3.
    let hit = stdout.lines().find(|l| l.contains("\tnotice-art14\t")).expect("notice-art14 reported");
    assert!(hit.starts_with(&format!("call {call_id}\t")), "{hit}");
    assert!(hit.ends_with(&format!("\tcalls.csv:{}", i + 3)), "{hit}");
}

#[test]
fn a_signed_manifest_recomputed_after_an_edit_fails_its_signature() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("run.key"), "a secret only the controller holds\n").unwrap();
    let run = clean_run(tmp.path(), &["--key", "run.key"]);
    let manifest = dialsim::output::manifest::Manifest::read(&run).unwrap();
    assert!(manifest.signature.is_some(), "simulate --key signs the manifest");
    let (code, stdout, stderr) = audit(tmp.path(), &["run", "--key", "run.key"]);
    assert_eq!(code, 0, "{stdout}{stderr}");

    // An edit the record checks cannot see (a name's spelling), with the manifest recomputed and re-signed
    // with a guessed key: only the signature tells.
    let p = run.join("names.csv");
    let (h, mut rows) = read_csv(&p);
    rows[0][col(&h, "name")] = "Someone Else".into();
    write_csv(&p, &h, &rows);
    dialsim::output::manifest::rewrite(&run, Some(b"a guess")).unwrap();
    let (code, stdout, _) = audit(tmp.path(), &["run"]);
    assert_eq!(code, 0, "without the key the recomputed manifest passes: {stdout}");
    let (code, stdout, _) = audit(tmp.path(), &["run", "--key", "run.key"]);
    assert_eq!(code, 4, "{stdout}");
    assert!(rules(&stdout).contains(&"signature".to_string()), "{stdout}");
    // Unsigned altogether, with the key given: a violation too.
    dialsim::output::manifest::rewrite(&run, None).unwrap();
    let (code, stdout, _) = audit(tmp.path(), &["run", "--key", "run.key"]);
    assert_eq!((code, rules(&stdout).contains(&"signature".to_string())), (4, true), "{stdout}");
}

#[test]
fn bloom_filter_hits_are_possibly_known_and_fail_only_when_strict() {
    let tmp = tempfile::tempdir().unwrap();
    clean_run(tmp.path(), &[]);
    // A tiny filter of Czech numbers (of the plan: 608 is a mobile prefix) at a high false-positive rate.
    let known: String = (0..20).map(|i| format!("+420608{:06}\n", 900_000 + i)).collect();
    std::fs::write(tmp.path().join("k.csv"), format!("number\n{known}")).unwrap();
    let o =
        common::dialsim(tmp.path(), &["filter", "build", "-o", "k.bloom", "--fp-rate", "0.2", "--seed", "3", "k.csv"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (code, stdout, stderr) = audit(tmp.path(), &["run", "--exclude", "k.bloom"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("possibly known (Bloom filter"), "{stderr}");
    let hits = rules(&stdout).iter().filter(|r| *r == "possibly-known").count();
    assert!(hits > 100, "a 20 % filter flags about a fifth of the numbers: {hits}");
    assert!(!rules(&stdout).contains(&"known-number".to_string()), "no certain hit from a filter");
    let (code, _, _) = audit(tmp.path(), &["run", "--exclude", "k.bloom", "--strict-bloom"]);
    assert_eq!(code, 4);
    // The same numbers as an exact list: a certain violation for each dialled one (none here) — and a list
    // holding a dialled number is certain.
    let (h, calls) = read_csv(&tmp.path().join("run/calls.csv"));
    let dialled = &calls[0][col(&h, "number")];
    std::fs::write(tmp.path().join("exact.csv"), format!("number\n{dialled}\n")).unwrap();
    let (code, stdout, _) = audit(tmp.path(), &["run", "--suppress", "exact.csv"]);
    assert_eq!(code, 4);
    assert!(rules(&stdout).contains(&"known-number".to_string()), "{stdout}");
}

#[test]
fn timestamps_carry_the_zones_offset_in_winter_and_summer() {
    let tmp = tempfile::tempdir().unwrap();
    let winter = clean_run(tmp.path(), &[]);
    let (_, rows) = read_csv(&winter.join("suppression.csv"));
    assert!(!rows.is_empty() && rows.iter().all(|r| r[1].ends_with("+01:00")), "{:?}", &rows[..1]);
    assert!(rows[0][1].starts_with("2026-01-05T09:"), "the floor's clock, not UTC: {}", rows[0][1]);
    let summer = tmp.path().join("summer");
    std::fs::create_dir(&summer).unwrap();
    let o = common::dialsim(
        &summer,
        &["simulate", "--seed", "21", "--out", "run", "--set", "run.start_date=\"2026-07-06\""],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (_, rows) = read_csv(&summer.join("run/suppression.csv"));
    assert!(rows.iter().all(|r| r[1].ends_with("+02:00")), "{:?}", &rows[..1]);
    for line in std::fs::read_to_string(summer.join("run/consents.jsonl")).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let t = v["consentTime"].as_str().or(v["withdrawalTime"].as_str()).unwrap();
        let epoch = v["consentTimestamp"].as_i64().or(v["withdrawalTimestamp"].as_i64()).unwrap();
        // 09:00 local in July is 07:00 UTC: the epoch seconds agree with the offset.
        let local_s = t[11..13].parse::<i64>().unwrap() * 3600 + t[14..16].parse::<i64>().unwrap() * 60;
        assert_eq!((epoch + 2 * 3600).rem_euclid(86_400) / 60, local_s / 60, "{t} vs {epoch}");
    }
    assert_eq!(audit(&summer, &["run"]).0, 0, "the audit reads the offsets back");
}

#[test]
fn a_date_that_does_not_exist_is_refused_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), "[run]\nstart_date = \"2026-02-31\"\n").unwrap();
    let o = common::dialsim(tmp.path(), &["simulate", "s.toml", "--seed", "1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("s.toml:2:") && err.contains("run.start_date"), "{err}");
    std::fs::write(tmp.path().join("z.toml"), "[run]\ntime_zone = \"Europe/Nowhere\"\n").unwrap();
    let o = common::dialsim(tmp.path(), &["simulate", "z.toml", "--seed", "1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("z.toml:2:") && err.contains("run.time_zone"), "{err}");
}

#[test]
fn withdrawn_receipts_keep_no_names() {
    let tmp = tempfile::tempdir().unwrap();
    let run = clean_run(tmp.path(), &[]);
    let withdrawn: Vec<String> = std::fs::read_to_string(run.join("consents.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == "withdrawal")
        .map(|v| v["consentReceiptID"].as_str().unwrap().to_string())
        .collect();
    assert!(!withdrawn.is_empty(), "the default day withdraws some consents");
    let (h, names) = read_csv(&run.join("names.csv"));
    assert!(!names.is_empty());
    let r = col(&h, "receipt");
    for n in &names {
        assert!(!withdrawn.contains(&n[r]), "a name kept under withdrawn receipt {}", n[r]);
    }
    // The audit checks it: a withdrawn receipt's name put back is named.
    let consents = std::fs::read_to_string(run.join("consents.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["consentReceiptID"] == withdrawn[0].as_str() && v["type"] == "consent")
        .unwrap();
    let mut rows = names.clone();
    let mut back = vec![String::new(); h.len()];
    back[col(&h, "number")] = consents["piiPrincipalId"].as_str().unwrap().into();
    // The receipt kept no name to copy: any name put back under it is one too many.
    assert!(consents.get("piiPrincipalName").is_none(), "a withdrawn receipt keeps its name");
    back[col(&h, "name")] = "Eva Nováková".into();
    back[col(&h, "call_id")] = consents["callId"].to_string();
    back[col(&h, "time")] = consents["consentTime"].as_str().unwrap().into();
    back[r] = withdrawn[0].clone();
    rows.push(back);
    write_csv(&run.join("names.csv"), &h, &rows);
    let (code, stdout, _) = audit(tmp.path(), &["run"]);
    assert_eq!(code, 4);
    assert!(rules(&stdout).contains(&"withdrawal-erasure".to_string()), "{stdout}");
}

/// Reseals the manifest after an edit, as an editor without the key can.
fn reseal_calls(run: &Path) {
    let mut m = dialsim::output::manifest::Manifest::read(run).unwrap();
    m.files.insert("calls.csv".to_string(), dialsim::digest_file(run.join("calls.csv")).unwrap());
    m.write(run).unwrap();
}

/// The audit reads calls.csv's `amd` column by name: a folder written before the column audits clean, and a
/// value neither `on` nor `off` is refused with the file and line.
#[test]
fn the_amd_column_is_read_by_name_and_a_folder_without_it_still_audits() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = clean_run(tmp.path(), &[]);
    let (code, stdout, stderr) = audit(tmp.path(), &["run"]);
    assert_eq!(code, 0, "{stdout}{stderr}");

    let old = tmp.path().join("old");
    copy_folder(&clean, &old);
    let (h, rows) = read_csv(&old.join("calls.csv"));
    let a = col(&h, "amd");
    let drop = |r: &[String]| -> Vec<String> {
        r.iter().enumerate().filter(|(i, _)| *i != a).map(|(_, v)| v.clone()).collect()
    };
    write_csv(&old.join("calls.csv"), &drop(&h), &rows.iter().map(|r| drop(r)).collect::<Vec<_>>());
    reseal_calls(&old);
    let (code, stdout, stderr) = audit(tmp.path(), &["old"]);
    assert_eq!(code, 0, "{stdout}{stderr}");

    let bad = tmp.path().join("bad");
    copy_folder(&clean, &bad);
    let mut rows = rows;
    rows[5][a] = "maybe".into();
    write_csv(&bad.join("calls.csv"), &h, &rows);
    reseal_calls(&bad);
    let (code, stdout, stderr) = audit(tmp.path(), &["bad"]);
    assert!(code != 0 && code != 4, "exit {code}: {stdout}{stderr}");
    assert!(stderr.contains("calls.csv:7: amd 'maybe' is neither on nor off"), "{stderr}");
}
