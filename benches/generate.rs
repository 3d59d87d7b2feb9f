//! Generator throughput: the permutation alone, and whole call lists written as CSV/TXT.
//!
//! `cargo bench --bench generate`; figures are recorded in BENCHMARKS.md.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dialsim::{CallList, ListFormat, ListRequest, NoExclusion, NumberSpace, Permutation, Plan, Selection, Shard};
use std::hint::black_box;

const N: u64 = 1_000_000;

fn permutation(c: &mut Criterion) {
    let mut g = c.benchmark_group("permutation");
    g.throughput(Throughput::Elements(N));
    let p = Permutation::new(343_100_000, 1);
    g.bench_function("apply_1M", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for i in 0..N {
                acc ^= p.apply(i);
            }
            black_box(acc)
        })
    });
    g.bench_function("apply_lanes_1M", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            let mut lanes = [0u64; Permutation::LANES];
            for i in (0..N).step_by(Permutation::LANES) {
                for (l, x) in lanes.iter_mut().enumerate() {
                    *x = i + l as u64;
                }
                p.apply_lanes(&mut lanes);
                acc ^= lanes.iter().fold(0, |a, x| a ^ x);
            }
            black_box(acc)
        })
    });
    g.finish();
}

fn call_list(c: &mut Criterion) {
    let mut g = c.benchmark_group("generate");
    g.throughput(Throughput::Elements(N));
    g.sample_size(20);
    for plan in ["cz", "us"] {
        let space = NumberSpace::new(&Plan::embedded(plan).unwrap(), &Selection::default()).unwrap();
        let list = CallList::new(space, 7);
        for (format, fname) in [(ListFormat::Csv, "csv"), (ListFormat::Txt, "txt")] {
            for threads in [1usize, 2] {
                let req = ListRequest { start: 0, count: Some(N), shard: Shard::WHOLE, format, threads };
                let mut buf = Vec::with_capacity(40 * N as usize);
                g.bench_function(format!("{plan}_{fname}_{threads}t"), |b| {
                    b.iter(|| {
                        buf.clear();
                        list.write(&req, &NoExclusion, &mut buf, &mut |_| {}).unwrap();
                        black_box(buf.len())
                    })
                });
            }
        }
    }
    g.finish();
}

criterion_group!(benches, permutation, call_list);
criterion_main!(benches);
