//! A section made from a result in memory is the section read from the files that result writes: the report
//! of a folder and the report made by `--report` show the same thing.

use super::*;
use crate::analysis::{Frontier, FrontierGrid, FrontierResult, Sweep, compare as run_compare, no_progress, replicate};
use crate::report::{CompareCsv, Export, FrontierCsv, IntervalsCsv, RunReport, SummaryJson, SweepCsv};
use crate::sim::Campaign;

/// The section without its context, with every number as it prints (so NaN equals NaN).
fn content(s: &Section) -> String {
    match s {
        Section::Run { kpis, intervals, verdict, .. } => format!("{kpis:?} {intervals:?} {verdict:?}"),
        Section::Replications { n, kpis, .. } => format!("{n} {kpis:?}"),
        Section::Sweep { keys, replications, points, .. } => format!("{keys:?} {replications} {points:?}"),
        Section::Frontier { replications, points, .. } => format!("{replications} {points:?}"),
        Section::Compare { rows, .. } => format!("{rows:?}"),
    }
}

fn context(s: &Section) -> (Option<u64>, Option<String>, bool) {
    let c = match s {
        Section::Run { ctx, .. }
        | Section::Replications { ctx, .. }
        | Section::Sweep { ctx, .. }
        | Section::Frontier { ctx, .. }
        | Section::Compare { ctx, .. } => ctx,
    };
    (c.seed, c.currency.clone(), c.scenario.is_some())
}

fn short() -> Scenario {
    Scenario::parse("default", crate::DEFAULT_SCENARIO, &["run.day_hours=1".into()]).unwrap()
}

#[test]
fn a_run_in_memory_is_the_run_its_summary_and_intervals_give() {
    // The default day, and one where nobody gives a name: no consents, so a cost per consent of nothing.
    for set in [vec![], vec!["compliance.give_name=0".to_string()]] {
        let set = [vec!["run.day_hours=1".to_string()], set].concat();
        let campaign = Campaign::new(Scenario::parse("default", crate::DEFAULT_SCENARIO, &set).unwrap()).unwrap();
        let run = campaign.run(5, false);
        let mut report = Report::new();
        report.add_run(campaign.scenario(), &run);
        let r = RunReport { scenario: campaign.scenario(), run: &run };
        let (json, intervals) = (SummaryJson.to_bytes(&r), IntervalsCsv.to_bytes(&r));
        let read = read::run(Context::default(), &json, Some(&intervals), None, "s").unwrap();
        let (
            Section::Run { kpis: a, intervals: ia, verdict: va, .. },
            Section::Run { kpis: b, intervals: ib, verdict: vb, .. },
        ) = (&report.sections[0], &read)
        else {
            panic!("two run sections");
        };
        assert!(a.len() > 20 && ia.len() >= 4, "the run has KPIs and a profile: {} and {}", a.len(), ia.len());
        // Every KPI exactly (summary.json keeps every digit), the same ones (a ratio of nothing in neither).
        assert_eq!(a, b, "{set:?}");
        assert_eq!(va, vb);
        assert_eq!(va, &Verdict::Summary(run.summary.compliance.violations as f64));
        // Every interval exactly: the run in memory is rounded as intervals.csv writes it, so both reports draw
        // the same chart.
        assert_eq!(ia.len(), ib.len());
        let bits = |r: &IntervalRow| {
            let v = [r.dials, r.human_answers, r.connects, r.drops, r.machine_drops, r.dial_level, r.occupancy];
            (r.start.clone(), v.map(f64::to_bits))
        };
        for (x, y) in ia.iter().zip(ib) {
            assert_eq!(bits(x), bits(y), "{x:?} {y:?}");
        }
        assert_eq!(context(&report.sections[0]), context(&read));
    }
}

#[test]
fn an_empty_sweep_and_frontier_in_memory_are_what_their_files_give() {
    let sweep =
        crate::analysis::SweepResult { keys: vec!["dialer.agents".into()], seed: 1, replications: 2, rows: vec![] };
    let frontier = FrontierResult { seed: 1, replications: 2, rows: vec![] };
    let mut report = Report::new();
    report.add_sweep(&sweep, None);
    report.add_frontier(&frontier, None);
    let read = [
        read::sweep(Context::default(), &SweepCsv.to_bytes(&sweep), "sweep.csv").unwrap(),
        frontier::read(Context::default(), &FrontierCsv.to_bytes(&frontier), "frontier.csv").unwrap(),
    ];
    for (memory, file) in report.sections.iter().zip(&read) {
        assert_eq!(content(memory), content(file));
        assert_eq!(context(memory).1, context(file).1);
    }
}

#[test]
fn a_value_csv_cell_guarded_as_a_formula_reads_back_as_it_was() {
    let text = "point,run.name,replications,cost_currency,dials_mean,dials_ci\n0,'-x,2,'=EUR,5,1\n";
    let Section::Sweep { ctx, points, .. } = read::sweep(Context::default(), text.as_bytes(), "sweep.csv").unwrap()
    else {
        panic!("a sweep");
    };
    assert_eq!(points[0].values, ["-x"]);
    assert_eq!(ctx.currency.as_deref(), Some("=EUR"));
}

