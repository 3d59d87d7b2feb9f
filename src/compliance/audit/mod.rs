//! The audit: re-checks a run from its records alone and lists every rule broken, with the call it broke in.
//!
//! The same code checks a run in memory (the `violations` KPI) and a run's output folder (`dialsim audit`,
//! [`audit_folder`]), which adds the checks only the written records allow: the manifest and its signature,
//! the summary's counts against the records, call ids without gaps, objections against suppression entries,
//! names against their receipts, the Art. 14 notice on referral calls, the ledger against the calls, the
//! suppression list and the scenario.
//!
//! Rules, by the name each violation carries: `manifest`, `signature`, `scenario-hash`, `summary-counts`,
//! `call-ids`, `known-number` (exact lists; a Bloom filter's hits are "possibly known", counted apart),
//! `suppressed-number`, `objection-record`, `drop-lockout` (after any abandoned call, late connects included;
//! a callback its agent dials is exempt), `objection-offer`, `ring-time`, `abandonment` (live persons not put
//! through within the profile's silence limit, [`Outcome::is_abandoned`], per window), `calling-hours` (in
//! every zone of the called number's area; a number of another country keeps its own country's hours too), the law's rules (see [`crate::jurisdiction`]: `marketing-basis`,
//! `cold-consent-request`, `disguised-survey`, `register-missing`, `register-stale`, `caller-id`,
//! `information-message`, `amd-redial`, `random-mobile`), `notice-art14`, `name-without-consent`,
//! `withdrawal-erasure` (in names.csv and, see `ledger.rs`, in consents.jsonl), `consent-time`, `profile`,
//! `processing-record` (the folder's `processing.json`, the record of processing of Art. 30(1), is there and
//! is the one its scenario makes), and the ledger's (see `ledger.rs`) `receipt-call`, `consent-outcome`,
//! `consent-objection`, `referral-record`, `receipt-purpose`, `receipt-id`, `receipt-controller`,
//! `receipt-wording`, `withdrawal-record`, `withdrawal-format`, `referral-retention`.
//!
//! A folder's records are checked against each other, never against a secret: an edit that contradicts no other
//! record, with the manifest recomputed, passes every rule but the signature with the run's key
//! ([`AuditReport::unproven`]).

mod campaign;
mod detail;
mod folder;
mod ledger;
mod names;
mod records;

pub use detail::Detail;
pub use folder::{AuditOptions, AuditReport, KnownHit, UNPROVEN_WITHOUT_KEY, audit_folder, read_run_scenario};
pub use names::{AuditName, AuditReceipt, AuditWithdrawal};
pub(crate) use records::dialled_countries;

use std::collections::{BTreeMap, HashMap};

use crate::foundation::hash::BitKeyMap;

use crate::foundation::clock::Millis;
use crate::foundation::outcome::{Abandonment, Outcome};
use crate::jurisdiction::{AbandonWindow, Rules};
use crate::scenario::{Purpose, Scenario};

/// One call as the audit sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditCall {
    /// Call id.
    pub call_id: u32,
    /// E.164 key of the number.
    pub key: u64,
    /// Dial time, ms since day 0 00:00.
    pub dial_ms: Millis,
    /// How the attempt ended.
    pub outcome: Outcome,
    /// Ringing, seconds.
    pub ring_s: f64,
    /// Silence after pick-up before an agent (or the drop), seconds, AMD's analysis included.
    pub wait_s: f64,
    /// Whether the objection was offered (persons connected only).
    pub offered: Option<bool>,
    /// Why the number may be called.
    pub basis: crate::jurisdiction::Basis,
    /// Whether AMD screened the call.
    pub amd: bool,
    /// The call whose callback request this attempt keeps: an agent dialled it for themselves, on the line
    /// from the start (the live operator Ofcom's lockout allows within the 72 h).
    pub callback_of: Option<u32>,
}

