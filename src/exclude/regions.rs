//! A filter build's insertion shared by threads without locks on the bitmap: the bitmap is cut into regions
//! a cache holds, each thread owns a contiguous run of them, and the probes of the keys are gathered by region
//! before they are set.
//!
//! Setting a key's probes one after another waits on memory: each probe is a line of a bitmap far larger than
//! the caches (ten misses a key, 500 M for 50 M keys, about half of a 50 M-row build's time on one core).
//! Here every thread hashes keys of its own units, computes their probes and files each under its region (as
//! the bit's place in the region); when the threads' gathered probes reach [`Layout::probes`], every thread
//! sets the probes filed under its own regions, by all threads, one region after another. The probes of one
//! round fall several to a line, and a region's lines are read in order into the cache before its probes are
//! set. No bit is ever written by two threads, so the bitmap needs neither atomics nor locks, and the bits set
//! depend only on the set of keys: the filter is the same for any thread count.
//!
//! The threads meet at a barrier twice a round, so one that panicked would leave the others waiting: nothing
//! here panics on any key (a probe's region and its place in it are in range by construction).
//!
//! This module must never decide where a probe falls: [`Probes::bit`] does, the formula proven to be the
//! `bloomfilter` crate's.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, RwLock};

use super::bitmap::{BLOOM_HEADER, Probes, prefetch};
use super::known_keys::KeyUnits;

/// How the bitmap is cut and how many probes are gathered at a time.
#[derive(Clone, Copy, Debug)]
pub(super) struct Layout {
    /// Bits in one region: `1 << region_shift`.
    pub(super) region_shift: u32,
    /// Probes gathered over all threads before they are set (4 bytes each).
    pub(super) probes: usize,
}

/// The layout of a filter build: regions of 1 MiB (the second-level cache of a core holds one), and 24 MiB
/// of probes in flight — 6 M probes, about four to each line of a 90 MB bitmap — under a third of the memory
/// a 50 M-key bitmap takes (the build's peak is then 1.9 times the bitmap, the plan's bits included). Every
/// round reads and writes the whole bitmap, so fewer, larger rounds save time: 16 MiB (peak 1.8 times)
/// took 4 % more (BENCHMARKS.md, filter build, session 15).
pub(super) const BUILD: Layout = Layout { region_shift: 23, probes: 6 << 20 };

/// Probes between prefetching a probe's line and setting its bit.
const AHEAD: usize = 16;

/// Sets every probe of every key `keys` hands out in `bytes` ([`bloomfilter::Bloom::as_slice`]'s layout,
/// header included), on `threads` threads cut by `layout`.
pub(super) fn fill(probes: &Probes, bytes: &mut [u8], keys: &(impl KeyUnits + ?Sized), threads: usize, layout: Layout) {
    let body = &mut bytes[BLOOM_HEADER..];
    let shift = layout.region_shift;
    let region_bytes = 1usize << (shift - 3);
    let regions = body.len().div_ceil(region_bytes);
    if regions == 0 {
        return;
    }
    let threads = threads.clamp(1, regions);
    // Thread `t` owns the regions `bounds[t]..bounds[t + 1]`, as one slice of the bitmap.
    let bounds: Vec<usize> = (0..=threads).map(|t| t * regions / threads).collect();
    let mut shares = Vec::with_capacity(threads);
    let mut rest = body;
    for t in 0..threads {
        let len = ((bounds[t + 1] - bounds[t]) * region_bytes).min(rest.len());
        let (share, after) = rest.split_at_mut(len);
        shares.push(share);
        rest = after;
    }
    let hashes = probes.hash_count() as usize;
    // At least one key's probes a round, so that every round moves on.
    let per_thread = (layout.probes / threads).max(hashes);
    let per_region = per_thread / regions + per_thread / regions / 16 + 64;
    let round = Round {
        gathered: (0..threads).map(|_| RwLock::new(vec![Vec::new(); regions])).collect(),
        barrier: Barrier::new(threads),
        finished: AtomicUsize::new(0),
        bounds,
        region_bytes,
    };
    let next = AtomicUsize::new(0);
    let mask = (1u64 << shift) - 1;
    std::thread::scope(|s| {
        for (t, share) in shares.into_iter().enumerate() {
            let (round, next) = (&round, &next);
            s.spawn(move || {
                let mut mine: Vec<Vec<u32>> = (0..regions).map(|_| Vec::with_capacity(per_region)).collect();
                let mut held = 0;
                let mut first = true;
                let mut file = |keys: &[u64]| {
                    for &key in keys {
                        if held + hashes > per_thread {
                            round.run(t, &mut mine, share, std::mem::take(&mut first));
                            held = 0;
                        }
                        let h = probes.hashes(key);
                        for k in 0..hashes as u32 {
                            let bit = probes.bit(h, k);
                            mine[(bit >> shift) as usize].push((bit & mask) as u32);
                        }
                        held += hashes;
                    }
                };
                loop {
                    let unit = next.fetch_add(1, Ordering::Relaxed);
                    if unit >= keys.units() {
                        break;
                    }
                    keys.unit(unit, &mut file);
                }
                round.finished.fetch_add(1, Ordering::Relaxed);
                while !round.run(t, &mut mine, share, std::mem::take(&mut first)) {}
            });
        }
    });
}

