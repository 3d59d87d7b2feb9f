//! Normalising phone numbers as people and databases write them into [`PhoneNumber`]s.
//!
//! Accepted: `+420 601 123 456`, `00420601123456`, `601123456`, `601-123-456`, `(601) 123 456`,
//! `+49 (0)30 1234567`, `030 1234567` (national prefix 0 dropped for +49), `1-202-555-0143` (+1),
//! `420601123456` (the default country code written without `+`, recognised when the rest has a national
//! length of the plan and the whole has not). Rejected, with a reason: letters, a `+` inside the number,
//! too few or too many digits, an unknown country code.

use super::ranges::Ranges;
use crate::plan::number::PhoneNumber;
use crate::plan::{self, Plan};

/// Fewest national digits accepted.
const MIN_NATIONAL: usize = 4;
/// Most national digits accepted (libphonenumber's longest national numbers have 17 digits).
const MAX_NATIONAL: usize = 17;

/// Turns written phone numbers into E.164 [`PhoneNumber`]s for one default country.
#[derive(Clone, Debug)]
pub struct Normalizer {
    country_code: u16,
    national_prefix: Option<String>,
    /// National lengths of the default country's plan, for recognising `420601123456`.
    national_lengths: Vec<u8>,
    /// The national numbers every row of the default country's plan holds, as sorted, disjoint ranges
    /// `(length, first, end)`: for telling a number of the plan from a record id of the same length
    /// (`100000001` is no Czech number) and a number of another country written without its code, in one
    /// binary search.
    plan_ranges: Vec<(u8, u64, u64)>,
    /// The same for the plan's rows and, where one is embedded, every row of the country's national plan: what
    /// [`Normalizer::in_plan`] checks a number of the country against.
    national_ranges: Vec<(u8, u64, u64)>,
    /// `national_ranges` by length, for looking a number up in a step or two: every row of a database is.
    national_by_length: Vec<Ranges>,
    /// The digits of `country_code`, and whether it is a calling code.
    cc_digits: Vec<u8>,
    cc_known: bool,
}

/// Buckets of one length's ranges in [`Normalizer::in_plan`]'s lookup, at most (16 KiB).
const BUCKETS: u64 = 1 << 12;

impl Normalizer {
    /// A normaliser for numbers of country `country_code` written without one.
    pub fn new(country_code: u16) -> Normalizer {
        let (n, digits) = digits_of(u64::from(country_code));
        Normalizer {
            country_code,
            national_prefix: plan::national_prefix(country_code).map(str::to_string),
            national_lengths: Vec::new(),
            plan_ranges: Vec::new(),
            national_ranges: Vec::new(),
            national_by_length: Vec::new(),
            cc_digits: digits[..n].to_vec(),
            cc_known: plan::is_country_code(country_code),
        }
    }

    /// The normaliser for numbers of calling code `country_code`: its embedded plan's, when one is embedded,
    /// else one that knows the code alone.
    pub fn for_country(country_code: u16) -> Normalizer {
        Plan::embedded_for_country(country_code)
            .first()
            .map_or_else(|| Normalizer::new(country_code), |p| Normalizer::for_plan(p))
    }

