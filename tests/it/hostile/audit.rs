//! The audit reads a run folder as hostile input. No value a file can hold panics it (a row no run can write
//! is refused with file and line); it opens nothing outside the folder, no FIFO, nothing without bound; every
//! contradiction between the records is a violation named by its rule even when the editor reseals the
//! manifest (without a key the hash check alone passes); a missing manifest is a violation and a missing folder
//! is named as one; and the audit says what it cannot prove without the run's key.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use super::{refused, run};

/// A clean run folder `name` in `dir`: the default day on the built-in defaults' dense population (objections,
/// refusals, consents, withdrawals and connected referrals in one day), seed 21, with `extra` flags.
fn clean_run(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let mut args = vec!["simulate", "--seed", "21", "--out", name];
    args.extend_from_slice(&["--set", "population.mobile={}", "--set", "population.fixedLine={}"]);
    args.extend_from_slice(&["--set", "numbers.mix={}"]);
    args.extend_from_slice(extra);
    let o = run(dir, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let folder = dir.join(name);
    let (code, stdout, stderr) = audit(dir, &[name]);
    assert_eq!(code, 0, "the clean run {name} audits clean: {stdout}{stderr}");
    folder
}

/// `dialsim audit args` in `dir`: (exit code, stdout, stderr).
fn audit(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    let o = run(dir, &all);
    assert_ne!(o.status.code(), Some(101), "panicked: {}", String::from_utf8_lossy(&o.stderr));
    (o.status.code().unwrap_or(-1), text(&o.stdout), text(&o.stderr))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The rules audit's stdout names (the second tab-separated field of each line).
fn rules(stdout: &str) -> Vec<String> {
    stdout.lines().filter_map(|l| l.split('\t').nth(1)).map(String::from).collect()
}

/// Writes `bytes` as `file` of the run folder and reseals the manifest as an editor without the key can: the
/// file's bytes, lines and SHA-256 put in `manifest.json` (a signature, if any, is left as it was).
fn reseal(run: &Path, file: &str, bytes: &[u8]) {
    std::fs::write(run.join(file), bytes).unwrap();
    let mut m = dialsim::output::manifest::Manifest::read(run).unwrap();
    m.files.insert(file.to_string(), dialsim::digest_file(run.join(file)).unwrap());
    m.write(run).unwrap();
}

/// Audits a resealed folder: the manifest passes, and `rule` is named (exit 4).
fn assert_found(dir: &Path, run: &Path, rule: &str) -> String {
    let (code, stdout, stderr) = audit(dir, &[run.to_str().unwrap()]);
    let found = rules(&stdout);
    assert_eq!(code, 4, "exit {code}: {stdout}{stderr}");
    assert!(found.iter().any(|r| r == rule), "rule {rule} not named; found {found:?}\n{stdout}");
    assert!(!found.iter().any(|r| r == "manifest"), "the reseal passes the manifest check: {stdout}");
    stdout
}

/// A CSV of the run folder, columns found by header.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(run: &Path, file: &str) -> Table {
        let mut rdr = csv::Reader::from_path(run.join(file)).unwrap();
        let header = rdr.headers().unwrap().iter().map(String::from).collect();
        let rows = rdr.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
        Table { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
    }

    fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        &row[self.col(name)]
    }

    /// The first row whose `column` is `value`.
    fn find(&self, column: &str, value: &str) -> &Vec<String> {
        let c = self.col(column);
        self.rows.iter().find(|r| r[c] == value).unwrap_or_else(|| panic!("no row with {column} = {value}"))
    }

    fn reseal(&self, run: &Path, file: &str) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.header).unwrap();
        for r in &self.rows {
            w.write_record(r).unwrap();
        }
        reseal(run, file, &w.into_inner().unwrap());
    }
}

