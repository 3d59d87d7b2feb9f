//! A call list's identity: `LIST.manifest.json` beside the list records everything that fixes its order —
//! the plan's rows (and their hash), the selection, the permutation's version, the seed, the shard, the start
//! and the count — and the exclusion sources it was checked against, with their hashes. With it a list can be
//! continued exactly where it stopped, weeks and upgrades later, or refused when this dialsim cannot
//! reproduce its order; and a scrub of the list against today's sources is recorded beside it.
//!
//! The manifest also binds the list to its bytes (`binding`): the list file's size, SHA-256, rows and last row.
//! A list is continued or scrubbed only after the file has been read back and found to be the recorded list,
//! number by number, so an edited manifest or list file is refused instead of repeating or skipping numbers.
//!
//! The list's own bytes are never changed by its manifest. This module owns the record and the checks; it
//! never writes files (the caller does, through the output module).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod binding;

pub use binding::{HashingReader, ListFile, ListRow};

pub use crate::foundation::digest::SourceRecord;
use crate::foundation::digest::{FileDigest, sha256_hex};
use crate::foundation::error::{Error, Param, Result, message};
use crate::generate::{CallList, ListFormat, ListRequest, ListSummary, Shard};
use crate::plan::space::{NumberSpace, Selection};
use crate::plan::{NumberType, Plan};

/// What a manifest says it is, so that no other JSON file is taken for one.
pub const LIST_MANIFEST_KIND: &str = "dialsim call list";

/// The most national prefixes a recorded selection may hold (more than any plan has rows, 4,221 for de).
const MAX_RECORDED_PREFIXES: usize = 10_000;

/// The manifest's path for a list at `list`: `LIST.manifest.json` beside it.
pub fn manifest_path(list: &Path) -> PathBuf {
    let mut name = list.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".manifest.json");
    list.with_file_name(name)
}

/// `LIST.manifest.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListManifest {
    /// Always [`LIST_MANIFEST_KIND`].
    pub kind: String,
    /// The dialsim version that wrote the manifest.
    pub dialsim_version: String,
    /// The list file this manifest vouches for, as written: its bytes, their SHA-256, its rows and last row.
    /// `None` in a manifest written before lists were bound to their bytes.
    #[serde(default)]
    pub list: Option<ListFile>,
    /// How the list was generated; `None` for a list of unknown origin (e.g. scrubbed without a manifest).
    pub generation: Option<Generation>,
    /// Re-checks of the list against exclusion sources, oldest first.
    #[serde(default)]
    pub scrubs: Vec<Scrub>,
}

/// Everything that fixes a generated list's order and content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    /// The plan: name, provenance comments, rows as CSV, and the rows' SHA-256.
    pub plan: PlanRecord,
    /// Number types drawn (libphonenumber names).
    pub types: Vec<String>,
    /// National prefixes kept (empty: all).
    pub prefixes: Vec<String>,
    /// National lengths kept (empty: all).
    pub lengths: Vec<u8>,
    /// Version of the permutation ([`crate::PERMUTATION_VERSION`]).
    pub permutation_version: u32,
    /// The seed.
    pub seed: u64,
    /// Shard `K/N`.
    pub shard: String,
    /// First list position.
    pub start: u64,
    /// Positions asked for from `start` (`None`: to the end of the space).
    pub count: Option<u64>,
    /// `csv` or `txt`.
    pub format: String,
    /// Numbers written.
    pub written: u64,
    /// List positions examined.
    pub scanned: u64,
    /// Position of the last number written.
    pub last_index: Option<u64>,
    /// The number at `last_index` (E.164): a continuation regenerates it to prove the order is reproduced.
    pub last_number: Option<String>,
    /// Whether the space ran out before the count was met.
    pub exhausted: bool,
    /// Exclusion sources the list was checked against, in order.
    pub exclusions: Vec<SourceRecord>,
    /// The list this one continues (its manifest's path as given), if any.
    #[serde(default)]
    pub continues: Option<String>,
    /// A stratified list's mix of types, `mobile=0.7,fixedLine=0.3` (absent: uniform over the space).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix: Option<String>,
    /// The libphonenumber metadata version the plan was derived from (its `# metadata:` comment); absent for
    /// a plan written by hand, and in manifests written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_version: Option<String>,
    /// The sampling design and each stratum's inclusion probability; absent in manifests written before it
    /// was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<DesignRecord>,
}

