//! A call list written with its manifest: a new list, or the rest of one written earlier.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::reading::{Note, Notes, Reading, exclusion_sources, load_exclusions, unbound};
use crate::exclude::Exclusions;
use crate::foundation::digest::{HashingWriter, SourceRecord};
use crate::foundation::error::{Error, Message, Param, Result, message};
use crate::generate::list_manifest::{ListManifest, manifest_path, source_changes};
use crate::generate::{Banks, CallList, ListFormat, ListRequest, ListSummary, Shard, foreign_density};
use crate::output::{self, AtomicFile, Privacy};
use crate::plan::space::{NumberSpace, Selection};
use crate::plan::{NumberType, Plan};

/// How a new list's numbers are sampled.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ListDesign {
    /// Every number of the selection equally likely.
    #[default]
    Uniform,
    /// Casady–Lepkowski list-assisted sampling: banks holding at least `min_listed` numbers of the `known`
    /// databases, the zero banks at `zero_banks` times their rate. The known numbers are excluded too.
    ListAssisted {
        /// Known databases (CSV files of numbers) giving the banks' density.
        known: Vec<String>,
        /// Numbers per bank: 100 or 1000.
        bank: u64,
        /// Known numbers a bank needs to count as listed.
        min_listed: u32,
        /// The zero banks' sampling rate relative to the listed banks'.
        zero_banks: f64,
    },
    /// Mitofsky–Waksberg stage 1: one primary number per bank of 100 drawn.
    MitofskyWaksberg,
}

/// A new list: plan, selection, design and where in its order it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct NewList {
    /// An embedded plan's name (cz, sk, de, gb, us) or a plan CSV file.
    pub plan: String,
    /// The numbers to draw from; no types: [`NumberType::ANSWERED`].
    pub selection: Selection,
    /// A stratified list: each type with its share (the selection's types are then these).
    pub mix: Option<Vec<(NumberType, f64)>>,
    /// The sampling design.
    pub design: ListDesign,
    /// The seed; none: one is drawn and told ([`Note::Seed`]).
    pub seed: Option<u64>,
    /// The first position.
    pub start: u64,
    /// The shard written.
    pub shard: Shard,
    /// The format; none: txt when the output's name ends in `.txt`, else CSV.
    pub format: Option<ListFormat>,
}

/// Where a list's numbers come from.
#[derive(Clone, Debug, PartialEq)]
pub enum ListOrigin {
    /// A new list.
    New(NewList),
    /// The rest of the list at `list`, in the order its manifest records; the list is first read back against
    /// its manifest.
    Continue {
        /// The list file (its manifest is beside it).
        list: PathBuf,
        /// Continue a list whose manifest records no SHA-256 of it (its numbers are still checked).
        accept_unbound: bool,
    },
}

/// A call list to write: what to draw, how many, what to exclude, where to write it and its manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct ListJob {
    /// What is drawn.
    pub origin: ListOrigin,
    /// How many positions; none: to the end of the space.
    pub count: Option<u64>,
    /// The list file; none: standard output.
    pub output: Option<PathBuf>,
    /// The manifest; none: beside the list file (none when the list goes to standard output).
    pub manifest: Option<PathBuf>,
    /// Worker threads (the bytes do not depend on them).
    pub threads: usize,
    /// Bloom filters of known databases.
    pub exclude: Vec<PathBuf>,
    /// Exact suppression lists (CSV files of numbers; `-`: standard input).
    pub suppress: Vec<String>,
    /// How the known databases are read.
    pub reading: Reading,
    /// A registry whose suppressed numbers are excluded too, and which records the list (feature `registry`).
    pub registry: Option<String>,
    /// Issue the list exclusively in the registry: its numbers go on no other list until it is closed. Needs
    /// the registry and a manifest to record the list by (a list file, or `manifest`); refused without them.
    pub exclusive: bool,
}

/// What a list job did.
#[derive(Clone, Debug, PartialEq)]
pub struct ListDone {
    /// Counts of the numbers written, drawn and excluded.
    pub summary: ListSummary,
    /// The exclusion sources, in the order of [`ListSummary::excluded`].
    pub sources: Vec<String>,
    /// The list file written (none: standard output).
    pub output: Option<PathBuf>,
    /// The manifest written.
    pub manifest: Option<PathBuf>,
}

