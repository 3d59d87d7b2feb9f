//! SVG charts (plotters): a KPI against a swept parameter with 95 % CI bars, and the day profile of a run.

use std::path::Path;

use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::sim::Interval;

/// A quantity of an interval.
type Metric = fn(&Interval) -> f64;

/// One line of a sweep chart: a label and points (x, mean, ci low, ci high).
pub type Series = (String, Vec<(f64, f64, f64, f64)>);

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

fn plot_err<E: std::fmt::Display>(path: &Path) -> impl Fn(E) -> Error + '_ {
    move |e| Error::Invalid(format!("plotting {}: {e}", path.display()))
}

/// A chart of `kpi` against `x_label`, one line per series, with 95 % confidence bars.
pub fn sweep_svg(path: &Path, title: &str, x_label: &str, kpi: &str, series: &[Series]) -> Result<()> {
    let err = plot_err(path);
    let points = series.iter().flat_map(|(_, p)| p.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, _, lo, hi) in points {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(lo);
        y1 = y1.max(hi);
    }
    if x0 > x1 {
        return Err(Error::Invalid("nothing to plot".into()));
    }
    let pad_x = ((x1 - x0) * 0.05).max(0.5);
    let pad_y = ((y1 - y0) * 0.1).max(1e-6);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(&err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d((x0 - pad_x)..(x1 + pad_x), (y0 - pad_y)..(y1 + pad_y))
            .map_err(&err)?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_desc(format!("{kpi} (mean, 95 % CI)"))
            .axis_desc_style(("sans-serif", 16))
            .draw()
            .map_err(&err)?;
        for (i, (label, pts)) in series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            chart
                .draw_series(LineSeries::new(pts.iter().map(|&(x, m, _, _)| (x, m)), color.stroke_width(2)))
                .map_err(&err)?
                .label(label.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
            chart
                .draw_series(pts.iter().map(|&(x, m, lo, hi)| ErrorBar::new_vertical(x, lo, m, hi, color.filled(), 10)))
                .map_err(&err)?;
        }
        if series.len() > 1 || !series[0].0.is_empty() {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .label_font(("sans-serif", 14))
                .draw()
                .map_err(&err)?;
        }
        root.present().map_err(&err)?;
    }
    save(path, &svg)
}

/// Writes an SVG through a temporary name.
fn save(path: &Path, svg: &str) -> Result<()> {
    use std::io::Write;
    let mut file = crate::output::AtomicFile::create(path, crate::output::Privacy::Public)?;
    file.write_all(svg.as_bytes()).map_err(|e| Error::io(path, e))?;
    file.commit()
}

/// The day profile: dials, connects and drops per 15 minutes (top), dial level and occupancy (bottom).
pub fn profile_svg(path: &Path, title: &str, intervals: &[Interval]) -> Result<()> {
    let err = plot_err(path);
    if intervals.is_empty() {
        return Err(Error::Invalid("no intervals to plot".into()));
    }
    let hours = |i: &Interval| i.start_ms.as_f64() / 3_600_000.0;
    let (h0, h1) = (hours(&intervals[0]), hours(intervals.last().expect("not empty")) + 0.25);
    let ymax = intervals.iter().map(|i| i.dials).max().unwrap_or(1).max(1) as f64 * 1.1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 720)).into_drawing_area();
        root.fill(&WHITE).map_err(&err)?;
        let root = root.titled(title, ("sans-serif", 22)).map_err(&err)?;
        let (top, bottom) = root.split_vertically(380);
        let mut chart = ChartBuilder::on(&top)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(h0..h1, 0.0..ymax)
            .map_err(&err)?;
        chart
            .configure_mesh()
            .x_desc("hour of day 0 (and following days)")
            .y_desc("calls per 15 minutes")
            .axis_desc_style(("sans-serif", 15))
            .draw()
            .map_err(&err)?;
        let lines: [(&str, Metric); 3] =
            [("dials", |i| i.dials as f64), ("connects", |i| i.connects as f64), ("drops", |i| i.drops as f64)];
        for (k, (label, f)) in lines.iter().enumerate() {
            let color = COLORS[k];
            chart
                .draw_series(LineSeries::new(intervals.iter().map(|i| (hours(i) + 0.125, f(i))), color.stroke_width(2)))
                .map_err(&err)?
                .label(*label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        }
        chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).draw().map_err(&err)?;
        let lmax = intervals.iter().map(|i| i.dial_level).fold(1.0, f64::max) * 1.1;
        let mut chart = ChartBuilder::on(&bottom)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .right_y_label_area_size(64)
            .build_cartesian_2d(h0..h1, 0.0..lmax)
            .map_err(&err)?
            .set_secondary_coord(h0..h1, 0.0..100.0);
        chart
            .configure_mesh()
            .x_desc("hour")
            .y_desc("dial level (calls per free agent)")
            .axis_desc_style(("sans-serif", 15))
            .draw()
            .map_err(&err)?;
        chart.configure_secondary_axes().y_desc("agent occupancy, %").draw().map_err(&err)?;
        let (c0, c1) = (COLORS[3], COLORS[4]);
        chart
            .draw_series(LineSeries::new(
                intervals.iter().map(|i| (hours(i) + 0.125, i.dial_level)),
                c0.stroke_width(2),
            ))
            .map_err(&err)?
            .label("dial level")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c0.stroke_width(2)));
        chart
            .draw_secondary_series(LineSeries::new(
                intervals.iter().map(|i| (hours(i) + 0.125, 100.0 * i.occupancy())),
                c1.stroke_width(2),
            ))
            .map_err(&err)?
            .label("occupancy %")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c1.stroke_width(2)));
        chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).draw().map_err(&err)?;
        root.present().map_err(&err)?;
    }
    save(path, &svg)
}

