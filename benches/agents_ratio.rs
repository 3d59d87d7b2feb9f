//! Paired measurement of issue 27's size target: bench-day.toml at 2,000 agents against 20 agents (lines = 10
//! × agents), in events per second. One 2,000-agent run and enough 20-agent runs to take about as long are
//! timed one after the other, in alternating order, round after round, and the ratio is taken within each
//! round: a shared VM's speed drifts by tens of per cent within seconds, and criterion's `agents` group, which
//! times 20 agents then 2,000 over ten seconds, carries that drift into the ratio (single rounds of 0.71 to
//! 1.35 in BENCHMARKS.md, session 19).
//!
//! `cargo bench --bench agents_ratio` (21 rounds), or its executable with the number of rounds as its argument
//! (`benches/targets.py` does so); the last line is `median RATIO`. Figures are recorded in BENCHMARKS.md.
use std::hint::black_box;
use std::time::Instant;

use dialsim::{Scenario, sim::Campaign};

mod common;
use common::quartiles;

const ROUNDS: usize = 21;

/// bench-day.toml at `agents` agents and ten lines an agent.
fn campaign(agents: u32) -> Campaign {
    let set = [format!("dialer.agents={agents}"), format!("dialer.lines={}", 10 * agents)];
    Campaign::new(Scenario::load("data/scenarios/bench-day.toml", &set).expect("bench-day.toml loads"))
        .expect("bench-day.toml makes a campaign")
}

/// Events per second of `runs` runs of `c` (seed 1, the criterion bench's).
fn rate(c: &Campaign, runs: u32) -> f64 {
    let start = Instant::now();
    let events: u64 = (0..runs).map(|_| black_box(c.run(1, false).summary.events)).sum();
    events as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks benches to list their tests.
    }
    let rounds = std::env::args().skip(1).find_map(|a| a.parse::<usize>().ok()).unwrap_or(ROUNDS).max(1);
    let (small, large) = (campaign(20), campaign(2000));
    // A warm-up of each, which also sizes the 20-agent side to the 2,000-agent run's time.
    let events = |c: &Campaign| c.run(1, false).summary.events;
    let (small_events, large_events) = (events(&small), events(&large));
    let runs = ((large_events as f64 / small_events as f64).round() as u32).max(1);
    println!(
        "bench-day.toml, seed 1: 20 agents {small_events} events a run ({runs} runs a round), 2,000 agents \
         {large_events} events a run; {rounds} rounds"
    );
    let (mut ratios, mut at_small, mut at_large) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (s, l) = if round % 2 == 0 {
            let s = rate(&small, runs);
            (s, rate(&large, 1))
        } else {
            let l = rate(&large, 1);
            (rate(&small, runs), l)
        };
        println!(
            "round {}: 20 agents {:.3} M events/s, 2,000 agents {:.3} M, ratio {:.3}",
            round + 1,
            s / 1e6,
            l / 1e6,
            l / s
        );
        ratios.push(l / s);
        at_small.push(s);
        at_large.push(l);
    }
    let (q1, m, q3) = quartiles(ratios);
    println!(
        "20 agents {:.3} M events/s, 2,000 agents {:.3} M (medians); ratio quartiles {q1:.3} [{m:.3}] {q3:.3}",
        quartiles(at_small).1 / 1e6,
        quartiles(at_large).1 / 1e6
    );
    println!("median {m:.4}");
}
