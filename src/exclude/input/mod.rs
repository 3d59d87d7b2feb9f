//! Reading phone numbers from known databases: CSV exports in the shapes real systems write — any of the
//! delimiters `,` `;` tab `|`, UTF-8 (with or without a byte-order mark), UTF-16 with a mark, Windows-1250 and
//! -1252, with or without a header, numbers in one column or several, written in any format the
//! [`Normalizer`] accepts.
//!
//! How an input is read (encoding, delimiter, header, columns) is decided once, from a sample of its first
//! rows, and never by a silent guess: what cannot be told is an error that says what to set. A malformed file
//! (a quote never closed, a row wider than the others) is an error with its file and line; so is an input with
//! no numbers, or one where more than a small share of the values are not numbers. What was decided and why
//! is returned with the numbers ([`InputShape`]); this module never prints.

mod columns;
mod country;
mod encoding;
mod records;
mod sink;
pub use shape::InputShape;
pub(crate) use sink::{InOrder, KeySink, KeyStore};
mod shape;
mod sniff;

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

pub use columns::NUMBER_SHARE;
pub use encoding::TextEncoding;
pub use sniff::DELIMITERS;

use crate::exclude::normalize::Normalizer;
use crate::foundation::error::{Error, Param, Result, message};
use crate::foundation::text::counted;

/// How many rejected rows are kept for the report.
pub const REJECTS_KEPT: usize = 5;

/// How many numbers outside the plan are kept, for the report and for telling which country they are of.
pub const OUTSIDE_KEPT: usize = 200;

/// The largest share of an input's numbers (of the country it is read for) that may lie outside that
/// country's plan: more, and the input is most likely another country's numbers written without their code.
pub const MAX_OUTSIDE_PLAN: f64 = 0.5;

/// The largest share of rejected values an input may have by default (1 %).
pub const MAX_REJECTED: f64 = 0.01;

/// How many bytes from the start of an input the encoding, delimiter, header and columns are decided on.
pub const SAMPLE_BYTES: usize = 1 << 20;

/// How many rows of that sample are looked at.
pub const SAMPLE_ROWS: usize = 2000;

/// A column that holds numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
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

/// Whether the first row of an input is a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum HeaderRow {
    /// Told from the first row: a header holds names and no phone number (always when columns are named).
    #[default]
    Auto,
    /// The first row is a header.
    Yes,
    /// The first row is data.
    No,
}

impl FromStr for HeaderRow {
    type Err = String;
    /// `yes`, `no` or `auto`.
    fn from_str(s: &str) -> std::result::Result<HeaderRow, String> {
        match s.trim().to_lowercase().as_str() {
            "auto" => Ok(HeaderRow::Auto),
            "yes" | "true" | "1" => Ok(HeaderRow::Yes),
            "no" | "false" | "0" => Ok(HeaderRow::No),
            other => Err(format!("'{other}' is not one of yes, no, auto")),
        }
    }
}

/// A delimiter from its name: one ASCII character, or `tab`, `comma`, `semicolon`, `pipe`, `\t`.
pub fn parse_delimiter(s: &str) -> std::result::Result<u8, String> {
    match s {
        "\t" | "\\t" | "tab" | "TAB" => Ok(b'\t'),
        "comma" => Ok(b','),
        "semicolon" => Ok(b';'),
        "pipe" => Ok(b'|'),
        _ if s.len() == 1 && s.is_ascii() && !s.as_bytes()[0].is_ascii_alphanumeric() && s != "\"" => {
            Ok(s.as_bytes()[0])
        }
        _ => Err(format!("'{s}' is not a delimiter (one character such as , ; | or the word tab)")),
    }
}

/// How inputs are read. Every setting left open (`None`, empty, [`HeaderRow::Auto`]) is decided per input
/// from its first rows.
#[derive(Clone, Debug)]
pub struct InputOptions {
    /// Normalises the written numbers (default country code, national prefix) and knows the plan's numbers.
    pub normalizer: Normalizer,
    /// The columns holding numbers; every number in any of them is read. Empty: the one column whose values
    /// read as phone numbers.
    pub columns: Vec<Column>,
    /// The field delimiter; `None`: detected among [`DELIMITERS`].
    pub delimiter: Option<u8>,
    /// The text encoding; `None`: detected.
    pub encoding: Option<TextEncoding>,
    /// Whether the first row is a header.
    pub header: HeaderRow,
    /// Fail on the first value that is not a number.
    pub strict: bool,
    /// The largest share (0 to 1) of non-empty values that may be rejected as not numbers; more is an error.
    pub max_rejected: f64,
    /// The largest share (0 to 1) of the numbers of the country read for that may lie outside its plan
    /// ([`MAX_OUTSIDE_PLAN`]); more is an error naming the country they are likely of. 1 allows any.
    pub max_outside_plan: f64,
    /// Whether the reader can be told which country's numbers the input holds ([`Param::Country`]): the
    /// error on another country's numbers then advises it. A scenario's files are read for its plan's
    /// country, with no such option.
    ///
    /// [`Param::Country`]: crate::Param::Country
    pub country_option: bool,
}

