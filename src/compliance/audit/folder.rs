//! The audit of a run folder: the manifest (and its signature), the rules over the calls, the checks of the
//! records against each other and against the summary's counts, and the record of processing against the
//! scenario. The library audits and reports; the binary
//! prints and picks the exit code.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::records::{RunRecords, load};
use super::{Auditor, Violation};
use crate::foundation::error::{Error, Result};
use crate::foundation::outcome::Outcome;
use crate::output::manifest::{Manifest, Signature, scenario_sha256};
use crate::scenario::Scenario;

pub use super::records::read_run_scenario;

/// What a folder audit cannot prove without the run's key, said with every audit whose manifest was not
/// checked against one ([`AuditReport::unproven`]).
pub const UNPROVEN_WITHOUT_KEY: &str = "an edit consistent across every record, with the manifest resealed \
     (outcomes relabelled and every count rewritten), is undetectable without the run's key";

/// A dialled number found in an exclusion source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownHit {
    /// The source's name.
    pub source: String,
    /// True for an exact list (a certain violation); false for a Bloom filter, whose hits may be false
    /// positives ("possibly known").
    pub certain: bool,
}

/// How [`audit_folder`] audits.
#[derive(Default)]
pub struct AuditOptions<'a> {
    /// The key the run's manifest was signed with; given, an unsigned or wrongly signed manifest is a
    /// `signature` violation.
    pub key: Option<Vec<u8>>,
    /// Where a dialled number is known, if anywhere (the exclusion sources given to the audit).
    pub known: Option<&'a dyn Fn(u64) -> Option<KnownHit>>,
    /// The folder predates manifests: a missing `manifest.json` is not a violation (one that is there is
    /// still checked).
    pub without_manifest: bool,
    /// Audit against this profile instead of the run's own (would the campaign be lawful under another
    /// regime, or under the law in force?).
    pub profile: Option<crate::scenario::Profile>,
}

/// What [`audit_folder`] found.
#[derive(Clone, Debug)]
pub struct AuditReport {
    /// The scenario the folder's summary records.
    pub scenario: Scenario,
    /// The manifest, when the folder has one (a missing one is a `manifest` violation unless the options say
    /// the folder predates manifests).
    pub manifest: Option<Manifest>,
    /// The signature check: None when no key was given.
    pub signature: Option<Signature>,
    /// Certain violations, each with its rule, call and file:line where known: manifest mismatches first,
    /// then the per-call rules in dial order, then the records' checks.
    pub violations: Vec<Violation>,
    /// Dialled numbers a Bloom filter holds: possibly known (a filter has false positives), so reported apart
    /// and not counted as violations unless the caller is strict.
    pub possibly_known: Vec<Violation>,
    /// Rows of calls.csv.
    pub calls: usize,
    /// Rows of suppression.csv.
    pub suppression_entries: usize,
    /// Consent receipts in consents.jsonl.
    pub receipts: usize,
    /// Rows of names.csv.
    pub names: usize,
    /// Live answers and abandoned calls per abandonment window of the profile (day or 30-day period, by dial
    /// time), counted from calls.csv as the summary's `abandon_rate` counts them.
    pub abandonment: BTreeMap<u64, crate::foundation::outcome::Abandonment>,
}

impl AuditReport {
    /// Whether the run passed: no violation, and with `strict_bloom` no Bloom-filter hit either.
    pub fn is_clean(&self, strict_bloom: bool) -> bool {
        self.violations.is_empty() && (!strict_bloom || self.possibly_known.is_empty())
    }

    /// Violations per rule, in rule order.
    pub fn by_rule(&self) -> BTreeMap<&'static str, usize> {
        let mut by_rule = BTreeMap::new();
        for v in &self.violations {
            *by_rule.entry(v.rule).or_default() += 1;
        }
        by_rule
    }

    /// What this audit could not prove: [`UNPROVEN_WITHOUT_KEY`] unless the manifest's signature was checked
    /// with the run's key and found valid. The record checks find edits that contradict another record; an
    /// edit consistent everywhere, with the manifest recomputed, is found only by the signature (and a
    /// signature shows the folder is as the key's holder wrote it, not that the holder's records are true).
    pub fn unproven(&self) -> Option<&'static str> {
        (self.signature != Some(Signature::Valid)).then_some(UNPROVEN_WITHOUT_KEY)
    }
}

