//! `compliance.profile`: which law a campaign is held to, the regime in force on each of its days, and what the
//! law reads from a scenario (register snapshots, the lawful basis of a number, the language, the consent purpose).

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Scenario;
use crate::jurisdiction::{self, Jurisdiction, Regime, Rules};

/// The law of the other countries whose numbers a campaign may dial: per country (by calling code), its rules
/// on each campaign day ([`Scenario::law_abroad`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct LawAbroad(Vec<(u16, Vec<Rules>)>);

impl LawAbroad {
    /// The rules on campaign day `day` (past the last, the last day's) of the country of the E.164 number `key`,
    /// with that country's place, when it is one of them.
    pub(crate) fn of_number(&self, key: u64, day: usize) -> Option<(usize, Rules)> {
        if self.0.is_empty() {
            return None;
        }
        let i = self.0.iter().position(|&(cc, _)| crate::plan::number::has_calling_code(key, cc))?;
        Some((i, *self.on(i, day)))
    }

    /// The rules of the country in place `i` on campaign day `day` (past the last, the last day's).
    pub(crate) fn on(&self, i: usize, day: usize) -> &Rules {
        let days = &self.0[i].1;
        &days[day.min(days.len() - 1)]
    }

    /// The countries, in their places: calling code and rules of each campaign day.
    pub(crate) fn countries(&self) -> &[(u16, Vec<Rules>)] {
        &self.0
    }
}

/// Which law the pacer keeps and the audit checks: the jurisdiction of the plan's country (`plan`, the
/// default), a jurisdiction (`cz`, `sk`, `de`, `gb`, `us`: the regime in force on each campaign day), or a
/// named regime (`cz-2018`, `cz-2022`, `uk-ofcom`, `us-tsr`, …: that regime whatever the date, with a warning
/// on days it is not in force).
///
/// ```
/// let mut s = dialsim::Scenario::default_day();
/// s.run.start_date = "2026-01-05".into();
/// assert_eq!(s.regime_on_day(0).name, "cz-2022");
/// s.compliance.profile = "cz-2018".parse().unwrap();
/// assert_eq!(s.regime_on_day(0).name, "cz-2018");
/// assert!(s.law_warnings()[0].contains("2022"));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub enum Profile {
    /// The jurisdiction of the plan's country (an embedded plan's name), generic for a plan CSV.
    #[default]
    Plan,
    /// A jurisdiction: the regime in force on each day.
    Country(&'static Jurisdiction),
    /// A named regime, whatever the date.
    Regime(&'static Regime),
}

impl Profile {
    /// The profile's name as written in scenarios.
    pub fn as_str(&self) -> &'static str {
        match self {
            Profile::Plan => "plan",
            Profile::Country(j) => j.code,
            Profile::Regime(r) => r.name,
        }
    }

    /// Every name a scenario may give, for messages and `dialsim keys`.
    pub fn names() -> Vec<&'static str> {
        let mut v = vec!["plan"];
        v.extend(jurisdiction::ALL.iter().map(|j| j.code));
        v.extend(jurisdiction::regimes().map(|r| r.name));
        v
    }
}

impl PartialEq for Profile {
    fn eq(&self, other: &Profile) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Profile {}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Profile, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("plan") {
            return Ok(Profile::Plan);
        }
        if let Some(j) = jurisdiction::by_code(t) {
            return Ok(Profile::Country(j));
        }
        if let Some(r) = jurisdiction::regime(t) {
            return Ok(Profile::Regime(r));
        }
        Err(format!(
            "unknown compliance profile {:?}: expected one of {}",
            crate::foundation::text::escape_controls(t),
            Profile::names().join(", ")
        ))
    }
}

impl Serialize for Profile {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Profile, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Scenario {
    /// The jurisdiction whose law the campaign is held to.
    pub fn jurisdiction(&self) -> &'static Jurisdiction {
        match self.compliance.profile {
            Profile::Plan => jurisdiction::by_code(self.numbers.plan.trim()).unwrap_or_else(jurisdiction::generic),
            Profile::Country(j) => j,
            Profile::Regime(r) => r.jurisdiction(),
        }
    }

