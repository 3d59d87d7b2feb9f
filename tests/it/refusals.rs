//! Requests refused by the library's jobs, whoever builds them: a library caller is refused as the command
//! line's user is, with a request error naming the parameter (`Param::Out`), and the binary prints the same
//! refusal, its parameter spelt as its flag, word for word.
use crate::common;

use std::path::Path;

use dialsim::jobs::{ScenarioSource, SecondStageJob, SeriesJob, SimulateJob};
use dialsim::{ErrorKind, Param};

/// The error line `dialsim args` prints in `dir`, and its exit code.
fn error(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    common::error_line(dir, args)
}

/// A request error that names `param`, as the library shows it.
fn refused_naming(e: &dialsim::Error, param: Param) {
    assert_eq!(e.kind(), ErrorKind::Request, "{e}");
    assert!(e.to_string().contains(&format!("`{}`", param.name())), "{e}");
}

/// One run of `source` into the folder `out`: a fresh seed, no limits given, nothing else asked.
fn one_run<'a>(source: &'a ScenarioSource, out: &'a Path) -> SimulateJob<'a> {
    SimulateJob {
        source,
        set: &[],
        replications: 1,
        until: None,
        out: Some(out),
        plot: false,
        key: None,
        registry: None,
        report: None,
        seed: None,
        threads: None,
        limits: dialsim::jobs::Limits::default(),
        verbose: false,
    }
}

const FOLDER: &str = "dialsim: error: -o -: a folder of files cannot be written to stdout; use --json for the summary \
                      on stdout, or name a folder (./- for one called '-')";

#[test]
fn a_simulation_into_a_folder_named_dash_is_refused_by_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let source = ScenarioSource::named(None);
    let job = SimulateJob { seed: Some(1), ..one_run(&source, Path::new("-")) };
    refused_naming(&job.prepare(&mut |_| {}).unwrap_err(), Param::Out);
    let d = dir.path();
    assert_eq!(error(d, &["simulate", "--seed", "1", "--out", "-"]), (Some(2), FOLDER.to_string()));
}

#[test]
fn a_series_into_a_folder_named_dash_is_refused_by_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let source = ScenarioSource::named(None);
    let job = SeriesJob {
        source: &source,
        set: &[],
        registry: Some("r.sqlite"),
        dir: Path::new("-"),
        campaigns: 2,
        every_days: 7,
        seed: 1,
        plot: false,
        key: None,
    };
    let e = dialsim::jobs::run_series(&job, &mut |_| {}, &mut |_| panic!("a campaign ran")).unwrap_err();
    refused_naming(&e, Param::Out);
    let d = dir.path();
    let args = ["simulate", "--seed", "1", "--campaigns", "2", "--registry", "r.sqlite", "--out", "-"];
    assert_eq!(error(d, &args), (Some(2), FOLDER.to_string()));
    assert!(!d.join("r.sqlite").exists());
}

#[test]
fn a_second_stage_to_standard_output_is_refused_by_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let job = SecondStageJob {
        primaries: d.join("s1.csv"),
        eligible: vec![d.join("eligible.csv")],
        calls: Vec::new(),
        cluster: 5,
        per_bank: None,
        count: None,
        output: "-".into(),
        manifest: None,
        exclude: Vec::new(),
        suppress: Vec::new(),
        reading: Default::default(),
    };
    refused_naming(&job.run(&mut |_| {}).unwrap_err(), Param::Out);
    let want = "dialsim: error: stage 2 writes its list and manifest to a file: give -o FILE.csv".to_string();
    let args = ["generate", "--design", "mitofsky-waksberg", "--primaries", "s1.csv", "--eligible", "e.csv", "-n", "9"];
    assert_eq!(error(d, &args), (Some(2), want.clone()));
    let dashed: Vec<&str> = args.iter().copied().chain(["-o", "-"]).collect();
    assert_eq!(error(d, &dashed), (Some(2), want));
}

/// An exclusive list is issued in the registry by its manifest: asked for without a registry, or with no
/// manifest to record it by (the list on stdout), it is refused, not written as a list that is not issued.
#[test]
fn an_exclusive_list_without_a_registry_or_a_manifest_is_refused_by_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let new = dialsim::jobs::NewList {
        plan: "cz".into(),
        selection: dialsim::Selection::default(),
        mix: None,
        design: dialsim::jobs::ListDesign::Uniform,
        seed: Some(1),
        start: 0,
        shard: dialsim::Shard::WHOLE,
        format: None,
    };
    let job = dialsim::jobs::ListJob {
        origin: dialsim::jobs::ListOrigin::New(new),
        count: Some(5),
        output: Some(d.join("l.csv")),
        manifest: None,
        threads: 1,
        exclude: Vec::new(),
        suppress: Vec::new(),
        reading: Default::default(),
        registry: None,
        exclusive: true,
    };
    refused_naming(&job.run(&mut |_| {}).unwrap_err(), Param::Exclusive);
    let on_stdout =
        dialsim::jobs::ListJob { output: None, registry: Some(d.join("r.sqlite").display().to_string()), ..job };
    refused_naming(&on_stdout.run(&mut |_| {}).unwrap_err(), Param::Exclusive);
    assert_eq!(std::fs::read_dir(d).unwrap().count(), 0, "a refused list writes nothing");
    let want = "dialsim: error: --exclusive needs --registry and the list's manifest: a list file (-o) or --manifest";
    let args = ["generate", "-n", "5", "--seed", "1", "--registry", "r.sqlite", "--exclusive", "-o", "-"];
    assert_eq!(error(d, &args), (Some(2), want.to_string()));
    assert_eq!(std::fs::read_dir(d).unwrap().count(), 0, "a refused list writes nothing");
}

/// The library sizes a simulation and refuses it over its limits before it runs, as the binary's `--max-memory`
/// does: the error names the limit's parameter, no folder is left, and a fresh seed is told first.
#[test]
fn a_simulation_over_its_memory_limit_is_refused_by_the_library_before_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let source = ScenarioSource::named(None);
    let limits = dialsim::jobs::Limits { max_memory: Some(1 << 10), max_disk: None };
    let job = SimulateJob { limits, ..one_run(&source, &out) };
    let mut seeds = 0;
    let e = job.prepare(&mut |n| seeds += u32::from(matches!(n, dialsim::jobs::Note::Seed(_)))).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unmet, "{e}");
    assert!(e.to_string().contains("this campaign (about "), "{e}");
    assert!(e.to_string().contains(&format!("`{}`", Param::MaxMemory.name())), "{e}");
    assert_eq!(seeds, 1, "the fresh seed is told");
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing left behind");
    // Within the limits, the same job runs with the seed it was given.
    let job = SimulateJob { seed: Some(3), limits: dialsim::jobs::Limits::default(), ..job };
    let mut simulation = job.prepare(&mut |_| {}).unwrap();
    assert_eq!(simulation.seed(), 3);
    assert!(matches!(
        simulation.run(&dialsim::analysis::no_progress).unwrap(),
        dialsim::jobs::SimulateDone::Run { .. }
    ));
    assert!(out.join("manifest.json").exists());
}
