//! The frontier's section: read from `frontier.csv` (by header), drawn as one panel per agent count —
//! occupancy against realised abandonment, a line per pacer, the profile's limit as a dashed vertical line,
//! points whose target lies above the limit as hollow rings — and the points as a table.

use std::fmt::Write;

use super::charts::pct;
use super::page::{esc, facts, foldable};
use super::read::Csv;
use super::svg::{Axes, COLORS, Entry, Frame, LEGEND_ROW, Scale, Svg, legend, legend_rows, nice, percent_ticks};
use super::{Context, Est, Section};
use crate::analysis::FrontierResult;
use crate::foundation::error::{Error, Result};
use crate::foundation::stats::Estimate;

/// One point of `frontier.csv`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FrontierPoint {
    pub pacer: String,
    pub agents: String,
    pub target: f64,
    pub compliant: bool,
    pub limit: f64,
    pub abandon: Est,
    pub worst_day: f64,
    pub occupancy: Est,
    pub contacts: Est,
}

/// Columns only a `frontier.csv` has (a sweep's are `point`, its keys, and `<kpi>_mean`/`_ci`).
const ITS_OWN: [&str; 2] = ["compliant", "abandon_rate_worst_day"];

/// Whether a CSV's first line is a `frontier.csv` header: it names the columns only one has, in any order
/// ([`read`] then names any other column missing).
pub(super) fn is_frontier(first_line: &str) -> bool {
    let cells: Vec<&str> = first_line.trim_end().split(',').collect();
    ITS_OWN.iter().all(|c| cells.contains(c))
}

/// A frontier's section from `frontier.csv`, each column found by its name.
pub(super) fn read(ctx: Context, bytes: &[u8], name: &str) -> Result<Section> {
    let csv = Csv::parse(bytes, name)?;
    let col = |c: &str| csv.need(c);
    let (pacer, agents, target, compliant, limit, replications, worst_day) = (
        col("pacer")?,
        col("agents")?,
        col("target")?,
        col("compliant")?,
        col("limit")?,
        col("replications")?,
        col("abandon_rate_worst_day")?,
    );
    let estimate = |stem: &str| -> Result<[usize; 3]> {
        Ok([col(&format!("{stem}_mean"))?, col(&format!("{stem}_ci95_low"))?, col(&format!("{stem}_ci95_high"))?])
    };
    let (abandon, occupancy, contacts) =
        (estimate("abandon_rate")?, estimate("occupancy")?, estimate("contacts_per_agent_hour")?);
    let mut points = Vec::new();
    for (i, r) in csv.rows.iter().enumerate() {
        let num = |col: usize| csv.num(i, col);
        let est = |[m, l, h]: [usize; 3]| -> Result<Est> { Ok(Est { mean: num(m)?, lo: num(l)?, hi: num(h)? }) };
        let compliant = match r[compliant].as_str() {
            "true" => true,
            "false" => false,
            other => {
                return Err(Error::input(
                    name,
                    Some(csv.line(i)),
                    format!("compliant is '{other}', not true or false"),
                ));
            }
        };
        points.push(FrontierPoint {
            pacer: r[pacer].clone(),
            agents: r[agents].clone(),
            target: num(target)?,
            compliant,
            limit: num(limit)?,
            abandon: est(abandon)?,
            worst_day: num(worst_day)?,
            occupancy: est(occupancy)?,
            contacts: est(contacts)?,
        });
    }
    let replications = csv.rows.first().map(|r| r[replications].clone()).unwrap_or_default();
    Ok(Section::Frontier { ctx, replications, points })
}

/// A frontier's section from its result in memory: the points `read` would give of its `frontier.csv`.
pub(super) fn of(ctx: Context, result: &FrontierResult) -> Section {
    let est = |e: &Estimate| Est { mean: e.mean, lo: e.ci95_low, hi: e.ci95_high };
    let points = result
        .rows
        .iter()
        .map(|row| FrontierPoint {
            pacer: row.pacer.as_str().to_string(),
            agents: row.agents.to_string(),
            target: row.target,
            compliant: row.compliant,
            limit: row.limit,
            abandon: est(&row.abandon_rate),
            worst_day: row.abandon_rate_worst_day,
            occupancy: est(&row.occupancy),
            contacts: est(&row.contacts_per_agent_hour),
        })
        .collect();
    // As `read` gives it: the replications of the first row, none without rows.
    let replications = if result.rows.is_empty() { String::new() } else { result.replications.to_string() };
    Section::Frontier { ctx, replications, points }
}

/// The distinct values of `f` over the points, in order of appearance.
fn distinct(points: &[FrontierPoint], f: impl Fn(&FrontierPoint) -> &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in points {
        if !out.iter().any(|v| v == f(p)) {
            out.push(f(p).to_string());
        }
    }
    out
}

