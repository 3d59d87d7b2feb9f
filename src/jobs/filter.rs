//! A Bloom filter of known databases, built from their files and written whole.

use std::io::Write;
use std::path::PathBuf;

use super::reading::{Note, Notes, Reading};
use crate::exclude::{self, BuiltFilter, FilterParams, KnownFilter, KnownKeys};
use crate::foundation::error::{Error, Param, Result, message};
use crate::foundation::text::counted;
use crate::output;
use crate::plan::Plan;

/// A filter to build: its inputs, where it goes, its false-positive rate.
#[derive(Clone, Debug, PartialEq)]
pub struct FilterJob {
    /// The known databases (CSV or txt files of numbers; `-`: standard input, once).
    pub inputs: Vec<String>,
    /// The filter file (`-`: standard output).
    pub output: PathBuf,
    /// The false-positive rate wanted.
    pub fp_rate: f64,
    /// Size the filter for this many numbers instead of those read.
    pub expected: Option<u64>,
    /// The seed of the filter's hash keys; none: drawn.
    pub seed: Option<u64>,
    /// The plan whose country the inputs' numbers are read for.
    pub plan: String,
    /// How the inputs are read.
    pub reading: Reading,
    /// Threads reading the inputs.
    pub threads: usize,
}

/// What a filter build did.
#[derive(Debug)]
pub struct FilterDone {
    /// The filter, its counts and sources.
    pub built: BuiltFilter,
}

impl FilterJob {
    /// Reads every input (telling each as [`Note::Read`], each refused one but the last as
    /// [`Note::Refused`]: one run shows every problem), builds the filter and writes it whole. `progress` is
    /// told bytes read of the total.
    pub fn run(&self, notes: &mut Notes<'_>, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<FilterDone> {
        if self.inputs.iter().filter(|i| *i == "-").count() > 1 {
            return Err(Error::Request("stdin (-) can be read only once".into()));
        }
        // Request errors before any input is read.
        KnownFilter::check_fp_rate(self.fp_rate)
            .map_err(|e| Error::Request(message![Param::FpRate, format!(": {e}")]))?;
        let to_stdout = output::is_stdout(&self.output);
        if !to_stdout {
            // Before any input is read: the output must be replaceable and must not be one of the inputs.
            output::check_target(&self.output)?;
            let inputs: Vec<&std::path::Path> = self.inputs.iter().map(std::path::Path::new).collect();
            output::refuse_inputs(&self.output, &inputs)?;
        }
        let plan = Plan::resolve(&self.plan)?;
        let options = self.reading.options(&plan)?;
        let keys = KnownKeys::for_inputs(&self.inputs, &options);
        let reads = exclude::read_inputs_into(&self.inputs, &options, self.threads, progress, &keys);
        // Every input is read (and told) before any is refused.
        let mut ok = Vec::new();
        let mut failed: Option<Error> = None;
        for read in reads {
            match read {
                Ok(read) => {
                    notes(Note::Read { read: &read, distinct: None });
                    ok.push(read);
                }
                Err(e) => {
                    if let Some(earlier) = failed.replace(e) {
                        notes(Note::Refused(earlier));
                    }
                }
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let params = FilterParams {
            fp_rate: self.fp_rate,
            expected: self.expected,
            seed: self.seed,
            threads: self.threads,
            country_code: options.normalizer.country_code(),
        };
        let built = exclude::build_filter_from(keys, ok, &params)?;
        if to_stdout {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&built.filter.to_bytes()).and_then(|()| stdout.flush()).map_err(Error::Output)?;
        } else {
            built.filter.save(&self.output)?;
        }
        Ok(FilterDone { built })
    }
}

/// A filter file read back, or standard input for `-` (named `<stdin>` in errors).
pub fn open_filter(file: &std::path::Path) -> Result<KnownFilter> {
    if output::is_stdout(file) {
        KnownFilter::read_from(std::path::Path::new("<stdin>"), &mut std::io::stdin().lock())
    } else {
        KnownFilter::load(file)
    }
}

/// A filter's facts as one JSON document (the command line's `filter info --json`): its metadata (entries,
/// capacity, bits, hash functions, false-positive target, country code, sources, creation) with the file it
/// was read from, its fill ratio, its estimated false-positive rate and its size in bytes.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("k.csv"), "number\n+420601123456\n")?;
/// let job = dialsim::jobs::FilterJob {
///     inputs: vec![dir.path().join("k.csv").display().to_string()],
///     output: dir.path().join("k.bloom"),
///     fp_rate: 0.001,
///     expected: None,
///     seed: Some(1),
///     plan: "cz".into(),
///     reading: Default::default(),
///     threads: 1,
/// };
/// job.run(&mut |_| {}, &|_, _| {})?;
/// let file = dir.path().join("k.bloom");
/// let doc = dialsim::jobs::filter_document(&dialsim::jobs::open_filter(&file)?, &file);
/// assert_eq!((doc["entries"].as_u64(), doc["country_code"].as_u64()), (Some(1), Some(420)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn filter_document(filter: &KnownFilter, file: &std::path::Path) -> serde_json::Value {
    let m = filter.meta();
    let mut doc = serde_json::to_value(m).unwrap_or_default();
    if let Some(o) = doc.as_object_mut() {
        o.insert("file".into(), file.display().to_string().into());
        o.insert("fill_ratio".into(), filter.fill_ratio().into());
        o.insert("fp_estimated".into(), filter.estimated_fp_rate().into());
        o.insert("bytes".into(), (m.bits / 8).into());
    }
    doc
}

