//! A run folder audited again from its files, against the exclusion sources and registry the caller gives.

use std::path::PathBuf;

use super::reading::{Note, Notes, Reading, load_exclusions_dialling};
use crate::compliance::{AuditOptions, AuditReport, KnownHit, audit_folder, read_run_scenario};
use crate::exclude::{Exclusions, Source};
use crate::foundation::error::{Error, Message, Param, Result, message};
use crate::plan::Plan;
use crate::scenario::Profile;

/// A run folder to audit.
#[derive(Clone, Debug)]
pub struct AuditJob {
    /// The run folder.
    pub dir: PathBuf,
    /// Bloom filters of known databases: a dialled number on one is possibly known.
    pub exclude: Vec<PathBuf>,
    /// Exact suppression lists: a dialled number on one is a violation.
    pub suppress: Vec<String>,
    /// How the suppression lists are read.
    pub reading: Reading,
    /// Read the exclusion sources (and plan file) the run's scenario names, too. Off, a run folder from
    /// elsewhere cannot make the audit read, or echo, files it names.
    pub follow_scenario_paths: bool,
    /// The key file the run's manifest was signed with.
    pub key: Option<PathBuf>,
    /// The folder predates manifests.
    pub without_manifest: bool,
    /// Audit under this compliance profile instead of the run's.
    pub profile: Option<Profile>,
    /// A registry whose suppressions the run should have kept, as the run read it (feature `registry`).
    pub registry: Option<String>,
}

/// How a source given to the audit relates to the sources the run read (matched by content).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceMatch {
    /// The source given is the run's source of this name.
    Same {
        /// The source given.
        given: String,
        /// The run's name for it.
        recorded: String,
    },
    /// The source given is none of the run's (its content differs from each).
    Other(String),
    /// The source given could not be read to be matched.
    Unread {
        /// The source given.
        given: String,
        /// Why.
        error: String,
    },
}

/// What an audit found.
#[derive(Debug)]
pub struct AuditDone {
    /// The audit's findings.
    pub report: AuditReport,
    /// Each source given, matched to the run's (none without a manifest).
    pub sources: Vec<SourceMatch>,
    /// Whether a key was given (a signed manifest is checked only with one).
    pub keyed: bool,
    /// Whether the folder was audited as predating manifests ([`AuditJob::without_manifest`]).
    pub without_manifest: bool,
}

impl AuditDone {
    /// Writes the findings to `out` as the JSON document `audit --json` prints ([`crate::report::AuditJson`]),
    /// naming the folder `folder` and saying whether Bloom hits counted as violations (`strict_bloom`).
    pub fn write_json(&self, out: &mut dyn std::io::Write, folder: &str, strict_bloom: bool) -> std::io::Result<()> {
        use crate::report::Export;
        crate::report::AuditJson { folder: folder.to_string(), strict_bloom }.write(out, &self.report)
    }

    /// Tells `notes` what the audit could not check before its findings: the manifest's absence or an
    /// unchecked signature, how each source given matched the run's, and (unless the findings go out as JSON)
    /// the warnings of the run's law.
    pub fn tell_checks(&self, json: bool, notes: &mut Notes<'_>) {
        match &self.report.manifest {
            None if self.without_manifest => notes(Note::Info(message![
                "not checked: manifest (the folder has no manifest.json; ",
                Param::WithoutManifest,
                ": it predates them)"
            ])),
            None => notes(Note::Info(message![
                "a folder written before dialsim wrote manifests is audited with ",
                Param::WithoutManifest
            ])),
            Some(m) => {
                if !self.keyed && m.signature.is_some() {
                    notes(Note::Info(message![
                        "not checked: signature (the manifest is signed; give the run's key with ",
                        Param::Key,
                        ")"
                    ]));
                }
                for source in &self.sources {
                    let text = match source {
                        SourceMatch::Same { given, recorded } => format!("{given} is the run's source {recorded}"),
                        SourceMatch::Other(given) => {
                            format!("{given} is not one of the sources the run read (its content differs)")
                        }
                        SourceMatch::Unread { given, error } => {
                            format!("{given} not matched to the run's sources: {error}")
                        }
                    };
                    notes(Note::Info(text.into()));
                }
            }
        }
        if !json {
            for w in self.report.scenario.law_warnings() {
                notes(Note::Warning(w));
            }
        }
    }