fn ledger(run: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(run.join("consents.jsonl")).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn reseal_ledger(run: &Path, lines: &[Value]) {
    let text: String = lines.iter().map(|v| serde_json::to_string(v).unwrap() + "\n").collect();
    reseal(run, "consents.jsonl", text.as_bytes());
}

/// A copy of the run folder `clean` as `dir/name`.
fn copy_run(dir: &Path, clean: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(clean).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
    to
}

/// The name of `receipt` (a consent line) kept under it in names.csv, as the run keeps one, resealed.
fn keep_name(run: &Path, receipt: &Value) {
    let field = |k: &str| receipt[k].as_str().unwrap().to_string();
    let mut names = Table::read(run, "names.csv");
    let row = names
        .header
        .iter()
        .map(|h| match h.as_str() {
            "number" => field("piiPrincipalId"),
            // A withdrawn receipt keeps no name: any name stands in for the one it had.
            "name" => receipt["piiPrincipalName"].as_str().unwrap_or("Eva Nováková").to_string(),
            "call_id" => receipt["callId"].to_string(),
            "time" => field("consentTime"),
            "receipt" => field("consentReceiptID"),
            _ => String::new(),
        })
        .collect();
    names.rows.push(row);
    names.reseal(run, "names.csv");
}

/// Edits summary.json's counts as a careful editor would, so that `summary-counts` agrees with the edit.
fn reseal_summary(run: &Path, f: impl Fn(&mut Value)) {
    let mut v: Value = serde_json::from_slice(&std::fs::read(run.join("summary.json")).unwrap()).unwrap();
    f(&mut v);
    reseal(run, "summary.json", (serde_json::to_string_pretty(&v).unwrap() + "\n").as_bytes());
}

fn bump(v: &mut Value, key: &str, by: i64) {
    v[key] = (v[key].as_i64().unwrap() + by).into();
}

/// The RFC 3339 time and the seconds since 1970 of `seconds` of simulated time in the run's scenario.
fn time_of(run: &Path, seconds: f64) -> (String, i64) {
    let s = dialsim::compliance::read_run_scenario(run).unwrap();
    let ms = dialsim::sim::Millis((seconds * 1000.0).round() as u64);
    (dialsim::compliance::timestamp(&s, ms), dialsim::compliance::epoch_seconds(&s, ms))
}

/// A consent receipt and a name under it forged into call `call_id` for `number`, at the middle of the
/// call's talk, with the summary's consent count raised to match: everything the records check today agrees.
fn forge_consent(run: &Path, call_id: &str, number: &str) {
    let calls = Table::read(run, "calls.csv");
    let call = calls.find("call_id", call_id);
    let f = |c: &str| calls.get(call, c).parse::<f64>().unwrap();
    let at = f("dial_s") + f("ring_s") + f("wait_s") + f("talk_s") / 2.0;
    let (time, epoch) = time_of(run, at);
    let mut lines = ledger(run);
    let mut receipt =
        lines.iter().find(|v| v["type"] == "consent" && v["referralOf"].is_null()).expect("a receipt").clone();
    // A UUID, as the run writes ids: the forgery agrees with every check of a receipt's form.
    receipt["consentReceiptID"] = format!("00000000-0000-4000-8000-{call_id:0>12}").into();
    receipt["piiPrincipalId"] = number.into();
    receipt["piiPrincipalName"] = "Eva Podvržená".into();
    receipt["callId"] = call_id.parse::<u64>().unwrap().into();
    receipt["consentTime"] = time.into();
    receipt["consentTimestamp"] = epoch.into();
    // A referee's call gets a referee's receipt, as the run would write it.
    let referral = calls.get(call, "referral_of").parse::<u64>().ok();
    receipt["referralOf"] = referral.into();
    let script = receipt["notice"].as_str().unwrap().to_string();
    receipt["notice"] = if referral.is_some() { format!("{script}+art14") } else { script }.into();
    lines.push(receipt.clone());
    reseal_ledger(run, &lines);
    keep_name(run, &receipt);
    reseal_summary(run, |v| bump(v, "consents_granted", 1));
}

// --- 1. No value a file can hold panics the audit. ---

/// `dial_s` of 1e12 or inf under uk-ofcom and us-tsr panicked inside jiff (calling hours, lockout): every time
/// and duration of calls.csv that no run writes is refused with the file and line.
#[test]
fn times_no_run_can_hold_are_refused_with_file_and_line_under_every_profile() {
    let tmp = tempfile::tempdir().unwrap();
    for profile in ["uk-ofcom", "us-tsr"] {
        let set = format!("compliance.profile=\"{profile}\"");
        let clean = clean_run(tmp.path(), profile, &["--set", &set]);
        let calls = Table::read(&clean, "calls.csv");
        for column in ["dial_s", "ring_s", "wait_s", "talk_s"] {
            for value in ["1e12", "inf", "-inf", "NaN", "-1", "1e308"] {
                let mut t = Table { header: calls.header.clone(), rows: calls.rows.clone() };
                let c = t.col(column);
                t.rows[10][c] = value.into();
                t.reseal(&clean, "calls.csv");
                let o = run(tmp.path(), &["audit", profile]);
                refused(&o, "calls.csv:12:");
                assert!(text(&o.stderr).contains(column), "{profile} {column}={value}: {}", text(&o.stderr));
            }
        }
    }
}

/// Ids and counts at the ends of their types, and a recorded scenario out of its ranges: no overflow, no
/// endless calendar — a violation or a refusal naming the file.
#[test]
fn ids_counts_and_scenario_values_at_their_limits_do_not_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = clean_run(tmp.path(), "clean", &["--set", "compliance.profile=\"uk-ofcom\""]);
    let copy = |name: &str| copy_run(tmp.path(), &clean, name);

    // The largest call id: the id after it is no u32.
    let r = copy("id");
    let mut calls = Table::read(&r, "calls.csv");
    let last = calls.rows.len() - 1;
    let c = calls.col("call_id");
    calls.rows[last][c] = u32::MAX.to_string();
    calls.reseal(&r, "calls.csv");
    let (code, stdout, _) = audit(tmp.path(), &["id"]);
    assert_eq!(code, 4);
    assert!(rules(&stdout).contains(&"call-ids".to_string()), "{stdout}");

    // Counts of u64::MAX: their sums saturate.
    let r = copy("counts");
    reseal_summary(&r, |v| {
        v["consents_granted"] = u64::MAX.into();
        v["faults_injected"]["store_name_without_consent"] = u64::MAX.into();
    });
    let (code, stdout, _) = audit(tmp.path(), &["counts"]);
    assert_eq!(code, 4);
    assert!(rules(&stdout).contains(&"summary-counts".to_string()), "{stdout}");

    // A scenario no scenario file may hold: refused before the audit computes with it.
    for (name, key, value) in [("days", "days", Value::from(u32::MAX)), ("day-start", "day_start", "25:99".into())] {
        let r = copy(name);
        reseal_summary(&r, |v| v["scenario"]["run"][key] = value.clone());
        refused(&run(tmp.path(), &["audit", name]), "summary.json:");
    }
    let r = copy("lockout-hours");
    reseal_summary(&r, |v| v["scenario"]["dialer"]["drop_lockout_hours"] = 1e300.into());
    refused(&run(tmp.path(), &["audit", "lockout-hours"]), "dialer.drop_lockout_hours");

    // A time in year 9999, and a consentTimestamp at the end of i64.
    let r = copy("far");
    let mut sup = Table::read(&r, "suppression.csv");
    let c = sup.col("time");
    sup.rows[0][c] = "9999-12-31T23:59:59.999+00:00".into();
    sup.reseal(&r, "suppression.csv");
    refused(&run(tmp.path(), &["audit", "far"]), "suppression.csv:2:");
    let r = copy("stamp");
    let mut lines = ledger(&r);
    lines[0]["consentTimestamp"] = i64::MIN.into();
    reseal_ledger(&r, &lines);
    let (code, stdout, _) = audit(tmp.path(), &["stamp"]);
    assert_eq!(code, 4);
    assert!(rules(&stdout).contains(&"consent-time".to_string()), "{stdout}");
}

