//! The page: one self-contained HTML document (inline CSS and SVG, no script, no external reference), laid out
//! for a laptop screen and for A4 paper. Every string that comes from the inputs is escaped here.

use std::fmt::Write;

use super::charts::{self, pct};
pub(crate) use super::format::esc;
use super::format::{Unit, bare, label_in, meta, thousands, value};
use super::{Context, Est, IntervalRow, Report, Section, Verdict};
use crate::foundation::error::Param;

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d1d1f; background: #f3f4f6; }
main { max-width: 1120px; margin: 0 auto; padding: 20px 24px 40px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
.meta { color: #555; margin: 0; overflow-wrap: anywhere; }
section { background: #fff; border: 1px solid #dcdfe4; border-radius: 8px; padding: 16px 20px; margin-top: 18px; }
h2 { margin: 0 0 8px; font-size: 20px; overflow-wrap: anywhere; }
h3 { margin: 18px 0 6px; font-size: 16px; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(250px, 100%), 1fr)); gap: 2px 16px; margin: 8px 0; }
dl.facts div { display: flex; gap: 6px; min-width: 0; }
dl.facts dt { color: #666; } dl.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; min-width: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(200px, 100%), 1fr)); gap: 10px; margin: 10px 0; }
.card { border: 1px solid #e1e4e8; border-radius: 6px; padding: 8px 10px; }
.card .k { color: #555; font-size: 13px; } .card .v { font-size: 21px; font-weight: 650; } .card .ci { color: #555; font-size: 12.5px; }
.verdict { border-radius: 6px; padding: 10px 14px; margin: 10px 0; font-weight: 600; }
.verdict.pass { background: #e6f4ea; border: 1px solid #34a853; color: #12501f; }
.verdict.fail { background: #fdecea; border: 1px solid #d93025; color: #7a1410; }
.verdict.unknown { background: #fff7e0; border: 1px solid #f0b400; color: #5c4500; }
.verdict p { margin: 4px 0 0; font-weight: 400; }
figure { margin: 10px 0; min-width: 0; } figcaption { color: #444; font-size: 13px; margin-bottom: 4px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(420px, 100%), 1fr)); gap: 4px 18px; }
.kpis.wide { grid-template-columns: 1fr; }
svg.chart { width: 100%; height: auto; display: block; font-family: system-ui, Arial, sans-serif; }
.facets { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(420px, 100%), 1fr)); gap: 8px; }
.scroll { overflow-x: auto; max-width: 100%; }
.wide-chart { min-width: 720px; } /* a wide chart of small text: it scrolls on a narrow screen */
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0; }
th, td { text-align: right; padding: 3px 8px; border-bottom: 1px solid #eceef1; white-space: nowrap; }
th:first-child, td:first-child, td:last-child code { text-align: left; }
thead th { background: #f6f7f9; }
.fold > input { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
.fold > label { display: inline-block; cursor: pointer; color: #333; margin-top: 8px; }
.fold > label::before { content: "\25B8\00A0"; }
.fold > input:checked + label::before { content: "\25BE\00A0"; }
.fold > input:focus-visible + label { outline: 2px solid #1f77b4; }
.fold > input:not(:checked) ~ .folded { display: none; }
.note { color: #555; font-size: 13px; }
footer { color: #666; font-size: 12.5px; margin-top: 18px; }
@media (max-width: 640px) {
  main { padding: 12px 8px 24px; }
  section { padding: 12px 10px; }
  header h1 { font-size: 22px; }
}
@page { size: A4; margin: 12mm; }
@media print {
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  section { border: none; padding: 0; margin: 0 0 8mm; break-before: page; }
  section:first-of-type { break-before: auto; }
  figure, .card, .verdict, tr { break-inside: avoid; }
  .facets, .kpis { grid-template-columns: 1fr 1fr; } .kpis.wide { grid-template-columns: 1fr; }
  .fold > label::before { content: none; }
  .fold > input ~ .folded { display: block !important; }
  .scroll { overflow: visible; } .wide-chart { min-width: 0; }
  table { font-size: 7.5pt; width: 100%; }
  th, td { padding: 2px 3px; } th { white-space: normal; }
  /* A value stays on one line (a PDF's text then holds it whole); a half-width may go to the next. */
  td .hw { white-space: normal; }
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
        esc(&report.sections.iter().map(|s| report.text(&ctx(s).source)).collect::<Vec<_>>().join(", "))
    );
    let shown = report.shown();
    if report.sections.is_empty() {
        h.push_str("<section><p>Nothing to report.</p></section>\n");
    }
    for s in &report.sections {
        h.push_str("<section>\n");
        match s {
            Section::Run { ctx, kpis, intervals, verdict } => {
                run(&mut h, report, ctx, kpis, intervals, verdict, &shown)
            }
            Section::Replications { ctx, n, kpis } => replications(&mut h, report, ctx, *n, kpis, &shown),
            Section::Sweep { ctx, keys, replications, points } => {
                super::sweep::render(&mut h, report, ctx, keys, replications, points, &shown)
            }
            Section::Frontier { ctx, replications, points } => {
                super::frontier::render(&mut h, report, ctx, replications, points)
            }
            Section::Compare { ctx, a, b, differences, rows } => {
                super::compare::render(&mut h, report, ctx, (a, b), differences, rows)
            }
        }
        h.push_str("</section>\n");
    }
    let _ = write!(
        h,
        "<footer>dialsim {version}. Intervals are 95 % t-intervals over replications; rates are shown as \
         percentages, their differences in percentage points (pp); costs in the scenario's currency. This page is \
         self-contained: no script, no font or image from elsewhere; printed, it opens every table.</footer>\n</main>\n</body>\n</html>\n"
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

/// The facts of a section of `report`: where it came from, the scenario and the seed.
pub(super) fn facts(h: &mut String, report: &Report, c: &Context, extra: &[(&str, String)], varied: &[String]) {
    let mut rows: Vec<(&str, String)> = vec![("source", report.text(&c.source))];
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
    if let Some(cur) = c.currency() {
        rows.push(("costs in", cur.to_string()));
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

pub(crate) fn window(r: &crate::jurisdiction::Rules) -> &'static str {
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
                "<div class=\"verdict fail\">Audit: {} violations in {} calls</div>\n<div class=\"scroll\"><table><thead><tr><th>rule</th>\
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
            h.push_str("</tbody></table></div>\n");
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
pub(super) fn mean_verdict(h: &mut String, worst: f64, what: &str) {
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

fn run(
    h: &mut String,
    report: &Report,
    c: &Context,
    kpis: &[(String, f64)],
    intervals: &[IntervalRow],
    v: &Verdict,
    shown: &[&str],
) {
    let _ = writeln!(
        h,
        "<h2>Run{}</h2>",
        c.scenario.as_ref().map(|s| format!(": {}", esc(&s.run.name))).unwrap_or_default()
    );
    facts(h, report, c, &[], &[]);
    verdict_html(h, v);
    let cur = c.currency();
    let get = |k: &str| kpis.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
    h.push_str("<div class=\"cards\">");
    for k in shown {
        if let Some(x) = get(k) {
            let _ = write!(
                h,
                "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>",
                esc(&label_in(k, cur)),
                esc(&value(k, x, cur))
            );
        }
    }
    let replications = esc(&report.text(&Param::Replications.into()));
    let _ = writeln!(
        h,
        "</div>\n<p class=\"note\">One run has no interval: add <code>{replications} N</code> for 95 % intervals.</p>"
    );
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
        // Three panels of small text: on a phone they scroll sideways rather than shrink past reading.
        h.push_str("<div class=\"scroll\"><div class=\"wide-chart\">");
        h.push_str(&charts::profile(intervals, target, limit));
        h.push_str("</div></div></figure>\n");
    }
    kpi_table(h, cur, kpis.iter().map(|(k, v)| (k.as_str(), value(k, *v, cur), String::new())), false);
}

/// A table the reader may fold away on screen and that prints unfolded: a checkbox and CSS (the page has no
/// script, and a closed `<details>` prints closed). `open` is its state on screen at first; the table scrolls
/// sideways in its own box on a narrow screen.
pub(super) fn foldable(h: &mut String, title: &str, open: bool, table: &str) {
    // Ids numbered in page order: the same report gives the same page.
    let id = h.matches("<div class=\"fold\">").count() + 1;
    let _ = writeln!(
        h,
        "<div class=\"fold\"><input type=\"checkbox\" id=\"fold-{id}\"{}><label for=\"fold-{id}\">{}</label>\
         <div class=\"folded\"><div class=\"scroll\">{table}</div></div></div>",
        if open { " checked" } else { "" },
        esc(title)
    );
}

fn kpi_table<'a>(h: &mut String, cur: Option<&str>, rows: impl Iterator<Item = (&'a str, String, String)>, ci: bool) {
    let mut t = String::from("<table><thead><tr><th>KPI</th><th>value</th>");
    if ci {
        t.push_str("<th>95 % interval</th>");
    }
    t.push_str("<th>name</th></tr></thead><tbody>");
    for (k, v, i) in rows {
        let _ = write!(t, "<tr><td>{}</td><td>{}</td>", esc(&label_in(k, cur)), esc(&v));
        if ci {
            let _ = write!(t, "<td>{}</td>", esc(&i));
        }
        let _ = write!(t, "<td><code>{}</code></td></tr>", esc(k));
    }
    t.push_str("</tbody></table>");
    foldable(h, "Every KPI", true, &t);
}

/// A 95 % interval in the KPI's unit.
pub(super) fn interval(k: &str, e: &Est, cur: Option<&str>) -> String {
    let unit = match meta(k).1 {
        Unit::Percent => " %".to_string(),
        Unit::Seconds => " s".to_string(),
        Unit::Money => cur.map(|c| format!(" {c}")).unwrap_or_default(),
        _ => String::new(),
    };
    format!("[{}, {}]{unit}", bare(k, e.lo), bare(k, e.hi))
}

fn replications(h: &mut String, report: &Report, c: &Context, n: u64, kpis: &[(String, Est)], shown: &[&str]) {
    let _ = writeln!(
        h,
        "<h2>Replications{}</h2>",
        c.scenario.as_ref().map(|s| format!(": {}", esc(&s.run.name))).unwrap_or_default()
    );
    facts(h, report, c, &[("replications", n.to_string())], &[]);
    let cur = c.currency();
    let get = |k: &str| kpis.iter().find(|(n, _)| n == k).map(|(_, e)| *e);
    if let Some(e) = get("violations") {
        mean_verdict(h, e.mean, "each replication's audit of itself (the violations KPI), mean per replication");
    }
    h.push_str("<div class=\"cards\">");
    for k in shown {
        if let Some(e) = get(k) {
            let _ = write!(
                h,
                "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"ci\">95 %: {}</div></div>",
                esc(&label_in(k, cur)),
                esc(&value(k, e.mean, cur)),
                esc(&interval(k, &e, cur))
            );
        }
    }
    h.push_str("</div>\n");
    kpi_table(h, cur, kpis.iter().map(|(k, e)| (k.as_str(), value(k, e.mean, cur), interval(k, e, cur))), true);
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
        use super::super::format::diff;
        assert_eq!(value("abandon_rate", 0.0168, None), "1.68 %");
        assert_eq!(diff("occupancy", -0.05, None), "-5.00 pp");
        assert_eq!(diff("mean_wait_s", 0.0031, None), "+0.0031 s");
        assert_eq!(value("dials", 5688.0, None), "5\u{2009}688");
        assert_eq!(value("dials", 4359.96, None), "4\u{2009}360.0");
    }

    #[test]
    fn every_cost_carries_its_currency() {
        use super::super::format::diff;
        assert_eq!(value("cost_per_consent", 12345.678, Some("EUR")), "12\u{2009}345.68 EUR");
        assert_eq!(value("net_value", -1500.0, Some("CZK")), "−1\u{2009}500.00 CZK");
        assert_eq!(diff("cost_total", 2.5, Some("CZK")), "+2.50 CZK");
        let e = Est { mean: 2.0, lo: 1.0, hi: 3.0 };
        assert_eq!(interval("cost_per_contact", &e, Some("CZK")), "[1.00, 3.00] CZK");
        // Without a recorded currency the label says so rather than showing a bare number as money.
        assert_eq!(label_in("cost_total", None), "cost, total (currency not recorded)");
    }
}