    /// The findings as `dialsim audit` writes them: a line per violation and per possibly known number (`call
    /// ID`, or `-`, then the rule, the detail and where, tab-separated).
    pub fn write_text(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for v in self.report.violations.iter().chain(&self.report.possibly_known) {
            let at = v.at.as_ref().map(|p| format!("\t{p}")).unwrap_or_default();
            match v.call_id {
                Some(c) => writeln!(out, "call {c}\t{}\t{}{at}", v.rule, v.detail)?,
                None => writeln!(out, "-\t{}\t{}{at}", v.rule, v.detail)?,
            }
        }
        Ok(())
    }

    /// Tells `notes` the verdict after the findings: what was audited, under which law, the violations by
    /// rule, the Bloom filter's possible hits (counted as violations under `strict_bloom`), and what no audit
    /// of the folder can prove.
    pub fn tell_verdict(&self, strict_bloom: bool, notes: &mut Notes<'_>) {
        let report = &self.report;
        let total = report.violations.len();
        let bloom = report.possibly_known.len();
        let found = if total == 0 {
            "no violations".to_string()
        } else {
            let parts: Vec<String> = report.by_rule().iter().map(|(r, n)| format!("{r} {n}")).collect();
            format!("{total} violations ({})", parts.join(", "))
        };
        let mut m = Message::from(format!(
            "audited {} calls, {} suppression entries, {} receipts, {} names under {} [{}]: {found}",
            report.calls,
            report.suppression_entries,
            report.receipts,
            report.names,
            report.scenario.compliance.profile.as_str(),
            report.scenario.law_summary()
        ));
        if bloom > 0 {
            m = m.then(message![format!("; {bloom} possibly known (Bloom filter; false positives possible")]);
            m = m.then(if strict_bloom {
                message![", counted: ", Param::StrictBloom, ")"]
            } else {
                message![", not counted without ", Param::StrictBloom, ")"]
            });
        }
        notes(Note::Info(m));
        if let Some(gap) = report.unproven() {
            notes(Note::Info(if self.keyed {
                format!("not provable: {gap}").into()
            } else {
                message![
                    format!("not provable: {gap}: sign the run (simulate "),
                    Param::Key,
                    ") and audit with ",
                    Param::Key
                ]
            }));
        }
    }
}

