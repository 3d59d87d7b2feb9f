//! Paired measurement of issue 3's speed target: generating a list against a 10 M-entry filter, against the
//! bare `bloomfilter` checks of the same keys. The two are timed alternately in the same process, round after
//! round, and the ratio is taken within each round, so that the drift of a shared VM (±30 % between runs
//! here) cancels out of the ratio. Criterion's absolute figures are in `benches/exclude.rs`.
//!
//! `cargo bench --bench exclude_ratio`; figures are recorded in BENCHMARKS.md.
use std::hint::black_box;
use std::time::{Duration, Instant};

use dialsim::exclude::Source;
use dialsim::{ListFormat, ListRequest, Shard, exclude::Exclusions};

const ROUNDS: usize = 21;

mod common;
use common::{big_filter, cz_list, quartiles};

/// Runs `f` on `threads` threads, each over its part of `keys`, and returns the total it counts.
fn split(keys: &[u64], threads: usize, f: &(dyn Fn(&[u64]) -> usize + Sync)) -> usize {
    let part = keys.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = keys.chunks(part).map(|c| s.spawn(move || f(c))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn time(f: &mut dyn FnMut()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks benches to list their tests.
    }
    let filter = big_filter();
    let list = cz_list(7);
    let n = 1_000_000u64;
    // The keys generation checks: every position it scans (1 M numbers written plus those excluded).
    let mut ex = Exclusions::new();
    ex.push("known", Source::Filter(filter));
    let mut buf = Vec::with_capacity(40 * n as usize);
    let req = |threads| ListRequest { start: 0, count: Some(n), shard: Shard::WHOLE, format: ListFormat::Csv, threads };
    let scanned = list.write(&req(1), &ex, &mut buf, &mut |_| {}).unwrap().scanned;
    let keys: Vec<u64> = (0..scanned).map(|p| list.number_at(p).key()).collect();
    let Source::Filter(filter) = &ex.sources()[0].1 else { unreachable!() };
    let bare = |keys: &[u64]| keys.iter().filter(|&&k| filter.contains_key(k)).count();
    println!("filter: 10 M entries, fp 0.001; generation writes {n} CSV numbers and checks {scanned}");
    println!("{ROUNDS} rounds; per-round ratio generation / bare checks: quartiles (median in the middle)");
    for threads in [1usize, 2] {
        let mut ratios = Vec::new();
        let (mut t_bare, mut t_gen) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let b = time(&mut || {
                black_box(split(&keys, threads, &bare));
            });
            let g = time(&mut || {
                buf.clear();
                list.write(&req(threads), &ex, &mut buf, &mut |_| {}).unwrap();
                black_box(buf.len());
            });
            ratios.push(g.as_secs_f64() / b.as_secs_f64());
            t_bare.push(b.as_secs_f64() * 1e3);
            t_gen.push(g.as_secs_f64() * 1e3);
        }
        let (q1, m, q3) = quartiles(ratios);
        println!(
            "{threads} thread(s): bare checks {:.1} ms, generation {:.1} ms (medians); ratio {q1:.3} [{m:.3}] {q3:.3} \
             ({:+.1} %)",
            quartiles(t_bare).1,
            quartiles(t_gen).1,
            (m - 1.0) * 100.0
        );
    }
}
