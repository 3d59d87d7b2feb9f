//! The way back from a written number to its list position, fast enough to read a whole list file back:
//! [`CallList::position_of`] scans the segments one by one, which a plan of thousands of rows makes slow for
//! millions of numbers. Here a number's E.164 digits find their segment by a hash lookup per head length.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::CallList;
use crate::foundation::hash::fmix64;

/// A hasher for the lookup's small integer keys (SipHash took a fifth of reading a list back).
#[derive(Default)]
struct Mix64(u64);

impl Hasher for Mix64 {
    fn finish(&self) -> u64 {
        fmix64(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// The list positions of E.164 numbers on one call list ([`CallList::positions`]).
#[derive(Debug)]
pub struct Positions<'a> {
    list: &'a CallList,
    /// (E.164 digits, head digits, head value) → the first segment of the space with that head. The head is the
    /// country code followed by the segment's national prefix.
    heads: HashMap<(u8, u8, u64), usize, BuildHasherDefault<Mix64>>,
    /// The head lengths in use.
    head_lens: Vec<u8>,
    /// A stratified list's strata: per segment of the whole space, its stratum and first index there.
    owners: Option<Vec<Option<(usize, u64)>>>,
}

/// The value of ASCII digits (at most 19 of them, all digits: checked by the caller).
fn value(digits: &[u8]) -> u64 {
    digits.iter().fold(0, |v, d| v * 10 + u64::from(d - b'0'))
}

impl<'a> Positions<'a> {
    pub(super) fn new(list: &'a CallList) -> Positions<'a> {
        let mut heads = HashMap::default();
        let mut head_lens = Vec::new();
        for (i, s) in list.space.segments().iter().enumerate() {
            let head = format!("{}{}", s.country_code, s.prefix);
            let total = head.len() as u8 + s.free_digits() as u8;
            let key = (total, head.len() as u8, value(head.as_bytes()));
            heads.entry(key).or_insert(i);
            if !head_lens.contains(&key.1) {
                head_lens.push(key.1);
            }
        }
        let owners = list.mix.as_deref().and_then(|m| m.owners(list.space.segments().len()));
        Positions { list, heads, head_lens, owners }
    }

    /// The list position of the number whose E.164 digits (without `+`) are `digits`, if the list holds it:
    /// what [`CallList::position_of`] gives.
    pub fn of_digits(&self, digits: &[u8]) -> Option<u64> {
        if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        // The first segment (in space order) whose head the number starts with, as the space's own lookup.
        let total = digits.len() as u8;
        let seg = self
            .head_lens
            .iter()
            .filter(|&&h| h <= total)
            .filter_map(|&h| self.heads.get(&(total, h, value(&digits[..usize::from(h)]))).map(|&s| (s, h)))
            .min()?;
        let (seg, head) = seg;
        let offset = value(&digits[usize::from(head)..]);
        match (&self.owners, &self.list.mix) {
            (Some(owners), Some(mix)) => {
                let (stratum, first) = owners[seg]?;
                mix.position_in(stratum, first + offset)
            }
            // A list-assisted list: its strata cut through segments.
            (None, Some(mix)) => mix.position_of_index(self.list.space.segments()[seg].start + offset),
            // A Mitofsky–Waksberg stage-1 list holds its banks' primaries only.
            _ if self.list.two_stage.is_some() => {
                self.list.position_of(&self.list.space.segments()[seg].number(offset))
            }
            _ => Some(self.list.perm.invert(self.list.space.segments()[seg].start + offset)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::plan::space::{NumberSpace, Selection};
    use crate::plan::{NumberType, Plan};

    use super::*;

    /// Every sampled position leads back through the digits of its number, for a uniform and a mixed list over
    /// plans of few and of thousands of rows; numbers off the list are not found.
    #[test]
    fn positions_of_digits_are_the_lists_positions() {
        for plan in ["cz", "de", "gb"] {
            let plan = Plan::embedded(plan).unwrap();
            let uniform = CallList::new(NumberSpace::new(&plan, &Selection::default()).unwrap(), 3);
            let mixed = CallList::mixed(
                &plan,
                &Selection::default(),
                &[(NumberType::Mobile, 0.5), (NumberType::FixedLine, 0.5)],
                3,
            )
            .unwrap();
            for list in [&uniform, &mixed] {
                let positions = list.positions();
                let step = (list.len() / 5_000).max(1);
                for p in (0..list.len()).step_by(step as usize).take(5_000) {
                    let n = list.number_at(p);
                    let digits = n.to_string();
                    assert_eq!(positions.of_digits(&digits.as_bytes()[1..]), Some(p), "{} at {p}", plan.name());
                    assert_eq!(list.position_of(&n), Some(p));
                }
                assert_eq!(positions.of_digits(b"1"), None);
                assert_eq!(positions.of_digits(b"99999999999999999999"), None);
                assert_eq!(positions.of_digits(b"42x"), None);
            }
        }
    }
}
