//! A stratified call list: a mix of number types with fixed shares (`--mix mobile=0.7,fixedLine=0.3`).
//!
//! The list is cut into blocks of `B` consecutive positions. Every block holds exactly `c_s` numbers of
//! stratum `s` (`c_s = B · share_s`; `B` is the smallest power of ten, up to 10^6, that makes every `c_s` whole,
//! else 10^4 with the counts rounded by largest remainder), so the realised shares of any run of whole blocks
//! are exact, and a list cut inside a block is off by less than one block. Inside block `b` the `B` slots are
//! put in a random order by a keyed permutation of its own (Feistel keys hashed with `b`): the strata are
//! interleaved at random, never in a fixed pattern. Slots `cum_s .. cum_s + c_s` of the block go to stratum
//! `s`, whose numbers come in the order of their own seeded permutation of the stratum's space: the block's
//! `r`-th slot of stratum `s` is that stratum's list position `b · c_s + r`.
//!
//! Position → number is a bijection onto distinct numbers computed in O(1) (block, slot, stratum position,
//! permutation, space), so everything the uniform list guarantees holds here too: no repeats, seeking to any
//! start, shards by position, the bytes independent of the thread count. The list ends at the last whole block
//! that every stratum can fill.

use std::sync::Arc;

use super::CallList;
use super::frame::{BankFrame, LISTED, ZERO};
use crate::foundation::error::{Error, Result};
use crate::foundation::hash::fmix64;
use crate::generate::permute::{Permutation, ROUNDS};
use crate::plan::NumberType;
use crate::plan::number::PhoneNumber;
use crate::plan::space::{NumberSpace, Selection};

/// The largest power of ten tried for a block.
const MAX_EXACT_BLOCK: u64 = 1_000_000;
/// The block when no power of ten up to [`MAX_EXACT_BLOCK`] makes every count whole.
const ROUNDED_BLOCK: u64 = 10_000;

/// One stratum: its numbers and their order.
#[derive(Clone, Debug)]
struct Stratum {
    members: Members,
    perm: Permutation,
}

/// The numbers of a stratum.
#[derive(Clone, Debug)]
enum Members {
    /// A space of its own (one number type), and the whole space's segment of each of its segments.
    Space { space: NumberSpace, segments: Vec<usize> },
    /// One stratum of a bank frame: the listed banks ([`LISTED`]) or the others ([`ZERO`]).
    Banks { frame: Arc<BankFrame>, which: usize },
}

impl Stratum {
    fn len(&self) -> u64 {
        match &self.members {
            Members::Space { space, .. } => space.len(),
            Members::Banks { frame, which } => frame.len(*which),
        }
    }

    /// The whole space's (segment, offset) of the stratum's index `q`.
    #[inline]
    fn locate(&self, index: u64) -> (usize, u64) {
        match &self.members {
            Members::Space { space, segments } => {
                let (seg, offset) = space.locate(index);
                (segments[seg], offset)
            }
            Members::Banks { frame, which } => frame.space.locate(frame.index(*which, index)),
        }
    }
}

/// The interleaving of the strata of a mixed list.
#[derive(Clone, Debug)]
pub(crate) struct Mix {
    shares: Vec<(NumberType, f64)>,
    block: u64,
    counts: Vec<u64>,
    /// `cum[s]`: the first slot of stratum `s` in a block.
    cum: Vec<u64>,
    blocks: u64,
    keys: [u64; ROUNDS],
    strata: Vec<Stratum>,
    /// The bank frame of a list-assisted list (its strata are the frame's).
    frame: Option<Arc<BankFrame>>,
}

/// Per stratum, how many of every `block` positions it takes: the block and the counts.
fn apportion(shares: &[f64]) -> (u64, Vec<u64>) {
    let mut block = 1;
    while block <= MAX_EXACT_BLOCK {
        let counts: Vec<u64> = shares.iter().map(|s| (s * block as f64).round() as u64).collect();
        let exact = shares.iter().zip(&counts).all(|(s, &c)| (s * block as f64 - c as f64).abs() < 1e-6 && c > 0);
        if exact && counts.iter().sum::<u64>() == block {
            return (block, counts);
        }
        block *= 10;
    }
    // Largest remainder.
    let block = ROUNDED_BLOCK;
    let mut counts: Vec<u64> = shares.iter().map(|s| (s * block as f64).floor() as u64).collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = shares[a] * block as f64 - counts[a] as f64;
        let rb = shares[b] * block as f64 - counts[b] as f64;
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let short = block - counts.iter().sum::<u64>();
    for &i in order.iter().take(short as usize) {
        counts[i] += 1;
    }
    (block, counts)
}

