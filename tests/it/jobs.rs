//! The library owns the workflows (issue 27): a job run through `dialsim::jobs` writes what the binary writes
//! for the same request, byte for byte — the binary only maps flags to the job and prints its result.

use std::path::Path;

use crate::common::ok_stdout;

fn known(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/known").join(name).display().to_string()
}

/// A registry with the example opt-ins, in `dir`.
fn registry_in(dir: &Path) {
    ok_stdout(dir, &["registry", "init", "--registry", "r.sqlite"]);
    ok_stdout(dir, &["registry", "import", &known("opt-in.csv"), "--kind", "opt-in", "--registry", "r.sqlite"]);
}

const SET: [&str; 2] = ["compliance.purpose=\"marketing\"", "run.day_hours=2"];

#[test]
fn a_series_run_through_the_library_is_the_series_the_binary_writes() {
    let (bin, lib) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    registry_in(bin.path());
    registry_in(lib.path());
    let args = ["simulate", "--seed", "9", "--campaigns", "2", "--every", "7d", "-o", "s", "--registry", "r.sqlite"];
    let sets: Vec<&str> = SET.iter().flat_map(|s| ["--set", s]).collect();
    let printed = ok_stdout(bin.path(), &[&args[..], &sets].concat());

    let registry = lib.path().join("r.sqlite").display().to_string();
    let dir = lib.path().join("s");
    let sets: Vec<String> = SET.iter().map(|s| s.to_string()).collect();
    let source = dialsim::ScenarioSource::named(None);
    let job = dialsim::jobs::SeriesJob {
        source: &source,
        set: &sets,
        registry: Some(&registry),
        dir: &dir,
        campaigns: 2,
        every_days: 7,
        seed: 9,
        plot: false,
        key: None,
    };
    let mut heard = Vec::new();
    let series = dialsim::jobs::run_series(&job, &mut |_| {}, &mut |row| heard.push(row.campaign)).unwrap();
    let start: jiff::civil::Date = source.load(&sets).unwrap().run.start_date.parse().unwrap();
    assert_eq!(series.rows[1].start_date, start.checked_add(jiff::Span::new().days(7)).unwrap());

    assert_eq!(heard, [1, 2], "the caller hears of each campaign as it ends");
    assert_eq!(series.csv.as_bytes(), printed, "the library's series.csv is the one the binary prints");
    assert_eq!(std::fs::read(dir.join("series.csv")).unwrap(), printed);
    assert!(series.rows.iter().all(|r| r.dialled_suppressed == 0));
    assert!(series.rows[1].suppressed_before > series.rows[0].suppressed_before, "campaign 2 reads 1's objections");
    for f in ["calls.csv", "consents.jsonl", "registry.json"] {
        let path = format!("s/campaign-02/{f}");
        let (a, b) = (std::fs::read(bin.path().join(&path)).unwrap(), std::fs::read(lib.path().join(&path)).unwrap());
        if f == "registry.json" {
            // The registry's location and the stamp's time differ (two files, written moments apart); the
            // state read is the same: the newest source and the counts.
            let state = |v: &[u8]| {
                let v: serde_json::Value = serde_json::from_slice(v).unwrap();
                (v["as_of_source"].clone(), v["suppressed"].clone(), v["bases"].clone())
            };
            assert_eq!(state(&a), state(&b));
        } else {
            assert_eq!(a, b, "{path}");
        }
    }
}

