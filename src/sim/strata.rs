//! The population's strata: which number type and which rates a number has, from the plan's rows and the
//! scenario's `[population.TYPE]` and `[population.prefix."DIGITS"]` sections. Built once per campaign; looked up
//! at every dial and every conversation, so a scenario without stratum sections (and without screening or
//! line prices by type to look up) answers from the base rates without a search.

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
}

impl Strata {
    /// The strata of `scenario` over `plan`.
    pub fn new(scenario: &Scenario, plan: &Plan) -> Strata {
        let p = &scenario.population;
        let base = p.base(&scenario.compliance);
        let mut sets = vec![base];
        let mut entries = Vec::new();
        let set_of = |r: StratumRates, sets: &mut Vec<StratumRates>| match sets.iter().position(|s| *s == r) {
            Some(i) => i,
            None => {
                sets.push(r);
                sets.len() - 1
            }
        };
        for row in plan.rows() {
            let typed = p.type_section(row.kind.as_str()).map_or(base, |t| t.over(&base));
            // The prefix sections over the row's own prefix and under it, shortest first.
            let mut sections: Vec<(&String, _)> = p
                .prefix
                .iter()
                .filter(|(d, _)| {
                    d.len() <= usize::from(row.length) && (row.prefix.starts_with(*d) || d.starts_with(&row.prefix))
                })
                .collect();
            sections.sort_by_key(|(d, _)| d.len());
            let at = |digits: &str, sets: &mut Vec<StratumRates>| {
                let rates = sections
                    .iter()
                    .filter(|(d, _)| digits.starts_with(d.as_str()))
                    .fold(typed, |acc, (_, r)| r.over(&acc));
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
            entries.push(at(&row.prefix, &mut sets));
            for (d, _) in &sections {
                if d.len() > row.prefix.len() {
                    entries.push(at(d, &mut sets));
                }
            }
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.digits));
        let searched = p.has_strata() || scenario.screening.enabled || {
            let l = &scenario.costs.line_per_minute;
            l.mobile != l.fixed_line || l.mobile != l.other
        };
        Strata { base, sets, entries, searched }
    }

    /// The type and rates of the number with `country_code`, national number `national` of `length` digits
    /// (a number outside the plan: no type, the base rates).
    #[inline]
    pub fn of(&self, country_code: u16, national: u64, length: u8) -> (Option<NumberType>, &StratumRates) {
        if !self.searched {
            return (None, &self.base);
        }
        self.entries
            .iter()
            .find(|e| e.country_code == country_code && e.length == length && national / e.div == e.prefix)
            .map_or((None, &self.base), |e| (e.kind, &self.sets[e.rates]))
    }
}