/// Everything the audit reads.
#[derive(Clone, Debug, Default)]
pub struct AuditInput {
    /// The scenario (profile, purpose).
    pub scenario: Scenario,
    /// Every attempt.
    pub calls: Vec<AuditCall>,
    /// Suppression entries: (key, ms, call id).
    pub suppression: Vec<(u64, Millis, u32)>,
    /// Consent receipts.
    pub receipts: Vec<AuditReceipt>,
    /// Withdrawals.
    pub withdrawals: Vec<AuditWithdrawal>,
    /// Stored names.
    pub names: Vec<AuditName>,
}

/// A broken rule.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// The rule, e.g. `objection-offer`.
    pub rule: &'static str,
    /// The call it broke in, when it is one call.
    pub call_id: Option<u32>,
    /// What happened (its text formatted when shown).
    pub detail: Detail,
    /// Where in the run folder: file and 1-based line (none for a run audited in memory).
    pub at: Option<Position>,
}

/// A line of a file of a run folder.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// The file name inside the run folder.
    pub file: String,
    /// The 1-based line (for a CSV: the line the record starts on, as the csv reader counts).
    pub line: u64,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

impl Violation {
    pub(crate) fn new(rule: &'static str, call_id: Option<u32>, detail: impl Into<Detail>) -> Violation {
        Violation { rule, call_id, detail: detail.into(), at: None }
    }

    pub(crate) fn at(mut self, file: &str, line: u64) -> Violation {
        self.at = Some(Position { file: file.to_string(), line });
        self
    }
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

/// Maps keyed by E.164 keys, hashed by the crate's key hasher (std's SipHash cost ~7 % of a run's instructions
/// in the three look-ups per call).
type KeyMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<crate::foundation::hash::KeyHasher>>;

/// The audit fed one record at a time, so that a run audits itself while it goes, in memory that grows with
/// the suppressions, drops and violations it has seen, not with the calls.
///
/// Feed it every suppression entry whose time is at or before a call's dial time before that call, and the
/// calls in dial order ([`Auditor::call`]); then [`Auditor::finish`] checks names and abandonment windows.
/// A run in progress meets that order by feeding a call once every earlier-dialled call has ended: a
/// suppression made later than that is later than the call's dial.
pub struct Auditor<'k> {
    /// The rules of each campaign day (the regime in force that day, or the named one); past the last day,
    /// the last day's.
    days: Vec<Rules>,
    /// The other jurisdictions' rules of each campaign day, by calling code (campaigns that may dial another
    /// country's numbers, [`Scenario::may_dial_abroad`]): a marketing call to a number of another country needs
    /// a basis when that country's law asks one, that country's registers and the caller ID its law asks for,
    /// whatever the campaign's law says; and the calls to its numbers keep its abandonment limit when that is
    /// law.
    abroad: crate::scenario::LawAbroad,
    /// The (country of `abroad`, campaign day) pairs a marketing call went to.
    called_abroad: std::collections::BTreeSet<(usize, u32)>,
    /// Per country of `abroad`: the live answers and abandoned calls of its numbers per window of its law.
    windows_abroad: Vec<Vec<(u64, Abandonment)>>,
    /// Campaign-wide violations (registers, caller ID, a disguised survey), shown first once a call was made,
    /// and the rules and registers they told of.
    campaign: Vec<Violation>,
    told: campaign::Seen,
    /// The scenario audited (its registers, for the countries called).
    scenario: &'k Scenario,
    /// The campaign's purpose and whether calls are dialled by an operator (no random-number dialer).
    purpose: Purpose,
    hand_dialled: bool,
    /// Whether abandoned calls play the information message.
    info_message: bool,
    /// Calls whose number had no basis for a marketing call under an opt-in regime: a consent asked for in
    /// them is a cold consent request.
    cold: std::collections::HashSet<u32, std::hash::BuildHasherDefault<crate::foundation::hash::KeyHasher>>,
    /// When AMD last hung up on a machine at a number.
    last_amd_machine: KeyMap<Millis>,
    known: Box<dyn Fn(u64) -> Option<String> + 'k>,
    suppressed: BitKeyMap<(Millis, u32)>,
    /// Numbers whose call ended in an objection, with that call: never dialled again, whatever the
    /// suppression list says (an objection whose suppression entry is missing still binds).
    objected: BitKeyMap<(Millis, u32)>,
    /// Hours a number stays locked after a drop: the longer of the profile's and the scenario's own.
    lockout_h: f64,
    /// Whose lockout that is, for messages.
    lockout_of: &'static str,
    last_drop: BitKeyMap<Millis>,
    /// Live answers and abandoned calls per window, counted as the summary counts them.
    /// In window order: calls come in dial order, so a call's window is the last one or a new one after it.
    per_window: Vec<(u64, Abandonment)>,
    calls: u64,
    last_dial: (Millis, u32),
    out: Vec<Violation>,
    /// The calling hours at the called person's location (the profile's, or the scenario's own).
    hours: crate::compliance::calendar::CallingHours,
}

