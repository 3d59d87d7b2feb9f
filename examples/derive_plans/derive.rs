//! Derives dialsim numbering plans from libphonenumber metadata.
//!
//! Each number type of a region has a national-number pattern (a regular expression over digits) and a list of
//! possible lengths. For every length we walk the digit trie depth-first, carrying one DFA state per pattern,
//! and stop at the shortest prefix below which every completion of that length gets the same libphonenumber type
//! (or is invalid). That prefix becomes a plan row `region,type,prefix,length`.
//!
//! The type of a number follows libphonenumber's `getNumberTypeHelper`: the number must fully match the general
//! description; then premiumRate, tollFree, sharedCost, voip, personalNumber, pager, uan and voicemail win in that
//! order; then fixedLine (fixedLineOrMobile when the mobile pattern is the same or also matches) and mobile.
//! Unlike the `phonenumber` crate, which accepts a pattern match at the start of the number
//! (whisperfish/rust-phonenumber#31), patterns here must match the whole national number, as in libphonenumber.
//!
//! Used by `examples/derive_plans/main.rs` and by `tests/plans.rs` (which checks the committed files are what
//! this code produces).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use regex_automata::dfa::{Automaton, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::{start, syntax};
use regex_automata::{Anchored, MatchKind};

/// libphonenumber metadata version of the pinned `phonenumber` crate (0.3.10+9.0.33).
pub const METADATA_VERSION: &str = "9.0.33";
/// The pinned crate that carries the metadata.
pub const METADATA_CRATE: &str = "phonenumber 0.3.10+9.0.33";

/// The plans shipped in `data/plans`: file stem and libphonenumber region.
pub const SHIPPED: &[(&str, &str)] = &[("cz", "CZ"), ("sk", "SK"), ("de", "DE"), ("gb", "GB"), ("us", "US")];

/// One derived row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
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
    lengths: Vec<u32>,
    memo: HashMap<(StateID, u32), (bool, bool)>,
}

impl Pattern {
    fn new(desc: &Descriptor, fallback_lengths: &[u32]) -> Pattern {
        let source = desc.national_number().as_str();
        let dfa = dense::Builder::new()
            .configure(dense::Config::new().match_kind(MatchKind::All))
            .syntax(syntax::Config::new().ignore_whitespace(true).unicode(false).utf8(false))
            .build(&format!("^(?:{source})$"))
            .expect("libphonenumber pattern compiles");
        let mut lengths: Vec<u32> = desc.possible_length().iter().map(|&l| l as u32).collect();
        if lengths.is_empty() {
            lengths = fallback_lengths.to_vec();
        }
        Pattern { dfa, lengths, memo: HashMap::new() }
    }

    fn start(&self) -> StateID {
        self.dfa.start_state(&start::Config::new().anchored(Anchored::Yes)).expect("anchored start state")
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
const PRECEDENCE: &[&str] =
    &["premiumRate", "tollFree", "sharedCost", "voip", "personalNumber", "pager", "uan", "voicemail"];

fn descriptor<'a>(meta: &'a Metadata, name: &str) -> Option<&'a Descriptor> {
    let d = meta.descriptors();
    match name {
        "premiumRate" => d.premium_rate(),
        "tollFree" => d.toll_free(),
        "sharedCost" => d.shared_cost(),
        "voip" => d.voip(),
        "personalNumber" => d.personal_number(),
        "pager" => d.pager(),
        "uan" => d.uan(),
        "voicemail" => d.voicemail(),
        "fixedLine" => d.fixed_line(),
        "mobile" => d.mobile(),
        _ => unreachable!("unknown type {name}"),
    }
}

/// Outcome of classifying a prefix: undecided, or decided (None = not a valid number).
enum Class {
    Undecided,
    Decided(Option<&'static str>),
}

struct Classifier {
    general: Pattern,
    ranked: Vec<(&'static str, Pattern)>,
    fixed: Option<Pattern>,
    mobile: Option<Pattern>,
    same_fixed_mobile: bool,
}

impl Classifier {
    fn new(meta: &Metadata) -> Classifier {
        let d = meta.descriptors();
        let mut union = BTreeSet::new();
        for name in PRECEDENCE.iter().chain(["fixedLine", "mobile"].iter()) {
            if let Some(desc) = descriptor(meta, name) {
                union.extend(desc.possible_length().iter().map(|&l| l as u32));
            }
        }
        let union: Vec<u32> = union.into_iter().collect();
        let general = Pattern::new(d.general(), &union);
        let ranked = PRECEDENCE
            .iter()
            .filter_map(|&n| descriptor(meta, n).map(|desc| (n, Pattern::new(desc, &union))))
            .collect();
        let same_fixed_mobile = match (d.fixed_line(), d.mobile()) {
            (Some(f), Some(m)) => f.national_number().as_str() == m.national_number().as_str(),
            _ => false,
        };
        Classifier {
            general,
            ranked,
            fixed: d.fixed_line().map(|x| Pattern::new(x, &union)),
            mobile: d.mobile().map(|x| Pattern::new(x, &union)),
            same_fixed_mobile,
        }
    }

