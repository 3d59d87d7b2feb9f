//! Reading libphonenumber's `PhoneNumberMetadata.xml`: per territory its id, country code, national prefix and,
//! per number type, the national-number pattern and the possible national lengths. Everything else in the
//! file (formats, example numbers, comments) is skipped. Errors name the file and the line.

use quick_xml::events::{BytesStart, Event};

use crate::foundation::error::{Error, Result};

/// The descriptor elements read, libphonenumber's type names (`generalDesc` first).
pub(super) const DESCRIPTORS: [&str; 11] = [
    "generalDesc",
    "fixedLine",
    "mobile",
    "tollFree",
    "premiumRate",
    "sharedCost",
    "personalNumber",
    "voip",
    "pager",
    "uan",
    "voicemail",
];

/// One type's description within a territory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Descriptor {
    /// The national-number pattern, whitespace as written (the DFA ignores it).
    pub pattern: String,
    /// Possible national lengths (`<possibleLengths national="…"/>`); empty when not given.
    pub lengths: Vec<u32>,
    /// Line of the descriptor's element.
    pub line: u64,
}

/// One `<territory>` of the metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Territory {
    /// Region id, e.g. `CZ` (`001` for non-geographic entities).
    pub id: String,
    /// Country calling code.
    pub country_code: u16,
    /// National (trunk) prefix, when the territory has one.
    pub national_prefix: Option<String>,
    /// The descriptors present, by type name (one of the `DESCRIPTORS` this module reads).
    pub descriptors: Vec<(&'static str, Descriptor)>,
    /// Line of the `<territory>` element.
    pub line: u64,
}

impl Territory {
    /// The descriptor of type `name`, if the territory has it.
    pub fn descriptor(&self, name: &str) -> Option<&Descriptor> {
        self.descriptors.iter().find(|(n, _)| *n == name).map(|(_, d)| d)
    }
}

/// The territories of a metadata file, in file order.
#[derive(Clone, Debug, Default)]
pub struct Metadata {
    /// The file name used in messages and provenance.
    pub name: String,
    /// Every territory.
    pub territories: Vec<Territory>,
}