/// What one input held. Serialised into filter files as their provenance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SourceStats {
    /// File name as given (`-` for stdin).
    pub name: String,
    /// Data rows read (header and comments not counted).
    pub rows: u64,
    /// Values that are numbers (a row may hold several, one per column read).
    pub numbers: u64,
    /// Values that are not.
    pub rejected: u64,
}

/// A value that is not a number.
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
    /// E.164 keys ([`crate::PhoneNumber::key`]) in file order (within a row, in the order of the columns), duplicates
    /// kept.
    pub keys: Vec<u64>,
    /// Counts.
    pub stats: SourceStats,
    /// Rows with no value in any column read (not rejected: a customer without a phone).
    pub empty: u64,
    /// The first rejected values.
    pub rejects: Vec<Rejected>,
    /// Numbers of the country read for that no row of its plan holds (kept among the keys: excluding more is
    /// safe). Counted only when the plan is known.
    pub outside_plan: u64,
    /// The first of them ([`OUTSIDE_KEPT`]).
    pub outside: Vec<Rejected>,
    /// How the input was read.
    pub shape: InputShape,
}

impl NumbersRead {
    /// Distinct numbers among the keys.
    pub fn distinct(&self) -> usize {
        let mut keys = self.keys.clone();
        keys.sort_unstable();
        keys.dedup();
        keys.len()
    }
}

impl InputOptions {
    /// Reading with every setting detected, numbers normalised by `normalizer`.
    pub fn new(normalizer: Normalizer) -> InputOptions {
        InputOptions {
            normalizer,
            columns: Vec::new(),
            delimiter: None,
            encoding: None,
            header: HeaderRow::Auto,
            strict: false,
            max_rejected: MAX_REJECTED,
            max_outside_plan: MAX_OUTSIDE_PLAN,
            country_option: true,
        }
    }

    /// Reading with every setting detected, numbers normalised for `plan`'s country.
    ///
    /// ```
    /// let options = dialsim::exclude::InputOptions::for_plan(&dialsim::Plan::embedded("cz")?);
    /// let csv = "Jméno;Telefon\r\nNovák;+420 601 123 456\r\nSvoboda;602 123 456\r\n";
    /// let read = options.read("export.csv", csv.as_bytes())?;
    /// assert_eq!(read.keys, vec![420601123456, 420602123456]);
    /// assert_eq!((read.shape.delimiter, read.shape.column_labels()[0].as_str()), (b';', "'Telefon' (column 2)"));
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn for_plan(plan: &crate::plan::Plan) -> InputOptions {
        InputOptions::new(Normalizer::for_plan(plan))
    }

    /// Reads a file, or stdin for `-`.
    pub fn read_path(&self, path: &str) -> Result<NumbersRead> {
        self.read_path_counted(path, &AtomicU64::new(0))
    }

    /// [`InputOptions::read_path`], adding the bytes read to `count` as it goes (a build's progress).
    pub(crate) fn read_path_counted(&self, path: &str, count: &AtomicU64) -> Result<NumbersRead> {
        self.read_path_whole(path, count, &InOrder)
    }

    /// Reads a file, or stdin for `-`, on this thread, its keys going to `store`.
    pub(crate) fn read_path_whole<S: KeyStore>(&self, path: &str, count: &AtomicU64, store: &S) -> Result<NumbersRead> {
        let mut piece = store.piece();
        let mut read = if path == "-" {
            self.read_into("-", Counted { inner: std::io::stdin().lock(), count }, &mut piece)
        } else {
            let file = crate::foundation::open::open(std::path::Path::new(path))?.file;
            self.read_into(path, std::io::BufReader::with_capacity(1 << 20, Counted { inner: file, count }), &mut piece)
        }?;
        store.join(vec![piece], &mut read);
        Ok(read)
    }

