//! Calibrating a scenario from a dialer's own records (`dialsim calibrate`): the population's rates by
//! number type, the answer-delay and handle-time distributions, the hourly answer curves and callbacks, each
//! with a 95 % interval and the count it rests on, and the calling floor that sets the volume (the list's
//! mix, days, hours, agents, attempts per number: `floor`), written as a scenario an analyst can run.
//!
//! The estimators follow the model the simulator draws from (see `sim::engine`): a number is out of service
//! or not (per number); each attempt on a working number is busy, answered by a person, answered by a machine
//! or not answered (per attempt); a connected person objects when offered, else listens or refuses (per
//! person). Proportions get Wilson score intervals; means get Student-t intervals. A pick-up that would come
//! after the ring timeout is logged as no answer: the answer delay is fitted as a lognormal truncated at the
//! timeout (`censored`, maximum likelihood, its interval from the observed information), and `person` and
//! `machine` are the logged rates over the share answered in time, their intervals carrying that share's
//! own error.

mod censored;
mod delimited;
mod floor;
mod read;
mod vicidial;

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub use floor::{Agents, Days, Floor};
pub use read::{Attempt, Disposition, Log, LogFormat, VICIDIAL_LOG_COLUMNS, read_log};

use crate::foundation::error::Result;
use crate::foundation::stats::Estimate;
use crate::plan::Plan;

/// `k` of `n`, with its Wilson score interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Proportion {
    /// Successes.
    pub k: u64,
    /// Trials.
    pub n: u64,
}

impl Proportion {
    /// k / n (0 when n is 0).
    pub fn rate(&self) -> f64 {
        if self.n == 0 { 0.0 } else { self.k as f64 / self.n as f64 }
    }

    /// The 95 % Wilson score interval (0..1 when n is 0).
    ///
    /// ```
    /// let (lo, hi) = dialsim::calibrate::Proportion { k: 30, n: 100 }.wilson();
    /// assert!((lo - 0.2189).abs() < 1e-4 && (hi - 0.3958).abs() < 1e-4);
    /// ```
    pub fn wilson(&self) -> (f64, f64) {
        if self.n == 0 {
            return (0.0, 1.0);
        }
        let z = 1.959964_f64;
        let (n, p) = (self.n as f64, self.rate());
        let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
        let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        ((centre - half).max(0.0), (centre + half).min(1.0))
    }

    fn add(&mut self, hit: bool) {
        self.n += 1;
        self.k += u64::from(hit);
    }
}

/// A duration's fit: the mean with its interval and the coefficient of variation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DurationFit {
    /// The mean (seconds) and its 95 % t-interval.
    pub mean: Estimate,
    /// Standard deviation over mean.
    pub cv: f64,
}

impl DurationFit {
    fn of(values: &[f64]) -> Option<DurationFit> {
        (values.len() >= 2).then(|| {
            let mean = Estimate::of(values);
            DurationFit { mean, cv: if mean.mean > 0.0 { mean.std / mean.mean } else { 0.0 } }
        })
    }

    /// The scenario's distribution: fixed when the values do not vary, else lognormal with this mean and CV.
    fn toml(&self) -> String {
        if self.cv < 0.01 {
            format!("{{ dist = \"fixed\", value = {:.3} }}", self.mean.mean)
        } else {
            format!("{{ dist = \"lognormal\", mean = {:.3}, cv = {:.3} }}", self.mean.mean, self.cv)
        }
    }
}

/// The rates of one stratum of numbers (a number type, or all numbers).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FittedRates {
    /// Numbers dialled.
    pub numbers: u64,
    /// Numbers not in service, of numbers dialled.
    pub not_in_service: Proportion,
    /// Busy attempts, of attempts on working numbers.
    pub busy: Proportion,
    /// Attempts a person answered, of attempts on working numbers.
    pub person: Proportion,
    /// Attempts a machine answered, of attempts on working numbers.
    pub machine: Proportion,
    /// Machines AMD recognised, of machines that answered while AMD screened (a log that does not say which
    /// calls AMD screened counts every machine; no machine recognised there: AMD was off).
    pub machine_detected: Proportion,
    /// Persons AMD took for machines, of persons who answered while AMD screened.
    pub person_misdetected: Proportion,
    /// Objections, of persons connected to an agent.
    pub object: Proportion,
    /// Persons who listened, of connected persons who neither objected nor asked for a call back.
    pub cooperate: Proportion,
    /// Call backs asked for, of connected persons who did not object.
    pub callback: Proportion,
}

