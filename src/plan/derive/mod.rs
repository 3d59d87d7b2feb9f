//! Plans derived from libphonenumber's metadata (`dialsim plan derive PhoneNumberMetadata.xml`).
//!
//! Each number type of a region has a national-number pattern (a regular expression over digits) and a list
//! of possible lengths. For every length the digit trie is walked depth-first, carrying one DFA state per
//! pattern, and stops at the shortest prefix below which every completion of that length gets the same
//! libphonenumber type (or is invalid). That prefix becomes a plan row `region,type,prefix,length`.
//!
//! The type of a number follows libphonenumber's `getNumberTypeHelper`: the number must fully match the
//! general description; then premiumRate, tollFree, sharedCost, voip, personalNumber, pager, uan and voicemail
//! win in that order; then fixedLine (fixedLineOrMobile when the mobile pattern is the same or also matches)
//! and mobile. Patterns must match the whole national number, as in libphonenumber (the Rust `phonenumber`
//! crate accepts a match at the start of the number, whisperfish/rust-phonenumber#31). A descriptor without
//! possible lengths takes the union of the territory's type lengths, as libphonenumber's build does for the
//! general description.
//!
//! The shipped plans in `data/plans/` are this module's output for the metadata version they name
//! (`tests/it/plans.rs` checks it byte for byte). This module never prints and never writes files.

mod xml;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use regex_automata::dfa::{Automaton, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::{start, syntax};
use regex_automata::{Anchored, MatchKind};

pub use xml::{Descriptor, Metadata, Territory};

use crate::foundation::error::{Error, Result};

/// One derived row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DerivedRow {
    /// National digit prefix.
    pub prefix: String,
    /// National number length.
    pub length: u32,
    /// libphonenumber type name.
    pub kind: &'static str,
}

/// Match state of one pattern over all completions of a prefix.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tri {
    All,
    None,
    Some,
}

struct Pattern {
    dfa: dense::DFA<Vec<u32>>,
    start: StateID,
    lengths: Vec<u32>,
    memo: HashMap<(StateID, u32), (bool, bool)>,
}

impl Pattern {
    fn new(meta: &Metadata, region: &str, kind: &str, desc: &Descriptor, fallback: &[u32]) -> Result<Pattern> {
        let err = |m: String| Error::input(&meta.name, Some(desc.line), format!("{region} {kind}: {m}"));
        let dfa = dense::Builder::new()
            .configure(dense::Config::new().match_kind(MatchKind::All))
            .syntax(syntax::Config::new().ignore_whitespace(true).unicode(false).utf8(false))
            .build(&format!("^(?:{})$", desc.pattern))
            .map_err(|e| err(format!("the national-number pattern does not compile: {e}")))?;
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .map_err(|e| err(format!("the pattern has no anchored start: {e}")))?;
        let lengths = if desc.lengths.is_empty() { fallback.to_vec() } else { desc.lengths.clone() };
        Ok(Pattern { dfa, start, lengths, memo: HashMap::new() })
    }

    /// (every completion of `remaining` digits matches, no completion matches).
    fn reach(&mut self, state: StateID, remaining: u32) -> (bool, bool) {
        if remaining == 0 {
            let m = self.dfa.is_match_state(self.dfa.next_eoi_state(state));
            return (m, !m);
        }
        if self.dfa.is_dead_state(state) {
            return (false, true);
        }
        if let Some(&r) = self.memo.get(&(state, remaining)) {
            return r;
        }
        let (mut all, mut none) = (true, true);
        for d in b'0'..=b'9' {
            let (a, n) = self.reach(self.dfa.next_state(state, d), remaining - 1);
            all &= a;
            none &= n;
        }
        self.memo.insert((state, remaining), (all, none));
        (all, none)
    }

    fn tri(&mut self, state: StateID, length: u32, remaining: u32) -> Tri {
        if !self.lengths.contains(&length) {
            return Tri::None;
        }
        match self.reach(state, remaining) {
            (true, _) => Tri::All,
            (_, true) => Tri::None,
            _ => Tri::Some,
        }
    }
}

/// Types that win over fixed line and mobile, in libphonenumber's order.
const PRECEDENCE: [&str; 8] =
    ["premiumRate", "tollFree", "sharedCost", "voip", "personalNumber", "pager", "uan", "voicemail"];