    fn patterns(&mut self) -> Vec<&mut Pattern> {
        let mut v: Vec<&mut Pattern> = vec![&mut self.general];
        v.extend(self.ranked.iter_mut().map(|(_, p)| p));
        v.extend(self.fixed.iter_mut());
        v.extend(self.mobile.iter_mut());
        v
    }

    /// Kleene-logic evaluation of libphonenumber's type precedence over all completions.
    fn classify(&mut self, states: &[StateID], length: u32, remaining: u32) -> Class {
        let mut it = states.iter().copied();
        let general = self.general.tri(it.next().unwrap(), length, remaining);
        if general == Tri::None {
            return Class::Decided(None);
        }
        let decided = |kind: Option<&'static str>| {
            if general == Tri::All || kind.is_none() { Class::Decided(kind) } else { Class::Undecided }
        };
        for (name, p) in self.ranked.iter_mut() {
            match p.tri(it.next().unwrap(), length, remaining) {
                Tri::All => return decided(Some(name)),
                Tri::Some => return Class::Undecided,
                Tri::None => {}
            }
        }
        let fixed = match self.fixed.as_mut() {
            Some(p) => p.tri(it.next().unwrap(), length, remaining),
            None => Tri::None,
        };
        let mobile = match self.mobile.as_mut() {
            Some(p) => p.tri(it.next().unwrap(), length, remaining),
            None => Tri::None,
        };
        match (fixed, mobile) {
            (Tri::All, _) if self.same_fixed_mobile => decided(Some("fixedLineOrMobile")),
            (Tri::All, Tri::All) => decided(Some("fixedLineOrMobile")),
            (Tri::All, Tri::None) => decided(Some("fixedLine")),
            (Tri::None, Tri::All) => decided(Some("mobile")),
            (Tri::None, Tri::None) => decided(None),
            _ => Class::Undecided,
        }
    }

    fn walk(&mut self, prefix: &mut String, states: Vec<StateID>, length: u32, rows: &mut Vec<Row>) {
        let remaining = length - prefix.len() as u32;
        match self.classify(&states, length, remaining) {
            Class::Decided(None) => {}
            Class::Decided(Some(kind)) => rows.push(Row { prefix: prefix.clone(), length, kind }),
            Class::Undecided => {
                assert!(remaining > 0, "a complete number is always decided");
                for d in b'0'..=b'9' {
                    let next: Vec<StateID> =
                        self.patterns().iter().zip(&states).map(|(p, &s)| p.dfa.next_state(s, d)).collect();
                    prefix.push(d as char);
                    self.walk(prefix, next, length, rows);
                    prefix.pop();
                }
            }
        }
    }
}

/// Derives the rows of one region (e.g. "CZ"), sorted by prefix then length.
pub fn derive_region(region: &str) -> Vec<Row> {
    let meta = DATABASE.by_id(region).unwrap_or_else(|| panic!("no libphonenumber metadata for {region}"));
    let mut classifier = Classifier::new(meta);
    let mut rows = Vec::new();
    for &length in &classifier.general.lengths.clone() {
        let states: Vec<StateID> = classifier.patterns().iter().map(|p| p.start()).collect();
        classifier.walk(&mut String::new(), states, length, &mut rows);
    }
    rows.sort();
    rows
}

/// The plan file text for one region, with the `#` provenance header.
pub fn plan_csv(region: &str) -> String {
    let meta = DATABASE.by_id(region).expect("region");
    let rows = derive_region(region);
    let mut counts: std::collections::BTreeMap<&str, u128> = Default::default();
    for r in &rows {
        *counts.entry(r.kind).or_default() += 10u128.pow(r.length - r.prefix.len() as u32);
    }
    let mut out = String::new();
    writeln!(out, "# dialsim numbering plan for {region} (+{})", meta.country_code()).unwrap();
    writeln!(
        out,
        "# source: libphonenumber PhoneNumberMetadata.xml {METADATA_VERSION}, as shipped in the Rust crate {METADATA_CRATE}"
    )
    .unwrap();
    writeln!(out, "# derived by: cargo run --example derive_plans -- data  (do not edit by hand)").unwrap();
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{k}={n}")).collect();
    writeln!(out, "# rows: {}; numbers: {}", rows.len(), summary.join(" ")).unwrap();
    out.push_str("region,type,prefix,length\n");
    for r in rows {
        writeln!(out, "{region},{},{},{}", r.kind, r.prefix, r.length).unwrap();
    }
    out
}

/// `data/regions.csv`: every libphonenumber region and its country calling code.
pub fn regions_csv() -> String {
    let mut regions: Vec<(String, u16, String)> = DATABASE
        .iter()
        .filter(|m| m.id() != "001")
        .map(|m| (m.id().to_string(), m.country_code(), m.national_prefix().unwrap_or("").to_string()))
        .collect();
    regions.sort();
    regions.dedup();
    let mut out = String::new();
    writeln!(
        out,
        "# libphonenumber regions, their country calling codes and national prefixes, metadata {METADATA_VERSION} ({METADATA_CRATE})"
    )
    .unwrap();
    writeln!(out, "# derived by: cargo run --example derive_plans -- data  (do not edit by hand)").unwrap();
    out.push_str("region,country_code,national_prefix\n");
    for (id, cc, np) in regions {
        writeln!(out, "{id},{cc},{np}").unwrap();
    }
    out
}
