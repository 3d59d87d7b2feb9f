//! `dialsim sweep`: a scenario over a grid of parameter values, with replications and common random numbers;
//! `dialsim sweep merge` joins the parts of a sharded sweep.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use dialsim::sim::{aggregate, replicate};
use dialsim::{AtomicFile, Campaign, Privacy, RunFolder, Shard, Summary};

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
    #[arg(long, required = true)]
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

/// Parses `key=v1,v2` (values in TOML syntax; a list value needs --set instead).
fn parse_vary(v: &str) -> Result<(String, Vec<String>)> {
    let (k, vals) =
        v.split_once('=').ok_or_else(|| dialsim::Error::Usage(format!("--vary {v}: expected KEY=V1,V2,...")))?;
    let vals: Vec<String> = vals.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect();
    if vals.is_empty() {
        anyhow::bail!(dialsim::Error::Usage(format!("--vary {v}: no values")));
    }
    Ok((k.trim().to_string(), vals))
}

pub fn run(args: SweepArgs) -> Result<i32> {
    if let Some(SweepCommand::Merge { parts, output }) = args.merge {
        return merge(&parts, &output);
    }
    let scenario_arg = args.scenario.clone();
    let dir = args.out.clone().expect("required");
    for k in &args.kpis {
        super::simulate::check_kpi(k)?;
    }
    let vary: Vec<(String, Vec<String>)> = args.vary.iter().map(|v| parse_vary(v)).collect::<Result<_>>()?;
    // The grid, first parameter slowest.
    let mut points: Vec<Vec<String>> = vec![Vec::new()];
    for (_, vals) in &vary {
        points = points.iter().flat_map(|p| vals.iter().map(move |v| [p.clone(), vec![v.clone()]].concat())).collect();
    }
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let mine: Vec<usize> = (0..points.len()).filter(|p| *p as u64 % shard.count == shard.index - 1).collect();
    dialsim::sim::check_replications(u64::from(args.replications))
        .map_err(|e| dialsim::Error::Usage(format!("--replications: {e}")))?;
    // Every point's scenario is checked before any runs.
    let mut campaigns = Vec::new();
    for &p in &mine {
        let mut set = args.set.clone();
        set.extend(vary.iter().zip(&points[p]).map(|((k, _), v)| format!("{k}={v}")));
        campaigns.push(Campaign::new(super::simulate::load_scenario(&scenario_arg, &set)?)?);
    }
    // Checked (and its temporary folder made) before the runs: a refused folder costs no simulation.
    let inputs: Vec<PathBuf> =
        campaigns.iter().flat_map(|c| super::simulate::scenario_inputs(&scenario_arg, c.scenario())).collect();
    super::simulate::refuse_inputs_in(&dir, &inputs)?;
    let mut folder = RunFolder::create(&dir)?;
    let seed = super::generate::seed_or_fresh(args.seed);
    let threads = super::threads(args.threads)?;
    let bar = super::progress_bar((mine.len() as u64) * u64::from(args.replications), true);
    let mut rows = Vec::new();
    for (&p, campaign) in mine.iter().zip(&campaigns) {
        let summaries = replicate(campaign, seed, args.replications, threads);
        rows.push((p, aggregate(&summaries)));
        if let Some(b) = &bar {
            b.inc(u64::from(args.replications));
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let names: Vec<&str> = Summary::kpi_names().collect();
    let mut header = vec!["point".to_string()];
    header.extend(vary.iter().map(|(k, _)| k.clone()));
    header.push("replications".into());
    for n in &names {
        header.push(format!("{n}_mean"));
        header.push(format!("{n}_ci"));
    }
    folder.write("sweep.csv", Privacy::Public, |f| {
        writeln!(f, "{}", header.join(","))?;
        for (p, est) in &rows {
            let mut cells = vec![p.to_string()];
            cells.extend(points[*p].iter().cloned());
            cells.push(args.replications.to_string());
            for (_, e) in est {
                cells.push(format!("{}", e.mean));
                cells.push(format!("{}", e.half_width()));
            }
            writeln!(f, "{}", cells.join(","))?;
        }
        Ok(())
    })?;
    let mut charts = Vec::new();
    if args.plot {
        for kpi in &args.kpis {
            let idx = names.iter().position(|n| n == kpi).expect("checked");
            let mut series: std::collections::BTreeMap<String, Vec<(f64, f64, f64, f64)>> = Default::default();
            for (p, est) in &rows {
                let x: f64 = points[*p][0]
                    .parse()
                    .map_err(|_| dialsim::Error::Usage(format!("--plot needs numeric values of {}", vary[0].0)))?;
                let label = if vary.len() > 1 { format!("{} = {}", vary[1].0, points[*p][1]) } else { String::new() };
                let e = est[idx].1;
                series.entry(label).or_default().push((x, e.mean, e.ci95_low, e.ci95_high));
            }
            let series: Vec<dialsim::report::Series> = series.into_iter().collect();
            let title = format!("{kpi} against {} ({} replications per point)", vary[0].0, args.replications);
            let name = format!("sweep-{kpi}.svg");
            dialsim::report::sweep_svg(&folder.path().join(&name), &title, &vary[0].0, kpi, &series)?;
            charts.push(name);
        }
    }
    // The scenario of every point, in point order, identifies the sweep.
    let scenarios: Vec<&dialsim::Scenario> = campaigns.iter().map(Campaign::scenario).collect();
    folder.commit(seed, dialsim::manifest::scenario_sha256(&scenarios))?;
    eprintln!(
        "dialsim: wrote {} ({} points, {} replications each, seed {seed})",
        dir.join("sweep.csv").display(),
        rows.len(),
        args.replications
    );
    for name in charts {
        eprintln!("dialsim: wrote {}", dir.join(name).display());
    }
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
    let mut header: Option<String> = None;
    let mut rows: Vec<(u64, String)> = Vec::new();
    for part in parts {
        let text = std::fs::read_to_string(part).map_err(|e| dialsim::Error::io(part, e))?;
        let mut lines = text.lines();
        let h = lines.next().unwrap_or("").to_string();
        match &header {
            None => header = Some(h),
            Some(first) if *first != h => {
                anyhow::bail!(dialsim::Error::input(
                    part.display().to_string(),
                    Some(1),
                    "header differs from the first part's"
                ))
            }
            _ => {}
        }
        for (i, line) in lines.enumerate() {
            let point = line.split(',').next().and_then(|p| p.parse().ok()).ok_or_else(|| {
                dialsim::Error::input(part.display().to_string(), Some(i as u64 + 2), "row without a point number")
            })?;
            rows.push((point, line.to_string()));
        }
    }
    rows.sort_by_key(|(p, _)| *p);
    if let Some(w) = rows.windows(2).find(|w| w[0].0 == w[1].0) {
        anyhow::bail!(dialsim::Error::Usage(format!("point {} appears in more than one part", w[0].0)));
    }
    let mut text = header.unwrap_or_default();
    text.push('\n');
    for (_, r) in &rows {
        text.push_str(r);
        text.push('\n');
    }
    if to_stdout {
        out_raw!(text);
    } else {
        let mut f = AtomicFile::create(output, Privacy::Public)?;
        f.write_all(text.as_bytes()).map_err(|e| dialsim::Error::io(output, e))?;
        f.commit()?;
    }
    eprintln!("dialsim: merged {} points from {} parts into {}", rows.len(), parts.len(), output.display());
    Ok(0)
}
