//! The law in force, number by number (issue 22): regimes resolved by date, the lawful basis of each dialled
//! number, registers and their freshness, the regime's own duties (caller ID, information message, Ofcom's AMD
//! rule, the TCPA's random-dialer rule). Each rule is tested with a run that keeps it and a control that
//! breaks it, so every test can fail.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{by_header, dialsim};

mod abroad;

/// A one-hour run of `scenario` with `sets` into `dir/out`; panics when simulate fails.
fn run(dir: &Path, out: &str, scenario: &str, sets: &[&str]) {
    let mut args = vec!["simulate", scenario, "--seed", "3", "--set", "run.day_hours=1", "--out", out];
    for s in sets {
        args.extend(["--set", s]);
    }
    let o = dialsim(dir, &args);
    assert!(o.status.success(), "simulate {sets:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// The audit's exit code and violations by rule (`audit --json`), with extra audit flags.
fn audit(dir: &Path, out: &str, flags: &[&str]) -> (i32, BTreeMap<String, u64>) {
    let mut args = vec!["audit", out, "--json"];
    args.extend(flags);
    let o = dialsim(dir, &args);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("audit --json: {e}: {}", String::from_utf8_lossy(&o.stderr)));
    let by = doc["violations_by_rule"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap()));
    (o.status.code().unwrap(), by.collect())
}

/// A run folder's summary.json.
fn summary_of(dir: &Path, out: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join(out).join("summary.json")).unwrap()).unwrap()
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scenario(name: &str) -> String {
    repo().join("data/scenarios").join(name).display().to_string()
}

#[test]
fn the_default_run_audits_clean_under_the_czech_regime_in_force_on_its_date() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "d", "default", &[]);
    let (code, by) = audit(dir.path(), "d", &[]);
    assert_eq!((code, by.len()), (0, 0), "{by:?}");
    let summary = summary_of(dir.path(), "d");
    assert_eq!(summary["law"]["regime"], "cz-2022");
    assert_eq!(summary["law"]["regimes"][0]["in_force"], true);
    assert_eq!(summary["law"]["jurisdiction"], "CZ");
}

