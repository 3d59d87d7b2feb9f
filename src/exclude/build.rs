//! Exclusion sources from files: a Bloom filter built from several known databases read in parallel, and the
//! one loader of the filters and suppression lists a run or a list excludes. Nothing here prints: how each
//! input was read is handed back ([`NumbersRead`]) for the caller to report.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::input::{InOrder, KeyStore};
use super::{
    Exclusions, FilterParams, InputOptions, KnownFilter, KnownKeys, NumbersRead, Source, SourceStats, SuppressionList,
};
use crate::foundation::error::Result;

/// Reads the known databases `inputs` (`-` is stdin) with `options`: one thread per file (up to `threads`),
/// or a single file in pieces. The results stay in input order, one per input, so every input is read (and
/// can be reported) before any is refused. `progress(bytes_read, bytes_total)` is called about ten times a
/// second while the inputs are read, and once at the end (`bytes_total` counts regular files; stdin adds what
/// it gives).
pub fn read_inputs(
    inputs: &[String],
    options: &InputOptions,
    threads: usize,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Vec<Result<NumbersRead>> {
    read_inputs_to(inputs, options, threads, progress, &InOrder)
}

/// [`read_inputs`], the numbers going to `keys` as they are read: the reads' own `keys` stay empty, and no
/// input's keys are ever all held at once ([`KnownKeys`]). For [`build_filter_from`].
pub fn read_inputs_into(
    inputs: &[String],
    options: &InputOptions,
    threads: usize,
    progress: &(dyn Fn(u64, u64) + Sync),
    keys: &KnownKeys,
) -> Vec<Result<NumbersRead>> {
    read_inputs_to(inputs, options, threads, progress, keys)
}

fn read_inputs_to<S: KeyStore>(
    inputs: &[String],
    options: &InputOptions,
    threads: usize,
    progress: &(dyn Fn(u64, u64) + Sync),
    store: &S,
) -> Vec<Result<NumbersRead>> {
    let total: u64 =
        inputs.iter().filter(|i| *i != "-").filter_map(|i| std::fs::metadata(i).ok()).map(|m| m.len()).sum();
    let count = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let mut reads: Vec<Option<Result<NumbersRead>>> = (0..inputs.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let ticker = s.spawn(|| {
            while !done.load(Ordering::Acquire) {
                progress(count.load(Ordering::Relaxed), total.max(count.load(Ordering::Relaxed)));
                std::thread::park_timeout(std::time::Duration::from_millis(100));
            }
        });
        let count = &count;
        if let [input] = inputs {
            reads[0] = Some(options.read_path_parallel_into(input, threads, count, store));
        } else {
            let threads = threads.max(1);
            for (batch_inputs, batch_out) in inputs.chunks(threads).zip(reads.chunks_mut(threads)) {
                std::thread::scope(|s| {
                    for (input, slot) in batch_inputs.iter().zip(batch_out.iter_mut()) {
                        s.spawn(move || *slot = Some(options.read_path_whole(input, count, store)));
                    }
                });
            }
        }
        done.store(true, Ordering::Release);
        ticker.thread().unpark();
    });
    let read = count.load(Ordering::Relaxed);
    progress(read, total.max(read));
    reads.into_iter().map(|r| r.expect("every input read")).collect()
}

/// A filter built from several inputs, with the counts over all of them.
#[derive(Debug)]
pub struct BuiltFilter {
    /// The filter (its sources are the inputs' counts, in input order).
    pub filter: KnownFilter,
    /// Rows read over all inputs.
    pub rows: u64,
    /// Numbers read (repeats counted).
    pub numbers: u64,
    /// Values left out as not phone numbers.
    pub rejected: u64,
}