#[test]
fn replications_run_through_the_library_fill_the_folder_the_binary_fills() {
    let (bin, lib) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let set = ["--set", "run.day_hours=1"];
    ok_stdout(
        bin.path(),
        &[&["simulate", "--seed", "4", "--replications", "3", "--threads", "2", "-o", "r"][..], &set].concat(),
    );

    let scenario =
        dialsim::Scenario::parse("<default scenario>", dialsim::DEFAULT_SCENARIO, &["run.day_hours=1".to_string()])
            .unwrap();
    let campaign = dialsim::sim::Campaign::new(scenario).unwrap();
    let summaries = dialsim::analysis::replicate(&campaign, 4, 3, 1, &|_, _| {});
    let result = dialsim::analysis::Replications::new(campaign.scenario(), 4, summaries);
    let folder = dialsim::output::RunFolder::create(lib.path().join("r")).unwrap();
    let files = dialsim::jobs::replications_into(folder, &campaign, &result, 4, false, None).unwrap();
    for f in files {
        let (a, b) = (
            std::fs::read(bin.path().join("r").join(f)).unwrap(),
            std::fs::read(lib.path().join("r").join(f)).unwrap(),
        );
        assert!(a == b, "r/{f} differs between the binary and the library");
    }
}

#[test]
fn a_comparison_s_document_made_by_the_library_is_the_one_compare_json_prints() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["compare", "default", "default", "--set", "run.day_hours=0.5", "--set-b", "dialer.agents=5"];
    let printed = ok_stdout(dir.path(), &[&args[..], &["--replications", "2", "--seed", "3", "--json"]].concat());
    let side =
        |set: &[&str]| dialsim::jobs::Side { name: "default".into(), set: set.iter().map(|s| s.to_string()).collect() };
    let (a, b) = (side(&["run.day_hours=0.5"]), side(&["run.day_hours=0.5", "dialer.agents=5"]));
    let mut job = dialsim::jobs::CompareJob::new(a, b, 2, None, &mut |_| {}).unwrap();
    let comparison = job.run(3, 1, &dialsim::analysis::no_progress).unwrap();
    let document = job.document(&comparison);
    let text = format!("{}\n", serde_json::to_string_pretty(&document).unwrap());
    assert_eq!(String::from_utf8(printed).unwrap(), text);
}

#[test]
fn a_filter_s_document_made_by_the_library_is_the_one_filter_info_json_prints() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("known.csv"), "number\n+420601123456\n+420602123456\n").unwrap();
    ok_stdout(d, &["filter", "build", "-o", "k.bloom", "known.csv", "--seed", "1"]);
    let printed = ok_stdout(d, &["filter", "info", "k.bloom", "--json"]);
    let file = Path::new("k.bloom");
    let filter = dialsim::jobs::open_filter(&d.join(file)).unwrap();
    let text = format!("{}\n", serde_json::to_string_pretty(&dialsim::jobs::filter_document(&filter, file)).unwrap());
    assert_eq!(String::from_utf8(printed).unwrap(), text);
}

/// A list job in `dir`: the `known` database excluded, written to `out`.
/// A new uniform list of the Czech plan, seeded `seed`.
fn cz_list(seed: u64) -> dialsim::jobs::NewList {
    dialsim::jobs::NewList {
        plan: "cz".into(),
        selection: dialsim::Selection::default(),
        mix: None,
        design: dialsim::jobs::ListDesign::Uniform,
        seed: Some(seed),
        start: 0,
        shard: dialsim::Shard::WHOLE,
        format: None,
    }
}

fn list_job(dir: &Path, origin: dialsim::jobs::ListOrigin, count: u64, out: &str) -> dialsim::jobs::ListJob {
    dialsim::jobs::ListJob {
        origin,
        count: Some(count),
        output: Some(dir.join(out)),
        manifest: None,
        threads: 2,
        exclude: Vec::new(),
        suppress: vec![known("dnc-register.csv")],
        reading: dialsim::jobs::Reading::default(),
        registry: None,
        exclusive: false,
    }
}

