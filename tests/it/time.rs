//! The campaign's time dimension: calendar, answer curves, callbacks, shifts, calling hours and the day's end.

use dialsim::{Scenario, sim::Campaign, sim::RunOutput};

use crate::common;

fn run_with(set: &[&str], seed: u64) -> (Scenario, RunOutput) {
    let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
    let scenario = Scenario::parse("<default>", dialsim::DEFAULT_SCENARIO, &set).unwrap();
    let out = Campaign::new(scenario.clone()).unwrap().run(seed, true);
    (scenario, out)
}

/// Dials per calendar day of a run (day index from dial_ms).
fn dials_per_day(out: &RunOutput, days: usize) -> Vec<u64> {
    let mut v = vec![0u64; days];
    for c in &out.calls {
        v[(c.dial_ms.0 / 86_400_000) as usize] += 1;
    }
    v
}

#[test]
fn a_week_with_christmas_dials_only_on_open_czech_weekdays() {
    // 2026-12-21 is a Monday; 24-26 December are Czech public holidays, 26-27 a weekend.
    let (_, out) = run_with(&["run.start_date=\"2026-12-21\"", "run.days=7", "numbers.suppress=[]"], 3);
    let per_day = dials_per_day(&out, 7);
    assert!(per_day[..3].iter().all(|&d| d > 1000), "{per_day:?}");
    assert_eq!(&per_day[3..], &[0, 0, 0, 0], "no dial on 24-27 December: {per_day:?}");
    // A plain week from a Monday: five days of calls, nothing on Saturday and Sunday.
    let (_, out) = run_with(&["run.start_date=\"2026-01-05\"", "run.days=7", "numbers.suppress=[]"], 3);
    let per_day = dials_per_day(&out, 7);
    assert!(per_day[..5].iter().all(|&d| d > 1000) && per_day[5..] == [0, 0], "{per_day:?}");
    // State carries over the weekend: from Friday 9 January to Monday 12, Monday redials Friday's numbers.
    let (_, out) = run_with(&["run.start_date=\"2026-01-09\"", "run.days=4", "numbers.suppress=[]"], 3);
    assert_eq!(&dials_per_day(&out, 4)[1..3], &[0, 0]);
    let friday: std::collections::HashSet<_> =
        out.calls.iter().filter(|c| c.dial_ms.0 < 86_400_000).map(|c| c.number).collect();
    let monday_redials = out.calls.iter().filter(|c| c.dial_ms.0 >= 3 * 86_400_000 && c.attempt > 1);
    let carried = monday_redials.filter(|c| friday.contains(&c.number)).count();
    assert!(carried > 500, "Monday redials {carried} of Friday's numbers");
}

#[test]
fn holidays_of_the_plan_close_the_floor_and_extra_dates_too() {
    // 2026-04-03 Good Friday, 2026-04-06 Easter Monday (CZ); 2026-04-07 closed by hand.
    let (_, out) = run_with(
        &[
            "run.start_date=\"2026-04-02\"",
            "run.days=6",
            "numbers.suppress=[]",
            "calendar.extra_closed=[\"2026-04-07\"]",
        ],
        4,
    );
    let per_day = dials_per_day(&out, 6);
    assert!(per_day[0] > 1000, "{per_day:?}");
    assert_eq!(&per_day[1..], &[0, 0, 0, 0, 0], "{per_day:?}");
    // holidays = "none" with every day open calls on all of them.
    let (_, out) = run_with(
        &[
            "run.start_date=\"2026-04-02\"",
            "run.days=3",
            "numbers.suppress=[]",
            "calendar.holidays=none",
            "calendar.days=[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]",
        ],
        4,
    );
    assert!(dials_per_day(&out, 3).iter().all(|&d| d > 1000));
}