    /// Reads CSV from `input`; `name` is used in errors.
    pub fn read(&self, name: &str, input: impl Read) -> Result<NumbersRead> {
        let mut keys = Vec::new();
        let mut read = self.read_into(name, input, &mut keys)?;
        read.keys = keys;
        Ok(read)
    }

    /// [`InputOptions::read`], the keys going to `keys` (the result's `keys` stay empty).
    fn read_into(&self, name: &str, mut input: impl Read, keys: &mut impl KeySink) -> Result<NumbersRead> {
        let failed = |e: std::io::Error| Error::input(name, None, format!("reading failed: {e}"));
        let mut head = encoding::read_up_to(&mut input, SAMPLE_BYTES).map_err(failed)?;
        let (encoding, mark, encoding_how) = self.encoding_of(&head);
        let (shape, stream): (InputShape, Box<dyn Read + '_>) = if encoding.is_ascii_compatible() {
            let more = head.len() == SAMPLE_BYTES && sniff::finish_line(name, &mut input, &mut head)?;
            let shape = self.shape(name, &head[mark..], more, encoding, encoding_how)?;
            let mut head = Cursor::new(head);
            head.set_position(mark as u64);
            (shape, Box::new(head.chain(input)))
        } else {
            let mut head = Cursor::new(head);
            head.set_position(mark as u64);
            let mut utf8 = encoding::Transcode::new(encoding, head.chain(input));
            let mut sample = encoding::read_up_to(&mut utf8, SAMPLE_BYTES).map_err(failed)?;
            let more = sample.len() == SAMPLE_BYTES && sniff::finish_line(name, &mut utf8, &mut sample)?;
            let shape = self.shape(name, &sample, more, encoding, encoding_how)?;
            (shape, Box::new(Cursor::new(sample).chain(utf8)))
        };
        let header = shape.header.is_some();
        let mut part = self.read_part(name, stream, &shape, header, keys)?;
        if let Some((line, message)) = part.failure {
            return Err(Error::input(name, line, message));
        }
        if let Some(line) = part.unclosed {
            return Err(unclosed(name, line));
        }
        if let Some((line, column)) = part.late {
            return Err(late(name, line, &shape, column));
        }
        part.read.shape = shape;
        self.checked(part.read)
    }

    /// Reads a file in up to `parts` pieces on as many threads, with the result of
    /// [`InputOptions::read_path`]: keys in file order, the counts, the first rejected rows with their lines,
    /// the first error. The shape is decided once, from the file's start; a file is cut only just after a
    /// newline, which ends a record unless a quoted field spans lines: a piece that sees one makes the whole
    /// file be read again on one thread. Standard input, files under 8 MiB and UTF-16 files are read on one
    /// thread.
    pub fn read_path_parallel(&self, path: &str, parts: usize) -> Result<NumbersRead> {
        self.read_path_parallel_counted(path, parts, &AtomicU64::new(0))
    }

    /// [`InputOptions::read_path_parallel`], adding the bytes read to `count` as it goes (a build's progress;
    /// a file read again on one thread counts twice).
    pub(crate) fn read_path_parallel_counted(
        &self,
        path: &str,
        parts: usize,
        count: &AtomicU64,
    ) -> Result<NumbersRead> {
        self.read_path_parallel_into(path, parts, count, &InOrder)
    }