impl<'k> Auditor<'k> {
    /// An audit of a run of `scenario`; `known` names the exclusion source holding a key, if any.
    pub fn new(scenario: &'k Scenario, known: Box<dyn Fn(u64) -> Option<String> + 'k>) -> Auditor<'k> {
        let days: Vec<Rules> = (0..scenario.law_days()).map(|d| scenario.rules_on_day(d)).collect();
        let rules = days.iter().fold(days[0], |acc, r| if r.lockout_h > acc.lockout_h { *r } else { acc });
        let c = &scenario.compliance;
        // The scenario's own lockout binds the campaign as much as the profile's (cz-2018 has none, but a
        // scenario that promises 72 h must keep it).
        let own = scenario.dialer.drop_lockout_hours;
        let (lockout_h, lockout_of) = if own > rules.lockout_h {
            (own, "the scenario's dialer.drop_lockout_hours")
        } else {
            (rules.lockout_h, "the profile's")
        };
        let abroad = scenario.law_abroad();
        let (campaign, told) = campaign::campaign_violations(scenario);
        Auditor {
            windows_abroad: vec![Vec::new(); abroad.countries().len()],
            abroad,
            called_abroad: Default::default(),
            campaign,
            told,
            scenario,
            days,
            purpose: c.purpose,
            hand_dialled: scenario.dialer.mode == crate::scenario::DialerMode::Preview,
            info_message: c.info_message,
            cold: Default::default(),
            last_amd_machine: KeyMap::default(),
            known,
            suppressed: BitKeyMap::default(),
            objected: BitKeyMap::default(),
            lockout_h,
            lockout_of,
            last_drop: BitKeyMap::default(),
            per_window: Default::default(),
            calls: 0,
            last_dial: (Millis::ZERO, 0),
            out: Vec::new(),
            hours: crate::compliance::calendar::CallingHours::of(scenario),
        }
    }

    /// A suppression entry (objection or withdrawal): `key` may not be dialled from `ms` on, except in the call
    /// `call_id` that made it.
    pub fn suppression(&mut self, key: u64, ms: Millis, call_id: u32) {
        let e = self.suppressed.or_insert(key, (ms, call_id));
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
        let day = (call.dial_ms / crate::foundation::clock::DAY) as usize;
        let rules = *self.days.get(day).or(self.days.last()).unwrap_or(&Rules::GDPR);
        let rules = &rules;
        // The law of the number's own country, when it is another than the campaign's (a list's numbers).
        let abroad = self.abroad.of_number(call.key, day);
        let theirs = abroad.map(|(_, r)| r);
        let out = &mut self.out;
        let id = Some(call.call_id);
        if let Some(source) = (self.known)(call.key) {
            out.push(Violation::new("known-number", id, Detail::known(call.key, source)));
        }
        let listed = self.suppressed.get(call.key).filter(|&&(ms, by)| ms <= call.dial_ms && by != call.call_id);
        let objected = self.objected.get(call.key).filter(|&&(ms, by)| ms < call.dial_ms && by != call.call_id);
        if listed.is_none()
            && let Some(&(_, by)) = objected
        {
            out.push(Violation::new("suppressed-number", id, Detail::objected_without_entry(call.key, by)));
        }
        if let Some(&(_, objected_in)) = listed {
            out.push(Violation::new("suppressed-number", id, Detail::suppressed(call.key, objected_in)));
        }
        // A callback is dialled by the agent who will speak (no silence is possible): Ofcom's rule allows repeat
        // calls within the 72 h "with the guaranteed presence of a live operator".
        let (lockout_h, lockout_of): (f64, std::borrow::Cow<'static, str>) = match theirs {
            Some(r) if r.lockout_h > self.lockout_h => {
                (r.lockout_h, format!("{}'s, the number's own country's", r.jurisdiction).into())
            }
            _ => (self.lockout_h, self.lockout_of.into()),
        };
        if lockout_h > 0.0
            && call.callback_of.is_none()
            && let Some(&dropped) = self.last_drop.get(call.key)
            && call.dial_ms < dropped + Millis((lockout_h * 3_600_000.0) as u64)
        {
            out.push(Violation::new("drop-lockout", id, Detail::lockout(call.key, lockout_h, lockout_of)));
        }
        if call.outcome.is_abandoned(call.wait_s, rules.max_silence_s) {
            self.last_drop.insert(call.key, call.dial_ms);
        }
        if self.hours.restricted() {
            let (ok, local) = self.hours.local_times(call.key, call.dial_ms);
            if !ok {
                out.push(Violation::new(
                    "calling-hours",
                    id,
                    format!(
                        "+{} dialled at {local} local time, outside the calling hours {}",
                        call.key,
                        self.hours.describe_for(call.key)
                    ),
                ));
            }
        }
        let (amd_redial_h, under) = match theirs {
            Some(r) if r.amd_redial_h > rules.amd_redial_h => (r.amd_redial_h, own_country(r.jurisdiction)),
            _ => (rules.amd_redial_h, String::new()),
        };
        if amd_redial_h > 0.0 {
            if let Some(&at) = self.last_amd_machine.get(&call.key)
                && call.dial_ms < at + Millis((amd_redial_h * 3_600_000.0) as u64)
                && call.amd
            {
                out.push(Violation::new(
                    "amd-redial",
                    id,
                    format!(
                        "+{} called again {:.1} h after AMD hung up on its machine, with AMD screening instead of an \
                         agent guaranteed (the regime allows that only after {} h){under}",
                        call.key,
                        (call.dial_ms.as_f64() - at.as_f64()) / 3_600_000.0,
                        amd_redial_h
                    ),
                ));
            }
            if call.outcome == Outcome::Machine {
                self.last_amd_machine.insert(call.key, call.dial_ms);
            }
        }
        if let Some((i, _)) = abroad
            && self.purpose == Purpose::Marketing
        {
            self.called_abroad.insert((i, day as u32));
        }
        if self.purpose == Purpose::Marketing && !call.basis.allows_marketing() {
            // Borrowed for the campaign's own law: every call of a cold marketing run comes here.
            let under: Option<std::borrow::Cow<'static, str>> = if rules.opt_in {
                Some(rules.jurisdiction.into())
            } else {
                abroad
                    .filter(|(_, r)| r.opt_in)
                    .map(|(_, r)| format!("{}, the law of the number's own country", r.jurisdiction).into())
            };
            if let Some(under) = under {
                out.push(Violation::new(
                    "marketing-basis",
                    id,
                    format!(
                        "+{} called for marketing with basis {} under {under} (marketing calls need opt-in, prior \
                         consent or an existing customer)",
                        call.key,
                        call.basis.as_str(),
                    ),
                ));
                self.cold.insert(call.call_id);
            }
        }
        // The TCPA protects numbers of the US (the NANP's +1; the plan does not tell the US from its neighbours).
        let tcpa = asked(rules, theirs, |r| r.random_mobile_consent);
        if let Some(under) = tcpa
            && !self.hand_dialled
            && call.basis != crate::jurisdiction::Basis::Consent
            && (10_000_000_000..20_000_000_000).contains(&call.key)
        {
            out.push(Violation::new(
                "random-mobile",
                id,
                format!(
                    "+{} dialled by a random-number dialer without prior express consent (47 USC 227(b)(1)(A)(iii); \
                     the plan does not tell mobiles apart, so every number may be one){under}",
                    call.key
                ),
            ));
        }
        let info_message = asked(rules, theirs, |r| r.info_message);
        if let Some(under) = info_message
            && !self.info_message
            && call.outcome.is_drop()
        {
            out.push(Violation::new(
                "information-message",
                id,
                format!(
                    "+{} abandoned without the information message (compliance.info_message = false){under}",
                    call.key
                ),
            ));
        }
        if call.outcome == Outcome::Objected {
            self.objected.or_insert(call.key, (call.dial_ms, call.call_id));
        }
        if call.outcome.is_person_connected() && call.offered != Some(true) {
            out.push(Violation::new("objection-offer", id, "a connected call without the offer to object"));
        }
        if call.outcome == Outcome::NoAnswer && call.ring_s + 1e-9 < rules.min_ring_s {
            out.push(Violation::new("ring-time", id, Detail::ring(call.ring_s, rules.min_ring_s)));
        }
        // Silence past the limit makes the call abandoned: it counts in its window's rate (allowed within the
        // limit), not as a violation of its own, which would count it twice.
        if call.outcome.is_person_answer() {
            count_in_window(&mut self.per_window, self.days[0].window, call, rules.max_silence_s);
            // The calls to another country's numbers are counted again under its law, when its limit is law.
            if let Some((i, theirs)) = abroad
                && self.abroad.on(i, 0).abandon_limit_is_law
            {
                let window = self.abroad.on(i, 0).window;
                count_in_window(&mut self.windows_abroad[i], window, call, theirs.max_silence_s);
            }
        }
    }

    /// The violations: the per-call ones in dial order, then the names' (the full check `dialsim audit`
    /// makes: every name under an existing, unwithdrawn receipt for that number and call, at or before the
    /// name, one name per receipt), then abandonment per window; a campaign-wide opt-in flag first.
    pub fn finish(
        self,
        receipts: &[AuditReceipt],
        withdrawals: &[AuditWithdrawal],
        names: &[AuditName],
    ) -> Vec<Violation> {
        let cold = self.consent_requests(receipts);
        let (mut out, windows, _) = self.finish_calls();
        out.extend(cold);
        out.extend(names::check_names(receipts, withdrawals, names));
        out.extend(windows);
        out
    }

    /// `cold-consent-request`: each consent asked for inside a marketing call whose number had no basis under
    /// an opt-in regime (call it after every call was fed).
    pub(crate) fn consent_requests(&self, receipts: &[AuditReceipt]) -> Vec<Violation> {
        receipts
            .iter()
            .filter_map(|r| {
                let call = r.call_id.filter(|c| self.cold.contains(c))?;
                Some(Violation::new(
                    "cold-consent-request",
                    Some(call),
                    format!(
                        "consent {} asked for inside a marketing call to +{} that had no basis: under an opt-in \
                         regime the request is itself an unlawful marketing call",
                        r.id, r.key
                    ),
                ))
            })
            .collect()
    }

    /// The per-call violations (the campaign-wide ones first), abandonment violations per window, and the live
    /// answers and abandoned calls of every window.
    pub(crate) fn finish_calls(self) -> (Vec<Violation>, Vec<Violation>, BTreeMap<u64, Abandonment>) {
        let days = self.days;
        let mut out = self.out;
        if self.calls > 0 {
            let mut told = self.told;
            let abroad = &self.abroad;
            let called = self.called_abroad.iter().map(|&(i, d)| (abroad.on(i, d as usize), d));
            let mut campaign = self.campaign;
            campaign.extend(campaign::law_abroad(self.scenario, called, &mut told));
            out.splice(0..0, campaign);
        }
        let mut windows = abandonment(&days, &self.per_window, None);
        for ((_, their_days), counted) in self.abroad.countries().iter().zip(&self.windows_abroad) {
            windows.extend(abandonment(their_days, counted, Some(their_days[0].jurisdiction)));
        }
        (out, windows, self.per_window.into_iter().collect())
    }
}

