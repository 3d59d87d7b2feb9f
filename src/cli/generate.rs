//! `dialsim generate`.

use std::path::PathBuf;

use super::input_args::InputArgs;

mod mw;
use anyhow::Result;
use clap::Args;
use dialsim::jobs::{ListDesign, ListJob, ListOrigin, NewList, Note, Weight};
use dialsim::jobs::{ListFormat, NumberType, Selection, Shard};

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Numbering plan: an embedded name (cz, sk, de, gb, us) or a plan CSV file.
    #[arg(long, default_value = "cz")]
    plan: String,
    /// Number types to draw (libphonenumber names) [default: mobile,fixedLine,fixedLineOrMobile].
    #[arg(long = "type", value_delimiter = ',', value_parser = parse_type)]
    types: Vec<NumberType>,
    /// A stratified list: number types with their shares, e.g. mobile=0.7,fixedLine=0.3 (shares adding up to 1;
    /// replaces --type). Every block of consecutive positions holds each type's exact share, in random order.
    #[arg(long, value_name = "TYPE=SHARE,...", value_parser = parse_mix_arg, conflicts_with = "types")]
    mix: Option<MixArg>,
    /// National prefixes to keep, e.g. 2,60 (default: all).
    #[arg(long = "prefix", value_delimiter = ',')]
    prefixes: Vec<String>,
    /// National number lengths to keep, e.g. 10,11 (default: all).
    #[arg(long = "length", value_delimiter = ',')]
    lengths: Vec<u8>,
    /// Continue the list LIST where it stopped, in the same order: plan rows, selection, seed, shard and format
    /// come from LIST.manifest.json, and LIST is first read back against it (its bytes, and every number on the
    /// recorded order up to the recorded last position); -n says how many more positions. Exclusion sources are today's: those given,
    /// else the ones the manifest records (re-read now; changes are reported).
    #[arg(long = "continue", value_name = "LIST", conflicts_with_all = ["plan", "types", "mix", "prefixes", "lengths", "seed", "start", "shard", "format", "list_id"])]
    continue_from: Option<PathBuf>,
    /// Continue a list whose manifest predates the binding of lists to their bytes (it records no SHA-256 of
    /// the list): the list's numbers are still checked against the recorded order.
    #[arg(long, requires = "continue_from")]
    accept_unbound_list: bool,
    /// Write the list's manifest (plan, selection, seed, shard, sources) here [default: OUTPUT.manifest.json
    /// beside -o; none when the list goes to stdout].
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// How many numbers: a count, or `all` for the whole space.
    #[arg(short = 'n', value_name = "N|all")]
    count: String,
    /// Seed; when absent a fresh one is drawn and printed to stderr.
    #[arg(long)]
    seed: Option<u64>,
    /// Output format: csv (number,type,region,index), txt (one E.164 number a line), vicidial (VICIdial's
    /// standard lead file: tab-separated, no header; needs --list-id) or dialer-csv (country_code,
    /// national_number,e164,type,region,time_zone) [default: txt when -o ends in .txt, else csv].
    #[arg(long, value_parser = parse_format)]
    format: Option<FormatArg>,
    /// VICIdial list id for --format vicidial (required: VICIdial's default list 999 is its reserved list of
    /// inactive inbound leads, never dialled). Create the list in VICIdial first.
    #[arg(long, value_name = "N")]
    list_id: Option<u64>,
    /// Output file (written to a temporary name and renamed when complete; owner-only, 0600); `-` or none:
    /// stdout.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// First list position (resume from the last index + 1).
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// Emit only shard K of N (1-based): positions p with p mod N = K-1.
    #[arg(long, value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Worker threads [default: all cores]; the output does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Bloom filter of known databases (from `dialsim filter build`); repeatable. Known numbers are skipped.
    #[arg(long = "exclude", value_name = "FILE.bloom")]
    exclude: Vec<PathBuf>,
    /// Exact suppression list, a CSV of numbers (objectors, a do-not-call register); repeatable.
    #[arg(long = "suppress", value_name = "FILE.csv")]
    suppress: Vec<String>,
    /// A registry (an SQLite file or a postgres:// URL; `dialsim registry init`): its suppressed numbers are excluded too, and the list written is
    /// recorded in it (by its manifest)
    #[arg(long, value_name = "PATH|URL")]
    registry: Option<String>,
    /// Issue the list exclusively: its numbers are held in the registry, never put on another list, until
    /// `registry close LIST.manifest.json`; refused (nothing written) if another process took one of them
    /// meanwhile
    #[arg(long, requires_all = ["registry", "output"])]
    exclusive: bool,
    /// Sampling design: uniform (every number of the selection equally likely), list-assisted
    /// (Casady–Lepkowski: banks of --bank numbers holding at least --min-listed numbers of the --known
    /// databases, the zero banks at --zero-banks times their rate) or mitofsky-waksberg (two stages: one
    /// primary number per bank of 100 drawn; with --primaries, the further numbers of the banks whose primary
    /// was eligible); see docs/sampling.md.
    #[arg(long, value_enum, default_value = "uniform", conflicts_with = "mix")]
    design: DesignArg,
    /// A known database giving the banks' density for --design list-assisted (a CSV of numbers, read as
    /// --suppress lists are; repeatable). Its numbers are excluded from the list too.
    #[arg(long = "known", value_name = "FILE.csv")]
    known: Vec<String>,
    /// Numbers per bank for --design list-assisted: 100 or 1000.
    #[arg(long, default_value_t = 100)]
    bank: u64,
    /// Known numbers a bank needs to count as listed (--design list-assisted).
    #[arg(long, default_value_t = 1)]
    min_listed: u32,
    /// The zero banks' sampling rate relative to the listed banks' (--design list-assisted): 0 leaves them
    /// out, 1 samples every number alike.
    #[arg(long, default_value_t = 0.0)]
    zero_banks: f64,
    /// Mitofsky–Waksberg stage 2: the stage-1 list (CSV, with its manifest beside it); plan, selection and
    /// seed come from its manifest.
    #[arg(long, value_name = "LIST.csv", conflicts_with_all = ["plan", "types", "prefixes", "lengths", "seed", "start", "shard", "continue_from", "known"])]
    primaries: Option<PathBuf>,
    /// Mitofsky–Waksberg stage 2: a CSV of the primary numbers found eligible (column `number`, else the
    /// first); repeatable.
    #[arg(long, value_name = "FILE.csv", requires = "primaries")]
    eligible: Vec<PathBuf>,
    /// Mitofsky–Waksberg stage 2: a simulate run's calls.csv from dialling the stage-1 list; a primary is
    /// eligible when a call to it did not end not_in_service (a working number); repeatable.
    #[arg(long = "calls", value_name = "calls.csv", requires = "primaries")]
    calls: Vec<PathBuf>,
    /// Mitofsky–Waksberg: eligible numbers wanted per retained bank, its primary included.
    #[arg(short = 'k', long = "cluster", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    cluster: u32,
    /// Mitofsky–Waksberg stage 2: further numbers listed per retained bank, in rank order [default: all 99].
    #[arg(long, value_name = "N")]
    per_bank: Option<u64>,
    #[command(flatten)]
    input: InputArgs,
}