/// What a call log says about a campaign.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    /// How the log was read.
    pub format: LogFormat,
    /// Attempts the population is fitted to (referred numbers left out).
    pub attempts: u64,
    /// All numbers together.
    pub all: FittedRates,
    /// By number type (libphonenumber's names; `unknown` for numbers outside the plan).
    pub by_type: BTreeMap<String, FittedRates>,
    /// Ring to pick-up, seconds (persons and machines): the whole distribution, also the part beyond the
    /// ring timeout that the log shows as no answer.
    pub answer_delay: Option<DurationFit>,
    /// The share of pick-ups that come before the ring timeout (1 when the log has no ring times): `person`
    /// and `machine` are the logged rates divided by it.
    pub answered_share: f64,
    /// The standard error of ln `answered_share` (0 when nothing is corrected): the correction's own error,
    /// carried into the intervals of `person` and `machine`.
    pub answered_share_log_se: f64,
    /// The ring timeout: the longest ring of an unanswered attempt (`None` when the log has no ring times).
    pub ring_timeout: Option<f64>,
    /// Talk with persons who listened.
    pub talk: Option<DurationFit>,
    /// Talk with persons who refused or objected.
    pub refusal_talk: Option<DurationFit>,
    /// After-call work.
    pub wrap: Option<DurationFit>,
    /// Persons answering, of attempts on working numbers, by hour of the day dialled.
    pub person_by_hour: [Proportion; 24],
    /// Machines answering, of attempts on working numbers, by hour of the day dialled.
    pub machine_by_hour: [Proportion; 24],
    /// The calling floor: days, hours, agents, attempts per number.
    pub floor: Floor,
    /// Pick-up to hang-up of connected persons with the wait for an agent included, when the log cannot tell
    /// the wait from the talk: an upper bound on talk, reported but not fitted.
    pub answered_span: Option<DurationFit>,
    /// Rows left out by status: status → (rows, why).
    pub left_out: BTreeMap<String, (u64, &'static str)>,
    /// Rows with statuses dialsim does not know, by status (left out).
    pub unknown: BTreeMap<String, u64>,
    /// Attempts answering-machine detection screened, when the log says per attempt whether it did (dialsim's
    /// `amd` column); `None` when it does not, and every answer then counts as screened.
    pub amd_screened: Option<u64>,
    /// Keys the log cannot identify, with why: they keep dialsim's defaults.
    pub unidentified: Vec<(&'static str, &'static str)>,
}

/// The number type of each number, from the plan's rows (the longest matching prefix).
struct Types<'p> {
    rows: Vec<(String, u8, &'p str)>,
}

impl<'p> Types<'p> {
    fn new(plan: &'p Plan) -> Types<'p> {
        let mut rows: Vec<(String, u8, &str)> =
            plan.rows().iter().map(|r| (r.prefix.clone(), r.length, r.kind.as_str())).collect();
        rows.sort_by_key(|(p, _, _)| std::cmp::Reverse(p.len()));
        Types { rows }
    }

    fn of(&self, national: &str) -> &'p str {
        self.rows
            .iter()
            .find(|(prefix, length, _)| national.len() == usize::from(*length) && national.starts_with(prefix.as_str()))
            .map_or("unknown", |(_, _, kind)| kind)
    }
}

