//! Where the dialer's numbers come from: the generator (with exclusions) or a CSV list, prepared once per
//! campaign and shared by every run and replication.

use std::sync::Arc;

use crate::exclude::Exclusions;
use crate::foundation::error::{Error, Result};
use crate::generate::{Banks, CallList, Excluder, foreign_density};
use crate::plan::number::PhoneNumber;
use crate::plan::space::{NumberSpace, Selection};
use crate::plan::{NumberType, Plan};
use crate::scenario::{Scenario, StratumRates};

use super::strata::{Strata, StratumId};

mod files;

use files::{EMBEDDED_KNOWN, exclusions_for, in_scenario_keys, read_options};
pub use files::{scenario_exclusions, scenario_sources};

/// Where generated numbers come from.
#[derive(Debug, Clone)]
enum Generated {
    /// Every number of the space equally likely.
    Uniform(NumberSpace),
    /// A stratified list.
    Mixed(Box<MixedSource>),
    /// A list-assisted list over the bank frame (`[numbers.frame]`).
    Banked(NumberSpace),
    /// Mitofsky–Waksberg: the stage-1 list of primaries, and stage 2 driven by their outcomes.
    TwoStage(NumberSpace, u32),
}

/// The bank frame a scenario names: the banks of its known databases, and the population model over them.
#[derive(Debug, Clone)]
struct BankModel {
    banks: Banks,
    min_listed: u32,
    zero_rate: f64,
    /// In-service share of a listed bank's numbers (none: banks do not change who works).
    in_service_listed: Option<f64>,
}

/// The known numbers of `[numbers.frame]` (its `known` files, else the `suppress` files) counted by bank.
fn scenario_banks(scenario: &Scenario, plan: &Plan) -> Result<Option<BankModel>> {
    let f = &scenario.numbers.frame;
    if !f.uses_banks() {
        return Ok(None);
    }
    let options = read_options(scenario, plan)?;
    let paths = if f.known.is_empty() { &scenario.numbers.suppress } else { &f.known };
    let mut banks = Banks::new(f.bank).map_err(|e| Error::Invalid(format!("numbers.frame.bank: {e}").into()))?;
    for path in paths {
        let read = match (std::path::Path::new(&path).exists(), EMBEDDED_KNOWN.iter().find(|(p, _)| *p == path)) {
            (false, Some((_, text))) => options.read(path, text.as_bytes()),
            _ => options.read_path(path),
        }
        .map_err(in_scenario_keys)?;
        // Another country's database gives this plan's banks no density (the frame would be empty or thin).
        if let Some(what) = banks.add_known(&read.keys, plan.country_code()) {
            let key = if f.known.is_empty() { "numbers.suppress" } else { "numbers.frame.known" };
            let why = foreign_density(path, &what, plan.country_code());
            return Err(Error::Invalid(format!("{key}: {why}").into()));
        }
    }
    Ok(Some(BankModel {
        banks,
        min_listed: f.min_listed,
        zero_rate: f.zero_banks,
        in_service_listed: f.in_service_listed,
    }))
}

/// What a stratified list is built from.
#[derive(Debug, Clone)]
struct MixedSource {
    plan: Plan,
    selection: Selection,
    mix: Vec<(NumberType, f64)>,
}

/// The numbers of `numbers.list` as dialled: each once, where it first appears (a number listed twice was
/// dialled twice, both times as a first attempt). Numbers of other countries are kept: each is held to its own
/// zone's calling hours.
fn dial_list(keys: &[u64]) -> Vec<PhoneNumber> {
    let mut seen = std::collections::HashSet::with_capacity(keys.len());
    keys.iter().filter(|&&k| seen.insert(k)).filter_map(|&k| PhoneNumber::from_key(k)).collect()
}

/// Everything a run needs to draw numbers, loaded once.
#[derive(Debug, Clone)]
pub struct LeadSource {
    /// The space, or the plan, selection and mix of a stratified list.
    space: Option<Generated>,
    list: Option<Arc<Vec<PhoneNumber>>>,
    exclusions: Arc<Exclusions>,
    strata: Arc<Strata>,
    /// Bases of numbers from outside the scenario ([`super::Prior::bases`]).
    bases: Arc<std::collections::HashMap<u64, crate::jurisdiction::Basis>>,
    /// The bank frame, when `[numbers.frame]` uses banks.
    banks: Option<Arc<BankModel>>,
}

impl LeadSource {
    /// The numbers of `numbers.list` as dialled (none: the numbers are generated).
    pub(crate) fn list(&self) -> Option<&[PhoneNumber]> {
        self.list.as_deref().map(Vec::as_slice)
    }

