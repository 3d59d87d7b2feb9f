//! The default day stays where the guide's "How realistic is the model" (docs/analysis.md) says it is: its main KPIs, averaged over
//! three seeds, fall in the documented ranges. A change to the model that moves them out shows up here, and
//! the guide's ranges (and their reasons) must move with it.

use dialsim::{Scenario, sim::Campaign};

/// (KPI, low, high): the ranges of the guide's "How realistic is the model" (docs/analysis.md).
const RANGES: &[(&str, f64, f64)] = &[
    ("dials_per_contact", 12.0, 19.0),
    ("rr3", 0.035, 0.07),
    ("occupancy", 0.60, 0.85),
    ("cost_per_contact", 7.0, 13.0),
    ("cost_per_consent", 250.0, 550.0),
];

#[test]
fn the_default_day_lies_in_the_documented_ranges() {
    let campaign = Campaign::new(Scenario::default_day()).unwrap();
    let runs: Vec<_> = (1..=3).map(|seed| campaign.run(seed, false).summary).collect();
    let mean = |f: &dyn Fn(&dialsim::sim::Summary) -> f64| runs.iter().map(f).sum::<f64>() / runs.len() as f64;
    let value = |kpi: &str| -> f64 {
        match kpi {
            "dials_per_contact" => mean(&|s| s.dials as f64 / s.costs.contacts as f64),
            "rr3" => mean(&|s| s.aapor.rr3),
            "occupancy" => mean(&|s| s.occupancy),
            "cost_per_contact" => mean(&|s| s.costs.cost_per_contact),
            "cost_per_consent" => mean(&|s| s.costs.cost_per_consent),
            other => panic!("{other}"),
        }
    };
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/analysis.md")).unwrap();
    let mut out = Vec::new();
    for (kpi, lo, hi) in RANGES {
        let v = value(kpi);
        if !(*lo..=*hi).contains(&v) {
            out.push(format!("{kpi} = {v:.4} outside {lo}..{hi}"));
        }
        assert!(readme.contains(&format!("`{kpi}`")), "the guide's realism table lists {kpi}");
    }
    assert!(out.is_empty(), "the default day left its documented ranges: {out:?}");
}
