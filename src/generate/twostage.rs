//! Mitofsky–Waksberg two-stage sampling (Waksberg 1978): the banks of 100 numbers are the primary sampling
//! units; stage 1 draws banks at random, without repeats, and one random number of each (its *primary*
//! number); a bank is retained when its primary turns out eligible, and stage 2 draws the bank's other numbers
//! in random order until the bank has `k` eligible numbers (docs/sampling.md).
//!
//! This module holds what both stages need and what can be known without dialling: the banks of a space, their
//! seeded order, each bank's primary and the order of its other numbers, and the design's inclusion
//! probability. It never dials, prints or reads files: `generate` writes the stage-1 list and, given the
//! primaries' outcomes, the stage-2 list; the simulator runs both stages against its own callees.
//!
//! A bank is a segment's numbers that share all digits but the last two: where a plan row's prefix leaves
//! fewer than two free digits, the bank holds fewer than 100 numbers (and a block of 100 split between two rows
//! counts as one bank per row). Each draw is derived from the seed: the banks' order is a keyed permutation
//! (as a uniform list's), the primary and the other numbers' order come from a keyed hash of the bank.

use crate::foundation::error::{Error, Result};
use crate::foundation::hash::fmix64;
use crate::generate::permute::Permutation;
use crate::plan::number::PhoneNumber;
use crate::plan::space::NumberSpace;

use super::CallList;

/// Numbers per bank (the design's primary sampling unit).
pub const MW_BANK: u64 = 100;

/// Keys the primaries' and the second stage's draws apart from the permutation's (ASCII "MWPRIMRY", "MWSECOND").
const PRIMARY_KEY: u64 = 0x4d57_5052_494d_5259;
const SECOND_KEY: u64 = 0x4d57_5345_434f_4e44;

/// The banks of a space in a seeded order, with each bank's primary number and the order of its other numbers.
///
/// ```
/// use dialsim::{BankSample, NumberSpace, Plan, Selection};
/// let sel = Selection { prefixes: vec!["6011".into()], ..Selection::default() };
/// let space = NumberSpace::new(&Plan::embedded("cz").unwrap(), &sel).unwrap();
/// let sample = BankSample::new(space, 7).unwrap();
/// assert_eq!(sample.banks(), 1_000); // 601 1xx xxx: 100,000 numbers in banks of 100
/// let bank = sample.bank_at(0);
/// let primary = sample.primary(bank);
/// assert_eq!(sample.bank_of(&primary), Some(bank));
/// assert_eq!(sample.position_of_primary(&primary), Some(0));
/// assert_eq!(sample.second_stage(bank).len(), 99); // every other number of the bank, once
/// ```
#[derive(Clone, Debug)]
pub struct BankSample {
    space: NumberSpace,
    /// `cum[s]`: banks of the segments before segment `s` (`cum[segments]` = all banks).
    cum: Vec<u64>,
    perm: Permutation,
    seed: u64,
}

impl BankSample {
    /// The banks of `space` in the order of `seed`.
    pub fn new(space: NumberSpace, seed: u64) -> Result<BankSample> {
        let mut cum = Vec::with_capacity(space.segments().len() + 1);
        let mut total = 0u64;
        cum.push(0);
        for s in space.segments() {
            total += (s.base + s.count - 1) / MW_BANK - s.base / MW_BANK + 1;
            cum.push(total);
        }
        if total == 0 {
            return Err(Error::Request("the selection holds no numbers, so no bank".into()));
        }
        Ok(BankSample { perm: Permutation::new(total, seed), space, cum, seed })
    }

    /// Banks in the space (the frame of stage 1).
    pub fn banks(&self) -> u64 {
        self.cum[self.cum.len() - 1]
    }

