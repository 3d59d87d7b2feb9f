//! Text that came from an input, made safe for whoever reads it next.
//!
//! - [`csv_cell`]: a cell of a CSV that dialsim writes, quoted per RFC 4180 when it holds a delimiter, a quote
//!   or a line break, and neutralised when a spreadsheet would run it as a formula (it starts with `=`, `+`,
//!   `-`, `@`, a tab or a carriage return and is not a plain number): a `'` is put before it, as OWASP's
//!   advice on CSV injection says. Numbers (`-0.5`, `+420601123456`, `1e-3`) are left as they are.
//! - [`escape_controls`]: a message for a terminal, with control characters (ESC, BEL, …) written as `\x1b`
//!   so that a file cannot move the cursor, recolour the screen or ring the bell through an error message.

use std::borrow::Cow;

/// `value` as one CSV cell: neutralised if a spreadsheet would read it as a formula, then quoted if it holds
/// a comma, a quote or a line break (quotes doubled).
///
/// ```
/// use dialsim::foundation::text::csv_cell;
/// assert_eq!(csv_cell("plain"), "plain");
/// assert_eq!(csv_cell("a,b"), "\"a,b\"");
/// assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
/// assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
/// assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
/// assert_eq!(csv_cell("-0.25"), "-0.25");
/// assert_eq!(csv_cell("+420601123456"), "+420601123456");
/// ```
pub fn csv_cell(value: &str) -> Cow<'_, str> {
    let neutral = if is_formula(value) { Cow::Owned(format!("'{value}")) } else { Cow::Borrowed(value) };
    if neutral.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", neutral.replace('"', "\"\"")))
    } else {
        neutral
    }
}

/// The value of a cell [`csv_cell`] wrote, once the CSV reader has undone its quoting: without the `'` put before
/// a formula (a value cannot itself start with `'` followed by a formula).
///
/// ```
/// use dialsim::foundation::text::{csv_cell, csv_value};
/// assert_eq!(csv_value("'=1+2"), "=1+2");
/// assert_eq!(csv_value("'-x"), "-x");
/// assert_eq!(csv_value("'quoted"), "'quoted");
/// assert_eq!(csv_value("-0.25"), "-0.25");
/// assert_eq!(csv_value(&csv_cell("@x")), "@x");
/// ```
pub fn csv_value(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if is_formula(rest) => rest,
        _ => cell,
    }
}

/// Whether a spreadsheet would evaluate `value` as a formula: it starts with one of `= + - @`, a tab or a
/// carriage return, and is not a plain number.
pub fn is_formula(value: &str) -> bool {
    let Some(first) = value.chars().next() else { return false };
    matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') && !is_plain_number(value)
}

/// A number as dialsim writes them: an optional sign, digits with at most one point, an optional exponent.
fn is_plain_number(value: &str) -> bool {
    let body = value.strip_prefix(['+', '-']).unwrap_or(value);
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => (digits(a) || a.is_empty()) && (digits(b) || b.is_empty()) && !(a.is_empty() && b.is_empty()),
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(digits)
}

/// `message` with every control character but the line feed written as an escape (`\x1b`, `\x07`, `\r`,
/// `\t`): what a file holds cannot act on the terminal that shows an error about it.
///
/// ```
/// use dialsim::foundation::text::escape_controls;
/// assert_eq!(escape_controls("bad '\u{1b}[31mred'"), "bad '\\x1b[31mred'");
/// assert_eq!(escape_controls("two\nlines"), "two\nlines");
/// ```
pub fn escape_controls(message: &str) -> Cow<'_, str> {
    if !message.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(message);
    }
    let mut out = String::with_capacity(message.len() + 8);
    for c in message.chars() {
        match c {
            '\n' => out.push('\n'),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A number as a message shows it: as Rust writes it, but in exponent notation when very large or small
/// (`1e308`, not its 309 digits; `1e-300`, not 300 zeros).
///
/// ```
/// use dialsim::foundation::text::number_text;
/// assert_eq!((number_text(0.25), number_text(1e308), number_text(2e-9)), ("0.25".into(), "1e308".into(), "2e-9".into()));
/// ```
pub fn number_text(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-6..1e15).contains(&v.abs()) { format!("{v:e}") } else { v.to_string() }
}

/// `n` and its noun, singular for 1 (`1 value`, `2 values`, `0 rows`); `plural` is the noun of every other count.
///
/// ```
/// use dialsim::foundation::text::counted;
/// assert_eq!((counted(1u64, "value", "values"), counted(0u32, "row", "rows")), ("1 value".into(), "0 rows".into()));
/// ```
pub fn counted(n: impl Into<u64>, singular: &str, plural: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_formula_start_is_neutralised_and_numbers_are_not() {
        for f in ["=1+1", "+A1", "-A1", "@x", "\tx", "\rx", "=", "-", "+"] {
            assert!(csv_cell(f).trim_start_matches('"').starts_with('\''), "{f:?} -> {}", csv_cell(f));
        }
        for n in ["0", "-1", "+1", "0.5", "-.5", "1e-3", "-2.5E+10", "+420601123456", "12"] {
            assert_eq!(csv_cell(n), n);
        }
        assert!(is_formula("-1-1"), "an expression is not a plain number");
        assert!(is_formula("+1e"), "an exponent needs digits");
    }

    #[test]
    fn quoted_cells_read_back_as_written_with_the_csv_crate() {
        let values = ["a,b", "q\"uote", "line\nbreak", "=cmd|' /C calc'!A0", "plain", ""];
        let line: Vec<String> = values.iter().map(|v| csv_cell(v).into_owned()).collect();
        let text = format!("{}\n", line.join(","));
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
        let record = reader.records().next().unwrap().unwrap();
        let read: Vec<&str> = record.iter().collect();
        assert_eq!(read[..3], values[..3]);
        assert_eq!(read[3], "'=cmd|' /C calc'!A0");
        assert_eq!(read[4..], values[4..]);
    }

    #[test]
    fn control_characters_are_escaped_but_text_is_kept() {
        assert_eq!(escape_controls("a\u{7}b\u{1b}c\u{0}"), "a\\x07b\\x1bc\\x00");
        assert_eq!(escape_controls("Nováková, 601 123 456"), "Nováková, 601 123 456");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
    }
}
