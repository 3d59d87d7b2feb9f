//! `dialsim simulate`: one run, or replications with confidence intervals.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::jobs::{Progress, ScenarioSource, SimulateDone, SimulateJob, Until};

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Scenario TOML file (`-` reads stdin) [default: the embedded Czech random-digit survey day].
    scenario: Option<String>,
    /// Seed; when absent a fresh one is drawn and printed to stderr.
    #[arg(long)]
    seed: Option<u64>,
    /// Folder for the run's files: written as a set with a manifest.json, replacing an earlier run folder
    /// (a non-empty folder dialsim did not write is refused). A folder cannot be stdout: use --json.
    #[arg(short = 'o', long = "output", visible_alias = "out", value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print summary.json (of the run, or of the replications) on stdout instead of the table.
    #[arg(long)]
    json: bool,
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
    /// Sign the run folder's manifest with this key file (HMAC-SHA-256); `audit --key` checks it.
    #[arg(long, value_name = "FILE", requires = "out")]
    key: Option<PathBuf>,
    /// Also write a self-contained HTML report (KPIs, charts, audit verdict) to this file.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    /// A registry (an SQLite file or a postgres:// URL; `dialsim registry init`): its suppressed numbers are never dialled, its bases are the calls'
    /// bases, and a run with --out writes its objections, consents and withdrawals back to it
    #[arg(long, value_name = "PATH|URL")]
    registry: Option<String>,
    /// A series of campaigns against one registry: each starts --every after the one before (seeds derived from
    /// the seed), reads what the earlier ones wrote back and writes its own, into DIR/campaign-01, -02, …, with
    /// DIR/series.csv (one row per campaign)
    #[arg(long, value_name = "N", requires = "out", conflicts_with_all = ["replications", "ci_half_width", "report"])]
    campaigns: Option<u32>,
    /// The time from one campaign's start to the next's, in days (`30d`, or `30`)
    #[arg(long, value_name = "DAYS", default_value = "30d", requires = "campaigns")]
    every: String,
    #[command(flatten)]
    limits: super::grid_args::LimitArgs,
}

/// Writes to stdout what `write` writes (a closed pipe ends the command quietly).
pub(crate) fn print(write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    write(&mut stdout).map_err(dialsim::Error::Output)?;
    Ok(())
}

