//! The report's charts: the day profile, a sweep KPI against its first parameter, and the comparison's forest
//! plot. Each returns one inline `<svg>`.

use super::svg::{Axes, COLORS, Entry, Frame, LEGEND_ROW, Scale, Svg, legend, legend_rows, nice, percent_ticks, ticks};
use super::{Est, IntervalRow};

/// A quantity of an interval.
type Metric = fn(&IntervalRow) -> f64;

/// Width of every chart, in user units (the SVG scales to the page).
const W: f64 = 960.0;
/// Left and right margins of the profile's panels (room for both axes' labels and titles).
const MARGIN: (f64, f64) = (72.0, 72.0);

/// The `HH:MM` of an RFC 3339 local time, and its date.
fn clock(start: &str) -> (&str, &str) {
    (start.get(11..16).unwrap_or(start), start.get(0..10).unwrap_or(""))
}

/// x ticks of a profile: whole hours as `HH:MM` (a new day's first slot as `MM-DD HH:MM`), at most 13.
fn time_ticks(rows: &[IntervalRow]) -> Vec<(f64, String)> {
    let mut candidates = Vec::new();
    let mut last_date = "";
    for (i, r) in rows.iter().enumerate() {
        let (hm, date) = clock(&r.start);
        if date != last_date && i > 0 {
            candidates.push((i as f64, format!("{} {hm}", date.get(5..).unwrap_or(date)), true));
        } else if hm.ends_with(":00") || i == 0 {
            candidates.push((i as f64, hm.to_string(), false));
        }
        last_date = date;
    }
    if candidates.len() < 4 {
        // A short day: the half hours too.
        candidates = rows
            .iter()
            .enumerate()
            .filter(|(i, r)| *i == 0 || clock(&r.start).0.ends_with(":00") || clock(&r.start).0.ends_with(":30"))
            .map(|(i, r)| (i as f64, clock(&r.start).0.to_string(), false))
            .collect();
    }
    let step = candidates.len().div_ceil(13).max(1);
    candidates
        .into_iter()
        .enumerate()
        .filter(|(k, c)| c.2 && step == 1 || k % step == 0)
        .map(|(_, c)| (c.0, c.1))
        .collect()
}

/// A vertical axis of a profile panel: its range and tick step (`nice`'s), its title, and whether its ticks
/// are percentages.
struct PanelAxis<'a> {
    range: (f64, f64, f64),
    title: &'a str,
    percent: bool,
}

/// Draws the frame of one of the profile's stacked panels, `h` high, on the shared time scale `xs` with its
/// ticks and title: the left axis, and the right one when given, between the legend (top) and the time axis
/// (bottom).
fn panel(
    svg: &mut Svg,
    (xs, xt, x_title): (Scale, &[(f64, String)], &str),
    h: f64,
    left: PanelAxis,
    right: Option<PanelAxis>,
) -> Frame {
    let scale = |a: &PanelAxis| Scale { lo: a.range.0, hi: a.range.1, p0: h - 46.0, p1: 30.0 };
    let labels = |a: &PanelAxis| {
        let (lo, hi, step) = a.range;
        if a.percent { percent_ticks(lo, hi, step) } else { ticks(lo, hi, step) }
    };
    let f = Frame { x: xs, y: scale(&left), y2: right.as_ref().map(scale) };
    let (yt, y2t) = (labels(&left), right.as_ref().map(labels).unwrap_or_default());
    let y2_title = right.as_ref().map_or("", |a| a.title);
    f.draw(svg, &Axes { x_ticks: xt, y_ticks: &yt, y2_ticks: &y2t, x_title, y_title: left.title, y2_title });
    f
}

/// The day profile as three stacked panels sharing the time axis: calls per 15 minutes; drops (their own
/// scale) with the drop rate against the drop target and the profile's abandonment limit; dial level and
/// occupancy.
pub(crate) fn profile(rows: &[IntervalRow], target: Option<f64>, limit: Option<(f64, &str)>) -> String {
    profile_panels(rows, target, limit).concat()
}

