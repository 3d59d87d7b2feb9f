//! The ranked table of a sweep or frontier (`--rank`) on stdout, and its JSON.

use std::io::{self, Write};

use super::{Export, Table};
use crate::analysis::Ranking;
use crate::sim::kpi::{Kpi, Unit, find};

/// A column's header with the currency of a money KPI (`cost_per_consent, CZK`).
fn heading(k: &Kpi, currency: &str) -> String {
    if k.unit == Unit::Money && !currency.is_empty() { format!("{}, {currency}", k.name) } else { k.name.to_string() }
}

/// One rank per line, best first: rank, the point's values, the ranked KPI's mean and 95 % half-width, its
/// paired difference from the best point with that difference's 95 % interval, worst-day abandonment and cost
/// per consent (unless ranked); then the points left out, the constraints and the warnings.
impl Export<Ranking> for Table {
    fn write(&self, out: &mut dyn Write, r: &Ranking) -> io::Result<()> {
        let Some(kpi) = find(r.kpi) else { return Ok(()) };
        let extra: Vec<&Kpi> =
            crate::sim::kpi::BESIDE_RANK.iter().filter_map(|n| find(n)).filter(|k| *k != kpi).collect();
        let mut header = vec!["rank".to_string()];
        header.extend(r.keys.iter().cloned());
        header.extend([heading(kpi, &r.currency), "± 95 %".into(), "vs best".into(), "95 % paired".into()]);
        header.extend(extra.iter().map(|k| heading(k, &r.currency)));
        let mut lines = vec![header];
        for row in &r.rows {
            let mut cells = vec![row.rank.to_string()];
            cells.extend(row.values.iter().cloned());
            let d = &row.diff_from_best;
            cells.extend([
                kpi.text(row.kpi.mean),
                kpi.text(row.kpi.half_width()),
                if row.rank == 1 { "best".into() } else { signed(kpi, d.mean) },
                if row.rank == 1 {
                    "".into()
                } else {
                    format!("[{}, {}]", signed(kpi, d.ci95_low), signed(kpi, d.ci95_high))
                },
            ]);
            for k in &extra {
                cells.push(k.text(row.beside.get(k.name).unwrap_or(f64::NAN)));
            }
            lines.push(cells);
        }
        let widths: Vec<usize> =
            (0..lines[0].len()).map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0)).collect();
        let keys = r.keys.len();
        for l in &lines {
            let cells: Vec<String> = l
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    let pad = widths[c] - cell.chars().count();
                    // The point's values read left-aligned, the numbers right-aligned.
                    if (1..=keys).contains(&c) {
                        format!("{cell}{}", " ".repeat(pad))
                    } else {
                        format!("{}{cell}", " ".repeat(pad))
                    }
                })
                .collect();
            writeln!(out, "{}", cells.join("  ").trim_end())?;
        }
        let given =
            if r.constraints.is_empty() { String::new() } else { format!(" meeting {}", r.constraints.join(" and ")) };
        writeln!(
            out,
            "{} of {} points{given} (on each point's mean over {} replications), ranked by {} ({} is better); \
             vs best: paired difference from rank 1 (common random numbers)",
            r.rows.len(),
            r.rows.len() + r.excluded.len(),
            r.replications,
            r.kpi,
            r.better
        )?;
        for e in &r.excluded {
            let point: Vec<String> = r.keys.iter().zip(&e.values).map(|(k, v)| format!("{k}={v}")).collect();
            writeln!(out, "left out: {}: {}", point.join(" "), e.fails)?;
        }
        Ok(())
    }
}

/// A difference with its sign, in the KPI's text format.
fn signed(k: &Kpi, v: f64) -> String {
    let text = k.text(v);
    // A difference that reads as zero ("0", "0 %", "0.00") takes no sign.
    if v > 0.0 && text != k.text(0.0) { format!("+{text}") } else { text }
}