/// A list's sampling design, as recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DesignRecord {
    /// `uniform` (every number of the space equally likely), `stratified` (a mix of types), `list-assisted`
    /// (Casady–Lepkowski: banks with known numbers and the rest), `mitofsky-waksberg` (stage 1: one primary
    /// number per bank drawn) or `mitofsky-waksberg-stage2` (the further numbers of the retained banks); see
    /// docs/sampling.md.
    pub kind: String,
    /// List-assisted: numbers per bank (100 or 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<u64>,
    /// List-assisted: known numbers a bank needs to be listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_listed: Option<u32>,
    /// List-assisted: the zero banks' sampling rate relative to the listed banks' (0: left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zero_rate: Option<f64>,
    /// List-assisted: listed banks holding numbers of the space.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_banks: Option<u64>,
    /// Mitofsky–Waksberg stage 2: eligible numbers wanted per retained bank, its primary included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<u32>,
    /// Mitofsky–Waksberg stage 2: banks whose primary number was eligible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retained_banks: Option<u64>,
    /// List-assisted: the known databases the banks' density came from (their numbers are excluded too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub density_sources: Vec<SourceRecord>,
    /// The list positions sampled, all shards together: `[start, end)`.
    pub positions: [u64; 2],
    /// Each stratum: its numbers, those drawn, and their inclusion probability (design weight = 1 / it).
    pub strata: Vec<DesignStratumRecord>,
}

/// One stratum of a recorded design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DesignStratumRecord {
    /// `all`, a type name, `listed` or `zero`.
    pub name: String,
    /// Numbers of the stratum in the space.
    pub numbers: u64,
    /// List positions of the stratum in the sampled range (excluded numbers included).
    pub drawn: u64,
    /// `drawn / numbers`.
    pub probability: f64,
}

impl DesignRecord {
    /// The design of `list` as written for `request` with `summary`.
    pub fn of(list: &CallList, request: &ListRequest, summary: &ListSummary) -> DesignRecord {
        let range = list.sample_range(request, summary);
        let strata = list
            .inclusion(range.clone())
            .into_iter()
            .map(|s| DesignStratumRecord {
                name: s.name,
                numbers: s.numbers,
                drawn: s.drawn,
                probability: s.probability,
            })
            .collect();
        let d = list.design();
        let kind = match (d, list.mix().is_empty()) {
            _ if list.two_stage().is_some() => "mitofsky-waksberg",
            (Some(_), _) => "list-assisted",
            (None, true) => "uniform",
            (None, false) => "stratified",
        };
        DesignRecord {
            kind: kind.into(),
            bank: d.map(|d| d.bank).or(list.two_stage().map(|_| crate::generate::MW_BANK)),
            min_listed: d.map(|d| d.min_listed),
            zero_rate: d.map(|d| d.zero_rate),
            listed_banks: d.map(|d| d.listed_banks),
            k: None,
            retained_banks: None,
            density_sources: Vec::new(),
            positions: [range.start, range.end],
            strata,
        }
    }
}

/// A plan as recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanRecord {
    /// Embedded name or file path.
    pub name: String,
    /// The plan's comment lines (source and metadata version of a derived plan).
    pub provenance: Vec<String>,
    /// `region,type,prefix,length` rows with their header.
    pub rows_csv: String,
    /// SHA-256 of `rows_csv`.
    pub sha256: String,
}

