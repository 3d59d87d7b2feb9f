//! Simulator throughput in events per second: the default day's model and an M/M/c queue (erlang-c.toml).
//!
//! `cargo bench --bench simulate`; figures are recorded in BENCHMARKS.md, beside a SimPy model of the same
//! M/M/c queue (benches/simpy_mmc.py).
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dialsim::{Campaign, Scenario};
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
