//! The frontier's section: read from `frontier.csv` (by header), drawn as one panel per agent count —
//! occupancy against realised abandonment, a line per pacer, the profile's limit as a dashed vertical line,
//! points whose target lies above the limit as hollow rings — and the points as a table.

use std::fmt::Write;

use super::page::{esc, facts};
use super::read::{Csv, num};
use super::svg::{Axes, COLORS, Frame, Scale, Svg, legend, nice, percent_ticks};
use super::{Context, Est, Section};
use crate::error::{Error, Result};
use crate::report::export::FRONTIER_HEADER;

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

/// Whether a CSV's first line is a `frontier.csv` header.
pub(super) fn is_frontier(first_line: &str) -> bool {
    first_line.starts_with("point,pacer,agents,target,")
}

/// A frontier's section from `frontier.csv`.
pub(super) fn read(ctx: Context, bytes: &[u8], name: &str) -> Result<Section> {
    let csv = Csv::parse(bytes, name)?;
    // Every column but `point`, in FRONTIER_HEADER's order (the indices below count from `pacer`).
    let c = csv.need_all(&FRONTIER_HEADER[1..], name)?;
    let est = |r: &[String], i: usize| Est { mean: num(&r[c[i]]), lo: num(&r[c[i + 1]]), hi: num(&r[c[i + 2]]) };
    let mut points = Vec::new();
    for (line, r) in csv.rows.iter().enumerate() {
        let compliant = match r[c[3]].as_str() {
            "true" => true,
            "false" => false,
            other => {
                return Err(Error::input(
                    name,
                    Some(line as u64 + 2),
                    format!("compliant is '{other}', not true or false"),
                ));
            }
        };
        points.push(FrontierPoint {
            pacer: r[c[0]].clone(),
            agents: r[c[1]].clone(),
            target: num(&r[c[2]]),
            compliant,
            limit: num(&r[c[4]]),
            abandon: est(r, 6),
            worst_day: num(&r[c[9]]),
            occupancy: est(r, 10),
            contacts: est(r, 13),
        });
    }
    let replications = csv.rows.first().map(|r| r[c[5]].clone()).unwrap_or_default();
    Ok(Section::Frontier { ctx, replications, points })
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
pub(super) fn render(h: &mut String, c: &Context, reps: &str, points: &[FrontierPoint]) {
    h.push_str("<h2>Efficiency frontier: occupancy against abandonment</h2>\n");
    let pacers = distinct(points, |p| &p.pacer);
    let agents = distinct(points, |p| &p.agents);
    let varied: Vec<String> = ["dialer.agents", "dialer.drop_target"].iter().map(|s| s.to_string()).collect();
    facts(
        h,
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
         agents busier for the same compliance cost. The dashed line is the profile's abandonment limit.</p>"
    );
    h.push_str("<figure><figcaption>Agent occupancy against realised abandonment</figcaption><div class=\"facets\">");
    for a in &agents {
        h.push_str(&chart(points, a, &pacers, limit));
    }
    h.push_str("</div></figure>\n");
    h.push_str(
        "<details><summary>Every point</summary><table><thead><tr><th>pacer</th><th>agents</th><th>target</th>\
         <th>compliant</th><th>abandon rate</th><th>worst day</th><th>occupancy</th><th>contacts per agent-hour</th>\
         </tr></thead><tbody>",
    );
    for p in points {
        let _ = write!(
            h,
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
    h.push_str("</tbody></table></details>\n");
}

/// One panel: the points of agent count `agents`, one line per pacer; every panel on the same scales.
fn chart(points: &[FrontierPoint], agents: &str, pacers: &[String], limit: Option<f64>) -> String {
    // The legend: the limit, then the pacers, wrapped into rows that fit the panel (the width per entry is
    // what `legend` advances).
    let (w, left, right, bottom) = (560.0, 64.0, 16.0, 46.0);
    let mut names: Vec<(&str, String, Option<&str>)> = Vec::new();
    if let Some(l) = limit {
        names.push(("#000", format!("limit {}", pc(l)), Some("6 4")));
    }
    for (k, pacer) in pacers.iter().enumerate() {
        if points.iter().any(|p| p.agents == agents && &p.pacer == pacer) {
            names.push((COLORS[k % COLORS.len()], pacer.clone(), None));
        }
    }
    let mut rows: Vec<Vec<(&str, String, Option<&str>)>> = vec![Vec::new()];
    let mut used = 0.0;
    for e in names {
        let width = 30.0 + 6.2 * e.1.chars().count() as f64;
        if used + width > w - left - right && !rows.last().is_some_and(Vec::is_empty) {
            rows.push(Vec::new());
            used = 0.0;
        }
        used += width;
        rows.last_mut().expect("a row").push(e);
    }
    let top = 30.0 + 16.0 * rows.len() as f64;
    let h = 300.0 + top;
    let finite = |v: f64| v.is_finite().then_some(v);
    let xmax = points.iter().filter_map(|p| finite(p.abandon.hi)).chain(limit).fold(0.0, f64::max);
    let ys: Vec<f64> = points.iter().flat_map(|p| [p.occupancy.lo, p.occupancy.hi]).filter(|v| v.is_finite()).collect();
    let (ylo, yhi) = (ys.iter().copied().fold(f64::MAX, f64::min), ys.iter().copied().fold(f64::MIN, f64::max));
    let (x0, x1, xstep) = nice(0.0, 100.0 * xmax * 1.1, 5);
    let (y0, y1, ystep) = nice((100.0 * ylo - 1.0).max(0.0), (100.0 * yhi + 1.0).min(100.0), 5);
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
    for (k, pacer) in pacers.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let mut mine: Vec<&FrontierPoint> = points.iter().filter(|p| p.agents == agents && &p.pacer == pacer).collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by(|a, b| a.target.total_cmp(&b.target));
        let at = |p: &FrontierPoint| (f.x.at(100.0 * p.abandon.mean), f.y.at(100.0 * p.occupancy.mean));
        svg.polyline(&mine.iter().map(|p| at(p)).collect::<Vec<_>>(), color, 1.8, None);
        for p in &mine {
            let (px, py) = at(p);
            // Intervals cut at the frame (a t-interval of a share may reach below 0 or above 100 %).
            if p.occupancy.lo.is_finite() && p.occupancy.hi.is_finite() {
                let (lo, hi) = ((100.0 * p.occupancy.lo).clamp(y0, y1), (100.0 * p.occupancy.hi).clamp(y0, y1));
                svg.line((px, f.y.at(lo)), (px, f.y.at(hi)), color, 1.2, None);
            }
            if p.abandon.lo.is_finite() && p.abandon.hi.is_finite() {
                let (lo, hi) = ((100.0 * p.abandon.lo).clamp(x0, x1), (100.0 * p.abandon.hi).clamp(x0, x1));
                svg.line((f.x.at(lo), py), (f.x.at(hi), py), color, 1.2, None);
            }
            if p.compliant {
                svg.circle(px, py, 3.5, color);
            } else {
                svg.ring(px, py, 4.0, color);
            }
        }
    }
    svg.text((left, 16.0), "start", 12.5, "#222", &title);
    for (i, row) in rows.iter().enumerate() {
        legend(&mut svg, (left, 34.0 + 16.0 * i as f64), row);
    }
    if points.iter().any(|p| !p.compliant && p.agents == agents) {
        svg.text((w - right, 16.0), "end", 11.0, "#444", "hollow: target above the limit (cap lifted)");
    }
    svg.finish()
}
