//! Simulator throughput in events per second: the default day's model, an M/M/c queue (erlang-c.toml), and
//! bench-day.toml at 20, 200 and 2,000 agents (lines = 10 × agents) for the size-independence target.
//!
//! `cargo bench --bench simulate` (`-- agents` for the sizes only); figures are recorded in BENCHMARKS.md, beside a SimPy model of the same
//! M/M/c queue (benches/simpy_mmc.py).
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dialsim::{Scenario, sim::Campaign};
use std::hint::black_box;

fn simulate(c: &mut Criterion) {
    let mut g = c.benchmark_group("simulate");
    g.sample_size(20);
    let default = Campaign::new(Scenario::default_day()).unwrap();
    let events = default.run(1, false).summary.events;
    g.throughput(Throughput::Elements(events));
    g.bench_function("default_day_events", |b| b.iter(|| black_box(default.run(1, false).summary.events)));
    let mmc = Campaign::new(Scenario::load("data/scenarios/erlang-c.toml", &[]).unwrap()).unwrap();
    let events = mmc.run(1, false).summary.events;
    g.throughput(Throughput::Elements(events));
    g.bench_function("mmc_24h_events", |b| b.iter(|| black_box(mmc.run(1, false).summary.events)));
    g.finish();
    let mut g = c.benchmark_group("agents");
    g.sample_size(10);
    for agents in [20u32, 200, 2000] {
        let set = vec![format!("dialer.agents={agents}"), format!("dialer.lines={}", 10 * agents)];
        let campaign = Campaign::new(Scenario::load("data/scenarios/bench-day.toml", &set).unwrap()).unwrap();
        let events = campaign.run(1, false).summary.events;
        g.throughput(Throughput::Elements(events));
        g.bench_function(format!("bench_day_{agents}_events"), |b| {
            b.iter(|| black_box(campaign.run(1, false).summary.events))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("replications");
    g.sample_size(10);
    g.throughput(Throughput::Elements(100));
    g.bench_function("default_day_100_reps_2_threads", |b| {
        b.iter(|| black_box(dialsim::analysis::replicate(&default, 5, 100, 2, &dialsim::analysis::no_progress).len()))
    });
    g.finish();
}

criterion_group!(benches, simulate);
criterion_main!(benches);
