//! Mitofsky–Waksberg stage 2: the stage-1 list and its manifest give the banks drawn; the outcomes of
//! dialling it (a plain file of eligible primaries, or a simulate run's calls.csv) say which banks are
//! retained; the list written holds the retained banks' further numbers, each with its rank in its bank and its
//! inclusion probability.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::reading::{Notes, Reading, exclusion_sources, load_exclusions};
use crate::exclude::normalize::Normalizer;
use crate::foundation::digest::{HashingWriter, SourceRecord};
use crate::foundation::error::{Error, Param, Result, message};
use crate::generate::list_manifest::{
    DesignRecord, DesignStratumRecord, ListFile, ListManifest, ListRow, manifest_path,
};
use crate::output;
use crate::plan::NumberType;
use crate::plan::number::PhoneNumber;
use crate::plan::space::{NumberSpace, Selection};

/// The header of a stage-2 list.
const HEADER: &str = "number,type,region,bank,rank,probability\n";

/// Stage 2 of a Mitofsky–Waksberg sample: the further numbers of the banks whose primary was eligible.
#[derive(Clone, Debug, PartialEq)]
pub struct SecondStageJob {
    /// The stage-1 list (CSV, its manifest beside it).
    pub primaries: PathBuf,
    /// Files of the primary numbers found eligible (column `number`, else the first).
    pub eligible: Vec<PathBuf>,
    /// calls.csv files of a run that dialled the stage-1 list: a primary is eligible when a call to it did not
    /// end `not_in_service`.
    pub calls: Vec<PathBuf>,
    /// Eligible numbers wanted per retained bank, its primary included (k).
    pub cluster: u32,
    /// Further numbers listed per retained bank, in rank order; none: all 99.
    pub per_bank: Option<u64>,
    /// The most rows written; none: all.
    pub count: Option<u64>,
    /// The list file (`-`, standard output, is refused: the list and its manifest are written as a set).
    pub output: PathBuf,
    /// The manifest; none: beside the list.
    pub manifest: Option<PathBuf>,
    /// Bloom filters of known databases.
    pub exclude: Vec<PathBuf>,
    /// Exact suppression lists.
    pub suppress: Vec<String>,
    /// How the suppression lists are read.
    pub reading: Reading,
}

/// What stage 2 did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondStageDone {
    /// Primaries found eligible.
    pub eligible: usize,
    /// Primaries on the stage-1 list.
    pub primaries: usize,
    /// Banks retained.
    pub retained: usize,
    /// Banks drawn in stage 1.
    pub drawn: u64,
    /// Numbers written.
    pub written: usize,
    /// Calls to numbers not on the stage-1 list (referrals, calls of another list), ignored.
    pub not_on_list: u64,
}

