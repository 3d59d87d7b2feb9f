//! Phone numbers: a country calling code and national significant digits, formatted as E.164.

use std::fmt;

/// A phone number: country calling code plus a national significant number of a fixed digit count.
///
/// The national digits are held as an integer and their count, so national numbers with a leading zero
/// (Italy's `06…`) keep it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhoneNumber {
    /// Country calling code, e.g. 420.
    pub country_code: u16,
    /// National significant number as an integer.
    pub national: u64,
    /// Count of national digits.
    pub length: u8,
}

impl PhoneNumber {
    /// The E.164 digits (without `+`) as one integer: a unique key for the number, used by filters and lists.
    ///
    /// ```
    /// let n = dialsim::PhoneNumber { country_code: 420, national: 601123456, length: 9 };
    /// assert_eq!(n.key(), 420601123456);
    /// assert_eq!(n.to_string(), "+420601123456");
    /// ```
    pub fn key(&self) -> u64 {
        u64::from(self.country_code) * 10u64.pow(u32::from(self.length)) + self.national
    }

    /// The national significant number as a digit string (leading zeros kept).
    pub fn national_digits(&self) -> String {
        format!("{:0width$}", self.national, width = usize::from(self.length))
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}{:0width$}", self.country_code, self.national, width = usize::from(self.length))
    }
}

/// Two-digit lookup table for fast decimal formatting.
const PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839\
404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// Writes `value` as exactly `width` decimal digits (zero-padded) at the start of `out`; returns `width`.
/// `width` is at most 20 and `value` must have at most `width` digits.
#[inline]
pub(crate) fn write_padded(out: &mut [u8], mut value: u64, width: usize) -> usize {
    let mut i = width;
    while i >= 2 {
        let pair = (value % 100) as usize * 2;
        value /= 100;
        out[i - 2..i].copy_from_slice(&PAIRS[pair..pair + 2]);
        i -= 2;
    }
    if i == 1 {
        out[0] = b'0' + (value % 10) as u8;
    }
    width
}

/// Number of decimal digits of `value` (1 for 0).
#[inline]
pub(crate) fn digit_count(value: u64) -> usize {
    let mut n = 1;
    let mut v = value;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

/// Writes `value` in decimal without padding; returns the digit count.
#[inline]
pub(crate) fn write_decimal(out: &mut [u8], value: u64) -> usize {
    write_padded(out, value, digit_count(value))
}
