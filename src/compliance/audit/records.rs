//! Reading a run folder's records for the audit: every row with the line it starts on (the csv reader's own
//! position, never a guess from the row index), times read back with their UTC offsets.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{AuditCall, AuditInput, AuditName, AuditReceipt, AuditWithdrawal};
use crate::clock::Millis;
use crate::compliance::time_ms_of;
use crate::error::{Error, Result};
use crate::outcome::Outcome;
use crate::scenario::Scenario;

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
    pub call_id: u32,
    pub scope: String,
    pub line: u64,
}

/// One consent line of `consents.jsonl`.
#[derive(Clone, Debug)]
pub(super) struct ConsentLine {
    pub ms: Millis,
    pub call_id: Option<u32>,
    pub jurisdiction: Option<String>,
    pub line: u64,
}

/// The counts `summary.json` states, to be checked against the records.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SummaryCounts {
    pub dials: Option<u64>,
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
    pub summary: SummaryCounts,
    /// The text of summary.json, to point at the line of a key.
    pub summary_text: String,
}

impl RunRecords {
    /// The 1-based line of summary.json holding the first `"key":` (1 when there is none).
    pub fn summary_line(&self, key: &str) -> u64 {
        let needle = format!("\"{key}\":");
        self.summary_text.lines().position(|l| l.trim_start().starts_with(&needle)).map_or(1, |i| i as u64 + 1)
    }
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
    #[serde(rename = "withdrawalTime")]
    withdrawal_time: Option<String>,
    #[serde(rename = "callId")]
    call_id: Option<u32>,
    jurisdiction: Option<String>,
}

fn key_of(e164: &str) -> Option<u64> {
    e164.strip_prefix('+')?.parse().ok()
}

fn read(dir: &Path, name: &str) -> Result<String> {
    let p = dir.join(name);
    std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))
}