/// One re-check of a list against exclusion sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scrub {
    /// The list that was scrubbed (path as given).
    pub input: String,
    /// Numbers read.
    pub read: u64,
    /// Numbers kept.
    pub kept: u64,
    /// The sources, each with the numbers it removed.
    pub sources: Vec<SourceRecord>,
}

/// The plan rows of `plan` as CSV, with the header the plan reader expects.
fn rows_csv(plan: &Plan) -> String {
    let mut s = String::from("region,type,prefix,length\n");
    for r in plan.rows() {
        let _ = writeln!(s, "{},{},{},{}", r.region, r.kind.as_str(), r.prefix, r.length);
    }
    s
}

impl PlanRecord {
    /// The record of `plan`.
    pub fn of(plan: &Plan) -> PlanRecord {
        let rows_csv = rows_csv(plan);
        PlanRecord {
            name: plan.name().to_string(),
            provenance: plan.comments().to_vec(),
            sha256: sha256_hex(rows_csv.as_bytes()),
            rows_csv,
        }
    }

    /// The plan the rows describe, checked against the recorded hash.
    pub fn plan(&self, manifest: &Path) -> Result<Plan> {
        if sha256_hex(self.rows_csv.as_bytes()) != self.sha256 {
            return Err(Error::Format {
                path: manifest.to_path_buf(),
                message: "the plan rows do not match their recorded hash (the manifest was edited)".into(),
            });
        }
        let mut text = String::new();
        for c in &self.provenance {
            let _ = writeln!(text, "# {c}");
        }
        text.push_str(&self.rows_csv);
        Plan::parse(&format!("{} (plan recorded in {})", self.name, manifest.display()), text.as_bytes())
    }
}

impl ListManifest {
    /// The manifest of a list generated by `list` for `request`, with its summary and exclusion sources; the
    /// list's bytes had `written` digest.
    pub fn generated(
        plan: &Plan,
        selection: &Selection,
        list: &CallList,
        request: &ListRequest,
        summary: &ListSummary,
        exclusions: Vec<SourceRecord>,
        written: &FileDigest,
    ) -> ListManifest {
        let generation = Generation {
            plan: PlanRecord::of(plan),
            types: selection.types.iter().map(|t| t.as_str().to_string()).collect(),
            prefixes: selection.prefixes.clone(),
            lengths: selection.lengths.clone(),
            permutation_version: crate::generate::permute::PERMUTATION_VERSION,
            seed: list.seed(),
            shard: format!("{}/{}", request.shard.index, request.shard.count),
            start: request.start,
            count: request.count,
            format: request.format.to_string(),
            written: summary.written,
            scanned: summary.scanned,
            last_index: summary.last_index,
            last_number: summary.last_index.map(|p| list.number_at(p).to_string()),
            exhausted: summary.exhausted(),
            exclusions,
            continues: None,
            mix: (!list.mix().is_empty()).then(|| format_mix(list.mix())),
            metadata_version: plan.metadata_version().map(str::to_string),
            design: Some(DesignRecord::of(list, request, summary)),
        };
        let last_row = generation
            .last_index
            .zip(generation.last_number.clone())
            .map(|(p, n)| ListRow { position: Some(p), number: n });
        ListManifest {
            kind: LIST_MANIFEST_KIND.into(),
            dialsim_version: env!("CARGO_PKG_VERSION").into(),
            list: Some(ListFile::of(written, summary.written, last_row)),
            generation: Some(generation),
            scrubs: Vec::new(),
        }
    }

    /// The manifest as pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest serialises");
        s.push('\n');
        s
    }

    /// Reads a manifest file (a regular file of at most [`crate::foundation::open::Bound::MANIFEST`] bytes, reached
    /// without a symbolic link out of its folder).
    pub fn load(path: &Path) -> Result<ListManifest> {
        let text = crate::foundation::open::read_to_string(path, crate::foundation::open::Bound::MANIFEST)?;
        let m: ListManifest = serde_json::from_str(&text).map_err(|e| {
            Error::input(path.display().to_string(), Some(e.line() as u64), format!("not a list manifest: {e}"))
        })?;
        if m.kind != LIST_MANIFEST_KIND {
            return Err(Error::Format { path: path.to_path_buf(), message: "not a dialsim list manifest".into() });
        }
        Ok(m)
    }
}

