//! The law by country and date: one module per jurisdiction (`cz`, `sk`, `de`, `gb`, `us`), each holding its
//! country, language, time zone, public holidays and its regimes — the rules in force from a date, each rule
//! with its source, and whether it is law or house policy. Every other country keeps the generic rules
//! (GDPR only) and is told so.
//!
//! A scenario names a jurisdiction (`compliance.profile = "cz"`: the regime in force on each campaign day) or
//! a named regime (`"cz-2018"`: that regime, whatever the date, with a warning when it is not in force). This
//! module never reads files, never prints and imports nothing of the crate: the simulator, the audit, the
//! calendar and the report ask it.
//!
//! Adding a country: a file here with its `Jurisdiction` (holidays, regimes, registers, sources), one line in
//! [`ALL`], and its plan in `data/plans/` — three files outside tests and docs.

mod cz;
mod de;
mod gb;
mod generic;
mod sk;
mod us;

use jiff::civil::{Date, Weekday, date};

/// Which window abandonment is measured over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbandonWindow {
    /// Per 24 hours (Ofcom).
    Day,
    /// Per 30 days (the FTC's Telemarketing Sales Rule).
    ThirtyDays,
}

impl AbandonWindow {
    /// The window in words: `24 h`, `30 days`.
    pub fn describe(self) -> &'static str {
        match self {
            AbandonWindow::Day => "24 h",
            AbandonWindow::ThirtyDays => "30 days",
        }
    }
}

/// Why a number may be called: its lawful basis, declared by the list it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// None: a random number (or a referred one), tied to no one's choice.
    #[default]
    None,
    /// The research purpose (a survey call; no marketing).
    Research,
    /// The subscriber opted in to marketing calls (a directory mark or a register).
    OptIn,
    /// The person gave prior consent (a receipt exists).
    Consent,
    /// An existing customer.
    Customer,
}

impl Basis {
    /// Every basis, in the order of [`Basis::as_str`]'s names.
    pub const ALL: [Basis; 5] = [Basis::None, Basis::Research, Basis::OptIn, Basis::Consent, Basis::Customer];

    /// Its name in lists, scenarios and calls.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::None => "none",
            Basis::Research => "research",
            Basis::OptIn => "opt-in",
            Basis::Consent => "consent",
            Basis::Customer => "customer",
        }
    }

    /// Whether it lets a marketing call be made under an opt-in regime.
    pub fn allows_marketing(self) -> bool {
        matches!(self, Basis::OptIn | Basis::Consent | Basis::Customer)
    }
}

impl std::str::FromStr for Basis {
    type Err = String;
    fn from_str(s: &str) -> Result<Basis, String> {
        Basis::ALL.into_iter().find(|b| b.as_str() == s.trim()).ok_or_else(|| {
            format!("unknown lawful basis {:?}: expected none, research, opt-in, consent or customer", s.trim())
        })
    }
}

/// How often a register must be screened again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// A snapshot is fresh for this many days after its date (TPS: 28, National DNC: 31).
    Days(u32),
    /// A snapshot must be the one published on the last 1st or 16th of the month (Slovakia's list).
    Semimonthly,
}

impl Freshness {
    /// Whether a snapshot dated `snapshot` may be used on `day`.
    ///
    /// ```
    /// use dialsim::jurisdiction::Freshness;
    /// use jiff::civil::date;
    /// assert!(Freshness::Days(28).fresh(date(2026, 1, 1), date(2026, 1, 29)));
    /// assert!(!Freshness::Days(28).fresh(date(2026, 1, 1), date(2026, 1, 30)));
    /// assert!(Freshness::Semimonthly.fresh(date(2026, 1, 16), date(2026, 1, 31)));
    /// assert!(!Freshness::Semimonthly.fresh(date(2026, 1, 15), date(2026, 1, 16)));
    /// ```
    pub fn fresh(self, snapshot: Date, day: Date) -> bool {
        if snapshot > day {
            return false;
        }
        match self {
            // A civil date's span is counted in days (its largest unit by default).
            Freshness::Days(n) => snapshot.until(day).is_ok_and(|s| i64::from(s.get_days()) <= i64::from(n)),
            Freshness::Semimonthly => {
                let due = if day.day() >= 16 { day.with().day(16).build() } else { day.with().day(1).build() };
                due.is_ok_and(|due| snapshot >= due)
            }
        }
    }

