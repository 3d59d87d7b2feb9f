//! Command-line front end. Raw clap flags are turned into the library's plain config types here; clap types
//! never enter the library.
//!
//! Exit codes, one table for every command ([`EXIT_CODES`], shown by `dialsim --help` and every man page): 0
//! success (also when the output pipe closes early), 1 error, 2 bad usage (also an output that is refused: a
//! special file, an input, a foreign folder; a scenario key or value typed in `--set`, `--vary`), 3 incomplete
//! result (e.g. the number space ran out before `-n` numbers passed the exclusions), 4 the audit found
//! violations, 128 + N ended by signal N (130 SIGINT, 143 SIGTERM) after removing the temporary files.

/// `println!` that reports a closed pipe as an error (ending the command quietly) instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*).map_err(dialsim::Error::Output)?
    }};
}

/// `eprintln!` for messages that are not errors: silent under `-q/--quiet`.
macro_rules! note {
    ($($arg:tt)*) => {{
        if !crate::cli::quiet() {
            eprintln!("{}", dialsim::jobs::printable(&format!($($arg)*)))
        }
    }};
}

mod audit;
mod bench;
mod calibrate;
mod compare;
mod completion;
mod docs;
mod filter;
mod frontier;
mod generate;
mod grid_args;
mod input_args;
mod keys;
mod law;
mod plan;
mod registry;
mod report;
mod scrub;
mod simulate;
mod sweep;

use std::sync::atomic::{AtomicU8, Ordering};

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// How much goes to stderr besides errors: 0 quiet, 1 normal, 2 verbose.
static VERBOSITY: AtomicU8 = AtomicU8::new(1);

/// True under `-q/--quiet`: no stderr messages but errors.
pub(crate) fn quiet() -> bool {
    VERBOSITY.load(Ordering::Relaxed) == 0
}

/// True under `-v/--verbose`.
/// This process's peak resident memory since it started its program, in KiB: `VmHWM` of /proc/self/status
/// (Linux), which, unlike `getrusage`'s `ru_maxrss`, does not count the memory of the process it was forked
/// from before `exec`.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub(crate) fn verbose() -> bool {
    VERBOSITY.load(Ordering::Relaxed) >= 2
}

/// Exit code for a result that is valid but short of what was asked.
pub const EXIT_INCOMPLETE: i32 = 3;

/// The exit codes every command shares: code, meaning.
pub(crate) const EXIT_CODES: [(&str, &str); 6] = [
    ("0", "success (also when the output pipe closes early)"),
    (
        "1",
        "error: an input that cannot be read or is malformed (named with its line), a request the data cannot \
         meet, a failed write",
    ),
    (
        "2",
        "bad usage: a flag value or an output that cannot be used, a scenario key or value given by --set or \
         --vary",
    ),
    ("3", "incomplete: the number space ran out before -n numbers passed the exclusions"),
    ("4", "the audit found violations"),
    ("128+N", "ended by signal N (130 SIGINT, 143 SIGTERM) after removing the temporary files"),
];

/// The environment variables dialsim reads: name, effect.
pub(crate) const ENVIRONMENT: [(&str, &str); 4] = [
    ("NO_COLOR", "set to anything but the empty string: no colours in help and error messages"),
    (
        "DIALSIM_CACHE_DIR",
        "where the exclusion filter of a PostgreSQL registry is cached (generate/scrub --registry postgres://…); \
         default $XDG_CACHE_HOME/dialsim, else ~/.cache/dialsim. An SQLite registry's sits beside its file",
    ),
    ("XDG_CACHE_HOME", "the cache folder's parent when DIALSIM_CACHE_DIR is not set (see DIALSIM_CACHE_DIR)"),
    (
        "SOURCE_DATE_EPOCH",
        "seconds since 1970-01-01 UTC: the creation time written into a Bloom filter file (filter build), for \
         reproducible filter files",
    ),
];

/// The exit-code table as the top-level help shows it.
fn exit_codes_help() -> String {
    let mut text = String::from("Exit codes (every command):\n");
    for (code, meaning) in EXIT_CODES {
        text.push_str(&format!("  {code:<6} {meaning}\n"));
    }
    let names: Vec<&str> = ENVIRONMENT.iter().map(|(name, _)| *name).collect();
    text.push_str(&format!("\nEnvironment: {} (see dialsim man).", names.join(", ")));
    text
}

