//! The CSV of `compare -o`: every KPI's means and paired difference.

use std::io::{self, Write};

use super::Export;
use crate::analysis::Comparison;

/// One row per KPI: `kpi,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,paired_half_width,
/// independent_half_width,cost_currency` (the last the same on every row: the currency of both sides' costs,
/// empty when they differ).
#[derive(Clone, Copy, Debug, Default)]
pub struct CompareCsv;

impl Export<Comparison> for CompareCsv {
    fn write(&self, out: &mut dyn Write, c: &Comparison) -> io::Result<()> {
        writeln!(
            out,
            "kpi,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,paired_half_width,independent_half_width,\
             cost_currency"
        )?;
        let currency = crate::foundation::text::csv_cell(c.cost_currency.as_deref().unwrap_or(""));
        for (kpi, p) in &c.rows {
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{}",
                kpi,
                p.a.mean,
                p.b.mean,
                p.diff.mean,
                p.diff.ci95_low,
                p.diff.ci95_high,
                p.diff.half_width(),
                p.independent_half_width,
                currency
            )?;
        }
        Ok(())
    }
}
