//! `dialsim frontier`: the efficiency frontier of the pacers — every pacer × agent count × drop target of a
//! scenario, replicated with common random numbers; `dialsim frontier merge` joins the parts of a sharded one.
//! The workflow is `dialsim::analysis::Frontier`; this file parses and prints.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use dialsim::analysis::{
    Frontier, FrontierGrid, FrontierPoint, MergedFrontier, parse_agents, parse_pacers, parse_targets,
};
use dialsim::jobs::{GridDone, GridJob};
use dialsim::report::FrontierCsv;

use dialsim::Setting;

use super::grid_args::{GridArgs, GridHelp, LimitArgs, MergeArgs, RankArgs, blame_on};
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
    dialsim::Error::Request(format!("{flag} {value}: {message}"))
}

pub fn run(args: FrontierArgs) -> Result<i32> {
    if let Some(FrontierCommand::Merge(merge)) = args.merge {
        return merge.run(MergedFrontier::read, &FrontierCsv, |m| m.rows.len());
    }
    let scenario_arg = args.scenario.clone();
    let dir = args.grid.dir()?;
    let (agents_arg, targets_arg) = (args.agents.clone().expect("required"), args.targets.clone().expect("required"));
    let agents = parse_agents(&agents_arg).map_err(|e| usage("--agents", &agents_arg, e))?;
    let targets = parse_targets(&targets_arg).map_err(|e| usage("--targets", &targets_arg, e))?;
    let pacers = parse_pacers(&args.pacers).map_err(|e| usage("--pacers", &args.pacers, e))?;
    let rank = args.rank.request()?;
    let grid = FrontierGrid::new(pacers, agents, targets)
        .map_err(|e| dialsim::Error::Request(format!("--pacers × --agents × --targets: {e}")))?;
    if let Some((s, key)) = dialsim::analysis::frontier_key_set(&args.set) {
        let instead = match key {
            "dialer.agents" => "use --agents",
            "dialer.drop_target" => "use --targets",
            "dialer.pacer" => "use --pacers",
            _ => "every point runs in predictive mode, the mode the pacers pace",
        };
        anyhow::bail!(dialsim::Error::Request(format!("--set {s}: the frontier sets {key} per point; {instead}")));
    }
    args.grid.check_replications()?;
    // The fixed overrides, then the frontier sized (before any value is checked or point loaded), then each
    // listed value on its own: a bad value is blamed on the flag that gave it.
    super::simulate::load_scenario(&scenario_arg, &args.set)?;
    // Sized from its smallest and largest corners (fewest agents at the lowest target, most at the highest).
    let source = dialsim::ScenarioSource::named(scenario_arg.as_deref());
    let corner = |agents: Option<&u32>, target: Option<f64>| {
        let point = FrontierPoint {
            pacer: grid.pacers[0],
            agents: agents.copied().unwrap_or(1),
            target: target.unwrap_or(0.0),
        };
        source.load_with(&args.set, &point.settings(false))
    };
    let low = corner(grid.agents.iter().min(), grid.targets.iter().copied().reduce(f64::min));
    let high = corner(grid.agents.iter().max(), grid.targets.iter().copied().reduce(f64::max));
    let points = (grid.pacers.len() * grid.agents.len() * grid.targets.len()) as u64;
    args.grid.check_needs(&args.limits, (&scenario_arg, &args.set), [low, high], points, "this frontier")?;
    // Each listed value on its own, blamed on the flag that gave it.
    for a in &grid.agents {
        blame_on(source.load_with(&args.set, &[Setting::Agents(*a)]), &format!("--agents {a}"))?;
    }
    for t in &grid.targets {
        blame_on(source.load_with(&args.set, &[Setting::DropTarget(*t)]), &format!("--targets {t}"))?;
    }
    // Every point's scenario is checked before any runs.
    let frontier = Frontier::new(grid, &source, &args.set, args.grid.shard())?;
    let (folder, seed, threads, report) =
        args.grid.open(&dir, &scenario_arg, frontier.scenarios().map(|(_, s)| s), (args.report.as_ref(), &[]))?;
    let replications = args.grid.replications;
    let job = GridJob { folder, seed, replications, threads, charts: args.plot.then(Vec::new) };
    let GridDone { result, charts } = with_progress(frontier.total(replications), |p| job.frontier(&frontier, p))?;
    args.grid.committed(&dir, seed, "frontier.csv", result.rows.len());
    for name in charts {
        note!("dialsim: wrote {}", dir.join(name).display());
    }
    let scenarios: Vec<&dialsim::Scenario> = frontier.scenarios().map(|(_, s)| s).collect();
    super::report::write_for(report, None, |r| r.add_frontier(&result, scenarios.first().copied()))?;
    if let Some(rank) = rank {
        rank.print(|by, constraints| result.ranking(by, constraints))?;
    }
    Ok(0)
}
