//! How a job reads the known databases it is given (suppression lists, density sources), independent of the
//! plan they are read for; and the exclusions a job loads from them.

use std::path::{Path, PathBuf};

use crate::exclude::normalize::Normalizer;
use crate::exclude::{self, Column, Exclusions, HeaderRow, InputOptions, NumbersRead, SuppressionList, TextEncoding};
use crate::foundation::error::{Error, Message, Param, Result, message};
use crate::plan::Plan;

/// How known databases are read: the caller's choices, turned into [`InputOptions`] for a plan by
/// [`Reading::options`].
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The columns to read (names or 1-based indexes); none: found from the header or the values.
    pub columns: Vec<String>,
    /// The field delimiter; none: detected.
    pub delimiter: Option<u8>,
    /// The text encoding; none: detected.
    pub encoding: Option<TextEncoding>,
    /// Whether the first row is a header.
    pub header: HeaderRow,
    /// The calling code national numbers are read for, when not the plan's.
    pub country: Option<u16>,
    /// The largest share of values that may be rejected before the file is refused.
    pub max_rejected: f64,
    /// Refuse a file at its first rejected value.
    pub strict: bool,
    /// Accept sources of another country than the plan's (they exclude nothing from it).
    pub allow_other_country: bool,
}

impl Default for Reading {
    fn default() -> Reading {
        Reading {
            columns: Vec::new(),
            delimiter: None,
            encoding: None,
            header: HeaderRow::Auto,
            country: None,
            max_rejected: exclude::MAX_REJECTED,
            strict: false,
            allow_other_country: false,
        }
    }
}

impl Reading {
    /// The input options for reading numbers of `plan`'s country (or of [`Reading::country`]).
    pub fn options(&self, plan: &Plan) -> Result<InputOptions> {
        if !(0.0..=1.0).contains(&self.max_rejected) {
            return Err(Error::Request(message![
                Param::MaxRejected,
                format!(" {} must be between 0 and 1 (a share: 0.05 is 5 %)", self.max_rejected)
            ]));
        }
        let normalizer = match self.country.filter(|&cc| cc != plan.country_code()) {
            None => Normalizer::for_plan(plan),
            Some(cc) => Normalizer::for_country(cc),
        };
        let columns = self
            .columns
            .iter()
            .map(|c| c.parse::<Column>().map_err(|e| Error::Request(message![Param::Columns, format!(" '{c}': {e}")])))
            .collect::<Result<Vec<_>>>()?;
        Ok(InputOptions {
            columns,
            delimiter: self.delimiter,
            encoding: self.encoding,
            header: self.header,
            strict: self.strict,
            max_rejected: self.max_rejected,
            max_outside_plan: if self.allow_other_country { 1.0 } else { exclude::MAX_OUTSIDE_PLAN },
            ..InputOptions::new(normalizer)
        })
    }
}

/// What a job tells its caller while it works, for the caller to show or not; nothing is printed by the
/// library.
#[derive(Debug)]
#[non_exhaustive]
pub enum Note<'a> {
    /// No seed was given: this one was drawn (a run is repeated with it).
    Seed(u64),
    /// Something the caller asked for does not do what it says, or is not the law in force (an override the
    /// scenario never reads, a repealed regime).
    Warning(String),
    /// How the run will behave where the scenario may not expect it (e.g. AMD's analysis outlasting the
    /// silence limit).
    Remark(String),
    /// An input refused, when more inputs are read before the job fails (the job's error is the last one).
    Refused(Error),
    /// What a job did or left out, said in words (e.g. an audit check not made, and why), naming the request's
    /// parameters that would change it.
    Info(Message),
    /// A list is continued from `start` (seed and shard as recorded).
    Continuing {
        /// The list continued.
        list: &'a Path,
        /// The first position written now.
        start: u64,
        /// The recorded seed.
        seed: u64,
        /// The recorded shard, as `K/N`.
        shard: &'a str,
    },
    /// A known database was read: its shape and counts, and how many distinct numbers it held.
    Read {
        /// What was read.
        read: &'a NumbersRead,
        /// Distinct numbers, when known.
        distinct: Option<usize>,
    },
    /// An exclusion source holds numbers of another country, so it excludes nothing from the plan's (allowed
    /// by [`Reading::allow_other_country`]).
    Foreign {
        /// The source.
        name: &'a str,
        /// What it holds, in words.
        what: &'a str,
        /// The plan's calling code.
        country_code: u16,
    },
    /// The banks of the known databases were counted (list-assisted design).
    Banks {
        /// Banks holding a known number.
        banks: usize,
        /// Numbers per bank.
        size: u64,
    },
    /// A registry's exclusion filter was rebuilt (it was not cached for the registry's state).
    RegistryFilterRebuilt {
        /// The registry.
        registry: &'a str,
        /// Numbers in the filter.
        entries: u64,
        /// Seconds the rebuild took.
        seconds: f64,
        /// Where the filter is cached.
        cache: &'a Path,
    },
    /// An exclusion source differs from the one the continued list's manifest records.
    SourceChange(String),
    /// Writing begins: `total` numbers are expected.
    Started {
        /// Numbers expected.
        total: u64,
    },
    /// Numbers written so far.
    Progress(u64),
    /// The list was issued exclusively in the registry.
    Issued {
        /// The registry.
        registry: &'a str,
        /// The list's manifest, as recorded.
        name: &'a str,
        /// Numbers held.
        numbers: usize,
    },
    /// The list was recorded in the registry as issued.
    Recorded {
        /// The registry.
        registry: &'a str,
        /// The list's manifest.
        manifest: &'a Path,
    },
}