/// Estimates a [`Calibration`] from the attempts of `log`, typed by `plan`.
pub fn calibrate(log: &Log, plan: &Plan) -> Calibration {
    let (format, attempts) = (log.format, &log.attempts[..]);
    let types = Types::new(plan);
    // Per number: out of service if any attempt met the tone (the model draws it once per number).
    let mut sit: BTreeMap<u64, bool> = BTreeMap::new();
    for a in attempts {
        *sit.entry(a.number.key()).or_default() |= a.disposition == Disposition::NotInService;
    }
    let mut all = FittedRates::default();
    let mut by_type: BTreeMap<String, FittedRates> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    let mut person_by_hour = [Proportion::default(); 24];
    let mut machine_by_hour = [Proportion::default(); 24];
    let (mut delay, mut talk, mut refusal, mut wrap) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut span = Vec::new();
    // Referred numbers and kept callbacks follow [referrals] and [callbacks]: the population is fitted without
    // them.
    for a in attempts.iter().filter(|a| !a.follow_up) {
        let kind = types.of(&a.number.national_digits());
        let stratum = by_type.entry(kind.to_string()).or_default();
        let d = a.disposition;
        let first = seen.insert(a.number.key());
        let out = sit[&a.number.key()];
        for r in [&mut all, &mut *stratum] {
            if first {
                r.numbers += 1;
                r.not_in_service.add(out);
            }
            if !out {
                r.busy.add(d == Disposition::Busy);
                r.person.add(d.person());
                r.machine.add(d.machine());
            }
            // AMD's rates rest on the calls it screened: a machine answered while AMD was off reaches an agent
            // without AMD having missed it.
            if a.amd != Some(false) {
                if d.machine() {
                    r.machine_detected.add(d == Disposition::MachineDetected);
                }
                if d.person() {
                    r.person_misdetected.add(d == Disposition::PersonAmdDrop);
                }
            }
            // The engine's order: the offer to object, then "call me later", then listening or refusing.
            if d.connected() {
                r.object.add(d == Disposition::Objected);
                if d != Disposition::Objected {
                    r.callback.add(d == Disposition::Callback);
                    if d != Disposition::Callback {
                        r.cooperate.add(d == Disposition::Completed);
                    }
                }
            }
        }
        if !out {
            person_by_hour[usize::from(a.hour)].add(d.person());
            machine_by_hour[usize::from(a.hour)].add(d.machine());
        }
        if let Some(r) = a.ring_s.filter(|_| d.person() || d.machine()) {
            delay.push(r);
        }
        if let Some(t) = a.talk_s {
            if d == Disposition::Completed { &mut talk } else { &mut refusal }.push(t);
        }
        if let Some(w) = a.wrap_s {
            wrap.push(w);
        }
        if let Some(s) = a.answered_s {
            span.push(s);
        }
    }
    // The ring timeout is the ring time of unanswered attempts; answers beyond it were logged as no answer.
    let timeout = attempts
        .iter()
        .filter(|a| a.disposition == Disposition::NoAnswer)
        .filter_map(|a| a.ring_s)
        .fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
    // The whole delay distribution, fitted to the delays seen below the timeout, and the share of pick-ups
    // that come in time, each with the fit's own error.
    let (answer_delay, answered_share, answered_share_log_se) =
        match timeout.and_then(|t| censored::TruncatedLognormal::fit(&delay, t)) {
            Some(fit) => (Some(fit.duration()), fit.below(), fit.below_log_se()),
            None => (DurationFit::of(&delay), 1.0, 0.0),
        };
    Calibration {
        format,
        attempts: attempts.iter().filter(|a| !a.follow_up).count() as u64,
        all,
        by_type,
        answered_share,
        answered_share_log_se,
        ring_timeout: timeout,
        answer_delay,
        talk: DurationFit::of(&talk),
        refusal_talk: DurationFit::of(&refusal),
        wrap: DurationFit::of(&wrap),
        person_by_hour,
        machine_by_hour,
        floor: Floor::of(attempts, format == LogFormat::Dialsim),
        answered_span: DurationFit::of(&span),
        left_out: log.left_out.clone(),
        unknown: log.unknown.clone(),
        amd_screened: attempts
            .iter()
            .try_fold(0, |n, a| a.amd.map(|on| n + u64::from(on)))
            .filter(|_| !attempts.is_empty()),
        unidentified: unidentified(format, attempts),
    }
}

