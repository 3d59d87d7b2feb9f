//! `frontier.csv`: the efficiency frontier's points, each KPI's mean and 95 % interval.

use std::io::{self, Write};

use super::Export;
use crate::analysis::{FrontierResult, MergedFrontier};
use crate::foundation::stats::Estimate;

/// The columns of `frontier.csv`, in order (README documents each).
pub const FRONTIER_HEADER: [&str; 17] = [
    "point",
    "pacer",
    "agents",
    "target",
    "compliant",
    "limit",
    "replications",
    "abandon_rate_mean",
    "abandon_rate_ci95_low",
    "abandon_rate_ci95_high",
    "abandon_rate_worst_day",
    "occupancy_mean",
    "occupancy_ci95_low",
    "occupancy_ci95_high",
    "contacts_per_agent_hour_mean",
    "contacts_per_agent_hour_ci95_low",
    "contacts_per_agent_hour_ci95_high",
];

/// `frontier.csv`: one row per point of the grid ([`FRONTIER_HEADER`]); of a [`MergedFrontier`], the parts'
/// header and their rows in point order (the same bytes as the unsharded run's).
#[derive(Clone, Copy, Debug, Default)]
pub struct FrontierCsv;

impl Export<FrontierResult> for FrontierCsv {
    fn write(&self, out: &mut dyn Write, r: &FrontierResult) -> io::Result<()> {
        writeln!(out, "{}", FRONTIER_HEADER.join(","))?;
        let est = |e: &Estimate| format!("{},{},{}", e.mean, e.ci95_low, e.ci95_high);
        for row in &r.rows {
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{}",
                row.point,
                row.pacer.as_str(),
                row.agents,
                row.target,
                row.compliant,
                row.limit,
                r.replications,
                est(&row.abandon_rate),
                row.abandon_rate_worst_day,
                est(&row.occupancy),
                est(&row.contacts_per_agent_hour),
            )?;
        }
        Ok(())
    }
}

impl Export<MergedFrontier> for FrontierCsv {
    fn write(&self, out: &mut dyn Write, m: &MergedFrontier) -> io::Result<()> {
        super::write_parts(out, &m.header, &m.rows)
    }
}