    /// The space.
    pub fn space(&self) -> &NumberSpace {
        &self.space
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The bank drawn at stage-1 position `position` (< [`BankSample::banks`]).
    pub fn bank_at(&self, position: u64) -> u64 {
        self.perm.apply(position)
    }

    /// The segment of `bank` and the range of segment offsets its numbers take.
    fn extent(&self, bank: u64) -> (usize, u64, u64) {
        let seg = self.cum.partition_point(|&c| c <= bank) - 1;
        let s = &self.space.segments()[seg];
        let first = (s.base / MW_BANK + (bank - self.cum[seg])) * MW_BANK;
        let lo = first.max(s.base) - s.base;
        let hi = (first + MW_BANK).min(s.base + s.count) - s.base;
        (seg, lo, hi)
    }

    /// Numbers in `bank` (100, fewer where a plan row leaves fewer than two free digits).
    pub fn bank_size(&self, bank: u64) -> u64 {
        let (_, lo, hi) = self.extent(bank);
        hi - lo
    }

    /// The segment and offset of `bank`'s primary number.
    #[inline]
    pub(crate) fn locate_primary(&self, bank: u64) -> (usize, u64) {
        let (seg, lo, hi) = self.extent(bank);
        (seg, lo + self.draw(PRIMARY_KEY, bank, 0) % (hi - lo))
    }

    /// `bank`'s primary number: one of its numbers, each equally likely, fixed by the seed.
    pub fn primary(&self, bank: u64) -> PhoneNumber {
        let (seg, offset) = self.locate_primary(bank);
        self.space.segments()[seg].number(offset)
    }

    /// The bank of `number`, if the space holds it.
    pub fn bank_of(&self, number: &PhoneNumber) -> Option<u64> {
        let (seg, offset) = self.space.locate(self.space.index_of(number)?);
        let s = &self.space.segments()[seg];
        Some(self.cum[seg] + (s.base + offset) / MW_BANK - s.base / MW_BANK)
    }

    /// The stage-1 position of `number` when it is its bank's primary.
    pub fn position_of_primary(&self, number: &PhoneNumber) -> Option<u64> {
        let bank = self.bank_of(number)?;
        (self.primary(bank) == *number).then(|| self.perm.invert(bank))
    }

    /// `bank`'s other numbers (all but its primary) in the seeded random order stage 2 dials them.
    pub fn second_stage(&self, bank: u64) -> Vec<PhoneNumber> {
        let (seg, lo, hi) = self.extent(bank);
        let (_, primary) = self.locate_primary(bank);
        let mut offsets: Vec<u64> = (lo..hi).filter(|&o| o != primary).collect();
        // Fisher–Yates with keyed draws (portable: no generator's algorithm is involved).
        for i in (1..offsets.len()).rev() {
            let j = (self.draw(SECOND_KEY, bank, i as u64) % (i as u64 + 1)) as usize;
            offsets.swap(i, j);
        }
        let s = &self.space.segments()[seg];
        offsets.into_iter().map(|o| s.number(o)).collect()
    }

    /// A keyed 64-bit draw for `bank` and `i`, derived from the seed.
    #[inline]
    fn draw(&self, purpose: u64, bank: u64, i: u64) -> u64 {
        fmix64(fmix64(self.seed ^ purpose) ^ fmix64(bank.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ i))
    }
}

impl CallList {
    /// The stage-1 list of Mitofsky–Waksberg sampling over `space` for `seed`: one position per bank of
    /// [`MW_BANK`] numbers, in a seeded random order, each holding the bank's primary number (see
    /// [`BankSample`]). Shards, `start`, exclusions and the ordered parallel writer work as for any list.
    ///
    /// ```
    /// use dialsim::{CallList, NumberSpace, Plan, Selection};
    /// let sel = Selection { prefixes: vec!["6011".into()], ..Selection::default() };
    /// let space = NumberSpace::new(&Plan::embedded("cz").unwrap(), &sel).unwrap();
    /// let list = CallList::mitofsky_waksberg(space, 7).unwrap();
    /// assert_eq!(list.len(), 1_000);
    /// let banks: std::collections::HashSet<u64> = (0..1000).map(|p| list.number_at(p).national / 100).collect();
    /// assert_eq!(banks.len(), 1_000); // never two numbers of one bank
    /// ```
    pub fn mitofsky_waksberg(space: NumberSpace, seed: u64) -> Result<CallList> {
        let sample = BankSample::new(space.clone(), seed)?;
        Ok(CallList { two_stage: Some(std::sync::Arc::new(sample)), ..CallList::new(space, seed) })
    }

