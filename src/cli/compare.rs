//! `dialsim compare A.toml B.toml`: paired differences of every KPI under common random numbers.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::report::Estimate;
use dialsim::sim::replicate;
use dialsim::{AtomicFile, Campaign, Privacy, Summary};

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
}

/// One KPI compared: means, the paired difference B − A with its 95 % interval, and the interval independent
/// runs would give.
pub struct Row {
    kpi: &'static str,
    a: f64,
    b: f64,
    diff: Estimate,
    independent_half_width: f64,
}

pub fn run(args: CompareArgs) -> Result<i32> {
    if args.replications < 2 {
        anyhow::bail!(dialsim::Error::Usage("--replications must be at least 2 to compare".into()));
    }
    dialsim::sim::check_replications(2 * u64::from(args.replications))
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
    let a = Campaign::new(super::simulate::load_scenario(&Some(args.a.clone()), &[])?)?;
    let b = Campaign::new(super::simulate::load_scenario(&Some(args.b.clone()), &[])?)?;
    let seed = super::generate::seed_or_fresh(args.seed);
    let threads = super::threads(args.threads)?;
    let ra = replicate(&a, seed, args.replications, threads);
    let rb = replicate(&b, seed, args.replications, threads);
    let n = f64::from(args.replications);
    let t = dialsim::report::t_975(args.replications as usize - 1);
    let rows: Vec<Row> = Summary::kpi_names()
        .enumerate()
        .map(|(i, kpi)| {
            let xa: Vec<f64> = ra.iter().map(|s| s.kpis()[i].1).collect();
            let xb: Vec<f64> = rb.iter().map(|s| s.kpis()[i].1).collect();
            let d: Vec<f64> = xa.iter().zip(&xb).map(|(x, y)| y - x).collect();
            let (ea, eb) = (Estimate::of(&xa), Estimate::of(&xb));
            // Independent runs: the two means' variances add; Welch-free, same n, same t for comparability.
            let independent_half_width = t * ((ea.std.powi(2) + eb.std.powi(2)) / n).sqrt();
            Row { kpi, a: ea.mean, b: eb.mean, diff: Estimate::of(&d), independent_half_width }
        })
        .collect();
    out!(
        "{:<26} {:>12} {:>12} {:>12} {:>12} {:>14} {:>10}",
        "kpi",
        "A",
        "B",
        "B - A",
        "± paired",
        "± independent",
        "var ratio"
    );
    for r in &rows {
        let ratio =
            if r.diff.half_width() > 0.0 { (r.independent_half_width / r.diff.half_width()).powi(2) } else { f64::NAN };
        out!(
            "{:<26} {:>12.4} {:>12.4} {:>12.4} {:>12.4} {:>14.4} {:>10.1}",
            r.kpi,
            r.a,
            r.b,
            r.diff.mean,
            r.diff.half_width(),
            r.independent_half_width,
            ratio
        );
    }
    out!(
        "{} paired replications (seed {seed}); var ratio = variance of independent / paired differences",
        args.replications
    );
    if let Some(path) = &args.output {
        let mut f = AtomicFile::create(path, Privacy::Public)?;
        writeln!(
            f,
            "kpi,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,paired_half_width,independent_half_width"
        )?;
        for r in &rows {
            writeln!(
                f,
                "{},{},{},{},{},{},{},{}",
                r.kpi,
                r.a,
                r.b,
                r.diff.mean,
                r.diff.ci95_low,
                r.diff.ci95_high,
                r.diff.half_width(),
                r.independent_half_width
            )?;
        }
        f.commit()?;
    }
    Ok(0)
}