/// The three panels of [`profile`], each one `<svg>`.
pub(crate) fn profile_panels(rows: &[IntervalRow], target: Option<f64>, limit: Option<(f64, &str)>) -> Vec<String> {
    let n = rows.len().max(1) as f64;
    let xt = time_ticks(rows);
    let xs = Scale { lo: 0.0, hi: n, p0: MARGIN.0, p1: W - MARGIN.1 };
    let mid = |i: usize| xs.at(i as f64 + 0.5);
    let mut out = Vec::new();
    // Calls.
    {
        let h = 250.0;
        let mut svg = Svg::new(W, h, "calls per 15 minutes: dials, live answers, connects");
        let ymax = rows.iter().map(|r| r.dials).fold(1.0, f64::max);
        let calls = PanelAxis { range: nice(0.0, ymax, 5), title: "calls per 15 min", percent: false };
        let f = panel(&mut svg, (xs, &xt, "local time (start of each 15 minutes)"), h, calls, None);
        let series: [(&str, Metric); 3] =
            [("dials", |r| r.dials), ("live answers", |r| r.human_answers), ("connects", |r| r.connects)];
        for (k, (_, get)) in series.iter().enumerate() {
            let pts: Vec<(f64, f64)> = rows.iter().enumerate().map(|(i, r)| (mid(i), f.y.at(get(r)))).collect();
            // Live answers and connects are often nearly equal: the answers dashed, drawn over the connects.
            svg.polyline(&pts, COLORS[k], 2.0, (k == 1).then_some("5 3"));
            if rows.len() == 1 {
                svg.circle(pts[0].0, pts[0].1, 3.0, COLORS[k]);
            }
        }
        let entries: Vec<(&str, String, Option<&str>)> = series
            .iter()
            .enumerate()
            .map(|(k, (l, _))| (COLORS[k], l.to_string(), (k == 1).then_some("5 3")))
            .collect();
        legend(&mut svg, (MARGIN.0, 16.0), W - MARGIN.0 - MARGIN.1, &entries);
        out.push(svg.finish());
    }
    // Drops, on their own scale; the rates on the right axis.
    {
        let h = 250.0;
        let mut svg = Svg::new(W, h, "drops per 15 minutes, drop rate, drop target and abandonment limit");
        let dmax = rows.iter().map(|r| r.drops).fold(1.0, f64::max);
        let rate = |d: f64, a: f64| if a > 0.0 { 100.0 * d / a } else { 0.0 };
        let mut cum = (0.0, 0.0, String::new());
        let cumulative: Vec<f64> = rows
            .iter()
            .map(|r| {
                let day = clock(&r.start).1.to_string();
                if day != cum.2 {
                    cum = (0.0, 0.0, day);
                }
                cum.0 += r.drops;
                cum.1 += r.human_answers;
                rate(cum.0, cum.1)
            })
            .collect();
        let per: Vec<f64> = rows.iter().map(|r| rate(r.drops, r.human_answers)).collect();
        // The scale of the day's rate and the lines; a 15-minute rate above it is an arrow at the top.
        let rmax = cumulative
            .iter()
            .copied()
            .chain(target.map(|t| 100.0 * t))
            .chain(limit.map(|l| 100.0 * l.0))
            .fold(1.0, f64::max);
        let rates = nice(0.0, rmax * 1.4, 4);
        let rhi = rates.1;
        let drops = PanelAxis { range: nice(0.0, dmax, 4), title: "drops per 15 min", percent: false };
        let rate = PanelAxis { range: rates, title: "drop rate (drops / live answers)", percent: true };
        let f = panel(&mut svg, (xs, &xt, "local time"), h, drops, Some(rate));
        let y2 = f.y2.expect("set");
        let bw = (xs.at(1.0) - xs.at(0.0)) * 0.7;
        for (i, r) in rows.iter().enumerate() {
            if r.drops > 0.0 {
                let top = f.y.at(r.drops);
                svg.rect(mid(i) - bw / 2.0, top, bw, f.y.at(0.0) - top, "#f4a6a6");
            }
        }
        let pts: Vec<(f64, f64)> = per.iter().enumerate().map(|(i, v)| (mid(i), y2.at(*v))).collect();
        for (p, v) in pts.iter().zip(&per) {
            if *v > rhi {
                svg.arrow(p.0, y2.p1, 2, "#8c1d1d");
            } else {
                svg.circle(p.0, p.1, 2.5, "#8c1d1d");
            }
        }
        let cpts: Vec<(f64, f64)> = cumulative.iter().enumerate().map(|(i, v)| (mid(i), y2.at(*v))).collect();
        svg.polyline(&cpts, "#8c1d1d", 2.0, None);
        let mut entries = vec![
            ("#f4a6a6", "drops (left)".to_string(), None),
            ("#8c1d1d", "drop rate since the day began (right; dots: per 15 min)".to_string(), None),
        ];
        let same = matches!((target, limit), (Some(t), Some((l, _))) if (t - l).abs() < 1e-12);
        if let Some(t) = target {
            let y = y2.at(100.0 * t);
            svg.line((xs.p0, y), (xs.p1, y), COLORS[0], 1.8, Some("6 4"));
            let label = if same { "drop target = abandonment limit" } else { "drop target" };
            entries.push((COLORS[0], format!("{label} {}", pct(t)), Some("6 4")));
        }
        if let Some((l, window)) = limit.filter(|_| !same) {
            let y = y2.at(100.0 * l);
            svg.line((xs.p0, y), (xs.p1, y), "#000", 1.5, Some("2 3"));
            entries.push(("#000", format!("limit {} {window}", pct(l)), Some("2 3")));
        }
        legend(&mut svg, (MARGIN.0, 16.0), W - MARGIN.0 - MARGIN.1, &entries);
        out.push(svg.finish());
    }
    // Dial level and occupancy.
    {
        let h = 230.0;
        let mut svg = Svg::new(W, h, "dial level and agent occupancy per 15 minutes");
        let lmax = rows.iter().map(|r| r.dial_level).fold(1.0, f64::max);
        let level = PanelAxis { range: nice(0.0, lmax, 4), title: "dial level", percent: false };
        let occupancy = PanelAxis { range: (0.0, 100.0, 25.0), title: "agent occupancy", percent: true };
        let f = panel(&mut svg, (xs, &xt, "local time"), h, level, Some(occupancy));
        let y2 = f.y2.expect("set");
        let lv: Vec<(f64, f64)> = rows.iter().enumerate().map(|(i, r)| (mid(i), f.y.at(r.dial_level))).collect();
        let oc: Vec<(f64, f64)> = rows.iter().enumerate().map(|(i, r)| (mid(i), y2.at(100.0 * r.occupancy))).collect();
        svg.polyline(&lv, COLORS[3], 2.0, None);
        svg.polyline(&oc, COLORS[4], 2.0, None);
        legend(
            &mut svg,
            (MARGIN.0, 16.0),
            W - MARGIN.0 - MARGIN.1,
            &[
                (COLORS[3], "dial level, calls per free agent (left)".into(), None),
                (COLORS[4], "occupancy (right)".into(), None),
            ],
        );
        out.push(svg.finish());
    }
    out
}