/// ` under GB, the law of the number's own country`: what a message adds when the rule it tells of is the law
/// of the called number's country, not the campaign's.
fn own_country(iso: &str) -> String {
    format!(" under {iso}, the law of the number's own country")
}

/// Whether a duty (`duty` of a regime's rules) binds a call: under the campaign's `rules` (`Some("")`), else
/// under `theirs`, the law of the number's own country (`Some(" under GB, …")`, [`own_country`]).
fn asked(rules: &Rules, theirs: Option<Rules>, duty: impl Fn(&Rules) -> bool) -> Option<String> {
    if duty(rules) { Some(String::new()) } else { theirs.filter(|r| duty(r)).map(|r| own_country(r.jurisdiction)) }
}

/// Counts a live answer in its window of `per_window` (windows of `window`, in order).
fn count_in_window(per_window: &mut Vec<(u64, Abandonment)>, window: AbandonWindow, call: &AuditCall, silence_s: f64) {
    let length = match window {
        AbandonWindow::Day => crate::foundation::clock::DAY,
        AbandonWindow::ThirtyDays => 30 * crate::foundation::clock::DAY,
    };
    let w = call.dial_ms / length;
    // Calls come in dial order: the window is the last one, or a new one after it (inserted in order).
    let at = match per_window.last() {
        Some(&(last, _)) if last == w => per_window.len() - 1,
        _ => {
            let at = per_window.partition_point(|&(x, _)| x < w);
            if per_window.get(at).is_none_or(|&(x, _)| x != w) {
                per_window.insert(at, (w, Abandonment::default()));
            }
            at
        }
    };
    per_window[at].1.count(call.outcome, call.wait_s, silence_s);
}

