//! The figures of BENCHMARKS.md's "Pacers" section: bench-day.toml, AMD off or on, 20 replications per row, the
//! same seeds for every pacer (common random numbers); mean abandonment and occupancy with 95 % half-widths, the
//! worst day, and contacts per agent hour.
//!
//! ```text
//! cargo run --release --example pacers_table                      # AMD off
//! PACERS_AMD=true cargo run --release --example pacers_table      # AMD on
//! PACERS_ONLY=adaptive-tapered,adaptive-average cargo run --release --example pacers_table
//! ```
//! A benchmark table, not a check: it was an ignored test until session 20, which CI's second stage had to
//! skip by name.
use dialsim::analysis::{no_progress, replicate};
use dialsim::foundation::stats::Estimate;
use dialsim::{Scenario, sim::Campaign, sim::Summary};

fn main() -> dialsim::Result<()> {
    let amd = std::env::var("PACERS_AMD").unwrap_or_else(|_| "false".into());
    let only = std::env::var("PACERS_ONLY").unwrap_or_default();
    println!("amd  pacer  agents  target  abandon_mean  abandon_hw  worst_day  occupancy_mean  occupancy_hw  cph_mean");
    for pacer in ["adaptive-hard-limit", "adaptive-tapered", "adaptive-average", "model"] {
        if !only.is_empty() && !only.split(',').any(|p| p == pacer) {
            continue;
        }
        for agents in [20, 50] {
            let targets: &[f64] = if pacer == "model" { &[0.005, 0.01, 0.02, 0.03] } else { &[0.01, 0.02, 0.03] };
            for &target in targets {
                // AMD on is measured at 1 s of analysis: at the default 3 s it outlasts the 2 s silence limit
                // and the budget keeps it off all day (the AMD-off table).
                let keys = [
                    format!("amd.enabled={amd}"),
                    "amd.detect_time=1.0".to_string(),
                    format!("dialer.agents={agents}"),
                    format!("dialer.pacer={pacer}"),
                    format!("dialer.drop_target={target}"),
                ];
                // Replication i runs with `replication_seed(1, i)`, on two threads (the results do not depend on it).
                let campaign = Campaign::new(Scenario::load("data/scenarios/bench-day.toml", &keys)?)?;
                let runs = replicate(&campaign, 1, 20, 2, &no_progress);
                let of = |kpi: fn(&Summary) -> f64| Estimate::of(&runs.iter().map(kpi).collect::<Vec<_>>());
                let (ab, occ, cph) = (of(|s| s.abandon_rate), of(|s| s.occupancy), of(|s| s.contacts_per_agent_hour));
                let worst = runs.iter().flat_map(|s| s.abandon_rate_per_day.iter().copied()).fold(0.0, f64::max);
                println!(
                    "{amd}  {pacer}  {agents}  {:.3}  {:.2} %  {:.2}  {:.2} %  {:.1} %  {:.1}  {:.1}",
                    target,
                    100.0 * ab.mean,
                    100.0 * ab.half_width(),
                    100.0 * worst,
                    100.0 * occ.mean,
                    100.0 * occ.half_width(),
                    cph.mean
                );
            }
        }
    }
    Ok(())
}