/// A share as a percentage with a sensible number of decimals.
pub(crate) fn pct(v: f64) -> String {
    let p = 100.0 * v;
    if p == p.round() {
        format!("{p:.0} %")
    } else if p.abs() >= 10.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.2} %")
    }
}

/// One sweep chart (one facet): a KPI against the first parameter, one line per series, 95 % interval bars
/// dodged sideways so that no two series' bars overlap. `x` holds the first parameter's values as written;
/// `numeric` their numbers when all are numbers (then spaced to scale, else evenly as categories).
pub(crate) struct SweepChart<'a> {
    pub title: &'a str,
    pub x_title: &'a str,
    pub y_title: &'a str,
    pub x: &'a [String],
    pub numeric: Option<&'a [f64]>,
    /// (label, points as (index into `x`, estimate in display units)).
    pub series: &'a [(String, Vec<(usize, Est)>)],
    /// The y range shared by the facets of one KPI.
    pub y_range: (f64, f64),
    /// A limit drawn as a dashed horizontal line, in display units, with its legend text (the profile's
    /// abandonment limit on an abandonment chart).
    pub limit: Option<(f64, &'a str)>,
}

pub(crate) fn sweep_chart(c: &SweepChart<'_>, w: f64) -> String {
    let h = 300.0;
    let head = if c.title.is_empty() { 0.0 } else { 18.0 };
    let (left, right, bottom) = (72.0, 16.0, 46.0);
    // The legend: the limit, then the series when there are several; wrapped to the chart's width.
    let mut entries: Vec<Entry<'_>> = Vec::new();
    if let Some((_, text)) = c.limit {
        entries.push(("#000", text.to_string(), Some("6 4")));
    }
    if c.series.len() > 1 {
        entries.extend(c.series.iter().enumerate().map(|(s, (l, _))| (COLORS[s % COLORS.len()], l.clone(), None)));
    }
    let legend_width = w - left - right;
    let legend_h = LEGEND_ROW * legend_rows(&entries, legend_width).len() as f64;
    let top = head + legend_h + 14.0;
    let h = h + legend_h;
    let mut svg = Svg::new(w, h, c.title);
    let pos: Vec<f64> = match c.numeric {
        Some(v) => v.to_vec(),
        None => (0..c.x.len()).map(|i| i as f64).collect(),
    };
    let (xmin, xmax) = pos.iter().fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    let pad = if c.numeric.is_some() { ((xmax - xmin) * 0.1).max(1e-9) } else { 0.5 };
    let (xmin, xmax) = if xmax > xmin { (xmin - pad, xmax + pad) } else { (xmin - 1.0, xmax + 1.0) };
    let (lo, hi, step) = nice(c.y_range.0, c.y_range.1, 5);
    // A KPI that cannot be negative (all zero, say) gets no negative axis.
    let lo = if c.y_range.0 >= 0.0 { lo.max(0.0) } else { lo };
    let f = Frame {
        x: Scale { lo: xmin, hi: xmax, p0: left, p1: w - right },
        y: Scale { lo, hi, p0: h - bottom, p1: top },
        y2: None,
    };
    // Ticks at the values themselves (as written: 10 stays 10), thinned when crowded.
    let every = c.x.len().div_ceil(((w - left - right) / 60.0).max(1.0) as usize).max(1);
    let xt: Vec<(f64, String)> =
        pos.iter().zip(c.x).enumerate().filter(|(i, _)| i % every == 0).map(|(_, (p, l))| (*p, l.clone())).collect();
    let yt = ticks(lo, hi, step);
    f.draw(&mut svg, &Axes::left(&xt, &yt, c.x_title, c.y_title));
    if let Some((l, _)) = c.limit {
        let y = f.y.at(l);
        svg.line((f.x.p0, y), (f.x.p1, y), "#000", 1.5, Some("6 4"));
    }
    // Dodge: the series spread over at most 60 % of the narrowest gap between neighbouring x positions.
    let mut sorted: Vec<f64> = pos.iter().map(|p| f.x.at(*p)).collect();
    sorted.sort_by(f64::total_cmp);
    let gap = sorted.windows(2).map(|w| w[1] - w[0]).fold(w, f64::min);
    let k = c.series.len().max(1) as f64;
    let slot = (gap * 0.6 / k).clamp(2.0, 14.0);
    let cap = (slot * 0.35).min(4.0);
    for (s, (_, pts)) in c.series.iter().enumerate() {
        let color = COLORS[s % COLORS.len()];
        let off = (s as f64 - (k - 1.0) / 2.0) * slot;
        let line: Vec<(f64, f64)> = pts.iter().map(|(i, e)| (f.x.at(pos[*i]) + off, f.y.at(e.mean))).collect();
        // Categories have no order to join: points only.
        if c.numeric.is_some() {
            svg.polyline(&line, color, 1.8, None);
        }
        for ((_, e), (px, py)) in pts.iter().zip(&line) {
            if e.lo.is_finite() && e.hi.is_finite() {
                // An interval reaching below the axis (a t-interval of a KPI that cannot be negative) is cut at
                // the axis and has no cap there.
                let (ylo, yhi) = (f.y.at(e.lo.max(lo)), f.y.at(e.hi.min(hi)));
                svg.line((*px, ylo), (*px, yhi), color, 1.4, None);
                if e.lo >= lo {
                    svg.line((px - cap, ylo), (px + cap, ylo), color, 1.4, None);
                }
                if e.hi <= hi {
                    svg.line((px - cap, yhi), (px + cap, yhi), color, 1.4, None);
                }
            }
            svg.circle(*px, *py, 3.0, color);
        }
    }
    if !c.title.is_empty() {
        svg.text((left, 14.0), "start", 12.5, "#222", c.title);
    }
    legend(&mut svg, (left, head + 14.0), legend_width, &entries);
    svg.finish()
}

