//! `dialsim sweep`: a scenario over a grid of parameter values, with replications and common random numbers;
//! `dialsim sweep merge` joins the parts of a sharded sweep.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use dialsim::analysis::{MergedSweep, Sweep, Vary, check_replications};
use dialsim::report::{Export, SweepCsv};
use dialsim::{Shard, output::AtomicFile, output::Privacy, output::RunFolder, sim::Campaign};

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
    /// Replications per point (the same seeds at every point: common random numbers).
    #[arg(long, default_value_t = 10)]
    replications: u32,
    /// Seed; when absent a fresh one is drawn and printed to stderr.
    #[arg(long)]
    seed: Option<u64>,
    /// Threads [default: all cores]; results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Output folder for sweep.csv (and the charts), written as a set with a manifest.json.
    #[arg(short = 'o', long = "output", visible_alias = "out", value_name = "DIR", required = true)]
    out: Option<PathBuf>,
    /// Run only the points p with p mod N = K-1 (to spread a sweep over machines); merge with `sweep merge`.
    #[arg(long, value_parser = |s: &str| s.parse::<Shard>())]
    shard: Option<Shard>,
    /// Write one SVG chart per KPI of --kpi: the KPI against the first parameter, a line per value of the second.
    #[arg(long)]
    plot: bool,
    /// KPIs to chart.
    #[arg(long = "kpi", value_delimiter = ',', default_value = "abandon_rate,occupancy,contacts_per_agent_hour")]
    kpis: Vec<String>,
    /// Also write a self-contained HTML report (KPIs, charts, audit verdict) to this file.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum SweepCommand {
    /// Join the sweep.csv parts of a sharded sweep into one file, in point order.
    Merge {
        /// The parts.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// The merged file; `-` writes it to stdout.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

pub fn run(args: SweepArgs) -> Result<i32> {
    if let Some(SweepCommand::Merge { parts, output }) = args.merge {
        return merge(&parts, &output);
    }
    let scenario_arg = args.scenario.clone();
    super::simulate::refuse_stdout_folder(&args.out)?;
    let dir = args.out.clone().expect("required");
    for k in &args.kpis {
        super::simulate::check_kpi(k)?;
    }
    let vary: Vec<Vary> = args
        .vary
        .iter()
        .map(|v| v.parse().map_err(|e| dialsim::Error::Usage(format!("--vary {v}: {e}"))))
        .collect::<Result<_, _>>()?;
    for (i, v) in vary.iter().enumerate() {
        if vary[..i].iter().any(|w| w.key == v.key) {
            anyhow::bail!(dialsim::Error::Usage(format!(
                "--vary {} is given twice; list all its values in one --vary {}=V1,V2,...",
                v.key, v.key
            )));
        }
    }
    if args.plot
        && let Some(bad) = vary[0].values.iter().find(|x| x.parse::<f64>().is_err())
    {
        anyhow::bail!(dialsim::Error::Usage(format!(
            "--plot charts the KPIs against the first --vary, {}, whose value '{bad}' is not a number; put a \
             numeric --vary first, or leave out --plot",
            vary[0].key
        )));
    }
    check_replications(u64::from(args.replications))
        .map_err(|e| dialsim::Error::Usage(format!("--replications: {e}")))?;
    // The fixed overrides, then each varied value on its own: a bad value is blamed on the flag that gave it.
    super::simulate::load_scenario(&scenario_arg, &args.set)?;
    for v in &vary {
        for x in &v.values {
            let mut set = args.set.clone();
            set.push(format!("{}={x}", v.key));
            super::simulate::load_scenario(&scenario_arg, &set).map_err(|e| match e {
                dialsim::Error::Scenario { origin: dialsim::Origin::Override { .. }, message } => {
                    dialsim::Error::Usage(format!("--vary {}={x}: {message}", v.key))
                }
                other => other,
            })?;
        }
    }
    // Every point's scenario is checked before any runs.
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let sweep = Sweep::new(vary, &args.set, shard, |set| super::simulate::load_scenario(&scenario_arg, set))?;
    // Checked (and its temporary folder made) before the runs: a refused folder costs no simulation.
    let inputs: Vec<PathBuf> =
        sweep.campaigns().flat_map(|(_, c)| super::simulate::scenario_inputs(&scenario_arg, c.scenario())).collect();
    super::simulate::refuse_inputs_in(&dir, &inputs)?;
    if let Some(p) = &args.report {
        super::report::check(p, &[dir.as_path()])?;
    }
    let mut folder = RunFolder::create(&dir)?;
    let seed = super::generate::seed_or_fresh(args.seed);
    let threads = super::threads(args.threads)?;
    let bar = super::progress_bar((sweep.campaigns().count() as u64) * u64::from(args.replications), true);
    let result = sweep.run(seed, args.replications, threads, &super::simulate::progress(&bar));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    dialsim::report::write_file(&mut folder, "sweep.csv", Privacy::Public, &SweepCsv, &result)?;
    let mut charts = Vec::new();
    if args.plot {
        let first = &sweep.vary()[0].key;
        for kpi in &args.kpis {
            let series = result
                .lines(kpi)
                .map_err(|_| dialsim::Error::Usage(format!("--plot needs numeric values of {first}")))?;
            let title = format!("{kpi} against {first} ({} replications per point)", args.replications);
            let name = format!("sweep-{kpi}.svg");
            dialsim::report::sweep_svg(&folder.path().join(&name), &title, first, kpi, &series)?;
            charts.push(name);
        }
    }
    // The scenario of every point, in point order, identifies the sweep.
    let scenarios: Vec<&dialsim::Scenario> = sweep.campaigns().map(|(_, c)| Campaign::scenario(c)).collect();
    folder.commit(seed, dialsim::manifest::scenario_sha256(&scenarios))?;
    note!(
        "dialsim: wrote {} ({} points, {} replications each, seed {seed})",
        dir.join("sweep.csv").display(),
        result.rows.len(),
        args.replications
    );
    for name in charts {
        note!("dialsim: wrote {}", dir.join(name).display());
    }
    super::report::write_for(args.report.as_ref(), None, |r| r.add_sweep(&result, scenarios.first().copied()))?;
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
    let merged = MergedSweep::read(parts)?;
    if to_stdout {
        super::simulate::print(&SweepCsv, &merged)?;
    } else {
        let mut f = AtomicFile::create(output, Privacy::Public)?;
        SweepCsv.write(&mut f, &merged).map_err(|e| dialsim::Error::io(output, e))?;
        f.commit()?;
    }
    note!("dialsim: merged {} points from {} parts into {}", merged.rows.len(), parts.len(), output.display());
    Ok(0)
}
