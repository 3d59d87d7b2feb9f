//! Reading the records of an input (or of a piece of one) in a decided [`InputShape`]: the numbers of the
//! columns read, the rejected values, and the rows that stop the reading (a row wider than the others, a
//! quoted field that swallowed rows).

use std::io::Read;

use super::{
    InputOptions, InputShape, KeySink, NumbersRead, OUTSIDE_KEPT, REJECTS_KEPT, Rejected, SourceStats, columns, sniff,
};
use crate::foundation::error::Result;

/// What [`InputOptions::read_part`] read.
#[derive(Debug)]
pub(super) struct Part {
    pub(super) read: NumbersRead,
    /// Newlines read.
    pub(super) lines: u64,
    /// The line and message of the row that stopped the reading.
    pub(super) failure: Option<(Option<u64>, String)>,
    /// A quoted field held a line break; the line of the record whose quoted field the input ended inside.
    pub(super) spanned: bool,
    pub(super) unclosed: Option<u64>,
    /// The first line and column where a watched column held a phone number.
    pub(super) late: Option<(u64, usize)>,
}

use crate::foundation::open::{LineLimit, LongLine};

/// Passes bytes through; when `on`, a line that ends in a bare carriage return (old Mac exports) ends in a
/// newline instead, and `\r\n` becomes `\n`: the readers count lines by `\n`.
struct CrAsLf<R> {
    inner: R,
    on: bool,
    /// The last byte passed was a carriage return turned into a newline: a newline right after it goes.
    after_cr: bool,
}

impl<R: Read> Read for CrAsLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if !self.on || n == 0 {
                return Ok(n);
            }
            let mut kept = 0;
            for i in 0..n {
                let b = buf[i];
                if std::mem::replace(&mut self.after_cr, b == b'\r') && b == b'\n' {
                    continue;
                }
                buf[kept] = if b == b'\r' { b'\n' } else { b };
                kept += 1;
            }
            // A read of one newline dropped is no end of input: read on.
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

impl Part {
    fn new(name: &str) -> Part {
        Part {
            read: NumbersRead {
                stats: SourceStats { name: name.to_string(), ..Default::default() },
                ..Default::default()
            },
            lines: 0,
            failure: None,
            spanned: false,
            unclosed: None,
            late: None,
        }
    }
}

impl InputOptions {
    /// Reads the records of `input` (lines counted from 1 within it) in `shape`, skipping the first one when
    /// `header`. A row that stops the reading (a row wider than the others, not a number in strict mode) is
    /// returned as the part's failure, with its line, so that the pieces of a file can shift it. The keys of
    /// the numbers go to `keys`, in file order (the part's `read.keys` stays empty).
    pub(super) fn read_part(
        &self,
        name: &str,
        input: impl Read,
        shape: &InputShape,
        header: bool,
        keys: &mut impl KeySink,
    ) -> Result<Part> {
        // Lines that end in a bare carriage return end in a newline from here on, so lines count the same.
        let input = CrAsLf { inner: input, on: shape.cr_only, after_cr: false };
        self.read_records(name, input, shape, header, keys)
    }

    /// One field of a column read: a number (its key to `keys`; counted, and the first kept, when no row of
    /// the plan holds it) or a rejected value. In strict mode a value that is not a number stops the reading:
    /// its line and message are returned.
    #[inline]
    fn field(
        &self,
        field: &[u8],
        line: u64,
        shape: &InputShape,
        out: &mut NumbersRead,
        keys: &mut impl KeySink,
    ) -> Option<(Option<u64>, String)> {
        match self.normalizer.parse_bytes(field) {
            Ok(n) => {
                out.stats.numbers += 1;
                keys.push(n.key());
                if self.normalizer.knows_plan()
                    && n.country_code == self.normalizer.country_code()
                    && !self.normalizer.in_plan(&n)
                {
                    // Kept: excluding more is safe. Counted: a file of another country's numbers read as this
                    // one's would exclude nothing it should.
                    out.outside_plan += 1;
                    if out.outside.len() < OUTSIDE_KEPT {
                        out.outside.push(Rejected {
                            line,
                            field: shape.encoding.decode(field),
                            reason: "no row of the plan holds it",
                        });
                    }
                }
            }
            Err(reason) => {
                let field = shape.encoding.decode(field);
                if self.strict {
                    return Some((Some(line), format!("'{field}' is not a phone number: {reason}")));
                }
                out.stats.rejected += 1;
                if out.rejects.len() < REJECTS_KEPT {
                    out.rejects.push(Rejected { line, field, reason });
                }
            }
        }
        None
    }