/// `abandonment`: each window of `per_window` whose abandoned share passes the limit of its first day under
/// `days` (the law of a 30-day period is the law on its first day). `abroad`: the ISO code of the country whose
/// numbers these are, when its law is not the campaign's.
fn abandonment(days: &[Rules], per_window: &[(u64, Abandonment)], abroad: Option<&str>) -> Vec<Violation> {
    let mut out = Vec::new();
    for &(w, ref a) in per_window {
        let first_day = match days[0].window {
            AbandonWindow::Day => w as usize,
            AbandonWindow::ThirtyDays => 30 * w as usize,
        };
        let rules = *days.get(first_day).or(days.last()).unwrap_or(&Rules::GDPR);
        let (drops, answers, rate) = (a.abandoned, a.live_answers, a.rate());
        if rate > rules.abandon_limit {
            let whose = match abroad {
                Some(iso) => format!(
                    " to numbers of {iso}, under {iso}'s limit (the law of the numbers' own country; {} s of silence \
                     after pick-up is abandoned)",
                    rules.max_silence_s
                ),
                None => String::new(),
            };
            out.push(Violation::new(
                "abandonment",
                None,
                format!(
                    "{} {}: {drops} of {answers} live answers abandoned ({:.2} % > {:.0} %){whose}",
                    if rules.window == AbandonWindow::Day { "day" } else { "30-day period" },
                    w,
                    100.0 * rate,
                    100.0 * rules.abandon_limit
                ),
            ));
        }
    }
    out
}