#[test]
fn a_list_and_its_continuation_made_by_the_library_are_the_binary_s_byte_for_byte() {
    use dialsim::jobs::{ListOrigin, Note};
    let (bin, lib) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let dnc = known("dnc-register.csv");
    ok_stdout(
        bin.path(),
        &["generate", "--plan", "cz", "-n", "3000", "--seed", "5", "--suppress", &dnc, "-o", "a.csv"],
    );
    ok_stdout(bin.path(), &["generate", "--continue", "a.csv", "-n", "2000", "-o", "b.csv"]);

    let new = cz_list(5);
    let mut told = Vec::new();
    let first = list_job(lib.path(), ListOrigin::New(new), 3000, "a.csv")
        .run(&mut |n| {
            if let Note::Read { read, .. } = n {
                told.push(read.stats.rows)
            }
        })
        .unwrap();
    assert_eq!(first.summary.written, 3000);
    assert_eq!(told.len(), 1, "the suppression list's reading is told once");
    let mut continuing = None;
    let again = ListOrigin::Continue { list: lib.path().join("a.csv"), accept_unbound: false };
    let mut job = list_job(lib.path(), again, 2000, "b.csv");
    job.suppress.clear(); // the recorded sources are read again
    job.run(&mut |n| {
        if let Note::Continuing { start, seed, .. } = n {
            continuing = Some((start, seed));
        }
    })
    .unwrap();
    assert_eq!(continuing.map(|c| c.1), Some(5));
    for f in ["a.csv", "a.csv.manifest.json", "b.csv", "b.csv.manifest.json"] {
        let (b, l) = (std::fs::read(bin.path().join(f)).unwrap(), std::fs::read(lib.path().join(f)).unwrap());
        if f.ends_with(".json") {
            // The manifests name the list continued by the path each was given.
            let lib_dir = format!("{}/", lib.path().display());
            let strip = |t: &[u8]| String::from_utf8_lossy(t).replace(&lib_dir, "");
            assert_eq!(strip(&b), strip(&l), "{f}");
        } else {
            assert!(b == l, "{f} differs");
        }
    }
}

#[test]
fn a_request_the_library_refuses_is_of_the_request_kind_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let new = dialsim::jobs::NewList {
        plan: "cz".into(),
        selection: dialsim::Selection::default(),
        mix: None,
        design: dialsim::jobs::ListDesign::ListAssisted {
            known: Vec::new(),
            bank: 100,
            min_listed: 1,
            zero_banks: 0.0,
        },
        seed: Some(1),
        start: 0,
        shard: dialsim::Shard::WHOLE,
        format: None,
    };
    let e = list_job(dir.path(), dialsim::jobs::ListOrigin::New(new), 10, "l.csv").run(&mut |_| {}).unwrap_err();
    assert_eq!(e.kind(), dialsim::ErrorKind::Request, "{e}");
    assert!(!dir.path().join("l.csv").exists());
    let e = dialsim::Error::input("known.csv", Some(4), "not a number");
    assert_eq!(
        (e.kind(), e.location().map(|l| l.to_string())),
        (dialsim::ErrorKind::Input, Some("known.csv:4".into()))
    );
}

#[test]
fn a_series_refuses_a_folder_that_is_not_a_series_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    registry_in(dir.path());
    let series = dir.path().join("s");
    std::fs::create_dir(&series).unwrap();
    std::fs::write(series.join("notes.txt"), "mine").unwrap();
    let registry = dir.path().join("r.sqlite").display().to_string();
    let source = dialsim::ScenarioSource::named(None);
    let set = ["run.day_hours=1".to_string()];
    let job = dialsim::jobs::SeriesJob {
        source: &source,
        set: &set,
        registry: Some(&registry),
        dir: &series,
        campaigns: 2,
        every_days: 7,
        seed: 1,
        plot: false,
        key: None,
    };
    let err = dialsim::jobs::run_series(&job, &mut |_| {}, &mut |_| panic!("a campaign ran")).unwrap_err();
    assert_eq!(err.kind(), dialsim::ErrorKind::Request);
    assert!(err.to_string().contains("holds notes.txt, which is not a campaign of a series"), "{err}");
    let names: Vec<_> = std::fs::read_dir(&series).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["notes.txt"], "nothing written");
    // No registry named and none in the scenario: refused in words, before anything runs.
    let job = dialsim::jobs::SeriesJob { registry: None, ..job };
    let err = dialsim::jobs::run_series(&job, &mut |_| {}, &mut |_| panic!("a campaign ran")).unwrap_err();
    assert!(err.to_string().contains("needs a registry"), "{err}");
}

