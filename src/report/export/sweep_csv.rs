//! `sweep.csv`: a sweep's points with every KPI's mean and 95 % half-width.

use std::io::{self, Write};

use super::Export;
use crate::analysis::{MergedSweep, SweepResult};
use crate::foundation::text::csv_cell;

/// `sweep.csv`: `point`, the varied keys, `replications`, `cost_currency` (the currency of the point's costs),
/// then `<kpi>_mean,<kpi>_ci` for every KPI; one row per point. Of a [`MergedSweep`]: the parts' header and their rows in point order.
#[derive(Clone, Copy, Debug, Default)]
pub struct SweepCsv;

impl Export<SweepResult> for SweepCsv {
    fn write(&self, out: &mut dyn Write, r: &SweepResult) -> io::Result<()> {
        let mut header = vec!["point".to_string()];
        header.extend(r.keys.iter().map(|k| csv_cell(k).into_owned()));
        header.push("replications".into());
        header.push("cost_currency".into());
        for n in crate::sim::kpi::names() {
            header.push(format!("{n}_mean"));
            header.push(format!("{n}_ci"));
        }
        writeln!(out, "{}", header.join(","))?;
        for row in &r.rows {
            let mut cells = vec![row.point.to_string()];
            cells.extend(row.values.iter().map(|v| csv_cell(v).into_owned()));
            cells.push(r.replications.to_string());
            cells.push(csv_cell(&row.currency).into_owned());
            for (_, e) in &row.estimates {
                cells.push(format!("{}", e.mean));
                cells.push(format!("{}", e.half_width()));
            }
            writeln!(out, "{}", cells.join(","))?;
        }
        Ok(())
    }
}

impl Export<MergedSweep> for SweepCsv {
    fn write(&self, out: &mut dyn Write, m: &MergedSweep) -> io::Result<()> {
        super::write_parts(out, &m.header, &m.rows)
    }
}
