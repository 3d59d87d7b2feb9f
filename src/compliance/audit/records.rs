//! Reading a run folder's records for the audit: every row with the line it starts on (the csv reader's own
//! position, never a guess from the row index), times read back with their UTC offsets.
//!
//! The folder is hostile input. Every file is opened through [`crate::foundation::open`] (no symbolic link out of the
//! folder, regular files only, whole-file reads bounded), record files are read as streams, and every value the
//! audit computes with is checked before it is used: a time, a duration or a count that no run can write (NaN,
//! infinite, negative, past [`MAX_RECORD_SECONDS`]) refuses its row with file and line, so that no arithmetic or
//! calendar look-up further on can overflow or panic.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::Deserialize;

use super::{AuditCall, AuditInput, AuditName, AuditReceipt, AuditWithdrawal};
use crate::foundation::clock::Millis;
use crate::foundation::error::{Error, Result};
use crate::foundation::open::Bound;
use crate::foundation::outcome::Outcome;
use crate::scenario::Scenario;

/// The latest time, and the longest duration, a record may state, in seconds since day 0: 1000 days, longer
/// than any run (a scenario runs at most 366 days) and small enough that a time plus its ringing, waiting and
/// talk, and the calendar date of it, stay far inside every range the audit computes in.
pub const MAX_RECORD_SECONDS: f64 = 1000.0 * 86_400.0;

/// The longest line of `consents.jsonl`: a receipt is about a kilobyte.
const MAX_LEDGER_LINE: u64 = 1 << 20;

/// One row of `calls.csv` with what only the folder audit checks.
#[derive(Clone, Debug)]
pub(super) struct CallLine {
    pub call_id: u32,
    pub key: u64,
    pub dial_ms: Millis,
    pub outcome: Outcome,
    pub offered: Option<bool>,
    pub notice: String,
    pub referral_of: Option<u32>,
    /// When an agent took the call (dial + ring + wait), ms.
    pub connect_ms: Millis,
    /// When the talk ended (connect + talk), ms.
    pub end_ms: Millis,
    pub line: u64,
}

/// One row of `suppression.csv`.
#[derive(Clone, Debug)]
pub(super) struct SuppressionLine {
    pub key: u64,
    pub ms: Millis,
    pub call_id: u32,
    pub scope: String,
    pub line: u64,
}

/// A time of the ledger as written twice: the RFC 3339 text (read as simulated time) and the seconds since
/// 1970 beside it (`consentTimestamp`, `withdrawalTimestamp`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Stamp {
    /// The RFC 3339 time, on the scenario's clock.
    pub ms: Millis,
    /// Whole seconds since 1970 (UTC) of the RFC 3339 time.
    pub epoch_s: i64,
    /// The seconds since 1970 the line states, if it states them.
    pub written_s: Option<i64>,
}

/// One consent line of `consents.jsonl`.
#[derive(Clone, Debug)]
pub(super) struct ConsentLine {
    pub id: String,
    pub key: u64,
    pub stamp: Stamp,
    pub call_id: Option<u32>,
    pub referral_of: Option<u32>,
    pub notice: Option<String>,
    /// Every purpose the receipt states, with its categories.
    pub purposes: Vec<(String, Vec<String>)>,
    pub jurisdiction: Option<String>,
    /// Whether the receipt still holds the principal's name (`piiPrincipalName`).
    pub has_name: bool,
    /// The first controller's `addressCountry`.
    pub controller_country: Option<String>,
    /// `consentWordingSha256`.
    pub wording_sha256: Option<String>,
    pub line: u64,
}

/// One withdrawal line of `consents.jsonl`.
#[derive(Clone, Debug)]
pub(super) struct WithdrawalLine {
    pub receipt_id: String,
    pub key: u64,
    pub stamp: Stamp,
    /// What makes the line no valid withdrawal record (`withdrawal-format`), if anything.
    pub format_problems: Vec<String>,
    pub line: u64,
}

/// The counts `summary.json` states, to be checked against the records.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SummaryCounts {
    pub dials: Option<u64>,
    /// Live answers and abandoned calls ([`crate::foundation::outcome::Abandonment`]); `abandoned_late` is absent from
    /// folders written before late connects counted.
    pub human_answers: Option<u64>,
    pub drops: Option<u64>,
    pub abandoned_late: Option<u64>,
    pub outcomes: Option<BTreeMap<String, u64>>,
    pub objections: Option<u64>,
    pub consents_granted: Option<u64>,
    pub withdrawals: Option<u64>,
    pub faults_injected: Option<BTreeMap<String, u64>>,
}