impl Mix {
    /// The mix of `shares` over `space` (whose selection's other settings, prefixes and lengths, each
    /// stratum keeps), for `seed`.
    pub(crate) fn new(
        plan: &crate::plan::Plan,
        selection: &Selection,
        space: &NumberSpace,
        shares: &[(NumberType, f64)],
        seed: u64,
    ) -> Result<Mix> {
        let mut shares = shares.to_vec();
        shares.sort_by_key(|(k, _)| NumberType::ALL.iter().position(|t| t == k));
        let (block, counts) = apportion(&shares.iter().map(|(_, s)| *s).collect::<Vec<_>>());
        if counts.contains(&0) {
            return Err(Error::Request(format!("a share of the mix is below 1 in {block}: too small to place").into()));
        }
        let mut strata = Vec::new();
        for &(kind, _) in &shares {
            let sub = Selection { types: vec![kind], ..selection.clone() };
            let sub_space = NumberSpace::new(plan, &sub)?;
            let segments = sub_space
                .segments()
                .iter()
                .map(|s| {
                    space.segments().iter().position(|w| w.row == s.row && w.prefix == s.prefix).ok_or_else(|| {
                        Error::Request(format!("the mix names {kind}, which the list's types do not include").into())
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            // Each stratum's order has a seed of its own, fixed by its type (not by its place in the mix).
            let type_id = NumberType::ALL.iter().position(|t| *t == kind).expect("every type is listed") as u64;
            let perm = Permutation::new(sub_space.len(), fmix64(seed ^ fmix64(0x6d69_7800 + type_id)));
            strata.push(Stratum { members: Members::Space { space: sub_space, segments }, perm });
        }
        let blocks = strata.iter().zip(&counts).map(|(s, &c)| s.len() / c).min().unwrap_or(0);
        if blocks == 0 {
            return Err(Error::Request(
                format!(
                    "the mix needs at least {block} numbers in blocks of {}; a type of it has too few",
                    counts.iter().map(u64::to_string).collect::<Vec<_>>().join("+")
                )
                .into(),
            ));
        }
        Ok(Mix::assemble(shares, block, counts, blocks, seed, strata, None))
    }

    fn assemble(
        shares: Vec<(NumberType, f64)>,
        block: u64,
        counts: Vec<u64>,
        blocks: u64,
        seed: u64,
        strata: Vec<Stratum>,
        frame: Option<Arc<BankFrame>>,
    ) -> Mix {
        let mut cum = vec![0];
        for c in &counts {
            cum.push(cum.last().copied().unwrap_or(0) + c);
        }
        let mut keys = [0u64; ROUNDS];
        for (i, k) in keys.iter_mut().enumerate() {
            *k = fmix64(fmix64(seed ^ 0x626c_6f63_6b00) ^ i as u64);
        }
        Mix { shares, block, counts, cum, blocks, keys, strata, frame }
    }

    /// The list-assisted interleaving of `frame`'s strata: the listed banks, and the zero banks sampled at
    /// `zero_rate` times the listed banks' rate (0: listed banks only), for `seed`.
    pub(crate) fn banked(frame: Arc<BankFrame>, zero_rate: f64, seed: u64) -> Result<Mix> {
        if !(0.0..=1.0).contains(&zero_rate) {
            return Err(Error::Request(format!("the zero-bank rate {zero_rate} is not between 0 and 1").into()));
        }
        let (listed, zero) = (frame.len(LISTED), frame.len(ZERO));
        if listed == 0 {
            return Err(Error::Request(
                "no bank of the selected numbers holds a known number: the list-assisted frame is empty".into(),
            ));
        }
        let which: Vec<usize> = if zero_rate > 0.0 && zero > 0 { vec![LISTED, ZERO] } else { vec![LISTED] };
        let share = listed as f64 / (listed as f64 + zero_rate * zero as f64);
        let shares: Vec<f64> = which.iter().map(|&w| if w == LISTED { share } else { 1.0 - share }).collect();
        let (block, counts) = apportion(&shares);
        if counts.contains(&0) {
            return Err(Error::Request(format!(
                "the zero banks' share of the list, {:.2e}, is below 1 in {block}: raise the zero-bank rate or                  leave the zero banks out",
                1.0 - share
            ).into()));
        }
        let strata: Vec<Stratum> = which
            .iter()
            .map(|&w| Stratum {
                members: Members::Banks { frame: frame.clone(), which: w },
                perm: Permutation::new(frame.len(w), fmix64(seed ^ fmix64(0x0062_616e_6b00 + w as u64))),
            })
            .collect();
        let blocks = strata.iter().zip(&counts).map(|(s, &c)| s.len() / c).min().unwrap_or(0);
        if blocks == 0 {
            return Err(Error::Request(format!("the list-assisted frame holds fewer than {block} numbers").into()));
        }
        Ok(Mix::assemble(Vec::new(), block, counts, blocks, seed, strata, Some(frame)))
    }

    /// The bank frame of a list-assisted list.
    pub(crate) fn frame(&self) -> Option<&BankFrame> {
        self.frame.as_deref()
    }

    /// Per stratum (in [`Mix::strata`] order): the frame stratum it is (`LISTED`, `ZERO`; `None` for a type),
    /// and its numbers.
    pub(crate) fn strata(&self) -> Vec<(Option<usize>, u64)> {
        self.strata
            .iter()
            .map(|s| match &s.members {
                Members::Space { space, .. } => (None, space.len()),
                Members::Banks { which, .. } => (Some(*which), s.len()),
            })
            .collect()
    }

    /// Per stratum, how many of the list positions in `range` it holds: whole blocks by their counts, the
    /// blocks cut by the range's ends slot by slot.
    pub(crate) fn positions_per_stratum(&self, range: std::ops::Range<u64>) -> Vec<u64> {
        let mut out = vec![0u64; self.strata.len()];
        let end = range.end.min(self.len());
        let mut p = range.start.min(end);
        while p < end {
            let b = p / self.block;
            let block_end = ((b + 1) * self.block).min(end);
            if p.is_multiple_of(self.block) && block_end == (b + 1) * self.block {
                for (o, c) in out.iter_mut().zip(&self.counts) {
                    *o += c;
                }
            } else {
                let slots = self.slots(b);
                for q in p..block_end {
                    let slot = slots.apply(q % self.block);
                    out[self.cum.partition_point(|&c| c <= slot) - 1] += 1;
                }
            }
            p = block_end;
        }
        out
    }

    /// The types and shares, in the plan's type order.
    pub(crate) fn shares(&self) -> &[(NumberType, f64)] {
        &self.shares
    }

    /// Positions per block, and per stratum how many of them it takes.
    pub(crate) fn block(&self) -> (u64, &[u64]) {
        (self.block, &self.counts)
    }

    /// Positions on the list (whole blocks).
    pub(crate) fn len(&self) -> u64 {
        self.blocks * self.block
    }

    /// The order of the slots of block `b`.
    #[inline]
    fn slots(&self, b: u64) -> Permutation {
        let h = b.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        Permutation::with_keys(self.block, self.keys.map(|k| fmix64(k ^ h)))
    }

    /// The whole space's (segment, offset) at list position `p` (< len).
    #[inline]
    pub(crate) fn locate(&self, p: u64) -> (usize, u64) {
        let b = p / self.block;
        self.locate_in(&self.slots(b), p)
    }

    /// [`Mix::locate`] of every position `first + j * step` for `j` in `range`, appended to `out`; the slot
    /// order of a block is keyed once for all its positions.
    pub(crate) fn locate_each(&self, first: u64, step: u64, range: std::ops::Range<u64>, out: &mut Vec<(usize, u64)>) {
        let mut current: Option<(u64, Permutation)> = None;
        for j in range {
            let p = first + j * step;
            let b = p / self.block;
            if current.as_ref().is_none_or(|(k, _)| *k != b) {
                current = Some((b, self.slots(b)));
            }
            out.push(self.locate_in(&current.as_ref().expect("just set").1, p));
        }
    }

    /// [`Mix::locate`] with the slot order of `p`'s block given.
    #[inline]
    fn locate_in(&self, slots: &Permutation, p: u64) -> (usize, u64) {
        let (b, o) = (p / self.block, p % self.block);
        let slot = slots.apply(o);
        let s = self.cum.partition_point(|&c| c <= slot) - 1;
        let stratum = &self.strata[s];
        let q = b * self.counts[s] + (slot - self.cum[s]);
        stratum.locate(stratum.perm.apply(q))
    }

    /// The list position of `number`, if the list holds it.
    pub(crate) fn position_of(&self, number: &PhoneNumber) -> Option<u64> {
        if let Some(frame) = &self.frame {
            return self.position_of_index(frame.space.index_of(number)?);
        }
        self.strata.iter().enumerate().find_map(|(s, stratum)| match &stratum.members {
            Members::Space { space, .. } => self.position_in(s, space.index_of(number)?),
            Members::Banks { .. } => None,
        })
    }

    /// The list position of the whole space's index `index` on a list-assisted list, if the list holds it.
    pub(crate) fn position_of_index(&self, index: u64) -> Option<u64> {
        let frame = self.frame.as_ref()?;
        let (which, q) = frame.stratum_of(index);
        let s =
            self.strata.iter().position(|st| matches!(st.members, Members::Banks { which: w, .. } if w == which))?;
        self.position_in(s, q)
    }

    /// The list position of index `index` of stratum `s`'s space, if the list holds it (its block is whole).
    pub(crate) fn position_in(&self, s: usize, index: u64) -> Option<u64> {
        let q = self.strata[s].perm.invert(index);
        let b = q / self.counts[s];
        if b >= self.blocks {
            return None;
        }
        let slot = self.cum[s] + q % self.counts[s];
        Some(b * self.block + self.slots(b).invert(slot))
    }

    /// Per segment of the whole space (`segments` of them): the stratum that holds it and the segment's first
    /// index in that stratum's space (a stratum's segment holds the same numbers at the same offsets); `None`
    /// for a list-assisted list, whose strata cut through segments.
    pub(crate) fn owners(&self, segments: usize) -> Option<Vec<Option<(usize, u64)>>> {
        let mut owners = vec![None; segments];
        for (s, stratum) in self.strata.iter().enumerate() {
            let Members::Space { space, segments } = &stratum.members else { return None };
            for (sub, &whole) in space.segments().iter().zip(segments) {
                owners[whole] = Some((s, sub.start));
            }
        }
        Some(owners)
    }
}

impl CallList {
    /// The stratified list of `plan`'s numbers chosen by `selection` (its types replaced by the mix's) with the
    /// types in the shares `mix` gives (in (0, 1], adding up to 1), for `seed`; see the module `mix` for how
    /// the strata are interleaved.
    ///
    /// ```
    /// use dialsim::{CallList, NumberType, Plan, Selection};
    /// let plan = Plan::embedded("cz").unwrap();
    /// let mix = [(NumberType::Mobile, 0.7), (NumberType::FixedLine, 0.3)];
    /// let list = CallList::mixed(&plan, &Selection::default(), &mix, 7).unwrap();
    /// let mobile = (0..1000).filter(|&p| list.number_at(p).national / 10_000_000 >= 60).count();
    /// assert_eq!(mobile, 700);
    /// ```
    pub fn mixed(
        plan: &crate::plan::Plan,
        selection: &Selection,
        mix: &[(NumberType, f64)],
        seed: u64,
    ) -> Result<CallList> {
        crate::scenario::check_mix(mix).map_err(|e| Error::Request(format!("mix: {e}").into()))?;
        let selection = Selection { types: mix.iter().map(|(t, _)| *t).collect(), ..selection.clone() };
        let space = NumberSpace::new(plan, &selection)?;
        let mixed = Mix::new(plan, &selection, &space, mix, seed)?;
        Ok(CallList { mix: Some(std::sync::Arc::new(mixed)), ..CallList::new(space, seed) })
    }

    /// The types and their shares of a stratified list (empty: uniform over the space).
    pub fn mix(&self) -> &[(NumberType, f64)] {
        self.mix.as_deref().map_or(&[], Mix::shares)
    }

    /// A stratified list's block: positions per block and, per type of [`CallList::mix`], how many of them
    /// each block holds (none for a uniform list).
    pub fn mix_block(&self) -> Option<(u64, Vec<u64>)> {
        self.mix.as_deref().map(|m| (m.block().0, m.block().1.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_finds_the_smallest_exact_block_or_rounds() {
        assert_eq!(apportion(&[0.7, 0.3]), (10, vec![7, 3]));
        assert_eq!(apportion(&[0.25, 0.75]), (100, vec![25, 75]));
        assert_eq!(apportion(&[1.0]), (1, vec![1]));
        let (block, counts) = apportion(&[1.0 / 3.0, 2.0 / 3.0]);
        assert_eq!((block, counts.iter().sum::<u64>()), (10_000, 10_000));
        assert!(counts[0] == 3333 || counts[0] == 3334, "{counts:?}");
    }

    #[test]
    fn every_position_of_a_small_mixed_list_is_a_distinct_number_that_leads_back() {
        let plan = crate::plan::Plan::embedded("cz").unwrap();
        let selection = Selection {
            types: vec![NumberType::Mobile, NumberType::FixedLine],
            prefixes: vec!["6011".into(), "2123".into()],
            lengths: vec![],
        };
        let space = NumberSpace::new(&plan, &selection).unwrap();
        let mix =
            Mix::new(&plan, &selection, &space, &[(NumberType::Mobile, 0.7), (NumberType::FixedLine, 0.3)], 5).unwrap();
        // 100,000 of each type: the mobile stratum fills 100,000 / 7 whole blocks.
        assert_eq!(mix.len(), 100_000 / 7 * 10);
        let mut seen = std::collections::HashSet::new();
        let mut mobile = 0;
        for p in 0..mix.len() {
            let (seg, offset) = mix.locate(p);
            let number = space.segments()[seg].number(offset);
            assert!(seen.insert(number), "position {p} repeats {number}");
            assert_eq!(mix.position_of(&number), Some(p));
            if space.segments()[seg].kind == NumberType::Mobile {
                mobile += 1;
            }
            if p % 10 == 9 {
                assert_eq!(mobile * 10, 7 * (p + 1), "block ending at {p}");
            }
        }
    }
}