/// The efficiency frontier: occupancy (y, %) against realised abandonment (x, %), one panel per agent count
/// and one line per pacer, each point with its 95 % intervals both ways; a point whose target lies above the
/// profile's limit (`compliant` false) is a hollow ring; the limit is a dashed vertical line in every panel.
pub fn frontier_svg(path: &Path, title: &str, curves: &[crate::analysis::Curve], limit: Option<f64>) -> Result<()> {
    let err = plot_err(path);
    if curves.iter().all(|c| c.points.is_empty()) {
        return Err(Error::Invalid("nothing to plot".into()));
    }
    let mut agents: Vec<u32> = Vec::new();
    let mut pacers: Vec<&str> = Vec::new();
    for c in curves {
        if !agents.contains(&c.agents) {
            agents.push(c.agents);
        }
        if !pacers.contains(&c.pacer.as_str()) {
            pacers.push(&c.pacer);
        }
    }
    // Every panel on the same scales, so panels compare at a glance; the limit always in view.
    let pts = curves.iter().flat_map(|c| c.points.iter());
    let (mut x1, mut y0, mut y1) = (limit.unwrap_or(0.0), f64::MAX, f64::MIN);
    for p in pts {
        x1 = x1.max(p.abandon_rate.ci95_high);
        y0 = y0.min(p.occupancy.ci95_low);
        y1 = y1.max(p.occupancy.ci95_high);
    }
    let (x1, y0, y1) = (100.0 * x1 * 1.1 + 1e-6, (100.0 * y0 - 2.0).max(0.0), (100.0 * y1 + 2.0).min(100.0));
    let cols = agents.len().min(3);
    let rows = agents.len().div_ceil(cols);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (460 * cols as u32, 40 + 420 * rows as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(&err)?;
        let root = root.titled(title, ("sans-serif", 20)).map_err(&err)?;
        let panels = root.split_evenly((rows, cols));
        for (panel, &a) in panels.iter().zip(&agents) {
            let mut chart = ChartBuilder::on(panel)
                .caption(format!("{a} agents"), ("sans-serif", 16))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(60)
                .build_cartesian_2d(0.0..x1, y0..y1)
                .map_err(&err)?;
            chart
                .configure_mesh()
                .x_desc("realised abandonment, % of live answers")
                .y_desc("agent occupancy, %")
                .axis_desc_style(("sans-serif", 14))
                .draw()
                .map_err(&err)?;
            if let Some(l) = limit {
                let l = 100.0 * l;
                chart
                    .draw_series(DashedLineSeries::new([(l, y0), (l, y1)], 6, 4, BLACK.stroke_width(1)))
                    .map_err(&err)?
                    .label(format!("profile's limit {l:.1} %"))
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(1)));
            }
            for c in curves.iter().filter(|c| c.agents == a) {
                let k = pacers.iter().position(|p| *p == c.pacer).unwrap_or(0);
                let color = COLORS[k % COLORS.len()];
                let xy = |p: &crate::analysis::CurvePoint| (100.0 * p.abandon_rate.mean, 100.0 * p.occupancy.mean);
                chart
                    .draw_series(LineSeries::new(c.points.iter().map(xy), color.stroke_width(2)))
                    .map_err(&err)?
                    .label(c.pacer.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
                for p in &c.points {
                    let (x, y) = xy(p);
                    // Intervals cut at the frame (a t-interval of a share may pass 0 or 100 %).
                    let (alo, ahi) =
                        ((100.0 * p.abandon_rate.ci95_low).max(0.0), (100.0 * p.abandon_rate.ci95_high).min(x1));
                    let (olo, ohi) = ((100.0 * p.occupancy.ci95_low).max(y0), (100.0 * p.occupancy.ci95_high).min(y1));
                    chart
                        .draw_series([ErrorBar::new_vertical(x, olo, y, ohi, color.stroke_width(1), 6)])
                        .map_err(&err)?;
                    chart
                        .draw_series([ErrorBar::new_horizontal(y, alo, x, ahi, color.stroke_width(1), 6)])
                        .map_err(&err)?;
                    // Compliant: a filled dot; above the limit: a hollow ring.
                    let style = if p.compliant { color.filled() } else { WHITE.filled() };
                    chart.draw_series([Circle::new((x, y), 5, style)]).map_err(&err)?;
                    if !p.compliant {
                        chart.draw_series([Circle::new((x, y), 5, color.stroke_width(2))]).map_err(&err)?;
                    }
                }
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .label_font(("sans-serif", 12))
                .draw()
                .map_err(&err)?;
        }
        root.present().map_err(&err)?;
    }
    save(path, &svg)
}
