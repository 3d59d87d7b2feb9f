//! `dialsim frontier`: the efficiency frontier of the pacers — every pacer × agent count × drop target of a
//! scenario, replicated with common random numbers; `dialsim frontier merge` joins the parts of a sharded one.
//! The workflow is `dialsim::jobs::FrontierJob`; this file parses and prints.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use dialsim::jobs::{AgentList, FrontierJob, GridKind, PacerList, ScenarioSource, TargetList};

use super::grid_args::{GridArgs, GridHelp, LimitArgs, MergeArgs, RankArgs, print_written};
use super::simulate::with_progress;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct FrontierArgs {
    #[command(subcommand)]
    merge: Option<FrontierCommand>,
    /// Scenario TOML file, or `default` for the embedded day.
    #[arg(required = true)]
    scenario: Option<String>,
    /// Agent counts, e.g. 10,20,50 (or a range 10..50:20).
    #[arg(long, value_name = "N1,N2,...", required = true)]
    agents: Option<String>,
    /// Drop targets as shares of live answers, e.g. 0.01,0.02,0.03,0.05; a target above the compliance
    /// profile's limit runs with the cap lifted and is marked compliant = false.
    #[arg(long, value_name = "T1,T2,...", required = true)]
    targets: Option<String>,
    /// Pacers (predictive mode's `dialer.pacer`) [default: all].
    #[arg(long, value_name = "P1,P2,...", default_value = "all")]
    pacers: String,
    /// Override a scenario field for every point (repeatable); not dialer.mode, dialer.pacer, dialer.agents or
    /// dialer.drop_target, which the frontier sets.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    #[command(flatten)]
    grid: GridArgs<FrontierHelp>,
    /// Also write frontier.svg: occupancy against realised abandonment, a panel per agent count, a line per
    /// pacer, the profile's limit as a vertical line.
    #[arg(long)]
    plot: bool,
    /// Also write a self-contained HTML report (the frontier chart and table) to this file.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    #[command(flatten)]
    rank: RankArgs,
    #[command(flatten)]
    limits: LimitArgs,
}

/// The help of `--output` and `--shard`.
#[derive(Debug)]
pub struct FrontierHelp;

impl GridHelp for FrontierHelp {
    const OUT: &'static str =
        "Output folder for frontier.csv (and frontier.svg), written as a set with a manifest.json";
    const SHARD: &'static str =
        "Run only the points p with p mod N = K-1 (to spread a frontier over machines); join with `frontier merge`";
}

#[derive(Subcommand, Debug)]
pub enum FrontierCommand {
    /// Join the frontier.csv parts of a sharded frontier into one file, in point order (every point once).
    Merge(MergeArgs),
}

/// A library message about a list, blamed on its flag.
fn usage(flag: &str, value: &str, message: impl std::fmt::Display) -> dialsim::Error {
    dialsim::Error::Request(format!("{flag} {value}: {message}").into())
}

pub fn run(args: FrontierArgs) -> Result<i32> {
    if let Some(FrontierCommand::Merge(merge)) = args.merge {
        return merge.run(GridKind::Frontier);
    }
    let (agents_arg, targets_arg) = (args.agents.clone().expect("required"), args.targets.clone().expect("required"));
    let AgentList(agents) = agents_arg.parse().map_err(|e| usage("--agents", &agents_arg, e))?;
    let TargetList(targets) = targets_arg.parse().map_err(|e| usage("--targets", &targets_arg, e))?;
    let PacerList(pacers) = args.pacers.parse().map_err(|e| usage("--pacers", &args.pacers, e))?;
    let rank = args.rank.request()?;
    let source = ScenarioSource::named(args.scenario.as_deref());
    let grid = args.grid.request((&source, &args.set), &args.limits, args.plot, args.report.as_deref(), rank);
    let job = FrontierJob { grid, pacers, agents, targets };
    let frontier = job.prepare(&mut super::generate::print_note)?;
    let done = with_progress(frontier.total(), |progress| frontier.run(progress))?;
    print_written(&done)?;
    Ok(0)
}
