//! The workflows as library calls: sweeps (sharded and merged), paired comparisons, replications with a
//! progress callback, filters built from several inputs — and the binary writes exactly what they return.
use crate::common;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use common::by_header;
use dialsim::analysis::{MergedSweep, Replications, Sweep, SweepResult, Vary, compare, no_progress, replicate};
use dialsim::report::{CompareCsv, Export, SweepCsv, Table};
use dialsim::{Scenario, Shard, sim::Campaign};

fn default_scenario(set: &[String]) -> dialsim::Result<Scenario> {
    Scenario::parse("<default scenario>", dialsim::DEFAULT_SCENARIO, set)
}

fn vary() -> Vec<Vary> {
    vec!["dialer.agents=10,20".parse().unwrap(), "dialer.drop_target=0.01,0.03".parse().unwrap()]
}

fn sweep(shard: Shard, threads: usize) -> SweepResult {
    Sweep::new(vary(), &[], shard, default_scenario).unwrap().run(1, 3, threads, &no_progress).unwrap()
}

fn data(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_library_sweep_is_what_the_binary_writes_and_its_shards_merge_into_it() {
    let whole = sweep(Shard::WHOLE, 2);
    let csv = SweepCsv.to_bytes(&whole);
    let rows = by_header(&csv);
    let points: Vec<(&str, &str, &str)> =
        rows.iter().map(|r| (&*r["point"], &*r["dialer.agents"], &*r["dialer.drop_target"])).collect();
    assert_eq!(points, [("0", "10", "0.01"), ("1", "10", "0.03"), ("2", "20", "0.01"), ("3", "20", "0.03")]);
    assert!(rows.iter().all(|r| r["replications"] == "3"));
    // More agents, more dials, at either drop target.
    let dials = |p: usize| rows[p]["dials_mean"].parse::<f64>().unwrap();
    assert!(dials(2) > dials(0) && dials(3) > dials(1), "{rows:?}");

    // The threads do not change a point's estimates.
    assert_eq!(sweep(Shard::WHOLE, 1), whole);

    // Shards take every other point; their parts merge, in either order, into the whole sweep.
    let (one, two) = (sweep("1/2".parse().unwrap(), 1), sweep("2/2".parse().unwrap(), 2));
    assert_eq!(one.rows.iter().map(|r| r.point).collect::<Vec<_>>(), [0, 2]);
    assert_eq!(two.rows.iter().map(|r| r.point).collect::<Vec<_>>(), [1, 3]);
    let part = |r: &SweepResult| String::from_utf8(SweepCsv.to_bytes(r)).unwrap();
    let merged = MergedSweep::join(&[("b".into(), part(&two)), ("a".into(), part(&one))]).unwrap();
    assert_eq!(SweepCsv.to_bytes(&merged), csv);
    // A point in two parts is refused.
    assert!(MergedSweep::join(&[("a".into(), part(&one)), ("a again".into(), part(&one))]).is_err());

    // The binary writes exactly the library's sweep.csv.
    let dir = tempfile::tempdir().unwrap();
    let args = ["sweep", "default", "--vary", "dialer.agents=10,20", "--vary", "dialer.drop_target=0.01,0.03"];
    let mut args = args.to_vec();
    args.extend(["--replications", "3", "--seed", "1", "--out", "sw"]);
    common::ok_stdout(dir.path(), &args);
    assert!(std::fs::read(dir.path().join("sw/sweep.csv")).unwrap() == csv, "sweep.csv differs from the library's");
}

#[test]
fn a_sweep_with_a_bad_value_is_refused_before_any_point_runs() {
    let bad: Vec<Vary> = vec!["dialer.agents=10,many".parse().unwrap()];
    assert!(Sweep::new(bad, &[], Shard::WHOLE, default_scenario).is_err());
    assert!("dialer.agents".parse::<Vary>().unwrap_err().contains("KEY=V1,V2"));
    assert!("dialer.agents=,".parse::<Vary>().unwrap_err().contains("no values"));
}

#[test]
fn a_library_comparison_pairs_runs_and_is_what_the_binary_writes() {
    let a = Campaign::new(default_scenario(&[]).unwrap()).unwrap();
    let b_path = data("data/scenarios/erlang-c.toml");
    let b = Campaign::new(Scenario::load(&b_path, &[]).unwrap()).unwrap();
    let cmp = compare(&a, &b, 1, 4, 2, &no_progress);
    assert_eq!(cmp, compare(&a, &b, 1, 4, 1, &no_progress), "a comparison depends on the threads");
    assert_eq!(cmp.rows.len(), dialsim::sim::kpi::names().count());
    // The same scenario on both sides differs by exactly nothing: the pairs share their random numbers.
    let same = compare(&a, &a, 1, 4, 2, &no_progress);
    assert!(same.rows.iter().all(|(_, p)| p.diff.mean == 0.0 && p.diff.half_width() == 0.0));

    let csv = CompareCsv.to_bytes(&cmp);
    let rows = by_header(&csv);
    let connects = rows.iter().find(|r| r["kpi"] == "connects").unwrap();
    let f = |column: &str| connects[column].parse::<f64>().unwrap();
    // The mean of the differences is the difference of the means (up to rounding).
    assert!((f("diff_mean") - (f("b_mean") - f("a_mean"))).abs() <= 1e-9 * f("b_mean").abs().max(1.0));
    assert!(f("diff_ci95_low") <= f("diff_mean") && f("diff_mean") <= f("diff_ci95_high"));

    let dir = tempfile::tempdir().unwrap();
    let out = common::ok_stdout(
        dir.path(),
        &["compare", "default", &b_path, "--replications", "4", "--seed", "1", "-o", "cmp.csv"],
    );
    assert!(out == Table.to_bytes(&cmp), "the comparison table differs from the library's");
    assert!(std::fs::read(dir.path().join("cmp.csv")).unwrap() == csv, "compare -o differs from the library's");
}

#[test]
fn progress_is_told_once_per_replication_whatever_the_threads() {
    let campaign = Campaign::new(default_scenario(&[]).unwrap()).unwrap();
    let mut results = Vec::new();
    for threads in [1, 3] {
        let calls = AtomicU64::new(0);
        let seen = Mutex::new(Vec::new());
        let summaries = replicate(&campaign, 5, 7, threads, &|done, total| {
            calls.fetch_add(1, Ordering::Relaxed);
            seen.lock().unwrap().push((done, total));
        });
        assert_eq!(calls.into_inner(), 7, "{threads} threads");
        // Each count from 1 to 7 once (in whatever order the threads finished), always out of 7.
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen, (1..=7).map(|d| (d, 7)).collect::<Vec<_>>(), "{threads} threads");
        results.push(summaries);
    }
    assert_eq!(results[0], results[1], "replications depend on the thread count");

    // Sweeps and comparisons count over all their runs.
    let count = |run: &dyn Fn(&dialsim::analysis::Progress)| {
        let calls = AtomicU64::new(0);
        let last = AtomicU64::new(0);
        run(&|done, total| {
            calls.fetch_add(1, Ordering::Relaxed);
            last.fetch_max(done, Ordering::Relaxed);
            assert!(done <= total);
        });
        (calls.into_inner(), last.into_inner())
    };
    let sweep = Sweep::new(vary(), &[], Shard::WHOLE, default_scenario).unwrap();
    assert_eq!(count(&|p| drop(sweep.run(1, 2, 2, p))), (8, 8));
    assert_eq!(count(&|p| drop(compare(&campaign, &campaign, 1, 3, 2, p))), (6, 6));
}

