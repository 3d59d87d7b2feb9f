//! `dialsim simulate`: one run, or replications with confidence intervals.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::report::Estimate;
use dialsim::sim::{aggregate, replicate, replicate_until};
use dialsim::{AtomicFile, Campaign, Scenario, Summary};

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Scenario TOML file [default: the embedded Czech cold-calling day].
    scenario: Option<String>,
    /// Seed; when absent a fresh one is drawn and printed to stderr.
    #[arg(long)]
    seed: Option<u64>,
    /// Folder for the run's files (created if missing).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Override a scenario field, e.g. --set dialer.agents=30 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Independent replications (seeds derived from the seed); KPIs get means and 95 % intervals.
    #[arg(long, default_value_t = 1)]
    replications: u32,
    /// Threads for replications [default: all cores]; results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Add replications until the 95 % half-width of the KPI named by --for is at most this.
    #[arg(long = "ci-half-width", requires = "ci_for")]
    ci_half_width: Option<f64>,
    /// The KPI for --ci-half-width (e.g. abandon_rate).
    #[arg(long = "for", value_name = "KPI")]
    ci_for: Option<String>,
    /// Most replications --ci-half-width may run.
    #[arg(long, default_value_t = 1000)]
    max_replications: u32,
    /// Write profile.svg (the day profile) into --out.
    #[arg(long, requires = "out")]
    plot: bool,
}

/// The scenario named on the command line (or the embedded default), with overrides.
pub(crate) fn load_scenario(path: &Option<String>, set: &[String]) -> Result<Scenario> {
    Ok(match path.as_deref() {
        Some("default") | None => Scenario::parse("<default scenario>", dialsim::DEFAULT_SCENARIO, set)?,
        Some(p) => Scenario::load(p, set)?,
    })
}

/// Checks a KPI name.
pub(crate) fn check_kpi(name: &str) -> Result<()> {
    let names: Vec<&str> = Summary::kpi_names().collect();
    if names.contains(&name) {
        Ok(())
    } else {
        Err(dialsim::Error::Invalid(format!("unknown KPI '{name}' (one of: {})", names.join(", "))).into())
    }
}

pub fn run(args: SimulateArgs) -> Result<i32> {
    let scenario = load_scenario(&args.scenario, &args.set)?;
    if let Some(k) = &args.ci_for {
        check_kpi(k)?;
    }
    if args.replications == 0 {
        anyhow::bail!(dialsim::Error::Invalid("--replications must be at least 1".into()));
    }
    dialsim::sim::check_replications(u64::from(args.replications.max(args.max_replications)))
        .map_err(|e| dialsim::Error::Invalid(format!("--replications: {e}")))?;
    let seed = super::generate::seed_or_fresh(args.seed);
    let campaign = Campaign::new(scenario)?;
    let threads = super::threads(args.threads)?;
    // Long campaigns are sized up front: refused when they cannot fit, announced when they are large.
    let size = campaign.estimate(seed);
    let at_once = threads.min(args.replications.max(1) as usize) as u64;
    let what = format!("a run of about {} calls ({} at once)", size.calls, at_once);
    dialsim::limits::ensure_memory(&what, size.bytes.saturating_mul(at_once))?;
    if size.calls >= 2_000_000 {
        eprintln!(
            "dialsim: this campaign makes about {} calls and needs about {} of memory per run",
            size.calls,
            dialsim::limits::human_bytes(size.bytes)
        );
    }
    if args.replications == 1 && args.ci_half_width.is_none() {
        let out = campaign.run(seed, args.out.is_some());
        out_raw!(dialsim::report::table(campaign.scenario(), &out));
        match &args.out {
            Some(dir) => {
                dialsim::report::write_run(dir, campaign.scenario(), &out)?;
                if args.plot {
                    let title = format!("{} — day profile (seed {seed})", campaign.scenario().run.name);
                    dialsim::report::profile_svg(&dir.join("profile.svg"), &title, &out.intervals)?;
                }
                eprintln!(
                    "dialsim: wrote calls.csv, suppression.csv, consents.jsonl, names.csv, intervals.csv and summary.json to {}",
                    dir.display()
                );
            }
            None => eprintln!("dialsim: add --out DIR to keep the run's records (calls, suppression, consents, names)"),
        }
        return Ok(0);
    }
    let bar = super::progress_bar(u64::from(args.replications), true);
    let summaries = match (&args.ci_half_width, &args.ci_for) {
        (Some(x), Some(k)) => {
            replicate_until(&campaign, seed, k, *x, args.replications, args.max_replications, threads)
        }
        _ => replicate(&campaign, seed, args.replications, threads),
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let estimates = aggregate(&summaries);
    out!("{:<26} {:>14} {:>12} {:>14} {:>14}", "kpi", "mean", "± 95 %", "ci95_low", "ci95_high");
    for (k, e) in &estimates {
        out!("{k:<26} {:>14.4} {:>12.4} {:>14.4} {:>14.4}", e.mean, e.half_width(), e.ci95_low, e.ci95_high);
    }
    out!("replications: {} (seed {seed})", summaries.len());
    if let (Some(x), Some(k)) = (&args.ci_half_width, &args.ci_for) {
        let e = estimates.iter().find(|(n, _)| n == k).map(|(_, e)| *e).expect("checked KPI");
        if e.half_width() > *x {
            eprintln!("dialsim: {k} half-width {:.5} still above {x} after {} replications", e.half_width(), e.n);
        }
    }
    if let Some(dir) = &args.out {
        write_replications(dir, campaign.scenario(), seed, &summaries, &estimates)?;
        if args.plot {
            let first = campaign.run(seed, false);
            let title = format!("{} — day profile, replication 0 (seed {seed})", campaign.scenario().run.name);
            dialsim::report::profile_svg(&dir.join("profile.svg"), &title, &first.intervals)?;
        }
        eprintln!("dialsim: wrote summary.json and replications.csv to {}", dir.display());
    }
    Ok(0)
}

fn write_replications(
    dir: &std::path::Path,
    scenario: &Scenario,
    seed: u64,
    summaries: &[Summary],
    estimates: &[(&'static str, Estimate)],
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| dialsim::Error::io(dir, e))?;
    let mut json = serde_json::Map::new();
    json.insert("seed".into(), seed.into());
    json.insert("replications".into(), summaries.len().into());
    json.insert("scenario".into(), serde_json::to_value(scenario)?);
    for (k, e) in estimates {
        json.insert((*k).into(), serde_json::to_value(e)?);
    }
    let path = dir.join("summary.json");
    let mut f = AtomicFile::create(&path)?;
    writeln!(f, "{}", serde_json::to_string_pretty(&json)?)?;
    f.commit()?;
    let path = dir.join("replications.csv");
    let mut f = AtomicFile::create(&path)?;
    let names: Vec<&str> = Summary::kpi_names().collect();
    writeln!(f, "replication,seed,{}", names.join(","))?;
    for (i, s) in summaries.iter().enumerate() {
        let values: Vec<String> = s.kpis().iter().map(|(_, v)| format!("{v}")).collect();
        writeln!(f, "{i},{},{}", dialsim::rng::replication_seed(seed, i as u32), values.join(","))?;
    }
    f.commit()?;
    Ok(())
}