/// A mix written as `generate --mix` reads it: `mobile=0.7,fixedLine=0.3`.
pub fn format_mix(mix: &[(NumberType, f64)]) -> String {
    mix.iter().map(|(t, s)| format!("{t}={s}")).collect::<Vec<_>>().join(",")
}

/// A list rebuilt from its manifest, ready to be continued.
#[derive(Debug)]
pub struct Continuation {
    /// The plan from the manifest's rows.
    pub plan: Plan,
    /// The selection.
    pub selection: Selection,
    /// The list (same plan, selection and seed).
    pub list: CallList,
    /// The request that continues it: next position, same shard and format, `count` positions.
    pub request: ListRequest,
    /// The recorded generation.
    pub generation: Generation,
}

impl Generation {
    /// Rebuilds the list this generation describes: plan, selection, seed and mix. Refuses when this dialsim
    /// cannot reproduce the recorded order — another permutation version, edited plan rows, a recorded
    /// position outside the list, or a last number that comes out differently.
    pub fn order(&self, manifest: &Path) -> Result<(Plan, Selection, CallList)> {
        let (plan, selection, list) = self.rebuild(manifest)?;
        self.check_last_number(manifest, &list)?;
        Ok((plan, selection, list))
    }

    /// [`Generation::order`] without the last number's check.
    fn rebuild(&self, manifest: &Path) -> Result<(Plan, Selection, CallList)> {
        let bad = |message: String| Error::Format { path: manifest.to_path_buf(), message };
        if self.permutation_version != crate::generate::permute::PERMUTATION_VERSION {
            return Err(bad(format!(
                "the list was ordered by permutation version {}, this dialsim has version {}: its order cannot be \
                 reproduced, so continuing it could repeat or skip numbers; generate a new list (and suppress the \
                 numbers already called)",
                self.permutation_version,
                crate::generate::permute::PERMUTATION_VERSION
            )));
        }
        // A selection's prefixes are compared pairwise when the space is built: a manifest's are bounded first.
        if self.prefixes.len() > MAX_RECORDED_PREFIXES {
            return Err(bad(format!(
                "records {} prefixes; a list's selection has at most {MAX_RECORDED_PREFIXES}",
                self.prefixes.len()
            )));
        }
        // A design a manifest cannot continue: the request cannot be met, the manifest is whole.
        let (at, next) = (manifest.display(), || self.last_index.map_or(self.start, |l| l + 1));
        if let Some(d) = self.design.as_ref().filter(|d| d.kind.starts_with("mitofsky-waksberg")) {
            return Err(Error::Invalid(message![
                format!(
                    "{at}: the list is {}: a two-stage list is not continued by its manifest; draw more banks with \
                     the same plan, selection, seed, ",
                    d.kind
                ),
                Param::Design,
                " and ",
                Param::Start,
                format!(" {}", next())
            ]));
        }
        if let Some(d) = self.design.as_ref().filter(|d| d.kind == "list-assisted") {
            return Err(Error::Invalid(message![
                format!(
                    "{at}: the list is {}: its order depends on the known databases that gave the banks' density, \
                     which a manifest does not carry; generate the rest with the same plan, seed, ",
                    d.kind
                ),
                Param::Design,
                ", ",
                Param::Known,
                " files and ",
                Param::Start,
                format!(" {}", next())
            ]));
        }
        let plan = self.plan.plan(manifest)?;
        let types = self
            .types
            .iter()
            .map(|t| t.parse::<NumberType>().map_err(|e| bad(format!("recorded type: {e}"))))
            .collect::<Result<Vec<_>>>()?;
        let selection = Selection { types, prefixes: self.prefixes.clone(), lengths: self.lengths.clone() };
        let list = match &self.mix {
            Some(mix) => {
                let mix = crate::scenario::parse_mix(mix).map_err(|e| bad(format!("recorded mix: {e}")))?;
                CallList::mixed(&plan, &selection, &mix, self.seed)?
            }
            None => CallList::new(NumberSpace::new(&plan, &selection)?, self.seed),
        };
        // Positions are checked against the list before any is used: one past its end has no number (and the
        // permutation would walk forever looking for one).
        let len = list.len();
        if self.start > len {
            return Err(bad(format!(
                "records start position {}, past the end of the list's {len} positions",
                self.start
            )));
        }
        if let Some(p) = self.last_index
            && (p >= len || p < self.start)
        {
            return Err(bad(format!(
                "records position {p} as the last one written, outside the list's positions {}..{len}",
                self.start
            )));
        }
        Ok((plan, selection, list))
    }

