//! `dialsim sweep`: a scenario over a grid of parameter values, with replications and common random numbers;
//! `dialsim sweep merge` joins the parts of a sharded sweep.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use dialsim::analysis::{MergedSweep, Sweep, Vary, check_grid_points, corners};
use dialsim::jobs::{GridDone, GridJob};
use dialsim::report::SweepCsv;

use super::grid_args::{GridArgs, GridHelp, LimitArgs, MergeArgs, RankArgs, check_value};
use super::simulate::with_progress;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepArgs {
    #[command(subcommand)]
    merge: Option<SweepCommand>,
    /// Scenario TOML file, or `default` for the embedded day.
    #[arg(required = true)]
    scenario: Option<String>,
    /// A parameter and its values, e.g. --vary dialer.agents=10,20,30 (repeatable; the first varies slowest).
    #[arg(long = "vary", value_name = "KEY=V1,V2,...", required = true)]
    vary: Vec<String>,
    /// Override a scenario field for every point (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    #[command(flatten)]
    grid: GridArgs<SweepHelp>,
    /// Write one SVG chart per KPI of --kpi: the KPI against the first parameter, a line per value of the second.
    #[arg(long)]
    plot: bool,
    /// KPIs to chart, in order: the SVGs of --plot [default: abandon_rate,occupancy,contacts_per_agent_hour],
    /// and the charts and point table of --report [default: the headline KPIs].
    #[arg(long = "kpi", value_delimiter = ',', value_name = "KPI,...")]
    kpis: Vec<String>,
    /// Also write a self-contained HTML report (KPIs, charts, audit verdict) to this file.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    #[command(flatten)]
    rank: RankArgs,
    #[command(flatten)]
    limits: LimitArgs,
}

/// The help of `--output` and `--shard`.
#[derive(Debug)]
pub struct SweepHelp;

impl GridHelp for SweepHelp {
    const OUT: &'static str = "Output folder for sweep.csv (and the charts), written as a set with a manifest.json";
    const SHARD: &'static str =
        "Run only the points p with p mod N = K-1 (to spread a sweep over machines); merge with `sweep merge`";
}

#[derive(Subcommand, Debug)]
pub enum SweepCommand {
    /// Join the sweep.csv parts of a sharded sweep into one file, in point order.
    Merge(MergeArgs),
}

pub fn run(args: SweepArgs) -> Result<i32> {
    if let Some(SweepCommand::Merge(merge)) = args.merge {
        return merge.run(MergedSweep::read, &SweepCsv, |m| m.rows.len());
    }
    let scenario_arg = args.scenario.clone();
    let dir = args.grid.dir()?;
    for k in &args.kpis {
        super::simulate::check_kpi(k)?;
    }
    let rank = args.rank.request()?;
    let vary: Vec<Vary> = args
        .vary
        .iter()
        .map(|v| v.parse().map_err(|e| dialsim::Error::Request(format!("--vary {v}: {e}"))))
        .collect::<Result<_, _>>()?;
    for (i, v) in vary.iter().enumerate() {
        if vary[..i].iter().any(|w| w.key == v.key) {
            anyhow::bail!(dialsim::Error::Request(format!(
                "--vary {} is given twice; list all its values in one --vary {}=V1,V2,...",
                v.key, v.key
            )));
        }
    }
    // Counted before any point is listed or loaded: a grid of millions of points is refused here.
    let sizes: Vec<usize> = vary.iter().map(|v| v.values.len()).collect();
    let points = check_grid_points(&sizes).map_err(|e| dialsim::Error::Request(format!("--vary: {e}")))?;
    if args.plot
        && let Some(bad) = vary[0].values.iter().find(|x| x.parse::<f64>().is_err())
    {
        anyhow::bail!(dialsim::Error::Request(format!(
            "--plot charts the KPIs against the first --vary, {}, whose value '{bad}' is not a number; put a \
             numeric --vary first, or leave out --plot",
            vary[0].key
        )));
    }
    args.grid.check_replications()?;
    // The fixed overrides, then the sweep sized (before any value is checked or point loaded: a sweep too large
    // costs no more), then each varied value on its own: a bad value is blamed on the flag that gave it.
    super::simulate::load_scenario(&scenario_arg, &args.set)?;
    let (low, high) = corners(&vary);
    let [low, high] = [low, high].map(|corner| {
        let overrides: Vec<String> = args.set.iter().chain(&corner).cloned().collect();
        super::simulate::load_scenario(&scenario_arg, &overrides)
    });
    args.grid.check_needs(&args.limits, (&scenario_arg, &args.set), [low, high], points as u64, "this sweep")?;
    for v in &vary {
        for x in &v.values {
            let key_value = format!("{}={x}", v.key);
            check_value(&scenario_arg, &args.set, key_value.clone(), &format!("--vary {key_value}"))?;
        }
    }
    // Every point's scenario is checked before any runs.
    let sweep =
        Sweep::new(vary, &args.set, args.grid.shard(), |set| super::simulate::load_scenario(&scenario_arg, set))?;
    let (folder, seed, threads, report) =
        args.grid.open(&dir, &scenario_arg, sweep.scenarios().map(|(_, s)| s), (args.report.as_ref(), &args.kpis))?;
    let replications = args.grid.replications;
    let job = GridJob { folder, seed, replications, threads, charts: args.plot.then(|| args.kpis.clone()) };
    let total = (sweep.scenarios().count() as u64) * u64::from(replications);
    let GridDone { result, charts } = with_progress(total, |progress| job.sweep(&sweep, progress))?;
    args.grid.committed(&dir, seed, "sweep.csv", result.rows.len());
    for name in charts {
        note!("dialsim: wrote {}", dir.join(name).display());
    }
    let scenarios: Vec<&dialsim::Scenario> = sweep.scenarios().map(|(_, s)| s).collect();
    super::report::write_for(report, None, |r| r.add_sweep(&result, scenarios.first().copied()))?;
    if let Some(rank) = rank {
        rank.print(|by, constraints| result.ranking(by, constraints))?;
    }
    Ok(0)
}