#[test]
fn a_repealed_regime_is_warned_about_on_stderr_in_the_summary_and_by_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let o = dialsim(
        dir.path(),
        &[
            "simulate",
            "--seed",
            "3",
            "--set",
            "run.day_hours=1",
            "--set",
            "compliance.profile=\"cz-2018\"",
            "--out",
            "h",
        ],
    );
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("warning") && err.contains("cz-2018") && err.contains("2022-07-01"), "{err}");
    let summary = summary_of(dir.path(), "h");
    assert_eq!(summary["law"]["regimes"][0]["in_force"], false);
    assert!(summary["law"]["warnings"][0].as_str().unwrap().contains("2022"));
    let a = dialsim(dir.path(), &["audit", "h"]);
    assert!(String::from_utf8_lossy(&a.stderr).contains("NOT in force"), "{}", String::from_utf8_lossy(&a.stderr));
    let r = dialsim(dir.path(), &["report", "h", "-o", "h.html"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let html = std::fs::read_to_string(dir.path().join("h.html")).unwrap();
    assert!(
        html.contains("NOT in force") && html.contains("is not the law in force on 2026-01-05"),
        "the report says it"
    );
    // The law in force, not the one in the scenario: a date before July 2022 is held to the old regime.
    let o = dialsim(
        dir.path(),
        &[
            "simulate",
            "--seed",
            "3",
            "--set",
            "run.day_hours=1",
            "--set",
            "run.start_date=\"2021-03-01\"",
            "--out",
            "old",
        ],
    );
    assert!(o.status.success());
    let summary = summary_of(dir.path(), "old");
    assert_eq!(summary["law"]["regime"], "cz-2018");
}

#[test]
fn a_run_across_the_czech_change_of_law_is_held_to_each_days_regime() {
    let dir = tempfile::tempdir().unwrap();
    let sets = ["run.start_date=\"2022-06-29\"", "run.days=3", "compliance.purpose=\"marketing\""];
    run(dir.path(), "x", "default", &sets);
    let summary = summary_of(dir.path(), "x");
    let names: Vec<&str> =
        summary["law"]["regimes"].as_array().unwrap().iter().map(|r| r["regime"].as_str().unwrap()).collect();
    assert_eq!(names, ["cz-2018", "cz-2022"]);
    // Marketing to random numbers: lawful on 29 and 30 June, not from 1 July.
    let calls = by_header(std::fs::read(dir.path().join("x/calls.csv")).unwrap());
    let from_july = calls.iter().filter(|c| c["dial_s"].parse::<f64>().unwrap() >= 2.0 * 86_400.0).count() as u64;
    let (code, by) = audit(dir.path(), "x", &[]);
    assert_eq!(code, 4);
    assert_eq!(by.get("marketing-basis").copied(), Some(from_july), "{by:?}");
    assert!(from_july > 0 && (from_july as usize) < calls.len());
}

#[test]
fn marketing_to_random_numbers_breaks_the_law_of_cz_de_and_of_sk_and_gb_without_their_registers() {
    let dir = tempfile::tempdir().unwrap();
    let marketing = "compliance.purpose=\"marketing\"";
    for (name, file, rule) in [
        ("cz", "default".to_string(), "marketing-basis"),
        ("de", scenario("population/de.toml"), "marketing-basis"),
        ("sk", scenario("population/sk.toml"), "register-missing"),
        ("gb", scenario("population/gb.toml"), "register-missing"),
    ] {
        run(dir.path(), name, &file, &[marketing]);
        let (code, by) = audit(dir.path(), name, &[]);
        assert_eq!(code, 4, "{name}: {by:?}");
        assert!(by.contains_key(rule), "{name}: {by:?}");
        // The control: the same country's survey is lawful.
        run(dir.path(), &format!("{name}-survey"), &file, &[]);
        let (code, by) = audit(dir.path(), &format!("{name}-survey"), &[]);
        assert_eq!((code, by.len()), (0, 0), "{name} survey: {by:?}");
    }
}

#[test]
fn slovak_and_german_runs_write_receipts_of_their_own_jurisdiction_and_language() {
    let dir = tempfile::tempdir().unwrap();
    for (name, iso, lang) in [("sk", "SK", "sk"), ("de", "DE", "de")] {
        run(
            dir.path(),
            name,
            &scenario(&format!("population/{name}.toml")),
            &["compliance.give_name=1", "compliance.consent=1"],
        );
        let text = std::fs::read_to_string(dir.path().join(name).join("consents.jsonl")).unwrap();
        let first: serde_json::Value = serde_json::from_str(text.lines().next().expect("a consent")).unwrap();
        assert_eq!(first["jurisdiction"], iso, "{first}");
        assert_eq!(first["language"], lang, "{first}");
    }
}

#[test]
fn a_register_must_be_supplied_and_fresh_on_every_day_of_a_marketing_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tps.csv"), "number\n+447760696330\n").unwrap();
    let gb = scenario("population/gb.toml");
    let tps =
        |date: &str| format!("compliance.registers=[{{ name = \"tps\", path = \"tps.csv\", date = \"{date}\" }}]");
    let marketing = "compliance.purpose=\"marketing\"";
    // The default date is 2026-01-05: a snapshot of 2025-12-20 is 16 days old, one of 2025-12-01 35.
    run(dir.path(), "fresh", &gb, &[marketing, &tps("2025-12-20")]);
    let (code, by) = audit(dir.path(), "fresh", &[]);
    assert_eq!((code, by.len()), (0, 0), "{by:?}");
    run(dir.path(), "stale", &gb, &[marketing, &tps("2025-12-01")]);
    let (code, by) = audit(dir.path(), "stale", &[]);
    assert_eq!((code, by.get("register-stale").copied()), (4, Some(1)), "{by:?}");
    // The register's numbers are screened out, and the manifest records the snapshot with its date and hash.
    let manifest = std::fs::read_to_string(dir.path().join("fresh/manifest.json")).unwrap();
    assert!(manifest.contains("register tps 2025-12-20"), "{manifest}");
}