/// Everything the folder audit reads.
pub(super) struct RunRecords {
    pub calls: Vec<CallLine>,
    pub suppression: Vec<SuppressionLine>,
    pub consents: Vec<ConsentLine>,
    pub withdrawals: Vec<WithdrawalLine>,
    pub summary: SummaryCounts,
    /// The text of summary.json, to point at the line of a key.
    pub summary_text: String,
}

impl RunRecords {
    /// The 1-based line of summary.json holding the first `"key":` (1 when there is none).
    pub fn summary_line(&self, key: &str) -> u64 {
        summary_line(&self.summary_text, key)
    }
}

fn summary_line(text: &str, key: &str) -> u64 {
    let needle = format!("\"{key}\":");
    text.lines().position(|l| l.trim_start().starts_with(&needle)).map_or(1, |i| i as u64 + 1)
}

#[derive(Deserialize)]
struct SummaryHead {
    scenario: Scenario,
    #[serde(flatten)]
    counts: SummaryCounts,
}

#[derive(Deserialize)]
struct CallRow {
    call_id: u32,
    number: String,
    dial_s: f64,
    outcome: String,
    ring_s: f64,
    wait_s: f64,
    talk_s: f64,
    objection_offered: String,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    referral_of: Option<u32>,
    #[serde(default)]
    callback_of: Option<u32>,
    /// Whether AMD screened the call (`on`, `off`); absent from folders written before the column.
    #[serde(default)]
    amd: Option<String>,
    /// The number's lawful basis; absent from folders written before the column (then derived from the
    /// scenario as the engine derives it).
    #[serde(default)]
    basis: Option<String>,
}

#[derive(Deserialize)]
struct LedgerLine {
    #[serde(rename = "type")]
    kind: String,
    #[serde(rename = "consentReceiptID")]
    id: String,
    #[serde(rename = "piiPrincipalId")]
    number: String,
    #[serde(rename = "consentTime")]
    consent_time: Option<String>,
    #[serde(rename = "consentTimestamp")]
    consent_timestamp: Option<i64>,
    #[serde(rename = "withdrawalTime")]
    withdrawal_time: Option<String>,
    #[serde(rename = "withdrawalTimestamp")]
    withdrawal_timestamp: Option<i64>,
    #[serde(rename = "callId")]
    call_id: Option<u32>,
    #[serde(rename = "referralOf")]
    referral_of: Option<u32>,
    notice: Option<String>,
    #[serde(default)]
    services: Vec<Service>,
    jurisdiction: Option<String>,
}

#[derive(Deserialize)]
struct Service {
    #[serde(default)]
    purposes: Vec<PurposeJson>,
}

#[derive(Deserialize)]
struct PurposeJson {
    #[serde(default)]
    purpose: String,
    #[serde(default, rename = "purposeCategory")]
    category: Vec<String>,
}

fn key_of(e164: &str) -> Option<u64> {
    e164.strip_prefix('+')?.parse().ok()
}