/// Outcome of classifying a prefix: undecided, or decided (None = not a valid number).
enum Class {
    Undecided,
    Decided(Option<&'static str>),
}

/// The patterns of one territory: `patterns[0]` is the general description, then the ranked types, then
/// fixed line and mobile when present.
struct Classifier {
    patterns: Vec<Pattern>,
    ranked: Vec<&'static str>,
    fixed: Option<usize>,
    mobile: Option<usize>,
    same_fixed_mobile: bool,
}

impl Classifier {
    fn new(meta: &Metadata, t: &Territory) -> Result<Classifier> {
        let general = t.descriptor("generalDesc").ok_or_else(|| {
            Error::input(&meta.name, Some(t.line), format!("territory {} has no generalDesc pattern", t.id))
        })?;
        let union: Vec<u32> = PRECEDENCE
            .iter()
            .chain(["fixedLine", "mobile"].iter())
            .filter_map(|n| t.descriptor(n))
            .flat_map(|d| d.lengths.iter().copied())
            .collect::<BTreeSet<u32>>()
            .into_iter()
            .collect();
        let mut patterns = vec![Pattern::new(meta, &t.id, "generalDesc", general, &union)?];
        let mut ranked = Vec::new();
        for name in PRECEDENCE {
            if let Some(d) = t.descriptor(name) {
                patterns.push(Pattern::new(meta, &t.id, name, d, &union)?);
                ranked.push(name);
            }
        }
        let slot = |name: &str, patterns: &mut Vec<Pattern>| -> Result<Option<usize>> {
            t.descriptor(name)
                .map(|d| {
                    patterns.push(Pattern::new(meta, &t.id, name, d, &union)?);
                    Ok(patterns.len() - 1)
                })
                .transpose()
        };
        let fixed = slot("fixedLine", &mut patterns)?;
        let mobile = slot("mobile", &mut patterns)?;
        let same_fixed_mobile = match (t.descriptor("fixedLine"), t.descriptor("mobile")) {
            (Some(f), Some(m)) => f.pattern == m.pattern,
            _ => false,
        };
        Ok(Classifier { patterns, ranked, fixed, mobile, same_fixed_mobile })
    }

    /// Kleene-logic evaluation of libphonenumber's type precedence over all completions.
    fn classify(&mut self, states: &[StateID], length: u32, remaining: u32) -> Class {
        let general = self.patterns[0].tri(states[0], length, remaining);
        if general == Tri::None {
            return Class::Decided(None);
        }
        let decided = |kind: Option<&'static str>| {
            if general == Tri::All || kind.is_none() { Class::Decided(kind) } else { Class::Undecided }
        };
        for (i, name) in self.ranked.iter().enumerate() {
            match self.patterns[1 + i].tri(states[1 + i], length, remaining) {
                Tri::All => return decided(Some(name)),
                Tri::Some => return Class::Undecided,
                Tri::None => {}
            }
        }
        let mut tri_of = |slot: Option<usize>| match slot {
            Some(i) => self.patterns[i].tri(states[i], length, remaining),
            None => Tri::None,
        };
        let fixed = tri_of(self.fixed);
        let mobile = tri_of(self.mobile);
        match (fixed, mobile) {
            (Tri::All, _) if self.same_fixed_mobile => decided(Some("fixedLineOrMobile")),
            (Tri::All, Tri::All) => decided(Some("fixedLineOrMobile")),
            (Tri::All, Tri::None) => decided(Some("fixedLine")),
            (Tri::None, Tri::All) => decided(Some("mobile")),
            (Tri::None, Tri::None) => decided(None),
            _ => Class::Undecided,
        }
    }

    fn walk(&mut self, prefix: &mut String, states: Vec<StateID>, length: u32, rows: &mut Vec<DerivedRow>) {
        let remaining = length - prefix.len() as u32;
        match self.classify(&states, length, remaining) {
            Class::Decided(None) => {}
            Class::Decided(Some(kind)) => rows.push(DerivedRow { prefix: prefix.clone(), length, kind }),
            // A complete number is always decided (every pattern is All or None on it); the guard keeps a
            // malformed DFA from walking past the length.
            Class::Undecided if remaining == 0 => {}
            Class::Undecided => {
                for d in b'0'..=b'9' {
                    let next: Vec<StateID> =
                        self.patterns.iter().zip(&states).map(|(p, &s)| p.dfa.next_state(s, d)).collect();
                    prefix.push(char::from(d));
                    self.walk(prefix, next, length, rows);
                    prefix.pop();
                }
            }
        }
    }
}

/// Derives the rows of territory `region` (e.g. `CZ`) of `meta`, sorted by prefix then length.
///
/// ```
/// # #[cfg(feature = "derive")] {
/// let xml = r#"<phoneNumberMetadata><territories>
///   <territory id="CZ" countryCode="420">
///     <generalDesc><nationalNumberPattern>[2-7]\d{8}</nationalNumberPattern></generalDesc>
///     <mobile><possibleLengths national="9"/><nationalNumberPattern>60[1-8]\d{6}</nationalNumberPattern></mobile>
///   </territory></territories></phoneNumberMetadata>"#;
/// let meta = dialsim::plan_derive::Metadata::parse("tiny.xml", xml.as_bytes()).unwrap();
/// let rows = dialsim::plan_derive::derive_region(&meta, "CZ").unwrap();
/// assert_eq!(rows.len(), 8); // 601 … 608
/// # }
/// ```
pub fn derive_region(meta: &Metadata, region: &str) -> Result<Vec<DerivedRow>> {
    let t = meta.territory(region).ok_or_else(|| {
        Error::Request(format!("{} has no territory '{region}' (expected a region id such as CZ)", meta.name).into())
    })?;
    let mut classifier = Classifier::new(meta, t)?;
    let mut rows = Vec::new();
    for length in classifier.patterns[0].lengths.clone() {
        if length == 0 || length > 17 {
            continue;
        }
        let states: Vec<StateID> = classifier.patterns.iter().map(|p| p.start).collect();
        classifier.walk(&mut String::new(), states, length, &mut rows);
    }
    rows.sort();
    Ok(rows)
}

