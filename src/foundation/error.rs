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

/// A parameter of a request: a field of a job's request (or an option of a front end's that the jobs check)
/// that an error message names. The library writes it as its name in backticks (`` `fp_rate` ``); a front end
/// renders it its own way ([`Message::render`]): the binary as its flag (`--fp-rate`).
///
/// Not `#[non_exhaustive]`: the binary spells every parameter in one exhaustive `match`, so a new parameter
/// without a flag does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Param {
    /// The keys a sweep varies and their values (`SweepJob::vary`).
    Vary,
    /// A frontier's drop targets (`FrontierJob::targets`).
    Targets,
    /// A frontier's agent counts (`FrontierJob::agents`).
    Agents,
    /// A frontier's pacers (`FrontierJob::pacers`).
    Pacers,
    /// The scenario overrides `key=value` (`GridRequest::set`).
    Set,
    /// A filter's false-positive rate (`FilterJob::fp_rate`).
    FpRate,
    /// The capacity a filter is sized for (`FilterJob::expected`).
    Expected,
    /// The name an import gives its source (`Import::name`).
    SourceName,
    /// The share of an input's values that may be rejected (`Reading::max_rejected`).
    MaxRejected,
    /// The columns an input's numbers are read from (`Reading::columns`).
    Columns,
    /// The field delimiter of an input (`Reading::delimiter`).
    Delimiter,
    /// Whether an input's first row is a header (`Reading::header`).
    Header,
    /// The country code of an input's numbers written without one (`Reading::country`).
    Country,
    /// Using inputs and sources of another country's numbers (`Reading::allow_other_country`).
    AllowOtherCountry,
    /// The replications of each run or point (`GridRequest::replications`).
    Replications,
    /// The HTML report a job writes (`SimulateJob::report`, `GridRequest::report`).
    Report,
    /// The KPIs a report or sweep shows (`SweepJob::kpis`).
    Kpis,
    /// A call list's sampling design (`NewList::design`).
    Design,
    /// The known databases of a list-assisted design (`ListDesign::ListAssisted::known`).
    Known,
    /// The bank size of a list-assisted design (`ListDesign::ListAssisted::bank`).
    Bank,
    /// A stratified list's mix of number types (`NewList::mix`).
    Mix,
    /// The first position of a list (`NewList::start`).
    Start,
    /// The shard of a list or grid (`NewList::shard`).
    Shard,
    /// Known-database filters to exclude (`ListJob::exclude`).
    Exclude,
    /// Suppression lists to exclude (`ListJob::suppress`).
    Suppress,
    /// The registry read and written back to (`ListJob::registry`).
    Registry,
    /// Issuing a list exclusively in the registry (`ListJob::exclusive`).
    Exclusive,
    /// Where a list's manifest is written (`ListJob::manifest`).
    Manifest,
    /// Where the result is written (`GridRequest::out`).
    Out,
    /// The summary as JSON (`Rank::json`).
    Json,
    /// Charts of a grid's KPIs (`GridRequest::plot`).
    Plot,
    /// The memory a run may use (`Limits::max_memory`).
    MaxMemory,
    /// The disk a run may fill (`Limits::max_disk`).
    MaxDisk,
    /// The threads a job runs on (`FilterJob::threads`).
    Threads,
    /// The eligible banks of a Mitofsky–Waksberg stage 2 (`SecondStageJob::eligible`).
    Eligible,
    /// The call records of a Mitofsky–Waksberg stage 2 (`SecondStageJob::calls`).
    Calls,
    /// Continuing a list whose manifest does not bind its bytes (`ListOrigin::Continue::accept_unbound`).
    AcceptUnbound,
    /// An audit reading the source lists its run's scenario names (`AuditJob::follow_scenario_paths`).
    FollowScenarioPaths,
    /// The key file a run folder's manifest is signed with, and checked with (`SimulateJob::key`,
    /// `AuditJob::key`).
    Key,
    /// An audit of a folder that predates manifests (`AuditJob::without_manifest`).
    WithoutManifest,
    /// An audit counting a Bloom filter's hits as violations (`AuditDone::tell_verdict`'s `strict_bloom`).
    StrictBloom,
    /// The seed a run or a list is drawn from (`SimulateJob::seed`, `NewList::seed`).
    Seed,
}