#[test]
fn slovak_marketing_calls_come_from_the_0888_prefix_with_the_list_of_the_last_1st_or_16th() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nevolajte.csv"), "number\n+421905123456\n").unwrap();
    let sk = scenario("population/sk.toml");
    let list = |date: &str| {
        format!("compliance.registers=[{{ name = \"nevolajte-mi\", path = \"nevolajte.csv\", date = \"{date}\" }}]")
    };
    let sets = ["compliance.purpose=\"marketing\"", "compliance.caller_id=\"+421 888 123 456\""];
    run(dir.path(), "ok", &sk, &[sets[0], sets[1], &list("2026-01-01")]);
    let (code, by) = audit(dir.path(), "ok", &[]);
    assert_eq!((code, by.len()), (0, 0), "{by:?}");
    // The list of 16 December is not the one of 1 January; a number outside 0888 is a caller-id violation.
    run(dir.path(), "bad", &sk, &[sets[0], "compliance.caller_id=\"+421 2 1234 5678\"", &list("2025-12-16")]);
    let (_, by) = audit(dir.path(), "bad", &[]);
    assert!(by.contains_key("register-stale") && by.contains_key("caller-id"), "{by:?}");
}

#[test]
fn a_list_declares_the_basis_of_its_numbers_and_calls_csv_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let numbers: String = (0..400).map(|i| format!("+420601{:06}\n", 100_000 + i * 37)).collect();
    std::fs::write(dir.path().join("opt-in.csv"), format!("number\n{numbers}")).unwrap();
    let sets = ["compliance.purpose=\"marketing\"", "numbers.list=\"opt-in.csv\"", "numbers.suppress=[]"];
    run(dir.path(), "optin", "default", &[sets[0], sets[1], sets[2], "numbers.basis=\"opt-in\""]);
    let calls = by_header(std::fs::read(dir.path().join("optin/calls.csv")).unwrap());
    assert!(!calls.is_empty() && calls.iter().all(|c| c["basis"] == "opt-in" || !c["referral_of"].is_empty()));
    let (_, by) = audit(dir.path(), "optin", &[]);
    let referred = calls.iter().filter(|c| !c["referral_of"].is_empty()).count() as u64;
    assert_eq!(by.get("marketing-basis").copied().unwrap_or(0), referred, "only referred numbers lack a basis: {by:?}");
    // The control: the same list without a declared basis.
    run(dir.path(), "none", "default", &sets);
    let (code, by) = audit(dir.path(), "none", &[]);
    assert_eq!(code, 4);
    assert!(by["marketing-basis"] > 100, "{by:?}");
}

#[test]
fn a_consent_asked_for_in_a_cold_marketing_call_and_a_survey_asking_for_marketing_consent_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    run(
        dir.path(),
        "cold",
        "default",
        &["compliance.purpose=\"marketing\"", "compliance.give_name=1", "compliance.consent=1"],
    );
    let (_, by) = audit(dir.path(), "cold", &[]);
    let receipts = std::fs::read_to_string(dir.path().join("cold/consents.jsonl")).unwrap();
    let consents = receipts.lines().filter(|l| l.contains("\"consentTimestamp\"")).count() as u64;
    assert!(consents > 0);
    assert_eq!(by.get("cold-consent-request").copied(), Some(consents), "{by:?}");
    run(dir.path(), "disguised", "default", &["compliance.consent_purpose=\"marketing\""]);
    let (code, by) = audit(dir.path(), "disguised", &[]);
    assert_eq!((code, by.get("disguised-survey").copied()), (4, Some(1)), "{by:?}");
}

