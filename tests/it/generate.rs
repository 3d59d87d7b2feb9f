//! Call lists: shards, resume, thread-count independence, uniformity over the plan's rows.
use crate::common;

use std::collections::HashSet;

use dialsim::{CallList, ListFormat, ListRequest, NoExclusion, NumberSpace, Plan, Selection, Shard};

fn write(list: &CallList, req: &ListRequest) -> Vec<u8> {
    let mut out = Vec::new();
    list.write(req, &NoExclusion, &mut out, &mut |_| {}).unwrap();
    out
}

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8(bytes.to_vec()).unwrap().lines().skip(1).map(str::to_string).collect()
}

#[test]
fn shards_are_disjoint_and_together_are_the_unsharded_list() {
    let list = common::list("cz", 11);
    for (start, count) in [(0u64, 100_003u64), (12_345, 54_321)] {
        let whole = lines(&write(&list, &ListRequest { start, count: Some(count), ..Default::default() }));
        assert_eq!(whole.len() as u64, count);
        for n in [1u64, 2, 3, 7, 64] {
            let mut merged: Vec<(u64, String)> = Vec::new();
            let mut seen = HashSet::new();
            for k in 1..=n {
                let req = ListRequest {
                    start,
                    count: Some(count),
                    shard: Shard { index: k, count: n },
                    ..Default::default()
                };
                for line in lines(&write(&list, &req)) {
                    let index: u64 = line.rsplit(',').next().unwrap().parse().unwrap();
                    assert_eq!(index % n, k - 1, "shard {k}/{n} emitted position {index}");
                    assert!(seen.insert(line.clone()), "shard {k}/{n} repeats {line}");
                    merged.push((index, line));
                }
            }
            merged.sort();
            let merged: Vec<String> = merged.into_iter().map(|(_, l)| l).collect();
            assert!(merged == whole, "shards of {n} do not rebuild the list (start {start})");
        }
    }
}

#[test]
fn resuming_at_start_continues_the_same_list() {
    let list = common::list("cz", 7);
    let full = write(&list, &ListRequest { count: Some(1_000_000), format: ListFormat::Txt, ..Default::default() });
    let second = write(
        &list,
        &ListRequest { start: 500_000, count: Some(500_000), format: ListFormat::Txt, ..Default::default() },
    );
    let half = full.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(499_999).unwrap().0 + 1;
    assert!(full[half..] == second[..], "--start 500000 -n 500000 differs from the second half of -n 1000000");
}

#[test]
fn output_bytes_do_not_depend_on_thread_count() {
    let list = common::list("gb", 3);
    for format in [ListFormat::Csv, ListFormat::Txt] {
        let req = |threads| ListRequest { count: Some(300_001), format, threads, ..Default::default() };
        let one = write(&list, &req(1));
        for threads in [2, 3, 8] {
            assert!(one == write(&list, &req(threads)), "{threads} threads changed the {format:?} output");
        }
    }
}

#[test]
fn a_list_never_repeats_and_covers_a_small_space_exactly() {
    let plan = Plan::embedded("cz").unwrap();
    let sel = Selection { types: vec![], prefixes: vec!["6011".into(), "7060".into()], lengths: vec![] };
    let space = NumberSpace::new(&plan, &sel).unwrap();
    assert_eq!(space.len(), 200_000);
    let list = CallList::new(space, 5);
    let all = lines(&write(&list, &ListRequest { count: None, threads: 2, ..Default::default() }));
    assert_eq!(all.len(), 200_000);
    let distinct: HashSet<&str> = all.iter().map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(distinct.len(), 200_000);
    assert!(distinct.iter().all(|n| n.starts_with("+4206011") || n.starts_with("+4207060")));
}

#[test]
fn rows_are_drawn_in_proportion_to_their_size() {
    // χ² of the first 200,000 positions over the segments of the CZ space (mobile + fixed line).
    let list = common::list("cz", 2024);
    let space = list.space();
    let k = 200_000u64;
    let mut observed = vec![0u64; space.segments().len()];
    for p in 0..k {
        let index = space.index_of(&list.number_at(p)).unwrap();
        observed[space.locate(index).0] += 1;
    }
    let expected: Vec<f64> = space.segments().iter().map(|s| k as f64 * s.count as f64 / space.len() as f64).collect();
    let stat = common::chi2(&observed, &expected);
    let df = (observed.len() - 1) as f64;
    assert!(stat < common::chi2_critical_001(df), "chi2 {stat:.1} over {df} df");
}

#[test]
fn the_last_digit_is_uniform_across_seeds_and_positions() {
    let mut digits = vec![0u64; 10];
    for seed in 0..50u64 {
        let list = common::list("sk", seed);
        for p in 0..2_000 {
            digits[(list.number_at(p).national % 10) as usize] += 1;
        }
    }
    let stat = common::chi2(&digits, &[10_000.0; 10]);
    assert!(stat < common::chi2_critical_001(9.0), "chi2 {stat:.1}");
}

#[test]
fn requests_beyond_the_space_fail_before_writing() {
    let plan = Plan::embedded("cz").unwrap();
    let sel = Selection { types: vec![], prefixes: vec!["601".into()], lengths: vec![] };
    let list = CallList::new(NumberSpace::new(&plan, &sel).unwrap(), 1);
    let mut out = Vec::new();
    let err = list
        .write(&ListRequest { count: Some(1_000_001), ..Default::default() }, &NoExclusion, &mut out, &mut |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("the space holds 1000000 numbers"), "{err}");
    assert!(out.is_empty());
    let all = ListRequest { count: None, start: 999_990, ..Default::default() };
    assert_eq!(lines(&write(&list, &all)).len(), 10);
}

#[test]
fn every_position_maps_back_to_itself() {
    let list = common::list("us", 99);
    for p in (0..list.space().len()).step_by(9_999_991).take(400) {
        let n = list.number_at(p);
        assert_eq!(list.position_of(&n), Some(p));
    }
}

/// A worker that panics makes the write panic, not hang waiting for the worker's chunk.
#[test]
fn a_panicking_excluder_panics_the_write_instead_of_hanging() {
    struct Bomb(dialsim::PhoneNumber);
    impl dialsim::Excluder for Bomb {
        fn sources(&self) -> usize {
            1
        }
        fn excluded(&self, number: &dialsim::PhoneNumber) -> Option<usize> {
            assert!(*number != self.0, "the bomb");
            None
        }
    }
    let list = common::list("cz", 3);
    let bomb = Bomb(list.number_at(100));
    for threads in [1, 2, 3] {
        let req = ListRequest { count: Some(200_000), format: ListFormat::Txt, threads, ..Default::default() };
        let run = std::panic::catch_unwind(|| list.write(&req, &bomb, &mut Vec::new(), &mut |_| {}));
        assert!(run.is_err(), "{threads} threads");
    }
}