    /// Loads the plan, the exclusions and the list a scenario names.
    #[cfg(test)]
    pub fn prepare(scenario: &Scenario) -> Result<LeadSource> {
        LeadSource::prepare_with(scenario, super::Prior::default())
    }

    /// [`LeadSource::prepare`], with `prior`'s numbers excluded too and its bases kept for the calls.
    pub fn prepare_with(scenario: &Scenario, prior: super::Prior) -> Result<LeadSource> {
        let n = &scenario.numbers;
        let plan = Plan::resolve(&n.plan)?;
        let types = n
            .types
            .iter()
            .map(|t| t.parse::<NumberType>().map_err(|e| Error::Invalid(format!("numbers.types: {e}").into())))
            .collect::<Result<Vec<_>>>()?;
        let options = read_options(scenario, &plan)?;
        // The list first: its countries' exclusion sources (a register of one of them) are not foreign.
        let listed = if n.list.is_empty() { None } else { Some(options.read_path(&n.list).map_err(in_scenario_keys)?) };
        let mut exclusions = exclusions_for(scenario, &plan, listed.as_ref().map_or(&[], |r| &r.keys))?;
        // The frame's known databases give density, never numbers: those not suppressed already are excluded.
        for path in n.frame.known.iter().filter(|k| !n.suppress.contains(k)) {
            let more = crate::exclude::load_exclusions(
                &[] as &[&str],
                std::slice::from_ref(path),
                &options,
                EMBEDDED_KNOWN,
                &mut |_| {},
            )?;
            exclusions.append(more);
        }
        let banks = scenario_banks(scenario, &plan)?.map(Arc::new);
        // Not country-checked: a registry holds every country's numbers, and the plan's are among them.
        if !prior.suppressed.is_empty() {
            exclusions.push(prior.name, crate::exclude::Source::Suppression(prior.suppressed));
        }
        let strata = Arc::new(Strata::new(scenario, &plan));
        let (space, list) = if n.list.is_empty() {
            let mix = scenario.mix();
            let selection = Selection { types, prefixes: n.prefixes.clone(), lengths: Vec::new() };
            let generated = if n.frame.mitofsky_waksberg() {
                let space = NumberSpace::new(&plan, &selection)?;
                CallList::mitofsky_waksberg(space.clone(), 0)
                    .map_err(|e| Error::Invalid(format!("numbers.frame: {e}").into()))?;
                Generated::TwoStage(space, n.frame.cluster)
            } else if let Some(b) = banks.as_ref().filter(|_| n.frame.list_assisted()) {
                let space = NumberSpace::new(&plan, &selection)?;
                // Built once here so that an empty frame fails before any run.
                CallList::list_assisted(space.clone(), &b.banks, b.min_listed, b.zero_rate, 0)
                    .map_err(|e| Error::Invalid(format!("numbers.frame: {e}").into()))?;
                Generated::Banked(space)
            } else if mix.is_empty() {
                Generated::Uniform(NumberSpace::new(&plan, &selection)?)
            } else {
                // Built once here so that a mix the plan cannot fill fails before any run.
                CallList::mixed(&plan, &selection, &mix, 0)
                    .map_err(|e| Error::Invalid(format!("numbers.mix: {e}").into()))?;
                Generated::Mixed(Box::new(MixedSource { plan: plan.clone(), selection, mix }))
            };
            (Some(generated), None)
        } else {
            let read = listed.unwrap_or_default();
            (None, Some(Arc::new(dial_list(&read.keys))))
        };
        Ok(LeadSource { space, list, exclusions: Arc::new(exclusions), strata, bases: Arc::new(prior.bases), banks })
    }

    /// The exclusions, shared (a run's self-audit keeps them).
    pub(crate) fn shared_exclusions(&self) -> Arc<Exclusions> {
        self.exclusions.clone()
    }

    /// The fresh numbers of one run, in list order for `seed`.
    pub fn fresh(&self, seed: u64) -> FreshLeads {
        FreshLeads {
            list: self.space.as_ref().map(|g| match g {
                Generated::Uniform(space) => CallList::new(space.clone(), seed),
                Generated::Mixed(m) => {
                    CallList::mixed(&m.plan, &m.selection, &m.mix, seed).expect("checked when prepared")
                }
                Generated::Banked(space) => {
                    let b = self.banks.as_ref().expect("a banked source has banks");
                    CallList::list_assisted(space.clone(), &b.banks, b.min_listed, b.zero_rate, seed)
                        .expect("checked when prepared")
                }
                Generated::TwoStage(space, _) => {
                    CallList::mitofsky_waksberg(space.clone(), seed).expect("checked when prepared")
                }
            }),
            second: match &self.space {
                Some(Generated::TwoStage(_, k)) => Some(Box::new(SecondStage::new(*k))),
                _ => None,
            },
            banks: self.banks.clone(),
            strata: self.strata.clone(),
            fixed: self.list.clone(),
            next: 0,
            exclusions: self.exclusions.clone(),
            bases: self.bases.clone(),
            excluded: 0,
            peeked: None,
            ahead: Ahead::default(),
        }
    }
}