#[test]
fn the_hourly_answer_rate_follows_the_configured_curve() {
    // Person rate doubled 09-11, halved 13-15; pooled over seeds, the interval answer rates follow (ratio 4).
    let mut curve = vec!["1"; 24];
    for h in [9, 10] {
        curve[h] = "2";
    }
    for h in [13, 14] {
        curve[h] = "0.5";
    }
    let set = format!("answer_curve.person_weekday=[{}]", curve.join(","));
    let (mut hi, mut lo) = ((0u64, 0u64), (0u64, 0u64));
    // The old dense population (no strata, no mix): most dials reach a working number, so retries (a later
    // hour's dials go to working numbers more often) do not blur the curve.
    let dense = ["population.mobile={}", "population.fixedLine={}", "numbers.mix={}"];
    for seed in 1..=3 {
        let (_, out) =
            run_with(&[&[set.as_str(), "numbers.suppress=[]", "callbacks.probability=0"][..], &dense].concat(), seed);
        for c in &out.calls {
            let hour = (c.dial_ms.0 / 3_600_000) % 24;
            let person = c.outcome.is_person_answer();
            let slot = match hour {
                9 | 10 => &mut hi,
                13 | 14 => &mut lo,
                _ => continue,
            };
            slot.0 += 1;
            slot.1 += u64::from(person);
        }
    }
    let (rh, rl) = (hi.1 as f64 / hi.0 as f64, lo.1 as f64 / lo.0 as f64);
    assert!(hi.1 > 500 && lo.1 > 100, "{hi:?} {lo:?}");
    let ratio = rh / rl;
    assert!((2.8..5.5).contains(&ratio), "answer rate 09-11 {rh:.4} vs 13-15 {rl:.4}: ratio {ratio:.2}, expected 4");
    // The flat curve gives no such difference.
    let flat_set = ["answer_curve.person_weekday=[]", "answer_curve.machine_weekday=[]", "callbacks.probability=0"];
    let (_, out) = run_with(&[&flat_set[..], &dense].concat(), 1);
    let rate = |h: &[u64]| {
        let v: Vec<_> = out.calls.iter().filter(|c| h.contains(&((c.dial_ms.0 / 3_600_000) % 24))).collect();
        v.iter().filter(|c| c.outcome.is_person_answer()).count() as f64 / v.len() as f64
    };
    let flat = rate(&[9, 10]) / rate(&[13, 14]);
    assert!((0.75..1.33).contains(&flat), "{flat}");
}

#[test]
fn callbacks_are_counted_and_kept_by_the_agent_who_took_them() {
    let (_, out) = run_with(
        &["callbacks.probability=0.3", "callbacks.delay={dist=\"fixed\",value=1800}", "numbers.suppress=[]"],
        5,
    );
    let s = &out.summary;
    assert!(s.callbacks_scheduled > 100, "{}", s.callbacks_scheduled);
    assert!(s.callbacks_kept > 50, "{}", s.callbacks_kept);
    assert_eq!(s.callbacks_scheduled, s.callbacks_kept + s.callbacks_missed, "every callback kept or missed");
    assert_eq!(s.outcomes["callback"], s.callbacks_scheduled);
    let by_id: std::collections::HashMap<u32, &dialsim::sim::CallRecord> =
        out.calls.iter().map(|c| (c.call_id, c)).collect();
    let kept: Vec<_> = out.calls.iter().filter(|c| c.callback_of.is_some()).collect();
    assert_eq!(kept.len() as u64, s.callbacks_kept);
    for c in &kept {
        let req = by_id[&c.callback_of.unwrap()];
        assert_eq!(req.outcome, dialsim::sim::Outcome::Callback);
        assert_eq!(req.number, c.number);
        // Dialled at the agreed time (within the wait), by the agent who took the request when connected.
        let agreed = req.dial_ms.0 + req.ring_ms.0 + req.wait_ms.0 + req.talk_ms.0 + 1_800_000;
        assert!(c.dial_ms.0 >= agreed && c.dial_ms.0 <= agreed + 15 * 60_000 + 1, "{c:?} {req:?}");
        if let Some(a) = c.agent {
            assert_eq!(Some(a), req.agent, "{c:?}");
        }
    }
    // Callbacks due after the day's end are missed: a delay of 10 hours misses every one.
    let (_, out) = run_with(&["callbacks.probability=0.3", "callbacks.delay={dist=\"fixed\",value=36000}"], 5);
    assert!(out.summary.callbacks_scheduled > 100 && out.summary.callbacks_kept == 0);
    assert_eq!(out.summary.callbacks_missed, out.summary.callbacks_scheduled);
}

