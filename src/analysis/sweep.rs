//! A scenario over a grid of parameter values, each point replicated with the same seeds (common random
//! numbers); shards of the grid for several machines, and the merge of their `sweep.csv` parts.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use super::rank::{Candidate, Constraint, PointSamples, RankBy, Ranking, rank};
use super::replicate::{Progress, aggregate};
use super::shards::{
    PartKind, check_grid_points, check_loads, coordinates, has_columns, join_parts, point_count, read_parts,
    run_points, shard_points,
};
use crate::foundation::error::{Error, Result};
use crate::foundation::stats::Estimate;
use crate::generate::Shard;
use crate::scenario::Scenario;

/// One varied parameter: a scenario key and its values (in TOML syntax), e.g. `dialer.agents=10,20,30`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vary {
    /// The scenario key, e.g. `dialer.agents`.
    pub key: String,
    /// Its values, in order.
    pub values: Vec<String>,
}

impl FromStr for Vary {
    type Err = String;
    /// Parses `key=v1,v2` (a list value cannot be varied: its commas would split it). A value may be a range
    /// `FROM..TO:STEP`, both ends included: `10..30:10` is 10, 20, 30 and `0.01..0.03:0.01` is 0.01, 0.02,
    /// 0.03 (written with the step's decimals, so no 0.030000000000000002). A step that does not land on `TO`
    /// is refused (`10..30:7`), with the nearest ranges that do.
    ///
    /// ```
    /// let v: dialsim::analysis::Vary = "dialer.agents=10, 20".parse().unwrap();
    /// assert_eq!(v.values, ["10", "20"]);
    /// let v: dialsim::analysis::Vary = "dialer.agents=10..30:10,50".parse().unwrap();
    /// assert_eq!(v.values, ["10", "20", "30", "50"]);
    /// let v: dialsim::analysis::Vary = "dialer.drop_target=0.01..0.03:0.01".parse().unwrap();
    /// assert_eq!(v.values, ["0.01", "0.02", "0.03"]);
    /// let v: dialsim::analysis::Vary = r#"run.name="a,b",c"#.parse().unwrap();
    /// assert_eq!(v.values, [r#""a,b""#, "c"]);
    /// let err = "dialer.agents=10..30:7".parse::<dialsim::analysis::Vary>().unwrap_err();
    /// assert!(err.contains("10..24:7") && err.contains("10..31:7"), "{err}");
    /// ```
    fn from_str(v: &str) -> std::result::Result<Vary, String> {
        let (k, vals) = v.split_once('=').ok_or("expected KEY=V1,V2,... or KEY=FROM..TO:STEP")?;
        let mut values = Vec::new();
        for x in split_outside_quotes(vals).into_iter().map(str::trim).filter(|x| !x.is_empty()) {
            match x.split_once("..") {
                Some((from, rest)) if !x.starts_with('"') => values.extend(range(from, rest)?),
                _ => values.push(x.to_string()),
            }
        }
        if values.is_empty() {
            return Err("no values".into());
        }
        Ok(Vary { key: k.trim().to_string(), values })
    }
}

