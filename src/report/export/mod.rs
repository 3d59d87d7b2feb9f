//! Every output format behind one trait, [`Export`]: a format is a unit struct that implements `Export<R>`
//! for each result kind `R` it can write (a run, replications, a sweep, a comparison). Adding a format —
//! an HTML report, say — is one more file here with its `impl`s; the binary picks the formats, the library
//! writes them.
//!
//! | format | writes | result kinds |
//! |---|---|---|
//! | [`SummaryJson`] | `summary.json` | [`RunReport`], [`Replications`] |
//! | [`AuditJson`] | `audit --json` | [`AuditReport`](crate::compliance::AuditReport) |
//! | [`CallsCsv`] | `calls.csv` | [`RunReport`] |
//! | [`IntervalsCsv`] | `intervals.csv` | [`RunReport`] |
//! | [`SuppressionCsv`] | `suppression.csv` | [`RunReport`] |
//! | [`ConsentsJsonl`] | `consents.jsonl` | [`RunReport`] |
//! | [`NamesCsv`] | `names.csv` | [`RunReport`] |
//! | [`ReplicationsCsv`] | `replications.csv` | [`Replications`] |
//! | [`SweepCsv`] | `sweep.csv` | [`SweepResult`], [`MergedSweep`] |
//! | [`FrontierCsv`] | `frontier.csv` | [`FrontierResult`], [`MergedFrontier`] |
//! | [`CompareCsv`] | `compare -o` | [`Comparison`] |
//! | [`HtmlReport`] | `report.html` | [`Report`](crate::report::Report) (runs, replications, sweeps, comparisons) |
//! | [`Table`] | the readable table on stdout | [`RunReport`], [`Replications`], [`Comparison`], [`Ranking`](crate::analysis::Ranking) |

mod audit_json;
mod calls_csv;
mod compare_csv;
mod consents_jsonl;
mod frontier_csv;
mod html;
pub(crate) mod intervals_csv;
mod names_csv;
mod ranking;
mod replications_csv;
mod summary_json;
mod suppression_csv;
mod sweep_csv;
mod table;

use std::io::{self, Write};

pub use audit_json::AuditJson;
pub use calls_csv::{CALLS_HEADER, CallsCsv, write_call};
pub use compare_csv::CompareCsv;
pub use consents_jsonl::ConsentsJsonl;
pub use frontier_csv::{FRONTIER_HEADER, FrontierCsv};
pub use html::HtmlReport;
pub use intervals_csv::IntervalsCsv;
pub use names_csv::NamesCsv;
pub use replications_csv::ReplicationsCsv;
pub use summary_json::SummaryJson;
pub use suppression_csv::SuppressionCsv;
pub use sweep_csv::SweepCsv;
pub use table::Table;

#[cfg(doc)]
use crate::analysis::{Comparison, FrontierResult, MergedFrontier, MergedSweep, Replications, SweepResult};
use crate::scenario::Scenario;
use crate::sim::RunOutput;

/// An output format for results of kind `R`.
///
/// ```
/// use dialsim::report::{Export, RunReport, Table};
/// let campaign = dialsim::sim::Campaign::new(dialsim::Scenario::default_day()).unwrap();
/// let run = campaign.run(7, false);
/// let mut out = Vec::new();
/// Table.write(&mut out, &RunReport { scenario: campaign.scenario(), run: &run })?;
/// assert!(String::from_utf8(out).unwrap().starts_with("scenario"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait Export<R: ?Sized> {
    /// Writes `result` to `out` in this format, whole.
    fn write(&self, out: &mut dyn Write, result: &R) -> io::Result<()>;

    /// The bytes [`Export::write`] writes.
    fn to_bytes(&self, result: &R) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out, result).expect("writing to memory does not fail");
        out
    }
}

/// Writes the joined parts of a sharded run: their `header`, then the `rows` (in point order), a line each.
fn write_parts(out: &mut dyn Write, header: &str, rows: &[(u64, String)]) -> io::Result<()> {
    writeln!(out, "{header}")?;
    for (_, row) in rows {
        writeln!(out, "{row}")?;
    }
    Ok(())
}

/// One simulated run with the scenario it ran: the result kind of a run's files and table.
#[derive(Clone, Copy, Debug)]
pub struct RunReport<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The run.
    pub run: &'a RunOutput,
}