    /// A normaliser for the plan's country, which also knows the national lengths of the plan's mobile and
    /// fixed-line numbers (those that people answer and databases hold).
    ///
    /// ```
    /// let n = dialsim::Normalizer::for_plan(&dialsim::Plan::embedded("cz").unwrap());
    /// for written in ["+420 601 123 456", "00420601123456", "601-123-456", "(601) 123 456", "420601123456"] {
    ///     assert_eq!(n.parse(written).unwrap().to_string(), "+420601123456");
    /// }
    /// assert!(n.parse("call me").is_err());
    /// ```
    pub fn for_plan(plan: &Plan) -> Normalizer {
        let mut n = Normalizer::new(plan.country_code());
        let answered = |r: &&crate::PlanRow| crate::NumberType::ANSWERED.contains(&r.kind);
        let ours = |r: &&crate::PlanRow| r.country_code == plan.country_code();
        let mut lengths: Vec<u8> = plan.rows().iter().filter(ours).filter(answered).map(|r| r.length).collect();
        if lengths.is_empty() {
            lengths = plan.rows().iter().filter(ours).map(|r| r.length).collect();
        }
        lengths.sort_unstable();
        lengths.dedup();
        n.national_lengths = lengths;
        let ours: Vec<&crate::PlanRow> = plan.rows().iter().filter(ours).collect();
        n.plan_ranges = ranges_of(ours.iter().copied());
        // The country's whole national plan as well, when one is embedded: a plan of some rows only (mobiles,
        // say) must not make a database's fixed-line numbers look like another country's.
        let national: Vec<&Plan> =
            Plan::embedded_for_country(plan.country_code()).into_iter().filter(|p| p.name() != plan.name()).collect();
        n.national_ranges = if national.is_empty() {
            n.plan_ranges.clone()
        } else {
            ranges_of(ours.iter().copied().chain(national.iter().flat_map(|p| p.rows())))
        };
        let longest = n.national_ranges.iter().map(|r| usize::from(r.0)).max().unwrap_or(0);
        n.national_by_length = (0..=longest)
            .map(|length| {
                let of_length = n.national_ranges.iter().filter(|r| usize::from(r.0) == length);
                Ranges::new(of_length.map(|&(_, first, end)| (first, end, ())).collect(), BUCKETS)
            })
            .collect();
        n
    }

    /// Whether a plan is known (the normaliser was made [`Normalizer::for_plan`]).
    pub fn knows_plan(&self) -> bool {
        !self.plan_ranges.is_empty()
    }

    /// Whether `number` is of the default country and a row of its plan, or of the country's embedded national
    /// plan, holds it (false when no plan is known: see [`Normalizer::knows_plan`]). Unlike
    /// [`Normalizer::fits_plan`], every length counts.
    pub fn in_plan(&self, number: &PhoneNumber) -> bool {
        number.country_code == self.country_code
            && self
                .national_by_length
                .get(usize::from(number.length))
                .is_some_and(|r| r.find(number.national).is_some())
    }

    /// The national numbers [`Normalizer::in_plan`] holds, as sorted, disjoint ranges `(length, first, end)`.
    pub(crate) fn national_ranges(&self) -> &[(u8, u64, u64)] {
        &self.national_ranges
    }

    /// The default country code.
    pub fn country_code(&self) -> u16 {
        self.country_code
    }

    /// Whether `length` is a national length of the plan (true when no plan is known).
    pub fn is_plan_length(&self, length: u8) -> bool {
        self.national_lengths.is_empty() || self.national_lengths.contains(&length)
    }

    /// Whether `number` could be a number of the plan: another country's number (which this normaliser cannot
    /// check), or one of the default country whose length and leading digits match a row of the plan (true
    /// when no plan is known). Used to tell a column of phone numbers from one of record ids.
    ///
    /// ```
    /// let n = dialsim::Normalizer::for_plan(&dialsim::Plan::embedded("cz").unwrap());
    /// assert!(n.fits_plan(&n.parse("601 123 456").unwrap()));
    /// assert!(!n.fits_plan(&n.parse("100000001").unwrap()), "no Czech number starts with 1");
    /// assert!(!n.fits_plan(&n.parse("2019").unwrap()));
    /// ```
    pub fn fits_plan(&self, number: &PhoneNumber) -> bool {
        if number.country_code != self.country_code {
            return true;
        }
        if !self.is_plan_length(number.length) {
            return false;
        }
        !self.knows_plan() || holds(&self.plan_ranges, number)
    }

