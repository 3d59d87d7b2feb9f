//! The limits a job is held to before it starts — the memory and disk it may take, the threads it may run —
//! and the estimate it is refused or told by.

use std::path::Path;
use std::str::FromStr;

use super::reading::{Note, Notes};
use crate::foundation::error::{Error, Param, Result, message};
use crate::foundation::limits::{Ceilings, Needs, Resource};

/// Estimates at or above these are told even when the caller did not ask: a request this large deserves a
/// warning.
const LARGE: Needs = Needs { memory: 1 << 30, disk: 1 << 30, seconds: 60.0 };

/// The most memory and disk a job may take (`--max-memory`, `--max-disk`); none: what this machine has (the
/// memory available, the free space of the output folder's file system).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// The most memory, bytes.
    pub max_memory: Option<u64>,
    /// The most disk space written, bytes.
    pub max_disk: Option<u64>,
}

/// A size in bytes as written on a command line: `4G`, `500M`, `1.5KiB`, `1000`.
///
/// ```
/// use dialsim::jobs::ByteSize;
/// assert_eq!("4G".parse::<ByteSize>(), Ok(ByteSize(4 << 30)));
/// assert!("lots".parse::<ByteSize>().unwrap_err().contains("is not a size"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl FromStr for ByteSize {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<ByteSize, String> {
        crate::foundation::limits::parse_size(text).map(ByteSize)
    }
}

impl Limits {
    /// Refuses the estimate `needs` of `what` (e.g. "this sweep (12 points × 10 replications)") when it
    /// exceeds these limits (those given, else this machine's; the disk of `out`), saying what makes it
    /// `smaller` and which parameter raises the limit ([`Param::MaxMemory`], [`Param::MaxDisk`]); else tells it
    /// to `notes` (as a [`Note::Info`]) when `tell` or when it is large.
    ///
    /// ```
    /// use dialsim::foundation::limits::Needs;
    /// use dialsim::jobs::Limits;
    /// let needs = Needs { memory: 2 << 30, disk: 0, seconds: 1.0 };
    /// let limits = Limits { max_memory: Some(1 << 30), max_disk: None };
    /// let err = limits.check("this sweep", &needs, None, "fewer points", false, &mut |_| {}).unwrap_err();
    /// assert!(err.to_string().contains("raise `max_memory`"), "{err}");
    /// ```
    pub fn check(
        &self,
        what: &str,
        needs: &Needs,
        out: Option<&Path>,
        smaller: &str,
        tell: bool,
        notes: &mut Notes<'_>,
    ) -> Result<()> {
        let ceilings = Ceilings { memory: self.max_memory, disk: self.max_disk };
        if let Err(over) = needs.check(ceilings, out) {
            let limit = if over.resource == Resource::Memory { Param::MaxMemory } else { Param::MaxDisk };
            let raise = if over.given {
                message!["raise ", limit]
            } else {
                message!["if the estimate is too high for this run, set ", limit, " above it"]
            };
            let refused = format!("{what} {over} (estimate: {}); make it smaller ({smaller}), or ", needs.describe());
            return Err(Error::Invalid(message![refused, raise]));
        }
        if tell || needs.memory >= LARGE.memory || needs.disk >= LARGE.disk || needs.seconds >= LARGE.seconds {
            notes(Note::Info(format!("{what} needs {}", needs.describe()).into()));
        }
        Ok(())
    }
}
