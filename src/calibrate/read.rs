//! Reading a dialer's call log into attempts: dialsim's own `calls.csv`, or a VICIdial call-log export
//! (`vicidial_log`), told apart by their headers. Bad rows are errors naming the file and line.

use std::io::Read;

use crate::error::{Error, Result};
use crate::normalize::Normalizer;
use crate::number::PhoneNumber;

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
    /// An answering machine an agent reached (AMD missed it), or one dropped while waiting.
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
    /// How it ended.
    pub disposition: Disposition,
    /// Seconds of ringing (to the pick-up of an answered call, to the ring timeout of an unanswered one), when
    /// the log has it.
    pub ring_s: Option<f64>,
    /// Seconds of conversation, when the log has it.
    pub talk_s: Option<f64>,
    /// Seconds of after-call work, when the log has it.
    pub wrap_s: Option<f64>,
    /// Whether the attempt follows up an earlier call — a referred number, or a callback the person asked
    /// for — whose rates follow `[referrals]` or `[callbacks]`, not the population's.
    pub follow_up: bool,
}

/// The shape a log was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// dialsim's `calls.csv`.
    Dialsim,
    /// A VICIdial `vicidial_log` export (README "Calibrating from your own records" has the mapping).
    Vicidial,
}

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

/// A VICIdial status as a disposition (system statuses of the default install; custom campaign statuses are
/// read as refusals or sales by their `human answered` flag, which the export does not carry, so they are an
/// error naming the status).
fn vicidial_disposition(status: &str) -> Option<Disposition> {
    Some(match status {
        "DC" | "ADC" => Disposition::NotInService,
        "B" | "AB" => Disposition::Busy,
        "NA" | "N" | "AFTHRS" => Disposition::NoAnswer,
        "AA" | "AL" | "AM" => Disposition::MachineDetected,
        "A" => Disposition::MachineMissed,
        "DROP" | "PDROP" | "XDROP" | "TIMEOT" => Disposition::PersonDropped,
        "SALE" | "XFER" => Disposition::Completed,
        "NI" | "NP" | "DEC" => Disposition::Refused,
        "DNC" | "DNCL" => Disposition::Objected,
        "CALLBK" | "CBHOLD" => Disposition::Callback,
        _ => return None,
    })
}

/// Reads a call log from `input`; `name` is used in errors, `normalizer` reads its numbers.
pub fn read_log(name: &str, input: impl Read, normalizer: &Normalizer) -> Result<(LogFormat, Vec<Attempt>)> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let at = |line: u64, m: String| Error::input(name, Some(line), m);
    let headers = reader.headers().map_err(|e| at(1, format!("unreadable header: {e}")))?.clone();
    let col = |h: &str| headers.iter().position(|x| x.trim() == h);
    let format = if col("call_id").is_some() && col("outcome").is_some() {
        LogFormat::Dialsim
    } else if col("status").is_some() && col("phone_number").is_some() {
        LogFormat::Vicidial
    } else {
        return Err(at(
            1,
            "neither dialsim's calls.csv (call_id, outcome, …) nor a VICIdial log export (status, phone_number, …)"
                .into(),
        ));
    };
    let need = |h: &str| col(h).ok_or_else(|| at(1, format!("no `{h}` column")));
    let mut attempts = Vec::new();
    match format {
        LogFormat::Dialsim => {
            let (number, dial, outcome) = (need("number")?, need("dial_s")?, need("outcome")?);
            let (ring, talk, wrap) = (need("ring_s")?, need("talk_s")?, need("wrap_s")?);
            let follow = [col("referral_of"), col("callback_of")];
            for row in reader.records() {
                let row = row.map_err(|e| at(e.position().map_or(0, |p| p.line()), e.to_string()))?;
                let line = row.position().map_or(0, |p| p.line());
                let seconds = |c: usize| -> Result<f64> {
                    row[c].parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).ok_or_else(|| {
                        at(line, format!("`{}` is not a duration in seconds", crate::error::snippet(&row[c])))
                    })
                };
                let d = dialsim_disposition(&row[outcome])
                    .ok_or_else(|| at(line, format!("unknown outcome `{}`", crate::error::snippet(&row[outcome]))))?;
                attempts.push(Attempt {
                    number: parse_number(normalizer, &row[number], || at(line, String::new()))?,
                    hour: ((seconds(dial)? / 3600.0) as u64 % 24) as u8,
                    disposition: d,
                    ring_s: Some(seconds(ring)?),
                    talk_s: if d.connected() { Some(seconds(talk)?) } else { None },
                    wrap_s: if d.connected() { Some(seconds(wrap)?) } else { None },
                    follow_up: follow.iter().flatten().any(|c| !row[*c].trim().is_empty()),
                });
            }
        }
        LogFormat::Vicidial => {
            let (code, number, status) = (col("phone_code"), need("phone_number")?, need("status")?);
            let (date, length) = (need("call_date")?, col("length_in_sec"));
            for row in reader.records() {
                let row = row.map_err(|e| at(e.position().map_or(0, |p| p.line()), e.to_string()))?;
                let line = row.position().map_or(0, |p| p.line());
                let st = row[status].trim();
                let d = vicidial_disposition(st).ok_or_else(|| {
                    at(
                        line,
                        format!("VICIdial status `{}` has no mapping (README lists them)", crate::error::snippet(st)),
                    )
                })?;
                // call_date is `YYYY-MM-DD HH:MM:SS`, the server's local time.
                let hour =
                    row[date].get(11..13).and_then(|h| h.parse::<u8>().ok()).filter(|h| *h < 24).ok_or_else(|| {
                        at(
                            line,
                            format!("call_date `{}` is not YYYY-MM-DD HH:MM:SS", crate::error::snippet(&row[date])),
                        )
                    })?;
                let written = match code {
                    Some(c) if !row[c].trim().is_empty() => format!("+{}{}", row[c].trim(), row[number].trim()),
                    _ => row[number].to_string(),
                };
                let talk = match length {
                    Some(c) if d.connected() => Some(row[c].trim().parse::<f64>().map_err(|_| {
                        at(line, format!("length_in_sec `{}` is not a number", crate::error::snippet(&row[c])))
                    })?),
                    _ => None,
                };
                attempts.push(Attempt {
                    number: parse_number(normalizer, &written, || at(line, String::new()))?,
                    hour,
                    disposition: d,
                    ring_s: None,
                    talk_s: talk,
                    wrap_s: None,
                    // CALLBK is the request (a person asked to be called later); a kept callback is not marked.
                    follow_up: false,
                });
            }
        }
    }
    if attempts.is_empty() {
        return Err(Error::input(name, None, "the log holds no attempts"));
    }
    Ok((format, attempts))
}

fn parse_number(normalizer: &Normalizer, written: &str, at: impl Fn() -> Error) -> Result<PhoneNumber> {
    normalizer.parse(written).map_err(|why| match at() {
        Error::Input { at, .. } => {
            Error::Input { at, message: format!("`{}` is not a phone number: {why}", crate::error::snippet(written)) }
        }
        other => other,
    })
}
