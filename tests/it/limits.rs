//! No input makes dialsim panic, abort or hang: every size that reaches an allocation is checked first and
//! refused with one clear line, exit 1 or 2.

use crate::common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use dialsim::{exclude::FilterParams, exclude::KnownFilter};

/// The `dialsim` binary in `dir`, killed after `secs` seconds (a hang fails the test instead of the suite).
fn run_for(dir: &Path, args: &[&str], secs: u64) -> Output {
    assert_cmd::Command::cargo_bin("dialsim")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(secs))
        .output()
        .unwrap()
}

/// Exit 1 or 2, one `dialsim: error:` line on stderr that contains `needle`, and no panic or abort.
fn refused_clearly(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(1 | 2)), "status {:?}, stderr: {err}", out.status);
    assert!(!err.contains("panicked") && !err.contains("memory allocation"), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("dialsim: error:")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains(needle), "expected '{needle}' in: {err}");
}

/// A filter file's bytes with its metadata and bitmap header edited, and the checksum recomputed, as a forger
/// would: `bits` and `hashes` go into both the metadata and the bitmap header.
fn forged(bits_bytes: usize, hashes: u32) -> Vec<u8> {
    let p = FilterParams { fp_rate: 0.01, expected: None, seed: Some(3), threads: 1, country_code: 420 };
    let f = KnownFilter::build(vec![420_601_123_456], &p, vec![]).unwrap();
    let bytes = f.to_bytes();
    let meta_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let mut meta: serde_json::Value = serde_json::from_slice(&bytes[16..16 + meta_len]).unwrap();
    meta["bits"] = serde_json::json!(bits_bytes as u64 * 8);
    meta["hashes"] = serde_json::json!(hashes);
    let meta = serde_json::to_vec(&meta).unwrap();
    let bloom_at = 16 + meta_len + 8;
    const CRATE_HEADER: usize = 1 + 8 + 4 + 32;
    let mut header = bytes[bloom_at..bloom_at + CRATE_HEADER].to_vec();
    header[1..9].copy_from_slice(&(bits_bytes as u64).to_le_bytes());
    header[9..13].copy_from_slice(&hashes.to_le_bytes());
    let mut bloom = header;
    bloom.resize(CRATE_HEADER + bits_bytes, 0);
    let mut out = bytes[..12].to_vec();
    out.extend_from_slice(&(meta.len() as u32).to_le_bytes());
    out.extend_from_slice(&meta);
    out.extend_from_slice(&(bloom.len() as u64).to_le_bytes());
    out.extend_from_slice(&bloom);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

#[test]
fn a_forged_filter_with_an_empty_bitmap_is_refused_not_a_panic() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("zero.bloom"), forged(0, 7)).unwrap();
    let out = run_for(d.path(), &["filter", "info", "zero.bloom"], 60);
    refused_clearly(&out, "0 bits");
    let out = run_for(d.path(), &["generate", "-n", "5", "--exclude", "zero.bloom"], 60);
    refused_clearly(&out, "0 bits");
}

#[test]
fn a_forged_filter_with_billions_of_hashes_is_refused_at_once_not_a_hang() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("k.bloom"), forged(64, u32::MAX)).unwrap();
    let out = run_for(d.path(), &["filter", "check", "k.bloom", "601123456"], 60);
    refused_clearly(&out, "4294967295 hash functions");
}

#[test]
fn a_sparse_huge_filter_file_is_refused_before_it_is_read() {
    let d = tempfile::tempdir().unwrap();
    // A valid header followed by a hole: 100 GB on paper, nothing on disk.
    let path = d.path().join("huge.bloom");
    let head = forged(64, 7);
    let f = std::fs::File::create(&path).unwrap();
    std::io::Write::write_all(&mut &f, &head[..40]).unwrap();
    f.set_len(100 << 30).unwrap();
    let out = run_for(d.path(), &["filter", "info", "huge.bloom"], 60);
    refused_clearly(&out, "huge.bloom");
    // A header announcing exactly the sparse length gets as far as the memory check.
    let meta_len = u32::from_le_bytes(head[12..16].try_into().unwrap()) as u64;
    let bloom_len = (100u64 << 30) - (16 + meta_len + 8) - 4;
    let mut forged_head = head[..16 + meta_len as usize].to_vec();
    forged_head.extend_from_slice(&bloom_len.to_le_bytes());
    let f = std::fs::File::create(&path).unwrap();
    std::io::Write::write_all(&mut &f, &forged_head).unwrap();
    f.set_len(100 << 30).unwrap();
    let out = run_for(d.path(), &["filter", "info", "huge.bloom"], 60);
    refused_clearly(&out, "would need 100.000 GiB of memory");
}

#[test]
fn a_device_given_as_a_filter_is_refused_not_read_forever() {
    let d = tempfile::tempdir().unwrap();
    let out = run_for(d.path(), &["generate", "-n", "5", "--exclude", "/dev/zero"], 60);
    refused_clearly(&out, "not a regular file");
}

#[test]
fn filter_sizes_beyond_memory_are_refused_with_the_amount() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("k.csv"), "+420601123456\n").unwrap();
    for expected in ["18446744073709551615", "10000000000000"] {
        let out = run_for(d.path(), &["filter", "build", "-o", "k.bloom", "--expected", expected, "k.csv"], 60);
        refused_clearly(&out, "would need");
        assert!(!d.path().join("k.bloom").exists());
    }
    let out = run_for(d.path(), &["filter", "build", "-o", "k.bloom", "--fp-rate", "1e-300", "k.csv"], 60);
    refused_clearly(&out, "false-positive rate 1e-300 must be at least 1e-15");
}

