//! The simulated world's clock: milliseconds since day 0 00:00, and the units built on them; and the crate's one
//! place for civil dates and RFC 3339 instants (on jiff). A leaf module shared by the scenario, the simulator, the
//! compliance records, the filters and the reports.

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

/// Days since 1970-01-01 of `YYYY-MM-DD` (years 1900 to 9999); None for text that is not such a date or a date
/// that does not exist (`2026-02-31`).
pub(crate) fn days_from_civil(s: &str) -> Option<i64> {
    let mut it = s.trim().split('-');
    let (y, m, d): (i16, i8, i8) = (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    if it.next().is_some() || !(1900..=9999).contains(&y) {
        return None;
    }
    let date = jiff::civil::Date::new(y, m, d).ok()?;
    Some(i64::from(date.since(jiff::civil::date(1970, 1, 1)).ok()?.get_days()))
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds).
pub(crate) fn rfc3339(secs: i64) -> String {
    let t = jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_from_civil_counts_from_the_epoch_and_refuses_dates_that_do_not_exist() {
        assert_eq!(days_from_civil("1970-01-01"), Some(0));
        assert_eq!(days_from_civil("2000-03-01"), Some(11_017));
        assert_eq!(days_from_civil(" 2026-11-28 "), Some(20_785));
        assert_eq!(days_from_civil("1900-01-01"), Some(-25_567));
        for bad in
            ["2026-02-29", "2026-02-31", "2026-13-01", "2026-00-10", "1899-12-31", "2026-11", "2026-11-28-1", "x"]
        {
            assert_eq!(days_from_civil(bad), None, "{bad}");
        }
        // Leap years by the Gregorian rule.
        assert!(days_from_civil("2000-02-29").is_some() && days_from_civil("1900-02-29").is_none());
    }
}