/// Refuses `dir` unless it is a folder: a path that does not exist says so, instead of a file inside it.
pub(super) fn check_folder(dir: &Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => {
            Err(Error::Format { path: dir.to_path_buf(), message: "not a folder (a run folder is audited)".into() })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Error::Format { path: dir.to_path_buf(), message: "the folder does not exist".into() })
        }
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// Audits the run folder `dir`: its manifest (files as written; with a key, the signature), the rules of the
/// scenario's profile over every call, and the records against each other and against `summary.json`.
///
/// ```no_run
/// let report = dialsim::compliance::audit_folder("run".as_ref(), &Default::default())?;
/// for v in &report.violations {
///     println!("{} {:?} {}", v.rule, v.call_id, v.detail);
/// }
/// # Ok::<(), dialsim::Error>(())
/// ```
pub fn audit_folder(dir: &Path, options: &AuditOptions) -> Result<AuditReport> {
    check_folder(dir)?;
    let mut violations = Vec::new();
    let manifest = match Manifest::read(dir) {
        Ok(m) => Some(m),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    match &manifest {
        // The message names the file; a mismatch is of a whole file, not of a line.
        Some(m) => {
            violations.extend(m.verify(dir)?.into_iter().map(|m| Violation::new("manifest", None, m.to_string())))
        }
        None if !options.without_manifest => violations.push(Violation::new(
            "manifest",
            None,
            "the folder has no manifest.json: nothing shows that its files are the ones the run wrote",
        )),
        None => {}
    }
    let signature = options.key.as_deref().map(|key| match &manifest {
        Some(m) => m.check_signature(key),
        None => Signature::Unsigned,
    });
    match signature {
        Some(Signature::Unsigned) => violations.push(Violation::new(
            "signature",
            None,
            "the manifest is not signed, but a key was given: the folder cannot be shown to be the run's",
        )),
        Some(Signature::Invalid) => violations.push(Violation::new(
            "signature",
            None,
            "the manifest's signature does not match the key: the manifest was rewritten (or the key is another)",
        )),
        _ => {}
    }

    let (mut input, records) = load(dir)?;
    let recorded = input.scenario.clone();
    if let Some(p) = options.profile {
        input.scenario.compliance.profile = p;
    }
    let scenario = input.scenario.clone();
    if let Some(m) = &manifest
        && m.scenario_sha256 != scenario_sha256(&recorded)
    {
        violations.push(
            Violation::new(
                "scenario-hash",
                None,
                "summary.json's scenario is not the one the manifest records (profile or settings edited?)",
            )
            .at("summary.json", records.summary_line("scenario")),
        );
    }

    // The rules over the calls: exact sources are certain, a filter's hits only possible.
    let known = options.known;
    let exact = move |k: u64| known.and_then(|f| f(k)).filter(|h| h.certain).map(|h| h.source);
    let mut auditor = Auditor::new(&scenario, Box::new(exact));
    for &(key, ms, call) in &input.suppression {
        auditor.suppression(key, ms, call);
    }
    // A withdrawal in the ledger suppresses its number whether or not suppression.csv still holds its entry
    // (a deleted entry is `withdrawal-record`; a dial after the withdrawal is `suppressed-number` either way).
    let receipt_call: HashMap<&str, Option<u32>> = input.receipts.iter().map(|r| (r.id.as_str(), r.call_id)).collect();
    for w in &input.withdrawals {
        if let Some(&Some(call)) = receipt_call.get(w.receipt_id.as_str()) {
            auditor.suppression(w.key, w.ms, call);
        }
    }
    let mut order: Vec<&super::AuditCall> = input.calls.iter().collect();
    order.sort_by_key(|c| (c.dial_ms, c.call_id));
    for call in order {
        auditor.call(call);
    }
    let cold = auditor.consent_requests(&input.receipts);
    let (mut calls, windows, abandonment) = auditor.finish_calls();
    calls.extend(cold);
    let line_of: HashMap<u32, u64> = records.calls.iter().rev().map(|c| (c.call_id, c.line)).collect();
    let located = |v: Violation| match (v.call_id.and_then(|c| line_of.get(&c)), &v.at) {
        (Some(&line), None) => v.at("calls.csv", line),
        _ => v,
    };
    violations.extend(calls.into_iter().map(located));
    violations.extend(windows);

    let mut possibly_known = Vec::new();
    if let Some(f) = known {
        for c in &records.calls {
            if let Some(hit) = f(c.key).filter(|h| !h.certain) {
                possibly_known.push(
                    Violation::new(
                        "possibly-known",
                        Some(c.call_id),
                        format!("+{} may be in {} (Bloom filter: false positives possible)", c.key, hit.source),
                    )
                    .at("calls.csv", c.line),
                );
            }
        }
    }

    check_processing(dir, &recorded, &mut violations)?;
    check_call_ids(&records, &mut violations);
    check_objections(&records, &mut violations);
    check_notices(&records, &mut violations);
    violations.extend(super::names::check_names(&input.receipts, &input.withdrawals, &input.names));
    // The records against the scenario they were written under (an audit under another profile checks the law,
    // not whether the receipts name that profile's jurisdiction).
    super::ledger::check_ledger(&recorded, &records, &mut violations);
    check_counts(&scenario, &records, &input, &mut violations);

    Ok(AuditReport {
        scenario,
        manifest,
        signature,
        violations,
        possibly_known,
        calls: records.calls.len(),
        suppression_entries: records.suppression.len(),
        receipts: records.consents.len(),
        names: input.names.len(),
        abandonment,
    })
}

/// `processing-record`: the folder holds `processing.json`, the record of processing (Art. 30(1)), and it is
/// the one the scenario in summary.json makes.
fn check_processing(dir: &Path, s: &Scenario, out: &mut Vec<Violation>) -> Result<()> {
    use crate::compliance::{PROCESSING_FILE, processing_record};
    let path = dir.join(PROCESSING_FILE);
    let v = |detail: String| Violation::new("processing-record", None, detail);
    let text = match crate::foundation::open::read_to_string(&path, crate::foundation::open::Bound::SUMMARY) {
        Ok(t) => t,
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            out.push(v(format!("the folder has no {PROCESSING_FILE}: no record of processing (GDPR Art. 30(1))")));
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Err(e) => out.push(v(format!("not JSON: {e}")).at(PROCESSING_FILE, e.line() as u64)),
        Ok(found) => {
            if let Some(at) = first_difference(&processing_record(s), &found, "$") {
                out.push(v(format!("{at} is not what summary.json's scenario makes")).at(PROCESSING_FILE, 1));
            }
        }
    }
    Ok(())
}

/// The path of the first value where `found` differs from `expected` (objects by key, arrays by index).
fn first_difference(expected: &serde_json::Value, found: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match (expected, found) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => {
                    first_difference(x, y, &format!("{path}.{}", crate::foundation::error::snippet(k)))
                }
                _ => Some(format!("{path}.{}", crate::foundation::error::snippet(k))),
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]")))
        }
        _ => (expected != found).then(|| path.to_string()),
    }
}