fn file(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// The scenario a run folder's `summary.json` records.
pub fn read_run_scenario(dir: &Path) -> Result<Scenario> {
    Ok(read_summary(dir)?.scenario)
}

fn read_summary(dir: &Path) -> Result<SummaryHead> {
    Ok(read_summary_text(dir)?.0)
}

fn read_summary_text(dir: &Path) -> Result<(SummaryHead, String)> {
    let text = read(dir, "summary.json")?;
    let head = serde_json::from_str(&text).map_err(|e| {
        Error::input(file(dir, "summary.json"), Some(e.line() as u64), format!("not a dialsim summary: {e}"))
    })?;
    Ok((head, text))
}

/// Reads every CSV record of `name` with the line it starts on.
fn csv_rows(dir: &Path, name: &str) -> Result<(csv::StringRecord, Vec<(csv::StringRecord, u64)>)> {
    let text = read(dir, name)?;
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let err =
        |e: csv::Error| Error::input(file(dir, name), e.position().map(|p| p.line()), format!("malformed row: {e}"));
    let headers = rdr.headers().map_err(err)?.clone();
    let mut rows = Vec::new();
    for row in rdr.records() {
        let row = row.map_err(err)?;
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        rows.push((row, line));
    }
    Ok((headers, rows))
}

/// Reads a run folder: summary.json, calls.csv, suppression.csv, consents.jsonl, names.csv.
pub(super) fn load(dir: &Path) -> Result<(AuditInput, RunRecords)> {
    let (summary, summary_text) = read_summary_text(dir)?;
    let scenario = summary.scenario;
    let mut input = AuditInput { scenario, ..Default::default() };
    let mut records = RunRecords {
        calls: Vec::new(),
        suppression: Vec::new(),
        consents: Vec::new(),
        summary: summary.counts,
        summary_text,
    };
    let s = input.scenario.clone();

    let (headers, rows) = csv_rows(dir, "calls.csv")?;
    for (row, line) in rows {
        let bad = |m: String| Error::input(file(dir, "calls.csv"), Some(line), m);
        let r: CallRow = row.deserialize(Some(&headers)).map_err(|e| bad(format!("malformed row: {e}")))?;
        let key = key_of(&r.number).ok_or_else(|| bad(format!("bad number '{}'", crate::error::snippet(&r.number))))?;
        let outcome = Outcome::from_name(&r.outcome)
            .ok_or_else(|| bad(format!("unknown outcome '{}'", crate::error::snippet(&r.outcome))))?;
        let offered = match r.objection_offered.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        let ms = |s: f64| Millis((s * 1000.0).round() as u64);
        let dial_ms = ms(r.dial_s);
        let connect_ms = dial_ms + ms(r.ring_s) + ms(r.wait_s);
        input.calls.push(AuditCall {
            call_id: r.call_id,
            key,
            dial_ms,
            outcome,
            ring_s: r.ring_s,
            wait_s: r.wait_s,
            offered,
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
            end_ms: connect_ms + ms(r.talk_s),
            line,
        });
    }

    let (_, rows) = csv_rows(dir, "suppression.csv")?;
    for (row, line) in rows {
        let bad = |m: &str| Error::input(file(dir, "suppression.csv"), Some(line), m.to_string());
        let key = key_of(row.get(0).unwrap_or("")).ok_or_else(|| bad("bad number"))?;
        let ms = time_ms_of(&s, row.get(1).unwrap_or(""))
            .ok_or_else(|| bad("bad time (RFC 3339 with an offset, on or after day 0)"))?;
        let call = row.get(2).and_then(|c| c.parse().ok()).ok_or_else(|| bad("bad call id"))?;
        input.suppression.push((key, ms, call));
        records.suppression.push(SuppressionLine {
            key,
            call_id: call,
            scope: row.get(3).unwrap_or("").to_string(),
            line,
        });
    }

    for (i, text) in read(dir, "consents.jsonl")?.lines().enumerate() {
        let line = i as u64 + 1;
        let at = Some(line);
        let name = file(dir, "consents.jsonl");
        let entry: LedgerLine =
            serde_json::from_str(text).map_err(|e| Error::input(&name, at, format!("not a receipt: {e}")))?;
        let key = key_of(&entry.number).ok_or_else(|| Error::input(&name, at, "bad number"))?;
        let time = if entry.kind == "consent" { entry.consent_time } else { entry.withdrawal_time };
        let ms = time
            .as_deref()
            .and_then(|t| time_ms_of(&s, t))
            .ok_or_else(|| Error::input(&name, at, "missing or bad time"))?;
        match entry.kind.as_str() {
            "consent" => {
                input.receipts.push(AuditReceipt { id: entry.id.clone(), key, ms, call_id: entry.call_id });
                records.consents.push(ConsentLine {
                    ms,
                    call_id: entry.call_id,
                    jurisdiction: entry.jurisdiction,
                    line,
                });
            }
            "withdrawal" => {
                input.withdrawals.push(AuditWithdrawal { receipt_id: entry.id, key, ms, line: Some(line) });
            }
            other => {
                return Err(Error::input(name, at, format!("unknown entry type '{}'", crate::error::snippet(other))));
            }
        }
    }

    let (_, rows) = csv_rows(dir, "names.csv")?;
    for (row, line) in rows {
        let bad = |m: &str| Error::input(file(dir, "names.csv"), Some(line), m.to_string());
        let key = key_of(row.get(0).unwrap_or("")).ok_or_else(|| bad("bad number"))?;
        let call = row.get(2).and_then(|c| c.parse().ok()).ok_or_else(|| bad("bad call id"))?;
        let ms = time_ms_of(&s, row.get(3).unwrap_or("")).ok_or_else(|| bad("bad time"))?;
        let receipt = Some(row.get(4).unwrap_or("").to_string()).filter(|r| !r.is_empty());
        input.names.push(AuditName { key, call_id: call, ms, receipt, line: Some(line) });
    }
    Ok((input, records))
}

impl AuditInput {
    /// Reads a run's output folder: summary.json, calls.csv, suppression.csv, consents.jsonl, names.csv.
    pub fn load(dir: &Path) -> Result<AuditInput> {
        Ok(load(dir)?.0)
    }
}
