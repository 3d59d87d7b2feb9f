//! The KPI registry: every KPI a run reports, once — its name, label, unit (which sets how its values read),
//! direction (whether more is better) and how it is read from a [`Summary`].
//!
//! Everything that names KPIs reads [`KPIS`]: the estimates of replications, sweeps and comparisons (and so
//! `replications.csv`, `sweep.csv`, `compare -o` and `summary.json` of replications), the stdout tables, the
//! HTML report's labels and formats, `dialsim keys --kpi`, and the ranking of sweep and frontier points. A new
//! KPI is one entry here (and its tests). The order of [`KPIS`] is the order of the CSV columns: append, or
//! insert knowing that columns move.
//!
//! This module never prints and knows no flags.

use crate::sim::Summary;

/// How a KPI's values read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A count (or a mean of counts).
    Count,
    /// A fraction of 1, shown as a percentage.
    Percent,
    /// A rate per agent-hour.
    PerHour,
    /// Seconds.
    Seconds,
    /// An amount in the scenario's currency (`costs.currency`).
    Money,
}

/// Which way a KPI is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is better (occupancy, consents).
    Higher,
    /// Less is better (abandonment, costs).
    Lower,
    /// Neither: a volume that says nothing good or bad by itself (dials, events).
    Neither,
}

/// One KPI of the registry.
#[derive(Clone, Copy)]
pub struct Kpi {
    /// The name: a column stem of the CSVs, a key of `summary.json`, what `--kpi` and `--rank` take.
    pub name: &'static str,
    /// What a reader sees (the report, tables).
    pub label: &'static str,
    /// The unit, which sets how values are written.
    pub unit: Unit,
    /// Which way is better.
    pub direction: Direction,
    value: fn(&Summary) -> f64,
    defined: fn(&Summary) -> bool,
}

impl std::fmt::Debug for Kpi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kpi").field("name", &self.name).field("unit", &self.unit).finish_non_exhaustive()
    }
}

impl PartialEq for Kpi {
    fn eq(&self, other: &Kpi) -> bool {
        self.name == other.name
    }
}

impl Kpi {
    /// The KPI's value in a run's summary.
    ///
    /// ```
    /// let s = dialsim::sim::Campaign::new(dialsim::Scenario::default_day())?.run(1, false).summary;
    /// assert_eq!(dialsim::sim::kpi::find("dials").unwrap().of(&s), s.dials as f64);
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn of(&self, s: &Summary) -> f64 {
        (self.value)(s)
    }

    /// Whether the KPI has a value in a run: a ratio of nothing (a cost per consent without consents) is
    /// written as 0 in the CSVs but ranks nowhere.
    pub fn defined(&self, s: &Summary) -> bool {
        (self.defined)(s)
    }

    /// A value as the text tables write it: four significant digits, a percentage for a [`Unit::Percent`],
    /// seconds marked "s", money with two decimals (as the HTML report writes it), a dash for NaN or infinity
    /// (CSV and JSON keep plain fractions).
    ///
    /// ```
    /// let k = |n| dialsim::sim::kpi::find(n).unwrap();
    /// assert_eq!(k("abandon_rate").text(0.02345), "2.345 %");
    /// assert_eq!(k("dials").text(1500.0), "1500");
    /// assert_eq!(k("abandon_rate").text(f64::NAN), "-");
    /// assert_eq!(k("mean_wait_s").text(12.345), "12.35 s");
    /// assert_eq!(k("cost_per_consent").text(209.8437), "209.84");
    /// assert_eq!(k("net_value").text(-0.001), "0.00");
    /// ```
    pub fn text(&self, x: f64) -> String {
        match self.unit {
            Unit::Percent => percent(x),
            Unit::Seconds if x.is_finite() => format!("{} s", num(x)),
            // A cost that rounds to zero is "0.00", not "-0.00".
            Unit::Money if x.is_finite() => format!("{:.2}", if x.abs() < 0.005 { 0.0 } else { x }),
            _ => num(x),
        }
    }

    /// Whether `a` is better than `b` for this KPI (never for [`Direction::Neither`]).
    pub fn better(&self, a: f64, b: f64) -> bool {
        match self.direction {
            Direction::Higher => a > b,
            Direction::Lower => a < b,
            Direction::Neither => false,
        }
    }
}

macro_rules! kpi {
    ($name:literal, $label:literal, $unit:ident, $dir:ident, $value:expr) => {
        kpi!($name, $label, $unit, $dir, $value, |_| true)
    };
    ($name:literal, $label:literal, $unit:ident, $dir:ident, $value:expr, $defined:expr) => {
        Kpi {
            name: $name,
            label: $label,
            unit: Unit::$unit,
            direction: Direction::$dir,
            value: $value,
            defined: $defined,
        }
    };
}

