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
    #[inline]
    pub fn key(&self) -> u64 {
        u64::from(self.country_code) * pow10(self.length) + self.national
    }

    /// The number of an E.164 key (the inverse of [`PhoneNumber::key`]): the country code is the prefix of
    /// 1 to 3 digits that is a calling code (calling codes are prefix-free).
    ///
    /// ```
    /// let n = dialsim::PhoneNumber::from_key(390612345678).unwrap();
    /// assert_eq!((n.country_code, n.national_digits().as_str()), (39, "0612345678"));
    /// ```
    pub fn from_key(key: u64) -> Option<PhoneNumber> {
        let digits = key.to_string();
        (1..=3.min(digits.len().saturating_sub(1))).find_map(|cc_len| {
            let cc: u16 = digits[..cc_len].parse().ok()?;
            crate::plan::is_country_code(cc).then(|| PhoneNumber {
                country_code: cc,
                national: digits[cc_len..].parse().unwrap_or(0),
                length: (digits.len() - cc_len) as u8,
            })
        })
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
/// `width` is at most 20 and `value` must have at most `width` digits. When `out` holds 16 bytes or more, the
/// bytes after the digits up to the 16th may be overwritten (with zeros): callers write on after the digits.
#[inline(always)]
pub(crate) fn write_padded(out: &mut [u8], value: u64, width: usize) -> usize {
    // Up to 16 digits: eight at a time in the lanes of one integer (no division, no table), stored whole.
    // Little-endian: the first digit is the lowest byte; the leading digits beyond `width` are shifted out.
    if (1..=8).contains(&width) && out.len() >= 16 {
        out[..8].copy_from_slice(&(eight_digits(value) >> (8 * (8 - width))).to_le_bytes());
        width
    } else if (9..=16).contains(&width) && out.len() >= 16 {
        let digits =
            u128::from(eight_digits(value / 100_000_000)) | u128::from(eight_digits(value % 100_000_000)) << 64;
        out[..16].copy_from_slice(&(digits >> (8 * (16 - width))).to_le_bytes());
        width
    } else {
        write_padded_pairs(out, value, width)
    }
}

/// The eight decimal digits of `value` (< 10^8), ASCII, the first in the lowest byte: the two halves of four
/// digits, each split into two pairs, each pair into two digits, all lanes at once (exact for these ranges:
/// `x·10486 >> 20 = x/100` for `x < 10^4`, `x·103 >> 10 = x/10` for `x < 100`).
#[inline(always)]
fn eight_digits(value: u64) -> u64 {
    debug_assert!(value < 100_000_000);
    let x = (value / 10_000) | (value % 10_000) << 32;
    let hundreds = ((x * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let x = hundreds | (x - hundreds * 100) << 16;
    let tens = ((x * 103) >> 10) & 0x000f_000f_000f_000f;
    let x = tens | (x - tens * 10) << 8;
    x | 0x3030_3030_3030_3030
}

/// [`write_padded`] two digits at a time, writing nothing past the digits.
#[inline(never)]
fn write_padded_pairs(out: &mut [u8], mut value: u64, width: usize) -> usize {
    let mut i = width;
    // Four digits per step: the two pairs of a step do not wait on each other.
    while i >= 4 {
        let quad = value % 10_000;
        value /= 10_000;
        let (hi, lo) = ((quad / 100) as usize * 2, (quad % 100) as usize * 2);
        out[i - 4..i - 2].copy_from_slice(&PAIRS[hi..hi + 2]);
        out[i - 2..i].copy_from_slice(&PAIRS[lo..lo + 2]);
        i -= 4;
    }
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
    // log10 from the bit length (1233/4096 ≈ log10 2), corrected by one comparison.
    let bits = 64 - (value | 1).leading_zeros() as usize;
    let guess = (bits * 1233) >> 12;
    guess + usize::from((value | 1) >= POW10[guess])
}

/// Writes `value` in decimal without padding; returns the digit count.
#[inline]
pub(crate) fn write_decimal(out: &mut [u8], value: u64) -> usize {
    write_padded(out, value, digit_count(value))
}

/// 10^n for n < 20 (every power of ten a `u64` holds).
const POW10: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// 10^n for the lengths of a national number, from a table (a number's key is taken several times per call
/// in a simulation; `10u64.pow` is a loop).
#[inline(always)]
fn pow10(n: u8) -> u64 {
    POW10.get(usize::from(n)).copied().unwrap_or_else(|| 10u64.pow(u32::from(n)))
}

/// Whether the E.164 key `key` has the calling code `cc`: it lies in [cc, cc + 1) × 10^(digits − digits of cc)
/// (calling codes are a prefix code, so one matches at most). Multiplications only, no allocation, unlike
/// [`PhoneNumber::from_key`]: the audit asks it on every call of a marketing run on a list.
#[inline]
pub(crate) fn has_calling_code(key: u64, cc: u16) -> bool {
    let (digits, code) = (digit_count(key), digit_count(u64::from(cc)));
    // In u128: a key of 20 digits would overflow (cc + 1) × 10^17.
    let (p, key) = (u128::from(POW10[digits.saturating_sub(code)]), u128::from(key));
    digits > code && u128::from(cc) * p <= key && key < (u128::from(cc) + 1) * p
}

/// What a list of numbers `keys` holds when most of them are another country's than `country_code`'s ("a list
/// of 2 numbers of +420 among 2 (0 of +44)"); `None` when at least half are `country_code`'s, or there are none.
pub fn foreign_list(keys: impl IntoIterator<Item = u64>, country_code: u16) -> Option<String> {
    let mut counts: std::collections::BTreeMap<u16, usize> = Default::default();
    let mut len = 0;
    for key in keys {
        let cc = PhoneNumber::from_key(key).map_or(0, |n| n.country_code);
        *counts.entry(cc).or_default() += 1;
        len += 1;
    }
    let own = counts.get(&country_code).copied().unwrap_or(0);
    if len == 0 || own * 2 >= len {
        return None;
    }
    let (&top, &n) = counts.iter().max_by_key(|(_, n)| **n)?;
    Some(format!("a list of {n} numbers of +{top} among {len} ({own} of +{country_code})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The calling code a key has is the one `from_key` (which reads its digits) finds, and no other.
    #[test]
    fn has_calling_code_agrees_with_from_key() {
        let codes = [1u16, 7, 33, 39, 44, 49, 420, 421, 999];
        for key in [
            420_601_123_456u64,
            421_905_123_456,
            4_930_123_456,
            447_700_900_123,
            12_025_550_123,
            33_1234_5678,
            390_612_345_678,
            79_161_234_567,
            4,
            42,
            420,
            4_200,
            u64::MAX,
            0,
        ] {
            let own = PhoneNumber::from_key(key).map(|n| n.country_code);
            for cc in codes {
                assert_eq!(has_calling_code(key, cc), own == Some(cc), "key {key}, code {cc}");
            }
        }
    }

    #[test]
    fn digit_count_matches_the_decimal_length_at_every_power_of_ten() {
        let mut cases = vec![0u64, 1, 9, u64::MAX];
        for k in 1..20 {
            let p = 10u64.pow(k);
            cases.extend([p - 1, p, p + 1]);
        }
        for v in cases {
            assert_eq!(digit_count(v), v.to_string().len(), "{v}");
            let mut buf = [0u8; 20];
            let n = write_decimal(&mut buf, v);
            assert_eq!(&buf[..n], v.to_string().as_bytes());
        }
    }

    /// Every width from 0 to 20 and values across each width's range (both ends, powers of ten, digits of
    /// every kind) give what `format!` gives, through the fast path (16 bytes of room) and the pairs path.
    #[test]
    fn padded_digits_match_format_at_every_width() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for width in 0..=20usize {
            let top = if width >= 20 { u64::MAX } else { 10u64.pow(width as u32) - 1 };
            let mut values = vec![0, top, top / 2, top / 3, top / 7];
            values.extend((0..width.min(19)).map(|k| 10u64.pow(k as u32)));
            values.extend((0..width.min(19)).map(|k| 10u64.pow(k as u32) - 1));
            for _ in 0..2000 {
                seed = crate::foundation::hash::fmix64(seed.wrapping_add(1));
                values.push(if top == u64::MAX { seed } else { seed % (top + 1) });
            }
            for v in values {
                let expected = if width == 0 { String::new() } else { format!("{v:0width$}") };
                let mut room = [b'x'; 24];
                assert_eq!(write_padded(&mut room, v, width), width);
                assert_eq!(&room[..width], expected.as_bytes(), "{v} in {width}");
                let mut tight = vec![b'x'; width];
                assert_eq!(write_padded(&mut tight, v, width), width);
                assert_eq!(tight, expected.as_bytes(), "{v} in {width}, no room");
            }
        }
    }
}