/// The keys a log of `format` cannot identify, with why.
fn unidentified(format: LogFormat, attempts: &[Attempt]) -> Vec<(&'static str, &'static str)> {
    if format == LogFormat::Dialsim {
        // The log says AMD was off for every call: nothing tells how well it would have screened.
        if attempts.iter().all(|a| a.amd == Some(false)) {
            let why = "the log says AMD screened none of its calls";
            return vec![("amd.machine_detected", why), ("amd.person_misdetected", why)];
        }
        return Vec::new();
    }
    let mut out = vec![
        ("amd.person_misdetected", "VICIdial logs a person hung up on by AMD as AA, like a machine"),
        ("population.answer_delay", "the log has no ring times"),
        ("agents.wrap", "the log has no after-call work times"),
    ];
    let connected = attempts.iter().any(|a| a.disposition.connected());
    if connected && attempts.iter().all(|a| a.talk_s.is_none()) {
        let why = "length_in_sec runs from pick-up to hang-up with the wait for an agent included, and the log \
                   has no queue_seconds to take it out";
        out.push(("agents.talk", why));
        out.push(("agents.refusal_talk", why));
    }
    out
}

impl Calibration {
    /// A person or machine rate with pick-ups beyond the ring timeout put back: the logged rate over
    /// [`Calibration::answered_share`].
    pub fn answer_rate_mean(&self, p: Proportion) -> f64 {
        (p.rate() / self.answered_share).min(1.0)
    }

    /// The 95 % interval of [`Calibration::answer_rate_mean`]: the logged rate's Wilson interval and the
    /// answered share's own error, combined on the log scale (the two are estimated from different parts of
    /// the log — counts and ring times — and are nearly independent: their half-widths add in quadrature).
    pub fn answer_rate(&self, p: Proportion) -> (f64, f64) {
        let (lo, hi) = p.wilson();
        let share = self.answered_share;
        let e = censored::Z95 * self.answered_share_log_se;
        let rate = p.rate();
        if rate <= 0.0 || e <= 0.0 {
            return (lo / share, (hi / share * e.exp()).min(1.0));
        }
        let widen = |bound: f64| (bound / rate).ln().hypot(e);
        let low = if lo > 0.0 { rate / share * (-widen(lo)).exp() } else { 0.0 };
        (low, (rate / share * widen(hi).exp()).min(1.0))
    }

