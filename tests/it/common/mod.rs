//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;
use std::process::{Output, Stdio};

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

/// The error line `dialsim args` prints in `dir` (`dialsim: error: …`), and its exit code.
pub fn error_line(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = dialsim(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line =
        stderr.lines().find(|l| l.starts_with("dialsim: error: ")).unwrap_or_else(|| panic!("{args:?}: {stderr}"));
    (out.status.code(), line.to_string())
}

/// stdout of a successful run (panics with stderr otherwise).
pub fn ok_stdout(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = dialsim(dir, args);
    assert!(out.status.success(), "dialsim {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The binary run in `dir` with `args` and `stdin` piped in.
pub fn with_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dialsim"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// The rows of a CSV as maps from its header's names (columns found by name, never by position).
pub fn by_header(text: impl AsRef<[u8]>) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_ref());
    let header = reader.headers().unwrap().clone();
    reader.records().map(|r| header.iter().zip(&r.unwrap()).map(|(k, v)| (k.into(), v.into())).collect()).collect()
}

/// The flags of a short replicated run (a one-hour day, two replications, seed 1, one thread), for sweeps and
/// comparisons whose figures the test does not pin.
pub const SHORT_REPLICATED: [&str; 8] =
    ["--set", "run.day_hours=1", "--replications", "2", "--seed", "1", "--threads", "1"];

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

/// Erlang B blocking probability B(c, a).
pub fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

/// Erlang C probability of waiting C(c, a).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let b = erlang_b(c, a);
    f64::from(c) * b / (f64::from(c) - a * (1.0 - b))
}

/// Erlang A (M/M/c+M): probability of abandonment, from the stationary distribution of the birth–death chain
/// with birth rate λ and death rate min(n, c)·μ + max(n − c, 0)·θ (truncated where the terms vanish).
pub fn erlang_a_abandon(c: u32, lambda: f64, mu: f64, theta: f64) -> f64 {
    let mut p = vec![1.0f64];
    for n in 1..100_000usize {
        let death = (n.min(c as usize)) as f64 * mu + n.saturating_sub(c as usize) as f64 * theta;
        let next = p[n - 1] * lambda / death;
        p.push(next);
        if n > c as usize && next < 1e-300 {
            break;
        }
    }
    let total: f64 = p.iter().sum();
    let queue: f64 = p.iter().enumerate().map(|(n, x)| n.saturating_sub(c as usize) as f64 * x).sum::<f64>() / total;
    theta * queue / lambda
}

/// The `.rs` files under `dir`, at any depth.
pub fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// A one-run `simulate` job of `source` with `set`, at seed 1 on one thread, no folder, registry or report:
/// tests change what they need with `..`.
pub fn simulate_job<'a>(source: &'a dialsim::ScenarioSource, set: &'a [String]) -> dialsim::jobs::SimulateJob<'a> {
    dialsim::jobs::SimulateJob {
        source,
        set,
        replications: 1,
        until: None,
        out: None,
        plot: false,
        key: None,
        registry: None,
        report: None,
        seed: Some(1),
        threads: Some(1),
        limits: dialsim::jobs::Limits::default(),
        verbose: false,
    }
}
