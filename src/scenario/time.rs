//! The scenario's time dimension: `[calendar]` (calling days, public holidays, calling hours, the last-dial
//! margin), `[answer_curve]` (hourly multipliers of the answer rates), `[callbacks]` (a person asks to be called
//! later) and `[[shifts]]` (agent groups, breaks, absence). Each section's defaults keep the behaviour of a
//! scenario that does not name it: every day open, no holidays, flat curves, no callbacks, one shift of
//! `dialer.agents` over the calling window.

use serde::{Deserialize, Serialize};

use super::Dist;

/// `[calendar]`: which days the campaign calls on, and the hours it may call a number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CalendarSection {
    /// Weekdays the campaign calls on: `mon` to `sun`.
    pub days: Vec<String>,
    /// Public holidays that close the floor: `plan` (the numbering plan's country), `none`, or a country code
    /// (`cz`, `sk`, `de`, `gb`, `us`).
    pub holidays: String,
    /// More closed dates, `YYYY-MM-DD`.
    pub extra_closed: Vec<String>,
    /// Local calling hours at the called person's location, `["HH:MM", "HH:MM"]` (end `24:00` allowed); empty:
    /// the compliance profile's.
    pub calling_hours: Vec<String>,
    /// Seconds before the calling window closes (and before an agent's shift ends) after which no call is
    /// dialled; absent: ring timeout + AMD analysis + drop timeout, so every call is answered or given up
    /// while agents are still logged in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_dial_margin_s: Option<f64>,
}

impl Default for CalendarSection {
    fn default() -> CalendarSection {
        CalendarSection {
            days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map(String::from).to_vec(),
            holidays: "none".into(),
            extra_closed: Vec::new(),
            calling_hours: Vec::new(),
            last_dial_margin_s: None,
        }
    }
}

/// `[answer_curve]`: hourly multipliers of `population.person` and `population.machine` at the dial's local
/// time in the called person's zone: 24 values (00:00 to 23:00) per weekday class, or none (flat 1.0).
/// Saturdays, Sundays and public holidays take the weekend curve.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnswerCurveSection {
    /// Multipliers of the person rate, Monday to Friday.
    pub person_weekday: Vec<f64>,
    /// Multipliers of the person rate, weekends and holidays.
    pub person_weekend: Vec<f64>,
    /// Multipliers of the machine rate, Monday to Friday.
    pub machine_weekday: Vec<f64>,
    /// Multipliers of the machine rate, weekends and holidays.
    pub machine_weekend: Vec<f64>,
}

impl AnswerCurveSection {
    /// The (person, machine) multipliers at local `hour` (0 to 23) of a weekday (`weekend` false) or a weekend
    /// day or holiday.
    pub fn at(&self, hour: u32, weekend: bool) -> (f64, f64) {
        let pick = |v: &Vec<f64>| v.get(hour as usize).copied().unwrap_or(1.0);
        if weekend {
            (pick(&self.person_weekend), pick(&self.machine_weekend))
        } else {
            (pick(&self.person_weekday), pick(&self.machine_weekday))
        }
    }

    /// Whether every curve is flat (nothing to apply).
    pub fn is_flat(&self) -> bool {
        [&self.person_weekday, &self.person_weekend, &self.machine_weekday, &self.machine_weekend]
            .iter()
            .all(|v| v.iter().all(|&x| x == 1.0))
    }
}

/// `[callbacks]`: a connected person who does not object may ask to be called at another time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CallbacksSection {
    /// Per connected person (first contact, not objecting): asks to be called back later.
    pub probability: f64,
    /// Time from the request to the agreed callback, seconds.
    pub delay: Dist,
    /// The callback goes to the agent who took the request (missed when that agent is not logged in).
    pub same_agent: bool,
    /// A callback not dialled within this many minutes of its time is missed.
    pub max_wait_minutes: f64,
    /// Per callback dialled: the person answers.
    pub answer: f64,
}

impl Default for CallbacksSection {
    fn default() -> CallbacksSection {
        CallbacksSection {
            probability: 0.0,
            delay: Dist::Lognormal { mean: 7200.0, cv: 1.0 },
            same_agent: true,
            max_wait_minutes: 15.0,
            answer: 0.8,
        }
    }
}

/// One `[[shifts]]` entry: a group of agents with the same hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// Agents in the group (1 to 10000); absent: `dialer.agents` (so a sweep over `dialer.agents` sizes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<u32>,
    /// Log-in time, `HH:MM` on the floor's clock; absent: the calling window's opening (`run.day_start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Log-out time, `HH:MM` (after `start`; `24:00` allowed); absent: the calling window's close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Breaks per agent and shift, spread evenly over the shift.
    #[serde(default)]
    pub breaks: u32,
    /// Length of each break, minutes.
    #[serde(default = "default_break_minutes")]
    pub break_minutes: f64,
    /// Shrinkage: share of the group's agents absent on a day (each agent drawn per day).
    #[serde(default)]
    pub absence: f64,
}

impl Shift {
    /// Minutes after midnight of the shift's log-in and log-out (None for a time that does not parse); an
    /// absent time is the calling window's of `run`.
    pub fn minutes(&self, run: &super::RunSection) -> (Option<u32>, Option<u32>) {
        let open = super::parse_hhmm(&run.day_start);
        let start = match &self.start {
            Some(t) => super::parse_hhmm(t),
            None => open,
        };
        let end = match &self.end {
            Some(t) => parse_end_hhmm(t),
            None => open.map(|o| o + (run.day_hours * 60.0).round() as u32),
        };
        (start, end)
    }
}