impl SecondStageJob {
    /// Reads stage 1 and its outcomes, and writes the stage-2 list with its manifest as one commit.
    pub fn run(&self, notes: &mut Notes<'_>) -> Result<SecondStageDone> {
        if output::is_stdout(&self.output) {
            return Err(Error::Request(message![
                "stage 2 writes its list and manifest to a file: give ",
                Param::Out,
                " FILE.csv"
            ]));
        }
        if self.eligible.is_empty() && self.calls.is_empty() {
            return Err(Error::Request(message![
                "stage 2 needs the outcomes of dialling the primaries: ",
                Param::Eligible,
                " FILE.csv or ",
                Param::Calls,
                " calls.csv"
            ]));
        }
        let (primaries, output) = (self.primaries.as_path(), self.output.as_path());
        let max_rows = self.count.unwrap_or(u64::MAX);
        let manifest_at = self.manifest.clone().unwrap_or_else(|| manifest_path(output));
        let stage1_manifest = manifest_path(primaries);
        let mut inputs: Vec<&Path> = vec![primaries, &stage1_manifest];
        inputs.extend(self.eligible.iter().map(PathBuf::as_path));
        inputs.extend(self.calls.iter().map(PathBuf::as_path));
        inputs.extend(self.exclude.iter().map(PathBuf::as_path));
        inputs.extend(self.suppress.iter().map(Path::new));
        output::check_outputs(&[output, &manifest_at], &inputs)?;

        // Stage 1 as its manifest records it: plan, selection, seed, banks in the frame and banks drawn.
        let manifest = ListManifest::load(&stage1_manifest)?;
        let bad = |m: String| Error::Format { path: stage1_manifest.clone(), message: m };
        let g = manifest.generation.clone().ok_or_else(|| bad("records no generation".into()))?;
        let design = g.design.clone().filter(|d| d.kind == "mitofsky-waksberg").ok_or_else(|| {
            bad(format!(
                "is not the manifest of a Mitofsky–Waksberg stage-1 list (its design is {})",
                g.design.as_ref().map_or("not recorded", |d| d.kind.as_str())
            ))
        })?;
        if g.shard != "1/1" {
            // n1 counts the banks of every shard; the outcomes of one shard's banks would make π N times too high.
            // Not the manifest's fault: the request cannot be met with a shard of stage 1.
            let whole = format!(": records shard {}: stage 2 takes the outcomes of the whole stage-1 list", g.shard);
            let without = " (generate it without ";
            return Err(Error::Invalid(message![
                stage1_manifest.display().to_string(),
                whole,
                without,
                Param::Shard,
                ")"
            ]));
        }
        let [banks_stratum] = design.strata.as_slice() else {
            return Err(bad("records no stratum `banks`".into()));
        };
        let plan = g.plan.plan(&stage1_manifest)?;
        let types = g
            .types
            .iter()
            .map(|t| t.parse::<NumberType>().map_err(|e| bad(format!("type: {e}"))))
            .collect::<Result<Vec<_>>>()?;
        let selection = Selection { types, prefixes: g.prefixes.clone(), lengths: g.lengths.clone() };
        let sample = crate::generate::BankSample::new(NumberSpace::new(&plan, &selection)?, g.seed)?;
        if sample.banks() != banks_stratum.numbers {
            return Err(bad(format!(
                "records {} banks; its plan and selection hold {}",
                banks_stratum.numbers,
                sample.banks()
            )));
        }
        let drawn = banks_stratum.drawn;

        // The stage-1 list: every row a bank's primary for the recorded seed.
        let normalizer = Normalizer::for_plan(&plan);
        let mut on_list: Vec<(u64, PhoneNumber)> = Vec::new();
        for (line, number) in numbers_in(primaries, &normalizer, &["number"])? {
            if sample.position_of_primary(&number).is_none() {
                return Err(Error::input(
                    primaries.display().to_string(),
                    Some(line),
                    format!("{number} is not the primary number of its bank for seed {}", g.seed),
                ));
            }
            let bank = sample.bank_of(&number).ok_or_else(|| {
                Error::input(
                    primaries.display().to_string(),
                    Some(line),
                    format!("{number} lies in no bank of the plan"),
                )
            })?;
            on_list.push((bank, number));
        }
        let by_key: HashMap<u64, u64> = on_list.iter().map(|(b, n)| (n.key(), *b)).collect();

        // Which primaries were eligible.
        let mut eligible: HashSet<u64> = HashSet::new();
        for path in &self.eligible {
            for (line, number) in numbers_in(path, &normalizer, &["number", "phone", "e164"])? {
                if !by_key.contains_key(&number.key()) {
                    return Err(Error::input(
                        path.display().to_string(),
                        Some(line),
                        format!("{number} is not on the stage-1 list {}", primaries.display()),
                    ));
                }
                eligible.insert(number.key());
            }
        }
        let mut not_on_list = 0u64;
        for path in &self.calls {
            for (number, outcome) in calls_in(path, &normalizer)? {
                if !by_key.contains_key(&number.key()) {
                    not_on_list += 1; // a referral's number, or a call of another list
                    continue;
                }
                if outcome != "not_in_service" {
                    eligible.insert(number.key());
                }
            }
        }
        let retained: Vec<u64> = on_list.iter().filter(|(_, n)| eligible.contains(&n.key())).map(|(b, _)| *b).collect();

        let exclusions = load_exclusions(&plan, &self.exclude, &self.suppress, &self.reading, notes)?;
        let per_bank = self.per_bank.unwrap_or(crate::generate::MW_BANK);
        let mut rows = sample.second_stage_list(&retained, self.cluster, per_bank, drawn, &exclusions);
        let candidates = rows.len() as u64;
        rows.truncate(usize::try_from(max_rows).unwrap_or(usize::MAX));
        // Never a stage-1 number (a bank's primary is left out of its second stage; this holds it for edited lists).
        debug_assert!(rows.iter().all(|r| !by_key.contains_key(&r.number.key())));

        let mut text = String::from(HEADER);
        let space = sample.space();
        for r in &rows {
            let index = space
                .index_of(&r.number)
                .ok_or_else(|| Error::Invalid(format!("{} is not in the space", r.number).into()))?;
            let seg = &space.segments()[space.locate(index).0];
            text.push_str(&format!(
                "{},{},{},{},{},{}\n",
                r.number, seg.kind, seg.region, r.bank, r.rank, r.probability
            ));
        }
        let mut file = output::AtomicFile::create_direct(output, output::Privacy::Personal)?;
        let mut out = HashingWriter::new(&mut file);
        out.write_all(text.as_bytes()).map_err(|e| Error::io(output, e))?;
        let (_, digest) = out.finish();

        // The manifest: stage 1's generation, with this list's counts and design.
        let mut sizes: std::collections::BTreeMap<u64, (u64, u64)> = Default::default();
        for b in &retained {
            sizes.entry(sample.bank_size(*b)).or_default().0 += 1;
        }
        for r in &rows {
            sizes.entry(sample.bank_size(r.bank)).or_default().1 += 1;
        }
        let strata = sizes
            .iter()
            .map(|(&size, &(banks, listed))| DesignStratumRecord {
                name: format!("banks of {size}"),
                numbers: banks * size,
                drawn: listed,
                probability: crate::generate::mw_probability(drawn, sample.banks(), self.cluster, size),
            })
            .collect();
        let mut sources = Vec::new();
        for (name, kind) in exclusion_sources(&self.exclude, &self.suppress) {
            sources.push(SourceRecord::of(&name, kind, 0)?);
        }
        for p in self.eligible.iter().chain(&self.calls) {
            sources.push(SourceRecord::of(&p.display().to_string(), "outcomes", 0)?);
        }
        let last = rows.last().map(|r| ListRow { position: None, number: r.number.to_string() });
        let generation = crate::generate::list_manifest::Generation {
            start: 0,
            count: (max_rows != u64::MAX).then_some(max_rows),
            format: "csv".into(),
            shard: "1/1".into(),
            written: rows.len() as u64,
            scanned: candidates,
            last_index: None,
            last_number: None,
            exhausted: false,
            exclusions: sources,
            continues: Some(stage1_manifest.display().to_string()),
            design: Some(DesignRecord {
                kind: "mitofsky-waksberg-stage2".into(),
                k: Some(self.cluster),
                retained_banks: Some(retained.len() as u64),
                strata,
                ..design
            }),
            ..g
        };
        let stage2 = ListManifest {
            list: Some(ListFile::of(&digest, rows.len() as u64, last)),
            generation: Some(generation),
            scrubs: Vec::new(),
            ..manifest
        };
        let mut m = output::AtomicFile::create(&manifest_at, output::Privacy::Personal)?;
        m.write_all(stage2.to_json().as_bytes()).map_err(|e| Error::io(&manifest_at, e))?;
        output::commit_together(vec![file, m])?;
        Ok(SecondStageDone {
            eligible: eligible.len(),
            primaries: on_list.len(),
            retained: retained.len(),
            drawn,
            written: rows.len(),
            not_on_list,
        })
    }
}