// --- 2. The audit opens only what it should. ---

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// calls.csv linked to /etc/passwd was read, names.csv or manifest.json as a FIFO hung, summary.json linked to
/// /dev/zero was read without bound: each is refused, naming the file, without blocking.
#[cfg(unix)]
#[test]
fn no_link_out_of_the_folder_no_fifo_and_nothing_without_bound_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = clean_run(tmp.path(), "clean", &[]);
    let cases: [(&str, &str, &str); 6] = [
        ("calls.csv", "/etc/passwd", "outside the folder"),
        ("summary.json", "/dev/zero", "outside the folder"),
        ("names.csv", "fifo", "a FIFO"),
        ("manifest.json", "fifo", "a FIFO"),
        ("consents.jsonl", "fifo", "a FIFO"),
        ("summary.json", "sparse", "larger than"),
    ];
    for (i, (file, what, says)) in cases.into_iter().enumerate() {
        let name = format!("case{i}");
        let p = copy_run(tmp.path(), &clean, &name).join(file);
        std::fs::remove_file(&p).unwrap();
        match what {
            "fifo" => mkfifo(&p),
            // 65 MiB of nothing, past a summary's bound, without writing it.
            "sparse" => std::fs::File::create(&p).unwrap().set_len(65 << 20).unwrap(),
            target => std::os::unix::fs::symlink(target, &p).unwrap(),
        }
        let o = run(tmp.path(), &["audit", &name]);
        refused(&o, says);
        assert!(text(&o.stderr).contains(file), "{file}: {}", text(&o.stderr));
        assert!(!text(&o.stdout).contains("root:"), "/etc/passwd echoed");
    }
    // A ledger line of 2 MiB: refused by its length, not read into memory whole.
    let r = copy_run(tmp.path(), &clean, "long");
    reseal(&r, "consents.jsonl", &vec![b' '; 2 << 20]);
    refused(&run(tmp.path(), &["audit", "long"]), "consents.jsonl:1: a line longer than 1 MiB");
    // A key given as a FIFO is refused too.
    mkfifo(&tmp.path().join("key"));
    refused(&run(tmp.path(), &["audit", "clean", "--key", "key"]), "a FIFO");
}

