//! Reading a dialer's call log into attempts: dialsim's own `calls.csv`, or VICIdial's call log as it is
//! exported — a comma CSV with a header, `mysql -B` output (tab, header), `SELECT … INTO OUTFILE` of
//! `vicidial_log` (tab or comma, no header, `\N` for NULL, MySQL's backslash escapes) or the admin's "Export
//! Calls Report" (tab, header, CRLF). The delimiter and the header are told from the first line; line ends
//! may be LF, CRLF or CR. Bad rows are errors naming the file and line.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};

use super::delimited::{Delimited, LineEnds, ends_escaped, split_fields};
use crate::exclude::normalize::Normalizer;
use crate::foundation::error::{Error, Result};
use crate::plan::number::PhoneNumber;

/// How an attempt ended, as far as a call log can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Disposition {
    /// Not in service (special information tone, disconnected).
    NotInService,
    /// Busy.
    Busy,
    /// No answer.
    NoAnswer,
    /// An answering machine recognised by AMD.
    MachineDetected,
    /// An answering machine an agent reached (AMD missed it, or AMD was off), or one dropped while waiting.
    MachineMissed,
    /// A person hung up on by AMD (taken for a machine).
    PersonAmdDrop,
    /// A person not put through to an agent in time.
    PersonDropped,
    /// A person who listened.
    Completed,
    /// A person who refused.
    Refused,
    /// A person who objected to marketing calls.
    Objected,
    /// A call back the person asked for (VICIdial `CALLBK`), counted as a person who listened.
    Callback,
    /// A person answered, and the log does not say how the call went on (VICIdial's re-queue or transfer to
    /// a call menu): counted as a person, not as connected.
    PersonOther,
}

impl Disposition {
    /// Whether a person answered.
    pub fn person(self) -> bool {
        matches!(
            self,
            Disposition::PersonAmdDrop
                | Disposition::PersonDropped
                | Disposition::Completed
                | Disposition::Refused
                | Disposition::Objected
                | Disposition::Callback
                | Disposition::PersonOther
        )
    }

    /// Whether a machine answered.
    pub fn machine(self) -> bool {
        matches!(self, Disposition::MachineDetected | Disposition::MachineMissed)
    }

    /// Whether a person was put through to an agent.
    pub fn connected(self) -> bool {
        matches!(self, Disposition::Completed | Disposition::Refused | Disposition::Objected | Disposition::Callback)
    }
}

/// One attempt of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    /// The number dialled.
    pub number: PhoneNumber,
    /// The hour of the day (0–23, local time of the calling floor) the attempt was dialled.
    pub hour: u8,
    /// When the attempt was dialled, in seconds on the log's own clock, when the log tells the day as well as
    /// the hour: dialsim's `dial_s` (from 00:00 of the run's day 0), VICIdial's `call_date` (from 00:00 of
    /// 1970-01-01 on the server's clock). Whole days of it are calendar days.
    pub dial_s: Option<f64>,
    /// The agent the call was put through to, when the log names one (dialsim's `agent`, VICIdial's `user`
    /// of a connected call).
    pub agent: Option<String>,
    /// How it ended.
    pub disposition: Disposition,
    /// Seconds of ringing (to the pick-up of an answered call, to the ring timeout of an unanswered one), when
    /// the log has it.
    pub ring_s: Option<f64>,
    /// Seconds of conversation, when the log has it.
    pub talk_s: Option<f64>,
    /// Seconds from pick-up to hang-up with the wait for an agent included, when the log cannot tell the two
    /// apart (VICIdial's `length_in_sec` without `queue_seconds`): an upper bound on the talk, not the talk.
    pub answered_s: Option<f64>,
    /// Seconds of after-call work, when the log has it.
    pub wrap_s: Option<f64>,
    /// Whether the attempt follows up an earlier call — a referred number, or a callback the person asked
    /// for — whose rates follow `[referrals]` or `[callbacks]`, not the population's.
    pub follow_up: bool,
    /// Whether answering-machine detection screened the attempt, when the log says (dialsim's `amd` column);
    /// `None` for logs that do not (VICIdial's, dialsim's written before the column).
    pub amd: Option<bool>,
}

/// The shape a log was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// dialsim's `calls.csv`.
    Dialsim,
    /// A VICIdial `vicidial_log` (or `vicidial_closer_log`) export with a header: a comma CSV or `mysql -B`
    /// output (docs/analysis.md, "Calibrating from your own records", has the mapping).
    Vicidial,
    /// `SELECT * FROM vicidial_log INTO OUTFILE`: no header, `vicidial_log`'s columns in the order VICIdial
    /// creates them (14 to 18 of them: older installs lack the last ones).
    VicidialOutfile,
    /// VICIdial's admin "Export Calls Report" (`call_report_export.php`): tab, header, CRLF.
    VicidialCallsReport,
}

