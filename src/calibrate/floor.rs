//! What a call log tells about the calling floor rather than the population: the days and hours it dialled,
//! the agents it put calls through to, the most attempts it made on one number. With the list's mix these set
//! a campaign's volume (dials a day, contacts, occupancy), so the scenario `calibrate` writes carries them:
//! left at dialsim's defaults, the fitted scenario would dial another floor's day. What the log cannot tell
//! (the dialer's mode, pacing and redial times) is named in the notes, never guessed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::Attempt;

const DAY_S: f64 = 86_400.0;

/// The calling floor as the log shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Floor {
    /// The log's calendar, when it tells days.
    pub days: Option<Days>,
    /// Agents calls were put through to, when the log names them.
    pub agents: Option<Agents>,
    /// The most attempts one number was dialled (callbacks and referrals not counted).
    pub max_attempts: u32,
}

/// The days of a log: the span from its first day to its last and the days of it nothing was dialled.
#[derive(Clone, Debug, PartialEq)]
pub struct Days {
    /// The first day on the log's clock: 0 for dialsim's calls.csv (the run's day 0), days since 1970-01-01
    /// for a log with calendar dates.
    pub first: i64,
    /// Days from the first to the last, both included.
    pub span: u32,
    /// Offsets from `first` of the days inside the span without a dial (closed days).
    pub closed: Vec<u32>,
    /// The earliest dial of any day, seconds after midnight.
    pub first_dial_s: f64,
    /// The latest dial of any day, seconds after midnight.
    pub last_dial_s: f64,
}

/// The agents of a log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Agents {
    /// Agents named anywhere in the log.
    pub named: u32,
    /// Agents named on a day, on average over the days dialled (the rest were absent that day).
    pub per_day: f64,
}

impl Floor {
    /// The floor of `attempts`; `from_day_zero` when the log's clock starts at the run's day 0 (dialsim's
    /// calls.csv, whose first days may have been closed) rather than at a calendar date.
    pub(super) fn of(attempts: &[Attempt], from_day_zero: bool) -> Floor {
        let mut per_number: BTreeMap<u64, u32> = BTreeMap::new();
        for a in attempts.iter().filter(|a| !a.follow_up) {
            *per_number.entry(a.number.key()).or_default() += 1;
        }
        let max_attempts = per_number.values().copied().max().unwrap_or(0);
        // Days and agents need every attempt's day.
        let timed: Option<Vec<(i64, f64)>> = attempts
            .iter()
            .map(|a| a.dial_s.map(|s| ((s / DAY_S).floor() as i64, s - (s / DAY_S).floor() * DAY_S)))
            .collect();
        let days = timed.as_ref().filter(|t| !t.is_empty()).map(|timed| {
            let dialled: BTreeSet<i64> = timed.iter().map(|(d, _)| *d).collect();
            let (lo, hi) = (dialled.first().copied().unwrap_or(0), dialled.last().copied().unwrap_or(0));
            let first = if from_day_zero { lo.min(0) } else { lo };
            let span = u32::try_from(hi - first + 1).unwrap_or(u32::MAX);
            let closed = (0..span).filter(|o| !dialled.contains(&(first + i64::from(*o)))).collect();
            let fold = |f: fn(f64, f64) -> f64, init: f64| timed.iter().map(|(_, s)| *s).fold(init, f);
            Days { first, span, closed, first_dial_s: fold(f64::min, DAY_S), last_dial_s: fold(f64::max, 0.0) }
        });
        let mut named: BTreeSet<&str> = BTreeSet::new();
        let mut by_day: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
        for (i, a) in attempts.iter().enumerate() {
            if let Some(agent) = &a.agent {
                named.insert(agent);
                if let Some(t) = &timed {
                    by_day.entry(t[i].0).or_default().insert(agent);
                }
            }
        }
        let agents = (!named.is_empty()).then(|| {
            let dialled = days.as_ref().map_or(0, |d| d.span as usize - d.closed.len());
            let per_day = if dialled == 0 {
                named.len() as f64
            } else {
                by_day.values().map(|s| s.len() as f64).sum::<f64>() / dialled as f64
            };
            Agents { named: u32::try_from(named.len()).unwrap_or(u32::MAX), per_day }
        });
        Floor { days, agents, max_attempts }
    }
}

