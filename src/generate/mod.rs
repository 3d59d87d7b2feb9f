//! The call list: list position → permutation → space index → number, minus exclusions.
//!
//! Position `p` of the list for a seed is the number at space index `perm(p)`. A request takes positions
//! `start..start+count`; shard `K/N` takes those with `p mod N = K−1`. Work is split into chunks of positions
//! that threads fill in parallel; chunks are written in position order, so the bytes never depend on the
//! thread count. With exclusions a chunk may yield fewer numbers than positions, so the list keeps walking
//! its positions until the requested count is reached or the space runs out. This module never prints; it
//! writes the list to the `Write` it is given and reports progress through a callback.

use std::io::Write;

mod design;
mod excluder;
mod format;
mod frame;
pub(crate) mod list_manifest;
mod mix;
pub(crate) mod permute;
mod positions;
mod twostage;

pub use design::{DesignStratum, FrameDesign};
pub use excluder::{Excluder, ListSummary, NoExclusion};
pub use format::{ListFormat, ListRequest, Shard};
use format::{Pieces, VICIDIAL_EMPTY_COLUMNS, put};
pub use frame::{Banks, foreign_density};
pub(crate) use mix::Mix;
pub use positions::Positions;
pub use twostage::{BankSample, MW_BANK, SecondStageRow, mw_probability};

use crate::foundation::error::{Error, Result};
use crate::generate::permute::{BLOCK_LANES, LANES, Permutation};
use crate::plan::number::{PhoneNumber, write_decimal, write_padded};
use crate::plan::space::NumberSpace;

/// Positions per chunk of parallel work.
const CHUNK: u64 = 1 << 13;
/// Chunk buffers per worker thread (bounds memory: about 1 MiB of output per chunk).
const CHUNKS_PER_THREAD: usize = 4;

/// Chunks written between progress reports.
const PROGRESS_EVERY: u64 = 16;

/// What every chunk of one request shares.
struct Work<'a, X> {
    format: ListFormat,
    /// Per segment, the bytes around the national digits of the dialer formats (empty for csv and txt).
    pieces: Vec<Pieces>,
    /// Scratch bytes per record: the longest record of the format, rounded up.
    record: usize,
    /// First position of the shard at or after the start.
    first: u64,
    /// Distance between the shard's positions (the shard count).
    step: u64,
    /// Shard positions `first + j*step` are scanned for `j < scan_end`.
    scan_end: u64,
    /// Numbers to write.
    quota: u64,
    excluder: &'a X,
    /// A list-assisted CSV list's last columns, `,STRATUM,PROBABILITY`, per frame stratum.
    design_columns: Option<[Vec<u8>; 2]>,
}

/// The chunk number a panicking worker sends, so that the writing thread stops waiting for its chunk.
const PANICKED: u64 = u64::MAX;

/// Tells the writing thread when a worker panics (it would otherwise wait forever for the worker's chunk
/// while the other workers wait for buffers).
struct PanicSignal<'a>(&'a std::sync::mpsc::Sender<(u64, ChunkOut)>);

impl Drop for PanicSignal<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = self.0.send((PANICKED, ChunkOut::default()));
        }
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
    /// Scratch: the number at each position (with exclusions).
    numbers: Vec<PhoneNumber>,
    /// Scratch: the exclusion verdict of each position.
    verdicts: Vec<Option<usize>>,
}

