//! A call list's sampling design: the list-assisted constructor (Casady–Lepkowski, over the bank frame of
//! `frame`), the positions a written list sampled, and each stratum's inclusion probability — what a list's
//! manifest records and a list-assisted CSV list writes beside each number.

use super::frame::{BankFrame, LISTED, ZERO};
use super::{Banks, CallList, Excluder, ListFormat, ListRequest, ListSummary, MAX_RECORD, Mix, Work};
use crate::foundation::error::Result;
use crate::plan::space::NumberSpace;

/// A list-assisted design (Casady–Lepkowski): banks of `bank` numbers with at least `min_listed` known
/// numbers form the listed stratum, the rest the zero stratum, sampled at `zero_rate` times the listed rate.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameDesign {
    /// Numbers per bank (100 or 1000).
    pub bank: u64,
    /// Known numbers a bank needs to be listed (at least 1).
    pub min_listed: u32,
    /// The zero banks' sampling rate relative to the listed banks' (0: listed banks only).
    pub zero_rate: f64,
    /// Listed banks holding numbers of the space.
    pub listed_banks: u64,
}

/// One stratum of a list's design and the inclusion probability of its numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct DesignStratum {
    /// `all` (uniform list), a number type (stratified list), `listed` or `zero` (list-assisted list).
    pub name: String,
    /// Numbers of the stratum in the space.
    pub numbers: u64,
    /// Of them, list positions in the sample's range (numbers drawn, excluded ones included).
    pub drawn: u64,
    /// `drawn / numbers`: every number of the stratum had this probability to be drawn (its design weight is
    /// the inverse).
    pub probability: f64,
}

/// The name of a frame stratum in list files and manifests.
pub(super) fn frame_stratum_name(which: usize) -> &'static str {
    if which == LISTED { "listed" } else { "zero" }
}

impl CallList {
    /// The CSV header line of [`ListFormat::Csv`] for a list-assisted list: each number's frame stratum
    /// (`listed`, `zero`) and its inclusion probability ([`CallList::inclusion`]).
    pub const DESIGN_CSV_HEADER: &'static [u8] = b"number,type,region,index,stratum,probability\n";

    /// A list-assisted CSV list's last columns per frame stratum, `,STRATUM,PROBABILITY`. The probability
    /// depends on how far the list goes: without exclusions the positions requested; with exclusions a first
    /// pass over the request (written nowhere) finds the last position this run reaches. `shard` is the
    /// request's (first position, step, positions available, quota).
    pub(super) fn design_columns<X: Excluder>(
        &self,
        request: &ListRequest,
        excluder: &X,
        (first, step, available, quota): (u64, u64, u64, u64),
        threads: usize,
    ) -> Result<[Vec<u8>; 2]> {
        let sources = excluder.sources();
        let mut counted = ListSummary { requested: quota, excluded: vec![0; sources], ..Default::default() };
        if sources > 0 && quota > 0 {
            let dry = Work {
                format: ListFormat::Txt,
                pieces: Vec::new(),
                record: MAX_RECORD,
                first,
                step,
                scan_end: available,
                quota,
                excluder,
                design_columns: None,
            };
            self.run(&dry, threads, &mut std::io::sink(), &mut counted, &mut |_| {})?;
        }
        let strata = self.inclusion(self.sample_range(request, &counted));
        let column = |i: usize| format!(",{},{}", strata[i].name, strata[i].probability).into_bytes();
        Ok([column(LISTED), column(ZERO)])
    }
    /// The list-assisted list of `space` (Casady–Lepkowski): its banks of `banks.size()` numbers with at least
    /// `min_listed` numbers of `banks` make the listed stratum, the other banks the zero stratum, sampled at
    /// `zero_rate` (0 to 1) times the listed stratum's rate; both strata interleave at random at fixed shares
    /// (as the types of [`CallList::mixed`]), each in the order of its own seeded permutation. The known
    /// numbers give the banks' density only: exclude them from the list like any known database.
    ///
    /// ```
    /// use dialsim::{Banks, CallList, NumberSpace, Plan, Selection};
    /// let space = NumberSpace::new(&Plan::embedded("cz").unwrap(), &Selection::default()).unwrap();
    /// let known = [space.number(123_456), space.number(9_876_543)];
    /// let list = CallList::list_assisted(space, &Banks::from_numbers(100, known).unwrap(), 1, 0.0, 7).unwrap();
    /// assert_eq!(list.len(), 200); // the two listed 100-banks
    /// assert_eq!(list.number_at(0).national / 100, list.number_at(0).national / 100);
    /// ```
    pub fn list_assisted(
        space: NumberSpace,
        banks: &Banks,
        min_listed: u32,
        zero_rate: f64,
        seed: u64,
    ) -> Result<CallList> {
        let frame = std::sync::Arc::new(BankFrame::new(&space, banks, min_listed.max(1)));
        let design = FrameDesign {
            bank: banks.size(),
            min_listed: min_listed.max(1),
            zero_rate,
            listed_banks: frame.listed_banks(),
        };
        let mix = Mix::banked(frame, zero_rate, seed)?;
        Ok(CallList { mix: Some(std::sync::Arc::new(mix)), design: Some(design), ..CallList::new(space, seed) })
    }