#[derive(Parser, Debug)]
#[command(
    name = "dialsim",
    version,
    about = "Random number dialer simulator: GDPR-minded random call lists, exclusion of known databases, campaign simulation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// No messages on stderr but errors (no progress bars, no seed or file notes).
    #[arg(short = 'q', long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// More on stderr: the time each command took, and what it read.
    #[arg(short = 'v', long, global = true)]
    verbose: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate a random call list over a numbering plan (random order, no repeats, reproducible).
    #[command(after_help = "Examples:
  dialsim generate --plan cz -n 1000000 --seed 7 -o list.csv
  dialsim generate --type mobile --prefix 60,72 -n 5000 --seed 7 --format txt
  dialsim generate --plan gb -n 5000 --seed 7 --format vicidial --list-id 1001 -o leads.txt")]
    Generate(generate::GenerateArgs),
    /// Build, inspect and query Bloom filters of known databases.
    #[command(
        subcommand,
        after_help = "Examples:
  dialsim filter build -o known.bloom crm-export.csv old-campaign.csv
  dialsim filter info known.bloom --json
  dialsim filter check known.bloom +420601123456"
    )]
    Filter(filter::FilterCommand),
    /// Re-check an existing call list against today's exclusion sources (order and index kept).
    #[command(after_help = "Examples:
  dialsim scrub list.csv --suppress dnc-today.csv --exclude known.bloom -o list-today.csv
  dialsim generate -n 1000 --seed 7 | dialsim scrub - --suppress dnc.csv -o -")]
    Scrub(scrub::ScrubArgs),
    /// Simulate a calling campaign (the embedded default: a Czech random-digit survey day).
    #[command(after_help = "Examples:
  dialsim simulate --seed 7 -o run1
  dialsim simulate data/scenarios/erlang-c.toml --seed 1 --set dialer.agents=12
  dialsim simulate --replications 100 --seed 1 --json | jq .abandon_rate

KPIs (for --for): dialsim keys --kpi. Scenario keys for --set, with their defaults: dialsim keys --set.")]
    Simulate(simulate::SimulateArgs),
    /// The registry kept across campaigns: objections, consents, withdrawals, bases, registers (SQLite).
    #[command(after_help = "Examples:
  dialsim registry init
  dialsim registry import data/known/customers.csv --kind known
  dialsim registry import tps.csv --kind register --name tps --date 2026-01-01 --plan gb
  dialsim simulate --seed 1 -o run1 --registry dialsim.registry.sqlite
  dialsim registry access +420601123456")]
    Registry(registry::RegistryArgs),
    /// Run a scenario over a grid of parameter values (sweep.csv with CIs; `sweep merge` joins shards).
    #[command(after_help = "Examples:
  dialsim sweep default --vary dialer.agents=10..30:10 --replications 20 --seed 1 -o sweep --plot
  dialsim sweep default --vary dialer.drop_target=0.01..0.03:0.01 --vary dialer.mode=progressive,predictive -o s
  dialsim sweep merge part1/sweep.csv part2/sweep.csv -o sweep.csv

KPIs (for --kpi): dialsim keys --kpi. Scenario keys for --vary and --set: dialsim keys --set.")]
    Sweep(sweep::SweepArgs),
    /// The efficiency frontier: every pacer × agent count × drop target (frontier.csv with CIs, a chart).
    #[command(after_help = "Examples:
  dialsim frontier default --agents 10,20,50 --targets 0.01,0.02,0.03,0.05 --replications 20 --seed 1 -o fr --plot
  dialsim frontier default --agents 20 --targets 0.01,0.03 --pacers model,adaptive-hard-limit -o fr --report fr.html
  dialsim frontier default --agents 20,50 --targets 0.03 --shard 1/2 --seed 1 -o part1
  dialsim frontier merge part1/frontier.csv part2/frontier.csv -o frontier.csv

Scenario keys for --set: dialsim keys --set (the frontier sets dialer.mode, pacer, agents, drop_target).")]
    Frontier(frontier::FrontierArgs),
    /// Compare two scenarios with paired replications (common random numbers).
    #[command(after_help = "Examples:
  dialsim compare default default --set-b dialer.agents=25 --seed 1
  dialsim compare a.toml b.toml --replications 50 --seed 1 -o diff.csv
  dialsim compare default default --set-a dialer.mode=progressive --set-b dialer.mode=predictive --json

