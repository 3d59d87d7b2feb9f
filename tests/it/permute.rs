//! The permutation is a bijection on 0..N for every N, and its order looks uniform.
use crate::common;

use dialsim::Permutation;

/// Checks that `apply` hits every value of 0..n exactly once, and that `invert` undoes it.
fn assert_bijection(n: u64, seed: u64, bits: &mut Vec<u64>) {
    let p = Permutation::new(n, seed);
    bits.clear();
    bits.resize((n as usize).div_ceil(64), 0);
    for i in 0..n {
        let x = p.apply(i);
        assert!(x < n, "n={n}: apply({i}) = {x} is out of range");
        let (w, b) = ((x / 64) as usize, x % 64);
        assert!(bits[w] & (1 << b) == 0, "n={n} seed={seed}: value {x} repeated");
        bits[w] |= 1 << b;
    }
    // n distinct values below n: every value covered.
    for probe in [0, n / 2, n - 1] {
        assert_eq!(p.invert(p.apply(probe)), probe, "n={n}: invert(apply({probe}))");
    }
}

/// Every size from 1 to `limit` is a bijection, split across two threads.
fn bijections_up_to(limit: u64) {
    std::thread::scope(|s| {
        for part in 0..2u64 {
            s.spawn(move || {
                let mut bits = Vec::new();
                let mut n = 1 + part;
                while n <= limit {
                    assert_bijection(n, n ^ 0x5eed, &mut bits);
                    n += 2;
                }
            });
        }
    });
}

#[test]
fn permutation_is_a_bijection_for_every_size_up_to_20000() {
    // 2·10^8 evaluations: every cycle-walking shape up to 20,000 (the second stage goes to 100,000).
    bijections_up_to(20_000);
}

#[test]
#[ignore = "heavy (5·10^9 evaluations, about 100 s): the second stage of .ci/run runs it (cargo test -- --ignored)"]
fn permutation_is_a_bijection_for_every_size_up_to_100000() {
    bijections_up_to(100_000);
}

#[test]
fn permutation_is_a_bijection_for_awkward_sizes() {
    let mut sizes = vec![1u64, 2, 3, 4, 5, 7, 97, 65_521, 999_983, 1_000_003, 10_000_019];
    for k in 2..=22 {
        sizes.extend([(1u64 << k) - 1, 1 << k, (1 << k) + 1]);
    }
    let mut bits = Vec::new();
    for n in sizes {
        for seed in [0, 1, u64::MAX] {
            assert_bijection(n, seed, &mut bits);
        }
    }
}

#[test]
#[ignore = "second stage: large, 10^8 evaluations (about 6 s); sizes to 10^7 stay in the first"]
fn permutation_covers_a_domain_of_10_pow_8_exactly_once() {
    // ZMap shipped repeats for years until a full coverage-bitmap test (#913/#916).
    let n = 100_000_000u64 + 7;
    let mut bits = Vec::new();
    assert_bijection(n, 913, &mut bits);
    assert!(bits.iter().take(bits.len() - 1).all(|&w| w == u64::MAX));
}

#[test]
fn same_seed_same_order_other_seed_other_order() {
    let a = Permutation::new(1_000_000, 7);
    let b = Permutation::new(1_000_000, 7);
    let c = Permutation::new(1_000_000, 8);
    let first = |p: &Permutation| (0..100).map(|i| p.apply(i)).collect::<Vec<_>>();
    assert_eq!(first(&a), first(&b));
    assert_ne!(first(&a), first(&c));
}

#[test]
fn image_of_a_fixed_position_is_uniform_across_seeds() {
    // For positions 0 and 500 of a 1000-element domain, over 40,000 seeds, the image falls evenly into 100 bins.
    let n = 1000u64;
    for position in [0u64, 500] {
        let mut bins = vec![0u64; 100];
        let seeds = 40_000u64;
        for seed in 0..seeds {
            bins[(Permutation::new(n, seed).apply(position) / 10) as usize] += 1;
        }
        let expected = vec![seeds as f64 / 100.0; 100];
        let stat = common::chi2(&bins, &expected);
        assert!(stat < common::chi2_critical_001(99.0), "position {position}: chi2 {stat:.1} over 99 df");
    }
}

#[test]
fn consecutive_outputs_are_independent() {
    // Weak rounds show as structure between neighbours (masscan #505): the pair (x_p mod 10, x_{p+1} mod 10)
    // must be uniform over its 100 cells.
    let n = 10_000_000u64;
    let p = Permutation::new(n, 505);
    let mut cells = vec![0u64; 100];
    let mut prev = p.apply(0) % 10;
    let pairs = 1_000_000u64;
    for i in 1..=pairs {
        let x = p.apply(i) % 10;
        cells[(prev * 10 + x) as usize] += 1;
        prev = x;
    }
    let expected = vec![pairs as f64 / 100.0; 100];
    let stat = common::chi2(&cells, &expected);
    assert!(stat < common::chi2_critical_001(99.0), "chi2 {stat:.1} over 99 df");
}

#[test]
fn chi2_check_rejects_a_non_random_order() {
    // The uniformity check above must be able to fail: the identity order fails it.
    let mut cells = vec![0u64; 100];
    let mut prev = 0u64;
    for i in 1..=1_000_000u64 {
        let x = i % 10;
        cells[(prev * 10 + x) as usize] += 1;
        prev = x;
    }
    let stat = common::chi2(&cells, &vec![10_000.0; 100]);
    assert!(stat > common::chi2_critical_001(99.0));
}

/// The order a seed gives is part of every list manifest: a change to it must bump
/// `dialsim::PERMUTATION_VERSION` (so old lists refuse to be continued) and renew these values.
#[test]
fn permutation_version_pins_the_order() {
    assert_eq!(dialsim::PERMUTATION_VERSION, 1, "renew the values below with the new version");
    let cz = common::list("cz", 7);
    let first: Vec<String> = (0..5).map(|p| cz.number_at(p).to_string()).collect();
    assert_eq!(first, ["+420241643812", "+420463647528", "+420798060266", "+420534772137", "+420223283791"]);
    // The US plan's size is part of the order: renewed when the plan moved to libphonenumber 9.0.35 (7 M more
    // numbers); the cz plan did not change.
    let us = common::list("us", 7);
    let first: Vec<String> = (0..3).map(|p| us.number_at(p).to_string()).collect();
    assert_eq!(first, ["+17018933395", "+17257627813", "+15516445349"]);
}