/// A seeded call list over a number space.
#[derive(Clone, Debug)]
pub struct CallList {
    space: NumberSpace,
    perm: Permutation,
    templates: Vec<Template>,
    seed: u64,
    /// A stratified list's interleaving of its types or bank strata (none: uniform over the space).
    mix: Option<std::sync::Arc<Mix>>,
    /// A list-assisted list's design.
    design: Option<FrameDesign>,
    /// A Mitofsky–Waksberg stage-1 list's banks: position `p` is the primary of bank `perm(p)`.
    two_stage: Option<std::sync::Arc<BankSample>>,
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
        CallList { space, perm, templates, seed, mix: None, design: None, two_stage: None }
    }

    /// Positions on the list: the space's size, or for a stratified list its whole blocks.
    pub fn len(&self) -> u64 {
        if let Some(t) = &self.two_stage {
            return t.banks();
        }
        self.mix.as_deref().map_or(self.space.len(), Mix::len)
    }

    /// Whether the list is empty (never true for a constructed list).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The seed the list's order comes from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The number space.
    pub fn space(&self) -> &NumberSpace {
        &self.space
    }

    /// The number at list position `position` (< space size).
    pub fn number_at(&self, position: u64) -> PhoneNumber {
        if let Some(t) = &self.two_stage {
            return t.primary(t.bank_at(position));
        }
        match &self.mix {
            Some(m) => {
                let (seg, offset) = m.locate(position);
                self.space.segments()[seg].number(offset)
            }
            None => self.space.number(self.perm.apply(position)),
        }
    }

    /// The segment and offset of every position `first + j * step` for `j` in `range`, appended to `out`:
    /// [`Permutation::LANES`] positions at a time, their rounds in lockstep.
    #[inline]
    fn locate_each(&self, first: u64, step: u64, range: std::ops::Range<u64>, out: &mut Vec<(usize, u64)>) {
        if let Some(mix) = &self.mix {
            return mix.locate_each(first, step, range, out);
        }
        if let Some(t) = &self.two_stage {
            out.extend(range.map(|j| t.locate_primary(t.bank_at(first + j * step))));
            return;
        }
        // Blocks of 64 (a chunk is a whole number of them), then eights for a short tail.
        let mut block = [0u64; BLOCK_LANES];
        let mut j = range.start;
        while range.end - j >= BLOCK_LANES as u64 {
            for (l, lane) in block.iter_mut().enumerate() {
                *lane = first + (j + l as u64) * step;
            }
            self.perm.apply_block(&mut block);
            out.extend(block.iter().map(|&index| self.space.locate(index)));
            j += BLOCK_LANES as u64;
        }
        let mut lanes = [0u64; LANES];
        while j < range.end {
            // Lanes past the range repeat the last position and are dropped.
            let take = (range.end - j).min(LANES as u64) as usize;
            for (l, lane) in lanes.iter_mut().enumerate() {
                *lane = first + (j + (l.min(take - 1)) as u64) * step;
            }
            self.perm.apply_lanes(&mut lanes);
            out.extend(lanes[..take].iter().map(|&index| self.space.locate(index)));
            j += take as u64;
        }
    }

    /// The numbers at positions `first..first + count` (within the list), appended to `out`: what
    /// [`CallList::number_at`] gives for each, computed several at a time. `located` is scratch space.
    pub(crate) fn numbers_from(
        &self,
        first: u64,
        count: u64,
        located: &mut Vec<(usize, u64)>,
        out: &mut Vec<PhoneNumber>,
    ) {
        debug_assert!(first + count <= self.len());
        located.clear();
        self.locate_each(first, 1, 0..count, located);
        let segments = self.space.segments();
        out.extend(located.iter().map(|&(seg, offset)| segments[seg].number(offset)));
    }

    /// The list position of `number`, if the space holds it (the inverse of [`CallList::number_at`]).
    pub fn position_of(&self, number: &PhoneNumber) -> Option<u64> {
        if let Some(t) = &self.two_stage {
            return t.position_of_primary(number);
        }
        match &self.mix {
            Some(m) => m.position_of(number),
            None => self.space.index_of(number).map(|i| self.perm.invert(i)),
        }
    }

    /// The way back from numbers to their positions, for reading many numbers of the list back: built once
    /// (a lookup of the space's segments), then as fast per number as writing it.
    ///
    /// ```
    /// let list = dialsim::CallList::new(
    ///     dialsim::NumberSpace::new(&dialsim::Plan::embedded("de").unwrap(), &Default::default()).unwrap(),
    ///     7,
    /// );
    /// let positions = list.positions();
    /// let n = list.number_at(12_345).to_string();
    /// assert_eq!(positions.of_digits(&n.as_bytes()[1..]), Some(12_345));
    /// ```
    pub fn positions(&self) -> Positions<'_> {
        Positions::new(self)
    }

    /// The CSV header line of [`ListFormat::Csv`].
    pub const CSV_HEADER: &'static [u8] = b"number,type,region,index\n";

    /// The CSV header line of [`ListFormat::DialerCsv`].
    pub const DIALER_CSV_HEADER: &'static [u8] = b"country_code,national_number,e164,type,region,time_zone\n";

    /// Per segment, the shared bytes of `format`'s records (empty for csv and txt).
    fn pieces(&self, format: ListFormat) -> Vec<Pieces> {
        let segments = self.space.segments();
        match format {
            ListFormat::Csv | ListFormat::Txt => Vec::new(),
            ListFormat::Vicidial { list_id } => segments
                .iter()
                .map(|s| Pieces {
                    a: format!("\tdialsim\t{list_id}\t{}\t{}", s.country_code, s.prefix).into_bytes(),
                    m: Vec::new(),
                    b: vec![b'\t'; VICIDIAL_EMPTY_COLUMNS],
                })
                .collect(),
            ListFormat::DialerCsv => segments
                .iter()
                .map(|s| Pieces {
                    a: format!("{},{}", s.country_code, s.prefix).into_bytes(),
                    m: format!(",+{}{}", s.country_code, s.prefix).into_bytes(),
                    b: format!(
                        ",{},{},{}",
                        s.kind,
                        s.region,
                        format::segment_time_zone(&s.region, s.country_code, &s.prefix, s.length)
                    )
                    .into_bytes(),
                })
                .collect(),
        }
    }

    /// Writes the list `request` asks for, skipping numbers `excluder` rejects; `progress` gets the count
    /// written so far every few chunks and at the end. Fails before writing anything when the request
    /// exceeds the space.
    pub fn write<X: Excluder>(
        &self,
        request: &ListRequest,
        excluder: &X,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ListSummary> {
        let len = self.len();
        let Shard { index: k, count: n } = request.shard;
        if k == 0 || k > n {
            return Err(Error::Request(format!("shard {k}/{n} must satisfy 1 <= K <= N").into()));
        }
        if request.start > len {
            return Err(Error::Request(
                format!("start position {} is beyond the space of {len} numbers", request.start).into(),
            ));
        }
        let count = request.count.unwrap_or(len - request.start);
        if count > len - request.start {
            return Err(Error::Request(
                format!(
                    "asked for {count} numbers from position {} but the space holds {len} numbers{}",
                    request.start,
                    if request.start > 0 {
                        format!(" ({} from that position)", len - request.start)
                    } else {
                        String::new()
                    }
                )
                .into(),
            ));
        }
        let threads = crate::foundation::limits::check_threads(request.threads.max(1))?;
        // First position >= start in this shard, and how many of this shard's positions exist; in 128 bits, so
        // that no K/N and start wrap (a shard count beyond the space just holds no position past the first).
        let first = u128::from(request.start)
            + (u128::from(k - 1) + u128::from(n) - u128::from(request.start % n)) % u128::from(n);
        let first = u64::try_from(first).unwrap_or(u64::MAX);
        let available = if first >= len { 0 } else { (len - 1 - first) / n + 1 };
        let end = request.start + count;
        let quota = if first >= end { 0 } else { (end - 1 - first) / n + 1 };
        let sources = excluder.sources();
        let mut summary = ListSummary { requested: quota, excluded: vec![0; sources], ..Default::default() };

        let design_columns = match (request.format, self.design.is_some()) {
            (ListFormat::Csv, true) => {
                Some(self.design_columns(request, excluder, (first, n, available, quota), threads)?)
            }
            _ => None,
        };
        match request.format {
            ListFormat::Csv if design_columns.is_some() => {
                out.write_all(Self::DESIGN_CSV_HEADER).map_err(Error::Output)?
            }
            ListFormat::Csv => out.write_all(Self::CSV_HEADER).map_err(Error::Output)?,
            ListFormat::DialerCsv => out.write_all(Self::DIALER_CSV_HEADER).map_err(Error::Output)?,
            ListFormat::Txt | ListFormat::Vicidial { .. } => {}
        }
        // Without exclusions every position yields a number: never scan past the quota.
        let scan_end = if sources == 0 { quota } else { available };
        let pieces = self.pieces(request.format);
        // Room for the longest record: the shared pieces, two runs of digits (written 20 bytes wide), an
        // index and a newline.
        let record = pieces.iter().map(|p| p.a.len() + p.m.len() + p.b.len() + 64).max().unwrap_or(0).max(MAX_RECORD);
        let record = record + if design_columns.is_some() { 64 } else { 0 };
        let work =
            Work { format: request.format, pieces, record, first, step: n, scan_end, quota, excluder, design_columns };
        if quota > 0 {
            self.run(&work, threads, out, &mut summary, progress)?;
        }
        out.flush().map_err(Error::Output)?;
        Ok(summary)
    }

    /// The ordered parallel pipeline: `threads` workers claim chunks in position order from a counter and
    /// fill them into a bounded pool of buffers; this thread writes the filled chunks in chunk order (so the
    /// bytes never depend on the thread count or timing) and hands each buffer back. Chunks claimed past the
    /// quota (possible with exclusions) are dropped unwritten.
    fn run<X: Excluder>(
        &self,
        work: &Work<'_, X>,
        threads: usize,
        out: &mut dyn Write,
        summary: &mut ListSummary,
        progress: &mut dyn FnMut(u64),
    ) -> Result<()> {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        use std::sync::{Mutex, mpsc};

        let chunks = work.scan_end.div_ceil(CHUNK);
        let slots = threads * CHUNKS_PER_THREAD;
        let next = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        let (free_tx, free_rx) = mpsc::sync_channel::<ChunkOut>(slots);
        for _ in 0..slots {
            free_tx.send(ChunkOut::default()).expect("the pool has room for every buffer");
        }
        let free_rx = Mutex::new(free_rx);
        let (done_tx, done_rx) = mpsc::channel::<(u64, ChunkOut)>();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let done_tx = done_tx.clone();
                let (next, stop, free_rx) = (&next, &stop, &free_rx);
                scope.spawn(move || {
                    let _guard = PanicSignal(&done_tx);
                    loop {
                        // A buffer first, then a chunk: every claimed chunk has a buffer, so the chunk the
                        // writer waits for is always being filled.
                        let Ok(mut buffer) = free_rx.lock().map_err(drop).and_then(|rx| rx.recv().map_err(drop)) else {
                            return;
                        };
                        let c = next.fetch_add(1, Ordering::Relaxed);
                        if c >= chunks || stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let range = c * CHUNK..((c + 1) * CHUNK).min(work.scan_end);
                        self.fill(work, range, u64::MAX, &mut buffer);
                        if done_tx.send((c, buffer)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(done_tx);
            // Filled chunks wait in `pending[c % slots]`: at most `slots` chunks are in flight, all claimed
            // after the one being written, so their slots are distinct.
            let mut pending: Vec<Option<ChunkOut>> = (0..slots).map(|_| None).collect();
            let result = (|| {
                for c in 0..chunks {
                    let slot = (c % slots as u64) as usize;
                    while pending[slot].is_none() {
                        let (k, buffer) = done_rx.recv().expect("a worker fills every chunk it claims");
                        assert!(k != PANICKED, "a list worker thread panicked");
                        pending[(k % slots as u64) as usize] = Some(buffer);
                    }
                    let mut chunk = pending[slot].take().expect("just received");
                    let left = work.quota - summary.written;
                    if chunk.records > left {
                        // The last chunk overshoots: redo it with a limit, so counts stop exactly at the quota.
                        self.fill(work, c * CHUNK..((c + 1) * CHUNK).min(work.scan_end), left, &mut chunk);
                    }
                    out.write_all(&chunk.bytes[..chunk.used]).map_err(Error::Output)?;
                    summary.written += chunk.records;
                    summary.scanned += chunk.scanned;
                    for (total, k) in summary.excluded.iter_mut().zip(&chunk.excluded) {
                        *total += k;
                    }
                    summary.last_index = chunk.last_index.or(summary.last_index);
                    if summary.written == work.quota {
                        break;
                    }
                    let _ = free_tx.send(chunk);
                    if c % PROGRESS_EVERY == PROGRESS_EVERY - 1 {
                        progress(summary.written);
                    }
                }
                Ok(())
            })();
            // Stop the workers: they see the flag at their next claim, or the closed pool.
            stop.store(true, Ordering::Relaxed);
            drop(free_tx);
            drop(done_rx);
            progress(summary.written);
            result
        })
    }

    /// Fills `out` with the numbers of positions `first + j*step` for `j` in `range`, at most `limit` of them.
    fn fill<X: Excluder>(&self, work: &Work<'_, X>, range: std::ops::Range<u64>, limit: u64, out: &mut ChunkOut) {
        let Work { format, first, step, excluder, record, .. } = *work;
        // Every record is written at `used` with fixed-size copies into slack space, so the scratch buffer
        // holds a whole chunk's worth of the longest record; it is grown once and reused.
        let need = (range.end - range.start) as usize * record;
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
        self.locate_each(first, step, range.clone(), &mut out.located);
        // Phase 2: check the chunk's numbers all at once; without exclusions every number passes.
        if excluder.sources() > 0 {
            let segments = self.space.segments();
            out.numbers.clear();
            out.numbers.extend(out.located.iter().map(|&(seg, offset)| segments[seg].number(offset)));
            excluder.excluded_each(&out.numbers, &mut out.verdicts);
            assert_eq!(out.verdicts.len(), count, "Excluder::excluded_each gives one verdict per number");
        } else {
            // Every number passes: no verdicts to write and read back.
            out.verdicts.clear();
        }
        let screened = excluder.sources() > 0;
        // Phase 3: format the numbers that passed, in position order, stopping at `limit`.
        for i in 0..count {
            if out.records == limit {
                break;
            }
            let position = first + (range.start + i as u64) * step;
            out.scanned += 1;
            if screened && let Some(source) = out.verdicts[i] {
                out.excluded[source] += 1;
                continue;
            }
            let (seg, offset) = out.located[i];
            let t = &self.templates[seg];
            let line = &mut out.bytes[out.used..out.used + record];
            let mut w = 0;
            match format {
                ListFormat::Csv | ListFormat::Txt => {
                    line[..32].copy_from_slice(&t.head);
                    w = t.head_len;
                    w += write_padded(&mut line[w..w + 20], offset, t.free);
                    if format == ListFormat::Csv {
                        line[w..w + 32].copy_from_slice(&t.mid);
                        w += t.mid_len;
                        w += write_decimal(&mut line[w..w + 20], position);
                        if let Some(columns) = &work.design_columns
                            && let Some(frame) = self.mix.as_deref().and_then(Mix::frame)
                        {
                            let (which, _) = frame.stratum_of(self.space.segments()[seg].start + offset);
                            w += put(&mut line[w..], &columns[which]);
                        }
                    }
                }
                ListFormat::Vicidial { .. } | ListFormat::DialerCsv => {
                    let p = &work.pieces[seg];
                    if matches!(format, ListFormat::Vicidial { .. }) {
                        w += write_decimal(&mut line[..20], position);
                    }
                    w += put(&mut line[w..], &p.a);
                    w += write_padded(&mut line[w..w + 20], offset, t.free);
                    if format == ListFormat::DialerCsv {
                        w += put(&mut line[w..], &p.m);
                        w += write_padded(&mut line[w..w + 20], offset, t.free);
                    }
                    w += put(&mut line[w..], &p.b);
                }
            }
            line[w] = b'\n';
            out.used += w + 1;
            out.records += 1;
            out.last_index = Some(position);
        }
    }
}