KPIs (the rows): dialsim keys --kpi. Scenario keys for --set, --set-a, --set-b: dialsim keys --set.")]
    Compare(compare::CompareArgs),
    /// Write one self-contained HTML report of run, sweep and comparison outputs.
    Report(report::ReportArgs),
    /// Re-check a simulated run from its output files; exits 4 when it finds violations.
    #[command(after_help = "Examples:
  dialsim audit run
  dialsim audit run --suppress data/known/objectors.csv
  dialsim audit run --json > audit.json")]
    Audit(audit::AuditArgs),
    /// Fit a scenario to a dialer's call log (dialsim calls.csv or a VICIdial log export), with intervals.
    #[command(after_help = "Examples:
  dialsim calibrate run/calls.csv -o my-campaign.toml
  dialsim calibrate vicidial_log.csv --plan gb -o uk.toml && dialsim simulate uk.toml")]
    Calibrate(calibrate::CalibrateArgs),
    /// List or show numbering plans.
    #[command(
        subcommand,
        after_help = "Examples:
  dialsim plan list
  dialsim plan show gb"
    )]
    Plan(plan::PlanCommand),
    /// Measure throughput on this machine (about 20 s; --seconds 0.5 for a quick look).
    #[command(after_help = "Examples:
  dialsim bench
  dialsim bench --seconds 0.5 --json")]
    Bench(bench::BenchArgs),
    /// The law by country: regimes, the one in force on a date, registers and the source of every rule.
    Law(law::LawArgs),
    /// List the KPI names and every scenario key (type, unit, range, allowed values, default, description), or a
    /// scenario's values.
    Keys(docs::KeysArgs),
    /// Print a shell completion script on stdout.
    Completions(docs::CompletionsArgs),
    /// Print the man page (roff) on stdout, or write one per command into a folder (--dir).
    Man(docs::ManArgs),
}

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    // Before any output exists: an interrupted command removes its temporary files and folders.
    if let Err(e) = dialsim::jobs::remove_temporaries_on_signals() {
        eprintln!("dialsim: warning: cannot watch for SIGINT/SIGTERM ({e}); an interrupted run may leave .tmp files");
    }
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    VERBOSITY.store(
        if cli.quiet {
            0
        } else if cli.verbose {
            2
        } else {
            1
        },
        Ordering::Relaxed,
    );
    let started = std::time::Instant::now();
    let result = match cli.command {
        Command::Generate(args) => generate::run(args),
        Command::Plan(cmd) => plan::run(cmd),
        Command::Filter(cmd) => filter::run(cmd),
        Command::Scrub(args) => scrub::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Registry(args) => registry::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Calibrate(args) => calibrate::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Frontier(args) => frontier::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Report(args) => report::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Law(args) => law::run(args),
        Command::Keys(args) => docs::keys(args),
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
    };
    if verbose() {
        match peak_memory_kib() {
            Some(kib) => eprintln!(
                "dialsim: done in {:.2} s, peak memory {:.1} MB",
                started.elapsed().as_secs_f64(),
                kib as f64 / 1024.0
            ),
            None => eprintln!("dialsim: done in {:.2} s", started.elapsed().as_secs_f64()),
        }
    }
    match result {
        Ok(code) => code,
        Err(e) => {
            if let Some(lib) = e.downcast_ref::<dialsim::Error>() {
                if lib.is_broken_pipe() {
                    return 0;
                }
                if lib.kind() == dialsim::ErrorKind::Request {
                    eprintln!("dialsim: error: {}", dialsim::jobs::printable(&error_text(lib)));
                    return 2;
                }
                // A key or value typed on the command line (`--set`) is bad usage, as it is through `--vary`.
                if matches!(lib, dialsim::Error::Scenario { origin: dialsim::Origin::Override { .. }, .. }) {
                    eprintln!("dialsim: error: {}", dialsim::jobs::printable(&message(&e)));
                    return 2;
                }
            }
            eprintln!("dialsim: error: {}", dialsim::jobs::printable(&message(&e)));
            1
        }
    }
}

/// The command line's definition: colours off when `NO_COLOR` is set (to anything but the empty string).
pub(crate) fn command() -> clap::Command {
    let cmd = Cli::command().after_help(exit_codes_help());
    if no_color() { cmd.color(clap::ColorChoice::Never) } else { cmd }
}

