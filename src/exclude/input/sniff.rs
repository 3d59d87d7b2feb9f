//! The delimiter of an input, told from a sample of its first rows; and a scan of the bytes as they are read
//! that knows where quoted fields open and close, so a quote that is never closed is found (the csv reader
//! would silently read the rest of the file as one field).

use std::io::Read;

use crate::foundation::error::{Error, Message, Param, message};

/// Delimiters tried when none is given, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A delimiter as written in messages.
pub(super) fn show(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".into(),
        b' ' => "space".into(),
        d => format!("'{}'", char::from(d)),
    }
}

/// How a candidate delimiter splits the sampled records.
struct Split {
    delimiter: u8,
    /// The most common field count, and how many records have it.
    width: usize,
    consistent: usize,
    records: usize,
    /// Fields that read as phone numbers.
    numbers: usize,
}

/// Records of `sample` split by `delimiter` (blank lines and `#` comments skipped), up to `limit`.
pub(super) fn records(sample: &[u8], delimiter: u8, limit: usize) -> Vec<csv::ByteRecord> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .delimiter(delimiter)
        .from_reader(sample);
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    while out.len() < limit {
        match reader.read_byte_record(&mut record) {
            Ok(true) if record.len() == 1 && record[0].trim_ascii().is_empty() => {}
            Ok(true) => out.push(record.clone()),
            _ => break,
        }
    }
    out
}

/// The delimiter that splits the sampled rows into the same number (two or more) of fields, preferring the
/// one whose fields read as phone numbers more often, then the one giving more fields; `Err` names the
/// delimiters that cannot be told apart. A sample no delimiter splits is one column (read with `,`).
pub(super) fn delimiter(sample: &[u8], is_number: &dyn Fn(&[u8]) -> bool) -> Result<(u8, String), Message> {
    let mut splits = Vec::new();
    for delimiter in DELIMITERS {
        let records = records(sample, delimiter, 500);
        let mut widths = std::collections::BTreeMap::<usize, usize>::new();
        for r in &records {
            *widths.entry(r.len()).or_default() += 1;
        }
        let Some((&width, &consistent)) = widths.iter().max_by_key(|(w, n)| (**n, **w)) else {
            continue;
        };
        let numbers = records.iter().flat_map(|r| r.iter()).filter(|f| is_number(f.trim_ascii())).count();
        splits.push(Split { delimiter, width, consistent, records: records.len(), numbers });
    }
    // Nine in ten sampled rows have the same width (a few broken rows are reported when they are read).
    splits.retain(|s| s.width >= 2 && s.consistent * 10 >= s.records * 9);
    splits.sort_by_key(|s| std::cmp::Reverse((s.numbers, s.width)));
    match splits.as_slice() {
        [] => Ok((b',', "one column: no delimiter splits the rows".into())),
        [best, rest @ ..] => {
            let ties: Vec<&Split> =
                rest.iter().filter(|s| (s.numbers, s.width) == (best.numbers, best.width)).collect();
            if !ties.is_empty() {
                let names: Vec<String> =
                    std::iter::once(best).chain(ties).map(|s| show(s.delimiter)).collect::<Vec<_>>();
                return Err(message![
                    format!(
                        "cannot tell the delimiter: {} each split the first rows into {} fields; set ",
                        names.join(" and "),
                        best.width
                    ),
                    Param::Delimiter
                ]);
            }
            Ok((
                best.delimiter,
                format!("detected: {} fields in {} of {} sampled rows", best.width, best.consistent, best.records),
            ))
        }
    }
}

/// Passes bytes through, following quoted fields as the csv reader does (a quote opens a field only at its
/// start; `""` inside one is a quote; `#` at the start of a record is a comment): notes whether a quoted
/// field holds a line break, and whether the input ends inside one.
pub(super) struct QuoteScan<R> {
    inner: R,
    delimiter: u8,
    /// Bytes read.
    pub(super) read: u64,
    /// The last byte read, quoted or not (`\n` before any).
    pub(super) end: u8,
    /// Inside a quoted field; `quote`: its last byte was a quote (closing, or the first of `""`).
    quoted: bool,
    quote: bool,
    /// Offset of the quote that opened the current quoted field.
    pub(super) opened: u64,
    /// The last byte outside quotes, and whether the current line is a comment.
    last: u8,
    comment: bool,
    /// A quoted field held a line break.
    pub(super) spanned: bool,
}

impl<R> QuoteScan<R> {
    pub(super) fn new(inner: R, delimiter: u8) -> QuoteScan<R> {
        QuoteScan {
            inner,
            delimiter,
            read: 0,
            end: b'\n',
            quoted: false,
            quote: false,
            opened: 0,
            last: b'\n',
            comment: false,
            spanned: false,
        }
    }

    /// The offset of the quote of a quoted field that the input ended inside.
    pub(super) fn unclosed(&self) -> Option<u64> {
        (self.quoted && !self.quote).then_some(self.opened)
    }

