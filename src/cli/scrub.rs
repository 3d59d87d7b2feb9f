//! `dialsim scrub LIST`: re-checks an existing call list against today's exclusion sources before a dialling day.

use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use dialsim::{HashingReader, ListFile, ListManifest, ListRow, Plan, Scrub, SourceRecord, manifest_path};

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
    /// A registry (an SQLite file or a postgres:// URL; `dialsim registry init`): its suppressed numbers are removed too, and the scrubbed list is
    /// recorded in it (by its manifest)
    #[arg(long, value_name = "PATH|URL")]
    registry: Option<String>,
    #[command(flatten)]
    input: super::input_args::InputArgs,
    /// Plan whose country reads suppression numbers written without a country code [default: the list's
    /// plan from its manifest, else cz].
    #[arg(long)]
    plan: Option<String>,
    /// Scrub a list whose manifest predates the binding of lists to their bytes (it records no SHA-256 of the
    /// list): the list's numbers are still checked against the recorded order.
    #[arg(long)]
    accept_unbound_list: bool,
}

pub fn run(args: ScrubArgs) -> Result<i32> {
    if args.exclude.is_empty() && args.suppress.is_empty() && args.registry.is_none() {
        anyhow::bail!(dialsim::Error::Request(
            "scrub needs at least one --exclude, --suppress or --registry source".into()
        ));
    }
    let to_stdout = dialsim::output::is_stdout(&args.output);
    let list_at = (args.list != "-").then(|| PathBuf::from(&args.list));
    // The list's manifest, when it has one: it names the plan and is carried over with this scrub added.
    let previous_at = list_at.as_deref().map(manifest_path);
    let manifest_at = args.manifest.clone().or_else(|| (!to_stdout).then(|| manifest_path(&args.output)));
    // Before any input is read: the output and its manifest must be replaceable, two files, and none of the
    // inputs (the list's own manifest is one).
    let mut inputs: Vec<&Path> = args.exclude.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.suppress.iter().map(Path::new));
    inputs.push(Path::new(&args.list));
    inputs.extend(previous_at.as_deref());
    if let Some(plan) = args.plan.as_deref().filter(|p| !Plan::embedded_names().any(|n| n.eq_ignore_ascii_case(p))) {
        inputs.push(Path::new(plan));
    }
    let targets: Vec<&Path> =
        (!to_stdout).then_some(args.output.as_path()).into_iter().chain(manifest_at.as_deref()).collect();
    dialsim::output::check_outputs(&targets, &inputs)?;
    // The list and its manifest, read as a pair under the folder's shared lock.
    let (previous, input) = match (&list_at, &previous_at) {
        (Some(list), Some(at)) => {
            let _lock = dialsim::output::lock_folder(list)?;
            let previous = std::fs::symlink_metadata(at).is_ok().then(|| ListManifest::load(at)).transpose()?;
            (previous, Some(dialsim::open::open(list)?))
        }
        _ => (None, None),
    };
    // A list with a manifest is read back against it first: the generation carried over is the list's own.
    let mut order = None;
    let mut checked = None;
    if let (Some(m), Some(at), Some(list), Some(input)) = (&previous, &previous_at, &list_at, &input) {
        if m.list.is_none() && !args.accept_unbound_list {
            anyhow::bail!(dialsim::Error::Request(dialsim::jobs::unbound(list, at, "scrub")));
        }
        // A list of another permutation version, or a list-assisted one (whose order depends on known
        // databases the manifest does not carry), is checked by its bytes only (its order cannot be rebuilt,
        // nor continued).
        let rebuildable = |g: &&dialsim::Generation| {
            g.permutation_version == dialsim::PERMUTATION_VERSION
                && g.design
                    .as_ref()
                    .is_none_or(|d| d.kind != "list-assisted" && !d.kind.starts_with("mitofsky-waksberg"))
        };
        if let Some(g) = m.generation.as_ref().filter(rebuildable) {
            order = Some(g.order(at)?);
        }
        let mut file = &input.file;
        checked = Some(m.check_list(at, list, &mut file, order.as_ref().map(|(_, _, l)| l))?);
        file.seek(std::io::SeekFrom::Start(0)).map_err(|e| dialsim::Error::io(list, e))?;
    }
    let plan = match (&args.plan, &order, previous.as_ref().and_then(|m| m.generation.as_ref()), &previous_at) {
        (Some(name), _, _, _) => Plan::resolve(name)?,
        (None, Some((plan, _, _)), _, _) => plan.clone(),
        (None, None, Some(g), Some(at)) => g.plan.plan(at)?,
        _ => Plan::resolve("cz")?,
    };
    let mut exclusions = super::generate::load_exclusions(&plan, &args.exclude, &args.suppress, &args.input)?;
    if let Some(r) = &args.registry {
        dialsim::jobs::registry_exclude(r, &mut exclusions, &mut super::generate::print_note)?;
    }
    let mut file = if to_stdout {
        None
    } else {
        Some(dialsim::output::AtomicFile::create(&args.output, dialsim::output::Privacy::Personal)?)
    };
    let stdout = std::io::stdout();
    let to: Box<dyn Write> = match file.as_mut() {
        Some(f) => Box::new(f),
        None => Box::new(std::io::BufWriter::with_capacity(1 << 20, stdout.lock())),
    };
    let mut to = dialsim::HashingWriter::new(to);
    let counts = match &input {
        None => dialsim::scrub("-", &mut std::io::stdin().lock(), &mut to, &exclusions),
        Some(input) => {
            let mut reader = std::io::BufReader::with_capacity(1 << 20, HashingReader::new(&input.file));
            let counts = dialsim::scrub(&args.list, &mut reader, &mut to, &exclusions);
            let read = reader.into_inner().finish().1;
            // The bytes scrubbed are the bytes checked: the list did not change in between.
            if let Some(c) = checked.as_ref().filter(|c| (c.bytes, &c.sha256) != (read.bytes, &read.sha256)) {
                anyhow::bail!(dialsim::Error::Format {
                    path: PathBuf::from(&args.list),
                    message: format!("changed while it was scrubbed ({} bytes checked, {} read)", c.bytes, read.bytes),
                });
            }
            counts
        }
    }
    .map_err(|e| match e {
        dialsim::Error::Output(io) if !to_stdout => dialsim::Error::io(&args.output, io),
        other => other,
    })?;
    to.flush().map_err(|e| if to_stdout { dialsim::Error::Output(e) } else { dialsim::Error::io(&args.output, e) })?;
    let (to, written) = to.finish();
    drop(to);
    let names = exclusions.names();
    let mut sources = Vec::new();
    for ((name, kind), removed) in dialsim::jobs::exclusion_sources(&args.exclude, &args.suppress).zip(&counts.removed)
    {
        sources.push(SourceRecord::of(&name, kind, *removed)?);
    }
    let mut manifest = previous.unwrap_or_else(|| ListManifest {
        kind: dialsim::LIST_MANIFEST_KIND.into(),
        dialsim_version: env!("CARGO_PKG_VERSION").into(),
        list: None,
        generation: None,
        scrubs: Vec::new(),
    });
    manifest.dialsim_version = env!("CARGO_PKG_VERSION").into();
    manifest.scrubs.push(Scrub { input: args.list.clone(), read: counts.read, kept: counts.kept, sources });
    // The new manifest vouches for the scrubbed list; a kept number's position comes from the checked order.
    let last_row = counts.last_kept.clone().map(|number| ListRow {
        position: order.as_ref().and_then(|(_, _, l)| l.positions().of_digits(&number.as_bytes()[1..])),
        number,
    });
    manifest.list = Some(ListFile::of(&written, counts.kept, last_row));
    let mut files: Vec<dialsim::output::AtomicFile> = file.into_iter().collect();
    if let Some(at) = &manifest_at {
        let mut m = dialsim::output::AtomicFile::create(at, dialsim::output::Privacy::Personal)?;
        m.write_all(manifest.to_json().as_bytes()).map_err(|e| dialsim::Error::io(at, e))?;
        files.push(m);
    }
    dialsim::output::commit_together(files)?;
    if let (Some(r), Some(at)) = (&args.registry, &manifest_at) {
        dialsim::jobs::record_list(r, at, &mut super::generate::print_note)?;
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
