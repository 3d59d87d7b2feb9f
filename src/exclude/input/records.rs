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

use crate::foundation::open::LineLimit;

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
        mut header: bool,
        keys: &mut impl KeySink,
    ) -> Result<Part> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .delimiter(shape.delimiter)
            .terminator(if shape.cr_only { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .from_reader(sniff::QuoteScan::new(LineLimit::new(input), shape.delimiter));
        let mut part = Part {
            read: NumbersRead {
                stats: SourceStats { name: name.to_string(), ..Default::default() },
                ..Default::default()
            },
            lines: 0,
            failure: None,
            spanned: false,
            unclosed: None,
            late: None,
        };
        let out = &mut part.read;
        let (check_plan, own) = (self.normalizer.knows_plan(), self.normalizer.country_code());
        let mut record = csv::ByteRecord::new();
        let mut last_line = 1;
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    let message = match e.kind() {
                        csv::ErrorKind::Io(io) => format!("reading failed: {io}"),
                        _ => format!("not valid CSV: {e}"),
                    };
                    part.failure = Some((line, message));
                    return Ok(part);
                }
            }
            let line = record.position().map_or(0, |p| p.line());
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
                match self.normalizer.parse_bytes(field) {
                    Ok(n) => {
                        out.stats.numbers += 1;
                        keys.push(n.key());
                        if check_plan && n.country_code == own && !self.normalizer.in_plan(&n) {
                            // Kept: excluding more is safe. Counted: a file of another country's numbers
                            // read as this one's would exclude nothing it should.
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
                            part.failure = Some((Some(line), format!("'{field}' is not a phone number: {reason}")));
                            return Ok(part);
                        }
                        out.stats.rejected += 1;
                        if out.rejects.len() < REJECTS_KEPT {
                            out.rejects.push(Rejected { line, field, reason });
                        }
                    }
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