    /// In words, for messages and the README.
    pub fn describe(self) -> String {
        match self {
            Freshness::Days(n) => format!("screened within {n} days"),
            Freshness::Semimonthly => "screened against the list of the 1st or 16th of the month".into(),
        }
    }
}

/// A register a regime makes mandatory for marketing calls: numbers on it must not be called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Register {
    /// Its name in scenarios (`[[compliance.registers]] name = "tps"`).
    pub name: &'static str,
    /// What it is.
    pub title: &'static str,
    /// How fresh a screen must be.
    pub freshness: Freshness,
    /// The rule's source.
    pub source: &'static str,
}

/// The limits and duties of a regime (the audit checks them, the pacer keeps the abandonment limit).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rules {
    /// ISO 3166 code of the jurisdiction (receipts' `jurisdiction`).
    pub jurisdiction: &'static str,
    /// Highest share of live answers abandoned per window.
    pub abandon_limit: f64,
    /// Whether that limit is law (else house policy, a limit the project keeps where the law sets none).
    pub abandon_limit_is_law: bool,
    /// The window.
    pub window: AbandonWindow,
    /// Longest silence after pick-up before an agent, seconds: a live answer not connected within it is an
    /// abandoned call.
    pub max_silence_s: f64,
    /// Shortest ringing before a call is given up, seconds.
    pub min_ring_s: f64,
    /// Hours a number stays locked after an abandoned call (0: no rule).
    pub lockout_h: f64,
    /// Marketing calls need a lawful basis per number (opt-in, prior consent, existing customer): a random
    /// number has none.
    pub opt_in: bool,
    /// Calling hours at the called person's location, minutes after local midnight [start, end).
    pub calling_hours: Option<(u32, u32)>,
    /// Whether those hours are law (else industry practice taken as the default).
    pub calling_hours_is_law: bool,
    /// Registers marketing calls must be screened against.
    pub registers: &'static [Register],
    /// Hours after AMD detected a machine during which the number is called again only with an agent
    /// guaranteed (0: no rule).
    pub amd_redial_h: f64,
    /// Marketing calls must present a caller ID (CLI) that can be called back.
    pub caller_id: bool,
    /// A national prefix marketing calls must be made from (Slovakia: 0888), if any.
    pub marketing_prefix: Option<&'static str>,
    /// An abandoned call must play a brief information message (who called, a number to call back).
    pub info_message: bool,
    /// Calls to mobiles from equipment that dials random or sequential numbers need the callee's prior express
    /// consent, whatever the purpose (the US TCPA).
    pub random_mobile_consent: bool,
    /// Years a consent must stay documented after its last use or withdrawal (0: no rule beyond the GDPR).
    pub consent_record_years: u32,
}

impl Rules {
    /// The generic rules: GDPR only (objection offered on every call, consent before a name is kept); the
    /// abandonment limit, silence and ring time are house policy.
    pub const GDPR: Rules = Rules {
        jurisdiction: "",
        abandon_limit: 0.03,
        abandon_limit_is_law: false,
        window: AbandonWindow::Day,
        max_silence_s: 2.0,
        min_ring_s: 15.0,
        lockout_h: 0.0,
        opt_in: false,
        calling_hours: None,
        calling_hours_is_law: false,
        registers: &[],
        amd_redial_h: 0.0,
        caller_id: false,
        marketing_prefix: None,
        info_message: false,
        random_mobile_consent: false,
        consent_record_years: 0,
    };
}

