//! Scrubbing a list: copying it without the numbers today's exclusion sources hold.

use std::io::BufRead as _;

use crate::foundation::error::{Error, Result};

/// What [`scrub`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScrubCounts {
    /// Numbers read.
    pub read: u64,
    /// Numbers kept (written).
    pub kept: u64,
    /// Numbers removed, per source of `exclusions`.
    pub removed: Vec<u64>,
    /// The number of the last line kept, as written (E.164), if any was.
    pub last_kept: Option<String>,
}

/// Copies the list read from `input` (`name` in errors) to `out` without the numbers any of `exclusions`
/// holds, keeping every other line — header, order and `index` column — byte for byte. A list is in one of the
/// formats `dialsim generate` writes, told from its first line: CSV whose first field is an E.164 number (with
/// a header line starting `number`) or one E.164 number per line; the dialer CSV (its header
/// `country_code,national_number,e164,…`, the number in `e164`); VICIdial's tab-separated lead file (the number
/// in its country code and phone number fields, the 4th and 5th).
pub fn scrub(
    name: &str,
    input: &mut dyn std::io::BufRead,
    out: &mut dyn std::io::Write,
    exclusions: &crate::exclude::Exclusions,
) -> Result<ScrubCounts> {
    let mut counts = ScrubCounts { removed: vec![0; exclusions.sources().len()], ..Default::default() };
    let mut line = Vec::new();
    let mut at = 0u64;
    let mut last_kept = Vec::new();
    let mut rows = Rows::NumberFirst;
    let mut joined = Vec::new();
    loop {
        line.clear();
        // A list line is short: one much longer is not a list (a device, a binary file) and is refused.
        let n = std::io::Read::take(&mut *input, 4096).read_until(b'\n', &mut line).map_err(|e| Error::io(name, e))?;
        if n == 0 {
            break;
        }
        at += 1;
        if line.last() != Some(&b'\n') && n == 4096 {
            return Err(Error::input(name, Some(at), "not a call list: a line of more than 4096 bytes"));
        }
        if at == 1 {
            rows = Rows::of(&line);
            if rows.header(&line) {
                out.write_all(&line).map_err(Error::Output)?;
                continue;
            }
        }
        let field = rows.number(&line, &mut joined);
        let key = field
            .strip_prefix(b"+")
            .filter(|d| !d.is_empty() && d.len() <= 15 && d.iter().all(u8::is_ascii_digit))
            .and_then(|d| std::str::from_utf8(d).ok()?.parse::<u64>().ok())
            .ok_or_else(|| {
                Error::input(
                    name,
                    Some(at),
                    format!(
                        "'{}' is not an E.164 number (a call list written by dialsim generate)",
                        crate::foundation::error::snippet(&String::from_utf8_lossy(field))
                    ),
                )
            })?;
        counts.read += 1;
        match exclusions.source_of(key) {
            Some(i) => counts.removed[i] += 1,
            None => {
                counts.kept += 1;
                last_kept.clear();
                last_kept.extend_from_slice(field);
                out.write_all(&safe_line(&line, rows)).map_err(Error::Output)?;
            }
        }
    }
    out.flush().map_err(Error::Output)?;
    counts.last_kept = (counts.kept > 0).then(|| String::from_utf8_lossy(&last_kept).into_owned());
    Ok(counts)
}

/// The row formats of the lists `dialsim generate` writes, as a scrub reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rows {
    /// csv (`number,type,region,index`) and txt: the E.164 number is the first field.
    NumberFirst,
    /// dialer-csv (`country_code,national_number,e164,type,region,time_zone`): the number is the third field.
    DialerCsv,
    /// VICIdial's lead file: tab-separated, the number in the country code and phone number fields (4th, 5th).
    Vicidial,
}

/// The start of the dialer-csv header (`CallList::DIALER_CSV_HEADER`, which a test holds it to).
const DIALER_CSV_HEADER_START: &[u8] = b"country_code,national_number,e164,";

impl Rows {
    /// The format of a list whose first line is `first`.
    fn of(first: &[u8]) -> Rows {
        if first.starts_with(DIALER_CSV_HEADER_START) {
            Rows::DialerCsv
        } else if first.contains(&b'\t') {
            Rows::Vicidial
        } else {
            Rows::NumberFirst
        }
    }

    /// Whether the first line `first` is the format's header.
    fn header(self, first: &[u8]) -> bool {
        match self {
            Rows::NumberFirst => first.split(|&b| b == b',' || b == b'\n' || b == b'\r').next() == Some(b"number"),
            Rows::DialerCsv => true,
            Rows::Vicidial => false,
        }
    }

    /// The number of a row as written (`+DIGITS` when the row is well formed); `joined` is scratch space for a
    /// number written in two fields.
    fn number<'a>(self, line: &'a [u8], joined: &'a mut Vec<u8>) -> &'a [u8] {
        let fields = |sep: u8| line.split(move |&b| b == sep || b == b'\n' || b == b'\r');
        match self {
            Rows::NumberFirst => fields(b',').next().unwrap_or(&[]),
            Rows::DialerCsv => fields(b',').nth(2).unwrap_or(&[]),
            Rows::Vicidial => {
                let mut f = fields(b'\t').skip(3);
                joined.clear();
                joined.push(b'+');
                joined.extend_from_slice(f.next().unwrap_or(&[]));
                joined.extend_from_slice(f.next().unwrap_or(&[]));
                joined
            }
        }
    }
}

/// A kept line as it is written: byte for byte, unless one of its cells would run as a spreadsheet formula
/// (a list from standard input, or one accepted without its binding, may hold anything after its number):
/// then every cell is written through [`crate::foundation::text::csv_cell`], or, in VICIdial's tab-separated
/// rows (which have no quoting), with the `'` that `csv_cell` puts before a formula.
fn safe_line(line: &[u8], rows: Rows) -> std::borrow::Cow<'_, [u8]> {
    use crate::foundation::text::{csv_cell, is_formula};
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let text = String::from_utf8_lossy(body);
    let sep = if rows == Rows::Vicidial { '\t' } else { ',' };
    if !text.split(sep).any(is_formula) {
        return std::borrow::Cow::Borrowed(line);
    }
    let cell = |c: &str| match rows {
        Rows::Vicidial if is_formula(c) => format!("'{c}"),
        Rows::Vicidial => c.to_string(),
        _ => csv_cell(c).into_owned(),
    };
    let cells: Vec<String> = text.split(sep).map(cell).collect();
    let mut out = cells.join(&sep.to_string()).into_bytes();
    out.extend_from_slice(&line[body.len()..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dialer_csv_header_a_scrub_knows_is_the_one_generate_writes() {
        assert!(crate::generate::CallList::DIALER_CSV_HEADER.starts_with(DIALER_CSV_HEADER_START));
    }
}