/// `text` cut at the commas that stand outside double quotes: `"a,b",c` is `"a,b"` and `c` (a TOML string may
/// hold a comma).
fn split_outside_quotes(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// Most values one range may give: a sweep of more points is a typo, not a plan.
const MAX_RANGE_VALUES: usize = 10_000;

/// The values of the range `FROM..TO:STEP` (given as `from` and `TO:STEP`), both ends included.
fn range(from: &str, rest: &str) -> std::result::Result<Vec<String>, String> {
    let (to, step) = rest.split_once(':').ok_or_else(|| format!("range {from}..{rest} needs a step: FROM..TO:STEP"))?;
    let (from, to, step) = (from.trim(), to.trim(), step.trim());
    let number = |s: &str| s.parse::<f64>().ok().filter(|x| x.is_finite());
    let (Some(a), Some(b), Some(d)) = (number(from), number(to), number(step)) else {
        return Err(format!("range {from}..{to}:{step} must be made of numbers"));
    };
    if d <= 0.0 {
        return Err(format!("range {from}..{to}:{step}: the step must be above 0"));
    }
    if b < a {
        return Err(format!("range {from}..{to}:{step}: {to} is below {from}"));
    }
    if (b - a) / d >= MAX_RANGE_VALUES as f64 {
        return Err(format!("range {from}..{to}:{step} gives more than {MAX_RANGE_VALUES} values"));
    }
    let places = decimals(from).max(decimals(step));
    // Counted in integers of the last decimal place of any end or the step, so 0.01..0.03:0.01 has its 3 points
    // and 10..30:7 is seen not to land on 30.
    let scale = 10f64.powi(places.max(decimals(to)).min(MAX_PLACES) as i32);
    let (units_a, units_b, units_d) = ((a * scale).round(), (b * scale).round(), (d * scale).round());
    if units_d < 1.0 {
        return Err(format!("range {from}..{to}:{step}: the step is finer than {MAX_PLACES} decimal places"));
    }
    let steps = ((units_b - units_a) / units_d).floor();
    // Both ends are included, so a step that jumps over the end is refused rather than silently dropping it.
    if (units_b - units_a) % units_d != 0.0 {
        let all = places.max(decimals(to));
        let show = |units: f64| {
            let x = units / scale;
            if all == 0 { format!("{x:.0}") } else { format!("{x:.all$}") }
        };
        let below = units_a + steps * units_d;
        let mut tries =
            vec![format!("{from}..{}:{step}", show(below)), format!("{from}..{}:{step}", show(below + units_d))];
        if let Some(k) = nearest_divisor(units_b - units_a, units_d) {
            tries.push(format!("{from}..{to}:{}", show(k)));
        }
        return Err(format!(
            "range {from}..{to}:{step}: the steps from {from} do not land on {to} ({}, {}, ...), and a range \
             includes both ends; try {}",
            show(below),
            show(below + units_d),
            tries.join(" or ")
        ));
    }
    Ok((0..=steps as usize)
        .map(|i| {
            let x = a + i as f64 * d;
            if places == 0 { format!("{x:.0}") } else { format!("{x:.places$}") }
        })
        .collect())
}

/// Decimal places a range's number is counted in.
const MAX_PLACES: usize = 15;

/// The decimal places a number is written with: those after its point, plus its exponent's (`1e-3` and `0.5e-2`
/// have 3, `2.5e1` none).
fn decimals(s: &str) -> usize {
    let (mantissa, exponent) = s.split_once(['e', 'E']).unwrap_or((s, "0"));
    let after_point = mantissa.split_once('.').map_or(0, |(_, f)| f.len());
    let exponent = exponent.parse::<i64>().unwrap_or(0);
    usize::try_from((after_point as i64).saturating_sub(exponent)).unwrap_or(0)
}

/// The divisor of `span` nearest to `step` (both whole numbers of units), looked for a little way either side.
fn nearest_divisor(span: f64, step: f64) -> Option<f64> {
    (1..=10_000u32)
        .map(f64::from)
        .take_while(|delta| *delta < step.max(span))
        .find_map(|delta| [step - delta, step + delta].into_iter().find(|k| *k >= 1.0 && *k < span && span % k == 0.0))
}

/// Every point of the grid of `vary`, the first parameter varying slowest: point `p`'s values, one per
/// parameter.
///
/// ```
/// let vary = ["a=1,2".parse().unwrap(), "b=x,y".parse().unwrap()];
/// assert_eq!(dialsim::analysis::grid(&vary), [["1", "x"], ["1", "y"], ["2", "x"], ["2", "y"]]);
/// ```
pub fn grid(vary: &[Vary]) -> Vec<Vec<String>> {
    let sizes: Vec<usize> = vary.iter().map(|v| v.values.len()).collect();
    (0..point_count(&sizes))
        .map(|p| coordinates(p, &sizes).into_iter().zip(vary).map(|(i, v)| v.values[i].clone()).collect())
        .collect()
}

/// The two corners of the grid of `vary` that bound its runs' sizes: every parameter at its smallest value,
/// and every parameter at its largest (by number; a parameter whose values are not all numbers keeps its
/// first value in both), as `key=value` overrides. Piloting them sizes a grid without loading its points.
///
/// ```
/// let vary = ["dialer.agents=10,50,20".parse().unwrap(), "dialer.pacer=model,adaptive-average".parse().unwrap()];
/// let (low, high) = dialsim::analysis::corners(&vary);
/// assert_eq!(low, ["dialer.agents=10", "dialer.pacer=model"]);
/// assert_eq!(high, ["dialer.agents=50", "dialer.pacer=model"]);
/// ```
pub fn corners(vary: &[Vary]) -> (Vec<String>, Vec<String>) {
    let pick = |v: &Vary, largest: bool| {
        let numbers: Option<Vec<f64>> = v.values.iter().map(|x| x.parse::<f64>().ok()).collect();
        let i = match numbers {
            Some(n) => {
                (0..n.len()).reduce(|a, b| if (n[b] > n[a]) == largest && n[b] != n[a] { b } else { a }).unwrap_or(0)
            }
            None => 0,
        };
        format!("{}={}", v.key, v.values[i])
    };
    (vary.iter().map(|v| pick(v, false)).collect(), vary.iter().map(|v| pick(v, true)).collect())
}

/// A sweep ready to run: the grid, and the scenario of every point of its shard, each checked (its campaign
/// loaded once, then dropped: a point's campaign is loaded again when it runs, so a sweep holds one at a time).
#[derive(Debug)]
pub struct Sweep {
    vary: Vec<Vary>,
    points: Vec<Vec<String>>,
    mine: Vec<(usize, Scenario)>,
}

impl Sweep {
    /// The sweep of `vary` (and the overrides `set` at every point) over the points of `shard`. `load` makes
    /// a point's scenario from its overrides (`set`, then `key=value` for each varied parameter); every
    /// point's scenario is loaded, so a bad value is found before anything runs.
    ///
    /// ```
    /// use dialsim::analysis::{Sweep, no_progress};
    /// let vary = vec!["dialer.agents=10,20".parse().unwrap()];
    /// let load = |set: &[String]| dialsim::Scenario::parse("default", dialsim::DEFAULT_SCENARIO, set);
    /// let sweep = Sweep::new(vary, &[], dialsim::Shard::WHOLE, load)?;
    /// let result = sweep.run(1, 2, 1, &no_progress)?;
    /// assert_eq!(result.rows.len(), 2);
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn new(
        vary: Vec<Vary>,
        set: &[String],
        shard: Shard,
        mut load: impl FnMut(&[String]) -> Result<Scenario>,
    ) -> Result<Sweep> {
        check_grid_points(&vary.iter().map(|v| v.values.len()).collect::<Vec<_>>())?;
        let points = grid(&vary);
        let (mut mine, mut checked) = (Vec::new(), Vec::new());
        for p in shard_points(points.len(), shard) {
            let mut overrides = set.to_vec();
            overrides.extend(vary.iter().zip(&points[p]).map(|(v, x)| format!("{}={x}", v.key)));
            let scenario = load(&overrides)?;
            check_loads(&scenario, &mut checked)?;
            mine.push((p, scenario));
        }
        Ok(Sweep { vary, points, mine })
    }

    /// The varied parameters.
    pub fn vary(&self) -> &[Vary] {
        &self.vary
    }

    /// Every point of the grid (not only this shard's).
    pub fn points(&self) -> &[Vec<String>] {
        &self.points
    }

    /// This shard's points and their scenarios, in point order.
    pub fn scenarios(&self) -> impl Iterator<Item = (usize, &Scenario)> {
        self.mine.iter().map(|(p, s)| (*p, s))
    }

    /// Runs `replications` replications of every point of the shard with the same seeds (common random
    /// numbers), on `threads` threads. `progress` is called once per replication, with `done` counted over
    /// the whole shard. Fails when a point's campaign no longer loads (a file it names changed since
    /// [`Sweep::new`]).
    pub fn run(&self, seed: u64, replications: u32, threads: usize, progress: &Progress) -> Result<SweepResult> {
        let rows = run_points(
            &self.mine,
            |(_, s)| s,
            (seed, replications, threads),
            progress,
            |(p, scenario), summaries| SweepRow {
                point: *p,
                values: self.points[*p].clone(),
                currency: scenario.costs.currency.clone(),
                estimates: aggregate(summaries),
                samples: PointSamples::of(scenario, summaries),
            },
        )?;
        Ok(SweepResult { keys: self.vary.iter().map(|v| v.key.clone()).collect(), seed, replications, rows })
    }
}

/// One point of a sweep with its estimates.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRow {
    /// The point's number in the whole grid.
    pub point: usize,
    /// Its values, one per varied parameter.
    pub values: Vec<String>,
    /// The currency of its costs (`costs.currency`).
    pub currency: String,
    /// Every KPI as an estimate over the point's replications, in [`crate::sim::kpi::KPIS`] order.
    pub estimates: Vec<(&'static str, Estimate)>,
    /// Every KPI of every replication, for ranking with paired differences.
    pub samples: PointSamples,
}

/// A sweep's (or a shard's) results: what `sweep.csv` holds.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepResult {
    /// The varied keys, in order.
    pub keys: Vec<String>,
    /// The seed.
    pub seed: u64,
    /// Replications per point.
    pub replications: u32,
    /// The points run, in point order.
    pub rows: Vec<SweepRow>,
}