/// The numbers of a CSV file with their line numbers: the column named one of `names` (any case), else the
/// first; a first line that is not a number is a header. A number that does not parse fails with file and line.
fn numbers_in(path: &Path, normalizer: &Normalizer, names: &[&str]) -> Result<Vec<(u64, PhoneNumber)>> {
    let mut out = Vec::new();
    let mut column = 0;
    for (line, fields) in csv_lines(path)? {
        if line == 1 {
            if let Some(i) = fields.iter().position(|f| names.iter().any(|n| f.trim().eq_ignore_ascii_case(n))) {
                column = i;
                continue;
            }
            if fields.first().is_some_and(|f| normalizer.parse(f).is_err()) {
                continue;
            }
        }
        let field = fields.get(column).map_or("", |f| f.trim());
        let number = normalizer
            .parse(field)
            .map_err(|why| Error::input(path.display().to_string(), Some(line), format!("'{field}': {why}")))?;
        out.push((line, number));
    }
    Ok(out)
}

/// The `number` and `outcome` of every row of a calls.csv (a number that does not parse fails with file and line).
fn calls_in(path: &Path, normalizer: &Normalizer) -> Result<Vec<(PhoneNumber, String)>> {
    let lines = csv_lines(path)?;
    let at = |line: u64, m: String| Error::input(path.display().to_string(), Some(line), m);
    let Some((_, header)) = lines.first() else {
        return Err(at(1, "empty: expected calls.csv with a header".into()));
    };
    let col = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| at(1, format!("no column `{name}`: not a calls.csv")))
    };
    let (n, o) = (col("number")?, col("outcome")?);
    let mut out = Vec::new();
    for (line, fields) in &lines[1..] {
        let field = fields.get(n).map_or("", String::as_str);
        let number = normalizer.parse(field).map_err(|why| at(*line, format!("'{field}': {why}")))?;
        let outcome = fields.get(o).ok_or_else(|| at(*line, "no outcome".into()))?;
        out.push((number, outcome.clone()));
    }
    Ok(out)
}

/// Every record of a CSV file with its line number.
fn csv_lines(path: &Path) -> Result<Vec<(u64, Vec<String>)>> {
    let bytes = crate::foundation::open::read(path, crate::foundation::open::Bound::TABLE)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[..]);
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            Error::input(path.display().to_string(), line, format!("not CSV: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        out.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(out)
}
