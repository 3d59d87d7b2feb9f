//! `dialsim generate`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::input_args::{self, InputArgs};

mod mw;
use anyhow::Result;
use clap::Args;
use dialsim::{
    CallList, ListFormat, ListManifest, ListRequest, NumberSpace, NumberType, Plan, Selection, Shard, SourceRecord,
    exclude::Exclusions, manifest_path, source_changes,
};

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
    dialsim::parse_mix(s).map(MixArg)
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
    seed.unwrap_or_else(|| {
        let seed = rand::random::<u64>() >> 11; // short enough to type
        note!("dialsim: seed {seed} (repeat this run with --seed {seed})");
        seed
    })
}

pub fn run(mut args: GenerateArgs) -> Result<i32> {
    args.output = args.output.filter(|p| !dialsim::output::is_stdout(p));
    if args.primaries.is_some() {
        return mw::second_stage(&args);
    }
    // The manifest: beside a list file, or where --manifest says.
    let manifest_at = args.manifest.clone().or_else(|| args.output.as_deref().map(manifest_path));
    // Before any input is read: the list and its manifest must be replaceable, two files, and none of the
    // inputs (the manifest of the list continued is one).
    let previous_manifest = args.continue_from.as_deref().map(manifest_path);
    let mut inputs: Vec<&Path> = args.exclude.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.suppress.iter().map(Path::new));
    inputs.extend(args.known.iter().map(Path::new));
    if !Plan::embedded_names().any(|n| n.eq_ignore_ascii_case(&args.plan)) {
        inputs.push(Path::new(&args.plan));
    }
    inputs.extend(args.continue_from.as_deref());
    inputs.extend(previous_manifest.as_deref());
    let targets: Vec<&Path> = args.output.iter().chain(&manifest_at).map(PathBuf::as_path).collect();
    dialsim::output::check_outputs(&targets, &inputs)?;
    let count = match args.count.trim() {
        "all" => None,
        s => Some(
            s.parse::<u64>().map_err(|_| dialsim::Error::Usage(format!("-n '{s}' must be a whole number or 'all'")))?,
        ),
    };
    let threads = super::threads(args.threads)?;
    if args.design == DesignArg::MitofskyWaksberg && !args.known.is_empty() {
        anyhow::bail!(dialsim::Error::Usage(
            "--known goes with --design list-assisted: Mitofsky–Waksberg learns which banks work by dialling".into()
        ));
    }
    if args.design == DesignArg::MitofskyWaksberg && args.continue_from.is_some() {
        anyhow::bail!(dialsim::Error::Usage(
            "a Mitofsky–Waksberg list is continued with --start and the same --design and --seed, not --continue"
                .into()
        ));
    }
    if args.design == DesignArg::Uniform && !args.known.is_empty() {
        anyhow::bail!(dialsim::Error::Usage("--known goes with --design list-assisted".into()));
    }
    if args.design == DesignArg::ListAssisted && args.continue_from.is_some() {
        anyhow::bail!(dialsim::Error::Usage(
            "a list-assisted list is continued with --start and the same --design, --known and --seed, not --continue"
                .into()
        ));
    }
    if args.design == DesignArg::ListAssisted && args.known.is_empty() {
        anyhow::bail!(dialsim::Error::Usage(
            "--design list-assisted needs --known FILE.csv, a known database that gives the banks' density".into()
        ));
    }
    // The list and the request: from the command line, or rebuilt from the manifest of the list to continue.
    let (plan, selection, list, request, recorded) = match &args.continue_from {
        Some(previous) => {
            let path = manifest_path(previous);
            let (manifest, mut input) = read_pair(previous, &path)?;
            if manifest.generation.is_none() {
                anyhow::bail!(dialsim::Error::Usage(format!(
                    "{} does not record how the list was generated",
                    path.display()
                )));
            }
            if manifest.list.is_none() && !args.accept_unbound_list {
                anyhow::bail!(dialsim::Error::Usage(unbound(previous, &path, "continue")));
            }
            // The list file is read back against its manifest before anything is generated.
            let c = manifest.continuation(&path, previous, &mut input.file, count, threads)?;
            note!(
                "dialsim: continuing {} from position {} (seed {}, shard {})",
                previous.display(),
                c.request.start,
                c.generation.seed,
                c.generation.shard
            );
            (c.plan, c.selection, c.list, c.request, Some(c.generation.exclusions))
        }
        None => {
            let plan = Plan::resolve(&args.plan)?;
            let types = match &args.mix {
                Some(mix) => mix.0.iter().map(|(t, _)| *t).collect(),
                None if args.types.is_empty() => NumberType::ANSWERED.to_vec(),
                None => args.types.clone(),
            };
            let selection = Selection {
                types,
                prefixes: args.prefixes.iter().map(|p| p.trim().to_string()).collect(),
                lengths: args.lengths.clone(),
            };
            // The banks' density, from the known databases (list-assisted design only).
            let banks = match args.design {
                DesignArg::ListAssisted => Some(known_banks(&plan, &args.known, args.bank, &args.input)?),
                DesignArg::Uniform | DesignArg::MitofskyWaksberg => None,
            };
            // Checked before a seed is drawn (and announced): a selection or mix the plan cannot fill fails first.
            let list_of = |seed: u64| -> dialsim::Result<CallList> {
                match (&args.mix, &banks) {
                    (Some(mix), _) => CallList::mixed(&plan, &selection, &mix.0, seed),
                    (None, Some(banks)) => CallList::list_assisted(
                        NumberSpace::new(&plan, &selection)?,
                        banks,
                        args.min_listed,
                        args.zero_banks,
                        seed,
                    )
                    .map_err(|e| match e {
                        dialsim::Error::Usage(m) => dialsim::Error::Usage(format!("--design list-assisted: {m}")),
                        other => other,
                    }),
                    (None, None) if args.design == DesignArg::MitofskyWaksberg => {
                        CallList::mitofsky_waksberg(NumberSpace::new(&plan, &selection)?, seed)
                    }
                    (None, None) => Ok(CallList::new(NumberSpace::new(&plan, &selection)?, seed)),
                }
            };
            list_of(0)?;
            let format = match (
                args.format.unwrap_or(FormatArg::Given(match &args.output {
                    Some(p) if p.extension().is_some_and(|e| e == "txt") => ListFormat::Txt,
                    _ => ListFormat::Csv,
                })),
                args.list_id,
            ) {
                (FormatArg::Vicidial | FormatArg::Given(ListFormat::Vicidial { .. }), Some(list_id)) => {
                    ListFormat::Vicidial { list_id }
                }
                (FormatArg::Vicidial, None) => anyhow::bail!(dialsim::Error::Usage(
                    "--format vicidial needs --list-id N, the id of a list made in VICIdial for this campaign \
                     (VICIdial's default list 999 is its reserved list of inactive inbound leads, never dialled)"
                        .into()
                )),
                (_, Some(_)) => anyhow::bail!(dialsim::Error::Usage("--list-id goes with --format vicidial".into())),
                (FormatArg::Given(format), None) => format,
            };
            let request =
                ListRequest { start: args.start, count, shard: args.shard.unwrap_or(Shard::WHOLE), format, threads };
            let seed = seed_or_fresh(args.seed);
            let list = list_of(seed)?;
            (plan, selection, list, request, None)
        }
    };
    // Exclusion sources: those given; when continuing without any given, the ones the manifest records.
    let (filters, lists): (Vec<PathBuf>, Vec<String>) = match &recorded {
        Some(rec) if args.exclude.is_empty() && args.suppress.is_empty() => (
            rec.iter().filter(|r| r.kind == "filter").map(|r| PathBuf::from(&r.name)).collect(),
            rec.iter().filter(|r| r.kind == "suppression").map(|r| r.name.clone()).collect(),
        ),
        _ => {
            // The known databases of a list-assisted list are excluded too: they give density, never numbers.
            let mut lists = args.suppress.clone();
            lists.extend(args.known.iter().filter(|k| !args.suppress.contains(k)).cloned());
            (args.exclude.clone(), lists)
        }
    };
    let mut exclusions = load_exclusions(&plan, &filters, &lists, &args.input)?;
    let stamp = match &args.registry {
        Some(r) => Some(super::registry::exclude(r, &mut exclusions)?),
        None => None,
    };
    let total = count.unwrap_or(list.len() - request.start.min(list.len())) / request.shard.count;
    let bar = super::progress_bar_with(
        total,
        total >= 5_000_000,
        "generating {bar:40} {human_pos}/{human_len} numbers, {per_sec:0} eta {eta}",
    );
    let mut progress = |done: u64| {
        if let Some(b) = &bar {
            b.set_position(done);
        }
    };
    // The list (hashed as it is written, for its manifest) and its manifest are committed together.
    let (summary, written, list_file) = match &args.output {
        Some(path) => {
            let file = dialsim::output::AtomicFile::create_direct(path, dialsim::output::Privacy::Personal)?;
            let mut out = dialsim::HashingWriter::new(file);
            let summary = list.write(&request, &exclusions, &mut out, &mut progress).map_err(|e| match e {
                dialsim::Error::Output(io) => dialsim::Error::io(path, io),
                other => other,
            })?;
            let (file, written) = out.finish();
            (summary, written, Some(file))
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = dialsim::HashingWriter::new(std::io::BufWriter::with_capacity(1 << 20, stdout.lock()));
            let summary = list.write(&request, &exclusions, &mut out, &mut progress)?;
            let (mut out, written) = out.finish();
            out.flush().map_err(dialsim::Error::Output)?;
            (summary, written, None)
        }
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut files: Vec<dialsim::output::AtomicFile> = list_file.into_iter().collect();
    if let Some(at) = &manifest_at {
        let mut sources = Vec::new();
        for ((name, kind), excluded) in exclusion_sources(&filters, &lists).zip(&summary.excluded) {
            sources.push(SourceRecord::of(&name, kind, *excluded)?);
        }
        if let Some(rec) = &recorded {
            for change in source_changes(rec, &sources) {
                note!("dialsim: exclusion source {change}");
            }
        }
        let mut manifest = ListManifest::generated(&plan, &selection, &list, &request, &summary, sources, &written);
        if let (Some(g), Some(previous)) = (manifest.generation.as_mut(), &args.continue_from) {
            g.continues = Some(previous.display().to_string());
        }
        if let Some(d) = manifest.generation.as_mut().and_then(|g| g.design.as_mut()) {
            for k in &args.known {
                d.density_sources.push(SourceRecord::of(k, "density", 0)?);
            }
        }
        let json = manifest.to_json();
        // An exclusive list is issued (in one transaction that checks no other took its numbers meanwhile)
        // before its files are committed: a refusal leaves nothing written.
        if let (true, Some(r), Some(since)) = (args.exclusive, &args.registry, stamp.clone()) {
            let keys = exclusive_keys(&list, &request, &exclusions)?;
            super::registry::issue_exclusive(r, &at.display().to_string(), &json, keys, since)?;
        }
        let mut file = dialsim::output::AtomicFile::create(at, dialsim::output::Privacy::Personal)?;
        file.write_all(json.as_bytes()).map_err(|e| dialsim::Error::io(at, e))?;
        files.push(file);
    }
    dialsim::output::commit_together(files)?;
    if let (false, Some(r), Some(at)) = (args.exclusive, &args.registry, &manifest_at) {
        super::registry::record_list(r, at)?;
    }
    if let Some(path) = &args.output {
        note!("dialsim: wrote {} numbers to {}", summary.written, path.display());
    }
    if !exclusions.is_empty() {
        let parts: Vec<String> =
            exclusions.names().iter().zip(&summary.excluded).map(|(name, n)| format!("{name} {n}")).collect();
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

/// The manifest at `manifest` and the list file `list` it describes, read under the folder's shared lock so that
/// a writer committing the pair meanwhile is seen whole or not at all.
fn read_pair(list: &Path, manifest: &Path) -> Result<(ListManifest, dialsim::open::Input)> {
    let _lock = dialsim::output::lock_folder(list)?;
    let m = ListManifest::load(manifest).map_err(|e| match e {
        dialsim::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            dialsim::Error::Usage(format!(
                "{} has no manifest {}: only lists written with their manifest can be continued (use --start \
                 with the same plan, selection and seed otherwise)",
                list.display(),
                manifest.display()
            ))
        }
        other => other,
    })?;
    let input = dialsim::open::open(list).map_err(|e| match e {
        dialsim::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            dialsim::Error::Usage(format!(
                "{}: no such list; its manifest {} vouches for the list file, which must be there to be checked",
                list.display(),
                manifest.display()
            ))
        }
        other => other,
    })?;
    Ok((m, input))
}