/// One line of a chart: its label and its points `(x, mean, ci95_low, ci95_high)`.
pub type Line = (String, Vec<(f64, f64, f64, f64)>);

impl SweepResult {
    /// The points ranked by `by` among those meeting every constraint of `constraints` (see
    /// [`crate::analysis::rank`]).
    ///
    /// ```
    /// use dialsim::analysis::{Sweep, no_progress};
    /// let vary = vec!["dialer.agents=10,20".parse().unwrap()];
    /// let load = |set: &[String]| dialsim::Scenario::parse("default", dialsim::DEFAULT_SCENARIO, set);
    /// let result = Sweep::new(vary, &["run.day_hours=0.5".into()], dialsim::Shard::WHOLE, load)?.run(1, 2, 1, &no_progress)?;
    /// let ranking = result.ranking("occupancy".parse()?, &["abandon_rate<0.5".parse()?]);
    /// assert_eq!(ranking.rows.len() + ranking.excluded.len(), 2);
    /// assert!(ranking.rows[0].kpi.mean >= ranking.rows[1].kpi.mean);
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn ranking(&self, by: RankBy, constraints: &[Constraint]) -> Ranking {
        let points: Vec<Candidate> = self.rows.iter().map(|r| (r.point, r.values.as_slice(), &r.samples)).collect();
        rank(&self.keys, &points, self.replications, by, constraints)
    }