/// One row of the forest plot: the KPI's label, B − A relative to A (in %, with its 95 % interval) when A is
/// not zero, and the text beside it.
pub(crate) struct ForestRow {
    pub label: String,
    pub relative: Option<Est>,
    pub text: String,
}

/// The forest plot: B − A as a percentage of A with its 95 % interval, one row per KPI, a line at zero.
pub(crate) fn forest(rows: &[ForestRow]) -> String {
    let row_h = 22.0;
    let (top, bottom) = (34.0, 44.0);
    let h = top + bottom + row_h * rows.len() as f64;
    let mut svg = Svg::new(W, h, "paired differences B − A with 95 % intervals");
    // The axis spans three quarters of the rows' intervals (a KPI whose A is nearly zero has a huge relative
    // interval that would flatten every other row); an interval beyond it ends in an arrow.
    let mut ends: Vec<f64> =
        rows.iter().filter_map(|r| r.relative).map(|e| e.lo.abs().max(e.hi.abs())).filter(|v| v.is_finite()).collect();
    ends.sort_by(f64::total_cmp);
    let ext = ends.get((ends.len() * 3).div_ceil(4).saturating_sub(1)).copied().unwrap_or(1.0).max(1.0) * 1.1;
    let (lo, hi, step) = nice(-ext, ext, 6);
    let x = Scale { lo, hi, p0: 220.0, p1: 620.0 };
    for (v, l) in ticks(lo, hi, step) {
        let px = x.at(v);
        svg.line((px, top - 4.0), (px, h - bottom), if v == 0.0 { "#444" } else { "#e4e4e4" }, 1.0, None);
        svg.text((px, h - bottom + 16.0), "middle", 11.0, "#333", &format!("{l} %"));
    }
    svg.text(
        (x.at(0.0), h - 8.0),
        "middle",
        12.0,
        "#333",
        "B − A, % of A's mean (95 % interval of the paired difference)",
    );
    svg.text((8.0, 18.0), "start", 12.0, "#222", "KPI");
    svg.text((640.0, 18.0), "start", 12.0, "#222", "B − A [95 % interval]");
    for (i, r) in rows.iter().enumerate() {
        let y = top + row_h * (i as f64 + 0.5);
        if i % 2 == 0 {
            svg.rect(0.0, y - row_h / 2.0, W, row_h, "#f6f6f6");
        }
        svg.text((8.0, y + 4.0), "start", 12.0, "#222", &r.label);
        svg.text((640.0, y + 4.0), "start", 11.5, "#222", &r.text);
        if let Some(e) = r.relative.filter(|e| e.lo.is_finite() && e.hi.is_finite()) {
            let clear = e.lo > 0.0 || e.hi < 0.0;
            let color = if clear { "#1f4e99" } else { "#888" };
            let (l, r) = (x.at(e.lo.max(lo)), x.at(e.hi.min(hi)));
            svg.line((l, y), (r, y), color, 2.0, None);
            if e.lo < lo {
                svg.arrow(x.p0, y, -1, color);
            } else {
                svg.line((l, y - 5.0), (l, y + 5.0), color, 1.5, None);
            }
            if e.hi > hi {
                svg.arrow(x.p1, y, 1, color);
            } else {
                svg.line((r, y - 5.0), (r, y + 5.0), color, 1.5, None);
            }
            if (lo..=hi).contains(&e.mean) {
                svg.rect(x.at(e.mean) - 4.0, y - 4.0, 8.0, 8.0, color);
            }
        } else {
            svg.text((x.at(0.0) + 8.0, y + 4.0), "start", 11.0, "#888", "A is 0: no relative difference");
        }
    }
    svg.finish()
}