#[test]
fn a_frontier_point_is_the_scenario_its_overrides_written_as_text_give() {
    use dialsim::analysis::{Frontier, FrontierGrid};
    let source = dialsim::ScenarioSource::named(None);
    let set = vec!["run.day_hours=0.5".to_string()];
    let grid = FrontierGrid::new(vec![dialsim::Pacer::AdaptiveTapered], vec![7], vec![0.017, 0.05]).unwrap();
    let f = Frontier::new(grid.clone(), &source, &set, dialsim::Shard::WHOLE).unwrap();
    for ((_, typed), point) in f.scenarios().zip(grid.points()) {
        let lift = point.target > 0.03;
        let text: Vec<String> = set.iter().cloned().chain(point.settings(lift).iter().map(|s| s.to_string())).collect();
        assert_eq!(*typed, source.load(&text).unwrap(), "{text:?}");
    }
}

#[test]
fn a_frontier_value_out_of_range_is_blamed_on_its_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::common::dialsim(
        dir.path(),
        &["frontier", "default", "--pacers", "model", "--agents", "5", "--targets", "0.02,0.7", "-o", "f"],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--targets 0.7: dialer.drop_target = 0.7 is out of range"), "{stderr}");
    assert!(!dir.path().join("f").exists(), "nothing written");
}

#[test]
fn a_simulation_run_through_the_library_writes_the_folder_and_report_the_binary_writes() {
    let (bin, lib) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    ok_stdout(bin.path(), &["simulate", "--seed", "6", "--set", "run.day_hours=1", "-o", "r", "--report", "r.html"]);

    let source = dialsim::ScenarioSource::named(None);
    let set = ["run.day_hours=1".to_string()];
    let (out, report) = (lib.path().join("r"), lib.path().join("r.html"));
    let job = dialsim::jobs::SimulateJob {
        source: &source,
        set: &set,
        replications: 1,
        until: None,
        out: Some(&out),
        plot: false,
        key: None,
        registry: None,
        report: Some(&report),
        seed: Some(6),
        threads: Some(1),
        limits: dialsim::jobs::Limits::default(),
        verbose: false,
    };
    let mut simulation = job.prepare(&mut |_| {}).unwrap();
    assert!(simulation.is_single());
    assert_eq!(simulation.seed(), 6);
    let dialsim::jobs::SimulateDone::Run { files, output, .. } =
        simulation.run(&dialsim::analysis::no_progress).unwrap()
    else {
        panic!("one run")
    };
    assert_eq!(
        output.summary.dials as usize + 1,
        std::fs::read_to_string(out.join("calls.csv")).unwrap().lines().count()
    );
    // The record of processing names the run's time and folder, and the manifest hashes it: the rest is equal.
    for f in files.iter().filter(|f| !["processing.json", "manifest.json"].contains(*f)) {
        let (a, b) = (std::fs::read(bin.path().join("r").join(f)).unwrap(), std::fs::read(out.join(f)).unwrap());
        assert!(a == b, "r/{f} differs between the binary and the library");
    }
    assert!(report.exists(), "the report is written by the job");

    // Until a KPI is precise: a KPI that does not exist is refused before any folder is made.
    let until = dialsim::jobs::Until { kpi: "no_such_kpi".into(), half_width: 0.01, max: 10 };
    let other = lib.path().join("r2");
    let job = dialsim::jobs::SimulateJob { until: Some(until), out: Some(&other), report: None, ..job };
    assert_eq!(job.prepare(&mut |_| {}).unwrap_err().kind(), dialsim::ErrorKind::Request);
    assert!(!other.exists());
}