    /// Parses one written number; the error says why it is not a number.
    pub fn parse(&self, written: &str) -> Result<PhoneNumber, &'static str> {
        self.parse_bytes(written.as_bytes())
    }

    /// [`Normalizer::parse`] on bytes (CSV fields need not be UTF-8).
    pub fn parse_bytes(&self, written: &[u8]) -> Result<PhoneNumber, &'static str> {
        let mut digits = [0u8; 32];
        let mut n = 0usize;
        let mut plus = false;
        let mut seen_digit = false;
        let mut i = 0;
        while i < written.len() {
            let b = written[i];
            match b {
                b'0'..=b'9' => {
                    if n == digits.len() {
                        return Err("too many digits");
                    }
                    digits[n] = b - b'0';
                    n += 1;
                    seen_digit = true;
                }
                b'+' if !seen_digit && !plus => plus = true,
                b'+' => return Err("'+' inside the number"),
                // "(0)" after an international country code is a national prefix shown for domestic callers.
                b'(' if plus && written[i..].starts_with(b"(0)") => i += 2,
                b' ' | b'\t' | b'-' | b'.' | b'/' | b'(' | b')' | 0xa0 | 0xc2 => {}
                _ => {
                    return Err(if b.is_ascii_alphabetic() { "contains letters" } else { "contains other characters" });
                }
            }
            i += 1;
        }
        if n == 0 {
            return Err("no digits");
        }
        let d = &digits[..n];
        let international_prefix: &[u8] = if self.country_code == 1 { &[0, 1, 1] } else { &[0, 0] };
        if plus {
            return self.international(d);
        }
        if d.starts_with(international_prefix) {
            return self.international(&d[international_prefix.len()..]);
        }
        let cc = &self.cc_digits[..];
        if !self.national_lengths.is_empty()
            && d.starts_with(cc)
            && !self.national_lengths.contains(&(n as u8))
            && self.national_lengths.contains(&((n - cc.len()) as u8))
        {
            return national(self.country_code, &d[cc.len()..]);
        }
        let mut national_digits = d;
        if let Some(prefix) = &self.national_prefix {
            let p: Vec<u8> = prefix.bytes().map(|b| b - b'0').collect();
            // Drop the trunk prefix, unless what is left would no longer be a plan length.
            if d.starts_with(&p)
                && (self.national_lengths.is_empty() || self.national_lengths.contains(&((n - p.len()) as u8)))
            {
                national_digits = &d[p.len()..];
            }
        }
        national(self.country_code, national_digits)
    }

    /// [`international`], the default country's code first: calling codes are prefix-free, so no shorter
    /// code begins digits that begin with it.
    #[inline]
    fn international(&self, d: &[u8]) -> Result<PhoneNumber, &'static str> {
        // Digit by digit: `starts_with` calls `memcmp` for these two or three bytes.
        let cc = &self.cc_digits;
        if self.cc_known && d.len() >= cc.len() && cc.iter().zip(d).all(|(a, b)| a == b) {
            return national(self.country_code, &d[self.cc_digits.len()..]);
        }
        international(d)
    }
}

/// The national numbers `rows` hold, as sorted, disjoint ranges `(length, first, end)`.
fn ranges_of<'a>(rows: impl Iterator<Item = &'a crate::PlanRow>) -> Vec<(u8, u64, u64)> {
    let mut ranges: Vec<(u8, u64, u64)> = rows
        .filter_map(|r| {
            let free = u32::from(r.length).checked_sub(r.prefix.len() as u32)?;
            let prefix: u64 = if r.prefix.is_empty() { 0 } else { r.prefix.parse().ok()? };
            let width = 10u64.checked_pow(free)?;
            Some((r.length, prefix.checked_mul(width)?, (prefix + 1).checked_mul(width)?))
        })
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(u8, u64, u64)> = Vec::with_capacity(ranges.len());
    for (length, first, end) in ranges {
        match merged.last_mut() {
            Some(last) if last.0 == length && first <= last.2 => last.2 = last.2.max(end),
            _ => merged.push((length, first, end)),
        }
    }
    merged
}

/// Whether one of `ranges` ([`ranges_of`]) holds `number`'s national digits.
fn holds(ranges: &[(u8, u64, u64)], number: &PhoneNumber) -> bool {
    let at = ranges.partition_point(|&(l, first, _)| (l, first) <= (number.length, number.national));
    at > 0 && {
        let (length, _, end) = ranges[at - 1];
        length == number.length && number.national < end
    }
}

fn digits_of(mut v: u64) -> (usize, [u8; 20]) {
    let mut out = [0u8; 20];
    let mut n = 0;
    loop {
        out[n] = (v % 10) as u8;
        v /= 10;
        n += 1;
        if v == 0 {
            break;
        }
    }
    out[..n].reverse();
    (n, out)
}

