//! `dialsim compare A.toml B.toml`: paired differences of every KPI under common random numbers.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::analysis::{check_replications, compare};
use dialsim::report::{CompareCsv, Export, Table};
use dialsim::{output::AtomicFile, output::Privacy, sim::Campaign};

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenario A (`default` for the embedded day).
    a: String,
    /// Scenario B.
    b: String,
    /// Replications of each (the same seeds for A and B).
    #[arg(long, default_value_t = 30)]
    replications: u32,
    /// Seed; when absent a fresh one is drawn and printed to stderr.
    #[arg(long)]
    seed: Option<u64>,
    /// Threads [default: all cores]; results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Write the comparison as CSV (to a temporary name, renamed when complete); `-` writes the CSV to stdout
    /// instead of the table.
    #[arg(short = 'o', long = "output", visible_alias = "out")]
    output: Option<PathBuf>,
    /// Override a field of both scenarios, e.g. --set run.day_hours=2 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Override a field of scenario A only (after --set; repeatable).
    #[arg(long = "set-a", value_name = "KEY=VALUE")]
    set_a: Vec<String>,
    /// Override a field of scenario B only (after --set; repeatable): `compare default default --set-b
    /// dialer.agents=25` compares the default day with 25 agents.
    #[arg(long = "set-b", value_name = "KEY=VALUE")]
    set_b: Vec<String>,
    /// Print the comparison as one JSON document on stdout instead of the table.
    #[arg(long, conflicts_with = "output")]
    json: bool,
    /// Also write a self-contained HTML report (KPIs, charts, audit verdict) to this file.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    #[command(flatten)]
    limits: super::grid_args::LimitArgs,
}

/// The comparison as JSON: seed, replications, the two scenarios' names and overrides, and per KPI the
/// estimates of A, B and B − A (mean, std, ci95_low, ci95_high, n) and the independent half-width.
fn to_json(args: &CompareArgs, a: &[String], b: &[String], c: &dialsim::analysis::Comparison) -> serde_json::Value {
    let kpis: serde_json::Map<String, serde_json::Value> =
        c.rows.iter().map(|(k, p)| ((*k).to_string(), serde_json::to_value(p).unwrap_or_default())).collect();
    serde_json::json!({
        "dialsim_version": env!("CARGO_PKG_VERSION"),
        "seed": c.seed,
        "replications": c.replications,
        "a": { "scenario": args.a, "set": a },
        "b": { "scenario": args.b, "set": b },
        "kpis": kpis,
    })
}

pub fn run(args: CompareArgs) -> Result<i32> {
    if args.replications < 2 {
        anyhow::bail!(dialsim::Error::Request("--replications must be at least 2 to compare".into()));
    }
    check_replications(2 * u64::from(args.replications))
        .map_err(|e| dialsim::Error::Request(format!("--replications: {e}")))?;
    let to_stdout = args.output.as_deref().is_some_and(dialsim::output::is_stdout);
    if let Some(path) = args.output.as_ref().filter(|_| !to_stdout) {
        dialsim::output::check_target(path)?;
        dialsim::output::refuse_inputs(path, &[std::path::Path::new(&args.a), std::path::Path::new(&args.b)])?;
    }
    if args.a == args.b && args.set_a.is_empty() && args.set_b.is_empty() && args.set.is_empty() {
        note!("dialsim: note: A and B are the same scenario; add --set-b KEY=VALUE to change B");
    }
    if let Some(p) = &args.report {
        super::report::check("--report", p, &[std::path::Path::new(&args.a), std::path::Path::new(&args.b)])?;
    }
    let set_a: Vec<String> = args.set.iter().chain(&args.set_a).cloned().collect();
    let set_b: Vec<String> = args.set.iter().chain(&args.set_b).cloned().collect();
    let a = Campaign::new(super::simulate::load_scenario(&Some(args.a.clone()), &set_a)?)?;
    let b = Campaign::new(super::simulate::load_scenario(&Some(args.b.clone()), &set_b)?)?;
    let seed = super::generate::seed_or_fresh(args.seed);
    let threads = super::threads(args.threads)?;
    // Both scenarios' replications: A's and B's summaries are held together; the larger run sizes the memory.
    let (ca, cb) = (a.estimate(seed).calls, b.estimate(seed).calls);
    let needs =
        dialsim::analysis::grid_needs(2, u64::from(args.replications), ca.max(cb), (ca + cb) / 2, threads as u64);
    let what = format!("this comparison ({} replications of each, about {ca} and {cb} calls a run)", args.replications);
    let out = args.output.as_deref().filter(|_| !to_stdout);
    args.limits.check(&what, &needs, out, "fewer replications, or shorter campaigns")?;
    let comparison = super::simulate::with_progress(2 * u64::from(args.replications), |progress| {
        compare(&a, &b, seed, args.replications, threads, progress)
    });
    if args.json {
        let text = serde_json::to_string_pretty(&to_json(&args, &set_a, &set_b, &comparison))?;
        out!("{text}");
    } else if to_stdout {
        super::simulate::print(&CompareCsv, &comparison)?;
    } else {
        super::simulate::print(&Table, &comparison)?;
    }
    if let Some(path) = args.output.as_ref().filter(|_| !to_stdout) {
        let mut f = AtomicFile::create(path, Privacy::Public)?;
        CompareCsv.write(&mut f, &comparison).map_err(|e| dialsim::Error::io(path, e))?;
        f.commit()?;
    }
    super::report::write_for(args.report.as_ref(), None, |r| {
        r.add_comparison((&args.a, a.scenario()), (&args.b, b.scenario()), &comparison)
    })?;
    Ok(0)
}
