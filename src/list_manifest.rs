//! A call list's identity: `LIST.manifest.json` beside the list records everything that fixes its order —
//! the plan's rows (and their hash), the selection, the permutation's version, the seed, the shard, the start
//! and the count — and the exclusion sources it was checked against, with their hashes. With it a list can be
//! continued exactly where it stopped, weeks and upgrades later, or refused when this dialsim cannot
//! reproduce its order; and a scrub of the list against today's sources is recorded beside it.
//!
//! The list's own bytes are never changed by its manifest. This module owns the record and the checks; it
//! never writes files (the caller does, through the output module).

use std::fmt::Write as _;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::digest::SourceRecord;
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::generate::{CallList, ListFormat, ListRequest, ListSummary, Shard};
use crate::plan::{NumberType, Plan};
use crate::space::{NumberSpace, Selection};

/// What a manifest says it is, so that no other JSON file is taken for one.
pub const LIST_MANIFEST_KIND: &str = "dialsim call list";

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
    /// The manifest of a list generated by `list` for `request`, with its summary and exclusion sources.
    pub fn generated(
        plan: &Plan,
        selection: &Selection,
        list: &CallList,
        request: &ListRequest,
        summary: &ListSummary,
        exclusions: Vec<SourceRecord>,
    ) -> ListManifest {
        let generation = Generation {
            plan: PlanRecord::of(plan),
            types: selection.types.iter().map(|t| t.as_str().to_string()).collect(),
            prefixes: selection.prefixes.clone(),
            lengths: selection.lengths.clone(),
            permutation_version: crate::permute::PERMUTATION_VERSION,
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
        };
        ListManifest {
            kind: LIST_MANIFEST_KIND.into(),
            dialsim_version: env!("CARGO_PKG_VERSION").into(),
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

    /// Reads a manifest file.
    pub fn load(path: &Path) -> Result<ListManifest> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
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
    /// Rebuilds the list and the request that goes on from where it stopped for `count` more positions
    /// (`None`: to the end of the space). Refuses when this dialsim cannot reproduce the recorded order: another
    /// permutation version, edited plan rows, or a last number that comes out differently.
    pub fn continuation(&self, manifest: &Path, count: Option<u64>, threads: usize) -> Result<Continuation> {
        let bad = |message: String| Error::Format { path: manifest.to_path_buf(), message };
        if self.permutation_version != crate::permute::PERMUTATION_VERSION {
            return Err(bad(format!(
                "the list was ordered by permutation version {}, this dialsim has version {}: its order cannot be \
                 reproduced, so continuing it could repeat or skip numbers; generate a new list (and suppress the \
                 numbers already called)",
                self.permutation_version,
                crate::permute::PERMUTATION_VERSION
            )));
        }
        if self.exhausted {
            return Err(bad("the list already reached the end of its number space: nothing is left".into()));
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
        if let (Some(p), Some(n)) = (self.last_index, &self.last_number) {
            let now = list.number_at(p);
            if now.to_string() != *n {
                return Err(bad(format!(
                    "position {p} held {n} when the list was written and holds {now} now: this dialsim does not \
                     reproduce the list's order"
                )));
            }
        }
        let shard: Shard = self.shard.parse().map_err(|e: String| bad(format!("recorded shard: {e}")))?;
        let format: ListFormat = self.format.parse().map_err(|e: String| bad(format!("recorded format: {e}")))?;
        let start = self.last_index.map_or(self.start, |p| p + 1);
        let request = ListRequest { start, count, shard, format, threads };
        Ok(Continuation { plan, selection, list, request, generation: self.clone() })
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

/// What [`scrub`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScrubCounts {
    /// Numbers read.
    pub read: u64,
    /// Numbers kept (written).
    pub kept: u64,
    /// Numbers removed, per source of `exclusions`.
    pub removed: Vec<u64>,
}

/// Copies the list read from `input` (`name` in errors) to `out` without the numbers any of `exclusions`
/// holds, keeping every other line — header, order and `index` column — byte for byte. A list is CSV whose
/// first field is an E.164 number (with a header line starting `number`) or one E.164 number per line.
pub fn scrub(
    name: &str,
    input: &mut dyn std::io::BufRead,
    out: &mut dyn std::io::Write,
    exclusions: &crate::exclude::Exclusions,
) -> Result<ScrubCounts> {
    let mut counts = ScrubCounts { removed: vec![0; exclusions.sources().len()], ..Default::default() };
    let mut line = Vec::new();
    let mut at = 0u64;
    loop {
        line.clear();
        // A list line is short: one much longer is not a list (a device, a binary file) and is refused.
        let n = std::io::Read::take(&mut *input, 4096).read_until(b'\n', &mut line).map_err(|e| Error::io(name, e))?;
        if n == 0 {
            break;
        }
        at += 1;
        if line.last() != Some(&b'\n') && n == 4096 {
            return Err(Error::input(name, Some(at), "not a call list: a line of more than 4096 bytes"));
        }
        let field = line.split(|&b| b == b',' || b == b'\n' || b == b'\r').next().unwrap_or(&[]);
        if at == 1 && field == b"number" {
            out.write_all(&line).map_err(Error::Output)?;
            continue;
        }
        let key = field
            .strip_prefix(b"+")
            .filter(|d| !d.is_empty() && d.len() <= 15 && d.iter().all(u8::is_ascii_digit))
            .and_then(|d| std::str::from_utf8(d).ok()?.parse::<u64>().ok())
            .ok_or_else(|| {
                Error::input(
                    name,
                    Some(at),
                    format!(
                        "'{}' is not an E.164 number (a call list written by dialsim generate)",
                        crate::error::snippet(&String::from_utf8_lossy(field))
                    ),
                )
            })?;
        counts.read += 1;
        match exclusions.source_of(key) {
            Some(i) => counts.removed[i] += 1,
            None => {
                counts.kept += 1;
                out.write_all(&line).map_err(Error::Output)?;
            }
        }
    }
    out.flush().map_err(Error::Output)?;
    Ok(counts)
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
