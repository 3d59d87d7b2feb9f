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
/// holds, keeping every other line — header, order and `index` column — byte for byte. A list is CSV whose
/// first field is an E.164 number (with a header line starting `number`) or one E.164 number per line.
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
        let field = line.split(|&b| b == b',' || b == b'\n' || b == b'\r').next().unwrap_or(&[]);
        if at == 1 && field == b"number" {
            out.write_all(&line).map_err(Error::Output)?;
            continue;
        }
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
                out.write_all(&safe_line(&line)).map_err(Error::Output)?;
            }
        }
    }
    out.flush().map_err(Error::Output)?;
    counts.last_kept = (counts.kept > 0).then(|| String::from_utf8_lossy(&last_kept).into_owned());
    Ok(counts)
}

/// A kept line as it is written: byte for byte, unless one of its cells would run as a spreadsheet formula
/// (a list from standard input, or one accepted without its binding, may hold anything after its number):
/// then every cell is written through [`crate::foundation::text::csv_cell`].
fn safe_line(line: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let text = String::from_utf8_lossy(body);
    if !text.split(',').any(crate::foundation::text::is_formula) {
        return std::borrow::Cow::Borrowed(line);
    }
    let cells: Vec<String> = text.split(',').map(|c| crate::foundation::text::csv_cell(c).into_owned()).collect();
    let mut out = cells.join(",").into_bytes();
    out.extend_from_slice(&line[body.len()..]);
    std::borrow::Cow::Owned(out)
}