impl ListJob {
    /// The list's manifest path: the one given, or beside the list file.
    pub fn manifest_at(&self) -> Option<PathBuf> {
        self.manifest.clone().or_else(|| self.output.as_deref().map(manifest_path))
    }

    /// Checks the request, draws the list, excludes, writes the list and its manifest as one commit, and
    /// records it in the registry.
    pub fn run(&self, notes: &mut Notes<'_>) -> Result<ListDone> {
        let output = self.output.as_deref().filter(|p| !output::is_stdout(p));
        let manifest_at = self.manifest.clone().or_else(|| output.map(manifest_path));
        check_files(self, output, manifest_at.as_deref())?;
        self.check_design()?;
        if self.exclusive && (self.registry.is_none() || manifest_at.is_none()) {
            // Issued by its manifest in the registry: without either, the list would be written, not issued.
            return Err(Error::Request(message![
                Param::Exclusive,
                " needs ",
                Param::Registry,
                " and the list's manifest: a list file (",
                Param::Out,
                ") or ",
                Param::Manifest
            ]));
        }
        let (plan, selection, list, request, recorded, known) = match &self.origin {
            ListOrigin::Continue { list, accept_unbound } => {
                let (plan, selection, l, request, recorded) = continued(list, *accept_unbound, self, notes)?;
                (plan, selection, l, request, Some(recorded), Vec::new())
            }
            ListOrigin::New(new) => {
                let (plan, selection, list, request) = drawn(new, self, output, notes)?;
                let known = match &new.design {
                    ListDesign::ListAssisted { known, .. } => known.clone(),
                    _ => Vec::new(),
                };
                (plan, selection, list, request, None, known)
            }
        };
        // Exclusion sources: those given; when continuing without any given, the ones the manifest records.
        let (filters, lists): (Vec<PathBuf>, Vec<String>) = match &recorded {
            Some(rec) if self.exclude.is_empty() && self.suppress.is_empty() => (
                rec.iter().filter(|r| r.kind == "filter").map(|r| PathBuf::from(&r.name)).collect(),
                rec.iter().filter(|r| r.kind == "suppression").map(|r| r.name.clone()).collect(),
            ),
            _ => {
                // The known databases of a list-assisted list are excluded too: they give density, never numbers.
                let mut lists = self.suppress.clone();
                lists.extend(known.iter().filter(|k| !self.suppress.contains(k)).cloned());
                (self.exclude.clone(), lists)
            }
        };
        let mut exclusions = load_exclusions(&plan, &filters, &lists, &self.reading, notes)?;
        let stamp = match &self.registry {
            Some(r) => Some(registry_exclude(r, &mut exclusions, notes)?),
            None => None,
        };
        let total = self.count.unwrap_or(list.len() - request.start.min(list.len())) / request.shard.count;
        notes(Note::Started { total });
        let mut progress = |done: u64| notes(Note::Progress(done));
        // The list (hashed as it is written, for its manifest) and its manifest are committed together.
        let (summary, written, list_file) = match output {
            Some(path) => {
                let file = AtomicFile::create_direct(path, Privacy::Personal)?;
                let mut out = HashingWriter::new(file);
                let summary = list.write(&request, &exclusions, &mut out, &mut progress).map_err(|e| match e {
                    Error::Output(io) => Error::io(path, io),
                    other => other,
                })?;
                let (file, written) = out.finish();
                (summary, written, Some(file))
            }
            None => {
                let stdout = std::io::stdout();
                let mut out = HashingWriter::new(std::io::BufWriter::with_capacity(1 << 20, stdout.lock()));
                let summary = list.write(&request, &exclusions, &mut out, &mut progress)?;
                let (mut out, written) = out.finish();
                out.flush().map_err(Error::Output)?;
                (summary, written, None)
            }
        };
        let mut files: Vec<AtomicFile> = list_file.into_iter().collect();
        if let Some(at) = &manifest_at {
            let mut sources = Vec::new();
            for ((name, kind), excluded) in exclusion_sources(&filters, &lists).zip(&summary.excluded) {
                sources.push(SourceRecord::of(&name, kind, *excluded)?);
            }
            if let Some(rec) = &recorded {
                for change in source_changes(rec, &sources) {
                    notes(Note::SourceChange(change));
                }
            }
            let mut manifest = ListManifest::generated(&plan, &selection, &list, &request, &summary, sources, &written);
            if let (Some(g), ListOrigin::Continue { list: previous, .. }) = (manifest.generation.as_mut(), &self.origin)
            {
                g.continues = Some(previous.display().to_string());
            }
            if let Some(d) = manifest.generation.as_mut().and_then(|g| g.design.as_mut()) {
                for k in &known {
                    d.density_sources.push(SourceRecord::of(k, "density", 0)?);
                }
            }
            let json = manifest.to_json();
            // An exclusive list is issued (in one transaction that checks no other took its numbers meanwhile)
            // before its files are committed: a refusal leaves nothing written.
            if let (true, Some(r), Some(since)) = (self.exclusive, &self.registry, stamp.clone()) {
                let keys = exclusive_keys(&list, &request, &exclusions)?;
                issue_exclusive(r, &at.display().to_string(), &json, keys, since, notes)?;
            }
            let mut file = AtomicFile::create(at, Privacy::Personal)?;
            file.write_all(json.as_bytes()).map_err(|e| Error::io(at, e))?;
            files.push(file);
        }
        output::commit_together(files)?;
        if let (false, Some(r), Some(at)) = (self.exclusive, &self.registry, &manifest_at) {
            record_list(r, at, notes)?;
        }
        Ok(ListDone {
            summary,
            sources: exclusions.names().iter().map(|s| s.to_string()).collect(),
            output: output.map(Path::to_path_buf),
            manifest: manifest_at,
        })
    }