/// Runs `run` with a progress bar (on a terminal) of `total` steps, which its [`Progress`] callback moves by
/// one step per call (the total the callback is told becomes the bar's length); the bar is cleared after.
pub(crate) fn with_progress<T>(total: u64, run: impl FnOnce(&Progress) -> T) -> T {
    let bar = super::progress_bar(total, true);
    let result = run(&|_done, total| {
        if let Some(b) = &bar {
            b.set_length(total);
            b.inc(1);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result
}

/// Checks a KPI name.
pub(crate) fn check_kpi(name: &str) -> Result<()> {
    Ok(dialsim::jobs::check_kpi(name)?)
}

/// Says which files a job wrote into `dir`.
fn note_wrote(files: &[&str], dir: &std::path::Path) {
    if let Some((last, rest)) = files.split_last() {
        note!("dialsim: wrote {} and {last} to {}", rest.join(", "), dir.display());
    }
}

/// Says what a campaign wrote back to the registry at `location`.
fn note_write_back(location: &str, w: &dialsim::jobs::WriteBack) {
    note!(
        "dialsim: registry {location}: recorded the campaign ({} suppressions, {} consents, {} withdrawals)",
        w.suppressions,
        w.consents,
        w.withdrawals
    );
}

/// `--every`: whole days, written `30d` or `30`.
fn every_days(text: &str) -> Result<i64> {
    let digits = text.strip_suffix('d').unwrap_or(text);
    match digits.parse::<i64>() {
        Ok(n) if (1..=3650).contains(&n) => Ok(n),
        _ => {
            Err(dialsim::Error::Request(format!("--every {text}: whole days from 1 to 3650, as 30d or 30").into())
                .into())
        }
    }
}

/// `--campaigns N`: N campaigns against one registry ([`dialsim::jobs::run_series`]), each a run folder
/// DIR/campaign-NN, and DIR/series.csv, printed on stdout.
fn series(args: &SimulateArgs, n: u32) -> Result<i32> {
    let Some(dir) = &args.out else { anyhow::bail!(dialsim::Error::Request("--campaigns needs --out".into())) };
    let every = every_days(&args.every)?;
    let source = ScenarioSource::named(args.scenario.as_deref());
    let job = dialsim::jobs::SeriesJob {
        source: &source,
        set: &args.set,
        registry: args.registry.as_deref(),
        dir,
        campaigns: n,
        every_days: every,
        seed: super::generate::seed_or_fresh(args.seed),
        plot: args.plot,
        key: args.key.as_deref(),
    };
    let mut registry = String::new();
    let series = dialsim::jobs::run_series(&job, &mut super::generate::print_note, &mut |row| {
        registry.clone_from(&row.registry);
        note_write_back(&row.registry, &row.written_back);
        let sub = dir.join(format!("campaign-{:02}", row.campaign));
        note!("dialsim: wrote campaign {} (from {}) to {}", row.campaign, row.start_date, sub.display());
    })?;
    print(|out| out.write_all(series.csv.as_bytes()))?;
    note!(
        "dialsim: {n} campaigns {every} days apart against {registry}: series.csv and campaign-01 … in {}",
        dir.display()
    );
    Ok(0)
}

pub fn run(args: SimulateArgs) -> Result<i32> {
    // `-o -` is refused by the jobs (SimulateJob::prepare, run_series): a folder cannot go to stdout.
    if let Some(n) = args.campaigns {
        return series(&args, n);
    }
    if let Some(k) = &args.ci_for {
        check_kpi(k)?;
    }
    // The report is checked by the job (SimulateJob::prepare), `-` included.
    let source = ScenarioSource::named(args.scenario.as_deref());
    let until = args.ci_half_width.zip(args.ci_for.clone()).map(|(half_width, kpi)| Until {
        kpi,
        half_width,
        max: args.max_replications,
    });
    let job = SimulateJob {
        source: &source,
        set: &args.set,
        replications: args.replications,
        until,
        out: args.out.as_deref(),
        plot: args.plot,
        key: args.key.as_deref(),
        registry: args.registry.as_deref(),
        report: args.report.as_deref(),
        seed: args.seed,
        threads: args.threads,
        limits: args.limits.limits(),
        verbose: super::verbose(),
    };
    // Sized up front and refused before the run when it cannot fit (the temporary folder goes with the refusal).
    let mut simulation = job.prepare(&mut super::generate::print_note)?;
    simulation.name_report_params(super::flag_text);
    // A single run has no bar; replications move it one step each.
    let done = if simulation.is_single() {
        simulation.run(&dialsim::jobs::no_progress)?
    } else {
        with_progress(u64::from(args.replications), |progress| simulation.run(progress))?
    };
    match &done {
        SimulateDone::Run { files, written_back, .. } => {
            if let Some((location, w)) = written_back {
                note_write_back(location, w);
            }
            if let Some(dir) = &args.out {
                note_wrote(files, dir);
            }
            print(|out| done.write_to(out, args.json))?;
            done.notes().into_iter().for_each(super::generate::print_note);
            if args.out.is_none() {
                note!("dialsim: add --out DIR to keep the run's records (calls, suppression, consents, names)")
            }
        }
        SimulateDone::Replications { files, .. } => {
            print(|out| done.write_to(out, args.json))?;
            done.notes().into_iter().for_each(super::generate::print_note);
            if let Some(dir) = &args.out {
                note_wrote(files, dir);
            }
        }
    }
    if let Some(p) = &args.report {
        note!("dialsim: wrote {}", p.display());
    }
    Ok(0)
}