/// Every KPI, in the order of the CSV columns and the tables.
pub const KPIS: &[Kpi] = &[
    kpi!("dials", "dials", Count, Neither, |s| s.dials as f64),
    kpi!("human_answers", "live answers", Count, Neither, |s| s.human_answers as f64),
    kpi!("connects", "connects", Count, Higher, |s| s.connects as f64),
    kpi!("drops", "drops (live persons abandoned)", Count, Lower, |s| s.drops as f64),
    kpi!("abandon_rate", "abandon rate", Percent, Lower, |s| s.abandon_rate),
    kpi!("abandon_rate_max_day", "abandon rate, worst day", Percent, Lower, |s| s.abandon_rate_max_day),
    kpi!("occupancy", "agent occupancy", Percent, Higher, |s| s.occupancy),
    kpi!("contacts_per_agent_hour", "contacts per agent-hour", PerHour, Higher, |s| s.contacts_per_agent_hour),
    kpi!("p_wait", "P(wait for an agent)", Percent, Lower, |s| s.p_wait),
    kpi!("mean_wait_s", "mean wait", Seconds, Lower, |s| s.mean_wait_s),
    kpi!("callbacks_scheduled", "callbacks scheduled", Count, Neither, |s| s.callbacks_scheduled as f64),
    kpi!("callbacks_kept", "callbacks kept", Count, Higher, |s| s.callbacks_kept as f64),
    kpi!("callbacks_missed", "callbacks missed", Count, Lower, |s| s.callbacks_missed as f64),
    kpi!("rr1", "AAPOR RR1", Percent, Higher, |s| s.aapor.rr1),
    kpi!("rr3", "AAPOR RR3", Percent, Higher, |s| s.aapor.rr3),
    kpi!("coop1", "AAPOR COOP1", Percent, Higher, |s| s.aapor.coop1),
    kpi!("ref1", "AAPOR REF1", Percent, Lower, |s| s.aapor.ref1),
    kpi!("con1", "AAPOR CON1", Percent, Higher, |s| s.aapor.con1),
    kpi!("objections", "objections", Count, Neither, |s| s.compliance.objections as f64),
    kpi!("names_given", "names given", Count, Higher, |s| s.compliance.names_given as f64),
    kpi!("consents_granted", "consents granted", Count, Higher, |s| s.compliance.consents_granted as f64),
    kpi!("consents_declined", "consents declined", Count, Neither, |s| s.compliance.consents_declined as f64),
    kpi!("withdrawals", "withdrawals", Count, Lower, |s| s.compliance.withdrawals as f64),
    kpi!("referrals", "referrals", Count, Neither, |s| s.compliance.referrals as f64),
    kpi!("referrals_converted", "referrals converted", Count, Higher, |s| s.compliance.referrals_converted as f64),
    kpi!("suppression_hits", "suppression hits", Count, Neither, |s| s.compliance.suppression_hits as f64),
    kpi!("violations", "violations (audit)", Count, Lower, |s| s.compliance.violations as f64),
    kpi!("events", "events", Count, Neither, |s| s.events as f64),
    kpi!("contacts", "AAPOR contacts (person reached)", Count, Higher, |s| s.costs.contacts as f64),
    kpi!("screened", "HLR look-ups", Count, Neither, |s| s.costs.screened as f64),
    kpi!("screened_out", "screened out (never dialled)", Count, Neither, |s| s.costs.screened_out as f64),
    kpi!("cost_total", "cost, total", Money, Lower, |s| s.costs.cost_total),
    kpi!("cost_per_contact", "cost per contact", Money, Lower, |s| s.costs.cost_per_contact, |s| s.costs.contacts > 0),
    kpi!("cost_per_consent", "cost per consent", Money, Lower, |s| s.costs.cost_per_consent, |s| {
        s.compliance.consents_granted > 0
    }),
    kpi!("net_value", "net value", Money, Higher, |s| s.costs.net_value),
];

/// The KPIs the HTML report shows as cards and charts a sweep by, in that order, unless it is given its own
/// (the report's `show_kpis`).
pub const HEADLINE: [&str; 10] = [
    "abandon_rate",
    "abandon_rate_max_day",
    "occupancy",
    "contacts_per_agent_hour",
    "connects",
    "p_wait",
    "mean_wait_s",
    "rr1",
    "cost_per_contact",
    "cost_per_consent",
];

/// The KPIs a sweep's `--plot` charts (one SVG each) when none are named.
pub const SWEEP_CHARTED: [&str; 3] = ["abandon_rate", "occupancy", "contacts_per_agent_hour"];

/// The KPIs the profile's abandonment limit bounds: a chart of one draws the limit.
pub const LIMITED: [&str; 2] = ["abandon_rate", "abandon_rate_max_day"];