    /// Refuses designs and options that do not go together.
    fn check_design(&self) -> Result<()> {
        let refuse = |m: Message| Err(Error::Request(m));
        match &self.origin {
            ListOrigin::New(NewList { design: ListDesign::ListAssisted { known, .. }, .. }) if known.is_empty() => {
                refuse(message![
                    Param::Design,
                    " list-assisted needs ",
                    Param::Known,
                    " FILE.csv, a known database that gives the banks' density"
                ])
            }
            // A known database is read twice (the banks' density, then excluded): standard input would be empty
            // the second time, and the list would exclude none of its numbers.
            ListOrigin::New(NewList { design: ListDesign::ListAssisted { known, .. }, .. })
                if known.iter().any(|k| k == "-") =>
            {
                refuse(message![
                    Param::Known,
                    " -: a known database is read twice (for the banks' density, then to exclude its numbers), so it \
                     cannot be standard input; save it to a file"
                ])
            }
            ListOrigin::New(NewList { design: ListDesign::ListAssisted { .. }, mix: Some(_), .. })
            | ListOrigin::New(NewList { design: ListDesign::MitofskyWaksberg, mix: Some(_), .. }) => refuse(message![
                "a stratified list (",
                Param::Mix,
                ") is drawn uniformly within its strata: it takes no ",
                Param::Design
            ]),
            _ => Ok(()),
        }
    }
}

/// The files a job reads and writes: the list and its manifest must be replaceable, two files, and none of
/// the inputs (the manifest of the list continued is one). Checked before any input is read.
fn check_files(job: &ListJob, output: Option<&Path>, manifest_at: Option<&Path>) -> Result<()> {
    let mut inputs: Vec<PathBuf> = job.exclude.clone();
    inputs.extend(job.suppress.iter().map(PathBuf::from));
    match &job.origin {
        ListOrigin::New(new) => {
            if let ListDesign::ListAssisted { known, .. } = &new.design {
                inputs.extend(known.iter().map(PathBuf::from));
            }
            if !Plan::embedded_names().any(|n| n.eq_ignore_ascii_case(&new.plan)) {
                inputs.push(PathBuf::from(&new.plan));
            }
        }
        ListOrigin::Continue { list, .. } => {
            inputs.push(list.clone());
            inputs.push(manifest_path(list));
        }
    }
    inputs.extend(registry_files(job.registry.as_deref()));
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let targets: Vec<&Path> = output.into_iter().chain(manifest_at).collect();
    output::check_outputs(&targets, &inputs)
}

/// The files of the registry at `location` (if any) that no output may replace: renaming a list over the
/// registry would lose the system of record.
pub(super) fn registry_files(location: Option<&str>) -> Vec<PathBuf> {
    #[cfg(feature = "registry")]
    let files = crate::registry::own_files;
    // Without the feature a registry is refused before anything is written; its file is kept out all the same.
    #[cfg(not(feature = "registry"))]
    let files = |l: &str| vec![PathBuf::from(l)];
    location.map(files).unwrap_or_default()
}