impl LogFormat {
    /// The shape in words, for the scenario's header.
    pub fn describe(self) -> &'static str {
        match self {
            LogFormat::Dialsim => "dialsim calls.csv",
            LogFormat::Vicidial => "a VICIdial call log with a header",
            LogFormat::VicidialOutfile => "a VICIdial vicidial_log written by SELECT … INTO OUTFILE",
            LogFormat::VicidialCallsReport => "a VICIdial Export Calls Report",
        }
    }
}

/// A call log as read: its attempts and the rows that were not read as attempts.
#[derive(Clone, Debug, PartialEq)]
pub struct Log {
    /// The shape it was read as.
    pub format: LogFormat,
    /// The attempts.
    pub attempts: Vec<Attempt>,
    /// Rows left out by status (known statuses that are not an attempt, or whose outcome the status does not
    /// tell): status → (rows, why).
    pub left_out: BTreeMap<String, (u64, &'static str)>,
    /// Rows whose status dialsim does not know (a campaign's own statuses), by status; left out as well.
    pub unknown: BTreeMap<String, u64>,
}

/// `vicidial_log`'s columns in the order `extras/MySQL_AST_CREATE_tables.sql` creates them: what
/// `SELECT * … INTO OUTFILE` writes, without a header.
pub const VICIDIAL_LOG_COLUMNS: [&str; 18] = [
    "uniqueid",
    "lead_id",
    "list_id",
    "campaign_id",
    "call_date",
    "start_epoch",
    "end_epoch",
    "length_in_sec",
    "status",
    "phone_code",
    "phone_number",
    "user",
    "comments",
    "processed",
    "user_group",
    "term_reason",
    "alt_dial",
    "called_count",
];

/// The fewest columns of a headerless `vicidial_log` (installs before `user_group` was added).
const OUTFILE_MIN_COLUMNS: usize = 14;

/// Names that make a first line a header.
const HEADER_NAMES: [&str; 5] = ["call_id", "outcome", "status", "phone_number", "phone_number_dialed"];

/// A dialsim outcome name as a disposition.
fn dialsim_disposition(outcome: &str) -> Option<Disposition> {
    Some(match outcome {
        "not_in_service" => Disposition::NotInService,
        "busy" => Disposition::Busy,
        "no_answer" => Disposition::NoAnswer,
        "machine" => Disposition::MachineDetected,
        "machine_message" | "machine_dropped" => Disposition::MachineMissed,
        "amd_drop" => Disposition::PersonAmdDrop,
        "dropped" => Disposition::PersonDropped,
        "completed" => Disposition::Completed,
        "refused" => Disposition::Refused,
        "objected" => Disposition::Objected,
        "callback" => Disposition::Callback,
        _ => return None,
    })
}

/// A cell that is NULL: `\N` (`INTO OUTFILE`), `NULL` (`mysql -B`) or empty.
fn null(cell: &str) -> bool {
    matches!(cell.trim(), "" | "\\N" | "NULL")
}

/// Where a VICIdial row keeps what dialsim reads.
struct VicidialColumns {
    code: Option<usize>,
    number: usize,
    status: usize,
    date: usize,
    length: Option<usize>,
    queue: Option<usize>,
    user: Option<usize>,
}

impl VicidialColumns {
    fn from_header(headers: &[String], at: &dyn Fn(u64, String) -> Error) -> Result<VicidialColumns> {
        let col = |h: &str| headers.iter().position(|x| x.trim() == h);
        let need = |h: &str| col(h).ok_or_else(|| at(1, format!("no `{h}` column")));
        Ok(VicidialColumns {
            code: col("phone_code"),
            // The Export Calls Report has the number dialled and the lead's main number; the first is the
            // attempt's.
            number: match col("phone_number_dialed") {
                Some(c) => c,
                None => need("phone_number")?,
            },
            status: need("status")?,
            date: need("call_date")?,
            length: col("length_in_sec"),
            // vicidial_closer_log's wait in the queue; the Export Calls Report's `queue_time` is written as 0
            // for every outbound call (call_report_export.php), so it separates nothing and is not read.
            queue: col("queue_seconds"),
            user: col("user"),
        })
    }