/// Digits after `+`: a country code of 1 to 3 digits (calling codes are prefix-free), then the national number.
fn international(d: &[u8]) -> Result<PhoneNumber, &'static str> {
    for len in 1..=3.min(d.len()) {
        let code = d[..len].iter().fold(0u16, |a, &x| a * 10 + u16::from(x));
        if d[0] != 0 && plan::is_country_code(code) {
            return national(code, &d[len..]);
        }
    }
    Err("unknown country code")
}

fn national(country_code: u16, d: &[u8]) -> Result<PhoneNumber, &'static str> {
    if d.len() < MIN_NATIONAL {
        return Err("too few digits");
    }
    let cc_len = country_code.checked_ilog10().map_or(1, |l| l as usize + 1);
    if d.len() > MAX_NATIONAL || cc_len + d.len() > plan::MAX_DIGITS {
        return Err("too many digits");
    }
    let national = d.iter().fold(0u64, |a, &x| a * 10 + u64::from(x));
    Ok(PhoneNumber { country_code, national, length: d.len() as u8 })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `in_plan`'s buckets answer what a binary search over the same ranges answers, at every edge of every
    /// range and at random, for every embedded plan.
    #[test]
    fn the_plan_check_by_buckets_agrees_with_a_binary_search() {
        let mut next = crate::foundation::rng::xorshift(0x2545_F491_4F6C_DD1Du64);
        for name in ["cz", "sk", "de", "gb", "us"] {
            let n = Normalizer::for_plan(&Plan::embedded(name).unwrap());
            assert!(n.national_ranges.len() > 3, "{name}");
            let cc = n.country_code;
            let mut numbers: Vec<PhoneNumber> = Vec::new();
            for &(length, first, end) in &n.national_ranges {
                for national in [first.saturating_sub(1), first, first + 1, end - 1, end, end + 1] {
                    for length in [length.saturating_sub(1), length, length + 1] {
                        numbers.push(PhoneNumber { country_code: cc, national, length });
                    }
                }
            }
            for length in 0..=MAX_NATIONAL as u8 + 1 {
                let width = 10u64.saturating_pow(u32::from(length));
                numbers.extend((0..500).map(|_| PhoneNumber { country_code: cc, national: next() % width, length }));
            }
            numbers.push(PhoneNumber { country_code: cc + 1, ..numbers[1] });
            let mut held = 0;
            for number in &numbers {
                let expected = number.country_code == cc && holds(&n.national_ranges, number);
                assert_eq!(n.in_plan(number), expected, "{name}: {number:?}");
                held += usize::from(expected);
            }
            assert!(held > 100 && held < numbers.len(), "{name}: both answers checked ({held} of {})", numbers.len());
        }
    }

    /// Trying the default country's code first finds what trying codes of 1, 2 and 3 digits finds, for every
    /// calling code after `+`, because no code begins another.
    #[test]
    fn the_default_code_first_parses_as_the_search_over_all_codes() {
        let codes: Vec<u16> = (1..1000).filter(|&c| plan::is_country_code(c)).collect();
        assert!(codes.len() > 200, "{}", codes.len());
        for &code in &codes {
            let text = code.to_string();
            for len in 1..text.len() {
                assert!(!plan::is_country_code(text[..len].parse().unwrap()), "{} begins {code}", &text[..len]);
            }
        }
        let normalizers: Vec<Normalizer> = ["cz", "de", "us", "gb"]
            .iter()
            .map(|p| Normalizer::for_plan(&Plan::embedded(p).unwrap()))
            .chain([Normalizer::new(7), Normalizer::new(999), Normalizer::new(0)])
            .collect();
        for n in &normalizers {
            for &code in &codes {
                for national in ["601123456", "12", "30123456789012345678"] {
                    let d: Vec<u8> = format!("{code}{national}").bytes().map(|b| b - b'0').collect();
                    assert_eq!(n.international(&d), international(&d), "{} and +{code} {national}", n.country_code);
                }
            }
        }
    }
}