/// Why a list whose manifest predates the binding of lists to their bytes is refused, and how to go on.
pub(crate) fn unbound(list: &Path, manifest: &Path, verb: &str) -> String {
    format!(
        "{m} predates the binding of a list to its bytes (it records no SHA-256 of {l}), so {l} cannot be shown \
         to be the list it describes. If it is, {verb} it with --accept-unbound-list: every number of {l} is still \
         checked against the recorded order, and the new manifest binds the new list",
        m = manifest.display(),
        l = list.display()
    )
}

/// The banks of `size` numbers of the known databases `paths` (CSV files of numbers, read as suppression lists
/// are), counted for the list-assisted design.
fn known_banks(plan: &Plan, paths: &[String], size: u64, input: &InputArgs) -> Result<dialsim::Banks> {
    let options = input.options(plan)?;
    let mut banks = dialsim::Banks::new(size).map_err(|e| match e {
        dialsim::Error::Usage(m) => dialsim::Error::Usage(format!("--bank: {m}")),
        other => other,
    })?;
    for path in paths {
        let read = options.read_path(path).map_err(input_args::with_flags)?;
        for key in read.keys {
            if let Some(n) = dialsim::PhoneNumber::from_key(key) {
                banks.add(&n);
            }
        }
    }
    note!("dialsim: {} banks of {size} hold numbers of the known databases", banks.len());
    Ok(banks)
}

