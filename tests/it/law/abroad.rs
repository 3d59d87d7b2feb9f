//! A number of another country is held to its own country's law besides the campaign's: a list's numbers, or
//! a plan of another country (calling hours, abandonment limit, and for marketing the consent rule, registers
//! and caller ID), and the library says so plainly.

use std::path::Path;

use super::{audit, by_header, common, dialsim, repo, run, scenario};

/// Writes `d/own.csv`, the first `n` Czech numbers of data/known/opt-in.csv, and `d/mixed.csv`, the same
/// followed by the lines `foreign`.
fn own_and_mixed(d: &Path, n: usize, foreign: &str) {
    let opt_in = std::fs::read_to_string(repo().join("data/known/opt-in.csv")).unwrap();
    let own: Vec<&str> = opt_in.lines().take(n + 1).collect();
    std::fs::write(d.join("own.csv"), format!("{}\n", own.join("\n"))).unwrap();
    std::fs::write(d.join("mixed.csv"), format!("{}\n{foreign}", own.join("\n"))).unwrap();
}

/// The warnings about `numbers.list` the simulate job gives before a one-hour run of marketing.toml with `set`.
fn list_warnings(set: &[String]) -> Vec<String> {
    let mut set = set.to_vec();
    set.push("run.day_hours=1".to_string());
    let source =
        dialsim::ScenarioSource::named(Some(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/marketing.toml")));
    let mut warnings = Vec::new();
    common::simulate_job(&source, &set)
        .prepare(&mut |n| {
            if let dialsim::jobs::Note::Warning(w) = n
                && w.starts_with("numbers.list")
            {
                warnings.push(w)
            }
        })
        .unwrap();
    warnings
}

/// A list holding numbers of another country is dialled under the campaign's law, and the library says so
/// plainly, naming the country, its regime that day and what to do (a warning the binary prints); a list of
/// the campaign's own numbers gets no such warning.
#[test]
fn a_list_with_another_countrys_numbers_is_warned_of_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    own_and_mixed(d, 40, "+421905123410\n+421905123411\n+390612345678\n");
    let notes = |list: &str| list_warnings(&[format!("numbers.list=\"{}\"", d.join(list).display())]);
    assert_eq!(notes("own.csv"), Vec::<String>::new());
    let mixed = d.join("mixed.csv").display().to_string();
    assert_eq!(
        notes("mixed.csv"),
        [
            format!(
                "numbers.list {mixed}: 1 of the 43 numbers is of +39, which no jurisdiction module knows; it is \
                 dialled under the campaign's law (Czech Republic, cz-2022)"
            ),
            format!(
                "numbers.list {mixed}: 2 of the 43 numbers are Slovakia's (+421), whose law on 2026-01-05 is \
                 sk-2022; they are dialled under the campaign's law (Czech Republic, cz-2022), with sk-2022's law \
                 audited besides (the pacer keeps the campaign's abandonment limit): give them a campaign of their \
                 own (numbers.plan = \"sk\")"
            ),
        ]
    );
    let scenario = repo().join("data/scenarios/marketing.toml");
    let list = format!("numbers.list=\"{mixed}\"");
    let o = common::dialsim(d, &["simulate", scenario.to_str().unwrap(), "--seed", "1", "--set", &list]);
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!("dialsim: warning: numbers.list {mixed}: 2 of the 43 numbers are Slovakia's")),
        "{stderr}"
    );
}

