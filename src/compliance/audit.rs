//! The audit: re-checks a run from its records alone and lists every rule broken, with the call it broke in.
//!
//! The same code checks a run in memory (the `violations` KPI) and a run's output folder (`dialsim audit`).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::AbandonWindow;
use crate::error::{Error, Result};
use crate::outcome::Outcome;
use crate::scenario::{Purpose, Scenario};

/// One call as the audit sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditCall {
    /// Call id.
    pub call_id: u32,
    /// E.164 key of the number.
    pub key: u64,
    /// Dial time, ms since day 0 00:00.
    pub dial_ms: u64,
    /// How the attempt ended.
    pub outcome: Outcome,
    /// Ringing, seconds.
    pub ring_s: f64,
    /// Silence after pick-up before an agent (or the drop), seconds.
    pub wait_s: f64,
    /// Whether the objection was offered (persons connected only).
    pub offered: Option<bool>,
}

/// Everything the audit reads.
#[derive(Clone, Debug, Default)]
pub struct AuditInput {
    /// The scenario (profile, purpose).
    pub scenario: Scenario,
    /// Every attempt.
    pub calls: Vec<AuditCall>,
    /// Suppression entries: (key, ms, call id).
    pub suppression: Vec<(u64, u64, u32)>,
    /// Receipts: (receipt id, key, ms).
    pub receipts: Vec<(String, u64, u64)>,
    /// Withdrawals: (receipt id, key, ms).
    pub withdrawals: Vec<(String, u64, u64)>,
    /// Stored names: (key, call id, ms).
    pub names: Vec<(u64, u32, u64)>,
}

/// A broken rule.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// The rule, e.g. `objection-offer`.
    pub rule: &'static str,
    /// The call it broke in, when it is one call.
    pub call_id: Option<u32>,
    /// What happened.
    pub detail: String,
}

/// Checks every rule of the scenario's profile; `known` names the exclusion source holding a key, if any.
pub fn audit(input: &AuditInput, known: &dyn Fn(u64) -> Option<String>) -> Vec<Violation> {
    let mut auditor = Auditor::new(&input.scenario, Box::new(known));
    for &(key, ms, call) in &input.suppression {
        auditor.suppression(key, ms, call);
    }
    let mut calls: Vec<&AuditCall> = input.calls.iter().collect();
    if !calls.is_sorted_by_key(|x| (x.dial_ms, x.call_id)) {
        calls.sort_by_key(|x| (x.dial_ms, x.call_id));
    }
    for call in calls {
        auditor.call(call);
    }
    auditor.finish(&input.receipts, &input.withdrawals, &input.names)
}

/// The audit fed one record at a time, so that a run audits itself while it goes, in memory that grows with
/// the suppressions, drops and violations it has seen, not with the calls.
///
/// Feed it every suppression entry whose time is at or before a call's dial time before that call, and the
/// calls in dial order ([`Auditor::call`]); then [`Auditor::finish`] checks names and abandonment windows.
/// A run in progress meets that order by feeding a call once every earlier-dialled call has ended: a
/// suppression made later than that is later than the call's dial.
pub struct Auditor<'k> {
    rules: super::Rules,
    opt_in_flag: Option<Violation>,
    known: Box<dyn Fn(u64) -> Option<String> + 'k>,
    suppressed: HashMap<u64, (u64, u32)>,
    last_drop: HashMap<u64, u64>,
    per_window: std::collections::BTreeMap<u64, (u64, u64)>,
    calls: u64,
    last_dial: (u64, u32),
    out: Vec<Violation>,
}

