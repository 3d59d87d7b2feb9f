//! The call list: list position → permutation → space index → number, minus exclusions.
//!
//! Position `p` of the list for a seed is the number at space index `perm(p)`. A request takes positions
//! `start..start+count`; shard `K/N` takes those with `p mod N = K−1`. Work is split into chunks of positions
//! that threads fill in parallel; chunks are written in position order, so the bytes never depend on the
//! thread count. With exclusions a chunk may yield fewer numbers than positions, so the list keeps walking
//! its positions until the requested count is reached or the space runs out. This module never prints; it
//! writes the list to the `Write` it is given and reports progress through a callback.

use std::io::Write;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::number::{PhoneNumber, write_decimal, write_padded};
use crate::permute::{LANES, Permutation};
use crate::space::NumberSpace;

/// Positions per chunk of parallel work.
const CHUNK: u64 = 1 << 13;
/// Chunks per thread in one batch (bounds memory: about 1 MiB of output per chunk).
const CHUNKS_PER_THREAD: usize = 4;

/// Output format of a call list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ListFormat {
    /// `number,type,region,index` with a header row.
    #[default]
    Csv,
    /// One E.164 number per line.
    Txt,
}

impl FromStr for ListFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<ListFormat, String> {
        match s {
            "csv" => Ok(ListFormat::Csv),
            "txt" => Ok(ListFormat::Txt),
            _ => Err(format!("unknown format '{s}' (expected csv or txt)")),
        }
    }
}

/// Shard `index` of `count` (1-based), written `K/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// K, from 1 to N.
    pub index: u64,
    /// N ≥ 1.
    pub count: u64,
}

impl Shard {
    /// The whole list (1/1).
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };
}

impl FromStr for Shard {
    type Err = String;
    /// Parses `K/N` with 1 ≤ K ≤ N.
    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("shard '{s}' must be K/N with 1 <= K <= N, e.g. 2/3");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRequest {
    /// First list position (resume point).
    pub start: u64,
    /// How many positions of the unsharded list, from `start`; `None` = to the end of the space.
    pub count: Option<u64>,
    /// Which shard to emit.
    pub shard: Shard,
    /// Output format.
    pub format: ListFormat,
    /// Worker threads (≥ 1); the output does not depend on it.
    pub threads: usize,
}

impl Default for ListRequest {
    fn default() -> ListRequest {
        ListRequest { start: 0, count: Some(20), shard: Shard::WHOLE, format: ListFormat::Csv, threads: 1 }
    }
}

/// Decides whether a number may go on a list.
pub trait Excluder: Sync {
    /// How many sources the excluder consults (for per-source counts).
    fn sources(&self) -> usize;
    /// The index of the first source that holds `number`, or `None` when the number may be listed.
    fn excluded(&self, number: &PhoneNumber) -> Option<usize>;
}

/// An excluder that lets every number through.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoExclusion;

impl Excluder for NoExclusion {
    fn sources(&self) -> usize {
        0
    }
    #[inline]
    fn excluded(&self, _: &PhoneNumber) -> Option<usize> {
        None
    }
}

/// What a generation did.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ListSummary {
    /// Numbers written.
    pub written: u64,
    /// Numbers the request asked for (this shard's share).
    pub requested: u64,
    /// List positions examined.
    pub scanned: u64,
    /// Numbers skipped, per exclusion source.
    pub excluded: Vec<u64>,
    /// Position of the last number written (`--start` it + 1 to resume).
    pub last_index: Option<u64>,
}

impl ListSummary {
    /// True when the space ran out before the request was met.
    pub fn exhausted(&self) -> bool {
        self.written < self.requested
    }
}

/// Bytes that every number of a segment shares.
#[derive(Clone, Debug)]
struct Template {
    /// `+<cc><prefix>`, zero-padded: copied whole (two 16-byte moves), then only `head_len` bytes count.
    head: [u8; 32],
    head_len: usize,
    /// `,<type>,<region>,` (CSV), padded the same way.
    mid: [u8; 32],
    mid_len: usize,
    /// Free digits after the prefix.
    free: usize,
}

