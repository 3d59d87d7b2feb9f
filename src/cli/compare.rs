//! `dialsim compare A.toml B.toml`: paired differences of every KPI under common random numbers.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::jobs::{CompareJob, Side};

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

pub fn run(args: CompareArgs) -> Result<i32> {
    let to_stdout = args.output.as_deref().is_some_and(dialsim::jobs::is_stdout);
    let csv = args.output.as_deref().filter(|_| !to_stdout);
    if args.a == args.b && args.set_a.is_empty() && args.set_b.is_empty() && args.set.is_empty() {
        note!("dialsim: note: A and B are the same scenario; add --set-b KEY=VALUE to change B");
    }
    let set_a: Vec<String> = args.set.iter().chain(&args.set_a).cloned().collect();
    let set_b: Vec<String> = args.set.iter().chain(&args.set_b).cloned().collect();
    let side = |name: &String, set: &[String]| Side { name: name.clone(), set: set.to_vec() };
    let mut job = CompareJob::new(side(&args.a, &set_a), side(&args.b, &set_b), args.replications, csv, &mut |n| {
        super::generate::print_note(n)
    })?;
    if let Some(path) = &args.report {
        job = job.with_report(path)?;
        job.name_report_params(super::flag_text);
    }
    let seed = super::generate::seed_or_fresh(args.seed);
    let threads = super::threads(args.threads)?;
    job.check_limits(seed, threads, &args.limits.limits(), super::verbose(), &mut super::generate::print_note)?;
    let comparison =
        super::simulate::with_progress(2 * u64::from(args.replications), |progress| job.run(seed, threads, progress))?;
    if args.json {
        let text = serde_json::to_string_pretty(&job.document(&comparison))?;
        out!("{text}");
    } else {
        super::simulate::print(|out| job.write_to(out, &comparison, to_stdout))?;
    }
    if let Some(path) = &args.report {
        note!("dialsim: wrote {}", path.display());
    }
    Ok(0)
}
