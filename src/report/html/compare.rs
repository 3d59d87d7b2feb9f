//! A comparison's section: A and B described by what sets them apart (every scenario key whose value
//! differs), the forest plot of paired differences, and every KPI as a table.

use std::fmt::Write;

use super::charts::{self, ForestRow};
use super::format::{diff, label_in, value};
use super::page::{esc, facts, foldable, mean_verdict};
use super::{CompareRow, Context, Est};
use crate::scenario::Scenario;

/// How many differences the title names; the rest are in the section's table.
const IN_TITLE: usize = 3;

/// Every scenario key whose value differs between `a` and `b`, as (key, A's value, B's value), in key order.
pub(super) fn differences(a: &Scenario, b: &Scenario) -> Vec<(String, String, String)> {
    let (mut fa, mut fb) = (Vec::new(), Vec::new());
    flatten("", &serde_json::to_value(a).unwrap_or_default(), &mut fa);
    flatten("", &serde_json::to_value(b).unwrap_or_default(), &mut fb);
    let mut keys: Vec<&String> = fa.iter().chain(&fb).map(|(k, _)| k).collect();
    keys.sort();
    keys.dedup();
    let get = |f: &[(String, String)], k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    keys.into_iter()
        .filter_map(|k| {
            let (va, vb) = (get(&fa, k), get(&fb, k));
            (va != vb).then(|| {
                let none = || "(not set)".to_string();
                (k.clone(), va.unwrap_or_else(none), vb.unwrap_or_else(none))
            })
        })
        .collect()
}

/// The leaves of a scenario's JSON as (dotted key, value as written in TOML-ish text); arrays are leaves.
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        serde_json::Value::Null => {}
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// A value short enough for a title.
fn short(v: &str) -> String {
    if v.chars().count() > 24 { format!("{}…", v.chars().take(23).collect::<String>()) } else { v.to_string() }
}

/// The section's title: B and A named by what differs between them.
pub(super) fn title((a, b): (&str, &str), differences: &[(String, String, String)], known: bool) -> String {
    if !known {
        // A comparison CSV read back records no scenario.
        return "Comparison: B against A".into();
    }
    if differences.is_empty() {
        return format!("Comparison: {b} (B) against {a} (A), the same settings");
    }
    if let [(key, va, vb)] = differences {
        return format!("Comparison: {key} = {} (B) against {} (A)", short(vb), short(va));
    }
    let named: Vec<String> =
        differences.iter().take(IN_TITLE).map(|(k, va, vb)| format!("{k} {} → {}", short(va), short(vb))).collect();
    let more = differences.len().saturating_sub(IN_TITLE);
    format!(
        "Comparison: B against A, differing in {}{}",
        named.join(", "),
        if more > 0 { format!(" and {more} more") } else { String::new() }
    )
}

/// The section.
pub(super) fn render(
    h: &mut String,
    report: &super::Report,
    c: &Context,
    (a, b): (&str, &str),
    differences: &[(String, String, String)],
    rows: &[CompareRow],
) {
    // A comparison made in memory knows its scenarios (and so its currency and differences); one read from its
    // CSV knows neither.
    let known = (a, b) != ("A", "B");
    let _ = writeln!(h, "<h2>{}</h2>", esc(&title((a, b), differences, known)));
    facts(h, report, c, &[("A", a.to_string()), ("B", b.to_string())], &[]);
    let cur = c.currency();
    if known {
        if differences.is_empty() {
            h.push_str("<p class=\"note\">A and B have the same settings: every difference below is noise.</p>\n");
        } else {
            let mut t = String::from("<table><thead><tr><th>setting</th><th>A</th><th>B</th></tr></thead><tbody>");
            for (k, va, vb) in differences {
                let _ = write!(t, "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>", esc(k), esc(va), esc(vb));
            }
            t.push_str("</tbody></table>");
            let n = differences.len();
            foldable(h, &format!("What sets B apart from A ({n} setting{})", if n == 1 { "" } else { "s" }), true, &t);
        }
    }
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
                label: label_in(&r.kpi, cur),
                relative: rel,
                text: format!(
                    "{} [{}, {}]",
                    diff(&r.kpi, r.diff.mean, cur),
                    diff(&r.kpi, r.diff.lo, cur),
                    diff(&r.kpi, r.diff.hi, cur)
                ),
            }
        })
        .collect();
    // Too many rows of small text to shrink to a phone's width: it scrolls sideways in its box instead.
    h.push_str("<div class=\"scroll\"><div class=\"wide-chart\">");
    h.push_str(&charts::forest(&forest));
    h.push_str("</div></div>");
    h.push_str("</figure>\n");
    let mut t = String::from(
        "<table><thead><tr><th>KPI</th><th>A</th><th>B</th><th>B − A</th><th>95 % interval</th></tr></thead><tbody>",
    );
    for r in rows {
        let _ = write!(
            t,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>[{}, {}]</td></tr>",
            esc(&label_in(&r.kpi, cur)),
            esc(&value(&r.kpi, r.a, cur)),
            esc(&value(&r.kpi, r.b, cur)),
            esc(&diff(&r.kpi, r.diff.mean, cur)),
            esc(&diff(&r.kpi, r.diff.lo, cur)),
            esc(&diff(&r.kpi, r.diff.hi, cur))
        );
    }
    t.push_str("</tbody></table>");
    foldable(h, "Every KPI", true, &t);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comparison_is_titled_by_what_differs() {
        let a = Scenario::default_day();
        let mut b = a.clone();
        b.dialer.agents += 5;
        let d = differences(&a, &b);
        assert_eq!(d, vec![("dialer.agents".to_string(), a.dialer.agents.to_string(), b.dialer.agents.to_string())]);
        assert_eq!(
            title(("default", "default"), &d, true),
            format!("Comparison: dialer.agents = {} (B) against {} (A)", b.dialer.agents, a.dialer.agents)
        );
        assert!(differences(&a, &a).is_empty());
        assert!(title(("x", "x"), &[], true).contains("the same settings"));
    }
}