/// Longest record: head 32 + free digits 19 + mid 32 + index 20 + newline, rounded up.
const MAX_RECORD: usize = 128;

fn padded(text: &str) -> ([u8; 32], usize) {
    let mut out = [0u8; 32];
    out[..text.len()].copy_from_slice(text.as_bytes());
    (out, text.len())
}

/// The output of one chunk of positions.
#[derive(Default)]
struct ChunkOut {
    /// Scratch space; only `bytes[..used]` is output.
    bytes: Vec<u8>,
    used: usize,
    records: u64,
    scanned: u64,
    excluded: Vec<u64>,
    last_index: Option<u64>,
    /// Scratch: (segment, offset) of each position of the chunk.
    located: Vec<(usize, u64)>,
    /// Scratch: the exclusion verdict of each position.
    verdicts: Vec<Option<usize>>,
}

/// A seeded call list over a number space.
#[derive(Clone, Debug)]
pub struct CallList {
    space: NumberSpace,
    perm: Permutation,
    templates: Vec<Template>,
}

impl CallList {
    /// The list of `space` for `seed`.
    ///
    /// ```
    /// use dialsim::{CallList, ListRequest, NumberSpace, Plan, Selection};
    /// let space = NumberSpace::new(&Plan::embedded("cz").unwrap(), &Selection::default()).unwrap();
    /// let list = CallList::new(space, 7);
    /// let mut out = Vec::new();
    /// let req = ListRequest { count: Some(3), ..Default::default() };
    /// list.write(&req, &dialsim::NoExclusion, &mut out, &mut |_| {}).unwrap();
    /// assert_eq!(String::from_utf8(out).unwrap().lines().count(), 4); // header + 3
    /// ```
    pub fn new(space: NumberSpace, seed: u64) -> CallList {
        let perm = Permutation::new(space.len(), seed);
        let templates = space
            .segments()
            .iter()
            .map(|s| {
                let (head, head_len) = padded(&format!("+{}{}", s.country_code, s.prefix));
                let (mid, mid_len) = padded(&format!(",{},{},", s.kind, s.region));
                Template { head, head_len, mid, mid_len, free: s.free_digits() as usize }
            })
            .collect();
        CallList { space, perm, templates }
    }

    /// The number space.
    pub fn space(&self) -> &NumberSpace {
        &self.space
    }

    /// The number at list position `position` (< space size).
    pub fn number_at(&self, position: u64) -> PhoneNumber {
        self.space.number(self.perm.apply(position))
    }

    /// The list position of `number`, if the space holds it (the inverse of [`CallList::number_at`]).
    pub fn position_of(&self, number: &PhoneNumber) -> Option<u64> {
        self.space.index_of(number).map(|i| self.perm.invert(i))
    }

    /// The CSV header line of [`ListFormat::Csv`].
    pub const CSV_HEADER: &'static [u8] = b"number,type,region,index\n";