/// A number is held to its own country's law too: a Slovak marketing campaign (opt-out) dialling a list that
/// holds Czech numbers with no basis breaks Czech law (opt-in since 1 July 2022) on each of those calls, and the
/// audit says so under CZ; the Slovak numbers of the same list, and a list of Slovak numbers alone, are lawful.
#[test]
fn a_marketing_call_to_a_number_of_another_country_is_audited_under_that_countrys_law_too() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("nevolajte.csv"), "number\n+421905123456\n").unwrap();
    let slovak: String = (0..60).map(|i| format!("+421905{:06}\n", 200_000 + i * 7)).collect();
    let czech: String = (0..20).map(|i| format!("+420601{:06}\n", 300_000 + i * 11)).collect();
    std::fs::write(d.join("sk.csv"), format!("number\n{slovak}")).unwrap();
    std::fs::write(d.join("mixed.csv"), format!("number\n{slovak}{czech}")).unwrap();
    let sk = scenario("population/sk.toml");
    let register =
        "compliance.registers=[{ name = \"nevolajte-mi\", path = \"nevolajte.csv\", date = \"2026-01-01\" }]";
    let sets = ["compliance.purpose=\"marketing\"", "compliance.caller_id=\"+421 888 123 456\"", register];
    run(d, "sk", &sk, &[&sets[..], &["numbers.list=\"sk.csv\""]].concat());
    let (code, by) = audit(d, "sk", &[]);
    assert_eq!((code, by.get("marketing-basis")), (0, None), "{by:?}");

    run(d, "mixed", &sk, &[&sets[..], &["numbers.list=\"mixed.csv\""]].concat());
    let calls = by_header(std::fs::read(d.join("mixed/calls.csv")).unwrap());
    let to_czech = calls.iter().filter(|c| c["number"].starts_with("+420")).count() as u64;
    assert!(to_czech > 0 && to_czech < calls.len() as u64, "{to_czech} of {} calls", calls.len());
    let (code, by) = audit(d, "mixed", &[]);
    assert_eq!((code, by.get("marketing-basis").copied()), (4, Some(to_czech)), "{by:?}");
    let o = dialsim(d, &["audit", "mixed"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("under CZ, the law of the number's own country"), "{text}");
    assert!(!text.contains("+421905200000 called for marketing"), "{text}");
}