#[test]
fn a_capacity_below_the_inputs_is_refused_naming_the_flag_and_the_value_given() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("k.csv"), "+420601123456\n+420601123457\n+420601123458\n").unwrap();
    // Before: "a capacity of 1 is below the 3 distinct numbers in the inputs" for --expected 0, neither the flag
    // nor the value given.
    for (expected, says) in [("0", "--expected 0: a capacity below the 3 distinct numbers"), ("2", "--expected 2:")] {
        let out = run_for(d.path(), &["filter", "build", "-o", "k.bloom", "--expected", expected, "k.csv"], 60);
        refused_clearly(&out, says);
        assert_eq!(out.status.code(), Some(2));
        assert!(!d.path().join("k.bloom").exists());
    }
}

#[test]
fn thread_counts_beyond_the_cap_are_refused() {
    let d = tempfile::tempdir().unwrap();
    for threads in ["18446744073709551615", "1000000000", "0"] {
        let out = run_for(d.path(), &["generate", "-n", "5", "--threads", threads], 60);
        refused_clearly(&out, "--threads");
        let out = run_for(d.path(), &["simulate", "--replications", "2", "--threads", threads], 60);
        refused_clearly(&out, "--threads");
    }
}

#[test]
fn replication_counts_beyond_memory_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let out = run_for(d.path(), &["simulate", "--replications", "4294967295", "--seed", "1"], 60);
    refused_clearly(&out, "would need");
}

#[test]
fn zero_replications_are_refused_by_every_workflow_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let runs: [&[&str]; 4] = [
        &["simulate", "--replications", "0", "--seed", "1"],
        &["sweep", "default", "--vary", "dialer.agents=10", "--replications", "0", "--seed", "1", "-o", "out"],
        &[
            "frontier",
            "default",
            "--agents",
            "10",
            "--targets",
            "0.02",
            "--replications",
            "0",
            "--seed",
            "1",
            "-o",
            "out",
        ],
        &["compare", "default", "default", "--replications", "0", "--seed", "1"],
    ];
    for args in runs {
        let out = run_for(d.path(), args, 60);
        refused_clearly(&out, "--replications must be at least");
        assert_eq!(out.status.code(), Some(2), "{args:?}: bad usage");
        assert!(!d.path().join("out").exists(), "{args:?} wrote a folder");
    }
}

#[test]
fn a_shard_count_beyond_the_space_never_wraps_to_position_zero() {
    let d = tempfile::tempdir().unwrap();
    let whole = common::ok_stdout(d.path(), &["generate", "-n", "3", "--seed", "4", "--format", "txt"]);
    let whole: Vec<&str> = std::str::from_utf8(&whole).unwrap().lines().collect();
    let big = u64::MAX.to_string();
    // Shard 2 of u64::MAX holds position 1 only; shard 1 position 0 only.
    let two = common::ok_stdout(
        d.path(),
        &["generate", "-n", "3", "--seed", "4", "--format", "txt", "--shard", &format!("2/{big}")],
    );
    assert_eq!(std::str::from_utf8(&two).unwrap().lines().collect::<Vec<_>>(), vec![whole[1]]);
    let one = common::ok_stdout(
        d.path(),
        &["generate", "-n", "3", "--seed", "4", "--format", "txt", "--shard", &format!("1/{big}")],
    );
    assert_eq!(std::str::from_utf8(&one).unwrap().lines().collect::<Vec<_>>(), vec![whole[0]]);
    let last = common::ok_stdout(
        d.path(),
        &["generate", "-n", "3", "--seed", "4", "--format", "txt", "--shard", &format!("{big}/{big}")],
    );
    assert!(last.is_empty());
}

#[test]
fn an_endless_input_line_is_refused_not_read_into_memory() {
    let d = tempfile::tempdir().unwrap();
    for args in [
        &["generate", "-n", "5", "--suppress", "/dev/zero"][..],
        &["generate", "-n", "5", "--suppress", "/dev/zero", "--column", "1", "--header", "no"],
        &["filter", "build", "-o", "z.bloom", "--column", "1", "--header", "no", "/dev/zero"],
    ] {
        let out = run_for(d.path(), args, 60);
        refused_clearly(&out, "/dev/zero");
    }
    assert!(!d.path().join("z.bloom").exists());
}

/// A thread count the machine cannot run is bad usage, named by its flag once, by every command that takes
/// one (the one check, `jobs::threads`), before anything is written.
#[test]
fn an_impossible_thread_count_is_refused_by_its_flag_once() {
    let d = tempfile::tempdir().unwrap();
    let runs: [&[&str]; 3] = [
        &["generate", "-n", "1", "--threads", "0", "-o", "out"],
        &["simulate", "--replications", "2", "--threads", "0", "--out", "out"],
        &["sweep", "default", "--vary", "dialer.agents=10", "--threads", "0", "-o", "out"],
    ];
    for args in runs {
        let out = run_for(d.path(), args, 60);
        assert_eq!(out.status.code(), Some(2), "{args:?}: bad usage");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("dialsim: error: --threads: 0 threads: use 1 to "), "{args:?}: {stderr}");
        assert_eq!(stderr.matches("--threads").count(), 1, "{args:?}: {stderr}");
        assert!(!d.path().join("out").exists(), "{args:?} wrote its output");
    }
}