/// What the threads of [`fill`] share.
struct Round {
    /// Each thread's probes of the round, by region, handed over while the probes are set.
    gathered: Vec<RwLock<Vec<Vec<u32>>>>,
    barrier: Barrier,
    /// Threads that have filed all their keys.
    finished: AtomicUsize,
    bounds: Vec<usize>,
    region_bytes: usize,
}

impl Round {
    /// Thread `t`'s part of a round: hands over its probes `mine`, sets every thread's probes that fall in
    /// its regions (`share`), and takes its (emptied) probes back. Answers whether every thread had filed
    /// all its keys before the round: then no round follows.
    ///
    /// The `first` round writes before it reads: a fresh bitmap's pages are mapped as they are first
    /// touched, and a page first read is mapped to the shared zero page, then copied on its first write, a
    /// small page at a time, each copy stopping the other threads to flush their TLBs. Written first, the
    /// kernel maps the huge pages the bitmap was advised to have.
    fn run(&self, t: usize, mine: &mut Vec<Vec<u32>>, share: &mut [u8], first: bool) -> bool {
        std::mem::swap(&mut *self.gathered[t].write().unwrap_or_else(std::sync::PoisonError::into_inner), mine);
        // A thread counts itself finished before it waits here, and cannot count again before every thread
        // has passed the second wait: all threads read the same count.
        self.barrier.wait();
        let last = self.finished.load(Ordering::Relaxed) == self.gathered.len();
        let gathered: Vec<_> =
            self.gathered.iter().map(|g| g.read().unwrap_or_else(std::sync::PoisonError::into_inner)).collect();
        let from = self.bounds[t];
        for (i, region) in share.chunks_mut(self.region_bytes).enumerate() {
            let count: usize = gathered.iter().map(|probes| probes[from + i].len()).sum();
            if !first && count >= region.len() / LINE {
                warm(region);
            }
            for probes in &gathered {
                set(region, &probes[from + i]);
            }
        }
        drop(gathered);
        self.barrier.wait();
        std::mem::swap(&mut *self.gathered[t].write().unwrap_or_else(std::sync::PoisonError::into_inner), mine);
        mine.iter_mut().for_each(Vec::clear);
        last
    }
}

/// Bytes of a cache line.
const LINE: usize = 64;

/// Reads `region` from end to end, a byte a line: read in order, its lines stream into the cache at the
/// memory's full speed, where the probes' own reads, in no order, would each wait for their line. Worth it
/// when the probes to set are as many as the region's lines.
fn warm(region: &[u8]) {
    let sum = region.iter().step_by(LINE).fold(0u8, |sum, &b| sum ^ b);
    std::hint::black_box(sum);
}

/// Sets the bits `at` (places in `region`), the line of each prefetched [`AHEAD`] probes before.
fn set(region: &mut [u8], at: &[u32]) {
    for (i, &bit) in at.iter().enumerate() {
        if let Some(&ahead) = at.get(i + AHEAD) {
            prefetch(region.as_ptr().wrapping_add((ahead >> 3) as usize));
        }
        region[(bit >> 3) as usize] |= 1 << (bit & 7);
    }
}

#[cfg(test)]
mod tests {
    use bloomfilter::Bloom;

    use super::*;

    /// The bitmap filled by regions is the crate's, bit for bit, for any thread count and any cut: regions
    /// from one line to more than the bitmap, a last region cut short, rounds of one key's probes to all of
    /// them, more threads than regions, keys given twice.
    #[test]
    fn filling_by_regions_sets_the_crates_bits_for_any_threads_and_cut() {
        let mut next = crate::foundation::rng::xorshift(0x2545_f491_4f6c_dd1d);
        let mut keys: Vec<u64> = (0..40_000).map(|_| 420_000_000_000 + next() % 1_000_000_000).collect();
        keys.extend_from_within(..1000);
        keys.extend([0, 1, u64::MAX]);
        // 52 001 bytes (no region size divides it), seven probes a key.
        let blank = |keys: &[u64]| {
            let mut bloom = Bloom::<u64>::new_with_seed(52_001, 44_003, &[7; 32]).unwrap();
            let blank = bloom.as_slice().to_vec();
            keys.iter().for_each(|k| bloom.set(k));
            (blank, bloom.as_slice().to_vec())
        };
        let probes = Probes::of(&Bloom::<u64>::from_bytes(blank(&[]).0).unwrap());
        assert_eq!(probes.hash_count(), 7);
        let mut one_by_one = blank(&keys).0;
        probes.fill_one_by_one(&mut one_by_one, keys.as_slice());
        assert!(one_by_one == blank(&keys).1, "one key after another");
        // Few keys one at a time, all keys in rounds of a few keys to all of them.
        for (keys, rounds) in [(&keys[..300], &[1usize][..]), (&keys[..], &[997, 50_000, 1 << 22][..])] {
            let (empty, expected) = blank(keys);
            assert_ne!(empty, expected, "the keys set bits");
            for region_shift in [9, 12, 15, 16, 20, 23] {
                for &round in rounds {
                    for threads in [1, 2, 3, 5] {
                        let mut bytes = empty.clone();
                        fill(&probes, &mut bytes, keys, threads, Layout { region_shift, probes: round });
                        assert!(
                            bytes == expected,
                            "regions of 2^{region_shift} bits, {round} probes, {threads} threads"
                        );
                    }
                }
            }
        }
    }
}