/// The stream of fresh numbers of one run.
#[derive(Debug)]
pub struct FreshLeads {
    list: Option<CallList>,
    fixed: Option<Arc<Vec<PhoneNumber>>>,
    next: u64,
    exclusions: Arc<Exclusions>,
    bases: Arc<std::collections::HashMap<u64, crate::jurisdiction::Basis>>,
    excluded: u64,
    peeked: Option<(u64, PhoneNumber, bool)>,
    strata: Arc<Strata>,
    ahead: Ahead,
    banks: Option<Arc<BankModel>>,
    /// Mitofsky–Waksberg: stage 2's state (none for other designs).
    second: Option<Box<SecondStage>>,
}

/// Stage 2 of Mitofsky–Waksberg sampling inside a run. A fresh number's first dial tells whether it is in
/// service ([`FreshLeads::observe`]); a primary in service retains its bank, and a retained bank releases its
/// further numbers (in [`crate::BankSample::second_stage`] order, suppressed ones skipped) one at a time while
/// its working numbers found plus its numbers released and not yet dialled fall short of `k` — Waksberg's
/// sequential rule: the bank is dialled until `k` of its numbers work or it runs out. Released numbers go
/// before the next primary.
#[derive(Debug, Default)]
struct SecondStage {
    k: u32,
    /// Numbers released and not yet handed to the dialer.
    queue: std::collections::VecDeque<PhoneNumber>,
    /// Numbers handed out or queued whose first dial has not told yet, by key: their bank.
    pending: std::collections::HashMap<u64, u64>,
    /// Retained banks.
    banks: std::collections::HashMap<u64, RetainedBank>,
    /// Every number stage 2 released (so that a referral to one is known as dialled).
    released: std::collections::HashSet<u64>,
}

/// A retained bank's progress.
#[derive(Debug)]
struct RetainedBank {
    order: Vec<PhoneNumber>,
    next: usize,
    working: u32,
    outstanding: u32,
}

impl SecondStage {
    fn new(k: u32) -> SecondStage {
        SecondStage { k, ..SecondStage::default() }
    }

    /// Releases `bank`'s next numbers while it falls short of `k`.
    fn release(&mut self, bank: u64, exclusions: &Exclusions) {
        let k = self.k;
        let Some(b) = self.banks.get_mut(&bank) else { return };
        while b.working + b.outstanding < k && b.next < b.order.len() {
            let n = b.order[b.next];
            b.next += 1;
            if exclusions.excluded(&n).is_some() {
                continue;
            }
            b.outstanding += 1;
            self.queue.push_back(n);
            self.pending.insert(n.key(), bank);
            self.released.insert(n.key());
        }
    }
}

/// Numbers worked out ahead of the cursor, with their exclusion verdicts: the list's numbers come
/// [`AHEAD`] at a time, their permutation rounds in lockstep and their exclusion checks together, instead of
/// one long chain of dependent steps per dial.
#[derive(Debug, Default)]
struct Ahead {
    /// The list position of `numbers[0]`.
    first: u64,
    numbers: Vec<PhoneNumber>,
    verdicts: Vec<Option<usize>>,
    /// Scratch for the list's (segment, offset) of each position.
    located: Vec<(usize, u64)>,
}

/// Numbers worked out at a time (a run that stops early has computed at most this many for nothing).
const AHEAD: u64 = 32;

impl FreshLeads {
    /// The basis known for `key` from outside the scenario ([`super::Prior::bases`]), if any.
    pub fn known_basis(&self, key: u64) -> Option<crate::jurisdiction::Basis> {
        self.bases.get(&key).copied()
    }

    /// The in-service share of `number` when the bank population model holds it in a listed bank (none: its
    /// type's rates apply).
    #[inline]
    pub(crate) fn listed_in_service(&self, number: &PhoneNumber) -> Option<f64> {
        let b = self.banks.as_deref()?;
        let p = b.in_service_listed?;
        (b.banks.listed(number) >= b.min_listed).then_some(p)
    }

