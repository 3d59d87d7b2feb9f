//! `names.csv`: the names a run kept with numbers (none under a withdrawn receipt).

use std::io::{self, Write};

use super::{Export, RunReport};
use crate::compliance::timestamp;

/// `names.csv`: names given by callees, with the call and the consent receipt.
#[derive(Clone, Copy, Debug, Default)]
pub struct NamesCsv;

impl Export<RunReport<'_>> for NamesCsv {
    fn write(&self, out: &mut dyn Write, r: &RunReport<'_>) -> io::Result<()> {
        writeln!(out, "number,name,call_id,time,receipt")?;
        // A withdrawal erases the names kept under its receipt.
        for n in &crate::compliance::erase_withdrawn(&r.run.names, &r.run.ledger) {
            let receipt = n.receipt.as_deref().unwrap_or("");
            let name = crate::foundation::text::csv_cell(&n.name);
            writeln!(out, "{},{name},{},{},{receipt}", n.number, n.call_id, timestamp(r.scenario, n.time_ms))?;
        }
        Ok(())
    }
}