/// True when the `NO_COLOR` convention (<https://no-color.org>) asks for no colours.
pub(crate) fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn parse() -> Result<Cli, clap::Error> {
    let matches = command().try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// The thread count: the one asked for, else every core (at least 1).
pub(crate) fn threads(asked: Option<usize>) -> Result<usize, dialsim::Error> {
    dialsim::jobs::threads(asked)
}

/// A progress bar on stderr of runs (replications, sweep points), only when stderr is a terminal and the work
/// is long.
pub(crate) fn progress_bar(total: u64, long: bool) -> Option<indicatif::ProgressBar> {
    progress_bar_with(total, long, "{bar:40} {human_pos}/{human_len} runs, {per_sec:1} eta {eta}")
}

/// Progress shown by [`progress_bar`]'s rules in an indicatif `template`: say what is counted (numbers, bytes,
/// runs) and keep rates in human units.
pub(crate) fn progress_bar_with(total: u64, long: bool, template: &str) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !long || quiet() || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(template).unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// An error and its causes, each cause once: the library's messages already end with their cause's text.
fn message(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let cause = match cause.downcast_ref::<dialsim::Error>() {
            // The library names an override's origin; the binary names the flag that gives overrides.
            Some(dialsim::Error::Scenario { origin: dialsim::Origin::Override { text, .. }, message }) => {
                format!("--set {text}: {message}")
            }
            Some(lib) => error_text(lib),
            None => cause.to_string(),
        };
        if text.is_empty() {
            text = cause;
        } else if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// A library error as the command line shows it: the request parameters its message names written as their
/// flags.
pub(crate) fn error_text(e: &dialsim::Error) -> String {
    match e {
        dialsim::Error::Request(m) | dialsim::Error::Invalid(m) => flagged(m),
        // The position first, as the library shows it.
        dialsim::Error::Input { at, message } => format!("{at}: {}", flagged(message)),
        other => other.to_string(),
    }
}

/// A library message with the request parameters it names written as their flags (`--fp-rate`, `-o`).
pub(crate) fn flagged(message: &dialsim::Message) -> String {
    message.render(&flag_text)
}

/// A request parameter written as its flag, for the library to name parameters the command line's way (the
/// HTML report's text).
pub(crate) fn flag_text(param: dialsim::Param) -> String {
    flag(param).to_string()
}

/// The flag that gives a request parameter: the one place the command line spells the library's parameters.
/// The match has no catch-all arm (`Param` is not `#[non_exhaustive]` for this), so a parameter added to the
/// library without a flag here does not compile.
fn flag(param: dialsim::Param) -> &'static str {
    use dialsim::Param;
    match param {
        Param::Vary => "--vary",
        Param::Targets => "--targets",
        Param::Agents => "--agents",
        Param::Pacers => "--pacers",
        Param::Set => "--set",
        Param::FpRate => "--fp-rate",
        Param::Expected => "--expected",
        Param::SourceName => "--name",
        Param::MaxRejected => "--max-rejected",
        Param::Columns => "--column",
        Param::Delimiter => "--delimiter",
        Param::Header => "--header",
        Param::Country => "--country",
        Param::AllowOtherCountry => "--allow-other-country",
        Param::Replications => "--replications",
        Param::Report => "--report",
        Param::Kpis => "--kpi",
        Param::Design => "--design",
        Param::Known => "--known",
        Param::Bank => "--bank",
        Param::Mix => "--mix",
        Param::Start => "--start",
        Param::Shard => "--shard",
        Param::Exclude => "--exclude",
        Param::Suppress => "--suppress",
        Param::Registry => "--registry",
        Param::Exclusive => "--exclusive",
        Param::Manifest => "--manifest",
        Param::Out => "-o",
        Param::Json => "--json",
        Param::Plot => "--plot",
        Param::MaxMemory => "--max-memory",
        Param::MaxDisk => "--max-disk",
        Param::Threads => "--threads",
        Param::Eligible => "--eligible",
        Param::Calls => "--calls",
        Param::AcceptUnbound => "--accept-unbound-list",
        Param::FollowScenarioPaths => "--follow-scenario-paths",
        Param::Key => "--key",
        Param::WithoutManifest => "--no-manifest",
        Param::StrictBloom => "--strict-bloom",
        Param::Seed => "--seed",
    }
}
