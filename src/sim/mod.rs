//! The campaign simulator: a discrete-event model of a call centre dialling random numbers.
//!
//! A [`Campaign`] is built once from a [`Scenario`] (plan, exclusions and lists loaded), then run with a seed:
//! [`Campaign::run`] gives a [`RunOutput`] with the summary and, when asked, one record per attempt. Runs are
//! single-threaded and deterministic; replications run in parallel on separate runs.
//!
//! Modules: `queue` (time and the (time, seq) event queue), `draw` (hash-keyed draws: common random numbers),
//! `leads` (numbers to dial), `pacing` (one pacer per dialer mode), `engine` (dialer, lines, callees, agents),
//! `record` (records and summary).

mod costs;
mod draw;
mod engine;
pub mod kpi;
mod leads;
mod pacing;
mod prior;
mod queue;
mod record;
mod strata;

pub use costs::{CostBreakdown, CostSummary};
use leads::LeadSource;
pub use leads::scenario_exclusions;
pub(crate) use leads::scenario_sources;
pub use pacing::{amd_note, amd_outlasts_silence};
pub use prior::Prior;
pub use queue::{DAY, HOUR, MINUTE, Millis, SECOND, millis};
pub use record::{
    Aapor, AaporRates, Abandonment, AgentTime, CallRecord, ComplianceStats, DayStats, FaultCounts, INTERVAL_MS,
    Interval, Outcome, Summary,
};

use crate::foundation::error::Result;
use crate::scenario::Scenario;

/// A scenario ready to run: its numbers and exclusions loaded once.
#[derive(Debug, Clone)]
pub struct Campaign {
    scenario: Scenario,
    leads: LeadSource,
}

/// Rewrites the `calls.csv` text of `input` into `output` with the `referral_of` of every call referred by
/// one of `erased` (sorted) emptied: the erasure of referral links in a file streamed before the run knew
/// which links would outlive their retention. Rows are calls.csv's as the report writes them (no
/// quoted fields); any other line is copied as it is.
pub fn erase_links(
    input: &mut dyn std::io::BufRead,
    output: &mut dyn std::io::Write,
    erased: &[u32],
) -> std::io::Result<()> {
    let mut line = String::new();
    let mut column = None;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let text = line.trim_end_matches('\n');
        let Some(at) = column else {
            column = text.split(',').position(|h| h == "referral_of");
            output.write_all(line.as_bytes())?;
            continue;
        };
        let mut fields: Vec<&str> = text.split(',').collect();
        if fields.get(at).and_then(|f| f.parse::<u32>().ok()).is_some_and(|r| erased.binary_search(&r).is_ok()) {
            fields[at] = "";
            writeln!(output, "{}", fields.join(","))?;
        } else {
            output.write_all(line.as_bytes())?;
        }
    }
}

/// The result of one run.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The seed of the run.
    pub seed: u64,
    /// The summary.
    pub summary: Summary,
    /// One record per attempt, by call id (empty unless asked for).
    pub calls: Vec<CallRecord>,
    /// Objections and withdrawals: `suppression.csv`.
    pub suppression: Vec<crate::compliance::SuppressionEntry>,
    /// Consent receipts and withdrawals in time order: `consents.jsonl`.
    pub ledger: Vec<crate::compliance::LedgerEntry>,
    /// Names kept with numbers: `names.csv`.
    pub names: Vec<crate::compliance::NameEntry>,
    /// What the audit finds in the run.
    pub violations: Vec<crate::compliance::Violation>,
    /// The referring calls whose referral link was erased (its referee never reached within
    /// `compliance.retention.referral_link_days`), in call order: no call record names them as its
    /// `referral_of` ([`CallRecord`]s kept are emptied already; a streamed `calls.csv` is rewritten with
    /// [`erase_links`]).
    pub erased_links: Vec<u32>,
    /// The time profile: 15-minute intervals with activity, in time order.
    pub intervals: Vec<Interval>,
}

/// A run's expected size ([`Campaign::estimate`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeEstimate {
    /// Calls (attempts) the run is expected to make.
    pub calls: u64,
    /// Memory they are expected to take, bytes.
    pub bytes: u64,
}

impl Campaign {
    /// Loads what `scenario` names (plan, filters, suppression lists, a number list).
    ///
    /// ```
    /// let campaign = dialsim::sim::Campaign::new(dialsim::Scenario::default_day()).unwrap();
    /// let out = campaign.run(7, false);
    /// assert!(out.summary.dials > 0);
    /// ```
    pub fn new(scenario: Scenario) -> Result<Campaign> {
        Campaign::with_prior(scenario, Prior::default())
    }