    /// The country whose numbers the plan generates, when it is a country a jurisdiction module knows other
    /// than the campaign's jurisdiction (`numbers.plan = "gb"` under `compliance.profile = "cz"`); a plan CSV
    /// names none. A named regime (`compliance.profile = "cz-2018"`, `"generic"`) is a what-if for the plan's
    /// numbers: it replaces their country's law rather than adding to it, so the plan is not abroad under it.
    pub fn plan_abroad(&self) -> Option<&'static Jurisdiction> {
        if !matches!(self.compliance.profile, Profile::Country(_)) {
            return None;
        }
        let plan = jurisdiction::by_code(self.numbers.plan.trim())?;
        (plan.calling_code != self.jurisdiction().calling_code).then_some(plan)
    }

    /// The law of every other country a jurisdiction module knows, on each campaign day, when the campaign may
    /// dial its numbers ([`Scenario::may_dial_abroad`]); empty otherwise.
    pub(crate) fn law_abroad(&self) -> LawAbroad {
        let abroad = self.may_dial_abroad();
        LawAbroad(
            jurisdiction::ALL
                .iter()
                .filter(|j| abroad && !self.is_own_country(j.calling_code))
                .map(|j| {
                    (j.calling_code, (0..self.law_days()).map(|d| j.regime_on(self.date_of_day(d)).rules).collect())
                })
                .collect(),
        )
    }

    /// Whether the numbers of country calling code `cc` are held to the campaign's law alone: its
    /// jurisdiction's, and under a named regime (a what-if that replaces the plan's country's law) the plan's.
    pub fn is_own_country(&self, cc: u16) -> bool {
        cc == self.jurisdiction().calling_code
            || (matches!(self.compliance.profile, Profile::Regime(_))
                && jurisdiction::by_code(self.numbers.plan.trim()).is_some_and(|j| j.calling_code == cc))
    }

    /// Whether the campaign may dial numbers of another country than its jurisdiction's: a `numbers.list`
    /// (which may hold any country's numbers), or a plan of another country. Their own country's law is
    /// applied to them besides the campaign's (calling hours, consent rule, registers, caller ID, abandonment).
    pub fn may_dial_abroad(&self) -> bool {
        !self.numbers.list.trim().is_empty() || self.plan_abroad().is_some()
    }

    /// The calendar date of day `d` (day 0: `run.start_date`; an unreadable date, refused when the scenario
    /// is read, stands as 2026-01-05).
    pub fn date_of_day(&self, d: u32) -> Date {
        let start = self.run.start_date.parse::<Date>().unwrap_or(jiff::civil::date(2026, 1, 5));
        start.checked_add(jiff::Span::new().days(i64::from(d))).unwrap_or(start)
    }

    /// The regime the campaign is held to on day `d`.
    pub fn regime_on_day(&self, d: u32) -> &'static Regime {
        match self.compliance.profile {
            Profile::Regime(r) => r,
            _ => self.jurisdiction().regime_on(self.date_of_day(d)),
        }
    }

    /// The rules of day `d`.
    pub fn rules_on_day(&self, d: u32) -> Rules {
        self.regime_on_day(d).rules
    }

    /// The days the law is looked up for: `run.days`, at least 1 and at most 366 (the longest run a scenario
    /// allows; a recorded scenario edited past it is not looked up day by day).
    pub fn law_days(&self) -> u32 {
        self.run.days.clamp(1, 366)
    }

    /// The regimes of the run's days, each with its first day, in order (one entry unless the law changes
    /// within the run).
    pub fn regimes(&self) -> Vec<(u32, &'static Regime)> {
        let mut out: Vec<(u32, &'static Regime)> = Vec::new();
        for d in 0..self.law_days() {
            let r = self.regime_on_day(d);
            if out.last().is_none_or(|&(_, last)| !std::ptr::eq(last, r)) {
                out.push((d, r));
            }
        }
        out
    }

    /// The regimes of the run in a line: `cz-2022 (CZ, in force since 2022-07-01)`, or several with the day
    /// each begins.
    pub fn law_summary(&self) -> String {
        let parts: Vec<String> = self
            .regimes()
            .into_iter()
            .map(|(d, r)| {
                let status = if r.in_force(self.date_of_day(d)) {
                    r.from_date().map(|f| format!("in force since {f}")).unwrap_or_else(|| "in force".into())
                } else {
                    "NOT in force on these dates".into()
                };
                let country = if r.rules.jurisdiction.is_empty() { "generic" } else { r.rules.jurisdiction };
                let from = if d == 0 { String::new() } else { format!("from {}: ", self.date_of_day(d)) };
                format!("{from}{} ({country}, {status})", r.name)
            })
            .collect();
        parts.join("; ")
    }

    /// What the user should know about the law the run is held to, one sentence each: a named regime not in
    /// force on the run's dates (naming the one that is and since when), a country dialsim has no module for.
    pub fn law_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Profile::Regime(r) = self.compliance.profile {
            let j = r.jurisdiction();
            let day = self.date_of_day(0);
            let now = j.regime_on(day);
            if !std::ptr::eq(now, r) {
                let since = now.from_date().map(|d| format!(" since {d}")).unwrap_or_default();
                out.push(format!(
                    "compliance.profile = \"{}\" is not the law in force on {day}: {}{since} ({}); give \
                     compliance.profile = \"{}\" for the law of each campaign day",
                    r.name, now.name, now.summary, j.code
                ));
            }
        }
        if self.jurisdiction().is_generic() {
            out.push(format!(
                "no jurisdiction module for plan {:?}: only the GDPR's generic rules are applied; name one with \
                 compliance.profile ({})",
                crate::foundation::text::escape_controls(&self.numbers.plan),
                jurisdiction::ALL.iter().map(|j| j.code).collect::<Vec<_>>().join(", ")
            ));
        }
        out
    }
}

