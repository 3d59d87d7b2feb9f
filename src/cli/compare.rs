//! `dialsim compare A.toml B.toml`: paired differences of every KPI under common random numbers.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::analysis::{check_replications, compare};
use dialsim::report::{CompareCsv, Export, Table};
use dialsim::{AtomicFile, Campaign, Privacy};

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
    /// Write the comparison as CSV (to a temporary name, renamed when complete).
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// Also write a self-contained HTML report (KPIs, charts, audit verdict) to this file.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
}

pub fn run(args: CompareArgs) -> Result<i32> {
    if args.replications < 2 {
        anyhow::bail!(dialsim::Error::Usage("--replications must be at least 2 to compare".into()));
    }
    check_replications(2 * u64::from(args.replications))
        .map_err(|e| dialsim::Error::Usage(format!("--replications: {e}")))?;
    if let Some(path) = &args.output {
        if dialsim::output::is_stdout(path) {
            anyhow::bail!(dialsim::Error::Usage(
                "-o -: stdout carries the comparison table already; name a file for the CSV".into()
            ));
        }
        dialsim::output::check_target(path)?;
        dialsim::output::refuse_inputs(path, &[std::path::Path::new(&args.a), std::path::Path::new(&args.b)])?;
    }
    if let Some(p) = &args.report {
        super::report::check(p, &[std::path::Path::new(&args.a), std::path::Path::new(&args.b)])?;
    }
    let a = Campaign::new(super::simulate::load_scenario(&Some(args.a.clone()), &[])?)?;
    let b = Campaign::new(super::simulate::load_scenario(&Some(args.b.clone()), &[])?)?;
    let seed = super::generate::seed_or_fresh(args.seed);
    let threads = super::threads(args.threads)?;
    let bar = super::progress_bar(2 * u64::from(args.replications), true);
    let comparison = compare(&a, &b, seed, args.replications, threads, &super::simulate::progress(&bar));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    super::simulate::print(&Table, &comparison)?;
    if let Some(path) = &args.output {
        let mut f = AtomicFile::create(path, Privacy::Public)?;
        CompareCsv.write(&mut f, &comparison).map_err(|e| dialsim::Error::io(path, e))?;
        f.commit()?;
    }
    super::report::write_for(args.report.as_ref(), None, |r| r.add_comparison(&args.a, &args.b, &comparison))?;
    Ok(0)
}
