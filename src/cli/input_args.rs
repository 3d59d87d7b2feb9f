//! The options of reading known databases — one set for `filter build`, `generate --suppress` and
//! `audit --suppress` — turned into the library's reading options (`jobs::Reading`).

use clap::Args;
use dialsim::jobs::{HeaderRow, Reading, TextEncoding};

#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Reading known databases (CSV)")]
pub struct InputArgs {
    /// Columns holding numbers: header names or 1-based positions, repeatable or comma-separated (e.g.
    /// telefon,mobil); every number in any of them is read [default: the one column whose values read as
    /// phone numbers; when several do, the error names them]
    #[arg(long = "column", value_name = "NAME|INDEX", value_delimiter = ',')]
    columns: Vec<String>,
    /// Field delimiter: one character such as , ; | or the word tab [default: detected among , ; tab |]
    #[arg(long, value_name = "CHAR", value_parser = dialsim::jobs::parse_delimiter)]
    delimiter: Option<u8>,
    /// Text encoding: utf-8, utf-16 (le/be), windows-1250, windows-1252 [default: detected from a byte-order
    /// mark or valid UTF-8, else windows-1250 for Central European country codes, else windows-1252]
    #[arg(long, value_parser = parse_encoding)]
    encoding: Option<TextEncoding>,
    /// Whether the first row is a header: yes, no or auto (a header holds names and no phone number)
    #[arg(long, value_name = "yes|no|auto", default_value = "auto", value_parser = parse_header)]
    header: HeaderRow,
    /// Country code of numbers written without one [default: the plan's]
    #[arg(long)]
    country: Option<u16>,
    /// Largest share of an input's values that may be rejected as not phone numbers (0.05 = 5 %); more is an
    /// error
    #[arg(long = "max-rejected", value_name = "SHARE", default_value_t = dialsim::jobs::MAX_REJECTED)]
    max_rejected: f64,
    /// Any value that is not a phone number is an error
    #[arg(long)]
    strict: bool,
    /// Use inputs whose numbers are mostly outside the plan's country, and filters or lists of another
    /// country's numbers, with a warning instead of refusing them (they exclude nothing from the plan's numbers)
    #[arg(long = "allow-other-country")]
    pub allow_other_country: bool,
}

fn parse_encoding(s: &str) -> Result<TextEncoding, String> {
    s.parse()
}

fn parse_header(s: &str) -> Result<HeaderRow, String> {
    s.parse()
}

impl InputArgs {
    /// How the flags say known databases are read.
    pub fn reading(&self) -> Reading {
        Reading {
            columns: self.columns.clone(),
            delimiter: self.delimiter,
            encoding: self.encoding,
            header: self.header,
            country: self.country,
            max_rejected: self.max_rejected,
            strict: self.strict,
            allow_other_country: self.allow_other_country,
        }
    }
}