impl Days {
    /// The calling window: the opening (the first dial's minute) and the close (the last dial with `margin`
    /// seconds after it — a busy dialer dials until its last-dial margin before the close — to the nearest
    /// minute, so that a margin a few seconds off, AMD's analysis time not being in the log, does not move
    /// it), in minutes after midnight.
    pub fn window(&self, margin: f64) -> (u32, u32) {
        // A window is at least 6 minutes (0.1 h) and ends by midnight.
        let open = ((self.first_dial_s / 60.0).floor() as u32).min(24 * 60 - 6);
        let close = (((self.last_dial_s + margin) / 60.0).round() as u32).max(open + 6).min(24 * 60);
        (open, close)
    }
}

impl super::Calibration {
    /// `[run]` and `[numbers]`, then `[dialer]`, `[screening]` and `[calendar]`: what shapes the volume.
    pub(super) fn write_floor(&self, t: &mut String, plan: &str) {
        let f = &self.floor;
        let _ = writeln!(t, "\n[run]\nname = \"calibrated\"");
        if let Some(d) = &f.days {
            // A scenario runs at most 366 days.
            let _ = writeln!(t, "days = {}   # the log's first day to its last", d.span.clamp(1, 366));
            if let Some(date) = self.start_date() {
                let _ = writeln!(t, "start_date = \"{date}\"   # the log's first day");
            }
            let (open, close) = d.window(self.last_dial_margin());
            let hhmm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
            let _ = writeln!(t, "day_start = \"{}\"   # the earliest dial of any day", hhmm(open));
            let _ = writeln!(
                t,
                "day_hours = {}   # to the latest dial of any day ({}) and the dialer's last-dial margin ({:.0} s)",
                f64::from(close - open) / 60.0,
                clock(d.last_dial_s),
                self.last_dial_margin()
            );
        }
        let _ = writeln!(t, "\n[numbers]\nplan = \"{plan}\"");
        let mix = self.mix();
        if !mix.is_empty() {
            let kinds: Vec<String> = mix.iter().map(|(k, _)| format!("\"{k}\"")).collect();
            let _ = writeln!(t, "types = [{}]", kinds.join(", "));
            let shares: Vec<String> =
                mix.iter().map(|(k, units)| format!("{k} = {:.4}", *units as f64 / 1e4)).collect();
            let counts: Vec<String> = mix.iter().map(|(k, _)| format!("{} {k}", self.by_type[*k].numbers)).collect();
            let _ = writeln!(
                t,
                "mix = {{ {} }}   # the numbers dialled by type: {} of {}",
                shares.join(", "),
                counts.join(", "),
                self.all.numbers
            );
        }
        let _ = writeln!(t, "\n[dialer]");
        if let Some(a) = &f.agents {
            let _ = writeln!(t, "agents = {}   # agents calls were put through to", a.named.clamp(1, 10_000));
        }
        if let Some(r) = self.ring_timeout.filter(|r| *r >= 15.0) {
            let _ = writeln!(t, "ring_timeout = {r:.3}   # the longest ring of an unanswered attempt");
        }
        if f.max_attempts > 0 {
            // A scenario allows at most 20.
            let most = f.max_attempts.min(20);
            let _ = writeln!(t, "max_attempts = {most}   # the most attempts on one number in the log");
        }
        // The rates are of the numbers dialled: a screening the dialer did is in them already, and screening
        // the fitted population again would thin it twice.
        let _ =
            writeln!(t, "\n[screening]\nenabled = false   # the rates are of the numbers dialled, after any screening");
        if let Some(d) = &f.days {
            let _ = writeln!(t, "\n[calendar]   # the days the log dialled on; the others closed");
            let _ = writeln!(t, "days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]");
            let _ = writeln!(t, "holidays = \"none\"");
            let start = self.start_date().unwrap_or_else(|| crate::scenario::RunSection::default().start_date);
            let closed: Vec<String> = match jiff::civil::Date::strptime("%Y-%m-%d", &start) {
                Ok(first) => d
                    .closed
                    .iter()
                    .filter_map(|o| first.checked_add(jiff::Span::new().days(i64::from(*o))).ok())
                    .map(|date| format!("\"{date}\""))
                    .collect(),
                Err(_) => Vec::new(),
            };
            let _ = writeln!(t, "extra_closed = [{}]", closed.join(", "));
        }
    }

