//! `dialsim sweep`: a scenario over a grid of parameter values, with replications and common random numbers;
//! `dialsim sweep merge` joins the parts of a sharded sweep.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use dialsim::jobs::{GridKind, ScenarioSource, SweepJob};

use super::grid_args::{GridArgs, GridHelp, LimitArgs, MergeArgs, RankArgs, print_written};
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
        return merge.run(GridKind::Sweep);
    }
    let rank = args.rank.request()?;
    let vary = args
        .vary
        .iter()
        .map(|v| v.parse().map_err(|e| dialsim::Error::Request(format!("--vary {v}: {e}").into())))
        .collect::<Result<_, _>>()?;
    let source = ScenarioSource::named(args.scenario.as_deref());
    let grid = args.grid.request((&source, &args.set), &args.limits, args.plot, args.report.as_deref(), rank);
    let job = SweepJob { grid, vary, kpis: args.kpis.clone() };
    let sweep = job.prepare(&mut super::generate::print_note)?;
    let done = with_progress(sweep.total(), |progress| sweep.run(progress))?;
    print_written(&done)?;
    Ok(0)
}