    /// [`InputOptions::read_path_parallel_counted`], the keys going to `store`, which must hold no other
    /// input's keys: a file whose pieces cannot be trusted (a quoted field spanning a cut) makes the store
    /// forget every key and the file be read again on one thread.
    pub(crate) fn read_path_parallel_into<S: KeyStore>(
        &self,
        path: &str,
        parts: usize,
        count: &AtomicU64,
        store: &S,
    ) -> Result<NumbersRead> {
        const MIN_SPLIT: u64 = 8 << 20;
        if path == "-" || parts < 2 {
            return self.read_path_whole(path, count, store);
        }
        let size = crate::foundation::open::open(std::path::Path::new(path))?.len;
        if size < MIN_SPLIT {
            return self.read_path_whole(path, count, store);
        }
        let open = || Ok::<_, Error>(crate::foundation::open::open(std::path::Path::new(path))?.file);
        let open_at = |at: u64| {
            let mut file = open()?;
            file.seek(SeekFrom::Start(at)).map_err(|e| Error::io(path, e))?;
            Ok::<_, Error>(std::io::BufReader::with_capacity(1 << 20, Counted { inner: file, count }))
        };
        let mut first = open()?;
        let mut head = encoding::read_up_to(&mut first, SAMPLE_BYTES).map_err(|e| Error::io(path, e))?;
        let (encoding, mark, encoding_how) = self.encoding_of(&head);
        if !encoding.is_ascii_compatible() {
            return self.read_path_whole(path, &AtomicU64::new(0), store);
        }
        let more = head.len() == SAMPLE_BYTES && sniff::finish_line(path, &mut first, &mut head)?;
        let shape = self.shape(path, &head[mark..], more, encoding, encoding_how)?;
        // Cut points: just after the first newline at or after each equal share of the bytes.
        let mut cuts = vec![mark as u64];
        for i in 1..parts as u64 {
            let at = size * i / parts as u64;
            let mut window = Vec::with_capacity(1 << 16);
            open_at(at)?.take(1 << 16).read_to_end(&mut window).map_err(|e| Error::io(path, e))?;
            if let Some(newline) = window.iter().position(|&b| b == b'\n') {
                let cut = at + newline as u64 + 1;
                if cut > *cuts.last().expect("starts at the mark") && cut < size {
                    cuts.push(cut);
                }
            }
        }
        cuts.push(size);
        let shape_ref = &shape;
        type Read<P> = Result<(records::Part, P)>;
        let pieces: Vec<Read<S::Piece<'_>>> = std::thread::scope(|s| {
            let handles: Vec<_> = cuts
                .windows(2)
                .enumerate()
                .map(|(i, w)| {
                    let (from, to) = (w[0], w[1]);
                    let header = shape_ref.header.is_some() && i == 0;
                    s.spawn(move || {
                        let mut keys = store.piece();
                        let part =
                            self.read_part(path, open_at(from)?.take(to - from), shape_ref, header, &mut keys)?;
                        Ok((part, keys))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("input reader thread")).collect()
        });
        let mut out =
            NumbersRead { stats: SourceStats { name: path.to_string(), ..Default::default() }, ..Default::default() };
        let mut lines = 0;
        let mut parts = Vec::with_capacity(pieces.len());
        let mut keys = Vec::with_capacity(pieces.len());
        let mut again = false;
        for piece in pieces {
            let (part, piece_keys) = piece?;
            again |= part.spanned || part.unclosed.is_some();
            parts.push(part);
            keys.push(piece_keys);
        }
        if again {
            drop(keys);
            store.forget();
            return self.read_path_whole(path, count, store);
        }
        // Errors in the order one thread meets them: the first row that stops the reading, else the first
        // number in a column left out.
        let starts: Vec<u64> = parts.iter().scan(0, |at, p| Some(std::mem::replace(at, *at + p.lines))).collect();
        for (part, start) in parts.iter().zip(&starts) {
            if let Some((line, message)) = &part.failure {
                return Err(Error::input(path, line.map(|l| l + start), message.clone()));
            }
        }
        for (part, start) in parts.iter().zip(&starts) {
            if let Some((line, column)) = part.late {
                return Err(late(path, line + start, &shape, column));
            }
        }
        store.join(keys, &mut out);
        for part in parts {
            out.stats.rows += part.read.stats.rows;
            out.stats.numbers += part.read.stats.numbers;
            out.stats.rejected += part.read.stats.rejected;
            out.empty += part.read.empty;
            out.outside_plan += part.read.outside_plan;
            for mut r in part.read.rejects {
                if out.rejects.len() < REJECTS_KEPT {
                    r.line += lines;
                    out.rejects.push(r);
                }
            }
            for mut r in part.read.outside {
                if out.outside.len() < OUTSIDE_KEPT {
                    r.line += lines;
                    out.outside.push(r);
                }
            }
            lines += part.lines;
        }
        out.shape = shape;
        self.checked(out)
    }

    /// The encoding of an input from its first bytes: the given one, or detected; and the length of a
    /// byte-order mark to skip.
    fn encoding_of(&self, head: &[u8]) -> (TextEncoding, usize, String) {
        let (detected, mark, how) = encoding::detect(head, head.len() == SAMPLE_BYTES, self.normalizer.country_code());
        match self.encoding {
            // A mark of the encoding given is skipped (UTF-16's by the transcoder).
            Some(given) if given == TextEncoding::Utf8 && detected == given => (given, mark, "as given".into()),
            Some(given) => (given, 0, "as given".into()),
            None => (detected, mark, how),
        }
    }

    /// Decides the delimiter, header and columns from the first bytes of an input (after any byte-order mark;
    /// UTF-8 or ASCII-compatible); `more`: the input goes on after them.
    fn shape(
        &self,
        name: &str,
        sample: &[u8],
        more: bool,
        encoding: TextEncoding,
        encoding_how: String,
    ) -> Result<InputShape> {
        // The last line of a full sample may be cut short.
        let sample = match sample.iter().rposition(|&b| b == b'\n') {
            Some(end) if more => &sample[..=end],
            _ => sample,
        };
        let is_number = |f: &[u8]| columns::reads_as_number(&self.normalizer, f);
        let (delimiter, delimiter_how) = match self.delimiter {
            Some(d) => (d, "as given".to_string()),
            None => sniff::delimiter(sample, &is_number).map_err(|m| Error::input(name, Some(1), m))?,
        };
        // A quote still open at the end of the sample (long after it opened, if the input goes on) would make
        // the sampled rows one field.
        let mut scan = sniff::QuoteScan::new(sample, delimiter);
        std::io::copy(&mut scan, &mut std::io::sink()).map_err(|e| Error::io(name, e))?;
        if let Some(at) = scan.unclosed() {
            let newlines = |bytes: &[u8]| bytes.iter().filter(|&&b| b == b'\n').count();
            let (before, after) = sample.split_at(at as usize);
            if !more || newlines(after) > 50 {
                return Err(unclosed(name, newlines(before) as u64 + 1));
            }
        }
        let rows = sniff::records(sample, delimiter, SAMPLE_ROWS);
        let line = rows.first().and_then(|r| r.position()).map(|p| p.line());
        let d = columns::decide(self, &rows, encoding, delimiter).map_err(|m| Error::input(name, line, m))?;
        let header = d.header.then(|| rows[0].iter().map(|f| encoding.decode(f).trim().to_string()).collect());
        Ok(InputShape {
            encoding,
            encoding_how,
            delimiter,
            delimiter_how,
            header,
            header_how: d.header_how,
            width: d.width,
            columns: d.columns,
            columns_how: d.columns_how,
            watched: d.watched,
            cr_only: !sample.contains(&b'\n') && sample.contains(&b'\r'),
        })
    }

    /// The checks on a whole input: it holds numbers, and not too many values that are not.
    fn checked(&self, read: NumbersRead) -> Result<NumbersRead> {
        let s = &read.stats;
        if s.numbers == 0 {
            let what = if s.rows == 0 {
                "holds no rows of data".into()
            } else {
                message![
                    format!(
                        "holds no phone numbers in {} ({}, {} rejected); name the columns to read with ",
                        read.shape.column_labels().join(", "),
                        counted(s.rows, "row", "rows"),
                        counted(s.rejected, "value", "values")
                    ),
                    Param::Columns
                ]
            };
            return Err(Error::input(&s.name, read.rejects.first().map(|r| r.line), what));
        }
        if read.outside_plan as f64 > self.max_outside_plan * s.numbers as f64 {
            return Err(self.foreign(&read));
        }
        let values = s.numbers + s.rejected;
        if s.rejected as f64 > self.max_rejected * values as f64 {
            let first: Vec<String> =
                read.rejects.iter().take(3).map(|r| format!("line {} '{}' ({})", r.line, r.field, r.reason)).collect();
            return Err(Error::input(
                &s.name,
                read.rejects.first().map(|r| r.line),
                message![
                    format!(
                        "{} of {} values ({:.2} %) are not phone numbers, more than the {} % allowed (first: {}); \
                         correct them, or raise ",
                        s.rejected,
                        values,
                        100.0 * s.rejected as f64 / values as f64,
                        100.0 * self.max_rejected,
                        first.join(", ")
                    ),
                    Param::MaxRejected
                ],
            ));
        }
        Ok(read)
    }
}

fn late(name: &str, line: u64, shape: &InputShape, column: usize) -> Error {
    Error::input(
        name,
        Some(line),
        message![
            format!(
                "{} holds a phone number on this line but none in the first rows, so it is not read; name the columns \
                 to read with ",
                columns::label(shape.header.as_deref(), column)
            ),
            Param::Columns
        ],
    )
}

pub(super) fn unclosed(name: &str, line: u64) -> Error {
    Error::input(
        name,
        Some(line),
        "a quote opened on this line is never closed: the rest of the input would be read as one field",
    )
}

/// A reader that adds the bytes it reads to a shared count.
struct Counted<'c, R> {
    inner: R,
    count: &'c AtomicU64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
