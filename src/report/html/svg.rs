//! Inline SVG by plain string building: a canvas, linear scales with round ticks, and a frame with axes.
//! No `xmlns` (inline SVG in HTML5 needs none) and no external reference of any kind.

use std::fmt::Write;

use super::page::esc;

/// Line colours, told apart in print too.
pub(crate) const COLORS: [&str; 6] = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

/// A linear map from data `lo..hi` to pixels `p0..p1`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub p0: f64,
    pub p1: f64,
}

impl Scale {
    pub fn at(&self, v: f64) -> f64 {
        let span = if self.hi > self.lo { self.hi - self.lo } else { 1.0 };
        self.p0 + (v - self.lo) / span * (self.p1 - self.p0)
    }
}

/// Round bounds and a step (1, 2 or 5 × 10^k) covering `lo..hi` in about `n` steps.
pub(crate) fn nice(lo: f64, hi: f64, n: usize) -> (f64, f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let (lo, hi) =
        if hi - lo < 1e-12 { (lo - 0.5_f64.max(lo.abs() * 0.1), hi + 0.5_f64.max(hi.abs() * 0.1)) } else { (lo, hi) };
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    ((lo / step).floor() * step, (hi / step).ceil() * step, step)
}

/// The ticks `lo, lo + step, … ≤ hi`, labelled with as many decimals as the step needs.
pub(crate) fn ticks(lo: f64, hi: f64, step: f64) -> Vec<(f64, String)> {
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let n = ((hi - lo) / step).round() as i64;
    (0..=n)
        .map(|i| {
            let v = lo + i as f64 * step;
            let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
            (v, format!("{v:.decimals$}"))
        })
        .collect()
}

/// [`ticks`] labelled as percentages (`25 %`).
pub(crate) fn percent_ticks(lo: f64, hi: f64, step: f64) -> Vec<(f64, String)> {
    ticks(lo, hi, step).into_iter().map(|(v, l)| (v, format!("{l} %"))).collect()
}

/// An SVG canvas.
pub(crate) struct Svg {
    buf: String,
}

