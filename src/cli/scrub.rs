//! `dialsim scrub LIST`: re-checks an existing call list against today's exclusion sources before a dialling day.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::{ListManifest, Plan, Scrub, SourceRecord, manifest_path};

#[derive(Args, Debug)]
pub struct ScrubArgs {
    /// The call list (CSV or txt, as `dialsim generate` writes it); `-` reads stdin.
    list: String,
    /// Output list without the numbers the sources hold; order, header and index column kept. `-` writes it
    /// to stdout (with no manifest unless --manifest names one).
    #[arg(short = 'o', long = "output", visible_alias = "out")]
    output: PathBuf,
    /// Write the scrubbed list's manifest here [default: OUTPUT.manifest.json beside -o; none on stdout].
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Bloom filter of known databases (repeatable).
    #[arg(long = "exclude", value_name = "FILE.bloom")]
    exclude: Vec<PathBuf>,
    /// Exact suppression list, a CSV of numbers (repeatable).
    #[arg(long = "suppress", value_name = "FILE.csv")]
    suppress: Vec<String>,
    #[command(flatten)]
    input: super::input_args::InputArgs,
    /// Plan whose country reads suppression numbers written without a country code [default: the list's
    /// plan from its manifest, else cz].
    #[arg(long)]
    plan: Option<String>,
}

pub fn run(args: ScrubArgs) -> Result<i32> {
    if args.exclude.is_empty() && args.suppress.is_empty() {
        anyhow::bail!(dialsim::Error::Usage("scrub needs at least one --exclude or --suppress source".into()));
    }
    // The list's manifest, when it has one: it names the plan and is carried over with this scrub added.
    // Before any input is read: the output must be replaceable and must not be one of the inputs.
    let to_stdout = dialsim::output::is_stdout(&args.output);
    if !to_stdout {
        dialsim::output::check_target(&args.output)?;
    }
    let mut inputs: Vec<&std::path::Path> = args.exclude.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.suppress.iter().map(std::path::Path::new));
    inputs.push(std::path::Path::new(&args.list));
    dialsim::output::refuse_inputs(&args.output, &inputs)?;
    let previous_at =
        (args.list != "-").then(|| manifest_path(std::path::Path::new(&args.list))).filter(|p| p.exists());
    let previous = previous_at.as_deref().map(ListManifest::load).transpose()?;
    let plan = match (&args.plan, previous.as_ref().and_then(|m| m.generation.as_ref()), &previous_at) {
        (Some(name), _, _) => Plan::resolve(name)?,
        (None, Some(g), Some(at)) => g.plan.plan(at)?,
        _ => Plan::resolve("cz")?,
    };
    let exclusions = super::generate::load_exclusions(&plan, &args.exclude, &args.suppress, &args.input)?;
    let mut file = if to_stdout {
        None
    } else {
        Some(dialsim::output::AtomicFile::create(&args.output, dialsim::output::Privacy::Personal)?)
    };
    let stdout = std::io::stdout();
    let mut to: Box<dyn Write> = match file.as_mut() {
        Some(f) => Box::new(f),
        None => Box::new(std::io::BufWriter::with_capacity(1 << 20, stdout.lock())),
    };
    let counts = if args.list == "-" {
        dialsim::scrub("-", &mut std::io::stdin().lock(), &mut to, &exclusions)
    } else {
        let input = std::fs::File::open(&args.list).map_err(|e| dialsim::Error::io(&args.list, e))?;
        dialsim::scrub(&args.list, &mut std::io::BufReader::with_capacity(1 << 20, input), &mut to, &exclusions)
    }
    .map_err(|e| match e {
        dialsim::Error::Output(io) if !to_stdout => dialsim::Error::io(&args.output, io),
        other => other,
    })?;
    to.flush().map_err(|e| if to_stdout { dialsim::Error::Output(e) } else { dialsim::Error::io(&args.output, e) })?;
    drop(to);
    if let Some(f) = file {
        f.commit()?;
    }
    let names = exclusions.names();
    let mut sources = Vec::new();
    let kinds = args
        .exclude
        .iter()
        .map(|p| (p.display().to_string(), "filter"))
        .chain(args.suppress.iter().map(|p| (p.clone(), "suppression")));
    for ((name, kind), removed) in kinds.zip(&counts.removed) {
        sources.push(SourceRecord::of(&name, kind, *removed)?);
    }
    let mut manifest = previous.unwrap_or_else(|| ListManifest {
        kind: dialsim::LIST_MANIFEST_KIND.into(),
        dialsim_version: env!("CARGO_PKG_VERSION").into(),
        generation: None,
        scrubs: Vec::new(),
    });
    manifest.dialsim_version = env!("CARGO_PKG_VERSION").into();
    manifest.scrubs.push(Scrub { input: args.list.clone(), read: counts.read, kept: counts.kept, sources });
    let at = args.manifest.clone().or_else(|| (!to_stdout).then(|| manifest_path(&args.output)));
    if let Some(at) = at {
        let mut m = dialsim::output::AtomicFile::create(&at, dialsim::output::Privacy::Personal)?;
        m.write_all(manifest.to_json().as_bytes()).map_err(|e| dialsim::Error::io(&at, e))?;
        m.commit()?;
    }
    let parts: Vec<String> = names.iter().zip(&counts.removed).map(|(n, r)| format!("{n} {r}")).collect();
    note!(
        "dialsim: scrubbed {}: kept {} of {} numbers, removed {} ({}); wrote {}",
        args.list,
        counts.kept,
        counts.read,
        counts.read - counts.kept,
        parts.join(", "),
        args.output.display()
    );
    Ok(0)
}