    /// `[[shifts]]`: one group over the calling window, absent on a day as often as the log's agents were.
    pub(super) fn write_shifts(&self, t: &mut String) {
        if let (Some(a), Some(_)) = (&self.floor.agents, &self.floor.days) {
            let absence = (1.0 - a.per_day / f64::from(a.named.max(1))).clamp(0.0, 0.99);
            let _ = writeln!(
                t,
                "\n[[shifts]]\nabsence = {absence:.4}   # agents named on a day: {:.2} of {} on average",
                a.per_day, a.named
            );
        }
    }

    /// What the log cannot tell about the floor, one sentence each: the dialer's settings always, the days
    /// and agents when the log does not name them.
    pub(super) fn floor_notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.floor.days.is_none() {
            out.push(
                "run.days, run.day_start, run.day_hours and the calendar keep their defaults: the log does not tell \
                 the day of each call"
                    .to_string(),
            );
        }
        if self.floor.agents.is_none() {
            out.push("dialer.agents keeps its default: the log names no agent".to_string());
        }
        out.push(
            "dialer.mode, pacer, lines, drop_target, on_budget_spent and the redial times keep their defaults: a call \
             log does not record the dialer's settings (set them as the dialer ran)"
                .to_string(),
        );
        out
    }

    /// The first day of a log with calendar dates, `YYYY-MM-DD` (`None` for calls.csv, which counts days from
    /// the run's day 0).
    fn start_date(&self) -> Option<String> {
        let d = self.floor.days.as_ref().filter(|_| self.format != super::LogFormat::Dialsim)?;
        let date = jiff::civil::date(1970, 1, 1).checked_add(jiff::Span::new().days(d.first)).ok()?;
        Some(date.to_string())
    }

    /// The last-dial margin the written scenario's dialer keeps before the close (ring timeout, AMD's
    /// analysis when AMD runs, drop timeout; dialsim's defaults for what the log does not tell).
    fn last_dial_margin(&self) -> f64 {
        let (dialer, amd) = (crate::scenario::DialerSection::default(), crate::scenario::AmdSection::default());
        let ring = self.ring_timeout.filter(|r| *r >= 15.0).unwrap_or(dialer.ring_timeout);
        let amd = if self.amd_on().unwrap_or(amd.enabled) { amd.detect_time } else { 0.0 };
        ring.max(15.0) + amd + dialer.drop_timeout.min(60.0)
    }

    /// The list's mix: each number type's share of the numbers dialled, in ten-thousandths (largest
    /// remainder, so they add up to 10,000), types with none left out (and numbers outside the plan).
    fn mix(&self) -> Vec<(&str, u64)> {
        let kinds: Vec<(&str, u64)> = self
            .by_type
            .iter()
            .filter(|(k, r)| *k != "unknown" && r.numbers > 0)
            .map(|(k, r)| (k.as_str(), r.numbers))
            .collect();
        let total: u64 = kinds.iter().map(|(_, n)| n).sum();
        if total == 0 {
            return Vec::new();
        }
        let mut units: Vec<(&str, u64, u64)> =
            kinds.iter().map(|(k, n)| (*k, n * 10_000 / total, n * 10_000 % total)).collect();
        let short = 10_000 - units.iter().map(|(_, u, _)| u).sum::<u64>();
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by(|&a, &b| units[b].2.cmp(&units[a].2).then(a.cmp(&b)));
        for &i in order.iter().take(short as usize) {
            units[i].1 += 1;
        }
        units.into_iter().filter(|(_, u, _)| *u > 0).map(|(k, u, _)| (k, u)).collect()
    }
}

/// Seconds after midnight as `HH:MM:SS`.
fn clock(s: f64) -> String {
    let s = s.floor() as u64;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}
