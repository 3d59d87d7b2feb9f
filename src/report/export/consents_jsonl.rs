//! `consents.jsonl`: the consent ledger of a run.

use std::io::{self, Write};

use super::{Export, RunReport};

/// `consents.jsonl`: consent receipts and withdrawals in time order, one JSON object a line.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConsentsJsonl;

impl Export<RunReport<'_>> for ConsentsJsonl {
    fn write(&self, out: &mut dyn Write, r: &RunReport<'_>) -> io::Result<()> {
        for entry in &r.run.ledger {
            writeln!(out, "{}", entry.to_json(r.scenario))?;
        }
        Ok(())
    }
}