#[test]
fn replications_a_sweep_a_frontier_and_a_comparison_in_memory_are_what_their_files_give() {
    let campaign = Campaign::new(short()).unwrap();
    let reps = crate::analysis::Replications::new(campaign.scenario(), 3, replicate(&campaign, 3, 3, 1, &no_progress));
    let load = |set: &[String]| Scenario::parse("default", crate::DEFAULT_SCENARIO, set);
    let vary = vec!["dialer.agents=4,6".parse().unwrap()];
    let sweep = Sweep::new(vary, &["run.day_hours=0.5".into()], crate::Shard::WHOLE, load).unwrap();
    let sweep = sweep.run(2, 2, 1, &no_progress).unwrap();
    let grid = FrontierGrid::new(vec![crate::Pacer::Model], vec![5], vec![0.02, 0.05]).unwrap();
    let source = crate::ScenarioSource::named(None);
    let frontier = Frontier::new(grid, &source, &["run.day_hours=0.5".into()], crate::Shard::WHOLE).unwrap();
    let frontier = frontier.run(1, 2, 1, &no_progress).unwrap();
    let other = Campaign::new(
        Scenario::parse("default", crate::DEFAULT_SCENARIO, &["run.day_hours=1".into(), "dialer.agents=6".into()])
            .unwrap(),
    )
    .unwrap();
    let comparison = run_compare(&campaign, &other, 4, 2, 1, &no_progress);

    let mut report = Report::new();
    report.add_replications(&reps);
    report.add_sweep(&sweep, Some(campaign.scenario()));
    report.add_frontier(&frontier, Some(campaign.scenario()));
    report.add_comparison(("a", campaign.scenario()), ("b", other.scenario()), &comparison);
    let ctx = Context::default;
    let read = [
        read::run(ctx(), &SummaryJson.to_bytes(&reps), None, None, "summary.json").unwrap(),
        read::sweep(ctx(), &SweepCsv.to_bytes(&sweep), "sweep.csv").unwrap(),
        frontier::read(ctx(), &FrontierCsv.to_bytes(&frontier), "frontier.csv").unwrap(),
        read::compare(ctx(), &CompareCsv.to_bytes(&comparison), "compare.csv").unwrap(),
    ];
    assert_eq!(report.sections.len(), read.len());
    for (memory, file) in report.sections.iter().zip(&read) {
        let (m, f) = (content(memory), content(file));
        assert!(m.len() > 100, "{m}");
        assert_eq!(m, f);
        // The currency, as the files record it (the sweep's and the comparison's columns, the summary's scenario).
        assert_eq!(context(memory).1, context(file).1, "{m}");
    }
}

/// A cell that is not a number is refused with the file, its line and the column; an empty or `NaN` cell (a
/// rate of nothing) is not. The reader used to take any text as NaN and write the report without a word.
#[test]
fn a_cell_that_is_not_a_number_is_refused_with_its_file_line_and_column() {
    let refused = |r: Result<Section>| r.err().map(|e| e.to_string()).unwrap_or_default();
    let sweep = "point,dialer.agents,replications,dials_mean,dials_ci\n0,10,2,100,5\n1,20,2,,NaN\n2,30,2,abc,5\n";
    assert_eq!(
        refused(read::sweep(Context::default(), sweep.as_bytes(), "s/sweep.csv")),
        "s/sweep.csv:4: dials_mean: 'abc' is not a number"
    );
    let fine = &sweep[..sweep.rfind("2,30").unwrap()];
    let Section::Sweep { points, .. } = read::sweep(Context::default(), fine.as_bytes(), "s/sweep.csv").unwrap() else {
        panic!("a sweep")
    };
    assert!(points[1].kpis[0].1.mean.is_nan());

    let compare = "kpi,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high\ndials,1,2,1,0,2\ndrops,1,2,x,0,1\n";
    assert_eq!(
        refused(read::compare(Context::default(), compare.as_bytes(), "c.csv")),
        "c.csv:3: diff_mean: 'x' is not a number"
    );

    let intervals = "start,dials,human_answers,connects,drops,dial_level,occupancy\n09:00,5,1,1,0,1.5,0.5%\n";
    assert_eq!(
        refused(read::run(Context::default(), b"{}", Some(intervals.as_bytes()), None, "r/summary.json")),
        "r/intervals.csv:2: occupancy: '0.5%' is not a number"
    );

    let header = crate::report::FRONTIER_HEADER.join(",");
    let row = |abandon: &str| -> String {
        crate::report::FRONTIER_HEADER
            .iter()
            .map(|c| match *c {
                "pacer" => "model".to_string(),
                "compliant" => "true".to_string(),
                "abandon_rate_mean" => abandon.to_string(),
                _ => "1".to_string(),
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let frontier = format!("{header}\n{}\n{}\n", row("0.01"), row("one"));
    assert_eq!(
        refused(frontier::read(Context::default(), frontier.as_bytes(), "f.csv")),
        "f.csv:3: abandon_rate_mean: 'one' is not a number"
    );
}