/// `--design`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum DesignArg {
    Uniform,
    ListAssisted,
    MitofskyWaksberg,
}

fn parse_type(s: &str) -> Result<NumberType, String> {
    s.trim().parse()
}
/// `--mix`: one value holding every type's share.
#[derive(Clone, Debug)]
struct MixArg(Vec<(NumberType, f64)>);

fn parse_mix_arg(s: &str) -> Result<MixArg, String> {
    dialsim::jobs::parse_mix(s).map(MixArg)
}
/// `--format`: a list format, or `vicidial` waiting for its `--list-id`.
#[derive(Clone, Copy, Debug)]
enum FormatArg {
    Given(ListFormat),
    Vicidial,
}

fn parse_format(s: &str) -> Result<FormatArg, String> {
    if s == "vicidial" { Ok(FormatArg::Vicidial) } else { s.parse().map(FormatArg::Given) }
}
fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
}

/// The seed to use: the given one, or a fresh one announced on stderr so the run can be repeated.
pub(crate) fn seed_or_fresh(seed: Option<u64>) -> u64 {
    dialsim::jobs::seed_or_fresh(seed, &mut print_note)
}

/// Shows a job's note on stderr: its lines prefixed by their weight, hidden under `-q` but for alerts.
pub(crate) fn print_note(note: Note<'_>) {
    if let Note::Refused(e) = &note {
        eprintln!("dialsim: error: {}", dialsim::jobs::printable(&super::error_text(e)));
    }
    for (weight, line) in note.lines() {
        let text = super::flagged(&line);
        match weight {
            Weight::Detail => note!("{text}"),
            Weight::Remark => note!("dialsim: note: {text}"),
            Weight::Warning => note!("dialsim: warning: {text}"),
            Weight::Alert => eprintln!("dialsim: warning: {}", dialsim::jobs::printable(&text)),
            _ => note!("dialsim: {text}"),
        }
    }
}

