//! `suppression.csv`: objections and withdrawals of a run.

use std::io::{self, Write};

use super::{Export, RunReport};
use crate::compliance::timestamp;

/// `suppression.csv`: the numbers a run must never call again, with when and why.
#[derive(Clone, Copy, Debug, Default)]
pub struct SuppressionCsv;

impl Export<RunReport<'_>> for SuppressionCsv {
    fn write(&self, out: &mut dyn Write, r: &RunReport<'_>) -> io::Result<()> {
        writeln!(out, "number,time,call_id,scope")?;
        for e in &r.run.suppression {
            writeln!(out, "{},{},{},{}", e.number, timestamp(r.scenario, e.time_ms), e.call_id, e.scope)?;
        }
        Ok(())
    }
}
