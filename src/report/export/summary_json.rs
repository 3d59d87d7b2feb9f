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
    law: serde_json::Value,
    #[serde(flatten)]
    summary: &'a Summary,
}

impl Export<RunReport<'_>> for SummaryJson {
    fn write(&self, out: &mut dyn Write, r: &RunReport<'_>) -> io::Result<()> {
        let file = SummaryFile {
            dialsim_version: env!("CARGO_PKG_VERSION"),
            seed: r.run.seed,
            scenario: r.scenario,
            law: law(r.scenario),
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
        json.insert("law".into(), law(r.scenario));
        for (k, e) in &r.estimates {
            json.insert((*k).into(), serde_json::to_value(e).map_err(io::Error::other)?);
        }
        let text = serde_json::to_string_pretty(&json).map_err(io::Error::other)?;
        writeln!(out, "{text}")
    }
}

/// `law`: the jurisdiction, the regime of each stretch of the run's days (its name, first day, whether it is
/// the regime in force then, and since when it is in force) and the warnings `simulate` printed.
fn law(s: &Scenario) -> serde_json::Value {
    let regimes: Vec<serde_json::Value> = s
        .regimes()
        .into_iter()
        .map(|(d, r)| {
            serde_json::json!({
                "regime": r.name,
                "from": s.date_of_day(d).to_string(),
                "in_force": r.in_force(s.date_of_day(d)),
                "in_force_since": r.from_date().map(|f| f.to_string()),
                "summary": r.summary,
            })
        })
        .collect();
    serde_json::json!({
        "jurisdiction": s.jurisdiction().iso,
        "regime": s.regime_on_day(0).name,
        "regimes": regimes,
        "warnings": s.law_warnings(),
    })
}
