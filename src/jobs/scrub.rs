//! A call list scrubbed again against today's exclusion sources before a dialling day.

use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

use super::list::{record_list, registry_exclude};
use super::reading::{Notes, Reading, exclusion_sources, load_exclusions, unbound};
use crate::exclude::scrub::ScrubCounts;
use crate::foundation::digest::{HashingWriter, SourceRecord};
use crate::foundation::error::{Error, Param, Result, message};
use crate::generate::list_manifest::{HashingReader, ListFile, ListManifest, ListRow, Scrub, manifest_path};
use crate::output;
use crate::plan::Plan;

/// A list to scrub: the numbers of `list` on a known database or suppression list are removed, and the list
/// written again with its manifest, which records the scrub.
#[derive(Clone, Debug, PartialEq)]
pub struct ScrubJob {
    /// The list (in any format `dialsim generate` writes; `-`: standard input). A manifest beside it is read
    /// back first and carried over.
    pub list: String,
    /// Where the scrubbed list goes (`-`: standard output).
    pub output: PathBuf,
    /// The new manifest; none: beside the output (none for standard output).
    pub manifest: Option<PathBuf>,
    /// Bloom filters of known databases.
    pub exclude: Vec<PathBuf>,
    /// Exact suppression lists.
    pub suppress: Vec<String>,
    /// How the suppression lists are read.
    pub reading: Reading,
    /// A registry whose suppressed numbers are removed too, and which records the scrubbed list.
    pub registry: Option<String>,
    /// The plan the list's numbers are read for; none: the manifest's, else cz.
    pub plan: Option<String>,
    /// Scrub a list whose manifest records no SHA-256 of it (its numbers are still checked).
    pub accept_unbound: bool,
}

/// What a scrub did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScrubDone {
    /// Numbers read, kept and removed by each source.
    pub counts: ScrubCounts,
    /// The sources, in the order of [`ScrubCounts::removed`].
    pub sources: Vec<String>,
}