    fn positional() -> VicidialColumns {
        let at = |h: &str| VICIDIAL_LOG_COLUMNS.iter().position(|c| *c == h).unwrap_or(0);
        VicidialColumns {
            code: Some(at("phone_code")),
            number: at("phone_number"),
            status: at("status"),
            date: at("call_date"),
            length: Some(at("length_in_sec")),
            queue: None,
            user: Some(at("user")),
        }
    }

    fn width(&self) -> usize {
        [Some(self.number), Some(self.status), Some(self.date), self.code, self.length, self.queue, self.user]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(0)
            + 1
    }
}

/// Reads one VICIdial row into `log` (an attempt, a row left out, or an unknown status).
fn vicidial_row(
    row: &[String],
    line: u64,
    cols: &VicidialColumns,
    normalizer: &Normalizer,
    at: &dyn Fn(u64, String) -> Error,
    log: &mut Log,
) -> Result<()> {
    let st = row[cols.status].trim();
    let d = match super::vicidial::reading(st) {
        Some(super::vicidial::StatusReading::Attempt(d)) => d,
        Some(super::vicidial::StatusReading::LeftOut(why)) => {
            log.left_out.entry(st.to_string()).or_insert((0, why)).0 += 1;
            return Ok(());
        }
        None => {
            *log.unknown.entry(st.to_string()).or_default() += 1;
            return Ok(());
        }
    };
    // call_date is `YYYY-MM-DD HH:MM:SS`, the server's local time.
    let date = &row[cols.date];
    let hour = date.trim().get(11..13).and_then(|h| h.parse::<u8>().ok()).filter(|h| *h < 24).ok_or_else(|| {
        at(line, format!("call_date `{}` is not YYYY-MM-DD HH:MM:SS", crate::foundation::error::snippet(date)))
    })?;
    let number = row[cols.number].trim();
    let written = match cols.code {
        Some(c) if !null(&row[c]) => format!("+{}{}", row[c].trim(), number),
        _ => number.to_string(),
    };
    let seconds = |c: Option<usize>, what: &str| -> Result<Option<f64>> {
        match c {
            Some(c) if !null(&row[c]) => {
                row[c].trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).map(Some).ok_or_else(|| {
                    at(
                        line,
                        format!("{what} `{}` is not a duration in seconds", crate::foundation::error::snippet(&row[c])),
                    )
                })
            }
            _ => Ok(None),
        }
    };
    let (length, queue) = if d.connected() {
        (seconds(cols.length, "length_in_sec")?, seconds(cols.queue, "queue_seconds")?)
    } else {
        (None, None)
    };
    // length_in_sec runs from pick-up to hang-up: the wait for an agent, then the talk.
    let (talk, answered) = match (length, queue, cols.queue.is_some()) {
        (Some(l), Some(q), _) => (Some((l - q).max(0.0)), None),
        (Some(l), None, false) => (None, Some(l)),
        _ => (None, None),
    };
    // The user of a connected call is its agent (VDAD and VDCL are the dialer's own).
    let agent = cols
        .user
        .map(|c| row[c].trim())
        .filter(|u| d.connected() && !null(u) && !matches!(*u, "VDAD" | "VDCL"))
        .map(String::from);
    log.attempts.push(Attempt {
        number: parse_number(normalizer, &written, || at(line, String::new()))?,
        hour,
        dial_s: civil_seconds(date.trim()),
        agent,
        disposition: d,
        ring_s: None,
        talk_s: talk,
        answered_s: answered,
        wrap_s: None,
        // CALLBK is the request (a person asked to be called later); a kept callback is not marked.
        follow_up: false,
        amd: None,
    });
    Ok(())
}