    /// A Mitofsky–Waksberg stage-1 list's banks (none for other lists).
    pub fn two_stage(&self) -> Option<&BankSample> {
        self.two_stage.as_deref()
    }
}

/// One number of a stage-2 list.
#[derive(Clone, Debug, PartialEq)]
pub struct SecondStageRow {
    /// The number.
    pub number: PhoneNumber,
    /// Its bank (as [`BankSample::bank_of`] gives it).
    pub bank: u64,
    /// Its place among its bank's numbers on the list, from 1: dial a bank's numbers in this order and stop
    /// the bank when it has `k` eligible numbers, its primary included.
    pub rank: u64,
    /// Its inclusion probability if it is eligible and kept ([`mw_probability`]).
    pub probability: f64,
}

impl BankSample {
    /// Stage 2: the further numbers of the `retained` banks (those whose primary was eligible, in stage-1
    /// order), at most `per_bank` of each, in rank order across banks (every bank's first number, then every
    /// bank's second, …) so that a dialer working down the list advances all banks alike. A bank's numbers come
    /// in [`BankSample::second_stage`] order; numbers `excluder` rejects are skipped (never listed) and the next
    /// ones take their ranks. `drawn` banks were drawn at stage 1 and `k` eligible numbers are wanted per bank
    /// (for the probability column).
    pub fn second_stage_list<X: super::Excluder>(
        &self,
        retained: &[u64],
        k: u32,
        per_bank: u64,
        drawn: u64,
        excluder: &X,
    ) -> Vec<SecondStageRow> {
        let per_bank = usize::try_from(per_bank).unwrap_or(usize::MAX);
        let columns: Vec<Vec<PhoneNumber>> = retained
            .iter()
            .map(|&bank| {
                self.second_stage(bank).into_iter().filter(|n| excluder.excluded(n).is_none()).take(per_bank).collect()
            })
            .collect();
        let deepest = columns.iter().map(Vec::len).max().unwrap_or(0);
        let mut rows = Vec::new();
        for r in 0..deepest {
            for (bank, numbers) in retained.iter().zip(&columns) {
                if let Some(&number) = numbers.get(r) {
                    let probability = mw_probability(drawn, self.banks(), k, self.bank_size(*bank));
                    rows.push(SecondStageRow { number, bank: *bank, rank: r as u64 + 1, probability });
                }
            }
        }
        rows
    }
}

/// The inclusion probability of an eligible number under Mitofsky–Waksberg sampling: `drawn` banks of `banks`
/// drawn at stage 1 (without repeats), `k` eligible numbers kept per retained bank (its primary among them),
/// the number's bank holding `bank_size` numbers. A bank is drawn with probability `drawn / banks`, retained
/// with probability `E / bank_size` (E: its eligible numbers, the primary being one of its numbers at random),
/// and each of its eligible numbers kept with probability `k / E`: the product `drawn / banks · k / bank_size`
/// does not depend on E, which no one knows before dialling. It holds for banks with at least `k` eligible
/// numbers; in a bank with fewer (exhausted before it reached `k`) every eligible number is kept and the
/// probability is `drawn / banks · E / bank_size`, lower (docs/sampling.md).
///
/// ```
/// assert_eq!(dialsim::mw_probability(500, 100_000, 5, 100), 0.000_25);
/// ```
pub fn mw_probability(drawn: u64, banks: u64, k: u32, bank_size: u64) -> f64 {
    if banks == 0 || bank_size == 0 {
        return 0.0;
    }
    (drawn as f64 / banks as f64) * (f64::from(k).min(bank_size as f64) / bank_size as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Plan;
    use crate::plan::space::Selection;

    /// Every bank of a space with whole and partial banks is drawn once, its primary lies inside it and leads
    /// back to it, and its second stage is the rest of the bank, each number once.
    #[test]
    fn banks_partition_the_space_and_primaries_map_back() {
        let text = "region,type,prefix,length\nCZ,mobile,6011,9\nCZ,fixedLine,2123456,9\nCZ,fixedLine,21234570,9\n";
        let plan = Plan::parse("t.csv", text.as_bytes()).unwrap();
        let space = NumberSpace::new(&plan, &Selection { types: vec![], ..Selection::default() }).unwrap();
        let sample = BankSample::new(space.clone(), 3).unwrap();
        // 601 1xx xxx: 1,000 banks; 212 345 6xx: 1 bank; 212 345 70x: 1 bank of 10.
        assert_eq!(sample.banks(), 1_002);
        let mut seen = vec![false; space.len() as usize];
        let mut banks = std::collections::HashSet::new();
        for p in 0..sample.banks() {
            let bank = sample.bank_at(p);
            assert!(banks.insert(bank));
            let primary = sample.primary(bank);
            assert_eq!(sample.bank_of(&primary), Some(bank));
            assert_eq!(sample.position_of_primary(&primary), Some(p));
            let rest = sample.second_stage(bank);
            assert_eq!(rest.len() as u64 + 1, sample.bank_size(bank));
            for n in rest.iter().chain([&primary]) {
                assert_eq!(n.national / 100, primary.national / 100, "{n} outside the bank of {primary}");
                let i = space.index_of(n).unwrap() as usize;
                assert!(!seen[i], "{n} twice");
                seen[i] = true;
                assert_eq!(sample.position_of_primary(n).is_some(), *n == primary);
            }
        }
        assert!(seen.iter().all(|&s| s));
        assert_eq!((0..sample.banks()).filter(|&b| sample.bank_size(b) == 10).count(), 1);
    }

    /// The primary is uniform within its bank: over 1,000 banks the primaries' last two digits spread over
    /// all 100 values (a chi-square test at 99 degrees of freedom, 0.1 % level: 148.2).
    #[test]
    fn primaries_are_uniform_within_their_banks() {
        let sel = Selection { prefixes: vec!["6011".into()], ..Selection::default() };
        let sample = BankSample::new(NumberSpace::new(&Plan::embedded("cz").unwrap(), &sel).unwrap(), 9).unwrap();
        let mut counts = [0u32; 100];
        for b in 0..sample.banks() {
            counts[(sample.primary(b).national % 100) as usize] += 1;
        }
        let chi2: f64 = counts.iter().map(|&c| (f64::from(c) - 10.0).powi(2) / 10.0).sum();
        assert!(chi2 < 148.2, "chi-square {chi2}");
    }
}
