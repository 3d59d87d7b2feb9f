//! The one error type of the library.
//!
//! Errors about input data carry where the problem is (a file and a line, like csv's `position()`), so the
//! binary can print `plan.csv:12: ...` and a user can go straight to the bad row.

use std::fmt;
use std::path::PathBuf;

/// Where in the input an error happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file (or a name such as `<embedded cz>` or `<stdin>`).
    pub file: String,
    /// 1-based line number, when known.
    pub line: Option<u64>,
}

impl Location {
    /// A location at `line` of `file`.
    pub fn new(file: impl Into<String>, line: Option<u64>) -> Location {
        Location { file: file.into(), line }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.file, line),
            None => write!(f, "{}", self.file),
        }
    }
}

/// Where a scenario value came from: a line of a scenario file, or an override given by the caller (the
/// binary's `--set`, `--vary`, `--set-a`, `--set-b`; the library does not know the flags, the binary names
/// them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A scenario file (or embedded text) and the line, when known.
    File(Location),
    /// An override `key=value`.
    Override {
        /// The key it sets, e.g. `dialer.agents`.
        key: String,
        /// The override as given, e.g. `dialer.agents=5`.
        text: String,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(at) => write!(f, "{at}"),
            Origin::Override { text, .. } => write!(f, "override {text}"),
        }
    }
}

/// Every failure the library reports.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Writing the output stream failed (a closed pipe is reported as this too; the binary exits quietly).
    #[error("writing output: {0}")]
    Output(#[source] std::io::Error),
    /// A row of an input file is malformed.
    #[error("{at}: {message}")]
    Input {
        /// Where.
        at: Location,
        /// What is wrong.
        message: String,
    },
    /// A scenario value is wrong: unknown, of the wrong kind or out of its range.
    #[error("{origin}: {message}")]
    Scenario {
        /// Where the value came from.
        origin: Origin,
        /// What is wrong.
        message: String,
    },
    /// The request is wrong in itself, whatever the data: a parameter out of its range, parameters that do
    /// not go together, a name that names nothing (kind [`ErrorKind::Request`]; the binary reports it as bad
    /// usage, exit code 2).
    #[error("{0}")]
    Request(String),
    /// A request cannot be met with the data at hand (e.g. more numbers than the space holds, a filter that
    /// would not fit in memory, a scenario value out of range). The binary exits with 1.
    #[error("{0}")]
    Invalid(String),
    /// A file has a foreign, truncated or corrupted format.
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// What kind of failure an [`Error`] is: the one thing a caller decides on (retry, fix the input, fix the
/// request, give up), without matching the variants' payloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file could not be read or written ([`Error::Io`]).
    Io,
    /// The output stream failed, a closed pipe included ([`Error::Output`]).
    Output,
    /// A row of an input file is malformed; the error names the file and line ([`Error::Input`]).
    Input,
    /// A scenario value is wrong; the error names its line or override ([`Error::Scenario`]).
    Scenario,
    /// The request is wrong in itself ([`Error::Request`]).
    Request,
    /// The request cannot be met with the data at hand ([`Error::Invalid`]).
    Unmet,
    /// A file has a foreign, truncated or corrupted format ([`Error::Format`]).
    Format,
}

impl Error {
    /// The kind of this error.
    ///
    /// ```
    /// use dialsim::{Error, ErrorKind};
    /// assert_eq!(Error::input("known.csv", Some(3), "not a number").kind(), ErrorKind::Input);
    /// assert_eq!(Error::Request("-n must be positive".into()).kind(), ErrorKind::Request);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Io { .. } => ErrorKind::Io,
            Error::Output(_) => ErrorKind::Output,
            Error::Input { .. } => ErrorKind::Input,
            Error::Scenario { .. } => ErrorKind::Scenario,
            Error::Request(_) => ErrorKind::Request,
            Error::Invalid(_) => ErrorKind::Unmet,
            Error::Format { .. } => ErrorKind::Format,
        }
    }

    /// The error's location in its input (file and line), when it has one: an input row's, or a scenario
    /// line's.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Input { at, .. } | Error::Scenario { origin: Origin::File(at), .. } => Some(at),
            _ => None,
        }
    }

    /// An input error at `file:line`.
    pub fn input(file: impl Into<String>, line: Option<u64>, message: impl Into<String>) -> Error {
        Error::Input { at: Location::new(file, line), message: message.into() }
    }

    /// A scenario error at `file:line`.
    pub fn scenario_file(file: impl Into<String>, line: Option<u64>, message: impl Into<String>) -> Error {
        Error::Scenario { origin: Origin::File(Location::new(file, line)), message: message.into() }
    }

    /// A scenario error caused by the override `text` (`key=value`).
    pub fn scenario_override(text: &str, message: impl Into<String>) -> Error {
        let key = text.split_once('=').map_or(text, |(k, _)| k).trim().to_string();
        Error::Scenario { origin: Origin::Override { key, text: text.to_string() }, message: message.into() }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }

    /// Whether this error is a closed output pipe (`dialsim generate | head`).
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Output(e) | Error::Io { source: e, .. } => e.kind() == std::io::ErrorKind::BrokenPipe,
            _ => false,
        }
    }
}

/// A field of an input as quoted in a message: at most 12 characters, then `…`, so that an error never
/// echoes more of a file than the offending field's start (a file given by mistake may be a secret).
pub fn snippet(field: &str) -> String {
    const KEEP: usize = 12;
    let mut chars = field.chars();
    let head: String = chars.by_ref().take(KEEP).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;