/// The KPIs a single run's stdout table leaves out (`summary.json` and the replications' table hold them).
pub const LEFT_OUT_OF_RUN_TABLE: [&str; 4] = ["callbacks_scheduled", "callbacks_kept", "callbacks_missed", "net_value"];

/// The KPIs a ranking shows beside the one it ranks by (each point's mean), unless it ranks by one of them.
pub const BESIDE_RANK: [&str; 2] = ["abandon_rate_max_day", "cost_per_consent"];

/// The KPI named `name`.
///
/// ```
/// assert_eq!(dialsim::sim::kpi::find("cost_per_consent").unwrap().unit, dialsim::sim::kpi::Unit::Money);
/// assert!(dialsim::sim::kpi::find("cost_per_consnet").is_none());
/// ```
pub fn find(name: &str) -> Option<&'static Kpi> {
    KPIS.iter().find(|k| k.name == name)
}

/// The names of [`KPIS`], in order.
pub fn names() -> impl Iterator<Item = &'static str> {
    KPIS.iter().map(|k| k.name)
}

/// Every KPI of a summary as (name, value), in [`KPIS`] order.
pub fn values(s: &Summary) -> Vec<(&'static str, f64)> {
    KPIS.iter().map(|k| (k.name, k.of(s))).collect()
}

/// The KPI named `name`, or an error that names what was given, suggests the nearest KPI and lists them all.
///
/// ```
/// let err = dialsim::sim::kpi::lookup("cost_per_consnet").unwrap_err().to_string();
/// assert!(err.contains("unknown KPI 'cost_per_consnet'") && err.contains("did you mean 'cost_per_consent'"));
/// ```
pub fn lookup(name: &str) -> crate::Result<&'static Kpi> {
    find(name).ok_or_else(|| {
        let hint = nearest(name).map(|n| format!("did you mean '{n}'? ")).unwrap_or_default();
        crate::Error::Invalid(
            format!("unknown KPI '{name}'; {hint}KPIs: {}", names().collect::<Vec<_>>().join(", ")).into(),
        )
    })
}

/// The KPI name nearest to `name` by edit distance, when near enough to be a typo: within a third of the KPI's
/// length and at least 2 edits (KPI names are long, and a short form drops a word).
fn nearest(name: &str) -> Option<&'static str> {
    crate::foundation::nearest::nearest_within(name, names(), |k| (k.len() / 3).max(2)).first().copied()
}

/// Significant digits of the text tables.
const DIGITS: i32 = 4;

/// `x` with [`DIGITS`] significant digits (whole numbers as they are), a dash for NaN or infinity, and no
/// minus sign on a zero.
pub(crate) fn num(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (DIGITS - 1 - magnitude).clamp(0, 12) as usize;
    let text = format!("{x:.decimals$}");
    // A value that rounds to zero ("-0.000", "0.000000000000") is zero.
    if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { "0".into() } else { text }
}

/// A fraction as a percentage with [`DIGITS`] significant digits; a dash for NaN.
pub(crate) fn percent(x: f64) -> String {
    if x.is_finite() { format!("{} %", num(100.0 * x)) } else { "-".into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_selection_names_kpis_of_the_registry_once() {
        for selection in [&HEADLINE[..], &SWEEP_CHARTED, &LIMITED, &BESIDE_RANK, &LEFT_OUT_OF_RUN_TABLE] {
            for (i, k) in selection.iter().enumerate() {
                assert!(find(k).is_some(), "{k} is not a KPI of the registry");
                assert!(!selection[..i].contains(k), "{k} twice");
            }
        }
    }

    #[test]
    fn kpi_names_are_unique_and_labelled() {
        for (i, k) in KPIS.iter().enumerate() {
            assert!(!k.label.is_empty(), "{} has no label", k.name);
            assert!(KPIS[..i].iter().all(|o| o.name != k.name), "{} twice", k.name);
        }
    }

    #[test]
    fn table_numbers_have_four_significant_digits_and_no_nan_or_negative_zero() {
        assert_eq!(num(1234.5678), "1235");
        assert_eq!(num(0.0123456), "0.01235");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(f64::NAN), "-");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(-0.000_000_000_000_01), "0");
        assert_eq!(percent(0.02345), "2.345 %");
    }

    #[test]
    fn a_typo_of_a_kpi_suggests_the_kpi_and_nonsense_suggests_nothing() {
        assert_eq!(nearest("abandon_rate_maxday"), Some("abandon_rate_max_day"));
        assert_eq!(nearest("occupancyy"), Some("occupancy"));
        assert_eq!(nearest("contacts_per_hour"), Some("contacts_per_agent_hour"));
        assert_eq!(nearest("zzzzzzzzzzzzzzzz"), None);
    }
}
