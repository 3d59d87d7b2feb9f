//! Sizes checked before they reach an allocation or a thread spawn, so that no input — a flag, a scenario
//! value, a forged file header — makes dialsim abort, panic or hang. A refused size says how much memory it
//! would need and how much this machine has.

use crate::foundation::error::{Error, Result};

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
        return Err(Error::Request(
            format!(
                "{threads} threads: use 1 to {max} ({} cores here, at most {THREADS_PER_CORE} threads per core)",
                cores()
            )
            .into(),
        ));
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
        return Err(Error::Invalid(
            format!(
                "{what} would need {} of memory{}",
                human_bytes(bytes),
                match available {
                    Some(a) => format!(", but this machine has {} available", human_bytes(a)),
                    None => String::from(", more than a process can address"),
                }
            )
            .into(),
        ));
    }
    Ok(())
}

/// Free space of the file system that holds `path` (for a path not yet made, its nearest existing folder),
/// for an unprivileged writer (`statvfs`'s `f_bavail`), when it can be told.
pub fn disk_available(path: &std::path::Path) -> Option<u64> {
    let absolute = std::path::absolute(path).ok()?;
    let existing = absolute.ancestors().find(|p| p.exists())?;
    statvfs_available(existing)
}

#[cfg(target_os = "linux")]
fn statvfs_available(path: &std::path::Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a NUL-terminated path and `stat` a buffer of the type statvfs fills; it is read only when
    // the call reports success.
    let stat = unsafe {
        if libc::statvfs(c.as_ptr(), stat.as_mut_ptr()) != 0 {
            return None;
        }
        stat.assume_init()
    };
    #[allow(clippy::unnecessary_cast)] // the field types differ between targets
    (stat.f_bavail as u64).checked_mul(stat.f_frsize as u64)
}

#[cfg(not(target_os = "linux"))]
fn statvfs_available(_path: &std::path::Path) -> Option<u64> {
    None
}

/// Parses a size such as `4G`, `500M`, `1.5T`, `64K` or `1000` (bytes): binary units (K = 1024), an optional
/// `i`/`B` after the letter (`4GiB`, `4GB` are 4G).
///
/// ```
/// use dialsim::foundation::limits::parse_size;
/// assert_eq!(parse_size("4G"), Ok(4 << 30));
/// assert_eq!(parse_size("500M"), Ok(500 << 20));
/// assert_eq!(parse_size("1.5KiB"), Ok(1536));
/// assert_eq!(parse_size("1000"), Ok(1000));
/// assert!(parse_size("lots").is_err());
/// ```
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit = unit.trim().to_ascii_uppercase();
    let unit = unit.strip_suffix('B').unwrap_or(&unit);
    let unit = unit.strip_suffix('I').unwrap_or(unit);
    let shift = match unit {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        "P" => 50,
        _ => return Err(format!("'{text}' is not a size (a number with K, M, G or T, e.g. 4G or 500M)")),
    };
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("'{text}' is not a size (a number with K, M, G or T, e.g. 4G or 500M)"))?;
    let bytes = value * (1u64 << shift) as f64;
    if bytes >= u64::MAX as f64 {
        return Err(format!("'{text}' is more bytes than can be counted"));
    }
    Ok(bytes.round() as u64)
}

/// What a piece of work is expected to need before it starts ([`Needs::check`] against this machine).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Needs {
    /// Peak memory, bytes.
    pub memory: u64,
    /// Bytes written to the output folder.
    pub disk: u64,
    /// Processor time, seconds (of an optimised build, on one core).
    pub seconds: f64,
}

/// The ceilings a piece of work is held to: those given (`None`: what this machine has — the memory available,
/// the free space of the output's file system).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ceilings {
    /// The most memory the work may take.
    pub memory: Option<u64>,
    /// The most bytes it may write.
    pub disk: Option<u64>,
}

/// Which resource a refused estimate exceeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// Memory.
    Memory,
    /// Disk space of the output folder's file system.
    Disk,
}

/// An estimate above a ceiling: what it needs, the ceiling, and whether the ceiling was given or is what this
/// machine has. Its message speaks of values; a caller adds how the ceiling is raised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverCeiling {
    /// The resource.
    pub resource: Resource,
    /// The estimate, bytes.
    pub need: u64,
    /// The ceiling, bytes.
    pub ceiling: u64,
    /// Whether the ceiling was given (else it is this machine's).
    pub given: bool,
}