impl ScrubJob {
    /// Reads the list back against its manifest, removes the excluded numbers, and writes the list and its
    /// manifest as one commit.
    pub fn run(&self, notes: &mut Notes<'_>) -> Result<ScrubDone> {
        if self.exclude.is_empty() && self.suppress.is_empty() && self.registry.is_none() {
            let (e, s, r) = (Param::Exclude, Param::Suppress, Param::Registry);
            return Err(Error::Request(message!["scrub needs at least one ", e, ", ", s, " or ", r, " source"]));
        }
        // The suppression lists are read before the list: one from standard input would leave the list read
        // from it empty, and the scrub would write an empty list as if it had removed nothing.
        if self.list == "-" && self.suppress.iter().any(|s| s == "-") {
            return Err(Error::Request(message![
                "the list and a suppression list (",
                Param::Suppress,
                ") cannot both be standard input (-): stdin can be read only once"
            ]));
        }
        let to_stdout = output::is_stdout(&self.output);
        let list_at = (self.list != "-").then(|| PathBuf::from(&self.list));
        // The list's manifest, when it has one: it names the plan and is carried over with this scrub added.
        let previous_at = list_at.as_deref().map(manifest_path);
        let manifest_at = self.manifest.clone().or_else(|| (!to_stdout).then(|| manifest_path(&self.output)));
        // Before any input is read: the output and its manifest must be replaceable, two files, and none of the
        // inputs (the list's own manifest is one).
        let mut inputs: Vec<&Path> = self.exclude.iter().map(PathBuf::as_path).collect();
        inputs.extend(self.suppress.iter().map(Path::new));
        inputs.push(Path::new(&self.list));
        inputs.extend(previous_at.as_deref());
        if let Some(plan) = self.plan.as_deref().filter(|p| !Plan::embedded_names().any(|n| n.eq_ignore_ascii_case(p)))
        {
            inputs.push(Path::new(plan));
        }
        let registry_files = super::list::registry_files(self.registry.as_deref());
        inputs.extend(registry_files.iter().map(PathBuf::as_path));
        let targets: Vec<&Path> =
            (!to_stdout).then_some(self.output.as_path()).into_iter().chain(manifest_at.as_deref()).collect();
        output::check_outputs(&targets, &inputs)?;
        // The list and its manifest, read as a pair under the folder's shared lock.
        let (previous, input) = match (&list_at, &previous_at) {
            (Some(list), Some(at)) => {
                let _lock = output::lock_folder(list)?;
                let previous = std::fs::symlink_metadata(at).is_ok().then(|| ListManifest::load(at)).transpose()?;
                (previous, Some(crate::foundation::open::open(list)?))
            }
            _ => (None, None),
        };
        // A list with a manifest is read back against it first: the generation carried over is the list's own.
        let mut order = None;
        let mut checked = None;
        if let (Some(m), Some(at), Some(list), Some(input)) = (&previous, &previous_at, &list_at, &input) {
            if m.list.is_none() && !self.accept_unbound {
                return Err(Error::Request(unbound(list, at, "scrub")));
            }
            // A list of another permutation version, or a list-assisted one (whose order depends on known
            // databases the manifest does not carry), is checked by its bytes only (its order cannot be rebuilt,
            // nor continued).
            let rebuildable = |g: &&crate::generate::list_manifest::Generation| {
                g.permutation_version == crate::generate::permute::PERMUTATION_VERSION
                    && g.design
                        .as_ref()
                        .is_none_or(|d| d.kind != "list-assisted" && !d.kind.starts_with("mitofsky-waksberg"))
            };
            if let Some(g) = m.generation.as_ref().filter(rebuildable) {
                order = Some(g.order(at)?);
            }
            let mut file = &input.file;
            checked = Some(m.check_list(at, list, &mut file, order.as_ref().map(|(_, _, l)| l))?);
            file.seek(std::io::SeekFrom::Start(0)).map_err(|e| Error::io(list, e))?;
        }
        let plan = match (&self.plan, &order, previous.as_ref().and_then(|m| m.generation.as_ref()), &previous_at) {
            (Some(name), _, _, _) => Plan::resolve(name)?,
            (None, Some((plan, _, _)), _, _) => plan.clone(),
            (None, None, Some(g), Some(at)) => g.plan.plan(at)?,
            _ => Plan::resolve("cz")?,
        };
        let mut exclusions = load_exclusions(&plan, &self.exclude, &self.suppress, &self.reading, notes)?;
        if let Some(r) = &self.registry {
            registry_exclude(r, &mut exclusions, notes)?;
        }
        let mut file =
            if to_stdout { None } else { Some(output::AtomicFile::create(&self.output, output::Privacy::Personal)?) };
        let stdout = std::io::stdout();
        let to: Box<dyn Write> = match file.as_mut() {
            Some(f) => Box::new(f),
            None => Box::new(std::io::BufWriter::with_capacity(1 << 20, stdout.lock())),
        };
        let mut to = HashingWriter::new(to);
        let counts = match &input {
            None => crate::exclude::scrub::scrub("-", &mut std::io::stdin().lock(), &mut to, &exclusions),
            Some(input) => {
                let mut reader = std::io::BufReader::with_capacity(1 << 20, HashingReader::new(&input.file));
                let counts = crate::exclude::scrub::scrub(&self.list, &mut reader, &mut to, &exclusions);
                let read = reader.into_inner().finish().1;
                // The bytes scrubbed are the bytes checked: the list did not change in between.
                if let Some(c) = checked.as_ref().filter(|c| (c.bytes, &c.sha256) != (read.bytes, &read.sha256)) {
                    return Err(Error::Format {
                        path: PathBuf::from(&self.list),
                        message: format!(
                            "changed while it was scrubbed ({} bytes checked, {} read)",
                            c.bytes, read.bytes
                        ),
                    });
                }
                counts
            }
        }
        .map_err(|e| match e {
            Error::Output(io) if !to_stdout => Error::io(&self.output, io),
            other => other,
        })?;
        to.flush().map_err(|e| if to_stdout { Error::Output(e) } else { Error::io(&self.output, e) })?;
        let (to, written) = to.finish();
        drop(to);
        let names = exclusions.names();
        let mut sources = Vec::new();
        for ((name, kind), removed) in exclusion_sources(&self.exclude, &self.suppress).zip(&counts.removed) {
            sources.push(SourceRecord::of(&name, kind, *removed)?);
        }
        let mut manifest = previous.unwrap_or_else(|| ListManifest {
            kind: crate::generate::list_manifest::LIST_MANIFEST_KIND.into(),
            dialsim_version: env!("CARGO_PKG_VERSION").into(),
            list: None,
            generation: None,
            scrubs: Vec::new(),
        });
        manifest.dialsim_version = env!("CARGO_PKG_VERSION").into();
        manifest.scrubs.push(Scrub { input: self.list.clone(), read: counts.read, kept: counts.kept, sources });
        // The new manifest vouches for the scrubbed list; a kept number's position comes from the checked order.
        let last_row = counts.last_kept.clone().map(|number| ListRow {
            position: order.as_ref().and_then(|(_, _, l)| l.positions().of_digits(&number.as_bytes()[1..])),
            number,
        });
        manifest.list = Some(ListFile::of(&written, counts.kept, last_row));
        let mut files: Vec<output::AtomicFile> = file.into_iter().collect();
        if let Some(at) = &manifest_at {
            let mut m = output::AtomicFile::create(at, output::Privacy::Personal)?;
            m.write_all(manifest.to_json().as_bytes()).map_err(|e| Error::io(at, e))?;
            files.push(m);
        }
        output::commit_together(files)?;
        if let (Some(r), Some(at)) = (&self.registry, &manifest_at) {
            record_list(r, at, notes)?;
        }
        Ok(ScrubDone { counts, sources: names.iter().map(|s| s.to_string()).collect() })
    }
}