/// A share as a percentage with two decimals.
fn pc(v: f64) -> String {
    if v.is_finite() { format!("{:.2} %", 100.0 * v) } else { "–".into() }
}

/// The section.
pub(super) fn render(h: &mut String, report: &super::Report, c: &Context, reps: &str, points: &[FrontierPoint]) {
    h.push_str("<h2>Efficiency frontier: occupancy against abandonment</h2>\n");
    let pacers = distinct(points, |p| &p.pacer);
    let agents = distinct(points, |p| &p.agents);
    let varied: Vec<String> = ["dialer.agents", "dialer.drop_target"].iter().map(|s| s.to_string()).collect();
    facts(
        h,
        report,
        c,
        &[
            ("points", points.len().to_string()),
            ("replications per point", reps.to_string()),
            ("pacers", pacers.join(", ")),
            ("agent counts", agents.join(", ")),
        ],
        &varied,
    );
    let limit = points.iter().map(|p| p.limit).find(|l| l.is_finite());
    let over = points.iter().filter(|p| !p.compliant).count();
    let worst = points.iter().filter(|p| p.compliant).map(|p| p.worst_day).fold(0.0, f64::max);
    if let Some(l) = limit {
        let class = if worst > l + 1e-12 { "fail" } else { "pass" };
        let _ = writeln!(
            h,
            "<div class=\"verdict {class}\">Worst simulated day at a compliant target: {} (limit {})<p>{}</p></div>",
            pc(worst),
            pc(l),
            if over > 0 {
                format!(
                    "{over} point(s) have a target above the limit: they ran with the compliance cap lifted, are \
                     marked not compliant and drawn as hollow rings."
                )
            } else {
                "Every target keeps within the profile's limit.".to_string()
            }
        );
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">Each panel: one agent count; each line: one pacer, its points in drop-target order, \
         with 95 % intervals both ways (common random numbers across points). Up and to the left is better: more \
         occupancy for less abandonment. A pacer whose curve lies above another's at the same abandonment keeps \
         agents busier for the same compliance cost. The dashed line is the profile's abandonment limit; each point is \
         labelled with its drop target. The axes fit the points; an interval beyond them is cut at the frame, and a \
         point beyond the abandonment axis is an arrow at its edge, labelled with its value.</p>"
    );
    h.push_str("<figure><figcaption>Agent occupancy against realised abandonment</figcaption><div class=\"facets\">");
    h.push_str(&panels(points, limit).concat());
    h.push_str("</div></figure>\n");
    let mut t = String::from(
        "<table><thead><tr><th>pacer</th><th>agents</th><th>target</th>\
         <th>compliant</th><th>abandon rate</th><th>worst day</th><th>occupancy</th><th>contacts per agent-hour</th>\
         </tr></thead><tbody>",
    );
    for p in points {
        let _ = write!(
            t,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} [{}, {}]</td><td>{}</td><td>{} [{}, {}]</td>\
             <td>{:.2} [{:.2}, {:.2}] /h</td></tr>",
            esc(&p.pacer),
            esc(&p.agents),
            pc(p.target),
            if p.compliant { "yes" } else { "no (cap lifted)" },
            pc(p.abandon.mean),
            pc(p.abandon.lo),
            pc(p.abandon.hi),
            pc(p.worst_day),
            pc(p.occupancy.mean),
            pc(p.occupancy.lo),
            pc(p.occupancy.hi),
            p.contacts.mean,
            p.contacts.lo,
            p.contacts.hi
        );
    }
    t.push_str("</tbody></table>");
    foldable(h, "Every point", false, &t);
}

/// The axes' ranges in percent, (x lo, x hi, step) and (y lo, y hi, step), fitted to the points' estimates (not
/// their intervals, which a few replications make wide) and the limit. A point whose abandonment lies far
/// beyond the rest (a target above the limit, run with the cap lifted, can abandon nearly every call) would
/// squeeze them into a sliver: the axis stops short of it when it lies beyond twice the others' extent.
fn ranges(points: &[FrontierPoint], limit: Option<f64>) -> ((f64, f64, f64), (f64, f64, f64)) {
    let finite = |v: &f64| v.is_finite();
    let near: Vec<f64> =
        points.iter().filter(|p| p.compliant).map(|p| p.abandon.mean).chain(limit).filter(finite).collect();
    let reach = near.iter().copied().fold(0.0, f64::max);
    let xs: Vec<f64> = points
        .iter()
        .map(|p| p.abandon.mean)
        .filter(finite)
        .filter(|v| near.is_empty() || *v <= 2.0 * reach)
        .chain(limit)
        .collect();
    let ys: Vec<f64> = points.iter().map(|p| p.occupancy.mean).filter(finite).collect();
    let span = |v: &[f64]| {
        let (lo, hi) = (v.iter().copied().fold(f64::MAX, f64::min), v.iter().copied().fold(f64::MIN, f64::max));
        if lo > hi { (0.0, 1.0) } else { (lo, hi) }
    };
    let ((xlo, xhi), (ylo, yhi)) = (span(&xs), span(&ys));
    // A margin of a tenth of the span (or of the value, when all points coincide) each side; shares stay
    // within 0..100 %.
    let pad = |lo: f64, hi: f64| ((hi - lo) * 0.1).max(hi.abs() * 0.05).max(1e-4);
    let (px, py) = (pad(xlo, xhi), pad(ylo, yhi));
    let x = nice((100.0 * (xlo - px)).max(0.0), 100.0 * (xhi + px), 5);
    let y = nice((100.0 * (ylo - py)).max(0.0), (100.0 * (yhi + py)).min(100.0), 5);
    (x, y)
}

