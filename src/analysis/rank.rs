//! The decision a grid is run for: its points ranked by one KPI of the registry ([`crate::sim::kpi`]), best first,
//! among the points that meet constraints on other KPIs, with each point's difference from the best as a
//! paired 95 % interval (every point of a sweep or frontier runs the same replication seeds: common random
//! numbers), and warnings when a limit of the scenario rather than the swept values may have decided it.
//!
//! Constraints compare a point's **mean** over its replications. Nothing here prints.

use std::str::FromStr;

use serde::Serialize;

use crate::foundation::error::{Error, Result};
use crate::foundation::stats::{Estimate, Paired};
use crate::scenario::{DialerMode, Scenario};
use crate::sim::Summary;
use crate::sim::kpi::{Direction, KPIS, Kpi};

/// Share of a point's dial-level recalculations at the dialer's `max_level` from which the level is said to be
/// pinned there (the pacer wanted to dial faster than it may).
pub const PINNED_SHARE: f64 = 0.5;

/// The per-replication KPI values of one grid point, and what may have bound it.
#[derive(Clone, Debug, PartialEq)]
pub struct PointSamples {
    /// `values[k][r]`: KPI `k` ([`KPIS`] order) of replication `r`; NaN where the KPI is undefined in that
    /// replication (a cost per consent without consents).
    pub values: Vec<Vec<f64>>,
    /// The share of dial-level recalculations at `max_level`, averaged over the replications (0 outside
    /// predictive mode).
    pub at_max_level: f64,
    /// The dialer's `max_level`.
    pub max_level: f64,
    /// The dialer's `lines`.
    pub lines: u32,
    /// Dials skipped because every line was busy, averaged over the replications.
    pub blocked_dials: f64,
    /// The currency of the point's costs (`costs.currency`).
    pub currency: String,
}

impl PointSamples {
    /// The samples of the replications `summaries` of `scenario`.
    pub(crate) fn of(scenario: &Scenario, summaries: &[Summary]) -> PointSamples {
        let values = KPIS
            .iter()
            .map(|k| summaries.iter().map(|s| if k.defined(s) { k.of(s) } else { f64::NAN }).collect())
            .collect();
        let d = &scenario.dialer;
        let at_max_level = if d.mode == DialerMode::Predictive && !summaries.is_empty() {
            let share = |s: &Summary| {
                let at = s.dial_level.iter().filter(|(_, level)| *level >= d.max_level - 1e-9).count();
                if s.dial_level.is_empty() { 0.0 } else { at as f64 / s.dial_level.len() as f64 }
            };
            summaries.iter().map(share).sum::<f64>() / summaries.len() as f64
        } else {
            0.0
        };
        PointSamples {
            values,
            at_max_level,
            max_level: d.max_level,
            lines: d.lines,
            blocked_dials: summaries.iter().map(|s| s.blocked_dials as f64).sum::<f64>()
                / summaries.len().max(1) as f64,
            currency: scenario.costs.currency.clone(),
        }
    }

    fn of_kpi(&self, kpi: &Kpi) -> &[f64] {
        let i = KPIS.iter().position(|k| k == kpi).unwrap_or(0);
        &self.values[i]
    }

    /// The mean of a KPI over the replications (NaN when undefined in one of them).
    pub fn mean(&self, kpi: &Kpi) -> f64 {
        let v = self.of_kpi(kpi);
        if v.is_empty() { f64::NAN } else { v.iter().sum::<f64>() / v.len() as f64 }
    }
}

/// A comparison of a constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }
}

/// A constraint on a KPI's mean over a point's replications, e.g. `abandon_rate_max_day<0.03`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Constraint {
    /// The KPI.
    pub kpi: &'static Kpi,
    /// The comparison.
    pub op: Op,
    /// The bound, in the KPI's plain unit (a fraction for a rate: 0.03, not 3 %).
    pub bound: f64,
}

impl FromStr for Constraint {
    type Err = Error;

