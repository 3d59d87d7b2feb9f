//! The number space: a bijection between positions `0..N` and the numbers of the selected plan rows.
//!
//! A selection keeps rows of some types and, optionally, only numbers under some national prefixes (a filter
//! prefix longer than a row's prefix narrows that row). The kept pieces ("segments") are laid end to end in
//! plan order; index `i` is offset `i - start` within the segment that holds it.

use crate::foundation::error::{Error, Result};
use crate::plan::number::PhoneNumber;
use crate::plan::{NumberType, Plan};

/// Which part of a plan to use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Number types to keep; empty keeps every type.
    pub types: Vec<NumberType>,
    /// National prefixes to keep; empty keeps every prefix.
    pub prefixes: Vec<String>,
    /// National number lengths to keep; empty keeps every length. (Germany's plan, say, allows fixed-line
    /// numbers of 5 to 15 digits, and the longest ones dominate a uniform draw.)
    pub lengths: Vec<u8>,
}

impl Default for Selection {
    /// The types people answer (mobile, fixed line, either), every prefix.
    fn default() -> Selection {
        Selection { types: NumberType::ANSWERED.to_vec(), prefixes: Vec::new(), lengths: Vec::new() }
    }
}

/// A contiguous block of the space: numbers `prefix` followed by `length - prefix_len` free digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Index of the plan row it comes from.
    pub row: usize,
    /// Region, e.g. `CZ`.
    pub region: String,
    /// Country calling code.
    pub country_code: u16,
    /// Number type.
    pub kind: NumberType,
    /// National prefix digits (possibly narrowed by the selection).
    pub prefix: String,
    /// National number length.
    pub length: u8,
    /// First space index of the segment.
    pub start: u64,
    /// Numbers in the segment.
    pub count: u64,
    /// National number at offset 0 (the prefix followed by zeros).
    pub base: u64,
}

impl Segment {
    /// Free (random) digits after the prefix.
    pub fn free_digits(&self) -> u32 {
        u32::from(self.length) - self.prefix.len() as u32
    }

    /// The number at `offset` (< count) within the segment.
    pub fn number(&self, offset: u64) -> PhoneNumber {
        PhoneNumber { country_code: self.country_code, national: self.base + offset, length: self.length }
    }
}

/// Index ↔ number over the selected rows of a plan.
#[derive(Clone, Debug)]
pub struct NumberSpace {
    segments: Vec<Segment>,
    starts: Vec<u64>,
    len: u64,
    /// `buckets[b]` = the segment holding index `b << shift`: `locate` starts there and rarely steps on,
    /// instead of a binary search with unpredictable branches.
    buckets: Vec<u32>,
    shift: u32,
}

/// About 2^14 buckets (64 KiB of table).
const BUCKET_BITS: u32 = 14;

/// A hint for prefixes written with the national trunk 0 (`07` for a British mobile): plans hold national
/// significant numbers, which start after it.
fn trunk_hint(prefixes: &[&str]) -> String {
    let trunk: Vec<&str> = prefixes.iter().filter_map(|p| p.strip_prefix('0')).filter(|p| !p.is_empty()).collect();
    if trunk.is_empty() {
        String::new()
    } else {
        format!(" (prefixes are written without the trunk 0 dialled inside the country: try {})", trunk.join(","))
    }
}

