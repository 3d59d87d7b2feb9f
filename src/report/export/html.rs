//! The HTML report: one self-contained page (inline CSS and SVG charts, no script, nothing fetched) of runs,
//! replications, sweeps and comparisons.

use std::io::{self, Write};

use super::Export;
use crate::report::html::{Report, render};

/// `report.html`: the scenario and seed, KPIs with their units and 95 % intervals, a run's day profile and
/// audit verdict, a sweep's charts, a comparison's forest plot, and the dialsim version — as one HTML file
/// that opens without network access and prints on A4. Every string from the inputs is HTML-escaped.
#[derive(Clone, Copy, Debug, Default)]
pub struct HtmlReport;

impl Export<Report> for HtmlReport {
    fn write(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        out.write_all(render(report).as_bytes())
    }
}
