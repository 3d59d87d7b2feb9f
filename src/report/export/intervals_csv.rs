//! `intervals.csv`: the time profile of a run.

use std::io::{self, Write};

use super::{Export, RunReport};
use crate::compliance::timestamp;

/// `intervals.csv`: one row per 15 minutes with activity. `drops` are abandoned calls by the one definition
/// ([`crate::sim::Outcome::is_abandoned`]: live persons dropped or hung up on by AMD, in the interval they ended,
/// and persons put through after the silence limit, in the interval they were put through; `drop_rate` =
/// drops / human_answers), `machine_drops` the undetected answering machines hung up on after the drop timeout
/// (no abandoned call).
#[derive(Clone, Copy, Debug, Default)]
pub struct IntervalsCsv;

impl Export<RunReport<'_>> for IntervalsCsv {
    fn write(&self, out: &mut dyn Write, r: &RunReport<'_>) -> io::Result<()> {
        writeln!(
            out,
            "start,dials,human_answers,connects,drops,drop_rate,dial_level,occupancy,consents,machine_drops,agents"
        )?;
        for i in &r.run.intervals {
            writeln!(
                out,
                "{},{},{},{},{},{:.4},{:.3},{:.4},{},{},{:.2}",
                timestamp(r.scenario, i.start_ms),
                i.dials,
                i.human_answers,
                i.connects,
                i.drops,
                i.drop_rate(),
                i.dial_level,
                i.occupancy(),
                i.consents,
                i.machine_drops,
                i.agents()
            )?;
        }
        Ok(())
    }
}
