//! What a [`Note`] says, in words, line by line, each line with its [`Weight`]: the one wording of every note
//! for every front end (the command line prefixes and filters the lines; a test or another front end reads
//! them as they are).

use super::reading::Note;
use crate::exclude::NumbersRead;
use crate::foundation::error::{Message, Param, message};
use crate::foundation::text::counted;

/// How a line of a [`Note`] is meant to be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Weight {
    /// What a job did or left out.
    Info,
    /// A line going on from the one before (a file's rejected values, one a line).
    Detail,
    /// How a job behaves where the user may not expect it.
    Remark,
    /// Something asked for does not do what it says.
    Warning,
    /// A warning to show even to a user who asked for quiet: a source that excludes nothing (a silent leak).
    Alert,
}

impl Note<'_> {
    /// The note's lines, each with its weight; none for the notes that carry progress ([`Note::Started`],
    /// [`Note::Progress`]) or an error ([`Note::Refused`], which the front end words as its errors).
    pub fn lines(&self) -> Vec<(Weight, Message)> {
        let one = |weight, text: String| vec![(weight, Message::from(text))];
        match self {
            Note::Seed(seed) => {
                vec![(
                    Weight::Info,
                    message![format!("seed {seed} (repeat this run with "), Param::Seed, format!(" {seed})")],
                )]
            }
            Note::Warning(text) => one(Weight::Warning, text.clone()),
            Note::Remark(text) => one(Weight::Remark, text.clone()),
            Note::Info(m) => vec![(Weight::Info, m.clone())],
            Note::Continuing { list, start, seed, shard } => one(
                Weight::Info,
                format!("continuing {} from position {start} (seed {seed}, shard {shard})", list.display()),
            ),
            Note::Read { read, distinct } => read_lines(read, *distinct),
            Note::Foreign { name, what, country_code } => vec![(
                Weight::Alert,
                message![
                    format!("{name} is {what}: it excludes nothing from +{country_code} numbers ("),
                    Param::AllowOtherCountry,
                    ")"
                ],
            )],
            Note::Banks { banks, size } => {
                let (bank, hold) = if *banks == 1 { ("bank", "holds") } else { ("banks", "hold") };
                one(Weight::Info, format!("{banks} {bank} of {size} {hold} numbers of the known databases"))
            }
            Note::RegistryFilterRebuilt { registry, entries, seconds, cache } => one(
                Weight::Info,
                format!(
                    "registry {registry}: exclusion filter of {entries} numbers rebuilt in {seconds:.2} s ({})",
                    cache.display()
                ),
            ),
            Note::SourceChange(change) => one(Weight::Info, format!("exclusion source {change}")),
            Note::Issued { registry, name, numbers } => one(
                Weight::Info,
                format!(
                    "registry {registry}: issued the list of {name} exclusively ({numbers} numbers held until \
                     `registry close`)"
                ),
            ),
            Note::Recorded { registry, manifest } => {
                one(Weight::Info, format!("registry {registry}: recorded the list of {}", manifest.display()))
            }
            Note::Started { .. } | Note::Progress(_) | Note::Refused(_) => Vec::new(),
        }
    }
}

/// How an input was read and what it held: delimiter, encoding, header, columns and why, rows, numbers (and
/// how many are distinct, when known), numbers outside the plan and rejected values (the first of each with
/// their lines, as [`Weight::Detail`]s).
fn read_lines(read: &NumbersRead, distinct: Option<usize>) -> Vec<(Weight, Message)> {
    let (s, shape) = (&read.stats, &read.shape);
    let header = match &shape.header {
        Some(_) => format!("header yes ({})", shape.header_how),
        None => format!("no header ({})", shape.header_how),
    };
    let distinct = match distinct {
        Some(d) if d as u64 != s.numbers => format!(" ({d} distinct)"),
        _ => String::new(),
    };
    let mut lines: Vec<(Weight, Message)> = Vec::new();
    let mut say = |weight, text: String| lines.push((weight, Message::from(text)));
    say(
        Weight::Info,
        format!(
            "{}: delimiter {} ({}); encoding {} ({}); {header}",
            s.name,
            shape.delimiter_name(),
            shape.delimiter_how,
            shape.encoding,
            shape.encoding_how
        ),
    );
    say(Weight::Info, format!("{}: reading {}", s.name, shape.columns_how));
    say(
        Weight::Info,
        format!(
            "{}: {}, {}{distinct}, {} rejected, {} without a number",
            s.name,
            counted(s.rows, "row", "rows"),
            counted(s.numbers, "number", "numbers"),
            counted(s.rejected, "value", "values"),
            counted(read.empty, "row", "rows")
        ),
    );
    if read.outside_plan > 0 {
        say(
            Weight::Info,
            format!(
                "{}: {} in no row of the plan (kept: excluding more is safe); the first:",
                s.name,
                counted(read.outside_plan, "number is", "numbers are")
            ),
        );
        for r in read.outside.iter().take(crate::exclude::REJECTS_KEPT) {
            say(Weight::Detail, format!("  {}:{}: '{}'", s.name, r.line, r.field));
        }
    }
    if s.rejected > 0 {
        say(
            Weight::Info,
            format!(
                "{}: {} left out; the first:",
                s.name,
                counted(s.rejected, "value is not a phone number and is", "values are not phone numbers and are")
            ),
        );
        for r in &read.rejects {
            say(Weight::Detail, format!("  {}:{}: '{}' ({})", s.name, r.line, r.field, r.reason));
        }
    }
    lines
}