/// The library writes compare's HTML report itself (`CompareJob::with_report`): the page `compare --report`
/// writes, byte for byte, and a report path that is one of the scenarios refused before anything runs.
#[test]
fn a_comparison_s_report_is_written_by_the_library_as_compare_report_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["compare", "default", "default", "--set", "run.day_hours=0.5", "--set-b", "dialer.agents=5"];
    ok_stdout(dir.path(), &[&args[..], &["--replications", "2", "--seed", "3", "--report", "cli.html"]].concat());
    let side =
        |set: &[&str]| dialsim::jobs::Side { name: "default".into(), set: set.iter().map(|s| s.to_string()).collect() };
    let job = || {
        dialsim::jobs::CompareJob::new(
            side(&["run.day_hours=0.5"]),
            side(&["run.day_hours=0.5", "dialer.agents=5"]),
            2,
            None,
            &mut |_| {},
        )
        .unwrap()
    };
    let mut lib = job().with_report(&dir.path().join("lib.html")).unwrap();
    lib.run(3, 1, &dialsim::analysis::no_progress).unwrap();
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert!(read("lib.html").contains("compare, 2 paired replications"));
    assert_eq!(read("lib.html"), read("cli.html"));

    let scenario = dir.path().join("a.toml");
    std::fs::write(&scenario, "").unwrap();
    let named = dialsim::jobs::Side { name: scenario.display().to_string(), set: vec!["run.day_hours=0.5".into()] };
    let err = dialsim::jobs::CompareJob::new(named.clone(), named, 2, None, &mut |_| {})
        .unwrap()
        .with_report(&scenario)
        .unwrap_err();
    assert_eq!(err.kind(), dialsim::ErrorKind::Request, "{err}");
    assert_eq!(std::fs::read_to_string(&scenario).unwrap(), "", "the scenario is left as it was");
}

/// A job's notes are worded once, by the library (`Note::lines`): what the binary prints on stderr for a list
/// is those lines with the prefix of their weight, and `-q` hides all of them but the alerts (a source that
/// excludes nothing).
#[test]
fn the_binary_prints_the_lines_the_library_words_its_notes_in() {
    use dialsim::jobs::{ListOrigin, Note, Weight};
    let d = tempfile::tempdir().unwrap();
    // Rejected values and a number outside the plan (Detail lines), and a list of another country (an Alert).
    std::fs::write(d.path().join("odd.csv"), "number\n+420601123456\n+420601123457\nabc\n+420999999\n").unwrap();
    std::fs::write(d.path().join("gb.csv"), "number\n+447700900123\n+447700900124\n").unwrap();
    let new = cz_list(5);
    let mut job = list_job(d.path(), ListOrigin::New(new), 20, "lib.csv");
    let (odd, gb) = (d.path().join("odd.csv").display().to_string(), d.path().join("gb.csv").display().to_string());
    job.suppress = vec![odd.clone(), gb.clone()];
    job.reading.columns = vec!["number".into()];
    job.reading.max_rejected = 0.5;
    job.reading.allow_other_country = true;
    let flag = |p: dialsim::Param| format!("--{}", p.name().replace('_', "-"));
    let (mut lines, mut alerts) = (Vec::new(), Vec::new());
    let ran = job.run(&mut |n: Note<'_>| {
        for (weight, m) in n.lines() {
            let text = m.render(&flag);
            let line = match weight {
                Weight::Detail => text,
                Weight::Remark => format!("dialsim: note: {text}"),
                Weight::Warning | Weight::Alert => format!("dialsim: warning: {text}"),
                _ => format!("dialsim: {text}"),
            };
            if weight == Weight::Alert {
                alerts.push(line.clone());
            }
            lines.push(line);
        }
    });
    ran.unwrap();
    assert!(lines.iter().any(|l| l.starts_with(&format!("  {odd}:4: 'abc'"))), "{lines:#?}");
    assert_eq!(alerts.len(), 1, "{lines:#?}");
    let args = [
        "generate",
        "-n",
        "20",
        "--seed",
        "5",
        "--suppress",
        &odd,
        "--suppress",
        &gb,
        "--column",
        "number",
        "--max-rejected",
        "0.5",
        "--allow-other-country",
        "-o",
        "bin.csv",
    ];
    let out = crate::common::dialsim(d.path(), &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The binary's lines in order: the notes' lines, then what it says of the list written.
    let printed: Vec<&str> = stderr.lines().collect();
    assert_eq!(&printed[..lines.len()], &lines[..], "{stderr}");
    let quiet = crate::common::dialsim(d.path(), &[&args[..], &["-q"]].concat());
    assert_eq!(String::from_utf8_lossy(&quiet.stderr).lines().collect::<Vec<_>>(), alerts);
}