    /// Checks that the recorded last position holds the recorded last number on `list` (rebuilt).
    fn check_last_number(&self, manifest: &Path, list: &CallList) -> Result<()> {
        if let Some(p) = self.last_index {
            let now = list.number_at(p);
            if self.last_number.as_deref() != Some(now.to_string().as_str()) {
                return Err(Error::Format {
                    path: manifest.to_path_buf(),
                    message: format!(
                        "position {p} held {} when the list was written and holds {now} now: the manifest was \
                         edited, or this dialsim does not reproduce the list's order",
                        self.last_number.as_deref().map_or("no number".into(), binding::shorten)
                    ),
                });
            }
        }
        Ok(())
    }

    /// Rebuilds the list ([`Generation::order`]) and the request that goes on from where it stopped for
    /// `count` more positions (`None`: to the end of the space). Only the manifest is consulted: use
    /// [`ListManifest::continuation`] to check the list file too.
    pub fn continuation(&self, manifest: &Path, count: Option<u64>, threads: usize) -> Result<Continuation> {
        let (plan, selection, list) = self.rebuild(manifest)?;
        self.check_last_number(manifest, &list)?;
        self.continue_with(manifest, plan, selection, list, count, threads)
    }

    /// The continuation of the rebuilt list.
    fn continue_with(
        &self,
        manifest: &Path,
        plan: Plan,
        selection: Selection,
        list: CallList,
        count: Option<u64>,
        threads: usize,
    ) -> Result<Continuation> {
        let bad = |message: String| Error::Format { path: manifest.to_path_buf(), message };
        if self.exhausted {
            return Err(bad("the list already reached the end of its number space: nothing is left".into()));
        }
        let shard: Shard = self.shard.parse().map_err(|e: String| bad(format!("recorded shard: {e}")))?;
        let format: ListFormat = self.format.parse().map_err(|e: String| bad(format!("recorded format: {e}")))?;
        let start = self.last_index.map_or(self.start, |p| p + 1);
        let request = ListRequest { start, count, shard, format, threads };
        Ok(Continuation { plan, selection, list, request, generation: self.clone() })
    }
}

