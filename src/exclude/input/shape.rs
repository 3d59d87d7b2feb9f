//! How an input was read, and why.

use super::{TextEncoding, columns, sniff};

/// How an input was read, and why: decided once from its first rows and used for all of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputShape {
    /// The text encoding.
    pub encoding: TextEncoding,
    /// How it was decided (given, byte-order mark, …).
    pub encoding_how: String,
    /// The field delimiter.
    pub delimiter: u8,
    /// How it was decided.
    pub delimiter_how: String,
    /// The header's names, when the first row is a header.
    pub header: Option<Vec<String>>,
    /// How that was decided.
    pub header_how: String,
    /// Fields per row (rows may have fewer; more only when the extra fields are empty).
    pub width: usize,
    /// The 0-based columns read.
    pub columns: Vec<usize>,
    /// Why these columns.
    pub columns_how: String,
    /// Columns not read that held no phone number in the sample (empty, or named like a phone column): a
    /// number in one of them later is an error, not a number left out unnoticed.
    pub watched: Vec<usize>,
    /// Lines end in a bare carriage return (old Mac exports). Otherwise records end at `\n` and a `\r` before
    /// it is trimmed with the field: the csv reader's own CRLF handling would give every record after the
    /// first the line before its own.
    pub(super) cr_only: bool,
}

impl InputShape {
    /// The delimiter as written in messages (`','`, `tab`).
    pub fn delimiter_name(&self) -> String {
        sniff::show(self.delimiter)
    }

    /// The columns read, as named in messages: `'Telefon' (column 3)`, or `column 3`.
    pub fn column_labels(&self) -> Vec<String> {
        self.columns.iter().map(|&c| columns::label(self.header.as_deref(), c)).collect()
    }
}

impl Default for InputShape {
    fn default() -> InputShape {
        InputShape {
            encoding: TextEncoding::Utf8,
            encoding_how: String::new(),
            delimiter: b',',
            delimiter_how: String::new(),
            header: None,
            header_how: String::new(),
            width: 1,
            columns: vec![0],
            columns_how: String::new(),
            watched: Vec::new(),
            cr_only: false,
        }
    }
}