/// A caller's listener for [`Note`]s.
pub type Notes<'n> = dyn FnMut(Note<'_>) + 'n;

/// Loads the filters and suppression lists of a job, telling `notes` how each list was read and refusing
/// sources of another country unless [`Reading::allow_other_country`].
pub fn load_exclusions(
    plan: &Plan,
    filters: &[PathBuf],
    lists: &[String],
    reading: &Reading,
    notes: &mut Notes<'_>,
) -> Result<Exclusions> {
    load_exclusions_dialling(plan, &|| Ok(Vec::new()), filters, lists, reading, notes)
}

/// [`load_exclusions`] for a job whose numbers may be of other countries besides the plan's (a run that
/// dialled a list): `others` gives those countries' calling codes, and is asked only when a source is not of
/// the plan's country. A source of the countries dialled together is not refused.
pub fn load_exclusions_dialling(
    plan: &Plan,
    others: &dyn Fn() -> Result<Vec<u16>>,
    filters: &[PathBuf],
    lists: &[String],
    reading: &Reading,
    notes: &mut Notes<'_>,
) -> Result<Exclusions> {
    if lists.iter().filter(|l| *l == "-").count() > 1 {
        return Err(Error::Request("stdin (-) can be read only once".into()));
    }
    let options = reading.options(plan)?;
    let report =
        &mut |list: &SuppressionList| notes(Note::Read { read: list.read_report(), distinct: Some(list.len()) });
    let exclusions = exclude::load_exclusions(filters, lists, &options, &[], report)?;
    let own = plan.country_code();
    if exclusions.foreign(own).is_empty() {
        return Ok(exclusions);
    }
    let mut countries = vec![own];
    countries.extend(others()?.into_iter().filter(|&cc| cc != own));
    if reading.allow_other_country {
        for (name, what) in exclusions.foreign_to(&countries) {
            notes(Note::Foreign { name, what: &what, country_code: own });
        }
    } else {
        exclusions.check_countries(&countries, Some(Param::AllowOtherCountry))?;
    }
    Ok(exclusions)
}

/// The exclusion sources of filters and suppression lists, named and kinded as a manifest records them, in
/// the order [`load_exclusions`] loads them (filters first).
pub fn exclusion_sources<'a>(
    filters: &'a [PathBuf],
    lists: &'a [String],
) -> impl Iterator<Item = (String, &'static str)> + 'a {
    filters.iter().map(|p| (p.display().to_string(), "filter")).chain(lists.iter().map(|p| (p.clone(), "suppression")))
}

/// Why a list whose manifest predates the binding of lists to their bytes is refused, and how to go on
/// (`verb`: what the caller was about to do with it).
pub fn unbound(list: &Path, manifest: &Path, verb: &str) -> Message {
    let (m, l) = (manifest.display(), list.display());
    message![
        format!(
            "{m} predates the binding of a list to its bytes (it records no SHA-256 of {l}), so {l} cannot be \
             shown to be the list it describes. If it is, {verb} it with "
        ),
        Param::AcceptUnbound,
        format!(
            ": every number of {l} is still checked against the recorded order, and the new manifest binds the new list"
        )
    ]
}

/// What a caller should be told about `scenario` loaded with `overrides`: the overrides it never reads and the
/// law it is held to when that is not the law in force (as [`Note::Warning`]s), and what the run does when AMD's
/// analysis outlasts the silence limit (a [`Note::Remark`]).
pub fn scenario_notes(scenario: &crate::Scenario, overrides: &[String]) -> Vec<Note<'static>> {
    let unused =
        scenario.unused_overrides(overrides).into_iter().map(|(text, why)| format!("{text} has no effect: {why}"));
    let mut notes: Vec<Note<'static>> = unused.chain(scenario.law_warnings()).map(Note::Warning).collect();
    notes.extend(crate::sim::amd_note(scenario).map(Note::Remark));
    notes
}