impl std::fmt::Display for OverCeiling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, have) = match (self.resource, self.given) {
            (Resource::Memory, false) => ("memory", "this machine has available"),
            (Resource::Disk, false) => ("disk space", "the output folder's file system has free"),
            (Resource::Memory, true) => ("memory", "the memory limit allows"),
            (Resource::Disk, true) => ("disk space", "the disk limit allows"),
        };
        write!(
            f,
            "would need about {} of {what}, more than the {} {have}",
            human_bytes(self.need),
            human_bytes(self.ceiling)
        )
    }
}

impl Needs {
    /// Checks these needs against `ceilings`, the disk first (a ceiling not given is what this machine has; the disk is the
    /// file system of `out`, and is not checked without an output). A machine that cannot tell its memory
    /// or free space is not held to it.
    pub fn check(&self, ceilings: Ceilings, out: Option<&std::path::Path>) -> std::result::Result<(), OverCeiling> {
        let disk = ceilings.disk.map(|d| (d, true)).or_else(|| out.and_then(disk_available).map(|d| (d, false)));
        if let Some((ceiling, given)) = disk.filter(|(d, _)| self.disk > *d) {
            return Err(OverCeiling { resource: Resource::Disk, need: self.disk, ceiling, given });
        }
        let memory = ceilings.memory.map(|m| (m, true)).or_else(|| memory_available().map(|m| (m, false)));
        if let Some((ceiling, given)) = memory.filter(|(m, _)| self.memory > *m) {
            return Err(OverCeiling { resource: Resource::Memory, need: self.memory, ceiling, given });
        }
        Ok(())
    }

    /// The needs as a phrase: `about 1.2 GiB of memory, 3.4 GiB of disk and 2 h 5 min of processor time`.
    pub fn describe(&self) -> String {
        format!(
            "about {} of memory, {} of disk and {} of processor time",
            human_bytes(self.memory),
            human_bytes(self.disk),
            human_seconds(self.seconds)
        )
    }
}

/// `seconds` as `0.4 s`, `12 s`, `5 min`, `3 h 20 min`, `12 days` or `3.1 years`.
pub fn human_seconds(seconds: f64) -> String {
    const MINUTE: f64 = 60.0;
    const HOUR: f64 = 3600.0;
    const DAY: f64 = 86_400.0;
    const YEAR: f64 = 365.25 * DAY;
    match seconds {
        s if !s.is_finite() => "forever".into(),
        s if s < 1.0 => format!("{s:.1} s"),
        s if s < MINUTE => format!("{s:.0} s"),
        s if s < HOUR => format!("{:.0} min", s / MINUTE),
        s if s < DAY => format!("{:.0} h {:.0} min", (s / HOUR).floor(), (s % HOUR) / MINUTE),
        s if s < YEAR => format!("{:.0} days", s / DAY),
        s => format!("{:.1} years", s / YEAR),
    }
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
    fn needs_above_a_given_ceiling_are_refused_with_both_amounts() {
        let needs = Needs { memory: 5 << 30, disk: 1 << 20, seconds: 1.0 };
        let e = needs.check(Ceilings { memory: Some(4 << 30), disk: None }, None).unwrap_err();
        assert_eq!((e.resource, e.given), (Resource::Memory, true));
        assert_eq!(
            e.to_string(),
            "would need about 5.000 GiB of memory, more than the 4.000 GiB the memory limit allows"
        );
        let e = needs.check(Ceilings { memory: Some(8 << 30), disk: Some(1000) }, None).unwrap_err();
        assert_eq!(e.resource, Resource::Disk);
        assert!(needs.check(Ceilings { memory: Some(8 << 30), disk: Some(2 << 20) }, None).is_ok());
    }

    #[test]
    fn more_disk_than_the_file_system_holds_is_refused_and_a_small_need_is_not() {
        let dir = std::env::temp_dir().join("not-yet-made-by-dialsim");
        assert!(disk_available(&dir).is_some_and(|b| b > 0));
        let huge = Needs { memory: 0, disk: u64::MAX, seconds: 0.0 };
        assert_eq!(huge.check(Ceilings::default(), Some(&dir)).unwrap_err().resource, Resource::Disk);
        let small = Needs { memory: 1024, disk: 1024, seconds: 0.0 };
        assert!(small.check(Ceilings::default(), Some(&dir)).is_ok());
    }

    #[test]
    fn sizes_parse_with_binary_units_and_refuse_words() {
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert_eq!(parse_size("4gib"), Ok(4 << 30));
        assert_eq!(parse_size(" 500M "), Ok(500 << 20));
        assert_eq!(parse_size("2T"), Ok(2 << 40));
        for bad in ["", "G", "4X", "-1G", "1e400", "99999999999P"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn human_bytes_uses_binary_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.500 KiB");
        assert_eq!(human_bytes(3 << 30), "3.000 GiB");
    }
}