#[test]
fn shifts_set_the_staffing_of_each_interval() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        "[run]\nday_start = \"08:00\"\nday_hours = 10\n[numbers]\nsuppress = []\n\
         [[shifts]]\nagents = 10\nstart = \"08:00\"\nend = \"12:00\"\n\
         [[shifts]]\nagents = 6\nstart = \"12:00\"\nend = \"18:00\"\nbreaks = 1\nbreak_minutes = 30\n",
    )
    .unwrap();
    let o = common::dialsim(dir.path(), &["simulate", "s.toml", "--seed", "3", "-o", "run"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(dir.path().join("run/intervals.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |k: &str| h.iter().position(|x| x == k).unwrap();
    let (start, agents) = (col("start"), col("agents"));
    let rows: Vec<(String, f64)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[start][11..16].to_string(), r[agents].parse().unwrap())
        })
        .collect();
    let at = |t: &str| rows.iter().find(|r| r.0 == t).map(|r| r.1).unwrap_or(0.0);
    assert!((at("08:00") - 10.0).abs() < 0.01 && (at("11:45") - 10.0).abs() < 0.01, "{rows:?}");
    assert!((at("12:00") - 6.0).abs() < 0.01, "{rows:?}");
    // Each of the 6 takes a 30-minute break around 15:00: fewer agents logged in then.
    let around: f64 = ["14:30", "14:45", "15:00", "15:15"].iter().map(|t| at(t)).sum::<f64>() / 4.0;
    assert!(around < 5.5 && around > 3.0, "{rows:?}");
    let last_staffed = rows.iter().rev().find(|r| r.1 > 0.0).unwrap();
    assert!(last_staffed.0.as_str() <= "17:45", "no agents after the last shift: {rows:?}");
    // Absence: half of the agents missing on average.
    let (_, out) = run_with(&["shifts=[{agents=40,start=\"09:00\",end=\"17:00\",absence=0.5}]"], 1);
    assert!((10..=30).contains(&out.summary.agent_absences), "{}", out.summary.agent_absences);
}

#[test]
fn no_artefact_interval_at_the_end_of_the_day() {
    for seed in [1, 2] {
        let (_, out) = run_with(&[], seed);
        // The last interval that dials is the window's last; after it, only talks that began before the close
        // may end (and a consent given in them): no dials, answers or drops, no staffed time (overtime).
        let last = out.intervals.iter().rev().find(|i| i.dials > 0).unwrap();
        assert!(last.occupancy() < 0.99, "{last:?}");
        assert_eq!(last.start_ms.0, 16 * 3_600_000 + 45 * 60_000, "{last:?}");
        for after in out.intervals.iter().filter(|i| i.start_ms.0 > last.start_ms.0) {
            assert_eq!((after.dials, after.human_answers, after.drops, after.staffed_ms.0), (0, 0, 0, 0), "{after:?}");
        }
        // Nothing is dropped for want of agents after the window closes.
        let close = 17 * 3_600_000;
        assert!(out.calls.iter().all(|c| c.dial_ms.0 + c.ring_ms.0 + c.wait_ms.0 <= close), "a call ended after 17:00");
    }
}

#[test]
fn us_tsr_dials_only_between_8_and_21_local_time() {
    // A floor in New York opening at 05:00 for 18 hours over the whole US plan.
    let set = [
        "numbers.plan=us",
        "numbers.mix={}",
        "numbers.types=[\"fixedLineOrMobile\"]",
        "numbers.suppress=[]",
        "run.time_zone=America/New_York",
        "run.day_start=\"05:00\"",
        "run.day_hours=18",
        "compliance.profile=us-tsr",
    ];
    let (scenario, out) = run_with(&set, 7);
    assert!(out.calls.len() > 1000);
    let mut zones_seen = std::collections::HashSet::new();
    for c in &out.calls {
        let t = dialsim::compliance::zoned(&scenario, c.dial_ms).timestamp();
        for z in dialsim::compliance::calendar::number_zones(c.number.key()) {
            let local = t.to_zoned(jiff::tz::TimeZone::get(z).unwrap());
            let m = local.hour() as i32 * 60 + local.minute() as i32;
            assert!((480..1260).contains(&m), "call {} to {} at {local}", c.call_id, c.number);
            zones_seen.insert(z);
        }
    }
    assert!(zones_seen.contains("America/Los_Angeles") && zones_seen.contains("America/New_York"));
    // No dial before 08:00 in New York, and the last Pacific calls after 20:00 in New York.
    assert!(out.calls.iter().all(|c| c.dial_ms.0 >= 8 * 3_600_000));
    assert!(out.calls.iter().any(|c| c.dial_ms.0 >= 21 * 3_600_000));
    assert_eq!(out.violations.iter().filter(|v| v.rule == "calling-hours").count(), 0);
    // With the calling hours switched off by hand (00:00-24:00) the audit of us-tsr's hours ... is the
    // scenario's own: the floor dials from 05:00.
    let mut set2 = set.to_vec();
    set2.push("calendar.calling_hours=[\"00:00\",\"24:00\"]");
    let (_, out) = run_with(&set2, 7);
    assert!(out.calls.iter().any(|c| c.dial_ms.0 < 8 * 3_600_000));
}