impl NumberSpace {
    /// Builds the space of `plan` restricted to `selection`.
    ///
    /// ```
    /// use dialsim::{NumberSpace, NumberType, Plan, Selection};
    /// let plan = Plan::embedded("cz").unwrap();
    /// let sel = Selection { types: vec![NumberType::Mobile], prefixes: vec!["601".into()], lengths: vec![] };
    /// let space = NumberSpace::new(&plan, &sel).unwrap();
    /// assert_eq!(space.len(), 1_000_000);
    /// assert_eq!(space.number(0).to_string(), "+420601000000");
    /// ```
    pub fn new(plan: &Plan, selection: &Selection) -> Result<NumberSpace> {
        for p in &selection.prefixes {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::Request(format!("prefix '{p}' must be one or more digits").into()));
            }
        }
        // A filter prefix under another filter prefix adds nothing (and would count numbers twice).
        let mut filters: Vec<&str> = selection.prefixes.iter().map(String::as_str).collect();
        filters.sort();
        filters.dedup();
        let filters: Vec<&str> = filters
            .iter()
            .copied()
            .filter(|f| !filters.iter().any(|g| g.len() < f.len() && f.starts_with(g)))
            .collect();

        let mut segments = Vec::new();
        let mut start = 0u64;
        for (i, row) in plan.rows().iter().enumerate() {
            if (!selection.types.is_empty() && !selection.types.contains(&row.kind))
                || (!selection.lengths.is_empty() && !selection.lengths.contains(&row.length))
            {
                continue;
            }
            let mut pieces: Vec<String> = Vec::new();
            if filters.is_empty() {
                pieces.push(row.prefix.clone());
            } else {
                for f in &filters {
                    if row.prefix.starts_with(f) {
                        pieces.push(row.prefix.clone());
                    } else if f.starts_with(&row.prefix) && f.len() <= usize::from(row.length) {
                        pieces.push(f.to_string());
                    }
                }
            }
            for prefix in pieces {
                let count = 10u64.pow(u32::from(row.length) - prefix.len() as u32);
                let base = if prefix.is_empty() { 0 } else { prefix.parse::<u64>().expect("validated digits") * count };
                segments.push(Segment {
                    row: i,
                    region: row.region.clone(),
                    country_code: row.country_code,
                    kind: row.kind,
                    prefix,
                    length: row.length,
                    start,
                    count,
                    base,
                });
                start =
                    start.checked_add(count).ok_or_else(|| Error::Invalid("the number space is too large".into()))?;
            }
        }
        if segments.is_empty() {
            let types: Vec<&str> = selection.types.iter().map(|t| t.as_str()).collect();
            // The types the plan has, when none asked for is among them (the NANP tells no mobiles from fixed
            // lines: fixedLineOrMobile).
            let mut held: Vec<&str> = plan.rows().iter().map(|r| r.kind.as_str()).collect();
            held.sort();
            held.dedup();
            let held = if !types.is_empty() && !types.iter().any(|t| held.contains(t)) {
                format!(" (its types: {})", held.join(", "))
            } else {
                String::new()
            };
            return Err(Error::Request(
                format!(
                    "plan '{}' has no numbers of type {}{held} under prefix {}{}{}",
                    plan.name(),
                    if types.is_empty() { "any".to_string() } else { types.join(",") },
                    if filters.is_empty() { "any".to_string() } else { filters.join(",") },
                    if selection.lengths.is_empty() {
                        String::new()
                    } else {
                        format!(" with length {:?}", selection.lengths)
                    },
                    trunk_hint(&filters)
                )
                .into(),
            ));
        }
        let starts: Vec<u64> = segments.iter().map(|s| s.start).collect();
        let len = start;
        let shift = (64 - (len - 1).leading_zeros()).saturating_sub(BUCKET_BITS);
        let buckets =
            (0..=((len - 1) >> shift)).map(|b| (starts.partition_point(|&s| s <= b << shift) - 1) as u32).collect();
        Ok(NumberSpace { segments, starts, len, buckets, shift })
    }

    /// How many numbers the space holds.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the space is empty (never true for a constructed space).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The segments, in index order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The segment index and offset of space index `index` (< len).
    #[inline]
    pub fn locate(&self, index: u64) -> (usize, u64) {
        debug_assert!(index < self.len);
        let mut seg = self.buckets[(index >> self.shift) as usize] as usize;
        while seg + 1 < self.starts.len() && self.starts[seg + 1] <= index {
            seg += 1;
        }
        (seg, index - self.starts[seg])
    }

    /// The number at space index `index` (< len).
    pub fn number(&self, index: u64) -> PhoneNumber {
        let (seg, offset) = self.locate(index);
        self.segments[seg].number(offset)
    }

    /// The space index of `number`, if the space holds it.
    pub fn index_of(&self, number: &PhoneNumber) -> Option<u64> {
        let digits = number.national_digits();
        self.segments.iter().find_map(|s| {
            (s.country_code == number.country_code && s.length == number.length && digits.starts_with(&s.prefix))
                .then(|| s.start + number.national % 10u64.pow(s.free_digits()))
        })
    }
}
