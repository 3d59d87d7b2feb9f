//! `frontier.csv`: the efficiency frontier's points, each KPI's mean and 95 % interval.
//!
//! The columns are one table, `FRONTIER_COLUMNS` (a name and the cell it writes): the header, every row and
//! [`FRONTIER_HEADER`] come from it, and the report reads the file by these names.

use std::io::{self, Write};

use super::Export;
use crate::analysis::{FrontierResult, FrontierRow, MergedFrontier};

/// One column of `frontier.csv`: its name and its cell of a row of a result.
#[derive(Clone, Copy)]
pub(crate) struct FrontierColumn {
    /// The column's name in the header.
    pub name: &'static str,
    cell: fn(&FrontierResult, &FrontierRow) -> String,
}

impl std::fmt::Debug for FrontierColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrontierColumn").field("name", &self.name).finish_non_exhaustive()
    }
}

impl FrontierColumn {
    /// The column's cell of `row` of `result`, as the file writes it.
    pub(crate) fn cell(&self, result: &FrontierResult, row: &FrontierRow) -> String {
        (self.cell)(result, row)
    }
}

/// A column of the row's field.
macro_rules! column {
    ($name:expr, |$r:ident, $row:ident| $cell:expr) => {
        FrontierColumn { name: $name, cell: |$r, $row| $cell }
    };
}

/// The three columns of an estimate: `<stem>_mean`, `<stem>_ci95_low`, `<stem>_ci95_high`.
macro_rules! estimate {
    ($stem:literal, $field:ident) => {
        [
            column!(concat!($stem, "_mean"), |_r, row| format!("{}", row.$field.mean)),
            column!(concat!($stem, "_ci95_low"), |_r, row| format!("{}", row.$field.ci95_low)),
            column!(concat!($stem, "_ci95_high"), |_r, row| format!("{}", row.$field.ci95_high)),
        ]
    };
}

/// Every column of `frontier.csv`, in order (README documents each).
pub(crate) const FRONTIER_COLUMNS: [FrontierColumn; 17] = {
    let [am, al, ah] = estimate!("abandon_rate", abandon_rate);
    let [om, ol, oh] = estimate!("occupancy", occupancy);
    let [cm, cl, ch] = estimate!("contacts_per_agent_hour", contacts_per_agent_hour);
    [
        column!("point", |_r, row| row.point.to_string()),
        column!("pacer", |_r, row| row.pacer.as_str().to_string()),
        column!("agents", |_r, row| row.agents.to_string()),
        column!("target", |_r, row| format!("{}", row.target)),
        column!("compliant", |_r, row| row.compliant.to_string()),
        column!("limit", |_r, row| format!("{}", row.limit)),
        column!("replications", |r, _row| r.replications.to_string()),
        am,
        al,
        ah,
        column!("abandon_rate_worst_day", |_r, row| format!("{}", row.abandon_rate_worst_day)),
        om,
        ol,
        oh,
        cm,
        cl,
        ch,
    ]
};

/// The names of the columns of `frontier.csv`, in order: its header.
pub const FRONTIER_HEADER: [&str; FRONTIER_COLUMNS.len()] = {
    let mut header = [""; FRONTIER_COLUMNS.len()];
    let mut i = 0;
    while i < header.len() {
        header[i] = FRONTIER_COLUMNS[i].name;
        i += 1;
    }
    header
};

/// `frontier.csv`: one row per point of the grid ([`FRONTIER_HEADER`]); of a [`MergedFrontier`], the parts'
/// header and their rows in point order (the same bytes as the unsharded run's).
#[derive(Clone, Copy, Debug, Default)]
pub struct FrontierCsv;

impl Export<FrontierResult> for FrontierCsv {
    fn write(&self, out: &mut dyn Write, r: &FrontierResult) -> io::Result<()> {
        writeln!(out, "{}", FRONTIER_HEADER.join(","))?;
        for row in &r.rows {
            let cells: Vec<String> = FRONTIER_COLUMNS.iter().map(|c| c.cell(r, row)).collect();
            writeln!(out, "{}", cells.join(","))?;
        }
        Ok(())
    }
}

impl Export<MergedFrontier> for FrontierCsv {
    fn write(&self, out: &mut dyn Write, m: &MergedFrontier) -> io::Result<()> {
        super::write_parts(out, &m.header, &m.rows)
    }
}