/// The list continued: rebuilt from its manifest, read back against it first.
fn continued(
    previous: &Path,
    accept_unbound: bool,
    job: &ListJob,
    notes: &mut Notes<'_>,
) -> Result<(Plan, Selection, CallList, ListRequest, Vec<SourceRecord>)> {
    let path = manifest_path(previous);
    let (manifest, mut input) = read_pair(previous, &path)?;
    if manifest.generation.is_none() {
        return Err(Error::Request(format!("{} does not record how the list was generated", path.display()).into()));
    }
    if manifest.list.is_none() && !accept_unbound {
        return Err(Error::Request(unbound(previous, &path, "continue")));
    }
    // The list file is read back against its manifest before anything is generated.
    let c = manifest.continuation(&path, previous, &mut input.file, job.count, job.threads)?;
    let shard = c.generation.shard.to_string();
    notes(Note::Continuing { list: previous, start: c.request.start, seed: c.generation.seed, shard: &shard });
    Ok((c.plan, c.selection, c.list, c.request, c.generation.exclusions))
}

/// A new list, checked before a seed is drawn (and told): a selection or mix the plan cannot fill fails first.
fn drawn(
    new: &NewList,
    job: &ListJob,
    output: Option<&Path>,
    notes: &mut Notes<'_>,
) -> Result<(Plan, Selection, CallList, ListRequest)> {
    let plan = Plan::resolve(&new.plan)?;
    let types = match &new.mix {
        Some(mix) => mix.iter().map(|(t, _)| *t).collect(),
        None if new.selection.types.is_empty() => NumberType::ANSWERED.to_vec(),
        None => new.selection.types.clone(),
    };
    let selection = Selection {
        types,
        prefixes: new.selection.prefixes.iter().map(|p| p.trim().to_string()).collect(),
        lengths: new.selection.lengths.clone(),
    };
    // The banks' density, from the known databases (list-assisted design only).
    let banks = match &new.design {
        ListDesign::ListAssisted { known, bank, .. } => Some(known_banks(&plan, known, *bank, &job.reading, notes)?),
        ListDesign::Uniform | ListDesign::MitofskyWaksberg => None,
    };
    let list_of = |seed: u64| -> Result<CallList> {
        match (&new.mix, &banks, &new.design) {
            (Some(mix), _, _) => CallList::mixed(&plan, &selection, mix, seed),
            (None, Some(banks), ListDesign::ListAssisted { min_listed, zero_banks, .. }) => {
                CallList::list_assisted(NumberSpace::new(&plan, &selection)?, banks, *min_listed, *zero_banks, seed)
                    .map_err(|e| match e {
                        Error::Request(m) => Error::Request(message![Param::Design, " list-assisted: ", m]),
                        other => other,
                    })
            }
            (None, _, ListDesign::MitofskyWaksberg) => {
                CallList::mitofsky_waksberg(NumberSpace::new(&plan, &selection)?, seed)
            }
            (None, _, _) => Ok(CallList::new(NumberSpace::new(&plan, &selection)?, seed)),
        }
    };
    list_of(0)?;
    let format = match new.format {
        Some(format) => format,
        None => match output {
            Some(p) if p.extension().is_some_and(|e| e == "txt") => ListFormat::Txt,
            _ => ListFormat::Csv,
        },
    };
    let request = ListRequest { start: new.start, count: job.count, shard: new.shard, format, threads: job.threads };
    let seed = super::front::seed_or_fresh(new.seed, notes);
    let list = list_of(seed)?;
    Ok((plan, selection, list, request))
}

/// The manifest at `manifest` and the list file `list` it describes, read under the folder's shared lock so that
/// a writer committing the pair meanwhile is seen whole or not at all.
fn read_pair(list: &Path, manifest: &Path) -> Result<(ListManifest, crate::foundation::open::Input)> {
    let _lock = output::lock_folder(list)?;
    let m = ListManifest::load(manifest).map_err(|e| match e {
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => Error::Request(message![
            format!(
                "{} has no manifest {}: only lists written with their manifest can be continued (use ",
                list.display(),
                manifest.display()
            ),
            Param::Start,
            " with the same plan, selection and seed otherwise)"
        ]),
        other => other,
    })?;
    let input = crate::foundation::open::open(list).map_err(|e| match e {
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => Error::Request(
            format!(
                "{}: no such list; its manifest {} vouches for the list file, which must be there to be checked",
                list.display(),
                manifest.display()
            )
            .into(),
        ),
        other => other,
    })?;
    Ok((m, input))
}

