//! Line ends and MySQL's delimited text: what lets `read` take a VICIdial export as MySQL and VICIdial write
//! it (tab or comma, backslash escapes, `\N`, CRLF) and still name each row's own line.

use std::io::{BufRead, Read};

use crate::foundation::error::{Error, Result};

/// Line ends as `\n`: CRLF becomes LF and a lone CR becomes LF, so that line numbers count every line end
/// (the csv reader counts only LF, and counts a CRLF file's lines one low).
pub(super) struct LineEnds<R> {
    inner: R,
    after_cr: bool,
}

impl<R> LineEnds<R> {
    pub(super) fn new(inner: R) -> LineEnds<R> {
        LineEnds { inner, after_cr: false }
    }
}

impl<R: BufRead> Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while written == 0 && !buf.is_empty() {
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                break;
            }
            let mut used = 0;
            for &b in available {
                if written == buf.len() {
                    break;
                }
                used += 1;
                match b {
                    b'\r' => {
                        buf[written] = b'\n';
                        written += 1;
                        self.after_cr = true;
                    }
                    b'\n' if self.after_cr => self.after_cr = false,
                    _ => {
                        buf[written] = b;
                        written += 1;
                        self.after_cr = false;
                    }
                }
            }
            self.inner.consume(used);
        }
        Ok(written)
    }
}

/// Rows of a delimited file without quoting (MySQL's tab output and `INTO OUTFILE`, VICIdial's report),
/// read line by line with the line each starts on. With `escapes`, a backslash escapes the next byte
/// (`\t`, `\n`, `\\`, `\0`, or a literal delimiter or line end) and `\N` alone is NULL, kept as `\N`; a comma
/// file's fields may be enclosed in `"` (`OPTIONALLY ENCLOSED BY`).
pub(super) struct Delimited<R> {
    input: R,
    delimiter: u8,
    escapes: bool,
    line: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> Delimited<R> {
    /// Reads `input` split at `delimiter`, unescaping when `escapes`.
    pub(super) fn new(input: R, delimiter: u8, escapes: bool) -> Delimited<R> {
        Delimited { input, delimiter, escapes, line: 0, buf: Vec::new() }
    }

    /// The next row that is not blank into `cells`, and the line it starts on (`None` at the end).
    pub(super) fn next(&mut self, name: &str, cells: &mut Vec<String>) -> Result<Option<u64>> {
        loop {
            self.buf.clear();
            let start = self.line + 1;
            loop {
                let n = self
                    .input
                    .read_until(b'\n', &mut self.buf)
                    .map_err(|e| Error::input(name, Some(self.line + 1), e.to_string()))?;
                if n == 0 {
                    break;
                }
                self.line += 1;
                if !(self.escapes && ends_escaped(&self.buf)) {
                    break;
                }
            }
            if self.buf.is_empty() {
                return Ok(None);
            }
            if self.buf.last() == Some(&b'\n') && !(self.escapes && ends_escaped(&self.buf)) {
                self.buf.pop();
            }
            if self.buf.is_empty() {
                continue;
            }
            *cells = split_fields(name, start, &self.buf, self.delimiter, self.escapes)?;
            return Ok(Some(start));
        }
    }
}

/// The fields of one row (`line` without its line end), unescaped when `escapes`.
pub(super) fn split_fields(name: &str, at: u64, line: &[u8], delimiter: u8, escapes: bool) -> Result<Vec<String>> {
    let mut cells = Vec::new();
    let mut field = Vec::new();
    let (mut i, mut quoted) = (0, false);
    let enclosing = escapes && delimiter == b',';
    while i < line.len() {
        let b = line[i];
        i += 1;
        if escapes && b == b'\\' {
            match line.get(i) {
                None => field.push(b'\\'),
                Some(&e) => {
                    i += 1;
                    match e {
                        b'0' => field.push(0),
                        b'b' => field.push(8),
                        b'n' => field.push(b'\n'),
                        b'r' => field.push(b'\r'),
                        b't' => field.push(b'\t'),
                        b'Z' => field.push(26),
                        b'N' => field.extend_from_slice(b"\\N"),
                        other => field.push(other),
                    }
                }
            }
        } else if enclosing && b == b'"' && (quoted || field.is_empty()) {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            cells.push(text_of(name, at, std::mem::take(&mut field))?);
        } else {
            field.push(b);
        }
    }
    cells.push(text_of(name, at, field)?);
    Ok(cells)
}

/// Whether `line` ends with a backslash-escaped line end (an odd run of backslashes before its `\n`).
pub(super) fn ends_escaped(line: &[u8]) -> bool {
    line.last() == Some(&b'\n') && line[..line.len() - 1].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 1
}

fn text_of(name: &str, line: u64, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| Error::input(name, Some(line), "not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_end_becomes_one_lf_whatever_the_read_sizes() {
        let text = b"a\r\nb\rc\nd\r\r\ne\r\n\r\nf\r";
        let want = b"a\nb\nc\nd\n\ne\n\nf\n".to_vec();
        for capacity in [1, 2, 3, 7, 64] {
            let mut out = Vec::new();
            let mut ends = LineEnds::new(std::io::BufReader::with_capacity(capacity, &text[..]));
            let mut buf = vec![0; capacity];
            loop {
                let n = ends.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n]);
            }
            assert_eq!(out, want, "capacity {capacity}");
        }
    }

    #[test]
    fn an_escaped_line_end_continues_the_row_and_counts_its_line() {
        let text = b"a\tb\\\nc\td\n\nx\ty\n";
        let mut rows = Delimited::new(&text[..], b'\t', true);
        let mut cells = Vec::new();
        assert_eq!(rows.next("f", &mut cells).unwrap(), Some(1));
        assert_eq!(cells, ["a", "b\nc", "d"]);
        assert_eq!(rows.next("f", &mut cells).unwrap(), Some(4));
        assert_eq!(cells, ["x", "y"]);
        assert_eq!(rows.next("f", &mut cells).unwrap(), None);
    }
}
