//! The simulated world's clock: milliseconds since day 0 00:00, and the units built on them; and the crate's one
//! place for civil dates and RFC 3339 instants (on jiff). A leaf module shared by the scenario, the simulator, the
//! compliance records, the filters and the reports.

/// Simulated time in milliseconds: an instant since the start of day 0 (00:00), or a span between two.
///
/// A newtype, so that a time cannot be mixed with a count or an id by accident: it adds and subtracts with other
/// times, scales by whole numbers and divides into counts. The milliseconds are `.0`; [`Millis::secs`] gives
/// seconds, [`Millis::as_f64`] milliseconds as a float.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Millis(pub u64);

impl Millis {
    /// Zero.
    pub const ZERO: Millis = Millis(0);
    /// The largest time.
    pub const MAX: Millis = Millis(u64::MAX);

    /// `n` whole seconds (usable in constants).
    pub const fn seconds(n: u64) -> Millis {
        Millis(n * 1_000)
    }

    /// `n` whole minutes (usable in constants).
    pub const fn minutes(n: u64) -> Millis {
        Millis(n * 60_000)
    }

    /// `self + delta` for a signed `delta` in ms, saturating at zero and at the largest time.
    pub fn saturating_add_signed(self, delta: i64) -> Millis {
        Millis(self.0.saturating_add_signed(delta))
    }