/// The banks of `size` numbers of the known databases `paths` (CSV files of numbers, read as suppression lists
/// are), counted for the list-assisted design.
fn known_banks(plan: &Plan, paths: &[String], size: u64, reading: &Reading, notes: &mut Notes<'_>) -> Result<Banks> {
    let options = reading.options(plan)?;
    let mut banks = Banks::new(size).map_err(|e| match e {
        Error::Request(m) => Error::Request(message![Param::Bank, ": ", m]),
        other => other,
    })?;
    let country_code = plan.country_code();
    for path in paths {
        let read = options.read_path(path)?;
        // A database of another country gives no density to this plan's banks: the frame would be empty, or
        // thin, for a reason the user could not see.
        if let Some(what) = banks.add_known(&read.keys, country_code) {
            if !reading.allow_other_country {
                return Err(Error::Invalid(message![
                    foreign_density(path, &what, country_code),
                    " (or ",
                    Param::AllowOtherCountry,
                    ")"
                ]));
            }
            notes(Note::Foreign { name: path, what: &what, country_code });
        }
    }
    notes(Note::Banks { banks: banks.len(), size });
    Ok(banks)
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

#[cfg(feature = "registry")]
/// Adds the registry's suppressed numbers, and those on its open exclusive lists, to `exclusions` (after the
/// sources given), through its cached exclusion filter; returns the stamp the filter stands for.
pub fn registry_exclude(location: &str, exclusions: &mut Exclusions, notes: &mut Notes<'_>) -> Result<String> {
    use crate::registry;
    let mut r = registry::open(location)?;
    let cache = registry::cache_path(location);
    let started = std::time::Instant::now();
    let (filter, rebuilt, stamp) = registry::exclusion_filter(r.as_mut(), &cache)?;
    if rebuilt {
        notes(Note::RegistryFilterRebuilt {
            registry: location,
            entries: filter.meta().entries,
            seconds: started.elapsed().as_secs_f64(),
            cache: &cache,
        });
    }
    exclusions.push(format!("registry:{location}"), crate::exclude::Source::Filter(filter));
    Ok(stamp)
}

#[cfg(feature = "registry")]
/// Issues the list whose manifest (`manifest`, to be written at `name`) lists `keys` as an exclusive list:
/// refused, with nothing recorded, if a write after `since` took one of its numbers.
fn issue_exclusive(
    location: &str,
    name: &str,
    manifest: &str,
    keys: Vec<u64>,
    since: String,
    notes: &mut Notes<'_>,
) -> Result<()> {
    let numbers = keys.len();
    let batch = crate::registry::exclusive_list_batch(name, manifest, keys, since)?;
    crate::registry::open(location)?.apply(&batch)?;
    notes(Note::Issued { registry: location, name, numbers });
    Ok(())
}

#[cfg(feature = "registry")]
/// Records the list whose manifest is at `manifest` as issued in the registry at `location`.
pub fn record_list(location: &str, manifest: &Path, notes: &mut Notes<'_>) -> Result<()> {
    let batch = crate::registry::list_batch(manifest)?;
    crate::registry::open(location)?.apply(&batch)?;
    notes(Note::Recorded { registry: location, manifest });
    Ok(())
}

#[cfg(not(feature = "registry"))]
fn no_registry() -> Error {
    Error::Request("this build has no registry (feature `registry`)".into())
}

#[cfg(not(feature = "registry"))]
/// Excludes a registry's numbers: this build has none.
pub fn registry_exclude(_: &str, _: &mut Exclusions, _: &mut Notes<'_>) -> Result<String> {
    Err(no_registry())
}

#[cfg(not(feature = "registry"))]
fn issue_exclusive(_: &str, _: &str, _: &str, _: Vec<u64>, _: String, _: &mut Notes<'_>) -> Result<()> {
    Err(no_registry())
}

#[cfg(not(feature = "registry"))]
/// Records a list in a registry: this build has none.
pub fn record_list(_: &str, _: &Path, _: &mut Notes<'_>) -> Result<()> {
    Err(no_registry())
}
