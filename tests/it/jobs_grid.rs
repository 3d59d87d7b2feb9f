//! Sweeps and frontiers as library jobs (`SweepJob`, `FrontierJob`, `MergeJob`): what they write is what the
//! binary writes, byte for byte; their refusals name the flags and write nothing; what the scenario says is told
//! once however many points say it.

use std::path::Path;

use crate::common;
use dialsim::jobs::{FrontierJob, GridKind, GridRequest, Limits, MergeJob, Note, Rank, SweepJob};
use dialsim::{ScenarioSource, Shard};

/// A quick grid request: half-hour days, two replications, seed 1, one thread.
fn request<'a>(source: &'a ScenarioSource, set: &'a [String], out: &'a Path) -> GridRequest<'a> {
    GridRequest {
        source,
        set,
        replications: 2,
        seed: Some(1),
        threads: Some(1),
        out,
        shard: Shard::WHOLE,
        limits: Limits::default(),
        verbose: false,
        plot: false,
        report: None,
        rank: None,
    }
}

/// The texts of the warnings and remarks told.
fn told(notes: &[String], text: &str) -> usize {
    notes.iter().filter(|n| n.contains(text)).count()
}

#[test]
fn a_sweep_job_over_a_scenario_file_writes_the_binary_s_sweep_and_ranking_and_tells_a_warning_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), dialsim::DEFAULT_SCENARIO).unwrap();
    let source = ScenarioSource::named(Some(dir.path().join("s.toml").to_str().unwrap()));
    let set = ["run.day_hours=0.5".to_string(), "dialer.rate_per_hour=50".to_string()];
    let out = dir.path().join("lib");
    let mut grid = request(&source, &set, &out);
    grid.rank = Some(Rank { by: "abandon_rate".parse().unwrap(), constraints: vec![], json: false });
    let job = SweepJob { grid, vary: vec!["dialer.agents=5,6,7".parse().unwrap()], kpis: vec![] };
    let mut notes = Vec::new();
    let run = job
        .prepare(&mut |n| {
            if let Note::Warning(t) | Note::Remark(t) = n {
                notes.push(t)
            }
        })
        .unwrap();
    assert_eq!(run.total(), 6);
    let done = run.run(&|_, _| {}).unwrap();
    assert_eq!((done.points, done.seed, done.replications), (3, 1, 2));
    assert_eq!(done.file, out.join("sweep.csv"));
    // Every point loads the scenario with the override that has no effect: it is told once.
    assert_eq!(told(&notes, "dialer.rate_per_hour=50 has no effect"), 1, "{notes:?}");

    let args = [
        "sweep",
        "s.toml",
        "--set",
        "run.day_hours=0.5",
        "--set",
        "dialer.rate_per_hour=50",
        "--vary",
        "dialer.agents=5,6,7",
        "--replications",
        "2",
        "--seed",
        "1",
        "--threads",
        "1",
        "--rank",
        "abandon_rate",
        "-o",
        "bin",
    ];
    let o = common::dialsim(dir.path(), &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.matches("dialer.rate_per_hour=50 has no effect").count(), 1, "{stderr}");
    let read = |p: &Path| std::fs::read(p).unwrap();
    assert_eq!(read(&out.join("sweep.csv")), read(&dir.path().join("bin/sweep.csv")));
    // The job reads the scenario file once; a sweep that reads it again for every point writes the same bytes.
    let vary = vec!["dialer.agents=5,6,7".parse().unwrap()];
    let sweep = dialsim::analysis::Sweep::new(vary, &set, Shard::WHOLE, |s| source.load(s)).unwrap();
    let again = sweep.run(1, 2, 1, &|_, _| {}).unwrap();
    assert_eq!(dialsim::report::Export::to_bytes(&dialsim::report::SweepCsv, &again), read(&out.join("sweep.csv")));
    let ranked = done.ranked.expect("ranked");
    assert_eq!(ranked.ranking.rows.len(), 3);
    assert_eq!(String::from_utf8_lossy(&o.stdout), ranked.text);
}