/// 1-based line of byte `offset` of `bytes`.
fn line_at(bytes: &[u8], offset: u64) -> u64 {
    let end = (offset as usize).min(bytes.len());
    bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// Parses `<possibleLengths national="…">`: `9`, `[8-10]`, `9,10`, `[6-9],11`.
fn lengths(value: &str) -> std::result::Result<Vec<u32>, String> {
    let bad = || {
        format!("possibleLengths national=\"{}\" is not a list of lengths", crate::foundation::error::snippet(value))
    };
    let mut out = Vec::new();
    for part in value.split(',').map(str::trim) {
        if let Some(range) = part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
            let (a, b) = range.split_once('-').ok_or_else(bad)?;
            let (a, b): (u32, u32) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
            if a > b || b > 30 {
                return Err(bad());
            }
            out.extend(a..=b);
        } else {
            let n: u32 = part.parse().map_err(|_| bad())?;
            if n > 30 {
                return Err(bad());
            }
            out.push(n);
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The value of attribute `key` of `e`, as UTF-8.
fn attribute(e: &BytesStart<'_>, key: &str) -> std::result::Result<Option<String>, String> {
    match e.try_get_attribute(key) {
        Ok(Some(a)) => std::str::from_utf8(&a.value)
            .map(|s| Some(s.to_string()))
            .map_err(|_| format!("attribute {key} is not UTF-8")),
        Ok(None) => Ok(None),
        Err(err) => Err(format!("bad attribute: {err}")),
    }
}

/// The first two bytes of a gzip stream (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

impl Metadata {
    /// Reads the metadata file at `path`, plain XML or gzip-compressed (told by its first bytes, not its name:
    /// `data/metadata/` ships the release's file as `.xml.gz`, 140 KB instead of 980 KB). The decompressed
    /// text is bounded like a plain file.
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Metadata> {
        use crate::foundation::open::{Bound, read, read_stream};
        let path = path.as_ref();
        let mut bytes = read(path, Bound::METADATA)?;
        if bytes.starts_with(&GZIP_MAGIC) {
            bytes = read_stream(path, flate2::read::MultiGzDecoder::new(&bytes[..]), Bound::METADATA)?;
        }
        Metadata::parse(&path.display().to_string(), &bytes)
    }

    /// Parses metadata XML text; `name` is used in error messages.
    pub fn parse(name: &str, bytes: &[u8]) -> Result<Metadata> {
        let mut reader = quick_xml::Reader::from_reader(bytes);
        reader.config_mut().check_end_names = true;
        let mut stack: Vec<Vec<u8>> = Vec::new();
        let mut territories: Vec<Territory> = Vec::new();
        // The descriptor being read (inside a territory) and whether we are in its pattern element.
        let mut current: Option<(&'static str, Descriptor)> = None;
        let mut in_pattern = false;
        let err_at = |offset: u64, message: String| Error::input(name, Some(line_at(bytes, offset)), message);
        loop {
            let at = reader.buffer_position();
            let event = reader
                .read_event()
                .map_err(|e| err_at(reader.error_position(), format!("not well-formed XML: {e}")))?;
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(event, Event::Empty(_));
                    let tag = e.name().as_ref().to_vec();
                    let parent = stack.last().map(Vec::as_slice);
                    match (tag.as_slice(), parent) {
                        (b"territory", _) => {
                            let attr = |k: &str| attribute(e, k).map_err(|m| err_at(at, m));
                            let id = attr("id")?.ok_or_else(|| err_at(at, "a territory without an id".into()))?;
                            let cc = attr("countryCode")?
                                .ok_or_else(|| err_at(at, format!("territory {id} has no countryCode")))?;
                            let country_code =
                                cc.parse::<u16>().ok().filter(|c| (1..1000).contains(c)).ok_or_else(|| {
                                    err_at(at, format!("territory {id}: countryCode '{}' is not 1 to 999", cc))
                                })?;
                            territories.push(Territory {
                                id,
                                country_code,
                                national_prefix: attr("nationalPrefix")?,
                                descriptors: Vec::new(),
                                line: line_at(bytes, at),
                            });
                        }
                        (t, Some(b"territory")) => {
                            if let Some(kind) = DESCRIPTORS.iter().find(|d| d.as_bytes() == t) {
                                current = Some((kind, Descriptor { line: line_at(bytes, at), ..Default::default() }));
                            }
                        }
                        (b"nationalNumberPattern", _) if current.is_some() && !empty => in_pattern = true,
                        (b"possibleLengths", _) => {
                            if let (Some((_, d)), Some(v)) =
                                (current.as_mut(), attribute(e, "national").map_err(|m| err_at(at, m))?)
                            {
                                d.lengths = lengths(&v).map_err(|m| err_at(at, m))?;
                            }
                        }
                        _ => {}
                    }
                    if !empty {
                        stack.push(tag);
                    } else if current.as_ref().is_some_and(|(k, _)| k.as_bytes() == e.name().as_ref()) {
                        // `<voip/>`: a descriptor without a pattern describes no number.
                        current = None;
                    }
                }
                Event::End(ref e) => {
                    let tag = e.name().as_ref().to_vec();
                    stack.pop();
                    if tag == b"nationalNumberPattern" {
                        in_pattern = false;
                    } else if current.as_ref().is_some_and(|(k, _)| k.as_bytes() == tag.as_slice()) {
                        let (kind, d) = current.take().expect("checked");
                        let t = territories.last_mut().expect("a descriptor is inside a territory");
                        if !d.pattern.trim().is_empty() {
                            t.descriptors.push((kind, d));
                        }
                    }
                }
                Event::Text(ref t) if in_pattern => {
                    let text = t.decode().map_err(|e| err_at(at, format!("text is not UTF-8: {e}")))?;
                    if let Some((_, d)) = current.as_mut() {
                        d.pattern.push_str(&text);
                    }
                }
                Event::CData(ref t) if in_pattern => {
                    let text = t.decode().map_err(|e| err_at(at, format!("text is not UTF-8: {e}")))?;
                    if let Some((_, d)) = current.as_mut() {
                        d.pattern.push_str(&text);
                    }
                }
                Event::GeneralRef(ref r) if in_pattern => {
                    let text = match &**r {
                        b"amp" => "&",
                        b"lt" => "<",
                        b"gt" => ">",
                        b"quot" => "\"",
                        b"apos" => "'",
                        other => {
                            return Err(err_at(at, format!("unknown entity &{};", String::from_utf8_lossy(other))));
                        }
                    };
                    if let Some((_, d)) = current.as_mut() {
                        d.pattern.push_str(text);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !stack.is_empty() {
            let open = String::from_utf8_lossy(stack.last().map_or(&[][..], Vec::as_slice)).into_owned();
            return Err(Error::input(
                name,
                Some(line_at(bytes, bytes.len() as u64)),
                format!("the file ends inside <{open}>: not well-formed XML"),
            ));
        }
        if territories.is_empty() {
            return Err(Error::input(name, None, "no <territory> elements: not libphonenumber metadata"));
        }
        let file = std::path::Path::new(name).file_name().map_or(name.to_string(), |f| f.to_string_lossy().into());
        Ok(Metadata { name: file, territories })
    }

    /// The territory of region `id` (the first, for ids that repeat).
    pub fn territory(&self, id: &str) -> Option<&Territory> {
        self.territories.iter().find(|t| t.id.eq_ignore_ascii_case(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn possible_lengths_read_ranges_and_lists() {
        assert_eq!(lengths("9").unwrap(), vec![9]);
        assert_eq!(lengths("[8-10]").unwrap(), vec![8, 9, 10]);
        assert_eq!(lengths("[6-9],11").unwrap(), vec![6, 7, 8, 9, 11]);
        assert!(lengths("[9-").is_err());
        assert!(lengths("x").is_err());
    }
}
