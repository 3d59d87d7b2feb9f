//! Reading phone numbers from CSV files in real-world shapes: with or without a header, quoted fields, extra
//! columns, any written format the [`Normalizer`] accepts. Rows that are not a number are counted and the
//! first few kept with their line; in strict mode the first one is an error naming the file and line.

use std::io::{Read, Seek, SeekFrom};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::normalize::Normalizer;
use crate::number::PhoneNumber;

/// Header names recognised as the number column (compared case-insensitively).
const NUMBER_HEADERS: &[&str] =
    &["number", "phone", "phone_number", "phonenumber", "telephone", "tel", "mobile", "msisdn", "e164", "telefon"];

/// How many rejected rows are kept for the report.
pub const REJECTS_KEPT: usize = 5;

/// Which column of an input holds the numbers.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Column {
    /// A header name from a known list, else the first field of the first row that reads as a number.
    #[default]
    Auto,
    /// 0-based column index (written 1-based on the command line).
    Index(usize),
    /// A header name (case-insensitive).
    Name(String),
}

impl FromStr for Column {
    type Err = String;
    /// `3` (1-based index) or a header name.
    fn from_str(s: &str) -> std::result::Result<Column, String> {
        match s.trim().parse::<usize>() {
            Ok(0) => Err("column numbers start at 1".into()),
            Ok(i) => Ok(Column::Index(i - 1)),
            Err(_) if s.trim().is_empty() => Err("empty column name".into()),
            Err(_) => Ok(Column::Name(s.trim().to_string())),
        }
    }
}

/// How inputs are read.
#[derive(Clone, Debug)]
pub struct InputOptions {
    /// Normalises the written numbers (default country code, national prefix).
    pub normalizer: Normalizer,
    /// The number column.
    pub column: Column,
    /// Fail on the first row that is not a number.
    pub strict: bool,
}

/// What one input held. Serialised into filter files as their provenance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SourceStats {
    /// File name as given (`-` for stdin).
    pub name: String,
    /// Data rows read (header and comments not counted).
    pub rows: u64,
    /// Rows that held a number.
    pub numbers: u64,
    /// Rows that did not.
    pub rejected: u64,
}

/// A row that is not a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based line in the file.
    pub line: u64,
    /// The field as written.
    pub field: String,
    /// Why it is not a number.
    pub reason: &'static str,
}

/// The numbers of one input.
#[derive(Clone, Debug, Default)]
pub struct NumbersRead {
    /// E.164 keys ([`PhoneNumber::key`]) in file order, duplicates kept.
    pub keys: Vec<u64>,
    /// Counts.
    pub stats: SourceStats,
    /// The first rejected rows.
    pub rejects: Vec<Rejected>,
}

/// How [`InputOptions::read_part`] treats the column.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// A whole input: the column is found on its first record.
    Whole,
    /// Only find the column, on the first record, and stop.
    Detect,
    /// A piece of an input whose column is known; `header`: its first record is the header, skipped.
    Known { column: usize, header: bool },
}

/// What [`InputOptions::read_part`] read.
#[derive(Debug)]
struct Part {
    read: NumbersRead,
    /// With [`Mode::Detect`]: the column, and whether the first record is a header.
    column: Option<(usize, bool)>,
    /// Newlines read.
    lines: u64,
    /// The line and message of the row that stopped the reading.
    failure: Option<(Option<u64>, String)>,
}

/// Passes bytes through and notes whether a line holds an odd number of quotes: then a quoted field may span
/// lines, and a cut after a newline may fall inside it.
struct QuoteCheck<'a, R> {
    inner: R,
    odd: &'a std::cell::Cell<bool>,
    /// An odd number of quotes so far on the current line.
    open: bool,
}

impl<R: Read> Read for QuoteCheck<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let bytes = &buf[..n];
        if self.open || bytes.contains(&b'"') {
            for &b in bytes {
                match b {
                    b'"' => self.open = !self.open,
                    b'\n' if self.open => self.odd.set(true),
                    _ => {}
                }
            }
        }
        if n == 0 && self.open {
            self.odd.set(true);
        }
        Ok(n)
    }
}