    fn scan(&mut self, bytes: &[u8]) {
        if let Some(&b) = bytes.last() {
            self.end = b;
        }
        if !self.quoted && !bytes.contains(&b'"') {
            // The common case: no quotes; only the state at the end matters.
            self.read += bytes.len() as u64;
            if let Some(&b) = bytes.last() {
                match bytes.iter().rposition(|&b| b == b'\n' || b == b'\r') {
                    Some(end) => self.comment = bytes.get(end + 1) == Some(&b'#'),
                    None => self.comment |= self.last == b'\n' && bytes[0] == b'#',
                }
                self.last = b;
            }
            return;
        }
        for (i, &b) in bytes.iter().enumerate() {
            if self.quoted {
                if self.quote {
                    self.quote = false;
                    if b == b'"' {
                        continue;
                    }
                    self.quoted = false;
                } else {
                    if b == b'"' {
                        self.quote = true;
                    } else if b == b'\n' {
                        self.spanned = true;
                    }
                    continue;
                }
            }
            let record_start = matches!(self.last, b'\n' | b'\r');
            match b {
                b'\n' | b'\r' => self.comment = false,
                b'#' if record_start => self.comment = true,
                b'"' if !self.comment && (record_start || self.last == self.delimiter) => {
                    self.quoted = true;
                    self.opened = self.read + i as u64;
                }
                _ => {}
            }
            self.last = b;
        }
        self.read += bytes.len() as u64;
    }
}

impl<R: Read> Read for QuoteScan<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.scan(&buf[..n]);
        Ok(n)
    }
}

/// Reads on from `input` past the end of the line a full sample `sample` stops inside (appending what it
/// reads), so that the shape is decided on whole lines: a line longer than the sample would otherwise leave the
/// sample without it ("a header and no rows"), or be its only, cut, row. Returns whether the input goes on; a
/// line of more than [`MAX_LINE_BYTES`] is refused with its line, as the reading would refuse it.
///
/// [`MAX_LINE_BYTES`]: crate::foundation::open::MAX_LINE_BYTES
pub(super) fn finish_line(
    name: &str,
    input: &mut impl Read,
    sample: &mut Vec<u8>,
) -> crate::foundation::error::Result<bool> {
    use crate::foundation::open::{LongLine, MAX_LINE_BYTES};
    let ends = |b: &u8| *b == b'\n' || *b == b'\r';
    let start = sample.iter().rposition(ends).map_or(0, |at| at + 1);
    let mut chunk = vec![0u8; 1 << 16];
    let mut end_found = start == sample.len();
    while !end_found {
        if (sample.len() - start) as u64 > MAX_LINE_BYTES {
            // Lines counted by newlines, or by carriage returns in a file that has no newline (old Mac).
            let before = &sample[..start];
            let newlines = before.iter().filter(|&&b| b == b'\n').count();
            let lines = if newlines > 0 { newlines } else { before.iter().filter(|&&b| b == b'\r').count() };
            let line = lines as u64 + 1;
            return Err(Error::input(name, Some(line), LongLine { line }.to_string()));
        }
        let n = input.read(&mut chunk).map_err(|e| Error::input(name, None, format!("reading failed: {e}")))?;
        if n == 0 {
            return Ok(false);
        }
        end_found = chunk[..n].iter().any(ends);
        sample.extend_from_slice(&chunk[..n]);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> QuoteScan<&[u8]> {
        let mut s = QuoteScan::new(text.as_bytes(), b',');
        std::io::copy(&mut s, &mut std::io::sink()).unwrap();
        s
    }

    #[test]
    fn only_a_quote_at_a_field_start_opens_a_field() {
        assert_eq!(scan("a,\"Novák, Jan\nb,601123456\n").unclosed(), Some(2));
        assert_eq!(scan("x\ny\na,\"b\"\"c\",d\n").unclosed(), None);
        assert_eq!(scan("a,5\" disk,601123456\n").unclosed(), None, "a quote inside a field is a character");
        assert_eq!(scan("# it's a \"comment\n,\"x\"\n").unclosed(), None);
        assert_eq!(scan("a\n# a,\"b\nc\n").unclosed(), None, "a comment line opens nothing");
        let s = scan("a,\"two\nlines\",b\nc,d");
        assert!(s.spanned && s.unclosed().is_none());
        assert_eq!(scan("1\n2\n3,\"x").unclosed(), Some(6));
        assert_eq!(scan("1\n2\n3,\"x\"\"\"\n4,\"y").unclosed(), Some(14), "offsets count across quoted fields");
        assert_eq!(scan("3,\"x\"\"\n4,y").unclosed(), Some(2), "a doubled quote does not close the field");
    }

    #[test]
    fn semicolons_are_told_from_commas_inside_names() {
        let is_number = |f: &[u8]| f.len() >= 9 && f.iter().all(u8::is_ascii_digit);
        let text = "Novák, Jan;601123456\nSvoboda, Petr;602123456\n";
        assert_eq!(delimiter(text.as_bytes(), &is_number).unwrap().0, b';');
        let tabs = "a\tb\n1\t601123456\n";
        assert_eq!(delimiter(tabs.as_bytes(), &is_number).unwrap().0, b'\t');
        assert_eq!(delimiter(b"601123456\n602123456\n", &is_number).unwrap().0, b',');
        let err = delimiter(b"a,b;c\nd,e;f\n", &is_number).unwrap_err();
        assert!(err.to_string().contains("',' and ';'"), "{err}");
        assert_eq!(err.params().collect::<Vec<_>>(), [Param::Delimiter], "the advice names the delimiter option");
    }
}
