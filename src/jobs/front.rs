//! What a front end (the binary) needs around the jobs and is not a job itself: the process's thread count and
//! seed, `-` for standard output, text made safe for a terminal, and the cleanup of temporary files when a
//! signal ends the process. Each is the one rule the jobs follow too.

use std::borrow::Cow;
use std::path::Path;

use super::reading::{Note, Notes};
use crate::foundation::error::{Error, Param, Result, message};
use crate::foundation::{limits, rng, text};

/// The threads a job runs on: the count asked for (refused, blamed on [`Param::Threads`], when this machine cannot run
/// that many), else every core.
pub fn threads(asked: Option<usize>) -> Result<usize> {
    match asked {
        None => Ok(limits::cores()),
        Some(n) => limits::check_threads(n).map_err(|e| Error::Request(message![Param::Threads, format!(": {e}")])),
    }
}

/// The seed given, else a fresh one (53 bits, short enough to type), told as [`Note::Seed`] so the run can be
/// repeated.
pub fn seed_or_fresh(seed: Option<u64>, notes: &mut Notes<'_>) -> u64 {
    seed.unwrap_or_else(|| {
        let seed = rng::fresh_seed();
        notes(Note::Seed(seed));
        seed
    })
}

/// True when `path` is `-`: standard output for an output, standard input for an input.
pub fn is_stdout(path: &Path) -> bool {
    crate::output::is_stdout(path)
}

/// `message` with terminal control characters (but newlines) escaped, as everything printed from files and
/// flags must be: a file's bytes cannot move the cursor or recolour the terminal.
pub fn printable(message: &str) -> Cow<'_, str> {
    text::escape_controls(message)
}

/// From now on, SIGINT and SIGTERM remove the temporary files and folders of outputs being written, then end
/// the process with 128 + the signal's number. Call it before any output exists.
pub fn remove_temporaries_on_signals() -> std::io::Result<()> {
    crate::output::remove_temporaries_on_signals()
}

/// Today's date in UTC: the default day of the jobs that take one (`law`, `registry status`), the same
/// wherever the process runs (its time zone moves no output).
pub(crate) fn today() -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}