    /// The scenario: the fitted values with their intervals as comments; keys the log cannot tell keep
    /// dialsim's defaults. `source` names the log in the header; `plan` is the plan the numbers were typed by.
    pub fn to_scenario(&self, source: &str, plan: &str) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "# Calibrated by dialsim {} from {source}", env!("CARGO_PKG_VERSION"));
        let _ = writeln!(
            t,
            "# ({} attempts, {} numbers, read as {}). Each value is followed by its 95 % interval and the count it\n\
             # rests on; keys not written here take dialsim's defaults (`dialsim keys`).",
            self.attempts,
            self.all.numbers,
            self.format.describe()
        );
        for note in self.notes() {
            let _ = writeln!(t, "# {note}");
        }
        self.write_floor(&mut t, plan);
        let r = &self.all;
        let _ = writeln!(t, "\n[population]");
        for (key, p, of) in
            [("not_in_service", r.not_in_service, "numbers"), ("busy", r.busy, "attempts on working numbers")]
        {
            line(&mut t, key, p, of);
        }
        for (key, p) in [("person", r.person), ("machine", r.machine)] {
            let (lo, hi) = self.answer_rate(p);
            let _ = writeln!(
                t,
                "{key} = {:.5}   # 95 % {lo:.5}–{hi:.5}; {} of {} attempts on working numbers, over {:.4} answered in time",
                self.answer_rate_mean(p),
                p.k,
                p.n,
                self.answered_share
            );
        }
        line(&mut t, "cooperate", r.cooperate, "connected persons who neither objected nor asked for a call back");
        if let Some(f) = &self.answer_delay {
            duration(&mut t, "answer_delay", f);
        }
        let _ = writeln!(t, "# person by hour dialled (attempts on working numbers):");
        for (h, p) in self.person_by_hour.iter().enumerate().filter(|(_, p)| p.n > 0) {
            let _ = writeln!(t, "#   {h:02}:00  {}  of {}", pct(*p), p.n);
        }
        // By number type: each stratum's own rates override the base (types with too few numbers keep it).
        for (kind, r) in self.by_type.iter().filter(|(k, r)| *k != "unknown" && r.numbers >= 30) {
            let _ = writeln!(t, "\n[population.{kind}]   # {} numbers", r.numbers);
            line(&mut t, "not_in_service", r.not_in_service, "numbers");
            if r.person.n >= 30 {
                line(&mut t, "busy", r.busy, "attempts on working numbers");
                for (key, p) in [("person", r.person), ("machine", r.machine)] {
                    let (lo, hi) = self.answer_rate(p);
                    let _ = writeln!(
                        t,
                        "{key} = {:.5}   # 95 % {lo:.5}–{hi:.5}; {} of {} attempts on working numbers",
                        self.answer_rate_mean(p),
                        p.k,
                        p.n
                    );
                }
            }
            if r.cooperate.n >= 30 {
                line(
                    &mut t,
                    "cooperate",
                    r.cooperate,
                    "connected persons who neither objected nor asked for a call back",
                );
            }
        }
        // The hourly answer curves: each hour's person (machine) rate over the whole log's (hours with 100
        // attempts or more on working numbers; the others 1). Both are written: one left out would take
        // dialsim's default curve, which is not the log's.
        let hours = self.person_by_hour.iter().filter(|p| p.n >= 100).count();
        if hours >= 2 && r.person.rate() > 0.0 {
            let curve = |by_hour: &[Proportion; 24], all: f64| -> String {
                let c: Vec<String> = by_hour
                    .iter()
                    .map(|p| if p.n >= 100 && all > 0.0 { format!("{:.3}", p.rate() / all) } else { "1".into() })
                    .collect();
                c.join(", ")
            };
            let _ = writeln!(t, "\n[answer_curve]   # rates by hour over the log's, all days together");
            let _ = writeln!(t, "person_weekday = [{}]", curve(&self.person_by_hour, r.person.rate()));
            let _ = writeln!(t, "machine_weekday = [{}]", curve(&self.machine_by_hour, r.machine.rate()));
            let _ = writeln!(t, "person_weekend = []\nmachine_weekend = []");
        }
        if self.amd_screened == Some(0) {
            let _ = writeln!(t, "\n[amd]\nenabled = false   # the log says AMD screened none of its calls");
        } else if let Some(on) = self.amd_on() {
            let _ = writeln!(t, "\n[amd]");
            let _ = writeln!(t, "enabled = {on}");
            if on {
                let screened = if self.amd_screened.is_some() { " while AMD screened" } else { "" };
                line(&mut t, "machine_detected", r.machine_detected, &format!("machines that answered{screened}"));
                if self.identified("amd.person_misdetected") {
                    let of = format!("persons who answered{screened}");
                    line(&mut t, "person_misdetected", r.person_misdetected, &of);
                } else {
                    let _ = writeln!(t, "# person_misdetected: not identified by this log, keeps its default");
                }
            }
        }
        if self.talk.is_some() || self.refusal_talk.is_some() || self.wrap.is_some() {
            let _ = writeln!(t, "\n[agents]");
            for (key, f) in [("talk", &self.talk), ("refusal_talk", &self.refusal_talk), ("wrap", &self.wrap)] {
                if let Some(f) = f {
                    duration(&mut t, key, f);
                }
            }
        }
        if r.object.n > 0 {
            let _ = writeln!(t, "\n[compliance]");
            line(&mut t, "object", r.object, "connected persons");
        }
        if r.callback.n > 0 {
            let _ = writeln!(t, "\n[callbacks]");
            line(&mut t, "probability", r.callback, "connected persons who did not object");
        }
        // Last: an array of tables takes every key after it.
        self.write_shifts(&mut t);
        t
    }
}

impl Calibration {
    /// Whether AMD ran, as the scenario writes it (`None`: not written, dialsim's default). A log that says
    /// which calls AMD screened tells; otherwise a recognised machine or a person hung up on does.
    pub fn amd_on(&self) -> Option<bool> {
        let r = &self.all;
        if self.amd_screened == Some(0) {
            Some(false)
        } else if r.machine_detected.n > 0 {
            Some(self.amd_screened.map_or(r.machine_detected.k > 0 || r.person_misdetected.k > 0, |n| n > 0))
        } else {
            None
        }
    }