/// A campaign of a series that dialled nothing (it fell on a weekend) is warned of by the library, so a caller
/// of `run_series` hears it as the binary's user does (it was worded by the binary alone).
#[test]
fn a_series_warns_its_caller_of_a_campaign_that_dialled_nothing() {
    let dir = tempfile::tempdir().unwrap();
    registry_in(dir.path());
    let registry = dir.path().join("r.sqlite").display().to_string();
    let out = dir.path().join("s");
    let sets: Vec<String> = [&SET[..], &["run.days=1"]].concat().iter().map(|s| s.to_string()).collect();
    let source = dialsim::ScenarioSource::named(None);
    let start: jiff::civil::Date = source.load(&sets).unwrap().run.start_date.parse().unwrap();
    assert_eq!(start.weekday(), jiff::civil::Weekday::Monday, "the default day starts on a Monday");
    // Campaign 2 starts five days later: a Saturday.
    let job = dialsim::jobs::SeriesJob {
        source: &source,
        set: &sets,
        registry: Some(&registry),
        dir: &out,
        campaigns: 2,
        every_days: 5,
        seed: 4,
        plot: false,
        key: None,
    };
    let mut warnings = Vec::new();
    let series = dialsim::jobs::run_series(
        &job,
        &mut |note| {
            if let dialsim::jobs::Note::Warning(w) = note {
                warnings.push(w)
            }
        },
        &mut |_| {},
    )
    .unwrap();
    assert!(series.rows[0].dials > 0);
    assert_eq!(series.rows[1].dials, 0);
    let saturday = start.checked_add(jiff::Span::new().days(5)).unwrap();
    assert_eq!(
        warnings,
        [format!("campaign 2 (from {saturday}) dialled nothing: no calling day in its run (a weekend or holiday?)")]
    );
}

/// Replications that stop at their most with the KPI less precise than asked warn the library's caller (the
/// binary alone worded it), and say nothing when the precision was reached.
#[test]
fn replications_short_of_their_precision_warn_the_caller() {
    let source =
        dialsim::ScenarioSource::named(Some(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/erlang-a.toml")));
    let notes = |half_width: f64| {
        let until = dialsim::jobs::Until { kpi: "abandon_rate".into(), half_width, max: 4 };
        let job = dialsim::jobs::SimulateJob {
            replications: 2,
            until: Some(until),
            seed: Some(2),
            ..crate::common::simulate_job(&source, &[])
        };
        let mut simulation = job.prepare(&mut |_| {}).unwrap();
        let done = simulation.run(&dialsim::jobs::no_progress).unwrap();
        done.notes()
            .into_iter()
            .map(|n| match n {
                dialsim::jobs::Note::Warning(w) => w,
                other => panic!("{other:?}"),
            })
            .collect::<Vec<_>>()
    };
    let short = notes(0.00001);
    assert_eq!(short.len(), 1);
    assert!(short[0].starts_with("abandon_rate half-width 0.0"), "{short:?}");
    assert!(short[0].ends_with(" still above 0.00001 after 4 replications"), "{short:?}");
    assert_eq!(notes(1.0), Vec::<String>::new(), "a half-width reached is no warning");
}