#[test]
fn caller_id_and_the_information_message_are_required_where_the_regime_asks_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let gb = scenario("population/gb.toml");
    run(dir.path(), "withheld", &gb, &["compliance.purpose=\"marketing\"", "compliance.caller_id=\"\""]);
    let (_, by) = audit(dir.path(), "withheld", &[]);
    assert_eq!(by.get("caller-id").copied(), Some(1), "{by:?}");
    // Abandoned calls without the message: a busy floor (5 agents at a high level) abandons some.
    let busy = ["dialer.agents=5", "dialer.on_budget_spent=\"continue\"", "dialer.drop_target=0.2"];
    run(dir.path(), "silent", &gb, &[busy[0], busy[1], busy[2], "compliance.info_message=false"]);
    let (_, by) = audit(dir.path(), "silent", &[]);
    assert!(by.get("information-message").copied().unwrap_or(0) > 0, "{by:?}");
    run(dir.path(), "message", &gb, &busy);
    let (_, by) = audit(dir.path(), "message", &[]);
    assert!(!by.contains_key("information-message"), "{by:?}");
}

#[test]
fn ofcom_holds_a_number_24_hours_after_amd_hung_up_on_its_machine() {
    let dir = tempfile::tempdir().unwrap();
    let gb = scenario("population/gb.toml");
    // AMD at 1 s (within the 2 s limit), so that the budget keeps it on and it hangs up on machines.
    let day = ["run.day_hours=8", "amd.detect_time=1"];
    run(dir.path(), "uk", &gb, &day);
    let (_, by) = audit(dir.path(), "uk", &[]);
    assert!(!by.contains_key("amd-redial"), "{by:?}");
    // The control: the same floor under the generic rules redials machines after 3 h; Ofcom's rules flag it.
    run(dir.path(), "generic", &gb, &[day[0], day[1], "compliance.profile=\"generic\""]);
    let (code, by) = audit(dir.path(), "generic", &["--profile", "uk-ofcom"]);
    assert_eq!(code, 4);
    assert!(by.get("amd-redial").copied().unwrap_or(0) > 0, "{by:?}");
    // The records are checked against the profile they were written under, the calls against the one asked for.
    assert!(!by.contains_key("profile") && !by.contains_key("processing-record"), "{by:?}");
}

#[test]
fn a_us_random_number_dialer_needs_prior_express_consent_for_mobiles_unless_hand_dialled() {
    let dir = tempfile::tempdir().unwrap();
    let us = scenario("population/us.toml");
    run(dir.path(), "auto", &us, &[]);
    let (code, by) = audit(dir.path(), "auto", &[]);
    let calls = by_header(std::fs::read(dir.path().join("auto/calls.csv")).unwrap()).len() as u64;
    assert_eq!((code, by.get("random-mobile").copied()), (4, Some(calls)), "{by:?}");
    run(dir.path(), "hand", &us, &["dialer.mode=\"preview\""]);
    let (_, by) = audit(dir.path(), "hand", &[]);
    assert!(!by.contains_key("random-mobile"), "{by:?}");
}

#[test]
fn a_basis_declared_without_a_list_is_said_to_have_no_effect() {
    let dir = tempfile::tempdir().unwrap();
    let o = dialsim(dir.path(), &["simulate", "--set", "run.day_hours=0.5", "--set", "numbers.basis=\"opt-in\""]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("numbers.basis=\"opt-in\" has no effect") && err.contains("numbers.list"), "{err}");
}

#[test]
fn an_unknown_profile_is_refused_with_the_names_that_exist() {
    let dir = tempfile::tempdir().unwrap();
    let o = dialsim(dir.path(), &["simulate", "--set", "compliance.profile=\"fr-2020\""]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("fr-2020") && err.contains("cz-2022") && err.contains("uk-ofcom"), "{err}");
}
