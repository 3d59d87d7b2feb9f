//! `summary.json`: a run's summary, or replications' estimates, with the seed and the scenario.

use std::io::{self, Write};

use serde::Serialize;

use super::{Export, RunReport};
use crate::analysis::Replications;
use crate::scenario::Scenario;
use crate::sim::Summary;

/// `summary.json`. Of a run: the dialsim version, the seed, the scenario and the summary's fields at the top level. Of
/// replications: the dialsim version, the seed, the count, the scenario and one estimate (mean, std, ci95_low, ci95_high, n) per
/// KPI.
#[derive(Clone, Copy, Debug, Default)]
pub struct SummaryJson;

/// `summary.json` of a run.
#[derive(Serialize)]
struct SummaryFile<'a> {
    dialsim_version: &'static str,
    seed: u64,
    scenario: &'a Scenario,
    #[serde(flatten)]
    summary: &'a Summary,
}

impl Export<RunReport<'_>> for SummaryJson {
    fn write(&self, out: &mut dyn Write, r: &RunReport<'_>) -> io::Result<()> {
        let file = SummaryFile {
            dialsim_version: env!("CARGO_PKG_VERSION"),
            seed: r.run.seed,
            scenario: r.scenario,
            summary: &r.run.summary,
        };
        let text = serde_json::to_string_pretty(&file).map_err(io::Error::other)?;
        writeln!(out, "{text}")
    }
}

impl Export<Replications<'_>> for SummaryJson {
    fn write(&self, out: &mut dyn Write, r: &Replications<'_>) -> io::Result<()> {
        let mut json = serde_json::Map::new();
        json.insert("dialsim_version".into(), env!("CARGO_PKG_VERSION").into());
        json.insert("seed".into(), r.seed.into());
        json.insert("replications".into(), r.summaries.len().into());
        json.insert("scenario".into(), serde_json::to_value(r.scenario).map_err(io::Error::other)?);
        for (k, e) in &r.estimates {
            json.insert((*k).into(), serde_json::to_value(e).map_err(io::Error::other)?);
        }
        let text = serde_json::to_string_pretty(&json).map_err(io::Error::other)?;
        writeln!(out, "{text}")
    }
}