    /// Whether `key` (`section.key`) is identified by the log (not in [`Calibration::unidentified`]).
    pub fn identified(&self, key: &str) -> bool {
        !self.unidentified.iter().any(|(k, _)| *k == key)
    }

    /// What the fit leaves out and cannot tell, one sentence each: rows left out by status, unknown
    /// statuses, keys kept at their defaults. The scenario carries them as comments; the CLI prints them.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut why: BTreeMap<&str, BTreeMap<String, u64>> = BTreeMap::new();
        for (status, (n, reason)) in &self.left_out {
            why.entry(reason).or_default().insert(status.clone(), *n);
        }
        for (reason, statuses) in &why {
            let n: u64 = statuses.values().sum();
            out.push(format!("left out {} {reason}: {}", rows(n), read::list_statuses(statuses)));
        }
        if !self.unknown.is_empty() {
            let n: u64 = self.unknown.values().sum();
            out.push(format!(
                "left out {} with statuses dialsim does not know: {}",
                rows(n),
                read::list_statuses(&self.unknown)
            ));
        }
        for (key, reason) in &self.unidentified {
            out.push(format!("{key} keeps its default: {reason}"));
        }
        out.extend(self.floor_notes());
        if self.format == LogFormat::Dialsim && self.amd_screened.is_none() {
            out.push(
                "the log has no amd column (calls.csv written before it): every answered call counts as screened \
                 by AMD, so amd.machine_detected is low if the dialer switched AMD off during the log"
                    .to_string(),
            );
        }
        if let Some(f) = &self.answered_span {
            out.push(format!(
                "connected persons' pick-up to hang-up, the wait for an agent included (an upper bound on talk): \
                 mean {:.1} s (95 % {:.1}–{:.1} s), CV {:.3}, {} calls",
                f.mean.mean, f.mean.ci95_low, f.mean.ci95_high, f.cv, f.mean.n
            ));
        }
        out
    }
}

/// `1 row`, `2 rows`.
fn rows(n: u64) -> String {
    crate::foundation::text::counted(n, "row", "rows")
}

fn pct(p: Proportion) -> String {
    let (lo, hi) = p.wilson();
    format!("{:.2} % (95 % {:.2}–{:.2} %)", 100.0 * p.rate(), 100.0 * lo, 100.0 * hi)
}

fn line(t: &mut String, key: &str, p: Proportion, of: &str) {
    let (lo, hi) = p.wilson();
    let _ = writeln!(t, "{key} = {:.5}   # 95 % {lo:.5}–{hi:.5}; {} of {} {of}", p.rate(), p.k, p.n);
}

fn duration(t: &mut String, key: &str, f: &DurationFit) {
    let _ = writeln!(
        t,
        "{key} = {}   # mean 95 % {:.2}–{:.2} s; {} values",
        f.toml(),
        f.mean.ci95_low,
        f.mean.ci95_high,
        f.mean.n
    );
}

/// Reads the log at `path` (`-` is stdin), calibrates it against `plan` and returns the scenario text,
/// checked to parse as a scenario.
pub fn calibrate_file(path: &str, plan: &Plan, plan_name: &str) -> Result<(Calibration, String)> {
    let normalizer = crate::exclude::normalize::Normalizer::for_plan(plan);
    let log = if path == "-" {
        read_log("<stdin>", crate::foundation::open::LineLimit::new(std::io::stdin().lock()), &normalizer)?
    } else {
        let file = crate::foundation::open::open(std::path::Path::new(path))?.file;
        read_log(path, crate::foundation::open::LineLimit::new(std::io::BufReader::new(file)), &normalizer)?
    };
    let calibration = calibrate(&log, plan);
    let text = calibration.to_scenario(path, plan_name);
    crate::scenario::Scenario::parse("<calibrated scenario>", &text, &[])?;
    Ok((calibration, text))
}