    /// Whether the fresh numbers are a list's (`numbers.list`: a finite file of numbers in the user's order), not
    /// drawn from a numbering plan.
    pub fn is_list(&self) -> bool {
        self.fixed.is_some()
    }

    /// Whether another number is available; `dial_anyway` is the injected fault of dialling an excluded number
    /// (given its key).
    pub fn has_next(&mut self, dial_anyway: &dyn Fn(u64) -> bool) -> bool {
        if self.peeked.is_none() {
            self.peeked = self.pull(dial_anyway);
        }
        self.peeked.is_some()
    }

    /// The next number that no source excludes (or that `dial_anyway` lets through: then the flag is true),
    /// with its list position; `None` when the numbers run out.
    pub fn next_number(&mut self, dial_anyway: &dyn Fn(u64) -> bool) -> Option<(u64, PhoneNumber, bool)> {
        self.peeked.take().or_else(|| self.pull(dial_anyway))
    }

    fn pull(&mut self, dial_anyway: &dyn Fn(u64) -> bool) -> Option<(u64, PhoneNumber, bool)> {
        if let Some(n) = self.second.as_mut().and_then(|s| s.queue.pop_front()) {
            // A stage-2 number has no list position: it is handed out past the list's end.
            return Some((u64::MAX, n, false));
        }
        loop {
            let position = self.next;
            let at = position.wrapping_sub(self.ahead.first);
            if at >= self.ahead.numbers.len() as u64 && !self.work_ahead() {
                return None;
            }
            let at = (position - self.ahead.first) as usize;
            let (number, verdict) = (self.ahead.numbers[at], self.ahead.verdicts[at]);
            self.next += 1;
            if verdict.is_some() {
                if dial_anyway(number.key()) {
                    return Some((position, number, true));
                }
                self.excluded += 1;
                continue;
            }
            if let (Some(s), Some(list)) = (self.second.as_mut(), &self.list) {
                // A primary: its first dial decides whether its bank is retained.
                let bank = list.two_stage().and_then(|t| t.bank_of(&number)).expect("a primary lies in the space");
                s.pending.insert(number.key(), bank);
            }
            return Some((position, number, false));
        }
    }

    /// Works out the numbers from the cursor on ([`AHEAD`] of them, fewer at the list's end) and their
    /// verdicts; false when the list has no number left.
    fn work_ahead(&mut self) -> bool {
        let first = self.next;
        let len = match (&self.list, &self.fixed) {
            (Some(l), _) => l.len(),
            (None, Some(f)) => f.len() as u64,
            _ => 0,
        };
        if first >= len {
            return false;
        }
        let count = AHEAD.min(len - first);
        let a = &mut self.ahead;
        a.first = first;
        a.numbers.clear();
        match (&self.list, &self.fixed) {
            (Some(l), _) => l.numbers_from(first, count, &mut a.located, &mut a.numbers),
            (None, Some(f)) => a.numbers.extend_from_slice(&f[first as usize..(first + count) as usize]),
            _ => unreachable!("a source with numbers"),
        }
        self.exclusions.excluded_each(&a.numbers, &mut a.verdicts);
        true
    }

    /// Whether the stream has handed out `number` to be dialled: its position is behind the cursor (not the
    /// number peeked at) and no source excluded it, or `dial_anyway` let it through.
    pub fn passed(&self, number: &PhoneNumber, dial_anyway: &dyn Fn(u64) -> bool) -> bool {
        let cursor = self.next - u64::from(self.peeked.is_some());
        let position = match (&self.list, &self.fixed) {
            (Some(l), _) => l.position_of(number),
            // A fixed list is in memory already; a linear search runs only for a referral's number.
            (None, Some(f)) => f[..(cursor as usize).min(f.len())].iter().position(|n| n == number).map(|p| p as u64),
            _ => None,
        };
        let released = self.second.as_ref().is_some_and(|s| s.released.contains(&number.key()));
        (released || position.is_some_and(|p| p < cursor))
            && (self.exclusions.excluded(number).is_none() || dial_anyway(number.key()))
    }