impl<'k> Auditor<'k> {
    /// An audit of a run of `scenario`; `known` names the exclusion source holding a key, if any.
    pub fn new(scenario: &Scenario, known: Box<dyn Fn(u64) -> Option<String> + 'k>) -> Auditor<'k> {
        let rules = scenario.compliance.profile.rules();
        let c = &scenario.compliance;
        let opt_in_flag = (rules.opt_in && c.purpose == Purpose::Marketing).then(|| Violation {
            rule: "opt-in",
            call_id: None,
            detail: format!(
                "profile {} requires prior consent for marketing calls to consumers; this campaign dials random numbers without it (purpose research is exempt)",
                c.profile.as_str()
            ),
        });
        Auditor {
            rules,
            opt_in_flag,
            known,
            suppressed: HashMap::new(),
            last_drop: HashMap::new(),
            per_window: Default::default(),
            calls: 0,
            last_dial: (0, 0),
            out: Vec::new(),
        }
    }

    /// A suppression entry (objection or withdrawal): `key` may not be dialled from `ms` on, except in the call
    /// `call_id` that made it.
    pub fn suppression(&mut self, key: u64, ms: u64, call_id: u32) {
        let e = self.suppressed.entry(key).or_insert((ms, call_id));
        if ms < e.0 {
            *e = (ms, call_id);
        }
    }

    /// The next call, in dial order (time, then call id).
    ///
    /// # Panics
    /// In debug builds, when calls come out of order.
    pub fn call(&mut self, call: &AuditCall) {
        debug_assert!((call.dial_ms, call.call_id) >= self.last_dial, "calls in dial order");
        self.last_dial = (call.dial_ms, call.call_id);
        self.calls += 1;
        let rules = &self.rules;
        let out = &mut self.out;
        let id = Some(call.call_id);
        if let Some(source) = (self.known)(call.key) {
            out.push(Violation { rule: "known-number", call_id: id, detail: format!("+{} is in {source}", call.key) });
        }
        if let Some(&(ms, objected_in)) = self.suppressed.get(&call.key)
            && ms <= call.dial_ms
            && objected_in != call.call_id
        {
            out.push(Violation {
                rule: "suppressed-number",
                call_id: id,
                detail: format!("+{} dialled after its objection or withdrawal in call {objected_in}", call.key),
            });
        }
        if rules.lockout_h > 0.0
            && let Some(&dropped) = self.last_drop.get(&call.key)
            && call.dial_ms < dropped + (rules.lockout_h * 3_600_000.0) as u64
        {
            out.push(Violation {
                rule: "drop-lockout",
                call_id: id,
                detail: format!("+{} redialled within {} h of an abandoned call", call.key, rules.lockout_h),
            });
        }
        if call.outcome.is_drop() {
            self.last_drop.insert(call.key, call.dial_ms);
        }
        if call.outcome.is_person_connected() && call.offered != Some(true) {
            out.push(Violation {
                rule: "objection-offer",
                call_id: id,
                detail: "a connected call without the offer to object".into(),
            });
        }
        if call.outcome == Outcome::NoAnswer && call.ring_s + 1e-9 < rules.min_ring_s {
            out.push(Violation {
                rule: "ring-time",
                call_id: id,
                detail: format!("given up after {:.1} s of ringing (minimum {} s)", call.ring_s, rules.min_ring_s),
            });
        }
        if call.outcome.is_person_answer() && call.wait_s > rules.max_silence_s + 1e-9 {
            out.push(Violation {
                rule: "silence",
                call_id: id,
                detail: format!("{:.2} s of silence after pick-up (limit {} s)", call.wait_s, rules.max_silence_s),
            });
        }
        if call.outcome.is_person_answer() {
            let window_ms: u64 = match rules.window {
                AbandonWindow::Day => 86_400_000,
                AbandonWindow::ThirtyDays => 30 * 86_400_000,
            };
            let e = self.per_window.entry(call.dial_ms / window_ms).or_default();
            e.1 += 1;
            if call.outcome.is_drop() {
                e.0 += 1;
            }
        }
    }

    /// The violations: the per-call ones in dial order, then names without a live receipt (receipts and
    /// withdrawals as `(receipt id, key, ms)`, names as `(key, call id, ms)`), then abandonment per window; a
    /// campaign-wide opt-in flag first.
    pub fn finish(
        self,
        receipts: &[(String, u64, u64)],
        withdrawals: &[(String, u64, u64)],
        names: &[(u64, u32, u64)],
    ) -> Vec<Violation> {
        let rules = self.rules;
        let mut out = Vec::with_capacity(self.out.len() + 1);
        out.extend(self.opt_in_flag.filter(|_| self.calls > 0));
        out.extend(self.out);
        // Names: a receipt for the number at or before the name, not withdrawn before it.
        let mut by_key: HashMap<u64, Vec<(&str, u64)>> = HashMap::new();
        for (id, key, ms) in receipts {
            by_key.entry(*key).or_default().push((id, *ms));
        }
        let withdrawn: HashMap<&str, u64> = withdrawals.iter().map(|(id, _, ms)| (id.as_str(), *ms)).collect();
        for &(key, call, ms) in names {
            let ok = by_key
                .get(&key)
                .is_some_and(|rs| rs.iter().any(|(id, at)| *at <= ms && withdrawn.get(id).is_none_or(|&w| w > ms)));
            if !ok {
                out.push(Violation {
                    rule: "name-without-consent",
                    call_id: Some(call),
                    detail: format!("a name kept with +{key} without a consent receipt before it"),
                });
            }
        }
        for (w, (drops, answers)) in self.per_window {
            let rate = drops as f64 / answers as f64;
            if rate > rules.abandon_limit {
                out.push(Violation {
                    rule: "abandonment",
                    call_id: None,
                    detail: format!(
                        "{} {}: {drops} of {answers} live answers abandoned ({:.2} % > {:.0} %)",
                        if rules.window == AbandonWindow::Day { "day" } else { "30-day period" },
                        w,
                        100.0 * rate,
                        100.0 * rules.abandon_limit
                    ),
                });
            }
        }
        out
    }
}

#[derive(Deserialize)]
struct SummaryHead {
    scenario: Scenario,
}

#[derive(Deserialize)]
struct CallRow {
    call_id: u32,
    number: String,
    dial_s: f64,
    outcome: String,
    ring_s: f64,
    wait_s: f64,
    objection_offered: String,
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
}

fn key_of(e164: &str) -> Option<u64> {
    e164.strip_prefix('+')?.parse().ok()
}

/// ms since day 0 00:00 of an RFC 3339 UTC time (`2026-01-05T09:00:25.300Z`).
fn ms_of(scenario: &Scenario, t: &str) -> Option<u64> {
    let (date, time) = t.trim().trim_end_matches('Z').split_once('T')?;
    let days = crate::scenario::days_from_civil(date)? - crate::scenario::days_from_civil(&scenario.run.start_date)?;
    let mut parts = time.split(':');
    let (h, m): (i64, i64) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    let sec: f64 = parts.next()?.parse().ok()?;
    let ms = days * 86_400_000 + h * 3_600_000 + m * 60_000 + (sec * 1000.0).round() as i64;
    u64::try_from(ms).ok()
}

impl AuditInput {
    /// Reads a run's output folder: summary.json, calls.csv, suppression.csv, consents.jsonl, names.csv.
    pub fn load(dir: &Path) -> Result<AuditInput> {
        let read = |name: &str| {
            let p = dir.join(name);
            std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))
        };
        let file = |name: &str| dir.join(name).display().to_string();
        let summary: SummaryHead = serde_json::from_str(&read("summary.json")?).map_err(|e| {
            Error::input(file("summary.json"), Some(e.line() as u64), format!("not a dialsim summary: {e}"))
        })?;
        let scenario = summary.scenario;
        let mut input = AuditInput { scenario, ..Default::default() };
        let csv_err = |name: &str, e: csv::Error| {
            Error::input(file(name), e.position().map(|p| p.line()), format!("malformed row: {e}"))
        };
        let calls_text = read("calls.csv")?;
        let mut rdr = csv::Reader::from_reader(calls_text.as_bytes());
        for row in rdr.deserialize::<CallRow>() {
            let row = row.map_err(|e| csv_err("calls.csv", e))?;
            let key = key_of(&row.number).ok_or_else(|| {
                Error::input(file("calls.csv"), None, format!("bad number '{}'", crate::error::snippet(&row.number)))
            })?;
            input.calls.push(AuditCall {
                call_id: row.call_id,
                key,
                dial_ms: (row.dial_s * 1000.0).round() as u64,
                outcome: Outcome::from_name(&row.outcome).ok_or_else(|| {
                    Error::input(
                        file("calls.csv"),
                        None,
                        format!("unknown outcome '{}'", crate::error::snippet(&row.outcome)),
                    )
                })?,
                ring_s: row.ring_s,
                wait_s: row.wait_s,
                offered: match row.objection_offered.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
            });
        }
        let sup = read("suppression.csv")?;
        let mut rdr = csv::Reader::from_reader(sup.as_bytes());
        for (i, row) in rdr.records().enumerate() {
            let row = row.map_err(|e| csv_err("suppression.csv", e))?;
            let line = Some(i as u64 + 2);
            let bad = |m: &str| Error::input(file("suppression.csv"), line, m.to_string());
            let key = key_of(row.get(0).unwrap_or("")).ok_or_else(|| bad("bad number"))?;
            let ms = ms_of(&input.scenario, row.get(1).unwrap_or("")).ok_or_else(|| bad("bad time"))?;
            let call = row.get(2).and_then(|c| c.parse().ok()).ok_or_else(|| bad("bad call id"))?;
            input.suppression.push((key, ms, call));
        }
        for (i, line) in read("consents.jsonl")?.lines().enumerate() {
            let at = Some(i as u64 + 1);
            let entry: LedgerLine = serde_json::from_str(line)
                .map_err(|e| Error::input(file("consents.jsonl"), at, format!("not a receipt: {e}")))?;
            let key = key_of(&entry.number).ok_or_else(|| Error::input(file("consents.jsonl"), at, "bad number"))?;
            let time = if entry.kind == "consent" { entry.consent_time } else { entry.withdrawal_time };
            let ms = time
                .as_deref()
                .and_then(|t| ms_of(&input.scenario, t))
                .ok_or_else(|| Error::input(file("consents.jsonl"), at, "missing or bad time"))?;
            match entry.kind.as_str() {
                "consent" => input.receipts.push((entry.id, key, ms)),
                "withdrawal" => input.withdrawals.push((entry.id, key, ms)),
                other => {
                    return Err(Error::input(
                        file("consents.jsonl"),
                        at,
                        format!("unknown entry type '{}'", crate::error::snippet(other)),
                    ));
                }
            }
        }
        let names = read("names.csv")?;
        let mut rdr = csv::Reader::from_reader(names.as_bytes());
        for (i, row) in rdr.records().enumerate() {
            let row = row.map_err(|e| csv_err("names.csv", e))?;
            let bad = |m: &str| Error::input(file("names.csv"), Some(i as u64 + 2), m.to_string());
            let key = key_of(row.get(0).unwrap_or("")).ok_or_else(|| bad("bad number"))?;
            let call = row.get(2).and_then(|c| c.parse().ok()).ok_or_else(|| bad("bad call id"))?;
            let ms = ms_of(&input.scenario, row.get(3).unwrap_or("")).ok_or_else(|| bad("bad time"))?;
            input.names.push((key, call, ms));
        }
        Ok(input)
    }
}
