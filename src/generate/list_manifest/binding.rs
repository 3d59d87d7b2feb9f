//! A list bound to its bytes. The manifest records what the list file held when it was written — its bytes,
//! their SHA-256, its rows and its last row ([`ListFile`]) — and a list is used again (continued, scrubbed)
//! only after the file has been read back and found to be that list: the recorded bytes, and every number on
//! the recorded order, each at a position after the one before, in the recorded shard, up to the recorded
//! last position. A continuation starts after that position, so whatever was edited in the file or in its
//! manifest, it never repeats a number the file holds: the file itself says where its numbers are.
//!
//! This module reads and compares; it never writes files.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ListManifest;
use crate::foundation::digest::{FileDigest, Hasher};
use crate::foundation::error::{Error, Result};
use crate::generate::{CallList, ListFormat, Positions, Shard};

/// The list file a manifest vouches for, as it was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFile {
    /// Bytes.
    pub bytes: u64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// Numbers (lines other than a header).
    pub rows: u64,
    /// The last number and its position; `None` when the list holds no number.
    pub last_row: Option<ListRow>,
}

/// One number of a list and its place on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRow {
    /// Its list position (`None` for a list whose order is not recorded).
    pub position: Option<u64>,
    /// The number, E.164.
    pub number: String,
}

impl ListFile {
    /// The record of a list whose bytes had `digest`, with `rows` numbers, the last one `last_row`.
    pub fn of(digest: &FileDigest, rows: u64, last_row: Option<ListRow>) -> ListFile {
        ListFile { bytes: digest.bytes, sha256: digest.sha256.clone(), rows, last_row }
    }
}

/// A reader that hashes what passes through it (the reading side of [`crate::HashingWriter`]).
#[derive(Debug)]
pub struct HashingReader<R> {
    inner: R,
    hasher: Hasher,
}

impl<R: Read> HashingReader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> HashingReader<R> {
        HashingReader { inner, hasher: Hasher::new() }
    }

    /// The reader and the digest of what was read through it.
    pub fn finish(self) -> (R, FileDigest) {
        (self.inner, self.hasher.finish())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// The longest line a list holds (a dialer format's line is about 60 bytes).
const MAX_LINE: u64 = 4096;

/// What the rows of a list must be to be the recorded list.
struct Order<'a> {
    positions: Positions<'a>,
    format: ListFormat,
    shard: Shard,
    start: u64,
    /// The last position written (`None`: no number).
    last: Option<u64>,
    /// The manifest, for messages.
    manifest: String,
}

/// A list file read back.
struct ReadBack {
    digest: FileDigest,
    rows: u64,
    /// The last row and its line.
    last: Option<(u64, ListRow)>,
    /// The first line that is not on the recorded order, and why.
    stray: Option<Error>,
}

/// The E.164 digits of a row.
type Digits = ([u8; 20], usize);

/// `parts` joined into E.164 digits (at most 20 bytes; which are digits is the lookup's business).
fn digits(parts: &[&[u8]]) -> std::result::Result<Digits, &'static str> {
    let mut out = [0u8; 20];
    let mut n = 0;
    for p in parts {
        if n + p.len() > out.len() {
            return Err("not an E.164 number");
        }
        out[n..n + p.len()].copy_from_slice(p);
        n += p.len();
    }
    Ok((out, n))
}

/// The digits of an E.164 field `+DIGITS`.
fn e164(field: &[u8]) -> std::result::Result<Digits, &'static str> {
    digits(&[field.strip_prefix(b"+").ok_or("not an E.164 number")?])
}

/// A position field.
fn index(field: &[u8]) -> std::result::Result<u64, &'static str> {
    std::str::from_utf8(field).ok().and_then(|s| s.parse().ok()).ok_or("a row whose index is not a whole number")
}

/// The E.164 digits of a row of `format` and the position it states (csv and vicidial have one), or why not.
fn parse_row(format: ListFormat, line: &[u8]) -> std::result::Result<(Digits, Option<u64>), &'static str> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    // The fields of a row, exactly `N` of them.
    fn fields<const N: usize>(line: &[u8], sep: u8) -> Option<[&[u8]; N]> {
        let mut out = [&line[..0]; N];
        let mut parts = line.splitn(N, |&b| b == sep);
        for f in &mut out {
            *f = parts.next()?;
        }
        (sep == b'\t' || !out[N - 1].contains(&sep)).then_some(out)
    }
    match format {
        ListFormat::Txt => Ok((e164(line)?, None)),
        ListFormat::Csv => {
            let [number, _, _, at] = fields(line, b',').ok_or("not a row of number,type,region,index")?;
            Ok((e164(number)?, Some(index(at)?)))
        }
        ListFormat::DialerCsv => {
            let [_, _, number, _, _, _] = fields(line, b',').ok_or("not a row of the dialer-csv format")?;
            Ok((e164(number)?, None))
        }
        ListFormat::Vicidial { .. } => {
            let [at, _, _, cc, national, _] = fields(line, b'\t').ok_or("not a row of the vicidial format")?;
            Ok((digits(&[cc, national])?, Some(index(at)?)))
        }
    }
}