/// The job `generate`'s flags ask for (stage 1 or a single-stage list).
fn job(args: &GenerateArgs) -> Result<ListJob> {
    let count = parse_count(&args.count)?;
    let threads = super::threads(args.threads)?;
    let bad = |m: &str| -> Result<ListJob> { Err(dialsim::Error::Request(m.into()).into()) };
    if args.design == DesignArg::MitofskyWaksberg && !args.known.is_empty() {
        return bad("--known goes with --design list-assisted: Mitofsky–Waksberg learns which banks work by dialling");
    }
    if args.design == DesignArg::MitofskyWaksberg && args.continue_from.is_some() {
        return bad(
            "a Mitofsky–Waksberg list is continued with --start and the same --design and --seed, not --continue",
        );
    }
    if args.design == DesignArg::Uniform && !args.known.is_empty() {
        return bad("--known goes with --design list-assisted");
    }
    if args.design == DesignArg::ListAssisted && args.continue_from.is_some() {
        return bad(
            "a list-assisted list is continued with --start and the same --design, --known and --seed, not --continue",
        );
    }
    let origin = match &args.continue_from {
        Some(list) => ListOrigin::Continue { list: list.clone(), accept_unbound: args.accept_unbound_list },
        None => {
            let format = match (args.format, args.list_id) {
                (Some(FormatArg::Vicidial | FormatArg::Given(ListFormat::Vicidial { .. })), Some(list_id)) => {
                    Some(ListFormat::Vicidial { list_id })
                }
                (Some(FormatArg::Vicidial), None) => {
                    return bad("--format vicidial needs --list-id N, the id of a list made in VICIdial for this \
                         campaign (VICIdial's default list 999 is its reserved list of inactive inbound leads, never \
                         dialled)");
                }
                (_, Some(_)) => return bad("--list-id goes with --format vicidial"),
                (Some(FormatArg::Given(format)), None) => Some(format),
                (None, None) => None,
            };
            ListOrigin::New(NewList {
                plan: args.plan.clone(),
                selection: Selection {
                    types: args.types.clone(),
                    prefixes: args.prefixes.clone(),
                    lengths: args.lengths.clone(),
                },
                mix: args.mix.as_ref().map(|m| m.0.clone()),
                design: match args.design {
                    DesignArg::Uniform => ListDesign::Uniform,
                    DesignArg::MitofskyWaksberg => ListDesign::MitofskyWaksberg,
                    DesignArg::ListAssisted => ListDesign::ListAssisted {
                        known: args.known.clone(),
                        bank: args.bank,
                        min_listed: args.min_listed,
                        zero_banks: args.zero_banks,
                    },
                },
                seed: args.seed,
                start: args.start,
                shard: args.shard.unwrap_or(Shard::WHOLE),
                format,
            })
        }
    };
    Ok(ListJob {
        origin,
        count,
        output: args.output.clone(),
        manifest: args.manifest.clone(),
        threads,
        exclude: args.exclude.clone(),
        suppress: args.suppress.clone(),
        reading: args.input.reading(),
        registry: args.registry.clone(),
        exclusive: args.exclusive,
    })
}

/// `-n`: a count, or `all` (none).
fn parse_count(text: &str) -> Result<Option<u64>> {
    match text.trim() {
        "all" => Ok(None),
        s => Ok(Some(
            s.parse::<u64>()
                .map_err(|_| dialsim::Error::Request(format!("-n '{s}' must be a whole number or 'all'").into()))?,
        )),
    }
}

pub fn run(mut args: GenerateArgs) -> Result<i32> {
    args.output = args.output.filter(|p| !dialsim::jobs::is_stdout(p));
    if args.primaries.is_some() {
        return mw::second_stage(&args);
    }
    let job = job(&args)?;
    let mut bar = None;
    let done = job.run(&mut |note| match note {
        Note::Started { total } => {
            bar = super::progress_bar_with(
                total,
                total >= 5_000_000,
                "generating {bar:40} {human_pos}/{human_len} numbers, {per_sec:0} eta {eta}",
            )
        }
        Note::Progress(done) => {
            if let Some(b) = &bar {
                b.set_position(done);
            }
        }
        other => print_note(other),
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let summary = &done.summary;
    if let Some(path) = &done.output {
        note!("dialsim: wrote {} numbers to {}", summary.written, path.display());
    }
    if !done.sources.is_empty() {
        let parts: Vec<String> =
            done.sources.iter().zip(&summary.excluded).map(|(name, n)| format!("{name} {n}")).collect();
        note!(
            "dialsim: excluded {} of {} numbers drawn: {}",
            summary.excluded.iter().sum::<u64>(),
            summary.scanned,
            parts.join(", ")
        );
        if let Some(last) = summary.last_index {
            note!("dialsim: last index {last} (continue with --start {})", last + 1);
        }
    }
    if summary.exhausted() {
        note!(
            "dialsim: the number space ran out: wrote {} of {} numbers requested",
            summary.written,
            summary.requested
        );
        return Ok(super::EXIT_INCOMPLETE);
    }
    Ok(0)
}