#[test]
fn replications_print_as_the_binary_prints_them() {
    let campaign = Campaign::new(default_scenario(&[]).unwrap()).unwrap();
    let result = Replications::new(campaign.scenario(), 1, replicate(&campaign, 1, 5, 2, &no_progress));
    let dir = tempfile::tempdir().unwrap();
    let out = common::ok_stdout(dir.path(), &["simulate", "--replications", "5", "--seed", "1", "--out", "reps"]);
    assert!(out == Table.to_bytes(&result), "the replications table differs from the library's");
    let csv = std::fs::read(dir.path().join("reps/replications.csv")).unwrap();
    assert!(csv == dialsim::report::ReplicationsCsv.to_bytes(&result));
    let rows = by_header(&csv);
    assert_eq!(rows.len(), 5);
    for (i, (row, s)) in rows.iter().zip(&result.summaries).enumerate() {
        assert_eq!(row["replication"], i.to_string());
        assert_eq!(row["seed"], dialsim::foundation::rng::replication_seed(1, i as u32).to_string());
        assert_eq!(row["dials"], s.dials.to_string());
    }
}

#[test]
fn a_filter_built_from_several_inputs_holds_every_number_of_each() {
    let plan = dialsim::Plan::embedded("cz").unwrap();
    let options = dialsim::exclude::InputOptions::for_plan(&plan);
    let inputs = [data("data/known/customers.csv"), data("data/known/dnc-register.csv")];
    for threads in [1, 2] {
        let reads = dialsim::exclude::read_inputs(&inputs, &options, threads, &|_, _| {});
        let reads: Vec<_> = reads.into_iter().map(Result::unwrap).collect();
        let keys: Vec<Vec<u64>> = reads.iter().map(|r| r.keys.clone()).collect();
        // In input order, whatever the threads.
        assert_eq!(reads.iter().map(|r| r.stats.rows).collect::<Vec<_>>(), [2002, 3000]);
        let params = dialsim::exclude::FilterParams {
            fp_rate: 0.001,
            expected: None,
            seed: Some(3),
            threads,
            country_code: 420,
        };
        let built = dialsim::exclude::build_filter(reads, &params).unwrap();
        assert_eq!((built.rows, built.numbers, built.rejected), (5002, 5000, 1));
        assert_eq!(built.filter.meta().entries, 5000);
        assert!(keys.iter().flatten().all(|&k| built.filter.contains_key(k)));
    }
    // One loader for the exclusion sources: the lists read, in order, each reported once.
    let lists = inputs.to_vec();
    let mut reported = Vec::new();
    let none: &[&str] = &[];
    let exclusions = dialsim::exclude::load_exclusions(none, &lists, &options, &[], &mut |l| {
        reported.push(l.read_report().stats.name.clone())
    })
    .unwrap();
    assert_eq!(exclusions.names(), [lists[0].as_str(), lists[1].as_str()]);
    assert_eq!(reported, lists);
}