/// Builds a filter from the numbers `reads` hold (in input order) with `params`.
///
/// ```
/// use dialsim::exclude::{build_filter, read_inputs};
/// let options = dialsim::exclude::InputOptions::for_plan(&dialsim::Plan::embedded("cz")?);
/// let inputs = ["data/known/dnc-register.csv".to_string()];
/// let reads = read_inputs(&inputs, &options, 1, &|_, _| {}).into_iter().collect::<Result<Vec<_>, _>>()?;
/// let params = dialsim::exclude::FilterParams { fp_rate: 0.001, expected: None, seed: Some(1), threads: 1, country_code: 420 };
/// let built = build_filter(reads, &params)?;
/// assert_eq!(built.filter.meta().entries, 3000);
/// # Ok::<(), dialsim::Error>(())
/// ```
pub fn build_filter(reads: Vec<NumbersRead>, params: &FilterParams) -> Result<BuiltFilter> {
    let mut keys = Vec::new();
    let mut sources = Vec::new();
    for mut read in reads {
        keys.append(&mut read.keys);
        sources.push(read.stats);
    }
    let rows: u64 = sources.iter().map(|s| s.rows).sum();
    let numbers: u64 = sources.iter().map(|s| s.numbers).sum();
    let rejected: u64 = sources.iter().map(|s| s.rejected).sum();
    let filter = KnownFilter::build(keys, params, sources)?;
    Ok(BuiltFilter { filter, rows, numbers, rejected })
}

/// Builds a filter from the numbers `keys` gathered from `reads` (in input order, for their counts) with
/// `params`: the same filter, byte for byte, as [`build_filter`] builds from the same inputs, in a fraction
/// of its memory ([`KnownKeys`]).
pub fn build_filter_from(keys: KnownKeys, reads: Vec<NumbersRead>, params: &FilterParams) -> Result<BuiltFilter> {
    KnownFilter::check_fp_rate(params.fp_rate)?;
    let sources: Vec<SourceStats> = reads.into_iter().map(|r| r.stats).collect();
    let rows: u64 = sources.iter().map(|s| s.rows).sum();
    let numbers: u64 = sources.iter().map(|s| s.numbers).sum();
    let rejected: u64 = sources.iter().map(|s| s.rejected).sum();
    let distinct = keys.into_distinct();
    let filter = KnownFilter::build_distinct(distinct.len(), &distinct, params, sources)?;
    Ok(BuiltFilter { filter, rows, numbers, rejected })
}

/// Loads the exclusion sources: the filter files `filters`, then the suppression lists `lists` read with
/// `options`. A list named in `embedded` (`(name, text)`) that does not exist as a file is read from its
/// embedded text. `on_list` hears of each list loaded from a file, to report how it was read.
///
/// ```
/// let options = dialsim::exclude::InputOptions::for_plan(&dialsim::Plan::embedded("cz")?);
/// let lists = ["data/known/dnc-register.csv".to_string()];
/// let none: &[&str] = &[];
/// let ex = dialsim::exclude::load_exclusions(none, &lists, &options, &[], &mut |_| {})?;
/// assert_eq!(ex.names(), ["data/known/dnc-register.csv"]);
/// # Ok::<(), dialsim::Error>(())
/// ```
pub fn load_exclusions(
    filters: &[impl AsRef<Path>],
    lists: &[String],
    options: &InputOptions,
    embedded: &[(&str, &str)],
    on_list: &mut dyn FnMut(&SuppressionList),
) -> Result<Exclusions> {
    let mut exclusions = Exclusions::new();
    for path in filters {
        let path = path.as_ref();
        exclusions.push(path.display().to_string(), Source::Filter(KnownFilter::load(path)?));
    }
    for path in lists {
        let list = match (Path::new(path).exists(), embedded.iter().find(|(p, _)| p == path)) {
            (false, Some((_, text))) => SuppressionList::from_keys(options.read(path, text.as_bytes())?.keys),
            _ => {
                let list = SuppressionList::load(path, options)?;
                on_list(&list);
                list
            }
        };
        exclusions.push(path.clone(), Source::Suppression(list));
    }
    Ok(exclusions)
}