impl Svg {
    /// A canvas of `w` × `h` user units that scales to its container's width; `label` describes it.
    pub fn new(w: f64, h: f64, label: &str) -> Svg {
        let mut buf = String::new();
        let _ = write!(
            buf,
            r#"<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}">"#,
            esc(label)
        );
        Svg { buf }
    }

    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, width: f64, dash: Option<&str>) {
        let dash = dash.map(|d| format!(r#" stroke-dasharray="{d}""#)).unwrap_or_default();
        let _ = write!(
            self.buf,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}" stroke-width="{width}"{dash}/>"#
        );
    }

    pub fn polyline(&mut self, points: &[(f64, f64)], stroke: &str, width: f64, dash: Option<&str>) {
        if points.len() < 2 {
            return;
        }
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let dash = dash.map(|d| format!(r#" stroke-dasharray="{d}""#)).unwrap_or_default();
        let _ = write!(
            self.buf,
            r#"<polyline points="{}" fill="none" stroke="{stroke}" stroke-width="{width}" stroke-linejoin="round"{dash}/>"#,
            pts.join(" ")
        );
    }

    /// A filled triangle pointing `dir` (+1 right, −1 left, +2 up) with its tip at (x, y): a value beyond the
    /// axis.
    pub fn arrow(&mut self, x: f64, y: f64, dir: i8, fill: &str) {
        let pts = match dir {
            1 => format!("{x:.1},{y:.1} {:.1},{:.1} {:.1},{:.1}", x - 7.0, y - 4.5, x - 7.0, y + 4.5),
            -1 => format!("{x:.1},{y:.1} {:.1},{:.1} {:.1},{:.1}", x + 7.0, y - 4.5, x + 7.0, y + 4.5),
            _ => format!("{x:.1},{y:.1} {:.1},{:.1} {:.1},{:.1}", x - 4.5, y + 7.0, x + 4.5, y + 7.0),
        };
        let _ = write!(self.buf, r#"<polygon points="{pts}" fill="{fill}"/>"#);
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str) {
        let _ = write!(self.buf, r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{fill}"/>"#);
    }

    pub fn circle(&mut self, x: f64, y: f64, r: f64, fill: &str) {
        let _ = write!(self.buf, r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{fill}"/>"#);
    }

    /// A hollow circle (a white disc with a coloured rim): a point drawn apart from the filled ones.
    pub fn ring(&mut self, x: f64, y: f64, r: f64, stroke: &str) {
        let _ = write!(
            self.buf,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="white" stroke="{stroke}" stroke-width="2"/>"#
        );
    }

    /// Text at (x, y); `anchor` is start, middle or end.
    pub fn text(&mut self, (x, y): (f64, f64), anchor: &str, size: f64, fill: &str, text: &str) {
        let _ = write!(
            self.buf,
            r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" font-size="{size}" fill="{fill}">{}</text>"#,
            esc(text)
        );
    }

    /// Text at (x, y) with a `class` (which tests and stylesheets can find).
    pub fn text_class(&mut self, (x, y): (f64, f64), anchor: &str, size: f64, fill: &str, class: &str, text: &str) {
        let _ = write!(
            self.buf,
            r#"<text class="{class}" x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" font-size="{size}" fill="{fill}">{}</text>"#,
            esc(text)
        );
    }

    /// Text turned a quarter left, centred on (x, y): a y axis's title.
    pub fn vtext(&mut self, (x, y): (f64, f64), size: f64, fill: &str, text: &str) {
        let _ = write!(
            self.buf,
            r#"<text transform="translate({x:.1},{y:.1}) rotate(-90)" text-anchor="middle" font-size="{size}" fill="{fill}">{}</text>"#,
            esc(text)
        );
    }

    pub fn finish(mut self) -> String {
        self.buf.push_str("</svg>");
        self.buf
    }
}

/// Panels made by [`Svg`] (each an `<svg>` with its `viewBox`) laid out `columns` abreast under `title`, as one
/// standalone SVG document (with its namespace and a white background): a chart file.
pub(crate) fn document(title: &str, panels: &[String], columns: usize) -> String {
    let size = |p: &str| -> (f64, f64) {
        let view = p.split("viewBox=\"0 0 ").nth(1).and_then(|r| r.split('"').next()).unwrap_or("0 0");
        let mut it = view.split(' ').map(|v| v.parse().unwrap_or(0.0));
        (it.next().unwrap_or(0.0), it.next().unwrap_or(0.0))
    };
    let columns = columns.max(1);
    let head = 34.0;
    let (mut width, mut height, mut row_h, mut x) = (0.0_f64, head, 0.0_f64, 0.0);
    let mut body = String::new();
    for (i, p) in panels.iter().enumerate() {
        if i > 0 && i % columns == 0 {
            (height, x, row_h) = (height + row_h, 0.0, 0.0);
        }
        let (w, h) = size(p);
        body.push_str(&p.replacen("<svg ", &format!("<svg x=\"{x}\" y=\"{height}\" "), 1));
        (x, row_h) = (x + w, row_h.max(h));
        width = width.max(x);
    }
    let height = height + row_h;
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="system-ui, Arial, sans-serif"><rect width="{width}" height="{height}" fill="white"/><text x="12" y="22" font-size="16" fill="#222">{}</text>{body}</svg>"##,
        esc(title)
    );
    out.push('\n');
    out
}

/// A plot area with its scales: the left axis `y`, optionally a right axis `y2`.
pub(crate) struct Frame {
    pub x: Scale,
    pub y: Scale,
    pub y2: Option<Scale>,
}

/// What a frame's axes say.
pub(crate) struct Axes<'a> {
    pub x_ticks: &'a [(f64, String)],
    pub y_ticks: &'a [(f64, String)],
    pub y2_ticks: &'a [(f64, String)],
    pub x_title: &'a str,
    pub y_title: &'a str,
    pub y2_title: &'a str,
}

impl<'a> Axes<'a> {
    /// The axes of a frame without a right-hand axis.
    pub fn left(
        x_ticks: &'a [(f64, String)],
        y_ticks: &'a [(f64, String)],
        x_title: &'a str,
        y_title: &'a str,
    ) -> Self {
        Axes { x_ticks, y_ticks, y2_ticks: &[], x_title, y_title, y2_title: "" }
    }
}

impl Frame {
    /// Grid lines, the axes, their ticks and titles.
    pub fn draw(&self, svg: &mut Svg, a: &Axes<'_>) {
        let (x0, x1, y0, y1) = (self.x.p0, self.x.p1, self.y.p0, self.y.p1);
        for (v, label) in a.y_ticks {
            let y = self.y.at(*v);
            svg.line((x0, y), (x1, y), "#e4e4e4", 1.0, None);
            svg.text((x0 - 6.0, y + 4.0), "end", 11.0, "#333", label);
        }
        if let Some(y2) = &self.y2 {
            for (v, label) in a.y2_ticks {
                svg.text((x1 + 6.0, y2.at(*v) + 4.0), "start", 11.0, "#333", label);
            }
            svg.line((x1, y0), (x1, y1), "#666", 1.0, None);
            svg.vtext((x1 + 50.0, (y0 + y1) / 2.0), 12.0, "#333", a.y2_title);
        }
        for (v, label) in a.x_ticks {
            let x = self.x.at(*v);
            svg.line((x, y0), (x, y0 + 4.0), "#666", 1.0, None);
            svg.text((x, y0 + 17.0), "middle", 11.0, "#333", label);
        }
        svg.line((x0, y0), (x1, y0), "#666", 1.0, None);
        svg.line((x0, y0), (x0, y1), "#666", 1.0, None);
        svg.text(((x0 + x1) / 2.0, y0 + 36.0), "middle", 12.0, "#333", a.x_title);
        svg.vtext((x0 - 50.0, (y0 + y1) / 2.0), 12.0, "#333", a.y_title);
    }
}

/// A legend entry: colour, label, dash pattern (for dashed lines).
pub(crate) type Entry<'a> = (&'a str, String, Option<&'a str>);

/// Height of one legend row.
pub(crate) const LEGEND_ROW: f64 = 16.0;

/// The width a legend entry takes: swatch, gap, label (about 6.2 units a character at 11 units).
fn entry_width(e: &Entry<'_>) -> f64 {
    30.0 + 6.2 * e.1.chars().count() as f64
}

/// The rows of a legend `width` wide: entries in order, a new row when the next does not fit.
pub(crate) fn legend_rows<'e, 'a>(entries: &'e [Entry<'a>], width: f64) -> Vec<&'e [Entry<'a>]> {
    let mut rows = Vec::new();
    let (mut start, mut used) = (0, 0.0);
    for (i, e) in entries.iter().enumerate() {
        let w = entry_width(e);
        if used + w > width && i > start {
            rows.push(&entries[start..i]);
            (start, used) = (i, 0.0);
        }
        used += w;
    }
    if start < entries.len() {
        rows.push(&entries[start..]);
    }
    rows
}

/// A legend from `x` at `y` (the first row's baseline), wrapped into rows `width` wide ([`legend_rows`]): a
/// swatch and a label per entry. Returns the number of rows.
pub(crate) fn legend(svg: &mut Svg, (x0, y): (f64, f64), width: f64, entries: &[Entry<'_>]) -> usize {
    let rows = legend_rows(entries, width);
    for (r, row) in rows.iter().enumerate() {
        let (mut x, y) = (x0, y + LEGEND_ROW * r as f64);
        for e in *row {
            let (color, label, dash) = e;
            svg.line((x, y - 4.0), (x + 18.0, y - 4.0), color, 2.5, *dash);
            svg.text((x + 22.0, y), "start", 11.0, "#222", label);
            x += entry_width(e);
        }
    }
    rows.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_bounds_cover_the_data_with_round_steps() {
        let (lo, hi, step) = nice(0.013, 0.047, 5);
        assert!(lo <= 0.013 && hi >= 0.047);
        assert_eq!(step, 0.01);
        assert_eq!(ticks(lo, hi, step).first().map(|t| t.1.as_str()), Some("0.01"));
        let (_, _, step) = nice(10.0, 30.0, 4);
        assert_eq!(
            ticks(10.0, 30.0, step).iter().map(|t| t.1.as_str()).collect::<Vec<_>>(),
            ["10", "15", "20", "25", "30"]
        );
    }

    #[test]
    fn a_chart_file_stacks_its_panels_in_one_document() {
        let panel = |w, h| Svg::new(w, h, "p").finish();
        let doc = document("t & u", &[panel(100.0, 50.0), panel(100.0, 60.0), panel(80.0, 40.0)], 2);
        assert!(doc.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 134\""), "{doc}");
        assert!(doc.contains("<svg x=\"100\" y=\"34\" ") && doc.contains("<svg x=\"0\" y=\"94\" "), "{doc}");
        assert!(doc.contains(">t &amp; u</text>"));
    }

    #[test]
    fn a_legend_wraps_into_rows_that_fit_its_width() {
        let entries: Vec<Entry<'_>> = (0..8).map(|i| ("#000", format!("dialer.drop_target = 0.0{i}"), None)).collect();
        let rows = legend_rows(&entries, 470.0);
        assert!(rows.len() > 1, "eight long entries in one row");
        assert_eq!(rows.iter().map(|r| r.len()).sum::<usize>(), 8, "an entry lost");
        for r in &rows {
            assert!(r.iter().map(entry_width).sum::<f64>() <= 470.0, "a row wider than the legend");
        }
        // One entry wider than the legend still gets a row of its own.
        assert_eq!(legend_rows(&entries[..1], 10.0).len(), 1);
    }

    #[test]
    fn a_flat_range_is_widened_not_divided_by_zero() {
        let (lo, hi, step) = nice(3.0, 3.0, 5);
        assert!(lo < 3.0 && hi > 3.0 && step > 0.0);
    }
}
