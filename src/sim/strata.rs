//! The population's strata: which number type and which rates a number has, from the plan's rows and the
//! scenario's `[population.TYPE]` and `[population.prefix."DIGITS"]` sections. Built once per campaign; looked up
//! at every dial and every conversation, so a scenario without stratum sections (and without screening or
//! line prices by type to look up) answers from the base rates without a search.

use std::collections::HashMap;

use crate::plan::{NumberType, Plan};
use crate::scenario::{Scenario, StratumRates};

/// One prefix the resolver knows: numbers of `country_code` and `length` whose national number divided by
/// `div` is `prefix`.
#[derive(Clone, Debug)]
struct Entry {
    country_code: u16,
    length: u8,
    digits: u8,
    div: u64,
    prefix: u64,
    kind: Option<NumberType>,
    rates: usize,
}

/// Number → (type, rates).
#[derive(Clone, Debug)]
pub struct Strata {
    base: StratumRates,
    sets: Vec<StratumRates>,
    /// Longest prefixes first: the first match is the most specific.
    entries: Vec<Entry>,
    /// Whether a look-up is needed at all.
    searched: bool,
    /// The answer of `entries` precomputed by leading digits, per (country code, length).
    tables: Vec<Table>,
}

/// Leading digits most a table is indexed by (10^4 slots of 2 bytes: 20 KB).
const TABLE_DIGITS: u8 = 4;
/// A table slot: no entry matches (the base rates).
const SLOT_BASE: u16 = 0;
/// A table slot: an entry longer than the table's digits may match; search `entries`.
const SLOT_SEARCH: u16 = u16::MAX;

/// The first match of `entries` for the numbers of one country code and length, by their leading `digits`
/// digits: the linear search over every entry (a division each) done once per slot instead of once per call.
#[derive(Clone, Debug)]
struct Table {
    country_code: u16,
    length: u8,
    /// 10^(length - digits): the national number divided by it gives the slot.
    div: u64,
    /// `SLOT_BASE`, `SLOT_SEARCH`, or the index of the first matching entry plus one.
    slots: Vec<u16>,
}