    /// Writes the list `request` asks for, skipping numbers `excluder` rejects; `progress` gets the count
    /// written so far after each batch. Fails before writing anything when the request exceeds the space.
    pub fn write<X: Excluder>(
        &self,
        request: &ListRequest,
        excluder: &X,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ListSummary> {
        let len = self.space.len();
        let Shard { index: k, count: n } = request.shard;
        if k == 0 || k > n {
            return Err(Error::Invalid(format!("shard {k}/{n} must satisfy 1 <= K <= N")));
        }
        if request.start > len {
            return Err(Error::Invalid(format!("--start {} is beyond the space of {len} numbers", request.start)));
        }
        let count = request.count.unwrap_or(len - request.start);
        if count > len - request.start {
            return Err(Error::Invalid(format!(
                "asked for {count} numbers from position {} but the space holds {len} numbers{}",
                request.start,
                if request.start > 0 {
                    format!(" ({} from that position)", len - request.start)
                } else {
                    String::new()
                }
            )));
        }
        // First position >= start in this shard, and how many of this shard's positions exist.
        let first = request.start + (k - 1 + n - request.start % n) % n;
        let available = if first >= len { 0 } else { (len - 1 - first) / n + 1 };
        let end = request.start + count;
        let quota = if first >= end { 0 } else { (end - 1 - first) / n + 1 };
        let sources = excluder.sources();
        let mut summary = ListSummary { requested: quota, excluded: vec![0; sources], ..Default::default() };

        if request.format == ListFormat::Csv {
            out.write_all(Self::CSV_HEADER).map_err(Error::Output)?;
        }
        let threads = request.threads.max(1);
        let format = request.format;
        let mut next_j = 0u64;
        // Without exclusions every position yields a number: never scan past the quota.
        let scan_end = if sources == 0 { quota } else { available };
        let next_batch = |next_j: &mut u64| {
            let mut ranges = Vec::new();
            while ranges.len() < threads * CHUNKS_PER_THREAD && *next_j < scan_end {
                let stop = (*next_j + CHUNK).min(scan_end);
                ranges.push(*next_j..stop);
                *next_j = stop;
            }
            ranges
        };
        let mut ranges = next_batch(&mut next_j);
        let mut chunks: Vec<ChunkOut> = Vec::new();
        let mut spare: Vec<ChunkOut> = Vec::new();
        chunks.resize_with(ranges.len(), ChunkOut::default);
        self.fill_parallel(format, first, n, &ranges, excluder, &mut chunks, threads);
        // Pipeline: while this thread writes batch r, the workers fill batch r+1 (speculatively: writing may
        // reach the quota first, and then the extra batch is dropped).
        while !ranges.is_empty() {
            let next_ranges = if summary.written < quota { next_batch(&mut next_j) } else { Vec::new() };
            spare.resize_with(next_ranges.len(), ChunkOut::default);
            let written = std::thread::scope(|scope| {
                if !next_ranges.is_empty() {
                    let spare = &mut spare;
                    let next_ranges = &next_ranges;
                    scope.spawn(move || self.fill_parallel(format, first, n, next_ranges, excluder, spare, threads));
                }
                self.emit(format, first, n, &ranges, &mut chunks, quota, excluder, out, &mut summary)
            });
            written?;
            progress(summary.written);
            if summary.written == quota {
                break;
            }
            ranges = next_ranges;
            std::mem::swap(&mut chunks, &mut spare);
        }
        out.flush().map_err(Error::Output)?;
        Ok(summary)
    }

    /// Writes filled chunks in order, stopping exactly at the quota.
    #[allow(clippy::too_many_arguments)]
    fn emit<X: Excluder>(
        &self,
        format: ListFormat,
        first: u64,
        step: u64,
        ranges: &[std::ops::Range<u64>],
        chunks: &mut [ChunkOut],
        quota: u64,
        excluder: &X,
        out: &mut dyn Write,
        summary: &mut ListSummary,
    ) -> Result<()> {
        for (range, chunk) in ranges.iter().zip(chunks.iter_mut()) {
            let left = quota - summary.written;
            if chunk.records > left {
                // The last chunk overshoots: redo it with a limit, so counts stop exactly at the quota.
                self.fill(format, first, step, range.clone(), left, excluder, chunk);
            }
            out.write_all(&chunk.bytes[..chunk.used]).map_err(Error::Output)?;
            summary.written += chunk.records;
            summary.scanned += chunk.scanned;
            for (total, c) in summary.excluded.iter_mut().zip(&chunk.excluded) {
                *total += c;
            }
            summary.last_index = chunk.last_index.or(summary.last_index);
            if summary.written == quota {
                break;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn fill_parallel<X: Excluder>(
        &self,
        format: ListFormat,
        first: u64,
        step: u64,
        ranges: &[std::ops::Range<u64>],
        excluder: &X,
        chunks: &mut [ChunkOut],
        threads: usize,
    ) {
        if threads == 1 || ranges.len() == 1 {
            for (r, c) in ranges.iter().zip(chunks.iter_mut()) {
                self.fill(format, first, step, r.clone(), u64::MAX, excluder, c);
            }
            return;
        }
        // Static round-robin: chunk i goes to thread i mod T; the result lands in slot i whatever the timing.
        let mut per_thread: Vec<Vec<(&std::ops::Range<u64>, &mut ChunkOut)>> =
            (0..threads).map(|_| Vec::new()).collect();
        for (i, pair) in ranges.iter().zip(chunks.iter_mut()).enumerate() {
            per_thread[i % threads].push(pair);
        }
        std::thread::scope(|scope| {
            for work in per_thread {
                scope.spawn(move || {
                    for (r, c) in work {
                        self.fill(format, first, step, r.clone(), u64::MAX, excluder, c);
                    }
                });
            }
        });
    }

    /// Fills `out` with the numbers of positions `first + j*step` for `j` in `range`, at most `limit` of them.
    #[allow(clippy::too_many_arguments)]
    fn fill<X: Excluder>(
        &self,
        format: ListFormat,
        first: u64,
        step: u64,
        range: std::ops::Range<u64>,
        limit: u64,
        excluder: &X,
        out: &mut ChunkOut,
    ) {
        // Every record is written at `used` with fixed-size copies into slack space, so the scratch buffer
        // holds a whole chunk's worth of the longest record; it is grown once and reused.
        let need = (range.end - range.start) as usize * MAX_RECORD;
        if out.bytes.len() < need {
            out.bytes.resize(need, 0);
        }
        out.used = 0;
        out.records = 0;
        out.scanned = 0;
        out.last_index = None;
        out.excluded.clear();
        out.excluded.resize(excluder.sources(), 0);
        // Phase 1: permute and locate every position of the chunk (LANES at a time, in lockstep).
        let count = (range.end - range.start) as usize;
        out.located.clear();
        let mut lanes = [0u64; LANES];
        let mut j = range.start;
        while j < range.end {
            // Lanes past the range repeat the last position and are dropped.
            let take = (range.end - j).min(LANES as u64) as usize;
            for (l, lane) in lanes.iter_mut().enumerate() {
                *lane = first + (j + (l.min(take - 1)) as u64) * step;
            }
            self.perm.apply_lanes(&mut lanes);
            out.located.extend(lanes[..take].iter().map(|&index| self.space.locate(index)));
            j += take as u64;
        }
        // Phase 2: the exclusion checks in one tight loop, so their cache misses overlap as in a bare loop of
        // filter lookups, instead of each waiting behind the formatting of the previous number.
        out.verdicts.clear();
        if excluder.sources() > 0 {
            let segments = self.space.segments();
            out.verdicts
                .extend(out.located.iter().map(|&(seg, offset)| excluder.excluded(&segments[seg].number(offset))));
        } else {
            out.verdicts.resize(count, None);
        }
        // Phase 3: format the numbers that passed, in position order, stopping at `limit`.
        for i in 0..count {
            if out.records == limit {
                break;
            }
            let position = first + (range.start + i as u64) * step;
            out.scanned += 1;
            if let Some(source) = out.verdicts[i] {
                out.excluded[source] += 1;
                continue;
            }
            let (seg, offset) = out.located[i];
            let t = &self.templates[seg];
            let line = &mut out.bytes[out.used..out.used + MAX_RECORD];
            line[..32].copy_from_slice(&t.head);
            let mut w = t.head_len;
            w += write_padded(&mut line[w..w + 20], offset, t.free);
            if format == ListFormat::Csv {
                line[w..w + 32].copy_from_slice(&t.mid);
                w += t.mid_len;
                w += write_decimal(&mut line[w..w + 20], position);
            }
            line[w] = b'\n';
            out.used += w + 1;
            out.records += 1;
            out.last_index = Some(position);
        }
    }
}