/// Reads a call log from `input`; `name` is used in errors, `normalizer` reads its numbers.
///
/// ```
/// let plan = dialsim::Plan::embedded("cz").unwrap();
/// let outfile = "1.1\t1\t999\tC\t2026-01-05 09:15:02\t0\t0\t0\tNA\t420\t601000001\tVDAD\t\\N\tN\n";
/// let log = dialsim::calibrate::read_log("x", outfile.as_bytes(), &dialsim::Normalizer::for_plan(&plan)).unwrap();
/// assert_eq!(log.format, dialsim::calibrate::LogFormat::VicidialOutfile);
/// ```
pub fn read_log(name: &str, input: impl Read, normalizer: &Normalizer) -> Result<Log> {
    let at = |line: u64, m: String| Error::input(name, Some(line), m);
    let mut input = BufReader::new(LineEnds::new(BufReader::new(input)));
    let mut first = Vec::new();
    // The first row, with the lines an escaped line end joins to it (a comment of an INTO OUTFILE row).
    let mut lines = 0;
    while (lines == 0 || ends_escaped(&first))
        && input.read_until(b'\n', &mut first).map_err(|e| at(lines + 1, e.to_string()))? > 0
    {
        lines += 1;
    }
    // A byte-order mark (a spreadsheet's "CSV UTF-8") is not part of the first name.
    if first.starts_with("\u{feff}".as_bytes()) {
        first.drain(..3);
    }
    if first.is_empty() {
        return Err(at(1, "the log is empty: no header and no attempts".into()));
    }
    let delimiter = if first.contains(&b'\t') { b'\t' } else { b',' };
    let line = first.strip_suffix(b"\n").unwrap_or(&first);
    // Split as an INTO OUTFILE row (escapes, enclosed strings): a header holds neither.
    let cells: Vec<String> =
        split_fields(name, 1, line, delimiter, true)?.into_iter().map(|c| c.trim().to_string()).collect();
    let header = cells.iter().any(|c| HEADER_NAMES.contains(&c.as_str()));
    let has = |h: &str| cells.iter().any(|c| c == h);
    let format = if header && has("call_id") && has("outcome") {
        LogFormat::Dialsim
    } else if header && has("status") && has("phone_number_dialed") {
        LogFormat::VicidialCallsReport
    } else if header && has("status") && has("phone_number") {
        LogFormat::Vicidial
    } else if !header && (OUTFILE_MIN_COLUMNS..=VICIDIAL_LOG_COLUMNS.len()).contains(&cells.len()) {
        LogFormat::VicidialOutfile
    } else {
        return Err(at(
            1,
            format!(
                "neither dialsim's calls.csv (call_id, outcome, …) nor a VICIdial log export (a header with \
                 status, phone_number, …; or vicidial_log's {OUTFILE_MIN_COLUMNS} to {} columns without a \
                 header, as INTO OUTFILE writes them); the first line has {} {} cells",
                VICIDIAL_LOG_COLUMNS.len(),
                cells.len(),
                if delimiter == b'\t' { "tab-separated" } else { "comma-separated" }
            ),
        ));
    };
    let input = std::io::Cursor::new(first).chain(input);
    let mut log = Log { format, attempts: Vec::new(), left_out: BTreeMap::new(), unknown: BTreeMap::new() };
    match (format, delimiter) {
        (LogFormat::Dialsim, _) | (LogFormat::Vicidial, b',') => {
            let mut reader = csv::ReaderBuilder::new().flexible(false).delimiter(delimiter).from_reader(input);
            let headers: Vec<String> = reader
                .headers()
                .map_err(|e| at(1, format!("unreadable header: {e}")))?
                .iter()
                .map(String::from)
                .collect();
            if format == LogFormat::Dialsim {
                read_dialsim(&mut reader, &headers, normalizer, &at, &mut log)?;
            } else {
                let cols = VicidialColumns::from_header(&headers, &at)?;
                for row in reader.records() {
                    let row = row.map_err(|e| at(e.position().map_or(0, |p| p.line()), e.to_string()))?;
                    let line = row.position().map_or(0, |p| p.line());
                    let row: Vec<String> = row.iter().map(String::from).collect();
                    vicidial_row(&row, line, &cols, normalizer, &at, &mut log)?;
                }
            }
        }
        _ => {
            // mysql -B and INTO OUTFILE escape with backslashes; the Export Calls Report writes values as they
            // are (tabs in them made ` -- `).
            let escapes = format != LogFormat::VicidialCallsReport;
            let mut rows = Delimited::new(BufReader::new(input), delimiter, escapes);
            let mut row = Vec::new();
            let (cols, width) = if format == LogFormat::VicidialOutfile {
                (VicidialColumns::positional(), cells.len())
            } else {
                rows.next(name, &mut row)?;
                (VicidialColumns::from_header(&row, &at)?, row.len())
            };
            while let Some(line) = rows.next(name, &mut row)? {
                // The report appends one cell per custom field: a row may be longer than its header.
                let fits = match format {
                    LogFormat::VicidialCallsReport => row.len() >= cols.width(),
                    _ => row.len() == width,
                };
                if !fits {
                    return Err(at(line, format!("{} cells where the first row has {width}", row.len())));
                }
                vicidial_row(&row, line, &cols, normalizer, &at, &mut log)?;
            }
        }
    }
    let rows = log.attempts.len() as u64
        + log.left_out.values().map(|(n, _)| n).sum::<u64>()
        + log.unknown.values().sum::<u64>();
    let unknown: u64 = log.unknown.values().sum();
    if unknown * 2 > rows {
        return Err(Error::input(
            name,
            None,
            format!(
                "{unknown} of {rows} rows have a status dialsim does not know ({}): a campaign's own statuses? \
                 Map them to the statuses of a default install (docs/analysis.md lists them) before calibrating",
                list_statuses(&log.unknown)
            ),
        ));
    }
    if log.attempts.is_empty() {
        return Err(Error::input(name, None, "the log holds no attempts"));
    }
    Ok(log)
}