/// A filter's header as `dialsim filter info` shows it, line by line (`file` is how it was named; `-`: stdin).
pub fn write_filter_text(filter: &KnownFilter, file: &std::path::Path, out: &mut dyn Write) -> std::io::Result<()> {
    let m = filter.meta();
    let name = if file.as_os_str() == "-" { "<stdin>".into() } else { file.display().to_string() };
    writeln!(out, "file            {name}")?;
    writeln!(out, "entries         {}", m.entries)?;
    writeln!(out, "capacity        {}", m.capacity)?;
    writeln!(out, "bits            {} ({:.1} MiB)", m.bits, m.bits as f64 / 8.0 / 1048576.0)?;
    writeln!(out, "hash functions  {}", m.hashes)?;
    writeln!(out, "fill ratio      {:.4}", filter.fill_ratio())?;
    writeln!(out, "fp target       {}", m.fp_target)?;
    writeln!(out, "fp estimated    {:.6} (fill ratio ^ hash functions)", filter.estimated_fp_rate())?;
    writeln!(out, "country code    +{}", m.country_code)?;
    let checks = if filter.hashes_once() {
        "many at once, hashed once (probe formula proven against the bloomfilter crate at load)"
    } else {
        "one by one through the bloomfilter crate (its probe formula differs from dialsim's copy)"
    };
    writeln!(out, "checks          {checks}")?;
    writeln!(out, "created         {} by dialsim {}", m.created, m.dialsim_version)?;
    writeln!(out, "sources")?;
    for s in &m.sources {
        writeln!(out, "  {}: {} rows, {} numbers, {} not numbers", s.name, s.rows, s.numbers, s.rejected)?;
    }
    writeln!(
        out,
        "note            a filter can be enumerated back into the numbers it holds: keep it as safe as the database"
    )
}

impl FilterDone {
    /// What the build wrote to `output`, in one line: distinct numbers of those read, rows, inputs, values left
    /// out, the bitmap's size, hashes and false-positive target.
    pub fn summary(&self, output: &std::path::Path) -> String {
        let BuiltFilter { filter, rows, numbers, rejected } = &self.built;
        let m = filter.meta();
        let left_out =
            counted(*rejected, "value left out as not a phone number", "values left out as not phone numbers");
        format!(
            "wrote {}: {} of {} read ({} repeated) from {} of {}{}; {} bits ({:.1} MiB), {} hashes, fp target {}",
            output.display(),
            counted(m.entries, "distinct number", "distinct numbers"),
            numbers,
            numbers - m.entries.min(*numbers),
            counted(*rows, "row", "rows"),
            counted(m.sources.len() as u64, "input", "inputs"),
            if *rejected > 0 { format!(", {left_out}") } else { String::new() },
            m.bits,
            m.bits as f64 / 8.0 / 1048576.0,
            m.hashes,
            m.fp_target
        )
    }
}

/// One written number checked against a filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checked {
    /// A number, written in full (`+420…`), and whether the filter holds it (maybe a false positive).
    Number {
        /// The number in full.
        number: String,
        /// True when the filter says it is known.
        known: bool,
    },
    /// Text that is not a phone number of the filter's country.
    NotANumber {
        /// The text as written.
        written: String,
        /// Why it is not a number.
        reason: &'static str,
    },
}

/// Checks each written number against `filter`, read as a number of the filter's country.
pub fn check_filter(filter: &KnownFilter, numbers: &[String]) -> Vec<Checked> {
    let normalizer = crate::Normalizer::for_country(filter.meta().country_code);
    numbers
        .iter()
        .map(|written| match normalizer.parse(written) {
            Ok(n) => Checked::Number { number: n.to_string(), known: filter.contains_key(n.key()) },
            Err(reason) => Checked::NotANumber { written: written.clone(), reason },
        })
        .collect()
}