    /// A list-assisted list's design (none for other lists).
    pub fn design(&self) -> Option<&FrameDesign> {
        self.design.as_ref()
    }

    /// The list positions a written list sampled, all shards together: without exclusions the positions
    /// requested; with exclusions up to this run's last position written (to the list's end when the list
    /// ran out).
    pub fn sample_range(&self, request: &ListRequest, summary: &ListSummary) -> std::ops::Range<u64> {
        let len = self.len();
        let start = request.start.min(len);
        let end = if summary.excluded.is_empty() {
            start.saturating_add(request.count.unwrap_or(len - start)).min(len)
        } else if summary.exhausted() {
            len
        } else {
            summary.last_index.map_or(start, |l| l + 1)
        };
        start..end.max(start)
    }

    /// The design's strata and their numbers' inclusion probabilities for the list positions `range` (see
    /// [`CallList::sample_range`]): one stratum `all` for a uniform list, one per type for a stratified list,
    /// `listed` and `zero` for a list-assisted list (the zero banks with probability 0 when left out), `banks`
    /// for a Mitofsky–Waksberg stage-1 list (its positions are banks: the probability is a bank's to be drawn).
    ///
    /// ```
    /// use dialsim::{CallList, NumberSpace, Plan, Selection};
    /// let list = CallList::new(NumberSpace::new(&Plan::embedded("cz").unwrap(), &Selection::default()).unwrap(), 7);
    /// let strata = list.inclusion(0..1000);
    /// assert_eq!((strata[0].name.as_str(), strata[0].drawn), ("all", 1000));
    /// assert_eq!(strata[0].probability, 1000.0 / list.space().len() as f64);
    /// ```
    pub fn inclusion(&self, range: std::ops::Range<u64>) -> Vec<DesignStratum> {
        let stratum = |name: String, numbers: u64, drawn: u64| DesignStratum {
            name,
            numbers,
            drawn,
            probability: if numbers == 0 { 0.0 } else { drawn as f64 / numbers as f64 },
        };
        if let Some(t) = &self.two_stage {
            // Stage 1 draws banks: each bank of the frame had this probability to be drawn.
            let end = range.end.min(self.len());
            return vec![stratum("banks".into(), t.banks(), end.saturating_sub(range.start))];
        }
        let Some(mix) = self.mix.as_deref() else {
            let end = range.end.min(self.len());
            return vec![stratum("all".into(), self.space.len(), end.saturating_sub(range.start))];
        };
        let drawn = mix.positions_per_stratum(range);
        let strata = mix.strata();
        if let Some(frame) = mix.frame() {
            return [LISTED, ZERO]
                .iter()
                .map(|&w| {
                    let d = strata.iter().zip(&drawn).find(|((which, _), _)| *which == Some(w)).map_or(0, |(_, d)| *d);
                    stratum(frame_stratum_name(w).into(), frame.len(w), d)
                })
                .collect();
        }
        mix.shares()
            .iter()
            .zip(strata.iter().zip(&drawn))
            .map(|((kind, _), ((_, numbers), d))| stratum(kind.as_str().into(), *numbers, *d))
            .collect()
    }
}