    /// Loads what `scenario` names, and excludes `prior`'s suppressed numbers too (exactly, after the
    /// scenario's sources) and gives the numbers it knows a basis of that basis.
    pub fn with_prior(scenario: Scenario, prior: Prior) -> Result<Campaign> {
        let leads = LeadSource::prepare_with(&scenario, prior)?;
        Ok(Campaign { scenario, leads })
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// What the caller should be warned of when the campaign dials numbers of another country than its
    /// jurisdiction's: the plan's, when it is another country's (`numbers.plan = "gb"` under
    /// `compliance.profile = "cz"`), and those of `numbers.list`, one warning a country. Such a number is dialled
    /// under the campaign's law, and held to its own country's law besides: the dialer keeps its calling hours
    /// and AMD redial hold, the audit the rest (see [`crate::compliance::Auditor`]).
    /// The pacer keeps the campaign's abandonment limit, and receipts are the campaign's.
    pub fn abroad_law_warnings(&self) -> Vec<String> {
        let s = &self.scenario;
        let own = s.jurisdiction();
        let day = s.date_of_day(0);
        let ours = format!("{}, {}", own.name, s.regime_on_day(0).name);
        // What the dialer keeps of a country's regime: its calling hours and AMD redial hold, where it has them.
        let besides = |regime: &crate::jurisdiction::Regime| {
            let theirs = regime.name;
            let kept: Vec<&str> = [
                regime.rules.calling_hours.map(|_| "calling hours"),
                (regime.rules.amd_redial_h > 0.0).then_some("AMD redial hold"),
            ]
            .into_iter()
            .flatten()
            .collect();
            let law = if kept.is_empty() {
                format!("{theirs}'s law audited besides")
            } else {
                format!("{theirs}'s {} kept and the rest of its law audited besides", kept.join(" and "))
            };
            format!("under the campaign's law ({ours}), with {law} (the pacer keeps the campaign's abandonment limit)")
        };
        let mut out = Vec::new();
        if let Some(j) = s.plan_abroad() {
            let regime = j.regime_on(day);
            let theirs = regime.name;
            out.push(format!(
                "numbers.plan {}: the plan's numbers are {}'s (+{}), whose law on {day} is {theirs}; they are dialled \
                 {}: set compliance.profile = \"plan\" to hold the campaign to {theirs}",
                j.code,
                j.name,
                j.calling_code,
                besides(regime)
            ));
        }
        let Some(list) = self.leads.list() else { return out };
        let mut other: std::collections::BTreeMap<u16, usize> = std::collections::BTreeMap::new();
        for n in list.iter().filter(|n| !s.is_own_country(n.country_code)) {
            *other.entry(n.country_code).or_default() += 1;
        }
        let file = crate::foundation::text::escape_controls(&s.numbers.list);
        let closed = self.closed_all_day(list);
        out.extend(other.into_iter().map(|(cc, n)| {
            let (is, they) = if n == 1 { ("is", "it is") } else { ("are", "they are") };
            let head = format!("numbers.list {file}: {n} of the {} numbers {is}", list.len());
            match crate::jurisdiction::by_calling_code(cc) {
                Some(j) => {
                    let regime = j.regime_on(day);
                    let theirs = regime.name;
                    // The NANP's numbers do not tell its countries apart: all of +1 is held to US law.
                    let whose = if cc == 1 {
                        format!("of the NANP (+1), held to the law of the {},", j.name)
                    } else {
                        format!("{}'s (+{cc}),", j.name)
                    };
                    let never = match closed.get(&cc) {
                        Some(&k) => format!(
                            "; {k} of them are never inside their calling hours during the campaign's calling window \
                             {} (run.day_start {} for {} h, on the floor's clock) and are not dialled",
                            if s.run.days > 1 {
                                format!("on its {} days from {day}", s.run.days)
                            } else {
                                format!("on {day}")
                            },
                            s.run.day_start.trim(),
                            s.run.day_hours
                        ),
                        None => String::new(),
                    };
                    format!(
                        "{head} {whose} whose law on {day} is {theirs}; {they} dialled {}{never}: give them a \
                         campaign of their own (numbers.plan = \"{}\")",
                        besides(regime),
                        j.code
                    )
                }
                None => format!(
                    "{head} of +{cc}, which no jurisdiction module knows; {they} dialled under the campaign's law \
                     ({ours})"
                ),
            }
        }));
        out
    }

    /// Per calling code, the numbers of `list` whose calling hours never open during the campaign's calling
    /// window on any of its days ([`crate::compliance::calendar::CallingHours::never_open`]): the dialer sets
    /// them aside undialled.
    fn closed_all_day(&self, list: &[crate::PhoneNumber]) -> std::collections::BTreeMap<u16, usize> {
        let mut hours = crate::compliance::calendar::CallingHours::of(&self.scenario);
        let mut closed = std::collections::BTreeMap::new();
        if !hours.restricted() {
            return closed;
        }
        for n in list {
            let g = hours.group(n.key());
            if hours.never_open(g, 0) {
                *closed.entry(n.country_code).or_default() += 1;
            }
        }
        closed
    }

    /// The run's expected size, from a pilot of its first calling day's first six minutes scaled to the
    /// campaign's calling days: the calls
    /// it makes, and the memory their records take when a caller keeps them ([`Campaign::run`] with
    /// `record_calls`). A run that streams its records ([`Campaign::run_streaming`]) or drops them holds only
    /// the calls in progress. Rough (a day's ramp-up and lead exhaustion are not extrapolated), but the right
    /// order of magnitude to warn or refuse up front.
    pub fn estimate(&self, seed: u64) -> SizeEstimate {
        const PILOT_HOURS: f64 = 0.1;
        // The pilot runs on the first calling day; closed days (weekends, holidays) dial nothing.
        let calendar = crate::compliance::calendar::Calendar::of(&self.scenario);
        let open: Vec<u32> = (0..self.scenario.run.days).filter(|d| calendar.is_open(*d)).collect();
        let Some(date) = open.first().and_then(|d| calendar.date(*d)) else {
            return SizeEstimate { calls: 0, bytes: 0 };
        };
        let mut pilot = self.scenario.clone();
        pilot.run.days = 1;
        pilot.run.start_date = date.to_string();
        pilot.run.day_hours = PILOT_HOURS.min(self.scenario.run.day_hours);
        let mut engine = engine::Engine::new(&pilot, &self.leads, seed, engine::RecordSink::Discard);
        engine.run();
        let hours = open.len() as f64 * self.scenario.run.day_hours;
        let calls = (f64::from(engine.calls_dialled()) * hours / pilot.run.day_hours).ceil() as u64;
        SizeEstimate { calls, bytes: calls.saturating_mul(std::mem::size_of::<CallRecord>() as u64) }
    }

    /// Runs the campaign with `seed`; `record_calls` keeps one record per attempt in the output. Memory grows
    /// with the calls in progress and the records kept, not with the calls already made.
    pub fn run(&self, seed: u64, record_calls: bool) -> RunOutput {
        let sink = if record_calls { engine::RecordSink::Keep(Vec::new()) } else { engine::RecordSink::Discard };
        let (out, _) = self.run_with(seed, sink);
        out
    }

    /// Runs the campaign with `seed`, handing each call's record to `write` in call-id order as soon as the
    /// call and every earlier one have ended (the output holds no records). The first write error stops the
    /// writing (the run itself completes) and is returned.
    pub fn run_streaming(
        &self,
        seed: u64,
        write: &mut dyn FnMut(&CallRecord) -> std::io::Result<()>,
    ) -> std::result::Result<RunOutput, std::io::Error> {
        let (out, error) = self.run_with(seed, engine::RecordSink::Stream(write, None));
        match error {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    fn run_with<'a>(&'a self, seed: u64, sink: engine::RecordSink<'a>) -> (RunOutput, Option<std::io::Error>) {
        self.run_paced(seed, sink, pacing::pacer_for(&self.scenario))
    }

    /// Runs the campaign with `seed`, paced by `pacer`.
    pub(crate) fn run_paced<'a>(
        &'a self,
        seed: u64,
        sink: engine::RecordSink<'a>,
        pacer: Box<dyn pacing::Pacing>,
    ) -> (RunOutput, Option<std::io::Error>) {
        let mut engine = engine::Engine::with_pacer(&self.scenario, &self.leads, seed, sink, pacer);
        engine.run();
        let erased_links = std::mem::take(&mut engine.erased_links);
        let (calls, error) = match std::mem::replace(&mut engine.records, engine::RecordSink::Discard) {
            engine::RecordSink::Keep(mut all) => {
                for c in &mut all {
                    if c.referral_of.is_some_and(|r| erased_links.binary_search(&r).is_ok()) {
                        c.referral_of = None;
                    }
                }
                (all, None)
            }
            engine::RecordSink::Stream(_, error) => (Vec::new(), error),
            engine::RecordSink::Discard => (Vec::new(), None),
        };
        let mut out = RunOutput {
            seed,
            summary: engine.stats.summary.take().expect("finished"),
            calls,
            suppression: std::mem::take(&mut engine.suppression),
            ledger: std::mem::take(&mut engine.ledger),
            names: std::mem::take(&mut engine.names),
            violations: std::mem::take(&mut engine.violations),
            erased_links,
            intervals: engine.stats.active_intervals().cloned().collect(),
        };
        // Carry the dial level forward through intervals without a report of their own.
        let mut level = engine.start_level;
        for i in &mut out.intervals {
            if i.dial_level == 0.0 {
                i.dial_level = level;
            }
            level = i.dial_level;
        }
        // The run audited itself while it went, with the same code as `dialsim audit`.
        out.summary.compliance.violations = out.violations.len() as u64;
        (out, error)
    }
}