/// `A ×3, B ×1, …` (the most frequent first, at most eight).
pub(crate) fn list_statuses(counts: &BTreeMap<String, u64>) -> String {
    let mut v: Vec<(&String, &u64)> = counts.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut out: Vec<String> = v
        .iter()
        .take(8)
        .map(|(s, n)| {
            format!(
                "`{}` ×{n}",
                crate::foundation::text::escape_controls(&crate::foundation::error::snippet(s)).replace('\n', "\\n")
            )
        })
        .collect();
    if v.len() > 8 {
        out.push(format!("{} more", v.len() - 8));
    }
    out.join(", ")
}

fn read_dialsim<R: Read>(
    reader: &mut csv::Reader<R>,
    headers: &[String],
    normalizer: &Normalizer,
    at: &dyn Fn(u64, String) -> Error,
    log: &mut Log,
) -> Result<()> {
    let col = |h: &str| headers.iter().position(|x| x.trim() == h);
    let need = |h: &str| col(h).ok_or_else(|| at(1, format!("no `{h}` column")));
    let (number, dial, outcome) = (need("number")?, need("dial_s")?, need("outcome")?);
    let (ring, talk, wrap) = (need("ring_s")?, need("talk_s")?, need("wrap_s")?);
    let follow = [col("referral_of"), col("callback_of")];
    let agent = col("agent");
    // Logs written before the `amd` column do not say: every attempt then counts as screened.
    let amd = col("amd");
    for row in reader.records() {
        let row = row.map_err(|e| at(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = row.position().map_or(0, |p| p.line());
        let seconds = |c: usize| -> Result<f64> {
            row[c].parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).ok_or_else(|| {
                at(line, format!("`{}` is not a duration in seconds", crate::foundation::error::snippet(&row[c])))
            })
        };
        let screened = match amd.map(|c| row[c].trim()) {
            None => None,
            Some("on") => Some(true),
            Some("off") => Some(false),
            Some(other) => {
                return Err(at(
                    line,
                    format!("amd `{}` is neither on nor off", crate::foundation::error::snippet(other)),
                ));
            }
        };
        let d = dialsim_disposition(&row[outcome]).ok_or_else(|| {
            at(line, format!("unknown outcome `{}`", crate::foundation::error::snippet(&row[outcome])))
        })?;
        log.attempts.push(Attempt {
            number: parse_number(normalizer, &row[number], || at(line, String::new()))?,
            hour: ((seconds(dial)? / 3600.0) as u64 % 24) as u8,
            dial_s: Some(seconds(dial)?),
            agent: agent.map(|c| row[c].trim()).filter(|a| !a.is_empty()).map(String::from),
            disposition: d,
            ring_s: Some(seconds(ring)?),
            talk_s: if d.connected() { Some(seconds(talk)?) } else { None },
            answered_s: None,
            wrap_s: if d.connected() { Some(seconds(wrap)?) } else { None },
            follow_up: follow.iter().flatten().any(|c| !row[*c].trim().is_empty()),
            amd: screened,
        });
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM:SS` as seconds from 1970-01-01 00:00 on the same clock (no time zone: a calendar day is
/// a whole 86,400 s of it); `None` when it is not that shape.
fn civil_seconds(date: &str) -> Option<f64> {
    let b = date.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = date.get(r)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let day = jiff::civil::Date::new(i16::try_from(y).ok()?, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()?;
    let days = i64::from(day.since(jiff::civil::date(1970, 1, 1)).ok()?.get_days());
    Some((days * 86_400 + hh * 3600 + mm * 60 + ss) as f64)
}

fn parse_number(normalizer: &Normalizer, written: &str, at: impl Fn() -> Error) -> Result<PhoneNumber> {
    normalizer.parse(written).map_err(|why| match at() {
        Error::Input { at, .. } => Error::Input {
            at,
            message: format!("`{}` is not a phone number: {why}", crate::foundation::error::snippet(written)).into(),
        },
        other => other,
    })
}
