//! Exclusion of known numbers: Bloom filter files built from known databases, and exact suppression lists.
//!
//! The rule from the mission: a random number that is in no available database is not personal data, so no
//! number of any database the user knows of may reach a call list. [`Exclusions`] consults every source
//! for every number the generator draws; it never prints.

mod bitmap;
mod build;
mod filter;
mod input;
mod known_keys;
pub(crate) mod normalize;
mod ranges;
mod regions;
pub(crate) mod scrub;
mod suppress;

pub use crate::foundation::hash::{KeyHasher, KeySet};
pub use build::{BuiltFilter, build_filter, build_filter_from, load_exclusions, read_inputs, read_inputs_into};
pub use filter::{FilterMeta, FilterParams, KnownFilter};
pub use input::{
    Column, DELIMITERS, HeaderRow, InputOptions, InputShape, MAX_OUTSIDE_PLAN, MAX_REJECTED, NUMBER_SHARE, NumbersRead,
    OUTSIDE_KEPT, REJECTS_KEPT, Rejected, SAMPLE_BYTES, SAMPLE_ROWS, SourceStats, TextEncoding, parse_delimiter,
};
pub use known_keys::KnownKeys;
pub use suppress::SuppressionList;

use crate::foundation::hash::KeyBits;
use crate::generate::Excluder;
use crate::plan::number::PhoneNumber;

/// One source of numbers never to list.
#[derive(Debug)]
pub enum Source {
    /// A Bloom filter of known databases (false positives possible, never false negatives).
    Filter(KnownFilter),
    /// An exact list.
    Suppression(SuppressionList),
}

impl Source {
    /// Whether the source holds (or, for a filter, may hold) `key`.
    #[inline]
    pub fn contains_key(&self, key: u64) -> bool {
        match self {
            Source::Filter(f) => f.contains_key(key),
            Source::Suppression(s) => s.contains_key(key),
        }
    }
}

/// Every source a list must avoid, in the order given; a number is credited to the first that holds it.
#[derive(Debug, Default)]
pub struct Exclusions {
    sources: Vec<(String, Source)>,
    /// The exact lists' keys in one map, each with the first exact list holding it, so that one probe answers
    /// for all of them (a simulated campaign checks every number it dials). Built while the lists together
    /// hold at most [`MERGED_KEYS`] keys; beyond that the lists are probed one by one, as the filters are.
    merged: Option<std::collections::HashMap<u64, u32, std::hash::BuildHasherDefault<KeyHasher>>>,
    /// A bit per slot of a hash of the keys, set for the slots of the merged map's keys: a clear bit answers
    /// "in no exact list" without the map. Most numbers checked are in none, and this bitmap (16 bits a key)
    /// stays in the caches where the map does not.
    present: KeyBits,
    /// The sources the merged map does not answer for, in order.
    probed: Vec<u32>,
}

/// The most keys the exact lists may hold together for [`Exclusions`] to merge them (about 300 MB at most).
const MERGED_KEYS: usize = 1 << 24;

impl Exclusions {
    /// No sources.
    pub fn new() -> Exclusions {
        Exclusions::default()
    }

    /// Adds a source under a name (its file name, for the summary).
    pub fn push(&mut self, name: impl Into<String>, source: Source) {
        let index = self.sources.len() as u32;
        match &source {
            Source::Suppression(list) if self.merged.as_ref().map_or(0, |m| m.len()) + list.len() <= MERGED_KEYS => {
                let merged = self.merged.get_or_insert_with(Default::default);
                for &key in list.keys() {
                    merged.entry(key).or_insert(index);
                }
                self.present = KeyBits::of(merged.keys().copied(), merged.len(), 16);
            }
            _ => self.probed.push(index),
        }
        self.sources.push((name.into(), source));
    }

    /// Adds every source of `other`, after this one's.
    pub fn append(&mut self, other: Exclusions) {
        for (name, source) in other.sources {
            self.push(name, source);
        }
    }

    /// The sources' names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.sources.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The sources.
    pub fn sources(&self) -> &[(String, Source)] {
        &self.sources
    }

