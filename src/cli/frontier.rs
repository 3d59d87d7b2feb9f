//! `dialsim frontier`: the efficiency frontier of the pacers — every pacer × agent count × drop target of a
//! scenario, replicated with common random numbers; `dialsim frontier merge` joins the parts of a sharded one.
//! The workflow is `dialsim::analysis::Frontier`; this file parses and prints.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use dialsim::analysis::{
    FRONTIER_KEYS, Frontier, FrontierGrid, MergedFrontier, check_replications, parse_agents, parse_pacers,
    parse_targets,
};
use dialsim::report::{Export, FrontierCsv};
use dialsim::{Shard, output::AtomicFile, output::Privacy, output::RunFolder};

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
    /// Replications per point (the same seeds at every point: common random numbers).
    #[arg(long, default_value_t = 10)]
    replications: u32,
    /// Seed; when absent a fresh one is drawn and printed to stderr.
    #[arg(long)]
    seed: Option<u64>,
    /// Threads [default: all cores]; results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Output folder for frontier.csv (and frontier.svg), written as a set with a manifest.json.
    #[arg(short = 'o', long = "output", visible_alias = "out", value_name = "DIR", required = true)]
    out: Option<PathBuf>,
    /// Run only the points p with p mod N = K-1 (to spread a frontier over machines); join with
    /// `frontier merge`.
    #[arg(long, value_parser = |s: &str| s.parse::<Shard>())]
    shard: Option<Shard>,
    /// Also write frontier.svg: occupancy against realised abandonment, a panel per agent count, a line per
    /// pacer, the profile's limit as a vertical line.
    #[arg(long)]
    plot: bool,
    /// Also write a self-contained HTML report (the frontier chart and table) to this file.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum FrontierCommand {
    /// Join the frontier.csv parts of a sharded frontier into one file, in point order (every point once).
    Merge {
        /// The parts.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// The merged file; `-` writes it to stdout.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

/// A library message about a list, blamed on its flag.
fn usage(flag: &str, value: &str, message: impl std::fmt::Display) -> dialsim::Error {
    dialsim::Error::Usage(format!("{flag} {value}: {message}"))
}

pub fn run(args: FrontierArgs) -> Result<i32> {
    if let Some(FrontierCommand::Merge { parts, output }) = args.merge {
        return merge(&parts, &output);
    }
    let scenario_arg = args.scenario.clone();
    super::simulate::refuse_stdout_folder(&args.out)?;
    let dir = args.out.clone().expect("required");
    let (agents_arg, targets_arg) = (args.agents.clone().expect("required"), args.targets.clone().expect("required"));
    let agents = parse_agents(&agents_arg).map_err(|e| usage("--agents", &agents_arg, e))?;
    let targets = parse_targets(&targets_arg).map_err(|e| usage("--targets", &targets_arg, e))?;
    let pacers = parse_pacers(&args.pacers).map_err(|e| usage("--pacers", &args.pacers, e))?;
    let grid = FrontierGrid::new(pacers, agents, targets).map_err(|e| dialsim::Error::Usage(e.to_string()))?;
    for s in &args.set {
        let key = s.split_once('=').map_or(s.as_str(), |(k, _)| k).trim();
        if FRONTIER_KEYS.contains(&key) {
            let instead = match key {
                "dialer.agents" => "use --agents",
                "dialer.drop_target" => "use --targets",
                "dialer.pacer" => "use --pacers",
                _ => "every point runs in predictive mode, the mode the pacers pace",
            };
            anyhow::bail!(dialsim::Error::Usage(format!("--set {s}: the frontier sets {key} per point; {instead}")));
        }
    }
    check_replications(u64::from(args.replications))
        .map_err(|e| dialsim::Error::Usage(format!("--replications: {e}")))?;
    // The fixed overrides, then each listed value on its own: a bad value is blamed on the flag that gave it.
    super::simulate::load_scenario(&scenario_arg, &args.set)?;
    let blame = |flag: &str, key: &str, value: String| -> Result<()> {
        let mut set = args.set.clone();
        set.push(format!("{key}={value}"));
        super::simulate::load_scenario(&scenario_arg, &set).map_err(|e| match e {
            dialsim::Error::Scenario { origin: dialsim::Origin::Override { .. }, message } => {
                usage(flag, &value, message)
            }
            other => other,
        })?;
        Ok(())
    };
    for a in &grid.agents {
        blame("--agents", "dialer.agents", a.to_string())?;
    }
    for t in &grid.targets {
        blame("--targets", "dialer.drop_target", t.to_string())?;
    }
    // Every point's scenario is checked before any runs.
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let frontier = Frontier::new(grid, &args.set, shard, |set| super::simulate::load_scenario(&scenario_arg, set))?;
    // Checked (and its temporary folder made) before the runs: a refused folder costs no simulation.
    let inputs: Vec<PathBuf> =
        frontier.campaigns().flat_map(|(_, c)| super::simulate::scenario_inputs(&scenario_arg, c.scenario())).collect();
    super::simulate::refuse_inputs_in(&dir, &inputs)?;
    if let Some(p) = &args.report {
        super::report::check(p, &[dir.as_path()])?;
    }
    let mut folder = RunFolder::create(&dir)?;
    let seed = super::generate::seed_or_fresh(args.seed);
    let threads = super::threads(args.threads)?;
    let bar = super::progress_bar(frontier.total(args.replications), true);
    let result = frontier.run(seed, args.replications, threads, &super::simulate::progress(&bar));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    dialsim::report::write_file(&mut folder, "frontier.csv", Privacy::Public, &FrontierCsv, &result)?;
    if args.plot && !result.rows.is_empty() {
        let hollow = if result.rows.iter().any(|r| !r.compliant) { "; hollow: target above the limit" } else { "" };
        let title = format!("Efficiency frontier ({} replications per point{hollow})", args.replications);
        dialsim::report::frontier_svg(&folder.path().join("frontier.svg"), &title, &result.curves(), result.limit())?;
    }
    // The scenario of every point, in point order, identifies the frontier.
    let scenarios: Vec<&dialsim::Scenario> = frontier.campaigns().map(|(_, c)| c.scenario()).collect();
    folder.commit(seed, dialsim::manifest::scenario_sha256(&scenarios))?;
    note!(
        "dialsim: wrote {} ({} points, {} replications each, seed {seed})",
        dir.join("frontier.csv").display(),
        result.rows.len(),
        args.replications
    );
    if args.plot && !result.rows.is_empty() {
        note!("dialsim: wrote {}", dir.join("frontier.svg").display());
    }
    super::report::write_for(args.report.as_ref(), None, |r| r.add_frontier(&result, scenarios.first().copied()))?;
    Ok(0)
}

fn merge(parts: &[PathBuf], output: &std::path::Path) -> Result<i32> {
    let to_stdout = dialsim::output::is_stdout(output);
    if !to_stdout {
        // Before any part is read: the output must be replaceable and must not be one of the parts.
        dialsim::output::check_target(output)?;
        let inputs: Vec<&std::path::Path> = parts.iter().map(PathBuf::as_path).collect();
        dialsim::output::refuse_inputs(output, &inputs)?;
    }
    let merged = MergedFrontier::read(parts)?;
    if to_stdout {
        super::simulate::print(&FrontierCsv, &merged)?;
    } else {
        let mut f = AtomicFile::create(output, Privacy::Public)?;
        FrontierCsv.write(&mut f, &merged).map_err(|e| dialsim::Error::io(output, e))?;
        f.commit()?;
    }
    note!("dialsim: merged {} points from {} parts into {}", merged.rows.len(), parts.len(), output.display());
    Ok(0)
}