fn file(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// A time of a record: an RFC 3339 time with an offset, on or after day 0 and within [`MAX_RECORD_SECONDS`].
fn record_time(s: &Scenario, text: &str) -> Option<(Millis, i64)> {
    let instant: jiff::Timestamp = text.trim().parse().ok()?;
    let ms = crate::compliance::records::instant_ms(s, instant)?;
    (ms.secs() <= MAX_RECORD_SECONDS).then_some((ms, instant.as_second()))
}

const BAD_TIME: &str = "bad time (RFC 3339 with an offset, on or after day 0 and within 1000 days of it)";

/// The scenario a run folder's `summary.json` records.
pub fn read_run_scenario(dir: &Path) -> Result<Scenario> {
    Ok(read_summary(dir)?.0.scenario)
}

/// Reads `summary.json` (bounded), and checks the scenario it records as a scenario file is checked: a value
/// out of its range (a run of four billion days, a lockout of 1e300 hours) is refused here, before the audit
/// computes with it.
fn read_summary(dir: &Path) -> Result<(SummaryHead, String)> {
    super::folder::check_folder(dir)?;
    let path = dir.join("summary.json");
    let text = crate::foundation::open::read_to_string(&path, Bound::SUMMARY)?;
    let name = file(dir, "summary.json");
    let head: SummaryHead = serde_json::from_str(&text)
        .map_err(|e| Error::input(&name, Some(e.line() as u64), format!("not a dialsim summary: {e}")))?;
    let invalid = |message: String| {
        Error::input(&name, Some(summary_line(&text, "scenario")), format!("the scenario it records: {message}"))
    };
    let toml = toml::to_string(&head.scenario).map_err(|e| invalid(e.to_string()))?;
    if let Err(e) = Scenario::parse("summary.json", &toml, &[]) {
        return Err(invalid(match e {
            Error::Scenario { message, .. } => message,
            other => other.to_string(),
        }));
    }
    Ok((head, text))
}

/// The country calling codes of the numbers the run in `dir` dialled (calls.csv's `number` column, each an
/// E.164 number), in order; a missing column or a number that is not one is an error naming its line.
pub(crate) fn dialled_countries(dir: &Path) -> Result<Vec<u16>> {
    let mut codes = std::collections::BTreeSet::new();
    let mut column = None;
    csv_rows(dir, "calls.csv", |headers, row, line| {
        let i = match column {
            Some(i) => i,
            None => *column.insert(
                headers
                    .iter()
                    .position(|h| h == "number")
                    .ok_or_else(|| Error::input(file(dir, "calls.csv"), Some(1), "no number column"))?,
            ),
        };
        let text = row.get(i).unwrap_or("");
        let number = text.strip_prefix('+').and_then(|d| d.parse::<u64>().ok()).and_then(crate::PhoneNumber::from_key);
        let Some(number) = number else {
            let what = format!("'{}' is not an E.164 number", crate::foundation::error::snippet(text));
            return Err(Error::input(file(dir, "calls.csv"), Some(line), what));
        };
        codes.insert(number.country_code);
        Ok(())
    })?;
    Ok(codes.into_iter().collect())
}

/// Calls `f` with every CSV record of `name` and the line it starts on; returns the header.
fn csv_rows(
    dir: &Path,
    name: &str,
    mut f: impl FnMut(&csv::StringRecord, &csv::StringRecord, u64) -> Result<()>,
) -> Result<()> {
    let input = crate::foundation::open::open_bounded(&dir.join(name), Bound::RECORDS)?;
    // A record field cannot grow without end: the csv reader keeps a whole record in memory.
    let mut rdr = csv::Reader::from_reader(crate::foundation::open::LineLimit::new(BufReader::new(input.file)));
    let err =
        |e: csv::Error| Error::input(file(dir, name), e.position().map(|p| p.line()), format!("malformed row: {e}"));
    let headers = rdr.headers().map_err(err)?.clone();
    let mut row = csv::StringRecord::new();
    while rdr.read_record(&mut row).map_err(err)? {
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        f(&headers, &row, line)?;
    }
    Ok(())
}

/// Calls `f` with every line of `name` (without its line end) and its 1-based number; a line longer than
/// [`MAX_LEDGER_LINE`] or not UTF-8 is refused.
fn text_lines(dir: &Path, name: &str, mut f: impl FnMut(&str, u64) -> Result<()>) -> Result<()> {
    let path = dir.join(name);
    let input = crate::foundation::open::open_bounded(&path, Bound::RECORDS)?;
    let mut reader = BufReader::new(input.file);
    let mut buf = Vec::new();
    for line in 1u64.. {
        buf.clear();
        let n = (&mut reader).take(MAX_LEDGER_LINE + 1).read_until(b'\n', &mut buf).map_err(|e| Error::io(&path, e))?;
        if n == 0 {
            break;
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        } else if n as u64 > MAX_LEDGER_LINE {
            return Err(Error::input(file(dir, name), Some(line), "a line longer than 1 MiB: not a receipt"));
        }
        let text = std::str::from_utf8(&buf).map_err(|_| Error::input(file(dir, name), Some(line), "not UTF-8"))?;
        f(text, line)?;
    }
    Ok(())
}

/// A duration or time of `calls.csv` in seconds, as milliseconds: finite, not negative, within
/// [`MAX_RECORD_SECONDS`].
fn seconds(what: &str, value: f64) -> std::result::Result<Millis, String> {
    if value.is_finite() && (0.0..=MAX_RECORD_SECONDS).contains(&value) {
        Ok(crate::foundation::clock::millis(value))
    } else {
        Err(format!("{what} {value} is no time of a run (0 to {MAX_RECORD_SECONDS} s)"))
    }
}

/// What makes a withdrawal line no valid withdrawal record: its version tag, a field it lacks or one it must
/// not have (a receipt's), a `withdrawalID` that is no UUID.
fn withdrawal_format(v: &serde_json::Value) -> Vec<String> {
    use crate::compliance::{WITHDRAWAL_FIELDS, WITHDRAWAL_VERSION, is_uuid};
    let mut out = Vec::new();
    let Some(obj) = v.as_object() else { return out };
    if v["version"] != WITHDRAWAL_VERSION {
        out.push(format!(
            "version {}, not {WITHDRAWAL_VERSION}: a withdrawal is no consent receipt",
            crate::foundation::error::snippet(&v["version"].to_string())
        ));
    }
    let missing: Vec<&str> = WITHDRAWAL_FIELDS.iter().copied().filter(|f| !obj.contains_key(*f)).collect();
    if !missing.is_empty() {
        out.push(format!("lacks {}", missing.join(", ")));
    }
    let extra: Vec<String> = obj
        .keys()
        .filter(|k| !WITHDRAWAL_FIELDS.contains(&k.as_str()))
        .map(|k| crate::foundation::error::snippet(k))
        .collect();
    if !extra.is_empty() {
        out.push(format!("holds fields no withdrawal has: {}", extra.join(", ")));
    }
    if let Some(id) = v.get("withdrawalID")
        && !id.as_str().is_some_and(is_uuid)
    {
        out.push(format!("withdrawalID {} is no UUID", crate::foundation::error::snippet(&id.to_string())));
    }
    out
}

/// Reads a run folder: summary.json, calls.csv, suppression.csv, consents.jsonl, names.csv.
pub(super) fn load(dir: &Path) -> Result<(AuditInput, RunRecords)> {
    let (summary, summary_text) = read_summary(dir)?;
    let scenario = summary.scenario;
    let mut input = AuditInput { scenario, ..Default::default() };
    let mut records = RunRecords {
        calls: Vec::new(),
        suppression: Vec::new(),
        consents: Vec::new(),
        withdrawals: Vec::new(),
        summary: summary.counts,
        summary_text,
    };
    let s = input.scenario.clone();

    csv_rows(dir, "calls.csv", |headers, row, line| {
        let bad = |m: String| Error::input(file(dir, "calls.csv"), Some(line), m);
        let r: CallRow = row.deserialize(Some(headers)).map_err(|e| bad(format!("malformed row: {e}")))?;
        let key = key_of(&r.number)
            .ok_or_else(|| bad(format!("bad number '{}'", crate::foundation::error::snippet(&r.number))))?;
        let outcome = Outcome::from_name(&r.outcome)
            .ok_or_else(|| bad(format!("unknown outcome '{}'", crate::foundation::error::snippet(&r.outcome))))?;
        let offered = match r.objection_offered.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        if let Some(amd) = r.amd.as_deref().filter(|a| !matches!(*a, "on" | "off")) {
            return Err(bad(format!("amd '{}' is neither on nor off", crate::foundation::error::snippet(amd))));
        }
        let basis = match r.basis.as_deref().filter(|b| !b.is_empty()) {
            Some(b) => b
                .parse::<crate::jurisdiction::Basis>()
                .map_err(|e| bad(crate::foundation::text::escape_controls(&e).into_owned()))?,
            None => s.basis_of(!s.numbers.list.is_empty() && r.referral_of.is_none()),
        };
        let dial_ms = seconds("dial_s", r.dial_s).map_err(bad)?;
        let ring = seconds("ring_s", r.ring_s).map_err(bad)?;
        let wait = seconds("wait_s", r.wait_s).map_err(bad)?;
        let talk = seconds("talk_s", r.talk_s).map_err(bad)?;
        let connect_ms = dial_ms + ring + wait;
        input.calls.push(AuditCall {
            call_id: r.call_id,
            key,
            dial_ms,
            outcome,
            ring_s: r.ring_s,
            wait_s: r.wait_s,
            offered,
            basis,
            amd: r.amd.as_deref() != Some("off"),
            callback_of: r.callback_of,
        });
        records.calls.push(CallLine {
            call_id: r.call_id,
            key,
            dial_ms,
            outcome,
            offered,
            notice: r.notice,
            referral_of: r.referral_of,
            connect_ms,
            end_ms: connect_ms + talk,
            line,
        });
        Ok(())
    })?;

    csv_rows(dir, "suppression.csv", |_, row, line| {
        let bad = |m: &str| Error::input(file(dir, "suppression.csv"), Some(line), m.to_string());
        let key = key_of(row.get(0).unwrap_or("")).ok_or_else(|| bad("bad number"))?;
        let (ms, _) = record_time(&s, row.get(1).unwrap_or("")).ok_or_else(|| bad(BAD_TIME))?;
        let call = row.get(2).and_then(|c| c.parse().ok()).ok_or_else(|| bad("bad call id"))?;
        input.suppression.push((key, ms, call));
        records.suppression.push(SuppressionLine {
            key,
            ms,
            call_id: call,
            scope: row.get(3).unwrap_or("").to_string(),
            line,
        });
        Ok(())
    })?;

    let name = file(dir, "consents.jsonl");
    text_lines(dir, "consents.jsonl", |text, line| {
        let at = Some(line);
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::input(&name, at, format!("not a receipt: {e}")))?;
        let entry: LedgerLine = serde_json::from_value(value.clone())
            .map_err(|e| Error::input(&name, at, format!("not a receipt: {e}")))?;
        let key = key_of(&entry.number).ok_or_else(|| Error::input(&name, at, "bad number"))?;
        let (time, written_s) = if entry.kind == "consent" {
            (entry.consent_time, entry.consent_timestamp)
        } else {
            (entry.withdrawal_time, entry.withdrawal_timestamp)
        };
        let (ms, epoch_s) = time
            .as_deref()
            .and_then(|t| record_time(&s, t))
            .ok_or_else(|| Error::input(&name, at, format!("missing or {BAD_TIME}")))?;
        let stamp = Stamp { ms, epoch_s, written_s };
        match entry.kind.as_str() {
            "consent" => {
                input.receipts.push(AuditReceipt { id: entry.id.clone(), key, ms, call_id: entry.call_id });
                let purposes =
                    entry.services.into_iter().flat_map(|s| s.purposes).map(|p| (p.purpose, p.category)).collect();
                records.consents.push(ConsentLine {
                    id: entry.id,
                    key,
                    stamp,
                    call_id: entry.call_id,
                    referral_of: entry.referral_of,
                    notice: entry.notice,
                    purposes,
                    jurisdiction: entry.jurisdiction,
                    has_name: value.get("piiPrincipalName").is_some(),
                    controller_country: value["piiControllers"][0]["address"]["addressCountry"]
                        .as_str()
                        .map(String::from),
                    wording_sha256: value["consentWordingSha256"].as_str().map(String::from),
                    line,
                });
            }
            "withdrawal" => {
                input.withdrawals.push(AuditWithdrawal { receipt_id: entry.id.clone(), key, ms, line: Some(line) });
                let format_problems = withdrawal_format(&value);
                records.withdrawals.push(WithdrawalLine { receipt_id: entry.id, key, stamp, format_problems, line });
            }
            other => {
                return Err(Error::input(
                    &name,
                    at,
                    format!("unknown entry type '{}'", crate::foundation::error::snippet(other)),
                ));
            }
        }
        Ok(())
    })?;

    csv_rows(dir, "names.csv", |_, row, line| {
        let bad = |m: &str| Error::input(file(dir, "names.csv"), Some(line), m.to_string());
        let key = key_of(row.get(0).unwrap_or("")).ok_or_else(|| bad("bad number"))?;
        let call = row.get(2).and_then(|c| c.parse().ok()).ok_or_else(|| bad("bad call id"))?;
        let (ms, _) = record_time(&s, row.get(3).unwrap_or("")).ok_or_else(|| bad(BAD_TIME))?;
        let receipt = Some(row.get(4).unwrap_or("").to_string()).filter(|r| !r.is_empty());
        input.names.push(AuditName { key, call_id: call, ms, receipt, line: Some(line) });
        Ok(())
    })?;
    Ok((input, records))
}

impl AuditInput {
    /// Reads a run's output folder: summary.json, calls.csv, suppression.csv, consents.jsonl, names.csv.
    pub fn load(dir: &Path) -> Result<AuditInput> {
        Ok(load(dir)?.0)
    }
}
