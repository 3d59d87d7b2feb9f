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
    /// The registry's KPIs that are not fields of the summary (a ratio of counts it holds): after them.
    #[serde(flatten)]
    derived: std::collections::BTreeMap<&'static str, f64>,
}

/// Of `values` (a run's KPIs, [`crate::sim::kpi::values`]), those the summary's own fields do not write, at the
/// top level or under `aapor`: a KPI added to the registry alone reaches `summary.json` too (and so the report of
/// a folder, which reads it).
fn derived(
    summary: &Summary,
    values: Vec<(&'static str, f64)>,
) -> io::Result<std::collections::BTreeMap<&'static str, f64>> {
    let fields = serde_json::to_value(summary).map_err(io::Error::other)?;
    let written = |k: &str| fields.get(k).is_some() || fields.get("aapor").and_then(|a| a.get(k)).is_some();
    Ok(values.into_iter().filter(|(k, _)| !written(k)).collect())
}

impl Export<RunReport<'_>> for SummaryJson {
    fn write(&self, out: &mut dyn Write, r: &RunReport<'_>) -> io::Result<()> {
        let file = SummaryFile {
            dialsim_version: env!("CARGO_PKG_VERSION"),
            seed: r.run.seed,
            scenario: r.scenario,
            law: law(r.scenario),
            summary: &r.run.summary,
            derived: derived(&r.run.summary, crate::sim::kpi::values(&r.run.summary))?,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A KPI of the registry that no summary field holds (here a made-up ratio) is written at the top level;
    /// every KPI the summary's fields hold (at the top level or under `aapor`) is not written twice.
    #[test]
    fn a_kpi_the_summary_does_not_hold_is_written_and_the_others_are_not_repeated() {
        let run = crate::sim::Campaign::new(Scenario::default_day()).unwrap().run(1, false);
        let s = &run.summary;
        assert!(derived(s, crate::sim::kpi::values(s)).unwrap().is_empty(), "every KPI today is a field");
        let mut values = crate::sim::kpi::values(s);
        let ratio = s.dials as f64 / s.costs.contacts.max(1) as f64;
        values.push(("dials_per_contact", ratio));
        let extra = derived(s, values).unwrap();
        assert_eq!(extra.into_iter().collect::<Vec<_>>(), vec![("dials_per_contact", ratio)]);
    }

    /// summary.json holds every KPI of the registry with the value the registry computes.
    #[test]
    fn summary_json_holds_every_kpi_of_the_registry() {
        let scenario = Scenario::default_day();
        let run = crate::sim::Campaign::new(scenario.clone()).unwrap().run(1, false);
        let mut out = Vec::new();
        SummaryJson.write(&mut out, &RunReport { scenario: &scenario, run: &run }).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        for k in crate::sim::kpi::KPIS {
            let got = v.get(k.name).or_else(|| v["aapor"].get(k.name)).and_then(|x| x.as_f64());
            let want = k.of(&run.summary);
            assert!(
                got.is_some_and(|g| g == want) || (want.is_nan() && got.is_none()),
                "{}: {got:?} against {want}",
                k.name
            );
        }
    }
}