/// One panel per agent count (in order of appearance), every panel on the same scales.
pub(crate) fn panels(points: &[FrontierPoint], limit: Option<f64>) -> Vec<String> {
    let pacers = distinct(points, |p| &p.pacer);
    distinct(points, |p| &p.agents).iter().map(|a| chart(points, a, &pacers, limit)).collect()
}

/// One panel: the points of agent count `agents`, one line per pacer; every panel on the same scales.
fn chart(points: &[FrontierPoint], agents: &str, pacers: &[String], limit: Option<f64>) -> String {
    let (w, left, right, bottom) = (560.0, 64.0, 16.0, 46.0);
    // The legend: the limit, then the pacers, wrapped into rows that fit the panel.
    let mut names: Vec<Entry<'_>> = Vec::new();
    if let Some(l) = limit {
        names.push(("#000", format!("limit {}", pc(l)), Some("6 4")));
    }
    for (k, pacer) in pacers.iter().enumerate() {
        if points.iter().any(|p| p.agents == agents && &p.pacer == pacer) {
            names.push((COLORS[k % COLORS.len()], pacer.clone(), None));
        }
    }
    let legend_width = w - left - right;
    let top = 30.0 + LEGEND_ROW * legend_rows(&names, legend_width).len() as f64;
    let h = 300.0 + top;
    let ((x0, x1, xstep), (y0, y1, ystep)) = ranges(points, limit);
    let title = format!("{agents} agents");
    let mut svg = Svg::new(w, h, &format!("frontier, {title}: occupancy against realised abandonment"));
    let f = Frame {
        x: Scale { lo: x0, hi: x1, p0: left, p1: w - right },
        y: Scale { lo: y0, hi: y1, p0: h - bottom, p1: top },
        y2: None,
    };
    let (xt, yt) = (percent_ticks(x0, x1, xstep), percent_ticks(y0, y1, ystep));
    f.draw(&mut svg, &Axes::left(&xt, &yt, "realised abandonment (drops / live answers)", "agent occupancy"));
    if let Some(l) = limit {
        let x = f.x.at(100.0 * l);
        svg.line((x, f.y.p0), (x, f.y.p1), "#000", 1.5, Some("6 4"));
    }
    // Target labels drawn so far: where each starts, its baseline, its text.
    let mut labelled: Vec<(f64, f64, String)> = Vec::new();
    for (k, pacer) in pacers.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let mut mine: Vec<&FrontierPoint> = points.iter().filter(|p| p.agents == agents && &p.pacer == pacer).collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by(|a, b| a.target.total_cmp(&b.target));
        // A point beyond the abandonment axis sits on its edge.
        let at = |p: &FrontierPoint| {
            let x = (100.0 * p.abandon.mean).clamp(x0, x1);
            (f.x.at(x), f.y.at((100.0 * p.occupancy.mean).clamp(y0, y1)))
        };
        // The line joins the points on the axis; one beyond it stands apart, an arrow at the edge.
        let inside: Vec<(f64, f64)> = mine
            .iter()
            .filter(|p| 100.0 * p.abandon.mean <= x1 || !p.abandon.mean.is_finite())
            .map(|p| at(p))
            .collect();
        svg.polyline(&inside, color, 1.8, None);
        for p in &mine {
            let (px, py) = at(p);
            let beyond = 100.0 * p.abandon.mean > x1;
            // Intervals cut at the frame (a t-interval of a share may reach below 0 or above 100 %).
            if p.occupancy.lo.is_finite() && p.occupancy.hi.is_finite() {
                let (lo, hi) = ((100.0 * p.occupancy.lo).clamp(y0, y1), (100.0 * p.occupancy.hi).clamp(y0, y1));
                svg.line((px, f.y.at(lo)), (px, f.y.at(hi)), color, 1.2, None);
            }
            if p.abandon.lo.is_finite() && p.abandon.hi.is_finite() && !beyond {
                let (lo, hi) = ((100.0 * p.abandon.lo).clamp(x0, x1), (100.0 * p.abandon.hi).clamp(x0, x1));
                svg.line((f.x.at(lo), py), (f.x.at(hi), py), color, 1.2, None);
            }
            if beyond {
                svg.arrow(px, py, 1, color);
            } else if p.compliant {
                svg.circle(px, py, 3.5, color);
            } else {
                svg.ring(px, py, 4.0, color);
            }
            let text = if beyond { format!("{} → {}", pct(p.target), pc(p.abandon.mean)) } else { pct(p.target) };
            // Coinciding points (pacers that behave alike) are labelled once; a label that would overlap another
            // moves down a line.
            let width = 5.6 * text.chars().count() as f64;
            let (anchor, x_start) = if beyond { ("end", px - 9.0 - width) } else { ("start", px + 6.0) };
            if labelled
                .iter()
                .any(|(x, y, t)| (x - x_start).abs() < 12.0 && (y - (py - 6.0)).abs() < 10.0 && *t == text)
            {
                continue;
            }
            let mut y = py - 6.0;
            for _ in 0..4 {
                let clash = labelled.iter().any(|(lx, ly, t)| {
                    let lw = 5.6 * t.chars().count() as f64;
                    (ly - y).abs() < 10.0 && x_start < lx + lw && *lx < x_start + width
                });
                if !clash {
                    break;
                }
                y += 11.0;
            }
            svg.text_class((if beyond { px - 9.0 } else { px + 6.0 }, y), anchor, 10.0, color, "target", &text);
            labelled.push((x_start, y, text));
        }
    }
    svg.text((left, 16.0), "start", 12.5, "#222", &title);
    legend(&mut svg, (left, 34.0), legend_width, &names);
    if points.iter().any(|p| !p.compliant && p.agents == agents) {
        svg.text((w - right, 16.0), "end", 11.0, "#444", "hollow: target above the limit (cap lifted)");
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frontier_is_recognised_by_columns_of_its_header_and_a_sweep_is_not() {
        assert!(ITS_OWN.iter().all(|c| crate::report::FRONTIER_HEADER.contains(c)));
        assert!(is_frontier(&crate::report::FRONTIER_HEADER.join(",")));
        assert!(!is_frontier("point,dialer.agents,replications,cost_currency,abandon_rate_mean,abandon_rate_ci"));
    }

    fn point(target: f64, abandon: f64, occupancy: f64, compliant: bool) -> FrontierPoint {
        let e = |m: f64| Est { mean: m, lo: m - 0.02, hi: m + 0.02 };
        FrontierPoint {
            pacer: "model".into(),
            agents: "10".into(),
            target,
            compliant,
            limit: 0.03,
            abandon: e(abandon),
            worst_day: abandon,
            occupancy: e(occupancy),
            contacts: e(10.0),
        }
    }

    #[test]
    fn the_frontier_axes_fit_the_points_and_the_limit() {
        // The case: points between 1.5 and 2.5 % abandonment, 40-45 % occupancy, a 3 % limit.
        let points = [point(0.01, 0.015, 0.40, true), point(0.02, 0.02, 0.43, true), point(0.03, 0.025, 0.45, true)];
        let ((x0, x1, _), (y0, y1, _)) = ranges(&points, Some(0.03));
        assert!(x0 <= 1.5 && x1 >= 3.0, "the points and the limit are on the axis: {x0}..{x1}");
        assert!((3.0 - 1.5) / (x1 - x0) >= 0.5, "the points fill at least half the axis: {x0}..{x1}");
        assert!(y0 <= 40.0 && y1 >= 45.0 && (45.0 - 40.0) / (y1 - y0) >= 0.4, "occupancy axis {y0}..{y1}");
        // A point far beyond (a lifted cap abandoning nearly every call) does not squeeze the rest.
        let mut far = points.to_vec();
        far.push(point(0.05, 0.99, 0.28, false));
        let ((_, x1, _), _) = ranges(&far, Some(0.03));
        assert!(x1 < 10.0, "the outlier stretched the axis to {x1} %");
    }

    #[test]
    fn every_frontier_point_is_labelled_with_its_target_and_an_outlier_with_its_value() {
        let points = [point(0.01, 0.015, 0.40, true), point(0.02, 0.02, 0.43, true), point(0.05, 0.99, 0.28, false)];
        let svg = chart(&points, "10", &["model".to_string()], Some(0.03));
        let labels: Vec<&str> = svg
            .split("<text class=\"target\"")
            .skip(1)
            .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(l, _)| l))
            .collect();
        assert_eq!(labels, ["1 %", "2 %", "5 % → 99.00 %"]);
    }
}