impl Strata {
    /// The strata of `scenario` over `plan`.
    pub fn new(scenario: &Scenario, plan: &Plan) -> Strata {
        let p = &scenario.population;
        let base = p.base(&scenario.compliance);
        let mut sets = vec![base];
        let mut entries = Vec::new();
        // Each distinct set of rates once, found by its values (a search of `sets` per entry is quadratic in
        // the prefix sections). `+ 0.0` makes -0 and 0 one key, as `==` has them.
        let key = |r: &StratumRates| {
            [r.not_in_service, r.busy, r.person, r.machine, r.cooperate, r.object, r.give_name, r.consent]
                .map(|x| (x + 0.0).to_bits())
        };
        let mut known: HashMap<[u64; 8], usize> = HashMap::from([(key(&base), 0)]);
        let mut set_of = |r: StratumRates, sets: &mut Vec<StratumRates>| {
            *known.entry(key(&r)).or_insert_with(|| {
                sets.push(r);
                sets.len() - 1
            })
        };
        for row in plan.rows() {
            let typed = p.type_section(row.kind.as_str()).map_or(base, |t| t.over(&base));
            // The rates of the numbers under `digits`: the type's, then every prefix section over them,
            // shortest first (each a look-up: no pass over all sections per entry).
            let at = |digits: &str,
                      sets: &mut Vec<StratumRates>,
                      set_of: &mut dyn FnMut(StratumRates, &mut Vec<StratumRates>) -> usize| {
                let rates =
                    (1..=digits.len()).filter_map(|n| p.prefix.get(&digits[..n])).fold(typed, |acc, r| r.over(&acc));
                let n = digits.len() as u8;
                Entry {
                    country_code: row.country_code,
                    length: row.length,
                    digits: n,
                    div: 10u64.pow(u32::from(row.length) - u32::from(n)),
                    prefix: if digits.is_empty() { 0 } else { digits.parse().expect("plan prefixes are digits") },
                    kind: Some(row.kind),
                    rates: set_of(rates, sets),
                }
            };
            entries.push(at(&row.prefix, &mut sets, &mut set_of));
            // The prefix sections under the row's prefix (longer, within its length), shortest first.
            let mut under: Vec<&String> = p
                .prefix
                .range::<String, _>(&row.prefix..)
                .map(|(d, _)| d)
                .take_while(|d| d.starts_with(&row.prefix))
                .filter(|d| d.len() > row.prefix.len() && d.len() <= usize::from(row.length))
                .collect();
            under.sort_by_key(|d| d.len());
            for d in under {
                entries.push(at(d, &mut sets, &mut set_of));
            }
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.digits));
        let searched = p.has_strata() || scenario.screening.enabled || {
            let l = &scenario.costs.line_per_minute;
            l.mobile != l.fixed_line || l.mobile != l.other
        };
        let tables = if searched { tables(&entries) } else { Vec::new() };
        Strata { base, sets, entries, searched, tables }
    }

    /// The type and rates of the number with `country_code`, national number `national` of `length` digits
    /// (a number outside the plan: no type, the base rates).
    #[inline]
    pub fn of(&self, country_code: u16, national: u64, length: u8) -> (Option<NumberType>, &StratumRates) {
        self.get(self.id_of(country_code, national, length))
    }

    /// The stratum of a number, to keep with it: [`Strata::get`] gives its type and rates without looking the
    /// number up again.
    #[inline]
    pub fn id_of(&self, country_code: u16, national: u64, length: u8) -> StratumId {
        if !self.searched {
            return StratumId::BASE;
        }
        if let Some(t) = self.tables.iter().find(|t| t.country_code == country_code && t.length == length) {
            match t.slots.get((national / t.div) as usize).copied() {
                Some(SLOT_BASE) => return StratumId::BASE,
                Some(SLOT_SEARCH) | None => {}
                Some(i) => return StratumId(u32::from(i)),
            }
        }
        self.search(country_code, national, length)
    }

    /// The type and rates of stratum `id` (from [`Strata::id_of`] of these strata).
    #[inline]
    pub fn get(&self, id: StratumId) -> (Option<NumberType>, &StratumRates) {
        match id.0.checked_sub(1) {
            None => (None, &self.base),
            Some(i) => {
                let e = &self.entries[i as usize];
                (e.kind, &self.sets[e.rates])
            }
        }
    }

    /// [`Strata::id_of`] by a search over every entry, longest prefix first.
    fn search(&self, country_code: u16, national: u64, length: u8) -> StratumId {
        self.entries
            .iter()
            .position(|e| e.country_code == country_code && e.length == length && national / e.div == e.prefix)
            .map_or(StratumId::BASE, |i| StratumId(i as u32 + 1))
    }
}

/// A number's stratum in [`Strata`]: 0 for the base rates (no entry), else an entry's index + 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StratumId(u32);

impl StratumId {
    /// The base rates, of a number no entry holds.
    pub const BASE: StratumId = StratumId(0);
}