#[test]
fn the_audit_names_the_call_and_line_of_a_dial_outside_calling_hours() {
    let dir = tempfile::tempdir().unwrap();
    let o = common::dialsim(
        dir.path(),
        &[
            "simulate",
            "--seed",
            "2",
            "-o",
            "run",
            "--set",
            "compliance.profile=uk-ofcom",
            "--set",
            "run.day_start=\"06:00\"",
            "--set",
            "run.day_hours=4",
            "--set",
            "numbers.suppress=[]",
            "--set",
            "calendar.calling_hours=[\"06:00\",\"21:00\"]",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The run keeps its own hours (06:00-); the scenario in summary.json is then set back to the profile's.
    let path = dir.path().join("run/summary.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["scenario"]["calendar"]["calling_hours"] = serde_json::json!([]);
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let a = common::dialsim(dir.path(), &["audit", "run"]);
    assert_ne!(a.status.code(), Some(0));
    let listed = String::from_utf8_lossy(&a.stdout);
    let line = listed.lines().find(|l| l.contains("calling-hours")).unwrap_or_else(|| panic!("{listed}"));
    assert!(line.contains("calls.csv:") && line.starts_with("call "), "{line}");
    assert!(line.contains("Europe/Prague"), "{line}");
}

#[test]
fn no_call_is_dialled_for_an_agent_whose_shift_is_about_to_end() {
    // Progressive, no AMD: a call is dialled per free agent. The morning group leaves at 12:00 and nobody is
    // in until 13:00: calls dialled for the leaving agents in their last seconds would be answered with no
    // agent left and dropped. With the last-dial margin before each shift's end, none is.
    let set = [
        "dialer.mode=progressive",
        "amd.enabled=false",
        "run.day_start=\"09:00\"",
        "run.day_hours=8",
        "shifts=[{agents=10,start=\"09:00\",end=\"12:00\"},{agents=10,start=\"13:00\",end=\"17:00\"}]",
    ];
    for seed in [1, 2, 3] {
        let (_, out) = run_with(&set, seed);
        assert!(out.summary.connects > 500);
        let dropped = out.summary.outcomes["dropped"];
        assert_eq!(dropped, 0, "seed {seed}: {dropped} persons dropped");
        let noon = 12 * 3_600_000;
        assert!(out.calls.iter().all(|c| c.dial_ms.0 >= 13 * 3_600_000 || c.dial_ms.0 + c.ring_ms.0 <= noon));
    }
}

#[test]
fn bad_time_settings_are_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    for (set, expect) in [
        ("shifts=[{agents=5,start=\"10:00\",end=\"09:00\"}]", "shifts.end = \"09:00\""),
        ("calendar.days=[\"monday\"]", "--set calendar.days"),
        ("calendar.holidays=xx", "--set calendar.holidays"),
        ("calendar.calling_hours=[\"21:00\",\"08:00\"]", "--set calendar.calling_hours"),
        ("answer_curve.person_weekday=[1,2]", "--set answer_curve.person_weekday"),
        ("callbacks.probability=2", "--set callbacks.probability"),
    ] {
        let o = common::dialsim(dir.path(), &["simulate", "--set", set]);
        assert!(!o.status.success(), "{set}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expect), "{set}: {err}");
    }
}