    /// The sources that hold another country's numbers than `country_code`'s — a filter built for another
    /// country, a list most of whose numbers are another country's — each with its name and what it holds.
    /// Such a source excludes nothing from a list of `country_code`'s numbers: using one is a silent leak.
    ///
    /// ```
    /// use dialsim::exclude::{Exclusions, Source, SuppressionList};
    /// let mut ex = Exclusions::new();
    /// ex.push("gb.csv", Source::Suppression(SuppressionList::from_keys([447700900123, 447700900124])));
    /// ex.push("cz.csv", Source::Suppression(SuppressionList::from_keys([420601123456])));
    /// let foreign = ex.foreign(420);
    /// assert_eq!(foreign.len(), 1);
    /// assert_eq!(foreign[0].0, "gb.csv");
    /// assert!(foreign[0].1.contains("+44"), "{}", foreign[0].1);
    /// ```
    pub fn foreign(&self, country_code: u16) -> Vec<(&str, String)> {
        self.foreign_to(&[country_code])
    }

    /// [`Exclusions::foreign`] for a campaign that dials the numbers of several countries (`country_codes`,
    /// the plan's first: a list may hold others): the sources fewer than half of whose numbers are of those
    /// countries together, each told as against the first.
    pub fn foreign_to(&self, country_codes: &[u16]) -> Vec<(&str, String)> {
        let mut out = Vec::new();
        let Some(&first) = country_codes.first() else { return out };
        for (name, source) in &self.sources {
            match source {
                Source::Filter(f) if !country_codes.contains(&f.meta().country_code) => {
                    out.push((name.as_str(), format!("a filter of +{}'s numbers", f.meta().country_code)));
                }
                Source::Suppression(list) => {
                    // Foreign when fewer than half of its numbers are of the countries dialled, all together.
                    let dialled =
                        |k: &u64| country_codes.iter().any(|&cc| crate::plan::number::has_calling_code(*k, cc));
                    if list.keys().filter(|k| dialled(k)).count() * 2 < list.len()
                        && let Some(what) = crate::plan::number::foreign_list(list.keys().copied(), first)
                    {
                        out.push((name.as_str(), what));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Refuses sources of another country's numbers than `country_code`'s ([`Exclusions::foreign`]) with an
    /// error naming each; `escape` is the parameter that lets them through, if the caller has one (the
    /// error then names it).
    pub fn check_country(&self, country_code: u16, escape: Option<crate::Param>) -> crate::Result<()> {
        self.check_countries(&[country_code], escape)
    }

    /// [`Exclusions::check_country`] for a campaign dialling the numbers of `country_codes` (the plan's first,
    /// then those of its list): [`Exclusions::foreign_to`].
    pub fn check_countries(&self, country_codes: &[u16], escape: Option<crate::Param>) -> crate::Result<()> {
        let foreign = self.foreign_to(country_codes);
        if foreign.is_empty() {
            return Ok(());
        }
        let each: Vec<String> = foreign.iter().map(|(name, what)| format!("{name} is {what}")).collect();
        let codes: Vec<String> = country_codes.iter().map(|cc| format!("+{cc}'s")).collect();
        let (whose, dialled) = match codes.as_slice() {
            [one] => (one.clone(), format!("a list of {} numbers", &one[..one.len() - 2])),
            [own, others @ ..] => {
                (format!("{own} nor its list's ({})", others.join(", ")), "the numbers this campaign dials".to_string())
            }
            [] => (String::new(), String::new()),
        };
        let of = if country_codes.len() > 1 { "those countries" } else { "the plan's country" };
        let mut message = crate::foundation::error::Message::from(format!(
            "{}: the numbers to exclude are not {whose}, so they would exclude nothing from {dialled}; use \
             exclusion sources of {of}",
            each.join("; ")
        ));
        if let Some(param) = escape {
            message = message.then(crate::foundation::error::message![" (or ", param, ")"]);
        }
        Err(crate::Error::Invalid(message))
    }

    /// Whether there are no sources.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// The index of the first source holding `key`.
    #[inline]
    pub fn source_of(&self, key: u64) -> Option<usize> {
        let exact = self.exact_source_of(key);
        for &i in &self.probed {
            let i = i as usize;
            if exact.is_some_and(|e| e < i) {
                break;
            }
            if self.sources[i].1.contains_key(key) {
                return Some(i);
            }
        }
        exact
    }

    /// The first of the merged exact lists holding `key`.
    #[inline]
    fn exact_source_of(&self, key: u64) -> Option<usize> {
        if !self.present.may_hold(key) {
            return None;
        }
        self.merged.as_ref().and_then(|m| m.get(&key)).map(|&e| e as usize)
    }
}

impl Excluder for Exclusions {
    fn sources(&self) -> usize {
        self.sources.len()
    }

    #[inline]
    fn excluded(&self, number: &PhoneNumber) -> Option<usize> {
        self.source_of(number.key())
    }

    /// The merged exact lists answer for every number at once (through the prefilter); then each source they
    /// do not answer for, in source order, checks the numbers it could still be first for — a filter all of
    /// its keys at once ([`KnownFilter::contains_many`]), so that the memory reads of many checks overlap.
    fn excluded_each(&self, numbers: &[PhoneNumber], verdicts: &mut Vec<Option<usize>>) {
        verdicts.clear();
        verdicts.extend(numbers.iter().map(|n| self.exact_source_of(n.key())));
        if self.probed.is_empty() {
            return;
        }
        // Positions whose verdict a source not merged may still take (an earlier source than their list).
        let mut open: Vec<usize> = (0..numbers.len()).collect();
        let (mut keys, mut found) = (Vec::new(), Vec::new());
        for &p in &self.probed {
            let p = p as usize;
            open.retain(|&i| verdicts[i].is_none_or(|v| v > p));
            if open.is_empty() {
                break;
            }
            keys.clear();
            keys.extend(open.iter().map(|&i| numbers[i].key()));
            found.clear();
            found.resize(keys.len(), false);
            match &self.sources[p].1 {
                Source::Filter(f) => f.contains_many(&keys, &mut found),
                other => found.iter_mut().zip(&keys).for_each(|(f, &key)| *f = other.contains_key(key)),
            }
            for (&i, _) in open.iter().zip(&found).filter(|(_, f)| **f) {
                verdicts[i] = Some(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first source holding `key`, by probing every source in order: what the merged map must agree with.
    fn probe_all(ex: &Exclusions, key: u64) -> Option<usize> {
        ex.sources().iter().position(|(_, s)| s.contains_key(key))
    }

    #[test]
    fn the_merged_exact_lists_credit_the_same_first_source_as_probing_each() {
        let list = |keys: std::ops::Range<u64>| Source::Suppression(SuppressionList::from_keys(keys));
        let filter = |keys: std::ops::Range<u64>| {
            let params =
                FilterParams { fp_rate: 1e-6, expected: Some(1_000), seed: Some(1), threads: 1, country_code: 420 };
            Source::Filter(KnownFilter::build(keys.collect(), &params, vec![]).unwrap())
        };
        // Lists and filters interleaved, overlapping, so that order decides which source a key is credited to.
        let mut ex = Exclusions::new();
        ex.push("a", list(100..200));
        ex.push("f1", filter(150..400));
        ex.push("b", list(300..500));
        let mut tail = Exclusions::new();
        tail.push("c", list(0..1_000));
        tail.push("f2", filter(900..1_100));
        ex.append(tail);
        assert!(ex.merged.is_some() && ex.probed == [1, 4]);
        let mut credited = [0usize; 5];
        for key in 0..1_200u64 {
            let got = ex.source_of(key);
            assert_eq!(got, probe_all(&ex, key), "key {key}");
            if let Some(i) = got {
                credited[i] += 1;
            }
        }
        // Every source is first for some key (the test exercises every branch): a 100, f1 200 (+ false
        // positives), b 100, c 550 or so, f2 the 100 keys past c.
        assert!(credited.iter().all(|&n| n >= 100), "{credited:?}");
    }
}
