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
use dialsim::foundation::rng::replication_seed;
use dialsim::foundation::stats::Estimate;
use dialsim::{Scenario, sim::Campaign, sim::Summary};

/// `replications` runs of `file` with `set` on two threads (the results do not depend on it).
fn runs(file: &str, set: &[String], replications: u32, seed: u64) -> dialsim::Result<Vec<Summary>> {
    let campaign = Campaign::new(Scenario::load(file, set)?)?;
    let seeds: Vec<u64> = (0..replications).map(|i| replication_seed(seed, i)).collect();
    let (a, b) = seeds.split_at(seeds.len() / 2);
    Ok(std::thread::scope(|scope| {
        let first = scope.spawn(|| a.iter().map(|&s| campaign.run(s, false).summary).collect::<Vec<_>>());
        let mut out: Vec<Summary> = b.iter().map(|&s| campaign.run(s, false).summary).collect();
        let mut all = first.join().expect("a replication thread panicked");
        all.append(&mut out);
        all
    }))
}

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
                let runs = runs("data/scenarios/bench-day.toml", &keys, 20, 1)?;
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