    /// Parses `KPI<BOUND` (or `<=`, `>`, `>=`) on a KPI of the registry; an unknown KPI is refused with the
    /// nearest name.
    ///
    /// ```
    /// let c: dialsim::analysis::Constraint = "abandon_rate_max_day<0.03".parse()?;
    /// assert_eq!((c.kpi.name, c.bound), ("abandon_rate_max_day", 0.03));
    /// let err = "abandon_rate_maxday<0.03".parse::<dialsim::analysis::Constraint>().unwrap_err();
    /// assert!(err.to_string().contains("did you mean 'abandon_rate_max_day'"), "{err}");
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    fn from_str(text: &str) -> Result<Constraint> {
        let at = text.find(['<', '>']).ok_or_else(|| {
            Error::Invalid(format!("'{text}' is not a constraint: expected KPI<VALUE (or <=, >, >=)").into())
        })?;
        let (name, rest) = text.split_at(at);
        let (op, bound) = match rest.as_bytes() {
            [b'<', b'=', ..] => (Op::Le, &rest[2..]),
            [b'>', b'=', ..] => (Op::Ge, &rest[2..]),
            [b'<', ..] => (Op::Lt, &rest[1..]),
            _ => (Op::Gt, &rest[1..]),
        };
        let kpi = crate::sim::kpi::lookup(name.trim())?;
        let bound = bound
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|b| b.is_finite())
            .ok_or_else(|| Error::Invalid(format!("'{text}': '{}' is not a number", bound.trim()).into()))?;
        Ok(Constraint { kpi, op, bound })
    }
}

impl std::fmt::Display for Constraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}{}", self.kpi.name, self.op.as_str(), self.bound)
    }
}

/// What to rank by: a KPI and which way is better.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RankBy {
    /// The KPI.
    pub kpi: &'static Kpi,
    /// Whether a higher value is better.
    pub higher_is_better: bool,
}

impl FromStr for RankBy {
    type Err = Error;

    /// Parses a KPI name, ranked in its registry direction; `+KPI` ranks higher values first and `-KPI`
    /// lower values first whatever the registry says (a KPI without a better direction needs one of them).
    ///
    /// ```
    /// let r: dialsim::analysis::RankBy = "cost_per_consent".parse()?;
    /// assert!(!r.higher_is_better);
    /// assert!("+cost_per_consent".parse::<dialsim::analysis::RankBy>()?.higher_is_better);
    /// assert!("dials".parse::<dialsim::analysis::RankBy>().is_err());
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    fn from_str(text: &str) -> Result<RankBy> {
        let text = text.trim();
        let (sign, name) = match text.as_bytes().first() {
            Some(b'+') => (Some(true), &text[1..]),
            Some(b'-') => (Some(false), &text[1..]),
            _ => (None, text),
        };
        let kpi = crate::sim::kpi::lookup(name)?;
        let higher_is_better = match (sign, kpi.direction) {
            (Some(higher), _) => higher,
            (None, Direction::Higher) => true,
            (None, Direction::Lower) => false,
            (None, Direction::Neither) => {
                return Err(Error::Invalid(
                    format!(
                        "{name} is neither better high nor low; write +{name} to rank high values first or -{name} \
                     for low values first"
                    )
                    .into(),
                ));
            }
        };
        Ok(RankBy { kpi, higher_is_better })
    }
}

/// One ranked point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RankedRow {
    /// Its rank, from 1.
    pub rank: usize,
    /// The point's number in the grid.
    pub point: usize,
    /// Its values, one per key.
    pub values: Vec<String>,
    /// The ranked KPI over the point's replications.
    pub kpi: Estimate,
    /// This point's ranked KPI minus the best point's, replication by replication (paired: common random
    /// numbers); zero for the best point.
    pub diff_from_best: Estimate,
    /// The mean of each KPI of [`crate::sim::kpi::BESIDE_RANK`] by name (NaN when undefined in a replication:
    /// a cost per consent without consents), written beside the ranked one.
    #[serde(flatten)]
    pub beside: Beside,
}

/// KPI means by name, in the order of [`crate::sim::kpi::BESIDE_RANK`]: in JSON, one key each in that order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Beside(pub Vec<(&'static str, f64)>);

impl Beside {
    /// The mean of KPI `name`, when it is one of these.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
}

impl Serialize for Beside {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A point the constraints left out, with the first constraint it fails.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Excluded {
    /// The point's number in the grid.
    pub point: usize,
    /// Its values, one per key.
    pub values: Vec<String>,
    /// What it fails, e.g. `abandon_rate_max_day = 0.034 (not < 0.03)`.
    pub fails: String,
}

/// A grid's points ranked: what `--rank` prints.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranking {
    /// The KPI ranked by.
    pub kpi: &'static str,
    /// `higher` or `lower`: which is better.
    pub better: &'static str,
    /// The constraints, as given.
    pub constraints: Vec<String>,
    /// The keys that name a point.
    pub keys: Vec<String>,
    /// Replications per point.
    pub replications: u32,
    /// The currency of the costs.
    pub currency: String,
    /// The points meeting every constraint, best first.
    pub rows: Vec<RankedRow>,
    /// The points left out, in point order.
    pub excluded: Vec<Excluded>,
    /// Why the best point may be decided by a limit rather than by the values swept.
    pub warnings: Vec<String>,
}

