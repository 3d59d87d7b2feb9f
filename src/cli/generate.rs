//! `dialsim generate`.

use std::io::Write;
use std::path::PathBuf;

use super::input_args::{self, InputArgs};
use anyhow::Result;
use clap::Args;
use dialsim::exclude::Source;
use dialsim::{
    CallList, Exclusions, KnownFilter, ListFormat, ListRequest, NumberSpace, NumberType, Plan, Selection, Shard,
    SuppressionList,
};

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Numbering plan: an embedded name (cz, sk, de, gb, us) or a plan CSV file.
    #[arg(long, default_value = "cz")]
    plan: String,
    /// Number types to draw (libphonenumber names) [default: mobile,fixedLine,fixedLineOrMobile].
    #[arg(long = "type", value_delimiter = ',', value_parser = parse_type)]
    types: Vec<NumberType>,
    /// National prefixes to keep, e.g. 2,60 (default: all).
    #[arg(long = "prefix", value_delimiter = ',')]
    prefixes: Vec<String>,
    /// National number lengths to keep, e.g. 10,11 (default: all).
    #[arg(long = "length", value_delimiter = ',')]
    lengths: Vec<u8>,
    /// How many numbers: a count, or `all` for the whole space.
    #[arg(short = 'n', value_name = "N|all")]
    count: String,
    /// Seed; when absent a fresh one is drawn and printed to stderr.
    #[arg(long)]
    seed: Option<u64>,
    /// Output format [default: txt when -o ends in .txt, else csv].
    #[arg(long, value_parser = parse_format)]
    format: Option<ListFormat>,
    /// Output file (written to a temporary name and renamed when complete); default stdout.
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
    #[command(flatten)]
    input: InputArgs,
}

fn parse_type(s: &str) -> Result<NumberType, String> {
    s.trim().parse()
}
fn parse_format(s: &str) -> Result<ListFormat, String> {
    s.parse()
}
fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
}

/// The seed to use: the given one, or a fresh one announced on stderr so the run can be repeated.
pub(crate) fn seed_or_fresh(seed: Option<u64>) -> u64 {
    seed.unwrap_or_else(|| {
        let seed = rand::random::<u64>() >> 11; // short enough to type
        eprintln!("dialsim: seed {seed} (repeat this run with --seed {seed})");
        seed
    })
}

pub fn run(args: GenerateArgs) -> Result<i32> {
    let plan = Plan::resolve(&args.plan)?;
    let selection = Selection {
        types: if args.types.is_empty() { NumberType::ANSWERED.to_vec() } else { args.types },
        prefixes: args.prefixes.iter().map(|p| p.trim().to_string()).collect(),
        lengths: args.lengths,
    };
    let space = NumberSpace::new(&plan, &selection)?;
    let count = match args.count.trim() {
        "all" => None,
        s => Some(
            s.parse::<u64>()
                .map_err(|_| dialsim::Error::Invalid(format!("-n '{s}' must be a whole number or 'all'")))?,
        ),
    };
    let format = args.format.unwrap_or(match &args.output {
        Some(p) if p.extension().is_some_and(|e| e == "txt") => ListFormat::Txt,
        _ => ListFormat::Csv,
    });
    let threads = super::threads(args.threads);
    let request = ListRequest { start: args.start, count, shard: args.shard.unwrap_or(Shard::WHOLE), format, threads };
    let exclusions = load_exclusions(&plan, &args.exclude, &args.suppress, &args.input)?;
    let seed = seed_or_fresh(args.seed);
    let list = CallList::new(space, seed);

    let total = count.unwrap_or(list.space().len() - args.start.min(list.space().len())) / request.shard.count;
    let bar = super::progress_bar(total, total >= 5_000_000);
    let mut progress = |done: u64| {
        if let Some(b) = &bar {
            b.set_position(done);
        }
    };
    let summary = match &args.output {
        Some(path) => {
            let mut file = dialsim::AtomicFile::create_direct(path)?;
            let summary = list.write(&request, &exclusions, &mut file, &mut progress).map_err(|e| match e {
                dialsim::Error::Output(io) => dialsim::Error::io(path, io),
                other => other,
            })?;
            file.commit()?;
            summary
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
            let summary = list.write(&request, &exclusions, &mut out, &mut progress)?;
            out.flush().map_err(dialsim::Error::Output)?;
            summary
        }
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(path) = &args.output {
        eprintln!("dialsim: wrote {} numbers to {}", summary.written, path.display());
    }
    if !exclusions.is_empty() {
        let parts: Vec<String> =
            exclusions.names().iter().zip(&summary.excluded).map(|(name, n)| format!("{name} {n}")).collect();
        eprintln!(
            "dialsim: excluded {} of {} numbers drawn: {}",
            summary.excluded.iter().sum::<u64>(),
            summary.scanned,
            parts.join(", ")
        );
        if let Some(last) = summary.last_index {
            eprintln!("dialsim: last index {last} (continue with --start {})", last + 1);
        }
    }
    if summary.exhausted() {
        eprintln!(
            "dialsim: the number space ran out: wrote {} of {} numbers requested",
            summary.written, summary.requested
        );
        return Ok(super::EXIT_INCOMPLETE);
    }
    Ok(0)
}

/// Loads the filters and suppression lists named on the command line, reporting on stderr how each list was
/// read and what it held.
pub(crate) fn load_exclusions(
    plan: &Plan,
    filters: &[PathBuf],
    lists: &[String],
    input: &InputArgs,
) -> Result<Exclusions> {
    let mut exclusions = Exclusions::new();
    for path in filters {
        let filter = KnownFilter::load(path)?;
        exclusions.push(path.display().to_string(), Source::Filter(filter));
    }
    if lists.iter().filter(|l| *l == "-").count() > 1 {
        anyhow::bail!(dialsim::Error::Invalid("stdin (-) can be read only once".into()));
    }
    let options = input.options(plan)?;
    for path in lists {
        let list = SuppressionList::load(path, &options).map_err(input_args::with_flags)?;
        input_args::report(list.read_report(), Some(list.len()));
        exclusions.push(path.clone(), Source::Suppression(list));
    }
    Ok(exclusions)
}