/// The header line a list of `format` starts with, if it has one.
fn header(format: ListFormat) -> Option<&'static [u8]> {
    match format {
        ListFormat::Csv => Some(CallList::CSV_HEADER),
        ListFormat::DialerCsv => Some(CallList::DIALER_CSV_HEADER),
        ListFormat::Txt | ListFormat::Vicidial { .. } => None,
    }
}

/// Reads the list `name` from `input` to its end, hashing its bytes and, with `order`, checking every row
/// against it (the first row that is off is kept, and the bytes are still hashed to the end).
fn read_back(name: &str, input: &mut dyn Read, order: Option<&Order<'_>>) -> Result<ReadBack> {
    let mut reader = BufReader::with_capacity(1 << 20, HashingReader::new(input));
    let mut back = ReadBack { digest: Hasher::new().finish(), rows: 0, last: None, stray: None };
    if let Some(order) = order {
        let mut line = Vec::new();
        let mut at = 0u64;
        let mut previous: Option<u64> = None;
        let mut last = None;
        let Shard { index: k, count: n } = order.shard;
        loop {
            line.clear();
            let got = (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line).map_err(|e| Error::io(name, e))?;
            if got == 0 {
                break;
            }
            at += 1;
            let stray = |message: String| Some(Error::input(name, Some(at), message));
            if line.last() != Some(&b'\n') && got as u64 == MAX_LINE {
                back.stray = stray(format!("a line of more than {MAX_LINE} bytes: not a call list"));
                break;
            }
            if at == 1
                && let Some(h) = header(order.format)
            {
                if line != h {
                    back.stray = stray(format!("not the header of a {} list", order.format));
                    break;
                }
                continue;
            }
            let text = || {
                crate::foundation::error::snippet(&String::from_utf8_lossy(line.strip_suffix(b"\n").unwrap_or(&line)))
            };
            let ((digits, len), stated) = match parse_row(order.format, &line) {
                Ok(row) => row,
                Err(why) => {
                    back.stray = stray(format!("'{}' is {why} (a {} list)", text(), order.format));
                    break;
                }
            };
            let number = || format!("+{}", String::from_utf8_lossy(&digits[..len]));
            let Some(p) = order.positions.of_digits(&digits[..len]) else {
                back.stray =
                    stray(format!("{} is not on the list its manifest describes (plan, selection and seed)", number()));
                break;
            };
            let off = if stated.is_some_and(|s| s != p) {
                Some(format!(
                    "its index column says {}, but on the recorded order it is at position {p}",
                    stated.unwrap_or(0)
                ))
            } else if p < order.start || p % n != k - 1 {
                Some(format!("position {p} is not one of shard {k}/{n} from position {}", order.start))
            } else if previous.is_some_and(|q| p <= q) {
                Some(format!("position {p} follows position {} (a list's positions only grow)", previous.unwrap_or(0)))
            } else if order.last.is_none_or(|last| p > last) {
                Some(match order.last {
                    Some(last) => format!("position {p} is past position {last}, the last one recorded"),
                    None => "the manifest records that no number was written".to_string(),
                })
            } else {
                None
            };
            if let Some(off) = off {
                back.stray = stray(format!(
                    "{}: {off}; the list does not follow the order its manifest {} records",
                    number(),
                    order.manifest
                ));
                break;
            }
            previous = Some(p);
            back.rows += 1;
            last = Some((at, p, digits, len));
        }
        back.last = last.map(|(at, p, digits, len)| {
            (at, ListRow { position: Some(p), number: format!("+{}", String::from_utf8_lossy(&digits[..len])) })
        });
    }
    // The rest of the bytes, hashed.
    std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| Error::io(name, e))?;
    back.digest = reader.into_inner().finish().1;
    Ok(back)
}