    /// The KPI `kpi` against the first parameter, one line per value of the second (labelled
    /// `key = value`; one unlabelled line when only one parameter varies), lines in label order.
    pub fn lines(&self, kpi: &str) -> Result<Vec<Line>> {
        let mut lines: BTreeMap<String, Vec<(f64, f64, f64, f64)>> = BTreeMap::new();
        for row in &self.rows {
            let first = &self.keys[0];
            let x: f64 = row.values[0]
                .parse()
                .map_err(|_| Error::Invalid(format!("a chart needs numeric values of {first}").into()))?;
            let label =
                if self.keys.len() > 1 { format!("{} = {}", self.keys[1], row.values[1]) } else { String::new() };
            let e = row
                .estimates
                .iter()
                .find(|(k, _)| *k == kpi)
                .map(|(_, e)| *e)
                .ok_or_else(|| Error::Invalid(format!("unknown KPI '{kpi}'").into()))?;
            lines.entry(label).or_default().push((x, e.mean, e.ci95_low, e.ci95_high));
        }
        Ok(lines.into_iter().collect())
    }
}

/// A `sweep.csv`: `point`, the varied keys, `replications`, then every KPI's `_mean` and `_ci`.
const SWEEP_CSV: PartKind = PartKind {
    name: "sweep.csv",
    header: |columns| {
        has_columns(columns, ["replications"])?;
        let kpis: Vec<String> =
            crate::sim::kpi::names().flat_map(|k| [format!("{k}_mean"), format!("{k}_ci")]).collect();
        has_columns(columns, kpis.iter().map(String::as_str))
    },
};

/// The parts of a sharded sweep joined: one header, the rows of every part in point order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergedSweep {
    /// The header line all parts share.
    pub header: String,
    /// The rows (without their line ends) with their point numbers, in point order.
    pub rows: Vec<(u64, String)>,
}

impl MergedSweep {
    /// Reads and joins the `sweep.csv` files `parts`: their headers must agree, every row must start with its
    /// point number, and no point may appear twice.
    pub fn read(parts: &[impl AsRef<Path>]) -> Result<MergedSweep> {
        read_parts(parts, MergedSweep::join)
    }

    /// Joins the texts of parts named `(name, text)` ([`MergedSweep::read`]). Each must be a `sweep.csv`:
    /// a header of `point`, the varied keys, `replications` and every KPI's `_mean` and `_ci` columns, and
    /// rows of as many cells; a file of another kind, or parts without a single point, are refused.
    ///
    /// ```
    /// use dialsim::analysis::{MergedSweep, SweepResult};
    /// let mut h = String::from("point,x,replications");
    /// for k in dialsim::sim::kpi::names() {
    ///     h.push_str(&format!(",{k}_mean,{k}_ci"));
    /// }
    /// let cells = h.split(',').count() - 2;
    /// let row = |p: u32| format!("{p},{p},2{}", ",0".repeat(cells - 1));
    /// let a = ("a".to_string(), format!("{h}\n{}\n{}\n", row(0), row(2)));
    /// let b = ("b".to_string(), format!("{h}\n{}\n", row(1)));
    /// let m = MergedSweep::join(&[a, b])?;
    /// assert_eq!(m.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [0, 1, 2]);
    /// let calls = ("calls.csv".to_string(), "call_id,number\n0,+420601000000\n".to_string());
    /// assert!(MergedSweep::join(&[calls]).unwrap_err().to_string().contains("calls.csv:1: not a sweep.csv"));
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn join(parts: &[(String, String)]) -> Result<MergedSweep> {
        let (header, rows) = join_parts(parts, &SWEEP_CSV)?;
        Ok(MergedSweep { header, rows })
    }
}