impl ListManifest {
    /// The continuation of the list file `list_at`, read from `input`, whose manifest this is (read from
    /// `manifest_at`): the list is rebuilt from the generation and the file checked against it
    /// ([`ListManifest::check_list`]) before anything is generated; then as [`Generation::continuation`]. Every
    /// number the file holds lies before the continuation's start, so the continuation repeats none of them.
    ///
    /// ```
    /// use dialsim::{ListManifest, ListRequest};
    /// let dir = tempfile::tempdir()?;
    /// let (list_at, manifest_at) = (dir.path().join("l.csv"), dir.path().join("l.csv.manifest.json"));
    /// let plan = dialsim::Plan::embedded("cz")?;
    /// let selection = dialsim::Selection::default();
    /// let list = dialsim::CallList::new(dialsim::NumberSpace::new(&plan, &selection)?, 7);
    /// let request = ListRequest { count: Some(100), ..Default::default() };
    /// let mut out = dialsim::HashingWriter::new(Vec::new());
    /// let summary = list.write(&request, &dialsim::NoExclusion, &mut out, &mut |_| {})?;
    /// let (bytes, digest) = out.finish();
    /// let manifest = ListManifest::generated(&plan, &selection, &list, &request, &summary, vec![], &digest);
    /// let next = manifest.continuation(&manifest_at, &list_at, &mut bytes.as_slice(), Some(50), 1)?;
    /// assert_eq!(next.request.start, 100);
    /// // A manifest moved back would repeat numbers: refused.
    /// let mut moved = manifest.clone();
    /// moved.generation.as_mut().unwrap().last_index = Some(10);
    /// assert!(moved.continuation(&manifest_at, &list_at, &mut bytes.as_slice(), Some(50), 1).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn continuation(
        &self,
        manifest_at: &Path,
        list_at: &Path,
        input: &mut dyn std::io::Read,
        count: Option<u64>,
        threads: usize,
    ) -> Result<Continuation> {
        let generation = self.generation.as_ref().ok_or_else(|| Error::Format {
            path: manifest_at.to_path_buf(),
            message: "does not record how the list was generated".into(),
        })?;
        let (plan, selection, list) = generation.rebuild(manifest_at)?;
        // The file first: it tells an edited manifest from an order this dialsim does not reproduce.
        self.check_list(manifest_at, list_at, input, Some(&list))?;
        generation.check_last_number(manifest_at, &list)?;
        generation.continue_with(manifest_at, plan, selection, list, count, threads)
    }
}

/// How today's sources differ from the recorded ones: one line per change (empty when none).
pub fn source_changes(recorded: &[SourceRecord], today: &[SourceRecord]) -> Vec<String> {
    let mut changes = Vec::new();
    for r in recorded {
        match today.iter().find(|t| t.name == r.name) {
            None => changes.push(format!("{} is no longer used", r.name)),
            Some(t) if t.sha256 != r.sha256 => changes.push(format!("{} changed since the list was written", r.name)),
            Some(_) => {}
        }
    }
    for t in today {
        if !recorded.iter().any(|r| r.name == t.name) {
            changes.push(format!("{} is new", t.name));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_path_sits_beside_the_list() {
        assert_eq!(manifest_path(Path::new("out/list.csv")), PathBuf::from("out/list.csv.manifest.json"));
    }

    #[test]
    fn plan_rows_round_trip_and_edits_are_refused() {
        let plan = Plan::embedded("sk").unwrap();
        let rec = PlanRecord::of(&plan);
        let back = rec.plan(Path::new("m.json")).unwrap();
        assert_eq!(back.rows().len(), plan.rows().len());
        assert!(
            back.rows()
                .iter()
                .zip(plan.rows())
                .all(|(a, b)| (&a.prefix, a.length, a.kind) == (&b.prefix, b.length, b.kind))
        );
        let edited = PlanRecord { rows_csv: rec.rows_csv.replacen(",9", ",8", 1), ..rec };
        assert!(edited.plan(Path::new("m.json")).unwrap_err().to_string().contains("recorded hash"));
    }

    #[test]
    fn source_changes_name_each_change() {
        let r = |name: &str, h: &str| SourceRecord {
            name: name.into(),
            kind: "suppression".into(),
            sha256: Some(h.into()),
            excluded: 0,
        };
        let c = source_changes(&[r("a", "1"), r("b", "2")], &[r("a", "1"), r("b", "3"), r("c", "4")]);
        assert_eq!(c, vec!["b changed since the list was written", "c is new"]);
        assert!(source_changes(&[r("a", "1")], &[r("a", "1")]).is_empty());
    }
}