fn tables(entries: &[Entry]) -> Vec<Table> {
    let mut groups: Vec<(u16, u8)> = entries.iter().map(|e| (e.country_code, e.length)).collect();
    groups.sort_unstable();
    groups.dedup();
    if entries.len() >= usize::from(SLOT_SEARCH) - 1 {
        return Vec::new();
    }
    groups
        .into_iter()
        .map(|(country_code, length)| {
            let of_group =
                || entries.iter().enumerate().filter(|(_, e)| e.country_code == country_code && e.length == length);
            let longest = of_group().map(|(_, e)| e.digits).max().unwrap_or(0);
            let digits = longest.min(TABLE_DIGITS).min(length);
            let div = 10u64.pow(u32::from(length - digits));
            // Entries written last to first, so each slot ends with the first entry (in search order) that
            // agrees with its digits: an entry of at most `digits` digits fills its range of slots, a longer
            // one marks its one slot for a search.
            let mut slots = vec![SLOT_BASE; 10usize.pow(u32::from(digits))];
            for (i, e) in of_group().collect::<Vec<_>>().into_iter().rev() {
                if e.digits <= digits {
                    let width = 10u64.pow(u32::from(digits - e.digits));
                    let from = (e.prefix * width) as usize;
                    slots[from..from + width as usize].fill(i as u16 + 1);
                } else {
                    slots[(e.prefix / 10u64.pow(u32::from(e.digits - digits))) as usize] = SLOT_SEARCH;
                }
            }
            Table { country_code, length, div, slots }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nested prefix sections apply shortest first, each over the one before, and only to the numbers under
    /// them.
    #[test]
    fn nested_prefix_sections_fold_from_the_shortest() {
        let plan = Plan::resolve("cz").expect("an embedded plan");
        let text = "[population.prefix.\"6\"]\nbusy = 0.11\nperson = 0.21\n[population.prefix.\"60\"]\nperson = 0.22\n\
             machine = 0.31\n[population.prefix.\"601\"]\nmachine = 0.33\n";
        let scenario = Scenario::parse("strata", text, &[]).expect("a valid scenario");
        let strata = Strata::new(&scenario, &plan);
        let (kind, r) = strata.of(420, 601_123_456, 9);
        assert_eq!(kind, Some(NumberType::Mobile));
        assert_eq!((r.busy, r.person, r.machine), (0.11, 0.22, 0.33));
        let (_, r) = strata.of(420, 602_123_456, 9);
        assert_eq!((r.busy, r.person, r.machine), (0.11, 0.22, 0.31));
        let (_, r) = strata.of(420, 212_345_678, 9);
        let base = scenario.population.base(&scenario.compliance);
        let fixed = scenario.population.type_section("fixedLine").map_or(base, |t| t.over(&base));
        assert_eq!(*r, fixed);
    }

    /// The tables answer as the search over every entry does, for numbers of every plan row and prefix section.
    #[test]
    fn table_lookup_matches_the_linear_search() {
        for plan_name in ["cz", "de", "gb", "us", "sk"] {
            let plan = Plan::resolve(plan_name).expect("an embedded plan");
            // Prefix sections of several lengths, some longer than the tables' digits, so slots of every kind occur.
            let text = "[population.mobile]\nperson = 0.3\n[population.fixedLine]\nperson = 0.2\n\
                 [population.prefix.\"2\"]\nbusy = 0.05\n[population.prefix.\"60\"]\nbusy = 0.06\n\
                 [population.prefix.\"7012\"]\nbusy = 0.07\n[population.prefix.\"303123\"]\nbusy = 0.08\n";
            let scenario = Scenario::parse("strata", text, &[]).expect("a valid scenario");
            let strata = Strata::new(&scenario, &plan);
            assert!(!strata.tables.is_empty(), "{plan_name}: tables built");
            let mut x = 0x9e37_79b9_7f4a_7c15u64;
            let mut checked = 0;
            for row in plan.rows() {
                let free = u32::from(row.length) - row.prefix.len() as u32;
                let base = row.prefix.parse::<u64>().unwrap_or(0) * 10u64.pow(free);
                for i in 0..40 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Half inside the row's prefix, half anywhere.
                    let national =
                        if i % 2 == 0 { base + x % 10u64.pow(free) } else { x % 10u64.pow(u32::from(row.length)) };
                    let (cc, len) = (row.country_code, row.length);
                    let (k1, r1) = strata.of(cc, national, len);
                    let (k2, r2) = strata.get(strata.search(cc, national, len));
                    assert_eq!((k1, r1), (k2, r2), "{plan_name} +{cc} {national} ({len} digits)");
                    assert_eq!(strata.id_of(cc, national, len), strata.search(cc, national, len));
                    checked += 1;
                }
            }
            assert!(checked > 1000, "{plan_name}: {checked} numbers checked");
        }
    }
}