/// `call-ids`: each id once, and the ids 0..n-1 without a gap (a gap is a deleted row, a repeat a duplicated
/// one). A cut at the end leaves no gap: the summary's counts and the manifest catch that.
fn check_call_ids(r: &RunRecords, out: &mut Vec<Violation>) {
    let mut seen: HashMap<u32, u64> = HashMap::new();
    for c in &r.calls {
        if let Some(first) = seen.insert(c.call_id, c.line) {
            out.push(
                Violation::new(
                    "call-ids",
                    Some(c.call_id),
                    format!("call id {} repeated (first on line {first}): a duplicated row", c.call_id),
                )
                .at("calls.csv", c.line),
            );
            seen.insert(c.call_id, first);
        }
    }
    let Some(&max) = seen.keys().max() else { return };
    let mut ids: Vec<u32> = seen.keys().copied().collect();
    ids.sort_unstable();
    // In u64: the id after u32::MAX is no u32.
    let mut expected = 0u64;
    for id in ids {
        if u64::from(id) > expected {
            // The row after the gap carries the position.
            let line = seen[&id];
            let gap = if u64::from(id) - expected == 1 {
                format!("call id {expected} missing")
            } else {
                format!("call ids {expected} to {} missing", id - 1)
            };
            // `expected` is below `id`, so a u32.
            out.push(
                Violation::new("call-ids", Some(expected as u32), format!("{gap} before call {id}: deleted rows"))
                    .at("calls.csv", line),
            );
        }
        expected = u64::from(id) + 1;
    }
    debug_assert!(expected == u64::from(max) + 1);
}

/// `objection-record`: an `objected` call has its suppression entry (same number, same call, scope
/// marketing), and every marketing suppression entry names an `objected` call to that number — an objected
/// call relabelled as another outcome leaves its entry pointing at a call that no longer says so.
fn check_objections(r: &RunRecords, out: &mut Vec<Violation>) {
    let entries: HashSet<(u64, u32)> =
        r.suppression.iter().filter(|s| s.scope == "marketing").map(|s| (s.key, s.call_id)).collect();
    let calls: HashMap<u32, (u64, Outcome)> = r.calls.iter().map(|c| (c.call_id, (c.key, c.outcome))).collect();
    for c in r.calls.iter().filter(|c| c.outcome == Outcome::Objected) {
        if !entries.contains(&(c.key, c.call_id)) {
            out.push(
                Violation::new(
                    "objection-record",
                    Some(c.call_id),
                    format!("+{} objected but has no suppression entry for this call", c.key),
                )
                .at("calls.csv", c.line),
            );
        }
    }
    for s in r.suppression.iter().filter(|s| s.scope == "marketing") {
        let problem = match calls.get(&s.call_id) {
            None => Some(format!("an objection of +{} in call {}, which calls.csv does not hold", s.key, s.call_id)),
            Some(&(key, _)) if key != s.key => {
                Some(format!("an objection of +{} in call {}, which dialled +{key}", s.key, s.call_id))
            }
            Some(&(_, outcome)) if outcome != Outcome::Objected => Some(format!(
                "an objection of +{} in call {}, whose outcome reads '{}'",
                s.key,
                s.call_id,
                outcome.as_str()
            )),
            _ => None,
        };
        if let Some(p) = problem {
            out.push(Violation::new("objection-record", Some(s.call_id), p).at("suppression.csv", s.line));
        }
    }
}