/// A marketing campaign that calls numbers of another country is held to that country's registers too: a
/// Czech campaign dialling a list with Slovak numbers never screened them against Slovakia's list of objecting
/// numbers (`register-missing` for SK's numbers, once, naming the campaign of their own that can screen them);
/// a list of Czech numbers alone is not.
#[test]
fn a_marketing_campaign_calling_another_countrys_numbers_needs_that_countrys_register() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let slovak: String = (0..40).map(|i| format!("+421905{:06}\n", 200_000 + i * 7)).collect();
    own_and_mixed(d, 200, &slovak);
    let marketing = scenario("marketing.toml");
    let registers_under_sk = |out: &str| {
        let o = dialsim(d, &["audit", out]);
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        text.lines().filter(|l| l.contains("register-missing") && l.contains("to numbers of SK")).count()
    };
    run(d, "own", &marketing, &["numbers.list=\"own.csv\""]);
    assert_eq!(registers_under_sk("own"), 0);
    assert_eq!(audit(d, "own", &[]).1.get("register-missing"), None);
    run(d, "mixed", &marketing, &["numbers.list=\"mixed.csv\""]);
    let calls = by_header(std::fs::read(d.join("mixed/calls.csv")).unwrap());
    assert!(calls.iter().any(|c| c["number"].starts_with("+421")), "a Slovak number was dialled");
    assert_eq!(registers_under_sk("mixed"), 1, "told once");
    let (code, by) = audit(d, "mixed", &[]);
    assert_eq!((code, by.get("register-missing").copied()), (4, Some(1)), "{by:?}");

    // Screened against Slovakia's register, given as its law names it: the register holds the list's Slovak
    // numbers, so it is not refused as another country's exclusion list, and its numbers are never dialled.
    std::fs::write(d.join("nevolajte.csv"), "number\n+421905200000\n+421905200007\n").unwrap();
    let register =
        "compliance.registers=[{ name = \"nevolajte-mi\", path = \"nevolajte.csv\", date = \"2026-01-01\" }]";
    run(d, "screened", &marketing, &["numbers.list=\"mixed.csv\"", register]);
    assert_eq!(registers_under_sk("screened"), 0);
    let calls = by_header(std::fs::read(d.join("screened/calls.csv")).unwrap());
    assert!(calls.iter().any(|c| c["number"].starts_with("+421")), "a Slovak number was dialled");
    assert!(!calls.iter().any(|c| c["number"] == "+421905200000" || c["number"] == "+421905200007"));
    assert_eq!(audit(d, "screened", &[]).1.get("register-missing"), None);

    // A source of both countries' numbers and a few others (40 % Czech, 40 % Slovak, 20 % British) screens
    // the numbers dialled: not refused.
    let own = std::fs::read_to_string(d.join("own.csv")).unwrap();
    let czech: Vec<&str> = own.lines().skip(1).take(4).collect();
    let both = format!(
        "number\n{}\n+421905200014\n+421905200021\n+421905200028\n+421905200035\n+447700900123\n+447700900124\n",
        czech.join("\n")
    );
    std::fs::write(d.join("both.csv"), both).unwrap();
    run(d, "both", &marketing, &["numbers.list=\"mixed.csv\"", "numbers.suppress=[\"both.csv\"]"]);
    let calls = by_header(std::fs::read(d.join("both/calls.csv")).unwrap());
    assert!(!calls.iter().any(|c| c["number"] == "+421905200014"), "a number of the source was dialled");

    // A list of a country the campaign dials no number of is still refused, naming the countries it dials.
    std::fs::write(d.join("gb.csv"), "number\n+447700900123\n+447700900124\n").unwrap();
    let o = dialsim(
        d,
        &[
            "simulate",
            &marketing,
            "--seed",
            "1",
            "--set",
            "numbers.list=\"mixed.csv\"",
            "--set",
            "numbers.suppress=[\"gb.csv\"]",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(
            "gb.csv is a list of 2 numbers of +44 among 2 (0 of +420): the numbers to exclude are not +420's nor its \
             list's (+421's), so they would exclude nothing from the numbers this campaign dials"
        ),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // The audit takes Slovakia's register for the run that dialled Slovak numbers (it used to refuse it as
    // "not +420's" unless --allow-other-country), finds the calls to the numbers on it, and still refuses the
    // register of a country the run dialled no number of.
    let dialled_sk: Vec<String> =
        by_header(std::fs::read(d.join("mixed/calls.csv")).unwrap()).into_iter().map(|c| c["number"].clone()).collect();
    let dialled_sk: Vec<&String> = dialled_sk.iter().filter(|n| n.starts_with("+421")).take(2).collect();
    std::fs::write(d.join("sk-register.csv"), format!("number\n{}\n{}\n", dialled_sk[0], dialled_sk[1])).unwrap();
    let (code, by) = audit(d, "mixed", &["--suppress", "sk-register.csv"]);
    assert_eq!(code, 4, "{by:?}");
    assert!(by.get("known-number").copied().unwrap_or(0) >= 2, "{by:?}");
    let o = dialsim(d, &["audit", "mixed", "--suppress", "gb.csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("the numbers to exclude are not +420's nor its list's (+421's)"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The countries are read from calls.csv: a number there that is not E.164 is named with its line.
    let calls = std::fs::read_to_string(d.join("mixed/calls.csv")).unwrap();
    let bad: Vec<String> =
        calls.lines().enumerate().map(|(i, l)| if i == 2 { l.replacen('+', "x", 1) } else { l.to_string() }).collect();
    std::fs::write(d.join("mixed/calls.csv"), bad.join("\n") + "\n").unwrap();
    let o = dialsim(d, &["audit", "mixed", "--suppress", "sk-register.csv"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("calls.csv:3: 'x4"), "{stderr}");
    assert!(stderr.contains("' is not an E.164 number"), "{stderr}");
}

/// An audited call of `key` at `hour` of day 0 (floor time), answered by a person and put through (or dropped
/// when `dropped`), on no basis.
fn call_at(call_id: u32, key: u64, hour: f64, dropped: bool) -> dialsim::compliance::AuditCall {
    use dialsim::sim::Outcome;
    dialsim::compliance::AuditCall {
        call_id,
        key,
        dial_ms: dialsim::sim::Millis((hour * 3_600_000.0) as u64),
        outcome: if dropped { Outcome::Dropped } else { Outcome::Completed },
        ring_s: 20.0,
        wait_s: if dropped { 5.0 } else { 0.5 },
        offered: Some(!dropped),
        basis: dialsim::jurisdiction::Basis::None,
        amd: false,
        callback_of: None,
    }
}

/// The violations of `rule` the audit finds in `calls` of a Czech campaign (the default survey day, or a
/// marketing one) that dials a list (`list`) or not, as text.
fn audited(calls: Vec<dialsim::compliance::AuditCall>, list: bool, marketing: bool, caller_id: &str) -> Vec<String> {
    let mut scenario = dialsim::Scenario::default_day();
    if list {
        scenario.numbers.list = "list.csv".into();
    }
    if marketing {
        scenario.compliance.purpose = dialsim::Purpose::Marketing;
    }
    scenario.compliance.caller_id = caller_id.into();
    let input = dialsim::compliance::AuditInput { scenario, calls, ..Default::default() };
    let found = dialsim::compliance::audit(&input, &|_| None);
    found.iter().map(|v| format!("{} {}", v.rule, v.detail)).collect()
}

/// A number of another country keeps its own country's calling hours in the audit: a Czech campaign (Czech law
/// sets none) that dials a list with a New York number at 09:00 Prague time (03:00 there) and a London number
/// at 08:30 (07:30 there) breaks the US TSR's hours (law) and the UK's (practice), each named; the same numbers
/// inside their hours, and a Czech number at 07:00, are lawful.
#[test]
fn a_number_of_another_country_keeps_its_own_countrys_calling_hours_in_the_audit() {
    let (new_york, london, prague) = (12_125_550_100, 442_079_460_000, 420_601_123_456);
    let calls = vec![
        call_at(0, prague, 7.0, false),
        call_at(1, london, 8.5, false),
        call_at(2, new_york, 9.0, false),
        call_at(3, london, 9.5, false),
        call_at(4, new_york, 15.0, false),
    ];
    let hours: Vec<String> =
        audited(calls, true, false, "").into_iter().filter(|v| v.starts_with("calling-hours")).collect();
    assert_eq!(
        hours,
        [
            "calling-hours +442079460000 dialled at 07:30 Europe/London local time, outside the calling hours \
             08:00–21:00 (GB's practice, the number's own country)",
            "calling-hours +12125550100 dialled at 03:00 America/New_York local time, outside the calling hours \
             08:00–21:00 (under US, the law of the number's own country)",
        ]
    );
}

/// Calls to another country's numbers keep that country's abandonment limit when it is law, counted over its
/// numbers and its window: a Czech survey dialling a list drops 2 of 40 New York answers (5 % > the TSR's 3 %
/// per 30 days) while the campaign as a whole, with 100 Czech answers, stays within its own 3 % a day. Without
/// the drops, or with them to Czech numbers, there is no abandonment violation.
#[test]
fn calls_to_another_countrys_numbers_keep_its_abandonment_limit() {
    let (new_york, prague) = (12_125_550_100u64, 420_601_000_000u64);
    let day = |drops_to: Option<u64>| {
        let mut calls = Vec::new();
        for i in 0..140u32 {
            let (key, hour) = if i < 40 { (new_york + u64::from(i), 15.0) } else { (prague + u64::from(i), 9.0) };
            let dropped = match drops_to {
                Some(k) if k == new_york => i < 2,
                Some(_) => (40..42).contains(&i),
                None => false,
            };
            calls.push(call_at(i, key, hour + f64::from(i) / 1000.0, dropped));
        }
        calls.sort_by_key(|c| c.dial_ms);
        audited(calls, true, false, "").into_iter().filter(|v| v.starts_with("abandonment")).collect::<Vec<_>>()
    };
    assert_eq!(
        day(Some(new_york)),
        ["abandonment 30-day period 0: 2 of 40 live answers abandoned (5.00 % > 3 %) to numbers of US, under US's \
          limit (the law of the numbers' own country; 2 s of silence after pick-up is abandoned)"]
    );
    assert_eq!(day(None), Vec::<String>::new());
    assert_eq!(day(Some(prague)), Vec::<String>::new(), "2 of 100 Czech answers: within 3 % a day");
}

/// A marketing call to another country's numbers presents the caller ID that country's law asks for: a Czech
/// marketing campaign (Czech law asks for none) calling Slovak numbers must call from Slovakia's 0888 marketing
/// prefix, and calling UK numbers must not withhold its number; a +421 888 caller ID keeps the Slovak rule.
#[test]
fn a_marketing_call_to_another_countrys_numbers_presents_the_caller_id_its_law_asks_for() {
    let (bratislava, london) = (421_905_123_456, 442_079_460_000);
    let caller_id = |calls: Vec<dialsim::compliance::AuditCall>, cli: &str| -> Vec<String> {
        audited(calls, true, true, cli).into_iter().filter(|v| v.starts_with("caller-id")).collect()
    };
    assert_eq!(
        caller_id(vec![call_at(0, bratislava, 9.0, false)], "+420 222 333 444"),
        ["caller-id marketing calls to numbers of SK (whose law asks for one) must come from the 0888 prefix of SK \
          (+421 888…); compliance.caller_id is +420 222 333 444"]
    );
    assert_eq!(caller_id(vec![call_at(0, bratislava, 9.0, false)], "+421 888 123 456"), Vec::<String>::new());
    assert_eq!(caller_id(vec![call_at(0, bratislava, 9.0, false)], "00421 888 123 456"), Vec::<String>::new());
    assert_eq!(
        caller_id(vec![call_at(0, london, 9.5, false)], ""),
        ["caller-id marketing calls to numbers of GB (whose law asks for one) withhold the caller ID \
          (compliance.caller_id is empty)"]
    );
    // The campaign's own numbers: Czech law asks for no caller ID.
    assert_eq!(caller_id(vec![call_at(0, 420_601_123_456, 9.0, false)], ""), Vec::<String>::new());
}

/// The dialer holds a number of another country to its own country's calling hours: a Czech campaign from
/// 13:00 to 15:00 Prague time dialling a list of Czech, New York and Los Angeles numbers dials the Czech ones
/// from 13:00, the New York ones only from 14:00 (08:00 there, the US TSR) and the Los Angeles ones never
/// (08:00 there is 17:00 in Prague), which the warning says before the run; its audit finds no calling-hours
/// violation.
#[test]
fn the_dialer_holds_a_number_of_another_country_to_its_calling_hours() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let czech: String = (0..150).map(|i| format!("+420601{:06}\n", 300_000 + i * 11)).collect();
    let us: String = (0..150).map(|i| format!("+1212555{:04}\n", 1000 + i * 3)).collect();
    let la: String = (0..40).map(|i| format!("+1310555{:04}\n", 1000 + i * 3)).collect();
    let both: String = czech.lines().zip(us.lines()).map(|(a, b)| format!("{a}\n{b}\n")).collect();
    std::fs::write(d.join("list.csv"), format!("number\n{both}{la}")).unwrap();
    let list = "numbers.list=\"list.csv\"";
    let sets = ["--set", list, "--set", "run.day_start=\"13:00\"", "--set", "run.day_hours=2"];
    let o = dialsim(d, &[&["simulate", "--seed", "2", "--out", "run"][..], &sets[..]].concat());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "; 40 of them are never inside their calling hours during the campaign's calling window on 2026-01-05 \
             (run.day_start 13:00 for 2 h, on the floor's clock) and are not dialled"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("190 of the 340 numbers are of the NANP (+1), held to the law of the United States,"),
        "{stderr}"
    );
    let calls = by_header(std::fs::read(d.join("run/calls.csv")).unwrap());
    let hour = |c: &std::collections::HashMap<String, String>| (c["dial_s"].parse::<f64>().unwrap() / 3600.0) as u32;
    let first = |prefix: &str| calls.iter().filter(|c| c["number"].starts_with(prefix)).map(hour).min();
    assert_eq!(first("+420"), Some(13));
    assert_eq!(first("+1212"), Some(14), "New York opens at 08:00 there");
    assert_eq!(first("+1310"), None, "Los Angeles opens at 17:00 Prague time");
    let (_, by) = audit(d, "run", &[]);
    assert_eq!(by.get("calling-hours"), None, "{by:?}");
}

/// A plan of another country than the campaign's law (`numbers.plan = "gb"` under `compliance.profile = "cz"`)
/// is said plainly, and its numbers keep their own country's calling hours: from 08:00 Prague time (07:00 in
/// London) the first call is at 09:00, 08:00 there; under the plan's own law (`profile = "plan"`) likewise, and
/// without the warning.
#[test]
fn a_plan_of_another_country_is_warned_of_and_keeps_its_calling_hours() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let first_hour = |out: &str, profile: &str| {
        let profile = format!("compliance.profile=\"{profile}\"");
        let args = ["simulate", "--seed", "4", "--out", out, "--set", "numbers.plan=\"gb\"", "--set", &profile];
        let sets = ["--set", "run.day_start=\"08:00\"", "--set", "run.day_hours=2", "--set", "numbers.suppress=[]"];
        let o = dialsim(d, &[&args[..], &sets[..]].concat());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let calls = by_header(std::fs::read(d.join(out).join("calls.csv")).unwrap());
        let first = calls.iter().map(|c| c["dial_s"].parse::<f64>().unwrap()).fold(f64::MAX, f64::min);
        let warned = String::from_utf8_lossy(&o.stderr).contains(
            "dialsim: warning: numbers.plan gb: the plan's numbers are United Kingdom's (+44), whose law on 2026-01-05 \
             is uk-ofcom; they are dialled under the campaign's law (Czech Republic, cz-2022), with uk-ofcom's \
             calling hours and AMD redial hold kept",
        );
        ((first / 3600.0) as u32, warned)
    };
    assert_eq!(first_hour("cz", "cz"), (9, true));
    assert_eq!(first_hour("plan", "plan"), (9, false));
    let (_, by) = audit(d, "cz", &[]);
    assert_eq!(by.get("calling-hours"), None, "{by:?}");
}

/// The per-call duties of the number's own country are audited too, each named as that country's law: a Czech
/// survey (Czech law asks none of these) dialling a list breaks the UK's information message on a dropped
/// London number, Ofcom's 24 h after AMD hung up on a London machine, its 72 h lockout after a drop (the
/// scenario's own lockout set to 0), and the TCPA's prior express consent on every New York call (and the
/// TSR's information message on its drop); the same calls
/// to Czech numbers break none of them (calling hours and abandonment are tested above).
#[test]
fn the_per_call_duties_of_the_numbers_own_country_are_audited() {
    use dialsim::sim::Outcome;
    let (new_york, london, prague) = (12_125_550_100u64, 442_079_460_000u64, 420_601_123_456u64);
    let found = |key: u64| {
        let mut scenario = dialsim::Scenario::default_day();
        scenario.numbers.list = "list.csv".into();
        scenario.dialer.drop_lockout_hours = 0.0;
        scenario.compliance.info_message = false;
        let machine = |id, hour| dialsim::compliance::AuditCall {
            outcome: Outcome::Machine,
            amd: true,
            offered: None,
            ..call_at(id, key + 1, hour, false)
        };
        let calls = vec![call_at(0, key, 15.0, true), call_at(1, key, 16.0, false), machine(2, 16.5), machine(3, 17.5)];
        let input = dialsim::compliance::AuditInput { scenario, calls, ..Default::default() };
        let mut rules: Vec<String> = dialsim::compliance::audit(&input, &|_| None)
            .iter()
            .filter(|v| !["calling-hours", "abandonment"].contains(&v.rule))
            .map(|v| format!("{} {}", v.rule, v.detail))
            .collect();
        rules.sort();
        rules
    };
    assert_eq!(
        found(london),
        [
            "amd-redial +442079460001 called again 1.0 h after AMD hung up on its machine, with AMD screening instead \
             of an agent guaranteed (the regime allows that only after 24 h) under GB, the law of the number's own \
             country",
            "drop-lockout +442079460000 redialled within 72 h of an abandoned call (GB's, the number's own \
             country's lockout)",
            "information-message +442079460000 abandoned without the information message (compliance.info_message = \
             false) under GB, the law of the number's own country",
        ]
    );
    let us = found(new_york);
    let under_us = "under US, the law of the number's own country";
    assert_eq!(us.len(), 5, "{us:?}");
    assert!(us[0].starts_with("information-message +12125550100") && us[0].ends_with(under_us), "{us:?}");
    assert!(us[1..].iter().all(|v| v.starts_with("random-mobile") && v.ends_with(under_us)), "{us:?}");
    assert_eq!(found(prague), Vec::<String>::new());
}

/// The dialer holds a number of another country as its own country's law asks after AMD hung up on its
/// machine: UK numbers dialled under Czech law (a GB plan under `compliance.profile = "cz"`, AMD on) are not
/// called again within Ofcom's 24 h — in an 8-hour day, never again — where the scenario's own 3 h machine
/// redial would bring them back; and the audit, which holds them to the same rule, finds no `amd-redial`.
#[test]
fn the_dialer_keeps_the_amd_redial_hold_of_the_numbers_own_country() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let gb = scenario("population/gb.toml");
    run(d, "uk", &gb, &["run.day_hours=8", "amd.detect_time=1", "compliance.profile=\"cz\""]);
    let calls = by_header(std::fs::read(d.join("uk/calls.csv")).unwrap());
    let mut machine_at: std::collections::HashMap<&str, f64> = Default::default();
    let mut machines = 0;
    for c in &calls {
        let at: f64 = c["dial_s"].parse().unwrap();
        if let Some(was) = machine_at.get(c["number"].as_str()) {
            panic!("{} called again {:.1} h after AMD hung up on its machine", c["number"], (at - was) / 3600.0);
        }
        if c["outcome"] == "machine" && c["amd"] == "on" {
            machine_at.insert(&c["number"], at);
            machines += 1;
        }
    }
    assert!(machines > 100, "{machines} machines screened by AMD");
    let (_, by) = audit(d, "uk", &[]);
    assert_eq!(by.get("amd-redial"), None, "{by:?}");
}

/// A named regime is a what-if for the plan's numbers: under `compliance.profile = "generic"` a Czech marketing
/// campaign's Czech list numbers are held to the GDPR alone (no warning, no Czech opt-in rule), while under the
/// Czech jurisdiction the opt-in rule binds them as the campaign's own law.
#[test]
fn a_named_regime_replaces_the_law_of_the_plans_country_for_a_lists_numbers() {
    use dialsim::sim::Outcome;
    let prague = 420_601_123_456u64;
    let marketing_basis = |profile: &str| {
        let mut scenario = dialsim::Scenario::default_day();
        scenario.numbers.list = "list.csv".into();
        scenario.compliance.purpose = dialsim::Purpose::Marketing;
        scenario.compliance.profile = profile.parse().unwrap();
        let calls =
            vec![dialsim::compliance::AuditCall { outcome: Outcome::Completed, ..call_at(0, prague, 9.0, false) }];
        let input = dialsim::compliance::AuditInput { scenario, calls, ..Default::default() };
        let found = dialsim::compliance::audit(&input, &|_| None);
        found.iter().filter(|v| v.rule == "marketing-basis").map(|v| v.detail.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(marketing_basis("generic"), Vec::<String>::new());
    let cz = marketing_basis("cz");
    assert_eq!(cz.len(), 1);
    assert!(cz[0].ends_with("under CZ (marketing calls need opt-in, prior consent or an existing customer)"), "{cz:?}");

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    own_and_mixed(d, 40, "");
    let warned = |profile: &str| {
        list_warnings(&[
            format!("numbers.list=\"{}\"", d.join("own.csv").display()),
            format!("compliance.profile=\"{profile}\""),
        ])
    };
    assert_eq!(warned("generic"), Vec::<String>::new());
    assert_eq!(warned("cz-2018"), Vec::<String>::new());
}

/// A number never inside its calling hours during the campaign's calling window is set aside undialled
/// (counted in `numbers_set_aside`, and said), not held back: a list sorted by area whose first 100,050
/// numbers are Los Angeles ones on a Prague 13:00–15:00 floor still has its Czech numbers dialled. The dialer
/// used to draw 64 numbers a dial and then wait a minute, and past 100,000 held back it drew none: it dialled
/// nothing at all.
#[test]
fn numbers_never_open_are_set_aside_and_the_open_ones_after_them_dialled() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let la: String = (0..100_050).map(|i| format!("+1310{:07}\n", 2_000_000 + i)).collect();
    let czech: String = (0..50).map(|i| format!("+420601{:06}\n", 300_000 + i * 11)).collect();
    std::fs::write(d.join("list.csv"), format!("number\n{la}{czech}")).unwrap();
    let sets = ["--set", "numbers.list=\"list.csv\"", "--set", "run.day_start=\"13:00\"", "--set", "run.day_hours=2"];
    let o = dialsim(d, &[&["simulate", "--seed", "2", "--json"][..], &sets[..]].concat());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["numbers_dialed"], 50, "{summary}");
    assert_eq!(summary["numbers_set_aside"], 100_050, "{summary}");
    assert!(
        stderr.contains(
            "warning: 100050 numbers were set aside undialled (numbers_set_aside): never inside their calling hours \
             during the campaign's calling window"
        ),
        "{stderr}"
    );
    // Over two days the warning names them.
    let two = [&sets[..], &["--set", "run.days=2", "--set", "run.start_date=\"2026-01-05\""][..]].concat();
    let o = dialsim(d, &[&["simulate", "--seed", "2", "--json"][..], &two[..]].concat());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(
            "100050 of them are never inside their calling hours during the campaign's calling window on its 2 days \
             from 2026-01-05 (run.day_start 13:00"
        ),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A list all of whose numbers are closed when the window opens (New York numbers from 07:00 on a New York floor,
/// under the US TSR's 08:00–21:00) is held back, not set aside, and dialled from 08:00 in every dialer mode.
/// Progressive and preview modes used to dial none of it: the whole list went into the held-back queues at the
/// first dial and nothing looked at them again.
#[test]
fn a_list_closed_when_the_window_opens_is_held_back_and_dialled_in_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ny: String = (0..400).map(|i| format!("+1212555{:04}\n", 1000 + i * 7)).collect();
    std::fs::write(d.join("list.csv"), format!("number\n{ny}")).unwrap();
    for mode in ["predictive", "progressive", "preview"] {
        let sets = [
            "numbers.list=\"list.csv\"",
            "numbers.plan=\"us\"",
            "numbers.suppress=[]",
            "numbers.types=[\"fixedLineOrMobile\"]",
            "numbers.mix={}",
            "run.time_zone=\"America/New_York\"",
            "run.day_start=\"07:00\"",
            "run.day_hours=4",
        ];
        let mut args = vec!["simulate", "--seed", "3", "--json", "--set"];
        let mode = format!("dialer.mode=\"{mode}\"");
        args.push(&mode);
        for s in &sets {
            args.extend(["--set", s]);
        }
        let o = dialsim(d, &args);
        assert!(o.status.success(), "{mode}: {}", String::from_utf8_lossy(&o.stderr));
        let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(summary["numbers_dialed"].as_u64().unwrap() > 20, "{mode}: {}", summary["numbers_dialed"]);
        assert_eq!(summary.get("numbers_set_aside"), None, "{mode}: held back, not set aside");
    }
}