fn default_break_minutes() -> f64 {
    15.0
}

/// Minutes after midnight of `HH:MM`, `24:00` included (a shift's or the calling hours' end).
pub fn parse_end_hhmm(s: &str) -> Option<u32> {
    if s.trim() == "24:00" { Some(1440) } else { super::parse_hhmm(s) }
}

/// The weekday names of `[calendar] days`, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A range check: (key, value, low, high).
type RangeCheck<'a> = &'a dyn Fn(&str, f64, f64, f64) -> crate::foundation::error::Result<()>;
/// A range check against the key table's bounds: (key, value).
type Limit<'a> = &'a dyn Fn(&str, f64) -> crate::foundation::error::Result<()>;
/// A refusal: (key, value as written, what is allowed).
type Refusal<'a> = &'a dyn Fn(&str, String, &str) -> crate::foundation::error::Result<()>;

/// Checks the time sections' values.
pub(super) fn validate(
    s: &super::Scenario,
    range: RangeCheck<'_>,
    limit: Limit<'_>,
    fail: Refusal<'_>,
) -> crate::foundation::error::Result<()> {
    let c = &s.calendar;
    for d in &c.days {
        if super::schema::check_choice("calendar.days", d).is_err() {
            return fail("calendar.days", format!("\"{d}\""), &format!("weekday names {}", WEEKDAYS.join(", ")));
        }
    }
    if let Err(allowed) = super::schema::check_choice("calendar.holidays", &c.holidays) {
        return fail("calendar.holidays", format!("\"{}\"", c.holidays), &allowed);
    }
    for d in &c.extra_closed {
        if super::days_from_civil(d).is_none() {
            return fail("calendar.extra_closed", format!("\"{d}\""), "calendar dates YYYY-MM-DD");
        }
    }
    if !c.calling_hours.is_empty() {
        let ok = c.calling_hours.len() == 2
            && match (super::parse_hhmm(&c.calling_hours[0]), parse_end_hhmm(&c.calling_hours[1])) {
                (Some(a), Some(b)) => a < b,
                _ => false,
            };
        if !ok {
            return fail(
                "calendar.calling_hours",
                format!("{:?}", c.calling_hours),
                "[\"HH:MM\", \"HH:MM\"] with the start before the end (end 24:00 allowed), or [] for the profile's",
            );
        }
    }
    if let Some(m) = c.last_dial_margin_s {
        limit("calendar.last_dial_margin_s", m)?;
    }
    let a = &s.answer_curve;
    for (k, v) in [
        ("answer_curve.person_weekday", &a.person_weekday),
        ("answer_curve.person_weekend", &a.person_weekend),
        ("answer_curve.machine_weekday", &a.machine_weekday),
        ("answer_curve.machine_weekend", &a.machine_weekend),
    ] {
        if !v.is_empty() && v.len() != 24 {
            return fail(k, format!("a list of {}", v.len()), "24 hourly multipliers (00:00 to 23:00) or []");
        }
        for &x in v {
            limit(k, x)?;
        }
    }
    let b = &s.callbacks;
    limit("callbacks.probability", b.probability)?;
    limit("callbacks.answer", b.answer)?;
    limit("callbacks.max_wait_minutes", b.max_wait_minutes)?;
    match b.delay {
        Dist::Exponential { mean } | Dist::Lognormal { mean, .. } => limit("callbacks.delay.mean", mean)?,
        Dist::Fixed { value } => limit("callbacks.delay.value", value)?,
    }
    if let Dist::Lognormal { cv, .. } = b.delay {
        limit("callbacks.delay.cv", cv)?;
    }
    let mut total = 0u64;
    for (i, sh) in s.shifts.iter().enumerate() {
        let key = |k: &str| format!("shifts.{k}");
        let agents = sh.agents.unwrap_or(s.dialer.agents);
        limit(&key("agents"), f64::from(agents))?;
        total += u64::from(agents);
        let (start, end) = sh.minutes(&s.run);
        match (start, end) {
            (Some(a), Some(b)) if a < b => {
                range(&key("break_minutes"), sh.break_minutes, 0.0, f64::from(b - a))?;
                if f64::from(sh.breaks) * sh.break_minutes >= f64::from(b - a) {
                    return fail(
                        &key("breaks"),
                        format!(
                            "{} (shift {}: {} breaks of {} minutes)",
                            sh.breaks,
                            i + 1,
                            sh.breaks,
                            sh.break_minutes
                        ),
                        "breaks shorter than the shift",
                    );
                }
            }
            _ => {
                return fail(
                    &key("end"),
                    format!(
                        "\"{}\" (shift {} starts \"{}\")",
                        sh.end.as_deref().unwrap_or("the window's close"),
                        i + 1,
                        sh.start.as_deref().unwrap_or(&s.run.day_start)
                    ),
                    "HH:MM times with the start before the end (end 24:00 allowed)",
                );
            }
        }
        limit(&key("breaks"), f64::from(sh.breaks))?;
        limit(&key("absence"), sh.absence)?;
    }
    range("shifts.agents", total as f64, 0.0, 10_000.0)?;
    Ok(())
}