/// A point to rank: its number, its values (one per key) and its samples.
pub type Candidate<'a> = (usize, &'a [String], &'a PointSamples);

/// Ranks `points` (named by `keys`) by `by` among those meeting every constraint of `constraints`.
pub fn rank(
    keys: &[String],
    points: &[Candidate<'_>],
    replications: u32,
    by: RankBy,
    constraints: &[Constraint],
) -> Ranking {
    let kpi = by.kpi;
    // KPIs of the registry by name (a unit test of the registry checks that it holds them).
    let beside: Vec<&Kpi> = crate::sim::kpi::BESIDE_RANK.iter().filter_map(|n| crate::sim::kpi::find(n)).collect();
    let mut feasible = Vec::new();
    let mut excluded = Vec::new();
    for &(point, values, samples) in points {
        let fails = constraints.iter().find_map(|c| {
            let m = samples.mean(c.kpi);
            (!c.op.holds(m, c.bound)).then(|| {
                let why = if m.is_nan() { " (undefined)" } else { "" };
                format!("{} = {}{why} (not {} {})", c.kpi.name, m, c.op.as_str(), c.bound)
            })
        });
        let fails =
            fails.or_else(|| samples.mean(kpi).is_nan().then(|| format!("{} is undefined in a replication", kpi.name)));
        match fails {
            Some(fails) => excluded.push(Excluded { point, values: values.to_vec(), fails }),
            None => feasible.push((point, values, samples)),
        }
    }
    let better = |a: f64, b: f64| if by.higher_is_better { b.total_cmp(&a) } else { a.total_cmp(&b) };
    feasible.sort_by(|a, b| better(a.2.mean(kpi), b.2.mean(kpi)).then(a.0.cmp(&b.0)));
    let best = feasible.first().map(|f| f.2.of_kpi(kpi).to_vec()).unwrap_or_default();
    let rows: Vec<RankedRow> = feasible
        .iter()
        .enumerate()
        .map(|(i, (point, values, samples))| RankedRow {
            rank: i + 1,
            point: *point,
            values: values.to_vec(),
            kpi: Estimate::of(samples.of_kpi(kpi)),
            diff_from_best: Paired::of(&best, samples.of_kpi(kpi)).diff,
            beside: Beside(beside.iter().map(|k| (k.name, samples.mean(k))).collect()),
        })
        .collect();
    let mut warnings = Vec::new();
    match feasible.first() {
        Some((_, values, samples)) => warnings.extend(binding(keys, points, values, samples)),
        None if !points.is_empty() => warnings.push(format!(
            "no point meets {}",
            constraints.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and ")
        )),
        None => {}
    }
    Ranking {
        kpi: kpi.name,
        better: if by.higher_is_better { "higher" } else { "lower" },
        constraints: constraints.iter().map(ToString::to_string).collect(),
        keys: keys.to_vec(),
        replications,
        currency: points.first().map(|p| p.2.currency.clone()).unwrap_or_default(),
        rows,
        excluded,
        warnings,
    }
}

/// The limits that may have decided the best point: its dial level pinned at `max_level`, its dials blocked
/// for want of a line, or its value of a numeric key at an end of the values swept.
fn binding(keys: &[String], points: &[Candidate<'_>], best: &[String], samples: &PointSamples) -> Vec<String> {
    let mut out = Vec::new();
    if samples.at_max_level >= PINNED_SHARE {
        out.push(format!(
            "the best point's dial level sat at dialer.max_level = {} in {:.0} % of its recalculations: the limit, \
             not the pacer, set its pace",
            samples.max_level,
            100.0 * samples.at_max_level
        ));
    }
    let blocked = samples.blocked_dials;
    if blocked > 0.0 {
        out.push(format!(
            "the best point skipped {blocked} dials on average because all dialer.lines = {} were busy",
            samples.lines
        ));
    }
    for (i, key) in keys.iter().enumerate() {
        let numbers: Option<Vec<f64>> = points.iter().map(|p| p.1[i].parse::<f64>().ok()).collect();
        let Some(numbers) = numbers else { continue };
        let (lo, hi) = numbers.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| (l.min(*x), h.max(*x)));
        let Ok(value) = best[i].parse::<f64>() else { continue };
        if lo < hi && (value == lo || value == hi) {
            let end = if value == hi { "highest" } else { "lowest" };
            out.push(format!(
                "the best point has {key} = {}, the {end} value swept: the best may lie beyond the range",
                best[i]
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(cost: &[f64], worst_day: &[f64]) -> PointSamples {
        let mut values = vec![vec![0.0; cost.len()]; KPIS.len()];
        let at = |n: &str| KPIS.iter().position(|k| k.name == n).unwrap();
        values[at("cost_per_consent")] = cost.to_vec();
        values[at("abandon_rate_max_day")] = worst_day.to_vec();
        PointSamples {
            values,
            at_max_level: 0.0,
            max_level: 6.0,
            lines: 200,
            blocked_dials: 0.0,
            currency: "CZK".into(),
        }
    }

    #[test]
    fn the_cheapest_point_meeting_the_constraint_ranks_first_and_its_difference_is_zero() {
        let keys = vec!["dialer.agents".to_string()];
        let v: Vec<Vec<String>> = ["10", "15", "20"].iter().map(|x| vec![x.to_string()]).collect();
        // 10 agents is cheapest but breaks the constraint; 20 beats 15.
        let s = [
            samples(&[50.0, 52.0], &[0.05, 0.04]),
            samples(&[90.0, 94.0], &[0.01, 0.02]),
            samples(&[80.0, 85.0], &[0.02, 0.02]),
        ];
        let points: Vec<Candidate> = (0..3).map(|i| (i, v[i].as_slice(), &s[i])).collect();
        let c: Constraint = "abandon_rate_max_day<0.03".parse().unwrap();
        let r = rank(&keys, &points, 2, "cost_per_consent".parse().unwrap(), &[c]);
        assert_eq!(r.rows.iter().map(|r| r.point).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(r.rows[0].diff_from_best.mean, 0.0);
        assert!((r.rows[1].diff_from_best.mean - 9.5).abs() < 1e-12);
        assert_eq!(r.excluded.len(), 1);
        assert!(r.excluded[0].fails.contains("not < 0.03"), "{}", r.excluded[0].fails);
        // 20 is the top of the agents swept.
        assert!(r.warnings.iter().any(|w| w.contains("highest value swept")), "{:?}", r.warnings);
        // The KPIs beside the ranked one come last in a row's JSON, in the registry's order.
        let json = serde_json::to_string(&r.rows[0]).unwrap();
        let at = |k: &str| json.find(&format!("\"{k}\":")).unwrap_or_else(|| panic!("no {k} in {json}"));
        let order: Vec<usize> = crate::sim::kpi::BESIDE_RANK.iter().map(|k| at(k)).collect();
        assert!(at("diff_from_best") < order[0] && order.windows(2).all(|w| w[0] < w[1]), "{json}");
    }

    #[test]
    fn a_point_whose_kpi_is_undefined_is_excluded_not_ranked_best() {
        let keys = vec!["x".to_string()];
        let v = [vec!["a".to_string()], vec!["b".to_string()]];
        let s = [samples(&[f64::NAN, 10.0], &[0.0, 0.0]), samples(&[40.0, 41.0], &[0.0, 0.0])];
        let points: Vec<Candidate> = (0..2).map(|i| (i, v[i].as_slice(), &s[i])).collect();
        let r = rank(&keys, &points, 2, "cost_per_consent".parse().unwrap(), &[]);
        assert_eq!(r.rows.iter().map(|r| r.point).collect::<Vec<_>>(), [1]);
        assert_eq!(r.excluded[0].point, 0);
    }

    #[test]
    fn a_pinned_dial_level_is_warned_of() {
        let mut s = samples(&[1.0], &[0.0]);
        s.at_max_level = 0.8;
        let v = [vec!["a".to_string()]];
        let r = rank(&["x".into()], &[(0, v[0].as_slice(), &s)], 1, "cost_per_consent".parse().unwrap(), &[]);
        assert!(r.warnings.iter().any(|w| w.contains("max_level = 6") && w.contains("80 %")), "{:?}", r.warnings);
    }

    #[test]
    fn constraints_parse_every_comparison_and_refuse_nonsense() {
        for (text, op) in [
            ("occupancy<0.9", Op::Lt),
            ("occupancy<=0.9", Op::Le),
            ("occupancy>0.9", Op::Gt),
            ("occupancy>=0.9", Op::Ge),
        ] {
            assert_eq!(text.parse::<Constraint>().unwrap().op, op, "{text}");
        }
        assert!("occupancy=0.9".parse::<Constraint>().is_err());
        assert!("occupancy<high".parse::<Constraint>().unwrap_err().to_string().contains("'high' is not a number"));
    }
}