/// The first 12 characters of a SHA-256 (hex when dialsim wrote it), enough to tell two apart in a message.
fn short(sha: &str) -> String {
    sha.chars().take(12).collect()
}

/// A recorded string as a message shows it: whole up to 40 characters (any number), else cut.
pub(super) fn shorten(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}

/// `position P (+N)` of a row (a recorded number shortened: the manifest may hold anything).
fn row_text(row: &ListRow) -> String {
    let number = shorten(&row.number);
    match row.position {
        Some(p) => format!("position {p} ({number})"),
        None => number,
    }
}

impl ListManifest {
    /// Reads the list file `list_at` from `input` to its end and checks that it is the list this manifest, read
    /// from `manifest_at`, describes; returns what the file holds. With `list`, the list rebuilt from the
    /// manifest's generation ([`super::Generation::order`]), every row is checked against the recorded order too:
    /// each number is on it, at a position after the one before, in the recorded shard from the recorded
    /// start, and up to the recorded last position, which an unscrubbed list ends on. Refused, with what
    /// differs: bytes other than those recorded (a list edited, truncated or replaced), and rows or a last row
    /// other than those recorded (a manifest edited). A manifest without [`ListManifest::list`] (written
    /// before lists were bound to their bytes) is checked by its rows only; whether to accept that is the
    /// caller's choice.
    pub fn check_list(
        &self,
        manifest_at: &Path,
        list_at: &Path,
        input: &mut dyn Read,
        list: Option<&CallList>,
    ) -> Result<ListFile> {
        let name = list_at.display().to_string();
        let edited = |message: String| Error::Format { path: manifest_at.to_path_buf(), message };
        let order = match (&self.generation, list) {
            (Some(g), Some(list)) => Some(Order {
                positions: list.positions(),
                format: g.format.parse().map_err(|e: String| edited(format!("recorded format: {e}")))?,
                shard: g.shard.parse().map_err(|e: String| edited(format!("recorded shard: {e}")))?,
                start: g.start,
                last: g.last_index,
                manifest: manifest_at.display().to_string(),
            }),
            _ => None,
        };
        let back = read_back(&name, input, order.as_ref())?;
        if let Some(b) = &self.list
            && (b.bytes, b.sha256.as_str()) != (back.digest.bytes, back.digest.sha256.as_str())
        {
            return Err(Error::Format {
                path: list_at.to_path_buf(),
                message: format!(
                    "not the list its manifest {} describes: it holds {} bytes with SHA-256 {}…, the manifest \
                     records {} bytes with SHA-256 {}…; the list was edited, truncated or replaced after it was \
                     written",
                    manifest_at.display(),
                    back.digest.bytes,
                    short(&back.digest.sha256),
                    b.bytes,
                    short(&b.sha256)
                ),
            });
        }
        if let Some(stray) = back.stray {
            return Err(stray);
        }
        let last_row = back.last.as_ref().map(|(_, row)| row.clone());
        let file = ListFile::of(&back.digest, back.rows, last_row.clone());
        let (Some(g), Some(_)) = (&self.generation, &order) else {
            // Without the order, rows are not read: those recorded with the (matching) bytes stand.
            let (rows, last_row) = self.list.as_ref().map_or((0, None), |b| (b.rows, b.last_row.clone()));
            return Ok(ListFile { rows, last_row, ..file });
        };
        let last_line = back.last.as_ref().map_or(0, |(line, _)| *line);
        let found = last_row.as_ref().map_or("no number".to_string(), row_text);
        if let Some(b) = &self.list
            && (b.rows != back.rows || b.last_row != last_row)
        {
            let recorded = b.last_row.as_ref().map_or("none".to_string(), row_text);
            return Err(edited(format!(
                "records {} numbers, the last {recorded}, but {name} holds {} numbers, the last {found} (line \
                 {last_line}); the manifest was edited",
                b.rows, back.rows
            )));
        }
        if self.scrubs.is_empty() {
            let recorded = match (g.last_index, &g.last_number) {
                (Some(p), Some(n)) => Some(ListRow { position: Some(p), number: n.clone() }),
                _ => None,
            };
            if g.written != back.rows || recorded != last_row {
                let recorded = recorded.as_ref().map_or("none".to_string(), row_text);
                return Err(edited(format!(
                    "records {} numbers written, the last {recorded}, but {name} holds {} numbers, the last \
                     {found} (line {last_line}); the manifest was edited, and continuing from it could repeat or \
                     skip numbers",
                    g.written, back.rows
                )));
            }
        }
        Ok(file)
    }
}