impl AuditJob {
    /// Audits the folder. What was not checked, and why, is told as [`Note::Info`]s and
    /// [`Note::Warning`]s.
    pub fn run(&self, notes: &mut Notes<'_>) -> Result<AuditDone> {
        let key = self.key.as_ref().map(crate::output::manifest::read_key).transpose()?;
        let scenario = read_run_scenario(&self.dir)?;
        let mut exclusions = Exclusions::new();
        let suppress = scenario.suppression_paths();
        let recorded: Vec<&String> = scenario.numbers.exclude.iter().chain(&suppress).collect();
        let given = !self.exclude.is_empty() || !self.suppress.is_empty();
        if !self.follow_scenario_paths && !recorded.is_empty() && !given {
            let names = recorded.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ");
            notes(Note::Info(message![
                format!("not checked: known-number (the run's scenario names {names}); give the source lists with "),
                Param::Exclude,
                "/",
                Param::Suppress,
                ", or add ",
                Param::FollowScenarioPaths,
                " to read the recorded paths"
            ]));
        }
        if self.follow_scenario_paths || given {
            // The plan reads the sources' numbers. A plan the run read from a file is such a recorded path too.
            let spec = scenario.numbers.plan.trim();
            if !self.follow_scenario_paths && !Plan::embedded_names().any(|n| n.eq_ignore_ascii_case(spec)) {
                return Err(Error::Request(message![
                    format!("the run's numbering plan is the file {spec}, which its summary names: add "),
                    Param::FollowScenarioPaths,
                    " to read it (the numbers of ",
                    Param::Exclude,
                    "/",
                    Param::Suppress,
                    " are read with it)"
                ]));
            }
            let plan = Plan::resolve(spec)?;
            if self.follow_scenario_paths {
                exclusions.append(crate::sim::scenario_exclusions(&scenario, &plan)?);
            }
            // A run that may have dialled other countries' numbers (a list's) takes their sources too.
            let others = || {
                if scenario.may_dial_abroad() {
                    crate::compliance::dialled_countries(&self.dir)
                } else {
                    Ok(Vec::new())
                }
            };
            exclusions.append(load_exclusions_dialling(
                &plan,
                &others,
                &self.exclude,
                &self.suppress,
                &self.reading,
                notes,
            )?);
        }
        if let Some(r) = &self.registry {
            registry_as_read(r, &self.dir, &mut exclusions, notes)?;
        }
        // An exact list's hit is certain; a Bloom filter's only possible (false positives).
        let known = |k: u64| -> Option<KnownHit> {
            let sources = exclusions.sources();
            let hit = |exact: bool| {
                sources.iter().find(|(_, s)| matches!(s, Source::Suppression(_)) == exact && s.contains_key(k))
            };
            hit(true)
                .map(|(n, _)| KnownHit { source: n.clone(), certain: true })
                .or_else(|| hit(false).map(|(n, _)| KnownHit { source: n.clone(), certain: false }))
        };
        let keyed = key.is_some();
        let options = AuditOptions {
            profile: self.profile,
            key,
            known: (!exclusions.is_empty()).then_some(&known as &dyn Fn(u64) -> _),
            without_manifest: self.without_manifest,
        };
        let report = audit_folder(&self.dir, &options)?;
        let mut sources = Vec::new();
        if let Some(m) = &report.manifest {
            // Sources given here are matched to the run's by content.
            let given = self.exclude.iter().map(|p| p.display().to_string()).chain(self.suppress.iter().cloned());
            for name in given.filter(|n| n != "-") {
                let hash = crate::foundation::open::open(name.as_ref()).and_then(|mut i| {
                    crate::foundation::digest::digest_reader(&mut i.file).map_err(|e| Error::io(&name, e))
                });
                sources.push(match hash.map(|d| d.sha256) {
                    Ok(hash) => match m.sources.iter().find(|s| s.sha256.as_deref() == Some(hash.as_str())) {
                        Some(s) => SourceMatch::Same { given: name, recorded: s.name.clone() },
                        None => SourceMatch::Other(name),
                    },
                    Err(e) => SourceMatch::Unread { given: name, error: e.to_string() },
                });
            }
        }
        Ok(AuditDone { report, sources, keyed, without_manifest: self.without_manifest })
    }
}

#[cfg(feature = "registry")]
/// The registry's suppressions as the run read them, added to `exclusions`.
fn registry_as_read(
    location: &str,
    dir: &std::path::Path,
    exclusions: &mut Exclusions,
    notes: &mut Notes<'_>,
) -> Result<()> {
    let read = crate::registry::as_the_run_read(location, dir)?;
    match &read.recorded {
        Some(state) if state.registry != read.location => {
            notes(Note::Warning(format!("the run read the registry {}, not {}", state.registry, read.location)))
        }
        Some(_) => {}
        None => notes(Note::Info(
            format!(
                "the run recorded no registry state ({}): checked against the registry as it stands now",
                crate::registry::STATE_FILE
            )
            .into(),
        )),
    }
    exclusions.push(
        format!("registry:{location} as of source {}", read.as_of_source),
        Source::Suppression(crate::exclude::SuppressionList::from_keys(read.suppressed)),
    );
    Ok(())
}

#[cfg(not(feature = "registry"))]
fn registry_as_read(_: &str, _: &std::path::Path, _: &mut Exclusions, _: &mut Notes<'_>) -> Result<()> {
    Err(Error::Request("this build has no registry (feature `registry`)".into()))
}
