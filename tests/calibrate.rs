//! `dialsim calibrate`: a simulated log gives back the parameters it was simulated with, within the intervals
//! the calibration reports; a VICIdial export is read by its documented mapping; bad logs are refused with
//! file and line; the scenario written runs.
mod common;

use common::{dialsim, ok_stdout};
use dialsim::calibrate::{Disposition, LogFormat, calibrate, read_log};
use dialsim::{Normalizer, Plan, Scenario};

/// The default scenario's value of `key` in `section` (`population.mobile` falls back to `population`), as a
/// number.
fn value_of(toml: &str, section: &str, key: &str) -> f64 {
    let table: toml::Table = toml.parse().unwrap();
    let mut node = &table[section.split('.').next().unwrap()];
    for part in section.split('.').skip(1) {
        node = &node[part];
    }
    let v = node.get(key).unwrap_or_else(|| &table[section.split('.').next().unwrap()][key]);
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64)).unwrap_or_else(|| v["mean"].as_float().unwrap())
}

#[test]
fn a_simulated_log_gives_back_its_parameters_within_their_intervals() {
    let dir = tempfile::tempdir().unwrap();
    // The default population by number type, with a flat answer curve (so each rate is one number) and the
    // abandonment budget never switching AMD off (so AMD's rates hold all day).
    let set = ["run.days=3", "answer_curve.person_weekday=[]", "answer_curve.machine_weekday=[]"];
    let mut args = vec!["simulate", "--seed", "3", "-q", "-o", "run", "--set", "dialer.on_budget_spent=continue"];
    for s in set {
        args.extend(["--set", s]);
    }
    ok_stdout(dir.path(), &args);
    ok_stdout(dir.path(), &["calibrate", "run/calls.csv", "-o", "fitted.toml"]);
    let fitted = std::fs::read_to_string(dir.path().join("fitted.toml")).unwrap();
    let truth = dialsim::DEFAULT_SCENARIO;
    // Every value written carries its interval in the comment: "key = v   # 95 % lo–hi; ...".
    let interval = |section: &str, key: &str| -> (f64, f64) {
        let mut in_section = false;
        for line in fitted.lines() {
            if line.starts_with('[') {
                in_section = line.split('#').next().unwrap().trim() == format!("[{section}]");
            } else if in_section && line.starts_with(&format!("{key} = ")) {
                let bounds = line.split("95 % ").nth(1).unwrap().split([';', ' ']).next().unwrap();
                let (lo, hi) = bounds.trim_end_matches(" s").split_once('–').unwrap();
                return (lo.parse().unwrap(), hi.parse().unwrap());
            }
        }
        panic!("{section}.{key} not in the fitted scenario:\n{fitted}");
    };
    let mut missed = Vec::new();
    for (section, key) in [
        ("population.mobile", "not_in_service"),
        ("population.mobile", "busy"),
        ("population.mobile", "person"),
        ("population.mobile", "machine"),
        ("population.mobile", "cooperate"),
        ("population.fixedLine", "not_in_service"),
        ("population", "answer_delay"),
        ("callbacks", "probability"),
        ("amd", "machine_detected"),
        ("amd", "person_misdetected"),
        ("agents", "talk"),
        ("agents", "refusal_talk"),
        ("agents", "wrap"),
        ("compliance", "object"),
    ] {
        // Fourteen 95 % intervals miss one value or more in about half of all runs, so each is widened to 99.6 %
        // (z 2.87 instead of 1.96: Bonferroni, about 5 % for the twelve together), so that a harmless change
        // to the draws does not trip the test while a biased estimator still does.
        let (lo, hi) = interval(section, key);
        let (mid, half) = ((lo + hi) / 2.0, (hi - lo) / 2.0 * 2.87 / 1.96);
        let true_value = value_of(truth, section, key);
        if !(mid - half <= true_value && true_value <= mid + half) {
            missed.push(format!("{section}.{key}: {true_value} not in {lo}–{hi} (widened: ±{half})"));
        }
    }
    assert!(missed.is_empty(), "parameters outside their intervals: {missed:#?}\n{fitted}");
    // The scenario written runs as it is.
    Scenario::load(dir.path().join("fitted.toml").to_str().unwrap(), &["run.day_hours=0.5".into()]).unwrap();
    let run = dialsim(dir.path(), &["simulate", "fitted.toml", "--set", "run.day_hours=0.5", "--seed", "1", "-q"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
}

#[test]
fn a_vicidial_log_is_read_by_its_status_mapping() {
    let log = "uniqueid,lead_id,list_id,campaign_id,call_date,start_epoch,end_epoch,length_in_sec,status,phone_code,phone_number,user\n\
        1,1,999,C,2026-01-05 09:15:02,0,0,0,NA,420,601000001,VDAD\n\
        2,2,999,C,2026-01-05 09:16:02,0,0,0,DC,420,601000002,VDAD\n\
        3,3,999,C,2026-01-05 10:01:00,0,0,0,AA,420,601000003,VDAD\n\
        4,4,999,C,2026-01-05 10:02:00,0,0,95,SALE,420,601000004,agent1\n\
        5,5,999,C,2026-01-05 10:03:00,0,0,20,NI,420,601000005,agent1\n\
        6,6,999,C,2026-01-05 10:04:00,0,0,0,DROP,420,601000006,VDAD\n\
        7,7,999,C,2026-01-05 10:05:00,0,0,12,DNC,420,601000007,agent2\n\
        8,8,999,C,2026-01-05 11:00:00,0,0,40,CALLBK,420,601000008,agent2\n";
    let plan = Plan::embedded("cz").unwrap();
    let (format, attempts) = read_log("vicidial_log.csv", log.as_bytes(), &Normalizer::for_plan(&plan)).unwrap();
    assert_eq!(format, LogFormat::Vicidial);
    let got: Vec<(Disposition, u8, Option<f64>)> = attempts.iter().map(|a| (a.disposition, a.hour, a.talk_s)).collect();
    assert_eq!(
        got,
        vec![
            (Disposition::NoAnswer, 9, None),
            (Disposition::NotInService, 9, None),
            (Disposition::MachineDetected, 10, None),
            (Disposition::Completed, 10, Some(95.0)),
            (Disposition::Refused, 10, Some(20.0)),
            (Disposition::PersonDropped, 10, None),
            (Disposition::Objected, 10, Some(12.0)),
            (Disposition::Callback, 11, Some(40.0)),
        ]
    );
    let c = calibrate(format, &attempts, &plan);
    assert_eq!((c.all.not_in_service.k, c.all.not_in_service.n), (1, 8));
    assert_eq!((c.all.person.k, c.all.person.n), (5, 7));
    assert_eq!((c.all.object.k, c.all.object.n), (1, 4));
    // Of the connected persons who did not object: one asked for a call back; of the other two, one listened.
    assert_eq!((c.all.cooperate.k, c.all.cooperate.n), (1, 2));
    assert_eq!((c.all.callback.k, c.all.callback.n), (1, 3));
    assert_eq!(c.by_type["mobile"].numbers, 8);
    assert_eq!(c.answered_share, 1.0, "a VICIdial log has no ring times: no correction");
    assert!(attempts.iter().all(|a| !a.follow_up), "CALLBK is a request, not a kept callback");
}

#[test]
fn bad_logs_are_refused_with_file_and_line() {
    let plan = Plan::embedded("cz").unwrap();
    let n = Normalizer::for_plan(&plan);
    let head = "call_id,number,attempt,dial_s,outcome,ring_s,wait_s,talk_s,wrap_s,agent,objection_offered,notice,referral_of\n";
    let row = "0,+420601000001,1,32400.000,completed,9.000,0.000,100.000,20.000,1,true,standard,\n";
    let cases = [
        (
            format!("{head}{row}1,+420601000002,1,32401.000,exploded,9,0,0,0,,,,\n"),
            "log.csv:3: unknown outcome `exploded`",
        ),
        (format!("{head}{row}1,+420601000002,1,32401.000,busy,-4,0,0,0,,,,\n"), "log.csv:3: `-4` is not a duration"),
        (format!("{head}1,hello,1,32401.000,busy,4,0,0,0,,,,\n"), "log.csv:2: `hello` is not a phone number"),
        (format!("{head}{row}1,+420601000002\n"), "log.csv:3:"),
        ("a,b\n1,2\n".to_string(), "log.csv:1: neither dialsim's calls.csv"),
        (head.to_string(), "log.csv: the log holds no attempts"),
        (
            "call_date,status,phone_code,phone_number\n2026-01-05 09:00:00,WEIRD,420,601000001\n".to_string(),
            "log.csv:2: VICIdial status `WEIRD` has no mapping",
        ),
    ];
    for (text, expected) in cases {
        let e = read_log("log.csv", text.as_bytes(), &n).unwrap_err().to_string();
        assert!(e.starts_with(expected), "{e:?} should start with {expected:?}");
    }
    // Through the binary: exit 1, the message on stderr, nothing written.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.csv"), format!("{head}1,hello,1,1,busy,4,0,0,0,,,,\n")).unwrap();
    let out = dialsim(dir.path(), &["calibrate", "bad.csv", "-o", "x.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.csv:2:"));
    assert!(!dir.path().join("x.toml").exists());
}
