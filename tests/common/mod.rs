//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;
use std::process::Output;

use dialsim::{CallList, NumberSpace, Plan, Selection};

/// The call list of an embedded plan with the default selection.
pub fn list(plan: &str, seed: u64) -> CallList {
    let space = NumberSpace::new(&Plan::embedded(plan).unwrap(), &Selection::default()).unwrap();
    CallList::new(space, seed)
}

/// The `dialsim` binary, run in `dir` with `args`.
pub fn dialsim(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("dialsim").unwrap().current_dir(dir).args(args).output().unwrap()
}

/// stdout of a successful run (panics with stderr otherwise).
pub fn ok_stdout(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = dialsim(dir, args);
    assert!(out.status.success(), "dialsim {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// Upper critical value of χ² with `df` degrees of freedom at significance 0.001 (Wilson–Hilferty).
pub fn chi2_critical_001(df: f64) -> f64 {
    let z = 3.090_232; // standard normal quantile 0.999
    let a = 2.0 / (9.0 * df);
    df * (1.0 - a + z * a.sqrt()).powi(3)
}

/// Pearson's χ² statistic of observed counts against expected counts.
pub fn chi2(observed: &[u64], expected: &[f64]) -> f64 {
    observed.iter().zip(expected).map(|(&o, &e)| (o as f64 - e).powi(2) / e).sum()
}