impl InputOptions {
    /// Lenient reading of the number column found automatically, normalised for `plan`'s country.
    pub fn for_plan(plan: &crate::plan::Plan) -> InputOptions {
        InputOptions { normalizer: Normalizer::for_plan(plan), column: Column::Auto, strict: false }
    }

    fn plausible(&self, n: &PhoneNumber) -> bool {
        n.country_code != self.normalizer.country_code() || self.normalizer.is_plan_length(n.length)
    }

    /// Reads a file, or stdin for `-`.
    pub fn read_path(&self, path: &str) -> Result<NumbersRead> {
        if path == "-" {
            self.read("-", std::io::stdin().lock())
        } else {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            self.read(path, std::io::BufReader::with_capacity(1 << 20, file))
        }
    }

    /// Reads CSV from `input`; `name` is used in errors.
    pub fn read(&self, name: &str, input: impl Read) -> Result<NumbersRead> {
        let part = self.read_part(name, input, Mode::Whole)?;
        match part.failure {
            Some((line, message)) => Err(Error::input(name, line, message)),
            None => Ok(part.read),
        }
    }

    /// Reads a file in up to `parts` pieces on as many threads, with the result of
    /// [`InputOptions::read_path`]: keys in file order, the counts, the first rejected rows with their lines,
    /// the first error. A file is cut only just after a newline, which ends a record unless a quoted field
    /// spans lines; a line with an odd number of quotes (where such a field starts or ends) makes the whole
    /// file be read again on one thread. Standard input and files under 8 MiB are read on one thread.
    pub fn read_path_parallel(&self, path: &str, parts: usize) -> Result<NumbersRead> {
        const MIN_SPLIT: u64 = 8 << 20;
        if path == "-" || parts < 2 {
            return self.read_path(path);
        }
        let size = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
        if size < MIN_SPLIT {
            return self.read_path(path);
        }
        let open = || std::fs::File::open(path).map_err(|e| Error::io(path, e));
        let open_at = |at: u64| {
            let mut file = open()?;
            file.seek(SeekFrom::Start(at)).map_err(|e| Error::io(path, e))?;
            Ok::<_, Error>(std::io::BufReader::with_capacity(1 << 20, file))
        };
        // Cut points: just after the first newline at or after each equal share of the bytes.
        let mut cuts = vec![0u64];
        for i in 1..parts as u64 {
            let at = size * i / parts as u64;
            let mut window = Vec::with_capacity(1 << 16);
            open_at(at)?.take(1 << 16).read_to_end(&mut window).map_err(|e| Error::io(path, e))?;
            if let Some(newline) = window.iter().position(|&b| b == b'\n') {
                let cut = at + newline as u64 + 1;
                if cut > *cuts.last().expect("starts at 0") && cut < size {
                    cuts.push(cut);
                }
            }
        }
        cuts.push(size);
        // The number column, from the file's first record, so that every piece reads the same column; when it
        // cannot be told, the one-thread reading reports why.
        let Ok(Part { column: Some((column, header)), .. }) = self.read_part(path, open_at(0)?, Mode::Detect) else {
            return self.read_path(path);
        };
        let pieces: Vec<Result<(Part, bool)>> = std::thread::scope(|s| {
            let handles: Vec<_> = cuts
                .windows(2)
                .enumerate()
                .map(|(i, w)| {
                    let (from, to) = (w[0], w[1]);
                    let mode = Mode::Known { column, header: header && i == 0 };
                    s.spawn(move || -> Result<(Part, bool)> {
                        let odd = std::cell::Cell::new(false);
                        let input = QuoteCheck { inner: open_at(from)?.take(to - from), odd: &odd, open: false };
                        let part = self.read_part(path, input, mode)?;
                        Ok((part, odd.get()))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("input reader thread")).collect()
        });
        let mut out =
            NumbersRead { stats: SourceStats { name: path.to_string(), ..Default::default() }, ..Default::default() };
        let mut lines = 0;
        for piece in pieces {
            let (mut part, odd_quotes) = piece?;
            if odd_quotes {
                return self.read_path(path);
            }
            if let Some((line, message)) = part.failure {
                return Err(Error::input(path, line.map(|l| l + lines), message));
            }
            out.keys.append(&mut part.read.keys);
            out.stats.rows += part.read.stats.rows;
            out.stats.numbers += part.read.stats.numbers;
            out.stats.rejected += part.read.stats.rejected;
            for mut r in part.read.rejects {
                if out.rejects.len() < REJECTS_KEPT {
                    r.line += lines;
                    out.rejects.push(r);
                }
            }
            lines += part.lines;
        }
        Ok(out)
    }

    /// Reads records from `input` (lines counted from 1 within it). A row that stops the reading (invalid
    /// CSV, or not a number in strict mode) is returned as the part's failure, with its line, so that the
    /// pieces of a file can shift it; an error of the column detection is returned as the error.
    fn read_part(&self, name: &str, input: impl Read, mode: Mode) -> Result<Part> {
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).comment(Some(b'#')).from_reader(input);
        let mut part = Part {
            read: NumbersRead {
                stats: SourceStats { name: name.to_string(), ..Default::default() },
                ..Default::default()
            },
            column: None,
            lines: 0,
            failure: None,
        };
        let out = &mut part.read;
        let mut record = csv::ByteRecord::new();
        let (mut column, mut skip_header) = match mode {
            Mode::Known { column, header } => (Some(column), header),
            Mode::Whole | Mode::Detect => (None, false),
        };
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
            // Fields are trimmed here rather than by the csv reader, whose trimming allocates a new record per row.
            if record.len() == 1 && record[0].trim_ascii().is_empty() {
                continue;
            }
            let col = match column {
                Some(_) if skip_header => {
                    skip_header = false;
                    continue;
                }
                Some(c) => c,
                None => {
                    let (c, is_header) = self.detect(name, line, &record)?;
                    column = Some(c);
                    if let Mode::Detect = mode {
                        part.column = Some((c, is_header));
                        return Ok(part);
                    }
                    if is_header {
                        continue;
                    }
                    c
                }
            };
            out.stats.rows += 1;
            let field = record.get(col).unwrap_or(b"").trim_ascii();
            let parsed = if record.get(col).is_none() {
                Err("missing column")
            } else if field.is_empty() {
                Err("empty")
            } else {
                self.normalizer.parse_bytes(field)
            };
            match parsed {
                Ok(n) => {
                    out.stats.numbers += 1;
                    out.keys.push(n.key());
                }
                Err(reason) => {
                    let field = String::from_utf8_lossy(field).into_owned();
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
        // Lines start at 1; after the last record the reader stands on the line after the last newline.
        part.lines = reader.position().line() - 1;
        Ok(part)
    }

    /// Decides the number column from the first row, and whether that row is a header.
    fn detect(&self, name: &str, line: u64, first: &csv::ByteRecord) -> Result<(usize, bool)> {
        let text = |i: usize| String::from_utf8_lossy(first[i].trim_ascii()).to_ascii_lowercase();
        let fields: Vec<String> = (0..first.len()).map(text).collect();
        match &self.column {
            Column::Name(want) => {
                fields.iter().position(|f| f.eq_ignore_ascii_case(want)).map(|i| (i, true)).ok_or_else(|| {
                    Error::input(
                        name,
                        Some(line),
                        format!("no column named '{want}' in the header '{}'", fields.join(",")),
                    )
                })
            }
            Column::Index(i) => {
                let is_number = first.get(*i).is_some_and(|f| self.normalizer.parse_bytes(f.trim_ascii()).is_ok());
                Ok((*i, !is_number))
            }
            Column::Auto => {
                if let Some(i) = fields.iter().position(|f| NUMBER_HEADERS.contains(&f.as_str())) {
                    return Ok((i, true));
                }
                let parses = |i: usize| self.normalizer.parse_bytes(first[i].trim_ascii()).ok();
                if let Some(i) = (0..first.len()).find(|&i| parses(i).is_some_and(|n| self.plausible(&n))) {
                    return Ok((i, false));
                }
                if let Some(i) = (0..first.len()).find(|&i| parses(i).is_some()) {
                    return Ok((i, false));
                }
                Err(Error::input(
                    name,
                    Some(line),
                    format!(
                        "cannot tell which column holds the numbers (first row '{}'); name it with --column",
                        fields.join(",")
                    ),
                ))
            }
        }
    }
}