/// A rule of a regime with its source: the README's table and `dialsim law` print these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    /// The audit rule that checks it.
    pub audit_rule: &'static str,
    /// The rule in a few words.
    pub rule: &'static str,
    /// Law (with its citation) or house policy.
    pub cite: &'static str,
    /// Whether it is law.
    pub law: bool,
}

/// The GDPR's objection offer, a rule of every regime.
pub(crate) const OBJECTION_OFFER: Source = Source {
    audit_rule: "objection-offer",
    rule: "every connected call opens with the offer to object to direct marketing",
    cite: "GDPR Art. 21(2)-(4)",
    law: true,
};

/// The 3 % abandonment limit the project keeps where the law sets none.
pub(crate) const HOUSE_ABANDONMENT: Source = Source {
    audit_rule: "abandonment",
    rule: "at most 3 % of live answers abandoned per day (2 s after pick-up)",
    cite: "house policy: this country's law sets no abandonment limit; Ofcom's and the FTC's figure",
    law: false,
};

/// The rules in force in a jurisdiction from a date.
#[derive(Debug, PartialEq)]
pub struct Regime {
    /// Its name in scenarios (`cz-2022`).
    pub name: &'static str,
    /// The jurisdiction's code (`cz`).
    pub country: &'static str,
    /// First day in force (`None`: since before any campaign dialsim simulates).
    pub from: Option<(i16, i8, i8)>,
    /// The law in a sentence.
    pub summary: &'static str,
    /// The rules.
    pub rules: Rules,
    /// Where each rule comes from.
    pub sources: &'static [Source],
}

impl Regime {
    /// The first day in force.
    pub fn from_date(&self) -> Option<Date> {
        self.from.map(|(y, m, d)| date(y, m, d))
    }

    /// Its jurisdiction.
    pub fn jurisdiction(&self) -> &'static Jurisdiction {
        by_code(self.country).unwrap_or(&generic::GENERIC)
    }

    /// Whether this regime is the one in force in its jurisdiction on `day`.
    pub fn in_force(&'static self, day: Date) -> bool {
        std::ptr::eq(self.jurisdiction().regime_on(day), self)
    }
}

/// A country's law and calendar.
#[derive(Debug)]
pub struct Jurisdiction {
    /// Lower-case code (the embedded plan's name): `cz`.
    pub code: &'static str,
    /// ISO 3166 alpha-2: `CZ`.
    pub iso: &'static str,
    /// The country's name.
    pub name: &'static str,
    /// Country calling code.
    pub calling_code: u16,
    /// Language of calls and receipts (BCP 47).
    pub language: &'static str,
    /// IANA time zone of the country (empty: several, by area code).
    pub zone: &'static str,
    /// Public holidays of a year (the days a floor is closed), unsorted.
    pub holidays: fn(i16) -> Vec<Date>,
    /// Regimes in date order (the first has `from: None` or the earliest date).
    pub regimes: &'static [Regime],
}

impl Jurisdiction {
    /// The regime in force on `day` (before the first regime's date: the first).
    pub fn regime_on(&self, day: Date) -> &'static Regime {
        let regimes: &'static [Regime] = self.regimes;
        regimes.iter().rev().find(|r| r.from_date().is_none_or(|f| f <= day)).unwrap_or(&regimes[0])
    }

    /// Whether this is the generic jurisdiction (a country dialsim has no module for).
    pub fn is_generic(&self) -> bool {
        self.code.is_empty()
    }
}

/// The one table of time zones: the IANA zone of a region (ISO 3166 alpha-2) that has exactly one — a
/// jurisdiction's own, or a Crown dependency's — else `""` (the US spans several; a plan row does not say
/// which: see [`nanp_zones`]).
///
/// ```
/// assert_eq!(dialsim::jurisdiction::region_time_zone("CZ"), "Europe/Prague");
/// assert_eq!(dialsim::jurisdiction::region_time_zone("JE"), "Europe/Jersey");
/// assert_eq!(dialsim::jurisdiction::region_time_zone("US"), "");
/// ```
pub fn region_time_zone(region: &str) -> &'static str {
    by_iso(region)
        .map(|j| j.zone)
        .or_else(|| gb::DEPENDENCIES.iter().find(|(iso, _)| *iso == region).map(|(_, zone)| *zone))
        .unwrap_or("")
}

