//! Set-up shared by the benches: the exclusion benches' list and filter, and the paired benches' quartiles.
#![allow(dead_code)]

use dialsim::{CallList, NumberSpace, Plan, Selection, exclude::FilterParams, exclude::KnownFilter};

/// The list of the embedded cz plan (default selection) for `seed`.
pub fn cz_list(seed: u64) -> CallList {
    CallList::new(NumberSpace::new(&Plan::embedded("cz").unwrap(), &Selection::default()).unwrap(), seed)
}

/// A 10 M-entry filter (fp 0.001, 17 MiB) of the first numbers of another seed's list.
pub fn big_filter() -> KnownFilter {
    let other = cz_list(99);
    let known: Vec<u64> = (0..10_000_000).map(|p| other.number_at(p).key()).collect();
    let p = FilterParams { fp_rate: 0.001, expected: None, seed: Some(2), threads: 2, country_code: 420 };
    KnownFilter::build(known, &p, vec![]).unwrap()
}

/// The lower quartile, median and upper quartile of `v` (not empty).
pub fn quartiles(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 4], v[v.len() / 2], v[v.len() * 3 / 4])
}
