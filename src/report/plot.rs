//! The SVG files of run, sweep and frontier folders (`--plot`), drawn by the report's one chart renderer
//! (`html/svg.rs` for the canvas, scales, axes and legends; `html/charts.rs` and `html/frontier.rs` for the
//! charts): the same palette, axes and legends as the HTML report. Each file is one standalone SVG document, the
//! report's panels stacked under a title.

use std::path::Path;

use super::html::{Est, charts, frontier, svg};
use crate::foundation::error::{Error, Result};
use crate::scenario::Scenario;
use crate::sim::RunOutput;

/// One line of a sweep chart: a label and points (x, mean, ci low, ci high).
pub type Series = (String, Vec<(f64, f64, f64, f64)>);

/// A chart of `kpi` against `x_label`, one line per series, with 95 % confidence bars (a rate in %).
pub fn sweep_svg(path: &Path, title: &str, x_label: &str, kpi: &str, series: &[Series]) -> Result<()> {
    let mut xs: Vec<f64> = series.iter().flat_map(|(_, p)| p.iter().map(|q| q.0)).filter(|x| x.is_finite()).collect();
    if xs.is_empty() {
        return Err(Error::Invalid("nothing to plot".into()));
    }
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let percent = crate::sim::kpi::find(kpi).is_some_and(|k| k.unit == crate::sim::kpi::Unit::Percent);
    let scale = if percent { 100.0 } else { 1.0 };
    let lines: Vec<(String, Vec<(usize, Est)>)> = series
        .iter()
        .map(|(label, pts)| {
            let pts = pts
                .iter()
                .filter_map(|&(x, m, lo, hi)| {
                    let i = xs.iter().position(|v| *v == x)?;
                    Some((i, Est { mean: scale * m, lo: scale * lo, hi: scale * hi }))
                })
                .collect();
            (label.clone(), pts)
        })
        .collect();
    let all: Vec<f64> =
        lines.iter().flat_map(|(_, p)| p.iter().flat_map(|(_, e)| [e.lo, e.hi])).filter(|v| v.is_finite()).collect();
    let y_range = (all.iter().copied().fold(f64::MAX, f64::min), all.iter().copied().fold(f64::MIN, f64::max));
    // As in the report: no negative axis for a KPI whose every mean is at least zero (intervals cut there).
    let negative = lines.iter().flat_map(|(_, p)| p.iter()).any(|(_, e)| e.mean < 0.0);
    let y_range = if negative { y_range } else { (y_range.0.max(0.0), y_range.1.max(0.0)) };
    let labels: Vec<String> = xs.iter().map(|x| x.to_string()).collect();
    let y_title = format!("{kpi}{} (mean, 95 % CI)", if percent { ", %" } else { "" });
    let chart = charts::sweep_chart(
        &charts::SweepChart {
            title: "",
            x_title: x_label,
            y_title: &y_title,
            x: &labels,
            numeric: Some(&xs),
            series: &lines,
            y_range,
            limit: None,
        },
        900.0,
    );
    save(path, &svg::document(title, &[chart], 1))
}

/// The day profile of `run` of `scenario`, the report's three panels: calls per 15 minutes; drops with the
/// drop rate, the drop target and the profile's abandonment limit; dial level and occupancy.
pub fn profile_svg(path: &Path, title: &str, scenario: &Scenario, run: &RunOutput) -> Result<()> {
    let rows = super::html::IntervalRow::all_of(scenario, run);
    if rows.is_empty() {
        return Err(Error::Invalid("no intervals to plot".into()));
    }
    let rules = scenario.rules_on_day(0);
    let limit = (rules.abandon_limit, super::html::window(&rules));
    let panels = charts::profile_panels(&rows, Some(scenario.dialer.drop_target), Some(limit));
    save(path, &svg::document(title, &panels, 1))
}

/// The efficiency frontier, the report's panels: occupancy (y, %) against realised abandonment (x, %), one panel
/// per agent count (three abreast) and one line per pacer, each point labelled with its target and drawn with
/// its 95 % intervals both ways; a point whose target lies above the profile's `limit` is a hollow ring; the
/// limit is a dashed vertical line.
pub fn frontier_svg(path: &Path, title: &str, curves: &[crate::analysis::Curve], limit: Option<f64>) -> Result<()> {
    let est = |e: &crate::foundation::stats::Estimate| Est { mean: e.mean, lo: e.ci95_low, hi: e.ci95_high };
    let points: Vec<frontier::FrontierPoint> = curves
        .iter()
        .flat_map(|c| {
            c.points.iter().map(|p| frontier::FrontierPoint {
                pacer: c.pacer.clone(),
                agents: c.agents.to_string(),
                target: p.target,
                compliant: p.compliant,
                limit: limit.unwrap_or(f64::NAN),
                abandon: est(&p.abandon_rate),
                worst_day: f64::NAN,
                occupancy: est(&p.occupancy),
                contacts: Est { mean: f64::NAN, lo: f64::NAN, hi: f64::NAN },
            })
        })
        .collect();
    if points.is_empty() {
        return Err(Error::Invalid("nothing to plot".into()));
    }
    let panels = frontier::panels(&points, limit);
    save(path, &svg::document(title, &panels, 3))
}

/// Writes an SVG through a temporary name.
fn save(path: &Path, svg: &str) -> Result<()> {
    use std::io::Write;
    let mut file = crate::output::AtomicFile::create(path, crate::output::Privacy::Public)?;
    file.write_all(svg.as_bytes()).map_err(|e| Error::io(path, e))?;
    file.commit()
}