    /// The time in seconds.
    pub fn secs(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// The time in milliseconds, as a float (for areas and rates).
    pub fn as_f64(self) -> f64 {
        self.0 as f64
    }

    /// `self - other`, or zero when `other` is later.
    pub fn saturating_sub(self, other: Millis) -> Millis {
        Millis(self.0.saturating_sub(other.0))
    }

    /// `self + other`, or the largest time on overflow.
    pub fn saturating_add(self, other: Millis) -> Millis {
        Millis(self.0.saturating_add(other.0))
    }
}

impl std::ops::Add for Millis {
    type Output = Millis;
    fn add(self, o: Millis) -> Millis {
        Millis(self.0 + o.0)
    }
}

impl std::ops::Sub for Millis {
    type Output = Millis;
    fn sub(self, o: Millis) -> Millis {
        Millis(self.0 - o.0)
    }
}

impl std::ops::AddAssign for Millis {
    fn add_assign(&mut self, o: Millis) {
        self.0 += o.0;
    }
}

impl std::ops::SubAssign for Millis {
    fn sub_assign(&mut self, o: Millis) {
        self.0 -= o.0;
    }
}

impl std::ops::Mul<u64> for Millis {
    type Output = Millis;
    fn mul(self, k: u64) -> Millis {
        Millis(self.0 * k)
    }
}

impl std::ops::Mul<Millis> for u64 {
    type Output = Millis;
    fn mul(self, m: Millis) -> Millis {
        Millis(self * m.0)
    }
}

impl std::ops::Div<u64> for Millis {
    type Output = Millis;
    fn div(self, k: u64) -> Millis {
        Millis(self.0 / k)
    }
}

/// How many whole `o` fit in `self` (which day, which 15-minute slot).
impl std::ops::Div for Millis {
    type Output = u64;
    fn div(self, o: Millis) -> u64 {
        self.0 / o.0
    }
}

/// What is left of `self` after whole `o` (the time of day).
impl std::ops::Rem for Millis {
    type Output = Millis;
    fn rem(self, o: Millis) -> Millis {
        Millis(self.0 % o.0)
    }
}

impl std::fmt::Display for Millis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One second.
pub const SECOND: Millis = Millis(1_000);
/// One minute.
pub const MINUTE: Millis = Millis(60_000);
/// One hour.
pub const HOUR: Millis = Millis(3_600_000);
/// One day.
pub const DAY: Millis = Millis(86_400_000);

/// Seconds (possibly fractional) as milliseconds, rounded; saturating for huge values.
pub fn millis(seconds: f64) -> Millis {
    if seconds >= 1e15 {
        return Millis(u64::MAX / 4);
    }
    let x = seconds * 1000.0;
    if x.is_nan() || x <= 0.0 {
        // Zero, negative or NaN: `round().max(0.0)` gives 0 for all of them.
        return Millis::ZERO;
    }
    // `x.round()` (half away from zero) without the library call it compiles to on baseline x86-64. The
    // fraction `x - trunc(x)` is exact for every double (from 2^52 on every double is whole), so the result is
    // the same for every x; the unit test below compares the two.
    let whole = x as u64;
    Millis(if x - whole as f64 >= 0.5 { whole + 1 } else { whole })
}

/// `x.round()` (half away from zero, the sign of zero kept) without the library call it compiles to on baseline
/// x86-64, which `Outcome::is_abandoned` made several times per call. Below 2^52 the truncation through `i64` is
/// exact and so is the fraction `x - trunc(x)`; from 2^52 on (and for NaN and the infinities) every double is
/// its own rounding. The unit test below compares the two on every kind of value.
#[inline]
pub(crate) fn round(x: f64) -> f64 {
    if x.is_nan() || x.abs() >= 4_503_599_627_370_496.0 {
        return x;
    }
    let whole = x as i64 as f64;
    let fraction = x - whole;
    let r = if fraction >= 0.5 {
        whole + 1.0
    } else if fraction <= -0.5 {
        whole - 1.0
    } else {
        whole
    };
    r.copysign(x)
}

/// The wall-clock date and time of simulated time `ms` on a floor whose day 0 is `day0`: day `ms / DAY` after
/// it, at the time of day `ms % DAY`.
pub(crate) fn wall_clock(day0: jiff::civil::Date, ms: Millis) -> jiff::civil::DateTime {
    let civil = day0.to_datetime(jiff::civil::Time::midnight());
    let (days, rest) = ((ms / DAY) as i64, (ms % DAY).0 as i64);
    civil.checked_add(jiff::Span::new().days(days).milliseconds(rest)).unwrap_or(civil)
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
    fn millis_rounds_as_f64_round_does() {
        let reference = |s: f64| Millis(if s >= 1e15 { u64::MAX / 4 } else { (s * 1000.0).round().max(0.0) as u64 });
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut cases =
            vec![0.0, -0.0, -1.0, 0.0004, 0.0005, 0.0015, 0.0025, 2.5e-4, 1.0005, 12.3455, 1e15, 2e15, f64::NAN];
        // Just below and at a half millisecond, near 2^52 ms, and just below the saturation point.
        let below = |x: f64| f64::from_bits(x.to_bits() - 1);
        cases.extend([f64::INFINITY, f64::NEG_INFINITY, below(0.0005), below(1.0025), 4_503_599_627.370_5]);
        cases.extend([below(4_503_599_627.370_5), below(1e15)]);
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Durations from a millisecond to years, and exact half-milliseconds.
            let s = (x >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi((x % 12) as i32 - 3);
            cases.push(s);
            cases.push((s * 2000.0).round() / 2000.0);
        }
        for s in cases {
            assert_eq!(millis(s), reference(s), "{s:e}");
        }
    }

    #[test]
    fn round_is_f64_round() {
        let below = |x: f64| f64::from_bits(x.to_bits() - 1);
        let mut cases = vec![0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.3, -0.3, 1e300, -1e300, f64::MIN_POSITIVE];
        cases.extend([f64::INFINITY, f64::NEG_INFINITY, f64::MAX, f64::MIN, below(0.5), -below(0.5), 5e-324]);
        for p in [52, 53, 54, 63, 64] {
            let two = 2f64.powi(p);
            cases.extend([two, -two, below(two), -below(two), two - 0.5, -(two - 0.5), two + 1.0]);
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..400_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = f64::from_bits(x);
            let w = (x >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi((x % 20) as i32 - 5);
            let w = if x & 1 == 0 { w } else { -w };
            cases.extend([v, w, (w * 2.0).round() / 2.0, w * 1000.0]);
        }
        for v in cases {
            let (got, want) = (round(v), v.round());
            assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()), "{v:e}: {got} {want}");
        }
    }

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