/// `[[compliance.registers]]`: a snapshot of a register (TPS, National DNC, Slovakia's list) as a CSV of
/// numbers read like a suppression list; its numbers are never dialled, and its date is checked against the
/// regime's freshness on every campaign day.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RegisterSource {
    /// The register's name as the regime names it (`tps`, `national-dnc`, `nevolajte-mi`).
    pub name: String,
    /// The snapshot's file.
    pub path: String,
    /// The snapshot's date (YYYY-MM-DD), quoted or a TOML date.
    #[serde(deserialize_with = "super::text::date_or_text")]
    pub date: String,
}

impl Scenario {
    /// The exact suppression lists a campaign screens: `numbers.suppress`, then the register snapshots.
    pub fn suppression_paths(&self) -> Vec<String> {
        let mut v = self.numbers.suppress.clone();
        v.extend(self.compliance.registers.iter().map(|r| r.path.clone()));
        v
    }

    /// The language of the calls and receipts: `compliance.language`, else the jurisdiction's (`und` for a
    /// country without a module).
    pub fn language(&self) -> &str {
        match self.compliance.language.trim() {
            "" if self.jurisdiction().language.is_empty() => "und",
            "" => self.jurisdiction().language,
            l => l,
        }
    }

    /// The campaign's purpose for consents (`compliance.consent_purpose`, else the campaign's).
    pub fn consent_purpose(&self) -> super::Purpose {
        self.compliance.consent_purpose.unwrap_or(self.compliance.purpose)
    }

    /// The lawful basis of a dialled number: `numbers.basis` for a number of the list, none for a generated
    /// or referred one — research when the campaign's purpose is research and the number has no other.
    ///
    /// `from_list`: the number is one of `numbers.list` (not generated, not referred).
    pub fn basis_of(&self, from_list: bool) -> crate::jurisdiction::Basis {
        use crate::jurisdiction::Basis;
        let declared = if from_list { self.numbers.basis } else { Basis::None };
        match (declared, self.compliance.purpose) {
            (Basis::None, super::Purpose::Research) => Basis::Research,
            (b, _) => b,
        }
    }
}