    /// What the first dial of `number` told: whether it is in service. Under Mitofsky–Waksberg a primary in
    /// service retains its bank, and a retained bank's numbers found dead make room for its next ones (see
    /// [`SecondStage`]); otherwise nothing happens.
    pub(crate) fn observe(&mut self, number: &PhoneNumber, in_service: bool) {
        let Some(s) = self.second.as_mut() else { return };
        let Some(bank) = s.pending.remove(&number.key()) else { return };
        match s.banks.get_mut(&bank) {
            Some(b) => {
                b.outstanding -= 1;
                b.working += u32::from(in_service);
            }
            None if in_service => {
                let order = self.list.as_ref().and_then(CallList::two_stage).map(|t| t.second_stage(bank));
                let b = RetainedBank { order: order.unwrap_or_default(), next: 0, working: 1, outstanding: 0 };
                s.banks.insert(bank, b);
            }
            None => return,
        }
        s.release(bank, &self.exclusions);
    }

    /// Numbers skipped because a source holds them.
    pub fn excluded(&self) -> u64 {
        self.excluded
    }

    /// The exclusions.
    pub fn exclusions(&self) -> &Exclusions {
        &self.exclusions
    }

    /// The number type and population rates of `number`.
    #[inline]
    pub fn stratum(&self, number: &PhoneNumber) -> (Option<NumberType>, &StratumRates) {
        self.strata.of(number.country_code, number.national, number.length)
    }

    /// The stratum of `number`, to keep with its call ([`FreshLeads::stratum_of`] reads it).
    #[inline]
    pub(crate) fn stratum_id(&self, number: &PhoneNumber) -> StratumId {
        self.strata.id_of(number.country_code, number.national, number.length)
    }

    /// The number type and population rates of stratum `id`.
    #[inline]
    pub(crate) fn stratum_of(&self, id: StratumId) -> (Option<NumberType>, &StratumRates) {
        self.strata.get(id)
    }

    /// A number of the plan's space picked by `h` (a referral's number), when numbers are generated.
    pub fn random_number(&self, h: u64) -> Option<PhoneNumber> {
        self.list.as_ref().map(|l| l.space().number(h % l.space().len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenarios_mix_dials_the_list_generate_writes_for_the_same_seed() {
        let set = ["numbers.suppress=[]".to_string()];
        let scenario = Scenario::parse("<default>", crate::scenario::DEFAULT_SCENARIO, &set).unwrap();
        let leads = LeadSource::prepare(&scenario).unwrap();
        let mut fresh = leads.fresh(17);
        let plan = Plan::embedded("cz").unwrap();
        let mix = [(NumberType::Mobile, 0.7), (NumberType::FixedLine, 0.3)];
        let list = CallList::mixed(&plan, &Selection::default(), &mix, 17).unwrap();
        for p in 0..1000 {
            let (position, number, _) = fresh.next_number(&|_| false).unwrap();
            assert_eq!((position, number), (p, list.number_at(p)));
        }
    }

    /// Numbers worked out ahead, [`AHEAD`] at a time, come out as one `number_at` and one exclusion check per
    /// position would give them: the same positions, the excluded ones skipped and counted, across many batches
    /// and for both a uniform and a stratified list. Every second position is suppressed, so batches straddle
    /// excluded runs.
    #[test]
    fn numbers_worked_out_ahead_are_the_ones_one_at_a_time() {
        for mixed in [false, true] {
            let plan = Plan::embedded("cz").unwrap();
            let list = if mixed {
                let mix = [(NumberType::Mobile, 0.7), (NumberType::FixedLine, 0.3)];
                CallList::mixed(&plan, &Selection::default(), &mix, 5).unwrap()
            } else {
                CallList::new(NumberSpace::new(&plan, &Selection::default()).unwrap(), 5)
            };
            let keys: Vec<u64> = (0..2_000).filter(|p| p % 2 == 0).map(|p| list.number_at(p).key()).collect();
            let mut exclusions = Exclusions::new();
            exclusions
                .push("even", crate::exclude::Source::Suppression(crate::exclude::SuppressionList::from_keys(keys)));
            let exclusions = Arc::new(exclusions);
            let strata = Arc::new(Strata::new(&Scenario::default_day(), &plan));
            let mut fresh = FreshLeads {
                list: Some(list.clone()),
                fixed: None,
                next: 0,
                exclusions: exclusions.clone(),
                bases: Default::default(),
                excluded: 0,
                peeked: None,
                strata,
                ahead: Ahead::default(),
                banks: None,
                second: None,
            };
            let mut expected = (0..3_000u64).filter(|&p| exclusions.excluded(&list.number_at(p)).is_none());
            for _ in 0..1_200 {
                let (position, number, faulted) = fresh.next_number(&|_| false).unwrap();
                let p = expected.next().unwrap();
                assert_eq!((position, number, faulted), (p, list.number_at(p), false), "mixed: {mixed}");
            }
            assert_eq!(fresh.excluded(), 1_000, "mixed: {mixed}");
        }
    }
}