/// The metadata version written into derived plans when none is given and the path names none.
pub const UNKNOWN_VERSION: &str = "unknown";

/// The libphonenumber version a metadata path names, if any: the last `X.Y.Z` in it (the `phonenumber`
/// crate's folder is `phonenumber-0.3.10+9.0.33`, a release folder `libphonenumber-9.0.43`).
pub fn version_in_path(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut best = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit() && bytes[i - 1] != b'.') {
            let mut j = i;
            let mut dots = 0;
            while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
                dots += usize::from(bytes[j] == b'.');
                j += 1;
            }
            let candidate = path[i..j].trim_end_matches('.');
            if dots >= 2 && candidate.split('.').count() == 3 && candidate.split('.').all(|p| !p.is_empty()) {
                best = Some(candidate.to_string());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    best
}

/// The plan file text of `regions` (one or more territories of one country code), with the `#` provenance
/// header that records the metadata `version`.
pub fn plan_csv(meta: &Metadata, regions: &[String], version: &str) -> Result<String> {
    let mut all = Vec::new();
    let mut codes = BTreeSet::new();
    for region in regions {
        let t = meta.territory(region).ok_or_else(|| {
            Error::Request(
                format!("{} has no territory '{region}' (expected a region id such as CZ)", meta.name).into(),
            )
        })?;
        codes.insert(t.country_code);
        all.push((t.id.clone(), derive_region(meta, &t.id)?));
    }
    if codes.len() > 1 {
        return Err(Error::Request(
            format!("the regions {} have different country codes: a plan holds one country code", regions.join(", "))
                .into(),
        ));
    }
    let code = codes.first().copied().unwrap_or(0);
    let mut counts: BTreeMap<&str, u128> = BTreeMap::new();
    let mut rows = 0;
    for (_, rs) in &all {
        rows += rs.len();
        for r in rs {
            *counts.entry(r.kind).or_default() += 10u128.pow(r.length - r.prefix.len() as u32);
        }
    }
    let ids: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
    let mut out = String::new();
    let _ = writeln!(out, "# dialsim numbering plan for {} (+{code})", ids.join(", "));
    let _ = writeln!(out, "# metadata: libphonenumber {version} ({})", meta.name);
    let flags: String = ids.iter().map(|id| format!(" --region {id}")).collect();
    let _ = writeln!(
        out,
        "# derived by: dialsim plan derive {}{flags} --metadata-version {version}  (do not edit by hand)",
        meta.name
    );
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{k}={n}")).collect();
    let _ = writeln!(out, "# rows: {rows}; numbers: {}", summary.join(" "));
    out.push_str("region,type,prefix,length\n");
    for (id, rs) in all {
        for r in rs {
            let _ = writeln!(out, "{id},{},{},{}", r.kind, r.prefix, r.length);
        }
    }
    Ok(out)
}

/// `data/regions.csv`: every geographic territory of `meta` with its country code and national prefix.
pub fn regions_csv(meta: &Metadata, version: &str) -> String {
    let mut regions: Vec<(String, u16, String)> = meta
        .territories
        .iter()
        .filter(|t| t.id != "001")
        .map(|t| (t.id.clone(), t.country_code, t.national_prefix.clone().unwrap_or_default()))
        .collect();
    regions.sort();
    regions.dedup();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# libphonenumber regions, their country calling codes and national prefixes, metadata {version} ({})",
        meta.name
    );
    let _ = writeln!(out, "# derived by: dialsim plan derive {} --regions  (do not edit by hand)", meta.name);
    out.push_str("region,country_code,national_prefix\n");
    for (id, cc, np) in regions {
        let _ = writeln!(out, "{id},{cc},{np}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_the_last_dotted_triple_of_the_path() {
        let crate_path = "/r/phonenumber-0.3.10+9.0.33/assets/PhoneNumberMetadata.xml";
        assert_eq!(version_in_path(crate_path).as_deref(), Some("9.0.33"));
        assert_eq!(version_in_path("libphonenumber-9.0.43/resources/x.xml").as_deref(), Some("9.0.43"));
        assert_eq!(version_in_path("PhoneNumberMetadata.xml"), None);
        assert_eq!(version_in_path("v1.2/meta.xml"), None);
    }
}
