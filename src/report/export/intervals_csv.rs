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

/// Decimal places of an interval's dial level in intervals.csv.
pub(crate) const DIAL_LEVEL_PLACES: usize = 3;
/// Decimal places of an interval's occupancy in intervals.csv.
pub(crate) const OCCUPANCY_PLACES: usize = 4;

/// `v` as intervals.csv writes it with `places` decimals, read back: what a report of the run folder reads.
pub(crate) fn as_written(v: f64, places: usize) -> f64 {
    format!("{v:.places$}").parse().unwrap_or(v)
}

impl Export<RunReport<'_>> for IntervalsCsv {
    fn write(&self, out: &mut dyn Write, r: &RunReport<'_>) -> io::Result<()> {
        writeln!(
            out,
            "start,dials,human_answers,connects,drops,drop_rate,dial_level,occupancy,consents,machine_drops,agents"
        )?;
        for i in &r.run.intervals {
            writeln!(
                out,
                "{},{},{},{},{},{:.4},{:.dl$},{:.oc$},{},{},{:.2}",
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
                i.agents(),
                dl = DIAL_LEVEL_PLACES,
                oc = OCCUPANCY_PLACES
            )?;
        }
        Ok(())
    }
}