/// The zones of numbers of country calling code `cc` outside the NANP: its jurisdiction's one zone, or none
/// (a country dialsim has no module for, whose floor's zone stands in).
pub fn calling_code_zones(cc: u16) -> &'static [&'static str] {
    match ALL.iter().find(|j| j.calling_code == cc && cc != 1) {
        Some(j) if !j.zone.is_empty() => std::slice::from_ref(&j.zone),
        _ => &[],
    }
}

/// The zones of NANP area code `area` (`data/nanp-zones.csv`; an area code that spans zones has them all),
/// empty when unknown.
pub fn nanp_zones(area: u16) -> &'static [&'static str] {
    us::area_zones(area)
}

/// Every jurisdiction with a module.
pub static ALL: [&Jurisdiction; 5] = [&cz::CZ, &sk::SK, &de::DE, &gb::GB, &us::US];

/// The generic jurisdiction: GDPR only.
pub fn generic() -> &'static Jurisdiction {
    &generic::GENERIC
}

/// The jurisdiction of a code (`cz`, case-insensitive).
///
/// ```
/// assert_eq!(dialsim::jurisdiction::by_code("SK").unwrap().iso, "SK");
/// assert!(dialsim::jurisdiction::by_code("fr").is_none());
/// ```
pub fn by_code(code: &str) -> Option<&'static Jurisdiction> {
    ALL.iter().copied().find(|j| j.code.eq_ignore_ascii_case(code))
}

/// The jurisdiction of an ISO 3166 alpha-2 code (`CZ`; a regime's `rules.jurisdiction`).
pub fn by_iso(iso: &str) -> Option<&'static Jurisdiction> {
    ALL.iter().copied().find(|j| j.iso == iso)
}

/// The jurisdiction of a country calling code (+1 is the US: the NANP's other countries have no module).
pub fn by_calling_code(cc: u16) -> Option<&'static Jurisdiction> {
    ALL.iter().copied().find(|j| j.calling_code == cc)
}

/// Every named regime, every jurisdiction's, then the generic one.
pub fn regimes() -> impl Iterator<Item = &'static Regime> {
    ALL.iter().flat_map(|j| j.regimes.iter()).chain(generic::GENERIC.regimes.iter())
}

/// The regime of a name (`cz-2018`).
pub fn regime(name: &str) -> Option<&'static Regime> {
    regimes().find(|r| r.name.eq_ignore_ascii_case(name))
}

/// The public holidays of `country` (`cz`, `sk`, `de`, `gb`, `us`: each jurisdiction module's) in `year`,
/// sorted, the days a floor is closed; an unknown country has none. They are computed, not listed: fixed
/// dates, Easter (the Gregorian computus) and the weekday rules (the last Monday of May, ...). CZ: zákon
/// 245/2000 Sb.; SK: zákon 241/1993 Z. z., as amended from 2024; DE: the nine nationwide holidays (the Länder
/// add more); GB: England and Wales bank holidays, with substitute days; US: the eleven federal holidays, with
/// the observed Friday or Monday.
///
/// ```
/// let cz = dialsim::jurisdiction::public_holidays("cz", 2026);
/// assert!(cz.contains(&jiff::civil::date(2026, 4, 3)));   // Good Friday
/// assert!(cz.contains(&jiff::civil::date(2026, 4, 6)));   // Easter Monday
/// assert!(cz.contains(&jiff::civil::date(2026, 12, 24))); // Christmas Eve
/// ```
pub fn public_holidays(country: &str, year: i16) -> Vec<Date> {
    let mut out = by_code(country).map(|j| (j.holidays)(year)).unwrap_or_default();
    out.sort();
    out.dedup();
    out
}

/// Easter Sunday (Gregorian computus, Meeus/Jones/Butcher).
///
/// ```
/// assert_eq!(dialsim::jurisdiction::easter_sunday(2026).to_string(), "2026-04-05");
/// ```
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, month as i8, day as i8)
}

