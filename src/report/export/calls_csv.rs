//! `calls.csv`: one row per attempt.

use std::io::{self, Write};

use super::{Export, RunReport};
use crate::sim::CallRecord;

/// `calls.csv`, one row per attempt of a run whose records were kept (or streamed row by row with
/// [`write_call`] after [`CALLS_HEADER`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct CallsCsv;

/// The header line of `calls.csv`.
pub const CALLS_HEADER: &str = "call_id,number,attempt,dial_s,outcome,ring_s,wait_s,talk_s,wrap_s,agent,objection_offered,notice,referral_of,callback_of,amd,basis";

impl Export<RunReport<'_>> for CallsCsv {
    fn write(&self, out: &mut dyn Write, r: &RunReport<'_>) -> io::Result<()> {
        writeln!(out, "{CALLS_HEADER}")?;
        for c in &r.run.calls {
            write_call(out, c)?;
        }
        Ok(())
    }
}

/// Writes one row of `calls.csv`.
pub fn write_call(out: &mut dyn Write, c: &CallRecord) -> io::Result<()> {
    let agent = c.agent.map(|a| a.to_string()).unwrap_or_default();
    let offered = match c.offered {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    let notice = match (c.offered, c.referral_of) {
        (None, _) => "",
        (Some(_), Some(_)) => "art14",
        (Some(_), None) => "standard",
    };
    let referral = c.referral_of.map(|r| r.to_string()).unwrap_or_default();
    let callback = c.callback_of.map(|r| r.to_string()).unwrap_or_default();
    let amd = if c.amd { "on" } else { "off" };
    writeln!(
        out,
        "{},{},{},{:.3},{},{:.3},{:.3},{:.3},{:.3},{},{offered},{notice},{referral},{callback},{amd},{}",
        c.call_id,
        c.number,
        c.attempt,
        c.dial_ms.secs(),
        c.outcome.as_str(),
        c.ring_ms.secs(),
        c.wait_ms.secs(),
        c.talk_ms.secs(),
        c.wrap_ms.secs(),
        agent,
        c.basis.as_str()
    )
}
