//! Sizes checked before they reach an allocation or a thread spawn, so that no input — a flag, a scenario
//! value, a forged file header — makes dialsim abort, panic or hang. A refused size says how much memory it
//! would need and how much this machine has.

use crate::error::{Error, Result};

/// Most worker threads per core any command starts: enough to hide I/O waits, few enough that the buffers
/// each worker holds stay small.
pub const THREADS_PER_CORE: usize = 16;

/// Most worker threads, whatever the core count.
pub const MAX_THREADS: usize = 1024;

/// Most hash functions a Bloom filter may use: `k = log2(1/p)` is 50 at a false-positive rate of 1e-15,
/// the smallest [`MIN_FP_RATE`] allows; a file announcing more is forged or corrupted.
pub const MAX_HASHES: u32 = 64;

/// Smallest false-positive rate a filter may be built for (below it `k` and the bitmap grow without use:
/// a phone-number space holds fewer than 1e15 numbers).
pub const MIN_FP_RATE: f64 = 1e-15;

/// The cores this process may use (at least 1).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The most threads a request may ask for on this machine.
pub fn max_threads() -> usize {
    (cores() * THREADS_PER_CORE).min(MAX_THREADS)
}

/// Checks a requested thread count: at least 1, at most [`max_threads`].
pub fn check_threads(threads: usize) -> Result<usize> {
    let max = max_threads();
    if threads == 0 || threads > max {
        return Err(Error::Usage(format!(
            "{threads} threads: use 1 to {max} ({} cores here, at most {THREADS_PER_CORE} threads per core)",
            cores()
        )));
    }
    Ok(threads)
}

/// Memory this machine can still give (Linux: `MemAvailable` of /proc/meminfo), when it can be told.
pub fn memory_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// Refuses to allocate `bytes` for `what` when they exceed the memory available (or, where that cannot be
/// told, the address space a `Vec` may hold), with a message that says how much it would need.
pub fn ensure_memory(what: &str, bytes: u64) -> Result<()> {
    let ceiling = isize::MAX as u64;
    let available = memory_available();
    let limit = available.unwrap_or(ceiling).min(ceiling);
    if bytes > limit {
        return Err(Error::Invalid(format!(
            "{what} would need {} of memory{}",
            human_bytes(bytes),
            match available {
                Some(a) => format!(", but this machine has {} available", human_bytes(a)),
                None => String::from(", more than a process can address"),
            }
        )));
    }
    Ok(())
}

/// `bytes` in B, KiB, MiB, GiB, TiB or PiB with three significant digits.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.3} {}", UNITS[unit]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_beyond_the_cap_are_refused_not_allocated() {
        assert!(check_threads(0).is_err());
        assert!(check_threads(usize::MAX).is_err());
        assert!(check_threads(1_000_000_000).is_err());
        assert_eq!(check_threads(1).unwrap(), 1);
        assert_eq!(check_threads(max_threads()).unwrap(), max_threads());
    }

    #[test]
    fn memory_beyond_what_exists_is_refused_with_the_amount() {
        let e = ensure_memory("a test buffer", u64::MAX).unwrap_err().to_string();
        assert!(e.starts_with("a test buffer would need 16384.000 PiB of memory"), "{e}");
        assert!(ensure_memory("a small buffer", 1024).is_ok());
    }

    #[test]
    fn human_bytes_uses_binary_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.500 KiB");
        assert_eq!(human_bytes(3 << 30), "3.000 GiB");
    }
}