/// `notice-art14`: a referral call that reached a person (objection_offered set) carries the Art. 14 notice
/// of where the number came from; a call that reached nobody has no notice to give.
fn check_notices(r: &RunRecords, out: &mut Vec<Violation>) {
    for c in &r.calls {
        if let Some(by) = c.referral_of
            && c.offered.is_some()
            && c.notice != "art14"
        {
            out.push(
                Violation::new(
                    "notice-art14",
                    Some(c.call_id),
                    format!(
                        "a referral (from call {by}) connected without the Art. 14 notice (notice '{}')",
                        crate::foundation::error::snippet(&c.notice)
                    ),
                )
                .at("calls.csv", c.line),
            );
        }
    }
}

/// `summary-counts`: the summary's counts against the records — dials, outcomes, live answers and abandoned
/// calls (late connects included, [`Outcome::is_abandoned`]) against calls.csv (calls dialled after the
/// warm-up), objections against marketing suppression entries, consents and withdrawals
/// against the ledger, names against receipts not withdrawn (and names stored by an injected fault).
fn check_counts(s: &Scenario, r: &RunRecords, input: &super::AuditInput, out: &mut Vec<Violation>) {
    let mut check = |what: &str, stated: Option<u64>, found: u64, file: &str| {
        // The line of the stated count: an outcome's inside `outcomes`, the names' next to the consents.
        let key = match what.split_once(' ') {
            Some(("outcome", o)) => o,
            Some(_) => "consents_granted",
            None => what,
        };
        if let Some(stated) = stated
            && stated != found
        {
            out.push(
                Violation::new(
                    "summary-counts",
                    None,
                    format!("summary.json states {what} {stated}, {file} holds {found}"),
                )
                .at("summary.json", r.summary_line(key)),
            );
        }
    };
    let start =
        u64::from(crate::scenario::parse_hhmm(&s.run.day_start).unwrap_or(540)) * crate::foundation::clock::MINUTE;
    let warmup_end = start + crate::foundation::clock::millis(s.run.warmup_minutes * 60.0);
    let counted: Vec<_> = r.calls.iter().filter(|c| c.dial_ms >= warmup_end).collect();
    check("dials", r.summary.dials, counted.len() as u64, "calls.csv");
    let mut abandonment = crate::foundation::outcome::Abandonment::default();
    let max_silence_s = s.rules_on_day(0).max_silence_s;
    for c in input.calls.iter().filter(|c| c.dial_ms >= warmup_end) {
        abandonment.count(c.outcome, c.wait_s, max_silence_s);
    }
    check("human_answers", r.summary.human_answers, abandonment.live_answers, "calls.csv");
    check("drops", r.summary.drops, abandonment.abandoned, "calls.csv");
    check("abandoned_late", r.summary.abandoned_late, abandonment.late, "calls.csv");
    if let Some(outcomes) = &r.summary.outcomes {
        for &o in Outcome::ALL.iter() {
            let found = counted.iter().filter(|c| c.outcome == o).count() as u64;
            check(&format!("outcome {}", o.as_str()), outcomes.get(o.as_str()).copied(), found, "calls.csv");
        }
    }
    let marketing = r.suppression.iter().filter(|x| x.scope == "marketing").count() as u64;
    check("objections", r.summary.objections, marketing, "suppression.csv (scope marketing)");
    check("consents_granted", r.summary.consents_granted, r.consents.len() as u64, "consents.jsonl");
    check("withdrawals", r.summary.withdrawals, input.withdrawals.len() as u64, "consents.jsonl");
    if let (Some(granted), Some(withdrawn)) = (r.summary.consents_granted, r.summary.withdrawals) {
        let faults = r.summary.faults_injected.as_ref().and_then(|f| f.get("store_name_without_consent")).copied();
        let expected = granted.saturating_add(faults.unwrap_or(0)).saturating_sub(withdrawn);
        check(
            "(consents - withdrawals + names stored by fault) names",
            Some(expected),
            input.names.len() as u64,
            "names.csv",
        );
    }
}
