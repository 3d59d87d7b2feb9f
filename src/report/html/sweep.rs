//! A sweep's section: one chart per shown KPI against the first varied key (a line per value of the second, a
//! panel per value of the others), the profile's abandonment limit on the abandonment charts, and the points as
//! a table.

use std::fmt::Write;

use super::charts::{self, SweepChart, pct};
use super::format::{Unit, bare, label, label_in, meta, unit_text, value};
use super::page::{esc, facts, foldable, mean_verdict};
use super::{Context, Est, SweepPoint};

/// The distinct values of column `i` of the points, in order of appearance.
fn distinct(points: &[SweepPoint], i: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in points {
        if let Some(v) = p.values.get(i).filter(|v| !out.contains(v)) {
            out.push(v.clone());
        }
    }
    out
}

/// The profile's abandonment limit of the sweep's scenario, with its window, unless the sweep varies what sets
/// it (the profile or the date).
fn limit(c: &Context, keys: &[String]) -> Option<(f64, &'static str)> {
    if keys.iter().any(|k| k == "compliance.profile" || k == "run.start_date") {
        return None;
    }
    let r = c.scenario.as_ref()?.rules_on_day(0);
    Some((r.abandon_limit, super::page::window(&r)))
}

/// The section.
pub(super) fn render(
    h: &mut String,
    report: &super::Report,
    c: &Context,
    keys: &[String],
    reps: &str,
    points: &[SweepPoint],
    shown: &[&str],
) {
    let _ = writeln!(h, "<h2>Sweep over {}</h2>", esc(&keys.join(" × ")));
    facts(h, report, c, &[("points", points.len().to_string()), ("replications per point", reps.to_string())], keys);
    let cur = c.currency();
    if let Some(worst) = points
        .iter()
        .filter_map(|p| p.kpis.iter().find(|(k, _)| k == "violations"))
        .map(|(_, e)| e.mean)
        .reduce(f64::max)
    {
        mean_verdict(
            h,
            worst,
            "every replication's audit of itself (the violations KPI), mean per replication at the worst point",
        );
    }
    let xs = distinct(points, 0);
    let numeric: Option<Vec<f64>> = xs.iter().map(|x| x.parse::<f64>().ok().filter(|v| v.is_finite())).collect();
    let lines = if keys.len() > 1 { distinct(points, 1) } else { vec![String::new()] };
    // Facets: every combination of the third and later parameters, in order of appearance.
    let mut facets: Vec<Vec<String>> = Vec::new();
    for p in points {
        let f = p.values.get(2..).unwrap_or_default().to_vec();
        if !facets.contains(&f) {
            facets.push(f);
        }
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">Each chart: a KPI's mean against {}{}{}, with 95 % interval bars (common random numbers across points).</p>",
        esc(&keys[0]),
        if keys.len() > 1 { format!(", one line per value of {}", esc(&keys[1])) } else { String::new() },
        if keys.len() > 2 {
            format!(", one panel per value of {}", esc(&keys[2..].join(" × ")))
        } else {
            String::new()
        }
    );
    let present: Vec<&str> =
        shown.iter().copied().filter(|k| points.first().is_some_and(|p| p.kpis.iter().any(|(n, _)| n == k))).collect();
    let scale = |k: &str, v: f64| if meta(k).1 == Unit::Percent { 100.0 * v } else { v };
    let limit = limit(c, keys);
    // One KPI per figure; figures two abreast, or one per row when each holds a row of facets.
    let _ = write!(h, "<div class=\"{}\">", if facets.len() > 1 { "kpis wide" } else { "kpis" });
    for k in &present {
        let k = *k;
        let est = |p: &SweepPoint| p.kpis.iter().find(|(n, _)| n == k).map(|(_, e)| *e);
        let all: Vec<f64> =
            points.iter().filter_map(est).flat_map(|e| [e.lo, e.hi, e.mean]).filter(|v| v.is_finite()).collect();
        let y_range = (all.iter().copied().fold(f64::MAX, f64::min), all.iter().copied().fold(f64::MIN, f64::max));
        // A KPI whose every mean is at least zero (a count, a share, a time, a cost) starts its axis at zero at
        // the lowest, however far a t-interval reaches below (a net value in money may be negative), and a share
        // stops at 100 %.
        let top = if meta(k).1 == Unit::Percent { 100.0 } else { f64::MAX };
        let negative = points.iter().filter_map(est).any(|e| e.mean < 0.0);
        let bottom = if negative { f64::MIN } else { 0.0 };
        let y_range = (scale(k, y_range.0.min(y_range.1)).max(bottom), scale(k, y_range.1.max(y_range.0)).min(top));
        let limit_line = limit
            .filter(|_| crate::sim::kpi::LIMITED.contains(&k))
            .map(|(l, window)| (100.0 * l, format!("limit {} {window}", pct(l))));
        let y_range = match &limit_line {
            Some((l, _)) => (y_range.0.min(*l), y_range.1.max(*l)),
            None => y_range,
        };
        let unit = unit_text(k, cur);
        let y_title = if unit.is_empty() { label(k) } else { format!("{}, {unit}", label(k)) };
        let caption = label_in(k, cur);
        if facets.len() > 1 {
            let _ = write!(h, "<figure><figcaption>{}</figcaption><div class=\"facets\">", esc(&caption));
        } else {
            let _ = write!(h, "<figure><figcaption>{}</figcaption>", esc(&caption));
        }
        for f in &facets {
            let series: Vec<(String, Vec<(usize, Est)>)> = lines
                .iter()
                .map(|line| {
                    let pts = points
                        .iter()
                        .filter(|p| p.values.get(2..).unwrap_or_default() == f.as_slice())
                        .filter(|p| keys.len() < 2 || p.values.get(1) == Some(line))
                        .filter_map(|p| {
                            let i = xs.iter().position(|x| Some(x) == p.values.first())?;
                            let e = est(p)?;
                            Some((i, Est { mean: scale(k, e.mean), lo: scale(k, e.lo), hi: scale(k, e.hi) }))
                        })
                        .collect();
                    let name = if keys.len() > 1 { format!("{} = {line}", keys[1]) } else { String::new() };
                    (name, pts)
                })
                .collect();
            let title = if f.is_empty() {
                String::new()
            } else {
                let parts: Vec<String> = keys[2..].iter().zip(f).map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{} — {}", label(k), parts.join(", "))
            };
            h.push_str(&charts::sweep_chart(
                &SweepChart {
                    title: &title,
                    x_title: &keys[0],
                    y_title: &y_title,
                    x: &xs,
                    numeric: numeric.as_deref(),
                    series: &series,
                    y_range,
                    limit: limit_line.as_ref().map(|(v, l)| (*v, l.as_str())),
                },
                560.0,
            ));
        }
        h.push_str(if facets.len() > 1 { "</div></figure>\n" } else { "</figure>\n" });
    }
    h.push_str("</div>\n");
    // The points as a table: a value with its 95 % half-width.
    let mut t = String::from("<table><thead><tr>");
    for k in keys {
        let _ = write!(t, "<th>{}</th>", esc(k));
    }
    for k in &present {
        let _ = write!(t, "<th>{}</th>", esc(&label_in(k, cur)));
    }
    t.push_str("</tr></thead><tbody>");
    for p in points {
        t.push_str("<tr>");
        for v in &p.values {
            let _ = write!(t, "<td>{}</td>", esc(v));
        }
        for k in &present {
            if let Some((_, e)) = p.kpis.iter().find(|(n, _)| n == k) {
                let _ = write!(
                    t,
                    "<td>{}<span class=\"hw\"> ±\u{a0}{}</span></td>",
                    esc(&value(k, e.mean, cur)),
                    esc(&bare(k, (e.hi - e.lo) / 2.0))
                );
            } else {
                t.push_str("<td></td>");
            }
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    foldable(h, "Every point", false, &t);
}
