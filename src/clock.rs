//! The simulated world's clock: milliseconds since day 0 00:00, and the units built on them. A leaf module shared by
//! the simulator, the compliance records and the reports.

/// Simulated time in milliseconds since the start of day 0 (00:00).
pub type Millis = u64;

/// Milliseconds per second, minute, hour, day.
pub const SECOND: Millis = 1_000;
/// One minute.
pub const MINUTE: Millis = 60 * SECOND;
/// One hour.
pub const HOUR: Millis = 60 * MINUTE;
/// One day.
pub const DAY: Millis = 24 * HOUR;

/// Seconds (possibly fractional) as milliseconds, rounded; saturating for huge values.
pub fn millis(seconds: f64) -> Millis {
    if seconds >= 1e15 { Millis::MAX / 4 } else { (seconds * 1000.0).round().max(0.0) as Millis }
}

/// The IANA zone `name` from the time zone database compiled into dialsim (jiff's `tzdb-bundle-always`: the
/// system's zoneinfo is never read, so a run's timestamps do not depend on the machine).
pub fn zone(name: &str) -> Option<jiff::tz::TimeZone> {
    jiff::tz::TimeZone::get(name).ok()
}
