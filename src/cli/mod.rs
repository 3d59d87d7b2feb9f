//! Command-line front end. Raw clap flags are turned into the library's plain config types here; clap types
//! never enter the library.
//!
//! Exit codes: 0 success (also when the output pipe closes early), 1 error, 2 bad usage (also an output that
//! is refused: a special file, an input, a foreign folder), 3 incomplete result (e.g. the number space ran out
//! before `-n` numbers passed the exclusions), 4 the audit found violations, 128 + N ended by signal N
//! (130 SIGINT, 143 SIGTERM) after removing the temporary files.

/// `println!` that reports a closed pipe as an error (ending the command quietly) instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*).map_err(dialsim::Error::Output)?
    }};
}

mod audit;
mod bench;
mod compare;
mod filter;
mod generate;
mod input_args;
mod plan;
mod report;
mod scrub;
mod simulate;
mod sweep;

use clap::{Parser, Subcommand};

/// Exit code for a result that is valid but short of what was asked.
pub const EXIT_INCOMPLETE: i32 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "dialsim",
    version,
    about = "Random number dialer simulator: GDPR-minded random call lists, exclusion of known databases, campaign simulation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate a random call list over a numbering plan (random order, no repeats, reproducible).
    Generate(generate::GenerateArgs),
    /// Build, inspect and query Bloom filters of known databases.
    #[command(subcommand)]
    Filter(filter::FilterCommand),
    /// Re-check an existing call list against today's exclusion sources (order and index kept).
    Scrub(scrub::ScrubArgs),
    /// Simulate a calling campaign (the embedded default: a Czech cold-calling day).
    Simulate(simulate::SimulateArgs),
    /// Run a scenario over a grid of parameter values (sweep.csv with CIs; `sweep merge` joins shards).
    Sweep(sweep::SweepArgs),
    /// Compare two scenarios with paired replications (common random numbers).
    Compare(compare::CompareArgs),
    /// Write one self-contained HTML report of run, sweep and comparison outputs.
    Report(report::ReportArgs),
    /// Re-check a simulated run from its output files; exits 4 when it finds violations.
    Audit(audit::AuditArgs),
    /// List or show numbering plans.
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// Measure throughput on this machine (about 10 s).
    Bench(bench::BenchArgs),
}

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    // Before any output exists: an interrupted command removes its temporary files and folders.
    if let Err(e) = dialsim::output::remove_temporaries_on_signals() {
        eprintln!("dialsim: warning: cannot watch for SIGINT/SIGTERM ({e}); an interrupted run may leave .tmp files");
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Generate(args) => generate::run(args),
        Command::Plan(cmd) => plan::run(cmd),
        Command::Filter(cmd) => filter::run(cmd),
        Command::Scrub(args) => scrub::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Report(args) => report::run(args),
        Command::Bench(args) => bench::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if let Some(lib) = e.downcast_ref::<dialsim::Error>() {
                if lib.is_broken_pipe() {
                    return 0;
                }
                if matches!(lib, dialsim::Error::Usage(_)) {
                    eprintln!("dialsim: error: {lib}");
                    return 2;
                }
            }
            eprintln!("dialsim: error: {}", message(&e));
            1
        }
    }
}

/// The thread count: the one asked for, else every core (at least 1).
pub(crate) fn threads(asked: Option<usize>) -> Result<usize, dialsim::Error> {
    match asked {
        None => Ok(dialsim::limits::cores()),
        Some(n) => dialsim::limits::check_threads(n).map_err(|e| dialsim::Error::Usage(format!("--threads: {e}"))),
    }
}

/// A progress bar on stderr, only when stderr is a terminal and the work is long.
pub(crate) fn progress_bar(total: u64, long: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !long || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {human_pos}/{human_len} {per_sec} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// An error and its causes, each cause once: the library's messages already end with their cause's text.
fn message(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}
