//! Reading phone numbers from CSV files in real-world shapes: with or without a header, quoted fields, extra
//! columns, any written format the [`Normalizer`] accepts. Rows that are not a number are counted and the
//! first few kept with their line; in strict mode the first one is an error naming the file and line.

use std::io::Read;
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
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).comment(Some(b'#')).from_reader(input);
        let mut out =
            NumbersRead { stats: SourceStats { name: name.to_string(), ..Default::default() }, ..Default::default() };
        let mut record = csv::ByteRecord::new();
        let mut column: Option<usize> = None;
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
                    return Err(Error::input(name, line, message));
                }
            }
            let line = record.position().map_or(0, |p| p.line());
            // Fields are trimmed here rather than by the csv reader, whose trimming allocates a new record per row.
            if record.len() == 1 && record[0].trim_ascii().is_empty() {
                continue;
            }
            let col = match column {
                Some(c) => c,
                None => {
                    let (c, is_header) = self.detect(name, line, &record)?;
                    column = Some(c);
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
                        return Err(Error::input(
                            name,
                            Some(line),
                            format!("'{field}' is not a phone number: {reason}"),
                        ));
                    }
                    out.stats.rejected += 1;
                    if out.rejects.len() < REJECTS_KEPT {
                        out.rejects.push(Rejected { line, field, reason });
                    }
                }
            }
        }
        Ok(out)
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