#[test]
fn a_frontier_job_refuses_what_the_frontier_sets_and_values_out_of_range_naming_the_flags_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let source = ScenarioSource::named(None);
    let out = dir.path().join("f");
    let refused = |set: &[String], targets: Vec<f64>, out: &Path| {
        let job = FrontierJob {
            grid: request(&source, set, out),
            pacers: vec![dialsim::Pacer::Model],
            agents: vec![5],
            targets,
        };
        let err = job.prepare(&mut |_| {}).unwrap_err();
        assert_eq!(err.kind(), dialsim::ErrorKind::Request, "{err}");
        err.to_string()
    };
    let set = ["run.day_hours=0.5".to_string()];
    assert!(
        refused(&set, vec![0.02, 0.7], &out).starts_with("`targets` 0.7: dialer.drop_target = 0.7 is out of range")
    );
    let agents = ["dialer.agents=9".to_string()];
    assert_eq!(
        refused(&agents, vec![0.02], &out),
        "`set` dialer.agents=9: the frontier sets dialer.agents per point; use `agents`"
    );
    assert!(refused(&set, vec![0.02, 0.02], &out).starts_with("`pacers` × `agents` × `targets`: drop targets"));
    assert!(refused(&set, vec![0.02], Path::new("-")).starts_with("`out` -: a folder of files cannot be written"));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn frontier_shards_run_as_jobs_merge_to_the_unsharded_frontier_on_file_and_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let source = ScenarioSource::named(None);
    let set = ["run.day_hours=0.5".to_string()];
    let frontier = |name: &str, shard: &str| {
        let out = dir.path().join(name);
        let mut grid = request(&source, &set, &out);
        grid.shard = shard.parse().unwrap();
        let job = FrontierJob { grid, pacers: vec![dialsim::Pacer::Model], agents: vec![5, 6], targets: vec![0.02] };
        let done = job.prepare(&mut |_| {}).unwrap().run(&|_, _| {}).unwrap();
        done.file
    };
    let whole = std::fs::read(frontier("whole", "1/1")).unwrap();
    let parts = [frontier("b", "2/2"), frontier("a", "1/2")];
    let merged = dir.path().join("merged.csv");
    let job = MergeJob { kind: GridKind::Frontier, parts: &parts, output: &merged };
    assert_eq!(job.run(&mut Vec::new()).unwrap().points, 2);
    assert_eq!(std::fs::read(&merged).unwrap(), whole);
    let mut stdout = Vec::new();
    MergeJob { output: Path::new("-"), ..job }.run(&mut stdout).unwrap();
    assert_eq!(stdout, whole);
    // A sweep's merge refuses frontier parts.
    let err = MergeJob { kind: GridKind::Sweep, ..job }.run(&mut Vec::new()).unwrap_err();
    assert!(err.to_string().contains("not a sweep.csv"), "{err}");
}

#[test]
fn a_sweep_above_the_memory_limit_is_refused_before_its_folder_is_made_and_its_estimate_is_told_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let source = ScenarioSource::named(None);
    let set = ["run.day_hours=0.5".to_string()];
    let out = dir.path().join("s");
    let job = |max_memory: Option<u64>, verbose: bool| SweepJob {
        grid: GridRequest { limits: Limits { max_memory, max_disk: None }, verbose, ..request(&source, &set, &out) },
        vary: vec!["dialer.agents=5,6".parse().unwrap()],
        kpis: vec![],
    };
    let nothing = SweepJob { vary: vec![], ..job(None, false) }.prepare(&mut |_| {}).unwrap_err();
    assert!(nothing.to_string().starts_with("no `vary` given"), "{nothing}");
    let err = job(Some(1000), false).prepare(&mut |_| {}).unwrap_err();
    assert!(err.to_string().starts_with("this sweep (2 points × 2 replications"), "{err}");
    assert!(err.to_string().contains("raise `max_memory`"), "{err}");
    assert!(!out.exists());
    let mut infos = Vec::new();
    let prepared = job(None, true).prepare(&mut |n| {
        if let Note::Info(t) = n {
            infos.push(t.to_string())
        }
    });
    assert!(prepared.is_ok());
    assert_eq!(told(&infos, "this sweep (2 points × 2 replications"), 1, "{infos:?}");
    assert!(infos[0].contains(" needs about "), "{infos:?}");
}