    /// [`InputOptions::read_part`] once bare carriage returns are newlines: lines end in `\n` (a `\r` before it
    /// is trimmed with the field).
    fn read_records(
        &self,
        name: &str,
        input: impl Read,
        shape: &InputShape,
        mut header: bool,
        keys: &mut impl KeySink,
    ) -> Result<Part> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .delimiter(shape.delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(sniff::QuoteScan::new(LineLimit::new(input), shape.delimiter));
        let mut part = Part::new(name);
        let out = &mut part.read;
        let mut record = csv::ByteRecord::new();
        let mut last_line = 1;
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let mut line = e.position().map(|p| p.line());
                    let message = match e.kind() {
                        // A line past the limit is named by its line, like any other row that stops the reading.
                        csv::ErrorKind::Io(io) if LongLine::of(io).is_some() => {
                            line = LongLine::of(io);
                            io.to_string()
                        }
                        csv::ErrorKind::Io(io) => format!("reading failed: {io}"),
                        _ => format!("not valid CSV: {e}"),
                    };
                    part.failure = Some((line, message));
                    return Ok(part);
                }
            }
            // The record's own line. The csv reader's position is where it started reading, before the blank
            // and comment lines it skipped; its line after the record is exact: back over the record's
            // quoted line breaks and its terminator (none when it ended the input).
            let after = reader.position();
            let scan = reader.get_ref();
            let terminated = after.byte() < scan.read || scan.end == b'\n';
            let inner = if record.as_slice().contains(&b'\n') {
                record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64
            } else {
                0
            };
            let line = after.line() - inner - u64::from(terminated);
            last_line = line;
            // Fields are trimmed here rather than by the csv reader, whose trimming allocates a new record per row.
            if record.len() == 1 && record[0].trim_ascii().is_empty() {
                continue;
            }
            if header {
                header = false;
                continue;
            }
            if record.len() > shape.width && record.iter().skip(shape.width).any(|f| !f.trim_ascii().is_empty()) {
                let others = if shape.header.is_some() { "the header has" } else { "the first rows have" };
                part.failure = Some((
                    Some(line),
                    format!(
                        "this row has {} fields where {others} {}: a delimiter inside a field that is not quoted, or a broken quote",
                        record.len(),
                        shape.width
                    ),
                ));
                return Ok(part);
            }
            if reader.get_ref().spanned
                && record.as_slice().contains(&b'\n')
                && let Some(message) = self.swallowed_rows(&record, shape.delimiter)
            {
                part.failure = Some((Some(line), message));
                return Ok(part);
            }
            out.stats.rows += 1;
            let mut any = false;
            for &column in &shape.columns {
                let field = record.get(column).unwrap_or(b"").trim_ascii();
                if field.is_empty() {
                    continue;
                }
                any = true;
                if let Some(failure) = self.field(field, line, shape, out, keys) {
                    part.failure = Some(failure);
                    return Ok(part);
                }
            }
            if !any {
                out.empty += 1;
            }
            if part.late.is_none() {
                let number = |&c: &usize| columns::reads_as_number(&self.normalizer, record.get(c).unwrap_or(b""));
                part.late = shape.watched.iter().find(|c| number(c)).map(|&c| (line, c));
            }
        }
        // Lines start at 1; after the last record the reader stands on the line after the last newline. A
        // quote never closed took the rest of the input into the last record.
        part.lines = reader.position().line() - 1;
        let scan = reader.get_ref();
        (part.spanned, part.unclosed) = (scan.spanned, scan.unclosed().map(|_| last_line));
        Ok(part)
    }

    /// A quoted field running over lines that hold what look like rows with phone numbers: a quote that was
    /// not closed where it should have been, taking the rows after it into one field.
    fn swallowed_rows(&self, record: &csv::ByteRecord, delimiter: u8) -> Option<String> {
        for field in record.iter().filter(|f| f.contains(&b'\n')) {
            let lines = field.split(|&b| b == b'\n').count();
            let later = field.split(|&b| b == b'\n').skip(1);
            let looks_like_row = later
                .clone()
                .any(|l| l.split(|&b| b == delimiter).any(|cell| columns::reads_as_number(&self.normalizer, cell)));
            if looks_like_row {
                return Some(format!(
                    "a quoted field that starts on this row runs over {lines} lines that look like rows with phone numbers: a quote is not closed"
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt as _, SeedableRng};

    /// A random one-column input: numbers written many ways, blanks, comments, text, carriage returns; now
    /// and then (when `odd`) a quoted field or a delimiter.
    fn input(rng: &mut rand_chacha::ChaCha8Rng, lines: usize, odd: bool) -> Vec<u8> {
        let mut text = Vec::new();
        for _ in 0..lines {
            let line: String = match rng.random_range(0..20) {
                0 => String::new(),
                1 => "   ".into(),
                2 => "# a comment".into(),
                3 => "n/a".into(),
                4 => format!(" +420 {} ", rng.random_range(200_000_000u64..999_999_999)),
                5 => format!("{}\r", rng.random_range(600_000_000u64..799_999_999)),
                6 => format!("00420{}", rng.random_range(100_000_000u64..999_999_999)),
                7 => format!("+49{}", rng.random_range(10_000_000u64..999_999_999)),
                8 if odd && rng.random_range(0..50) == 0 => {
                    format!("\"{}\"", rng.random_range(600_000_000u64..799_999_999))
                }
                9 if odd && rng.random_range(0..50) == 0 => {
                    format!("{},", rng.random_range(600_000_000u64..799_999_999))
                }
                10 => format!("{}", rng.random_range(0u64..99_999)),
                _ => format!("{}", rng.random_range(600_000_000u64..799_999_999)),
            };
            text.extend_from_slice(line.as_bytes());
            if rng.random_range(0..1000) > 0 {
                text.push(b'\n');
            }
        }
        text
    }

    /// Every row kept names its own line — the text on that line is the row's value, by an independent count
    /// of lines — whatever comes before it: blank lines, lines of spaces, comments, quoted fields, rows with a
    /// delimiter; lines ending in `\n` or a bare `\r`; with a header or not, strict or not; in inputs of one
    /// block or many. (Before, a row after blank or comment lines was named by the first of them, and every
    /// row of a bare-`\r` input by line 1.)
    #[test]
    fn every_row_kept_names_its_own_line() {
        let plan = crate::plan::Plan::embedded("cz").unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut checked = 0;
        for round in 0..48 {
            let lines = if round % 8 == 0 { 200_000 } else { rng.random_range(0..400) };
            let mut text = input(&mut rng, lines, round % 3 == 0);
            let cr_only = round % 7 == 6;
            if cr_only {
                text.retain(|&b| b != b'\r');
                text.iter_mut().filter(|b| **b == b'\n').for_each(|b| *b = b'\r');
            }
            let shape = InputShape { cr_only, ..InputShape::default() };
            let options = InputOptions { strict: round % 5 == 4, ..InputOptions::for_plan(&plan) };
            let mut keys = Vec::new();
            let part = options.read_part("x", text.as_slice(), &shape, round % 2 == 1, &mut keys).unwrap();
            let own: Vec<&[u8]> = text.split(|&b| b == if cr_only { b'\r' } else { b'\n' }).collect();
            for r in part.read.rejects.iter().chain(&part.read.outside) {
                let at = String::from_utf8_lossy(own[r.line as usize - 1].trim_ascii());
                assert!(at.contains(r.field.trim()), "round {round}: line {} holds {at:?}, not {:?}", r.line, r.field);
                checked += 1;
            }
            if let Some((Some(line), message)) = &part.failure {
                let at = String::from_utf8_lossy(own[*line as usize - 1].trim_ascii()).into_owned();
                assert!(
                    message.contains(at.trim_matches('"')) || at.contains(','),
                    "round {round}: {message} at {at:?}"
                );
            }
        }
        assert!(checked > 1000, "rows were checked: {checked}");
    }
}