impl Param {
    /// The parameter's name, as the jobs' request types spell the field (`fp_rate`, `out`).
    ///
    /// ```
    /// assert_eq!(dialsim::Param::FpRate.name(), "fp_rate");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Param::Vary => "vary",
            Param::Targets => "targets",
            Param::Agents => "agents",
            Param::Pacers => "pacers",
            Param::Set => "set",
            Param::FpRate => "fp_rate",
            Param::Expected => "expected",
            Param::SourceName => "name",
            Param::MaxRejected => "max_rejected",
            Param::Columns => "columns",
            Param::Delimiter => "delimiter",
            Param::Header => "header",
            Param::Country => "country",
            Param::AllowOtherCountry => "allow_other_country",
            Param::Replications => "replications",
            Param::Report => "report",
            Param::Kpis => "kpis",
            Param::Design => "design",
            Param::Known => "known",
            Param::Bank => "bank",
            Param::Mix => "mix",
            Param::Start => "start",
            Param::Shard => "shard",
            Param::Exclude => "exclude",
            Param::Suppress => "suppress",
            Param::Registry => "registry",
            Param::Exclusive => "exclusive",
            Param::Manifest => "manifest",
            Param::Out => "out",
            Param::Json => "json",
            Param::Plot => "plot",
            Param::MaxMemory => "max_memory",
            Param::MaxDisk => "max_disk",
            Param::Threads => "threads",
            Param::Eligible => "eligible",
            Param::Calls => "calls",
            Param::AcceptUnbound => "accept_unbound",
            Param::FollowScenarioPaths => "follow_scenario_paths",
            Param::Key => "key",
            Param::WithoutManifest => "without_manifest",
            Param::StrictBloom => "strict_bloom",
            Param::Seed => "seed",
        }
    }
}

/// A piece of a [`Message`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Param(Param),
}

/// A message that may name request parameters ([`Param`]): text and parameters in turn, so that a front end
/// names each parameter its own way ([`Message::render`]). Shown ([`fmt::Display`]) the library's way: a
/// parameter as its name in backticks.
///
/// ```
/// use dialsim::{Message, Param};
/// let m = Message::from(Param::FpRate).then(" 2 must be below 1");
/// assert_eq!(m.to_string(), "`fp_rate` 2 must be below 1");
/// assert_eq!(m.render(&|p| format!("--{}", p.name().replace('_', "-"))), "--fp-rate 2 must be below 1");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message(Vec<Piece>);

impl Message {
    /// This message with `more` after it (text, a parameter or another message).
    pub fn then(mut self, more: impl Into<Message>) -> Message {
        self.push(more);
        self
    }

    /// Adds `more` (text, a parameter or another message) at the end.
    pub fn push(&mut self, more: impl Into<Message>) {
        for piece in more.into().0 {
            match (self.0.last_mut(), piece) {
                (Some(Piece::Text(t)), Piece::Text(more)) => t.push_str(&more),
                (_, piece) => self.0.push(piece),
            }
        }
    }

    /// The parameters the message names, in its order.
    pub fn params(&self) -> impl Iterator<Item = Param> + '_ {
        self.0.iter().filter_map(|p| match p {
            Piece::Param(p) => Some(*p),
            Piece::Text(_) => None,
        })
    }

    /// The message as text, each parameter written as `name` gives it.
    pub fn render(&self, name: &dyn Fn(Param) -> String) -> String {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Param(p) => out.push_str(&name(*p)),
            }
        }
        out
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&|p| format!("`{}`", p.name())))
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Message {
        Message(vec![Piece::Text(text.to_string())])
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message(vec![Piece::Text(text)])
    }
}

impl From<Param> for Message {
    fn from(param: Param) -> Message {
        Message(vec![Piece::Param(param)])
    }
}

/// A [`Message`] of its pieces in turn, each text (`&str`, `String`), a [`Param`] or a message:
/// `message![Param::Vary, format!(" {key} is given twice")]`.
macro_rules! message {
    ($($piece:expr),* $(,)?) => {{
        let mut m = $crate::foundation::error::Message::default();
        $( m.push($piece); )*
        m
    }};
}
pub(crate) use message;

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
        /// What is wrong; it may name the reading options that would let the row be read ([`Param`]).
        message: Message,
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
    /// usage, exit code 2). The message may name the request's parameters ([`Param`]).
    #[error("{0}")]
    Request(Message),
    /// A request cannot be met with the data at hand (e.g. more numbers than the space holds, a filter that
    /// would not fit in memory, a scenario value out of range). The binary exits with 1. The message may name
    /// the parameter that would let it be met ([`Param`]).
    #[error("{0}")]
    Invalid(Message),
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
    /// assert_eq!(Error::Request("the count must be positive".into()).kind(), ErrorKind::Request);
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
    pub fn input(file: impl Into<String>, line: Option<u64>, message: impl Into<Message>) -> Error {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_names_its_parameters_the_library_way_or_the_callers() {
        let key = "dialer.agents";
        let m = message![Param::Vary, format!(" {key} is given twice; list its values in one "), Param::Vary, "."];
        assert_eq!(m.to_string(), "`vary` dialer.agents is given twice; list its values in one `vary`.");
        let flag = |p: Param| if p == Param::Out { "-o".to_string() } else { format!("--{}", p.name()) };
        assert_eq!(m.render(&flag), "--vary dialer.agents is given twice; list its values in one --vary.");
        assert_eq!(m.params().collect::<Vec<_>>(), [Param::Vary, Param::Vary]);
        let out = Message::from(Param::Out).then(" -: ").then(Message::from("a folder"));
        assert_eq!((out.to_string(), out.render(&flag)), ("`out` -: a folder".into(), "-o -: a folder".into()));
        // Text pieces in a row are one: a message built in steps equals the one built at once.
        assert_eq!(Message::from("a").then("b").then(String::from("c")), Message::from("abc"));
        assert_eq!(Error::Request(m).kind(), ErrorKind::Request);
    }
}