/// The `n`-th `weekday` of a month (`n` = -1: the last).
pub(crate) fn nth_weekday(year: i16, month: i8, weekday: Weekday, n: i8) -> Date {
    date(year, month, 1).nth_weekday_of_month(n, weekday).unwrap_or_else(|_| date(year, month, 1))
}

/// `d` moved by `days`.
pub(crate) fn shift(d: Date, days: i64) -> Date {
    d.checked_add(jiff::Span::new().days(days)).unwrap_or(d)
}

/// Fixed dates of a year.
pub(crate) fn fixed(year: i16, md: &[(i8, i8)]) -> Vec<Date> {
    md.iter().map(|&(m, d)| date(year, m, d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one zone table answers the same by region, by calling code and by area code, and every zone it
    /// names is one the time-zone database knows.
    #[test]
    fn the_zone_table_agrees_by_region_calling_code_and_area_and_names_real_zones() {
        for j in ALL {
            if j.calling_code == 1 {
                assert_eq!(region_time_zone(j.iso), "", "the US has several zones");
                assert!(calling_code_zones(1).is_empty(), "+1 numbers are zoned by area code");
            } else {
                assert_eq!(calling_code_zones(j.calling_code), [region_time_zone(j.iso)], "{}", j.code);
            }
        }
        assert_eq!(region_time_zone("IM"), "Europe/Isle_of_Man");
        assert_eq!(region_time_zone("XX"), "");
        assert!(calling_code_zones(33).is_empty(), "a country without a module has no zone here");
        assert_eq!(nanp_zones(212), ["America/New_York"]);
        assert_eq!(nanp_zones(850).len(), 2, "850 spans Central and Eastern");
        assert!(nanp_zones(999).is_empty());
        assert!((200..1000).filter(|&a| !nanp_zones(a).is_empty()).count() > 400, "the NANP table is read");
        let named = ALL.iter().map(|j| j.zone).chain(gb::DEPENDENCIES.iter().map(|(_, z)| *z));
        let areas = (200..1000).flat_map(|a| nanp_zones(a).iter().copied());
        for zone in named.filter(|z| !z.is_empty()).chain(areas) {
            assert!(jiff::tz::TimeZone::get(zone).is_ok(), "{zone} is not in the time-zone database");
        }
    }

    #[test]
    fn every_jurisdiction_lists_its_regimes_in_date_order_with_unique_names() {
        let mut names = std::collections::HashSet::new();
        for j in ALL.iter().copied().chain([generic()]) {
            assert!(!j.regimes.is_empty(), "{}", j.code);
            for w in j.regimes.windows(2) {
                assert!(w[0].from_date() < w[1].from_date(), "{} {}", w[0].name, w[1].name);
            }
            for r in j.regimes {
                assert!(names.insert(r.name), "{} twice", r.name);
                assert_eq!(r.country, j.code);
                assert!(!r.sources.is_empty(), "{} cites nothing", r.name);
            }
        }
    }

    #[test]
    fn the_czech_opt_in_is_in_force_from_1_july_2022() {
        let cz = by_code("cz").unwrap();
        assert_eq!(cz.regime_on(date(2022, 6, 30)).name, "cz-2018");
        assert_eq!(cz.regime_on(date(2022, 7, 1)).name, "cz-2022");
        assert!(cz.regime_on(date(2026, 1, 5)).rules.opt_in);
        assert!(!regime("cz-2018").unwrap().in_force(date(2026, 1, 5)));
    }

    #[test]
    fn freshness_of_28_days_counts_calendar_days() {
        let f = Freshness::Days(28);
        assert!(f.fresh(date(2026, 2, 1), date(2026, 3, 1)));
        assert!(!f.fresh(date(2026, 2, 1), date(2026, 3, 2)));
        assert!(!f.fresh(date(2026, 3, 2), date(2026, 3, 1)), "a snapshot from the future");
    }
}
