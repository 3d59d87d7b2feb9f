//! Exclusion throughput: reading known-number CSVs, building filters, querying them, and generating a list
//! against a 10 M-entry filter compared with the bare filter checks that generation makes.
//!
//! `cargo bench --bench exclude`; figures are recorded in BENCHMARKS.md.
use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dialsim::exclude::Source;
use dialsim::{
    ListFormat, ListRequest, Plan, Shard, exclude::Exclusions, exclude::FilterParams, exclude::InputOptions,
    exclude::KnownFilter,
};

mod common;
use common::{big_filter, cz_list};

fn build(c: &mut Criterion) {
    let list = cz_list(1);
    let rows = 1_000_000u64;
    let mut csv = String::from("id,phone\n");
    for i in 0..rows {
        let d = list.number_at(i).national_digits();
        match i % 4 {
            0 => writeln!(csv, "{i},+420 {} {} {}", &d[..3], &d[3..6], &d[6..]),
            1 => writeln!(csv, "{i},00420{d}"),
            2 => writeln!(csv, "{i},{}-{}-{}", &d[..3], &d[3..6], &d[6..]),
            _ => writeln!(csv, "{i},\"({}) {} {}\"", &d[..3], &d[3..6], &d[6..]),
        }
        .unwrap();
    }
    let options = InputOptions::for_plan(&Plan::embedded("cz").unwrap());
    let keys = options.read("bench.csv", csv.as_bytes()).unwrap().keys;
    let mut g = c.benchmark_group("filter_build");
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows));
    g.bench_function("read_csv_1M_rows", |b| b.iter(|| black_box(options.read("bench.csv", csv.as_bytes()).unwrap())));
    for threads in [1, 2] {
        let p = FilterParams { fp_rate: 0.001, expected: None, seed: Some(1), threads, country_code: 420 };
        g.bench_function(format!("insert_1M_{threads}t"), |b| {
            b.iter(|| black_box(KnownFilter::build(keys.clone(), &p, vec![]).unwrap()))
        });
    }
    g.finish();
}

fn with_big_filter(c: &mut Criterion) {
    let filter = big_filter();
    let list = cz_list(7);
    let n = 1_000_000u64;
    let keys: Vec<u64> = (0..n).map(|p| list.number_at(p).key()).collect();

    let mut g = c.benchmark_group("filter_10M");
    g.sample_size(20);
    g.throughput(Throughput::Elements(n));
    g.bench_function("query_1t", |b| b.iter(|| keys.iter().filter(|&&k| filter.contains_key(k)).count()));
    g.bench_function("query_2t", |b| {
        b.iter(|| {
            let (a, z) = keys.split_at(keys.len() / 2);
            std::thread::scope(|s| {
                let h = s.spawn(|| a.iter().filter(|&&k| filter.contains_key(k)).count());
                let y = z.iter().filter(|&&k| filter.contains_key(k)).count();
                h.join().unwrap() + y
            })
        })
    });
    // The same checks, many keys at once with their memory reads overlapping (what generation does, a
    // chunk of 8192 at a time).
    let many = |keys: &[u64]| -> usize {
        let mut found = vec![false; 8192];
        keys.chunks(8192)
            .map(|chunk| {
                let found = &mut found[..chunk.len()];
                filter.contains_many(chunk, found);
                found.iter().filter(|&&b| b).count()
            })
            .sum()
    };
    g.bench_function("query_many_1t", |b| b.iter(|| many(&keys)));
    g.bench_function("query_many_2t", |b| {
        b.iter(|| {
            let (a, z) = keys.split_at(keys.len() / 2);
            std::thread::scope(|s| {
                let h = s.spawn(|| many(a));
                many(z) + h.join().unwrap()
            })
        })
    });
    let mut ex = Exclusions::new();
    ex.push("known", Source::Filter(filter));
    let mut buf = Vec::with_capacity(40 * n as usize);
    for threads in [1usize, 2] {
        let req = ListRequest { start: 0, count: Some(n), shard: Shard::WHOLE, format: ListFormat::Csv, threads };
        g.bench_function(format!("generate_csv_excluding_{threads}t"), |b| {
            b.iter(|| {
                buf.clear();
                list.write(&req, &ex, &mut buf, &mut |_| {}).unwrap();
                black_box(buf.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, build, with_big_filter);
criterion_main!(benches);