/// A plan file the folder's summary names (here /etc/passwd) was read, and its first line echoed, by every
/// audit: it is read only with `--follow-scenario-paths`, and needed only to read `--suppress` lists.
#[test]
fn a_plan_file_the_folder_names_is_read_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    // The jurisdiction named, so that the edited plan does not change the law the receipts are checked against.
    let r = clean_run(tmp.path(), "run", &["--set", "compliance.profile=\"cz\""]);
    reseal_summary(&r, |v| v["scenario"]["numbers"]["plan"] = "/etc/passwd".into());
    let mut m = dialsim::output::manifest::Manifest::read(&r).unwrap();
    m.scenario_sha256 =
        dialsim::output::manifest::scenario_sha256(&dialsim::compliance::read_run_scenario(&r).unwrap());
    m.write(&r).unwrap();
    let (code, stdout, stderr) = audit(tmp.path(), &["run"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    std::fs::write(tmp.path().join("k.csv"), "number\n+420601000001\n").unwrap();
    let o = run(tmp.path(), &["audit", "run", "--suppress", "k.csv"]);
    refused(&o, "add --follow-scenario-paths");
    for out in [stdout, stderr, text(&o.stdout), text(&o.stderr)] {
        assert!(!out.contains("root:"), "/etc/passwd read: {out}");
    }
}

// --- 3. Every contradiction between the records is a violation, with the manifest resealed. ---

/// (a) A consent receipt and a name in a call whose person refused.
#[test]
fn a_consent_in_a_refused_call_is_a_violation() {
    let tmp = tempfile::tempdir().unwrap();
    let r = clean_run(tmp.path(), "run", &[]);
    let calls = Table::read(&r, "calls.csv");
    let refused_call = calls.find("outcome", "refused");
    forge_consent(&r, calls.get(refused_call, "call_id"), calls.get(refused_call, "number"));
    assert_found(tmp.path(), &r, "consent-outcome");
}

/// (b) A marketing consent in the very call where the person objected.
#[test]
fn a_consent_in_the_call_where_the_person_objected_is_a_violation() {
    let tmp = tempfile::tempdir().unwrap();
    let r = clean_run(tmp.path(), "run", &[]);
    let calls = Table::read(&r, "calls.csv");
    let objected = calls.find("outcome", "objected");
    forge_consent(&r, calls.get(objected, "call_id"), calls.get(objected, "number"));
    let stdout = assert_found(tmp.path(), &r, "consent-objection");
    assert!(stdout.contains("a research consent in call"), "{stdout}");
}

/// (c) `consentTimestamp` 30 days before the call, `consentTime` left inside it: every time field of a receipt
/// must match its call.
#[test]
fn a_consent_timestamp_that_is_not_its_consent_time_is_a_violation() {
    let tmp = tempfile::tempdir().unwrap();
    let r = clean_run(tmp.path(), "run", &[]);
    let mut lines = ledger(&r);
    let first = lines.iter_mut().find(|v| v["type"] == "consent").unwrap();
    first["consentTimestamp"] = (first["consentTimestamp"].as_i64().unwrap() - 30 * 86_400).into();
    reseal_ledger(&r, &lines);
    let stdout = assert_found(tmp.path(), &r, "consent-time");
    assert!(stdout.contains("2592000 s apart"), "{stdout}");
}

/// (d) A withdrawn person's name back under a second receipt of the same call.
#[test]
fn a_withdrawn_persons_name_under_a_second_receipt_is_a_violation() {
    let tmp = tempfile::tempdir().unwrap();
    let r = clean_run(tmp.path(), "run", &[]);
    let mut lines = ledger(&r);
    let withdrawn = lines.iter().find(|v| v["type"] == "withdrawal").expect("a withdrawal").clone();
    let id = withdrawn["consentReceiptID"].as_str().unwrap();
    let mut second =
        lines.iter().find(|v| v["type"] == "consent" && v["consentReceiptID"] == id).expect("its receipt").clone();
    second["consentReceiptID"] = format!("{id}-2").into();
    lines.push(second.clone());
    reseal_ledger(&r, &lines);
    keep_name(&r, &second);
    reseal_summary(&r, |v| bump(v, "consents_granted", 1));
    let stdout = assert_found(tmp.path(), &r, "withdrawal-erasure");
    assert!(rules(&stdout).contains(&"receipt-call".to_string()), "two receipts in one call: {stdout}");
}

/// (e) A withdrawal's suppression row deleted and the number dialled again afterwards.
#[test]
fn a_withdrawal_without_its_suppression_row_and_a_redial_are_violations() {
    let tmp = tempfile::tempdir().unwrap();
    let r = clean_run(tmp.path(), "run", &[]);
    let mut calls = Table::read(&r, "calls.csv");
    let dial = calls.col("dial_s");
    let last = calls.rows.iter().map(|x| x[dial].parse::<f64>().unwrap()).fold(0.0, f64::max);
    let s = dialsim::compliance::read_run_scenario(&r).unwrap();
    // A withdrawal before the last dial: the redial comes at the last dial's time, inside the calling hours.
    let w = ledger(&r)
        .into_iter()
        .filter(|v| v["type"] == "withdrawal")
        .find(|v| {
            let ms = dialsim::compliance::time_ms_of(&s, v["withdrawalTime"].as_str().unwrap()).unwrap();
            ms.secs() < last
        })
        .expect("a withdrawal during the day");
    let number = w["piiPrincipalId"].as_str().unwrap().to_string();
    let mut sup = Table::read(&r, "suppression.csv");
    let before = sup.rows.len();
    let (n, scope) = (sup.col("number"), sup.col("scope"));
    sup.rows.retain(|x| !(x[n] == number && x[scope] == "withdrawal"));
    assert_eq!(sup.rows.len(), before - 1);
    sup.reseal(&r, "suppression.csv");
    let mut row = vec![String::new(); calls.header.len()];
    for (c, v) in [("call_id", calls.rows.len().to_string()), ("number", number), ("attempt", "1".into())] {
        row[calls.col(c)] = v;
    }
    row[dial] = format!("{last:.3}");
    row[calls.col("outcome")] = "busy".into();
    for c in ["ring_s", "wait_s", "talk_s", "wrap_s"] {
        row[calls.col(c)] = "0.000".into();
    }
    calls.rows.push(row);
    calls.reseal(&r, "calls.csv");
    reseal_summary(&r, |v| {
        bump(v, "dials", 1);
        bump(&mut v["outcomes"], "busy", 1);
    });
    let stdout = assert_found(tmp.path(), &r, "withdrawal-record");
    assert!(rules(&stdout).contains(&"suppressed-number".to_string()), "the redial: {stdout}");
}

/// (f) `referral_of` cleared in calls.csv (and the notice made standard) while the receipt still says
/// `referralOf`.
#[test]
fn a_referral_cleared_in_calls_but_kept_on_its_receipt_is_a_violation() {
    let tmp = tempfile::tempdir().unwrap();
    let r = clean_run(tmp.path(), "run", &[]);
    let receipt = ledger(&r).into_iter().find(|v| v["type"] == "consent" && !v["referralOf"].is_null());
    let number = receipt.expect("a consent of a referee")["piiPrincipalId"].as_str().unwrap().to_string();
    let mut calls = Table::read(&r, "calls.csv");
    let (n, by, notice) = (calls.col("number"), calls.col("referral_of"), calls.col("notice"));
    let mut cleared = 0;
    for row in calls.rows.iter_mut().filter(|x| x[n] == number) {
        row[by].clear();
        if row[notice] == "art14" {
            row[notice] = "standard".into();
        }
        cleared += 1;
    }
    assert!(cleared > 0);
    calls.reseal(&r, "calls.csv");
    let stdout = assert_found(tmp.path(), &r, "referral-record");
    assert!(stdout.contains("the receipt states a referral from call"), "{stdout}");
}

/// (g) A receipt's purpose (and its category) other than the scenario's.
#[test]
fn a_receipt_purpose_other_than_the_scenarios_is_a_violation() {
    let tmp = tempfile::tempdir().unwrap();
    let r = clean_run(tmp.path(), "run", &[]);
    let mut lines = ledger(&r);
    let first = lines.iter_mut().find(|v| v["type"] == "consent").unwrap();
    let purpose = &mut first["services"][0]["purposes"][0];
    purpose["purpose"] = "marketing".into();
    purpose["purposeCategory"] = serde_json::json!(["6 - Marketing"]);
    reseal_ledger(&r, &lines);
    let stdout = assert_found(tmp.path(), &r, "receipt-purpose");
    assert!(stdout.contains("the scenario's is 'research'"), "{stdout}");
}

/// (h) A receipt and a name for a number that was never dialled, placed in a completed call.
#[test]
fn a_receipt_for_a_number_never_dialled_is_a_violation() {
    let tmp = tempfile::tempdir().unwrap();
    let r = clean_run(tmp.path(), "run", &[]);
    let with_receipt: std::collections::HashSet<String> =
        ledger(&r).iter().filter(|v| v["type"] == "consent").map(|v| v["callId"].to_string()).collect();
    let calls = Table::read(&r, "calls.csv");
    let (id, outcome) = (calls.col("call_id"), calls.col("outcome"));
    let call = calls.rows.iter().find(|x| x[outcome] == "completed" && !with_receipt.contains(&x[id])).unwrap();
    let number = "+420601999991";
    assert!(!calls.rows.iter().any(|x| x[calls.col("number")] == number));
    forge_consent(&r, &call[id], number);
    let stdout = assert_found(tmp.path(), &r, "receipt-call");
    assert!(stdout.contains("calls.csv never dialled it"), "{stdout}");
}

// --- 4. The manifest and the folder. ---

/// A folder without manifest.json is a violation unless `--no-manifest` says it predates manifests.
#[test]
fn a_missing_manifest_is_a_violation_unless_the_folder_predates_manifests() {
    let tmp = tempfile::tempdir().unwrap();
    let r = clean_run(tmp.path(), "run", &[]);
    std::fs::remove_file(r.join("manifest.json")).unwrap();
    let (code, stdout, stderr) = audit(tmp.path(), &["run"]);
    assert_eq!(code, 4, "{stdout}{stderr}");
    assert!(stdout.lines().any(|l| l.starts_with("-\tmanifest\t") && l.contains("no manifest.json")), "{stdout}");
    assert!(!stderr.contains("dialsim 0.2"), "{stderr}");
    let (code, stdout, stderr) = audit(tmp.path(), &["run", "--no-manifest"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("not checked: manifest"), "{stderr}");
}

/// `audit nosuchdir` says the folder does not exist.
#[test]
fn a_folder_that_does_not_exist_is_named_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let o: Output = run(tmp.path(), &["audit", "nosuchdir"]);
    refused(&o, "nosuchdir: the folder does not exist");
    assert!(!text(&o.stderr).contains("dialsim 0.2"), "{}", text(&o.stderr));
}

// --- 5. What cannot be proven without a key. ---

/// Outcomes relabelled with every count rewritten and the manifest resealed pass every record check: the audit
/// says so, in its human output and its JSON; a keyed run audited with its key closes the gap.
#[test]
fn the_audit_says_what_it_cannot_prove_without_a_key() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("run.key"), "a secret only the controller holds\n").unwrap();
    for (name, extra) in [("plain", vec![]), ("signed", vec!["--key", "run.key"])] {
        let r = clean_run(tmp.path(), name, &extra);
        // A refusal relabelled as a request to call back: consistent with every record once counted.
        let mut calls = Table::read(&r, "calls.csv");
        let o = calls.col("outcome");
        let row = calls.rows.iter_mut().find(|x| x[o] == "refused").unwrap();
        row[o] = "callback".into();
        calls.reseal(&r, "calls.csv");
        reseal_summary(&r, |v| {
            bump(&mut v["outcomes"], "refused", -1);
            bump(&mut v["outcomes"], "callback", 1);
        });
    }
    let (code, stdout, stderr) = audit(tmp.path(), &["plain"]);
    assert_eq!(code, 0, "undetectable without the key: {stdout}{stderr}");
    assert!(stderr.contains("not provable: ") && stderr.contains("audit with --key"), "{stderr}");
    let (code, stdout, _) = audit(tmp.path(), &["plain", "--json"]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert!(doc["unproven"].as_str().is_some_and(|u| u.contains("without the run's key")), "{doc}");
    assert_eq!(doc["signature"], "not checked");
    // The signed run: the same edit is a `signature` violation with the key, and nothing is left unproven.
    let (code, stdout, stderr) = audit(tmp.path(), &["signed", "--key", "run.key", "--json"]);
    assert_eq!(code, 4, "{stdout}{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["violations_by_rule"]["signature"], 1, "{doc}");
    assert_eq!(doc["signature"], "invalid");
    let clean = clean_run(tmp.path(), "signed-clean", &["--key", "run.key"]);
    let (code, stdout, stderr) = audit(tmp.path(), &[clean.to_str().unwrap(), "--key", "run.key", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert!(doc["unproven"].is_null() && doc["signature"] == "valid", "{doc}");
    assert!(!stderr.contains("not provable"), "{stderr}");
}
