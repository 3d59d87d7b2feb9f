//! The page: one self-contained HTML document (inline CSS and SVG, no script, no external reference), laid out
//! for a laptop screen and for A4 paper. Every string that comes from the inputs is escaped here.

use std::fmt::Write;

use super::charts::{self, ForestRow, SweepChart, pct};
pub(crate) use super::format::esc;
use super::format::{HEADLINE, Unit, bare, diff, label, meta, thousands, value};
use super::{CompareRow, Context, Est, IntervalRow, Report, Section, SweepPoint, Verdict};

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d1d1f; background: #f3f4f6; }
main { max-width: 1120px; margin: 0 auto; padding: 20px 24px 40px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
.meta { color: #555; margin: 0; }
section { background: #fff; border: 1px solid #dcdfe4; border-radius: 8px; padding: 16px 20px; margin-top: 18px; }
h2 { margin: 0 0 8px; font-size: 20px; }
h3 { margin: 18px 0 6px; font-size: 16px; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 2px 16px; margin: 8px 0; }
dl.facts div { display: flex; gap: 6px; }
dl.facts dt { color: #666; } dl.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; margin: 10px 0; }
.card { border: 1px solid #e1e4e8; border-radius: 6px; padding: 8px 10px; }
.card .k { color: #555; font-size: 13px; } .card .v { font-size: 21px; font-weight: 650; } .card .ci { color: #555; font-size: 12.5px; }
.verdict { border-radius: 6px; padding: 10px 14px; margin: 10px 0; font-weight: 600; }
.verdict.pass { background: #e6f4ea; border: 1px solid #34a853; color: #12501f; }
.verdict.fail { background: #fdecea; border: 1px solid #d93025; color: #7a1410; }
.verdict.unknown { background: #fff7e0; border: 1px solid #f0b400; color: #5c4500; }
.verdict p { margin: 4px 0 0; font-weight: 400; }
figure { margin: 10px 0; } figcaption { color: #444; font-size: 13px; margin-bottom: 4px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 4px 18px; }
.kpis.wide { grid-template-columns: 1fr; }
svg.chart { width: 100%; height: auto; display: block; font-family: system-ui, Arial, sans-serif; }
.facets { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0; }
th, td { text-align: right; padding: 3px 8px; border-bottom: 1px solid #eceef1; white-space: nowrap; }
th:first-child, td:first-child, td:last-child code { text-align: left; }
thead th { background: #f6f7f9; }
details summary { cursor: pointer; color: #333; margin-top: 8px; }
.note { color: #555; font-size: 13px; }
footer { color: #666; font-size: 12.5px; margin-top: 18px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  section { border: none; padding: 0; margin: 0 0 8mm; break-before: page; }
  section:first-of-type { break-before: auto; }
  figure, .card, .verdict, tr { break-inside: avoid; }
  .facets, .kpis { grid-template-columns: 1fr 1fr; } .kpis.wide { grid-template-columns: 1fr; }
  details { display: block; } details > summary { display: none; }
}
"#;

/// The whole page of `report`.
pub(crate) fn render(report: &Report) -> String {
    let mut h = String::new();
    let version = env!("CARGO_PKG_VERSION");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>dialsim report</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <header><h1>dialsim report</h1><p class=\"meta\">Made by dialsim {version} from {}.</p></header>\n",
        esc(&report.sections.iter().map(|s| ctx(s).source.clone()).collect::<Vec<_>>().join(", "))
    );
    if report.sections.is_empty() {
        h.push_str("<section><p>Nothing to report.</p></section>\n");
    }
    for s in &report.sections {
        h.push_str("<section>\n");
        match s {
            Section::Run { ctx, kpis, intervals, verdict } => run(&mut h, ctx, kpis, intervals, verdict),
            Section::Replications { ctx, n, kpis } => replications(&mut h, ctx, *n, kpis),
            Section::Sweep { ctx, keys, replications, points } => sweep(&mut h, ctx, keys, replications, points),
            Section::Frontier { ctx, replications, points } => {
                super::frontier::render(&mut h, ctx, replications, points)
            }
            Section::Compare { ctx, a, b, rows } => compare(&mut h, ctx, a, b, rows),
        }
        h.push_str("</section>\n");
    }
    let _ = write!(
        h,
        "<footer>dialsim {version}. Intervals are 95 % t-intervals over replications; rates are shown as \
         percentages, their differences in percentage points (pp). This page is self-contained: no script, no \
         font or image from elsewhere.</footer>\n</main>\n</body>\n</html>\n"
    );
    h
}

fn ctx(s: &Section) -> &Context {
    match s {
        Section::Run { ctx, .. }
        | Section::Replications { ctx, .. }
        | Section::Sweep { ctx, .. }
        | Section::Frontier { ctx, .. }
        | Section::Compare { ctx, .. } => ctx,
    }
}

/// The facts of a section: where it came from, the scenario and the seed.
pub(super) fn facts(h: &mut String, c: &Context, extra: &[(&str, String)], varied: &[String]) {
    let mut rows: Vec<(&str, String)> = vec![("source", c.source.clone())];
    if let Some(s) = &c.scenario {
        let r = s.rules_on_day(0);
        // A fact a sweep varies is the first point's only: say so instead.
        let fact = |keys: &[&str], v: String| {
            if keys.iter().any(|k| varied.iter().any(|x| x == k)) { "varied".to_string() } else { v }
        };
        rows.push(("scenario", s.run.name.clone()));
        rows.push(("profile", fact(&["compliance.profile"], s.compliance.profile.as_str().to_string())));
        rows.push(("law", fact(&["compliance.profile", "run.start_date"], s.law_summary())));
        rows.push(("purpose", fact(&["compliance.purpose"], format!("{:?}", s.compliance.purpose).to_lowercase())));
        for w in s.law_warnings() {
            rows.push(("warning", fact(&["compliance.profile", "run.start_date"], w)));
        }
        rows.push((
            "abandonment limit",
            fact(&["compliance.profile"], format!("{} {}", pct(r.abandon_limit), window(&r))),
        ));
        rows.push(("dialer", fact(&["dialer.mode"], format!("{:?}", s.dialer.mode).to_lowercase())));
        rows.push((
            "agents / lines",
            fact(&["dialer.agents", "dialer.lines"], format!("{} / {}", s.dialer.agents, s.dialer.lines)),
        ));
        rows.push(("drop target", fact(&["dialer.drop_target"], pct(s.dialer.drop_target))));
        rows.push((
            "calling days",
            fact(&["run.days", "run.start_date"], format!("{} from {}", s.run.days, s.run.start_date)),
        ));
        rows.push((
            "hours a day",
            fact(&["run.day_start", "run.day_hours"], format!("{} h from {}", s.run.day_hours, s.run.day_start)),
        ));
        rows.push(("time zone", s.run.time_zone.clone()));
    }
    if let Some(seed) = c.seed {
        rows.push(("seed", seed.to_string()));
    }
    rows.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
    if let Some(v) = &c.version {
        rows.push(("written by dialsim", v.clone()));
    }
    h.push_str("<dl class=\"facts\">");
    for (k, v) in rows {
        let _ = write!(h, "<div><dt>{}</dt><dd>{}</dd></div>", esc(k), esc(&v));
    }
    h.push_str("</dl>\n");
}

fn window(r: &crate::jurisdiction::Rules) -> &'static str {
    match r.window {
        crate::jurisdiction::AbandonWindow::Day => "per 24 h",
        crate::jurisdiction::AbandonWindow::ThirtyDays => "per 30 days",
    }
}

fn verdict_html(h: &mut String, v: &Verdict) {
    match v {
        Verdict::Folder { calls, violations, possibly_known } if violations.is_empty() => {
            let _ = writeln!(
                h,
                "<div class=\"verdict pass\">Audit: no violations<p>dialsim audit re-checked the folder ({} calls) \
                 against its manifest and the profile's rules{}.</p></div>",
                thousands(*calls as i64),
                if *possibly_known > 0 { format!("; {possibly_known} possibly known (Bloom filter)") } else { String::new() }
            );
        }
        Verdict::Folder { calls, violations, .. } => {
            let _ = write!(
                h,
                "<div class=\"verdict fail\">Audit: {} violations in {} calls</div>\n<table><thead><tr><th>rule</th>\
                 <th>call</th><th>where</th><th>detail</th></tr></thead><tbody>",
                violations.len(),
                thousands(*calls as i64)
            );
            for (rule, call, detail, at) in violations.iter().take(50) {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td style=\"text-align:left;white-space:normal\">{}</td></tr>",
                    esc(rule),
                    call.map(|c| c.to_string()).unwrap_or_default(),
                    esc(at.as_deref().unwrap_or("")),
                    esc(detail)
                );
            }
            h.push_str("</tbody></table>\n");
            if violations.len() > 50 {
                let _ = writeln!(h, "<p class=\"note\">The first 50 of {}; `dialsim audit` lists all.</p>", violations.len());
            }
        }
        Verdict::Summary(n) if *n == 0.0 => h.push_str(
            "<div class=\"verdict pass\">Audit: no violations<p>The run's own audit (the summary's \
             <code>violations</code>); run <code>dialsim report</code> on the run folder for the folder audit.</p></div>\n",
        ),
        Verdict::Summary(n) => {
            let _ = writeln!(h, "<div class=\"verdict fail\">Audit: {} violations (the summary's count)</div>", bare("violations", *n));
        }
        Verdict::Failed(why) => {
            let _ = writeln!(h, "<div class=\"verdict unknown\">Audit not run<p>{}</p></div>", esc(why));
        }
    }
}

/// The verdict of replications' own audits: `worst` violations per replication (a mean).
fn mean_verdict(h: &mut String, worst: f64, what: &str) {
    if worst == 0.0 {
        let _ = writeln!(h, "<div class=\"verdict pass\">Audit: no violations<p>From {}.</p></div>", esc(what));
    } else {
        let _ = writeln!(
            h,
            "<div class=\"verdict fail\">Audit: violations found, up to {worst:.2} per replication<p>From {}; \
             run <code>dialsim audit</code> on a run folder for the details.</p></div>",
            esc(what)
        );
    }
}

fn run(h: &mut String, c: &Context, kpis: &[(String, f64)], intervals: &[IntervalRow], v: &Verdict) {
    let _ = writeln!(
        h,
        "<h2>Run{}</h2>",
        c.scenario.as_ref().map(|s| format!(": {}", esc(&s.run.name))).unwrap_or_default()
    );
    facts(h, c, &[], &[]);
    verdict_html(h, v);
    let get = |k: &str| kpis.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
    h.push_str("<div class=\"cards\">");
    for k in HEADLINE {
        if let Some(x) = get(k) {
            let _ = write!(
                h,
                "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>",
                esc(&label(k)),
                value(k, x)
            );
        }
    }
    h.push_str("</div>\n<p class=\"note\">One run has no interval: add <code>--replications N</code> for 95 % intervals.</p>\n");
    if !intervals.is_empty() {
        let target = c.scenario.as_ref().map(|s| s.dialer.drop_target);
        let rules = c.scenario.as_ref().map(|s| s.rules_on_day(0));
        let limit = rules.as_ref().map(|r| (r.abandon_limit, window(r)));
        let machines: f64 = intervals.iter().map(|i| i.machine_drops).sum();
        let _ = write!(
            h,
            "<h3>Day profile</h3><figure><figcaption>Per 15 minutes (from intervals.csv): calls; drops (live persons \
             abandoned) on their own scale with the drop rate, the dialer's drop target and the profile's abandonment \
             limit; dial level and occupancy.{}</figcaption>",
            if machines > 0.0 {
                format!(
                    " Answering machines hung up on after the drop timeout ({machines}) are no abandoned calls and are not drawn."
                )
            } else {
                String::new()
            }
        );
        h.push_str(&charts::profile(intervals, target, limit));
        h.push_str("</figure>\n");
    }
    kpi_table(h, kpis.iter().map(|(k, v)| (k.as_str(), value(k, *v), String::new())), false);
}

fn kpi_table<'a>(h: &mut String, rows: impl Iterator<Item = (&'a str, String, String)>, ci: bool) {
    h.push_str("<details open><summary>Every KPI</summary><table><thead><tr><th>KPI</th><th>value</th>");
    if ci {
        h.push_str("<th>95 % interval</th>");
    }
    h.push_str("<th>name</th></tr></thead><tbody>");
    for (k, v, i) in rows {
        let _ = write!(h, "<tr><td>{}</td><td>{}</td>", esc(&label(k)), esc(&v));
        if ci {
            let _ = write!(h, "<td>{}</td>", esc(&i));
        }
        let _ = write!(h, "<td><code>{}</code></td></tr>", esc(k));
    }
    h.push_str("</tbody></table></details>\n");
}

fn interval(k: &str, e: &Est) -> String {
    let unit = match meta(k).1 {
        Unit::Percent => " %",
        Unit::Seconds => " s",
        _ => "",
    };
    format!("[{}, {}]{unit}", bare(k, e.lo), bare(k, e.hi))
}

fn replications(h: &mut String, c: &Context, n: u64, kpis: &[(String, Est)]) {
    let _ = writeln!(
        h,
        "<h2>Replications{}</h2>",
        c.scenario.as_ref().map(|s| format!(": {}", esc(&s.run.name))).unwrap_or_default()
    );
    facts(h, c, &[("replications", n.to_string())], &[]);
    let get = |k: &str| kpis.iter().find(|(n, _)| n == k).map(|(_, e)| *e);
    if let Some(e) = get("violations") {
        mean_verdict(h, e.mean, "each replication's audit of itself (the violations KPI), mean per replication");
    }
    h.push_str("<div class=\"cards\">");
    for k in HEADLINE {
        if let Some(e) = get(k) {
            let _ = write!(
                h,
                "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"ci\">95 %: {}</div></div>",
                esc(&label(k)),
                value(k, e.mean),
                interval(k, &e)
            );
        }
    }
    h.push_str("</div>\n");
    kpi_table(h, kpis.iter().map(|(k, e)| (k.as_str(), value(k, e.mean), interval(k, e))), true);
}

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

fn sweep(h: &mut String, c: &Context, keys: &[String], reps: &str, points: &[SweepPoint]) {
    let _ = writeln!(h, "<h2>Sweep over {}</h2>", esc(&keys.join(" × ")));
    facts(h, c, &[("points", points.len().to_string()), ("replications per point", reps.to_string())], keys);
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
    let present: Vec<&str> = HEADLINE
        .iter()
        .copied()
        .filter(|k| points.first().is_some_and(|p| p.kpis.iter().any(|(n, _)| n == k)))
        .collect();
    let scale = |k: &str, v: f64| if meta(k).1 == Unit::Percent { 100.0 * v } else { v };
    // One KPI per figure; figures two abreast, or one per row when each holds a row of facets.
    let _ = write!(h, "<div class=\"{}\">", if facets.len() > 1 { "kpis wide" } else { "kpis" });
    for k in present {
        let est = |p: &SweepPoint| p.kpis.iter().find(|(n, _)| n == k).map(|(_, e)| *e);
        let all: Vec<f64> =
            points.iter().filter_map(est).flat_map(|e| [e.lo, e.hi, e.mean]).filter(|v| v.is_finite()).collect();
        let y_range = (all.iter().copied().fold(f64::MAX, f64::min), all.iter().copied().fold(f64::MIN, f64::max));
        // A count, a share or a time is never negative, so the axis starts at zero at the lowest (a net value
        // in money may be), and a share stops at 100 %.
        let top = if meta(k).1 == Unit::Percent { 100.0 } else { f64::MAX };
        let bottom = if meta(k).1 == Unit::Money { f64::MIN } else { 0.0 };
        let y_range = (scale(k, y_range.0.min(y_range.1)).max(bottom), scale(k, y_range.1.max(y_range.0)).min(top));
        let unit = match meta(k).1 {
            Unit::Percent => ", %",
            Unit::Seconds => ", s",
            Unit::PerHour | Unit::Money => "",
            Unit::Count => "",
        };
        let y_title = format!("{}{unit}", label(k));
        if facets.len() > 1 {
            let _ = write!(h, "<figure><figcaption>{}</figcaption><div class=\"facets\">", esc(&label(k)));
        } else {
            let _ = write!(h, "<figure><figcaption>{}</figcaption>", esc(&label(k)));
        }
        let w = 560.0;
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
                },
                w,
            ));
        }
        h.push_str(if facets.len() > 1 { "</div></figure>\n" } else { "</figure>\n" });
    }
    h.push_str("</div>\n");
    // The points as a table.
    h.push_str("<details><summary>Every point</summary><table><thead><tr>");
    for k in keys {
        let _ = write!(h, "<th>{}</th>", esc(k));
    }
    for k in HEADLINE.iter().filter(|k| points.first().is_some_and(|p| p.kpis.iter().any(|(n, _)| n == *k))) {
        let _ = write!(h, "<th>{}</th>", esc(&label(k)));
    }
    h.push_str("</tr></thead><tbody>");
    for p in points {
        h.push_str("<tr>");
        for v in &p.values {
            let _ = write!(h, "<td>{}</td>", esc(v));
        }
        for k in HEADLINE {
            if let Some((_, e)) = p.kpis.iter().find(|(n, _)| n == k) {
                let _ = write!(h, "<td>{} ± {}</td>", esc(&value(k, e.mean)), esc(&bare(k, (e.hi - e.lo) / 2.0)));
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></details>\n");
}

fn compare(h: &mut String, c: &Context, a: &str, b: &str, rows: &[CompareRow]) {
    if (a, b) == ("A", "B") {
        h.push_str("<h2>Comparison: B against A</h2>\n");
    } else {
        let _ = writeln!(h, "<h2>Comparison: {} (B) against {} (A)</h2>", esc(b), esc(a));
    }
    facts(h, c, &[("A", a.to_string()), ("B", b.to_string())], &[]);
    if let Some(r) = rows.iter().find(|r| r.kpi == "violations") {
        mean_verdict(
            h,
            r.a.max(r.b),
            "every replication's audit of itself (the violations KPI), mean per replication of A and of B",
        );
    }
    h.push_str(
        "<h3>Paired differences B − A</h3><figure><figcaption>Each KPI's paired difference as a percentage of A's mean, \
         with its 95 % interval (common random numbers: both sides ran the same seeds). Blue: the interval excludes \
         zero; grey: it does not.</figcaption>",
    );
    let forest: Vec<ForestRow> = rows
        .iter()
        .map(|r| {
            let rel = (r.a != 0.0 && r.a.is_finite()).then(|| {
                let f = 100.0 / r.a.abs();
                Est { mean: r.diff.mean * f, lo: r.diff.lo * f, hi: r.diff.hi * f }
            });
            ForestRow {
                label: label(&r.kpi),
                relative: rel,
                text: format!(
                    "{} [{}, {}]",
                    diff(&r.kpi, r.diff.mean),
                    diff(&r.kpi, r.diff.lo),
                    diff(&r.kpi, r.diff.hi)
                ),
            }
        })
        .collect();
    h.push_str(&charts::forest(&forest));
    h.push_str("</figure>\n<details open><summary>Every KPI</summary><table><thead><tr><th>KPI</th><th>A</th><th>B</th><th>B − A</th><th>95 % interval</th></tr></thead><tbody>");
    for r in rows {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>[{}, {}]</td></tr>",
            esc(&label(&r.kpi)),
            esc(&value(&r.kpi, r.a)),
            esc(&value(&r.kpi, r.b)),
            esc(&diff(&r.kpi, r.diff.mean)),
            esc(&diff(&r.kpi, r.diff.lo)),
            esc(&diff(&r.kpi, r.diff.hi))
        );
    }
    h.push_str("</tbody></table></details>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup_characters() {
        assert_eq!(esc(r#"<script>"a"&'b'</script>"#), "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;");
    }

    #[test]
    fn rates_read_as_percentages_and_differences_as_points() {
        assert_eq!(value("abandon_rate", 0.0168), "1.68 %");
        assert_eq!(diff("occupancy", -0.05), "-5.00 pp");
        assert_eq!(diff("mean_wait_s", 0.0031), "+0.0031 s");
        assert_eq!(value("dials", 5688.0), "5\u{2009}688");
        assert_eq!(value("dials", 4359.96), "4\u{2009}360.0");
    }
}