/// Loads the filters and suppression lists named on the command line, reporting on stderr how each list was
/// read and what it held.
pub(crate) fn load_exclusions(
    plan: &Plan,
    filters: &[PathBuf],
    lists: &[String],
    input: &InputArgs,
) -> Result<Exclusions> {
    if lists.iter().filter(|l| *l == "-").count() > 1 {
        anyhow::bail!(dialsim::Error::Usage("stdin (-) can be read only once".into()));
    }
    let options = input.options(plan)?;
    let report =
        &mut |list: &dialsim::exclude::SuppressionList| input_args::report(list.read_report(), Some(list.len()));
    let exclusions =
        dialsim::exclude::load_exclusions(filters, lists, &options, &[], report).map_err(input_args::with_flags)?;
    if input.allow_other_country {
        for (name, what) in exclusions.foreign(plan.country_code()) {
            eprintln!(
                "dialsim: warning: {name} is {what}: it excludes nothing from +{} numbers (--allow-other-country)",
                plan.country_code()
            );
        }
    } else {
        exclusions.check_country(plan.country_code()).map_err(input_args::with_flags)?;
    }
    Ok(exclusions)
}

/// The numbers of the list `list.write` just wrote, drawn again (the list is reproducible) as E.164 text.
fn exclusive_keys(list: &CallList, request: &ListRequest, exclusions: &Exclusions) -> Result<Vec<u64>> {
    let again = ListRequest { format: ListFormat::Txt, ..request.clone() };
    let mut text = Vec::new();
    list.write(&again, exclusions, &mut text, &mut |_| {})?;
    let keys = text
        .split(|&b| b == b'\n')
        .filter_map(|line| std::str::from_utf8(line).ok()?.strip_prefix('+')?.parse::<u64>().ok())
        .collect();
    Ok(keys)
}

/// The exclusion sources of `--exclude` (filters) and `--suppress` (lists), named and kinded as a manifest
/// records them, in the order the exclusions are loaded (filters first).
pub(crate) fn exclusion_sources<'a>(
    filters: &'a [PathBuf],
    lists: &'a [String],
) -> impl Iterator<Item = (String, &'static str)> + 'a {
    filters.iter().map(|p| (p.display().to_string(), "filter")).chain(lists.iter().map(|p| (p.clone(), "suppression")))
}
