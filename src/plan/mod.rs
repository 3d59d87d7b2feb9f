//! Numbering plans: which national numbers exist in a country, by type.
//!
//! A plan is a list of rows `region,type,prefix,length`: every national number of `length` digits that starts
//! with `prefix` is a valid number of `type` in `region`. The shipped plans are derived from libphonenumber's
//! metadata by [`derive`] (`dialsim plan derive PhoneNumberMetadata.xml`) and embedded in the binary; users
//! can load their own CSV, or derive one for any region from any metadata release.
//! Loading validates every row and reports problems with file and line; this module never prints.

#[cfg(feature = "derive")]
pub mod derive;
mod embedded;
mod kind;
pub(crate) mod number;
pub(crate) mod space;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

pub use kind::NumberType;

use crate::foundation::error::{Error, Result};

/// The most digits of a number, country code included. E.164 allows 15, but libphonenumber lists longer
/// national numbers (Germany's fixed lines reach 15 national digits); 19 digits still fit a `u64` key.
pub const MAX_DIGITS: usize = 19;

/// One row of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanRow {
    /// ISO region of libphonenumber, e.g. `CZ`.
    pub region: String,
    /// Country calling code of the region, e.g. 420.
    pub country_code: u16,
    /// Number type.
    pub kind: NumberType,
    /// National digit prefix (may be empty).
    pub prefix: String,
    /// National number length in digits.
    pub length: u8,
    /// Line of the row in its file.
    pub line: u64,
}

impl PlanRow {
    /// How many numbers the row holds: 10^(length − prefix length).
    pub fn count(&self) -> u64 {
        10u64.pow(u32::from(self.length) - self.prefix.len() as u32)
    }
}

/// A validated numbering plan.
#[derive(Clone, Debug)]
pub struct Plan {
    name: String,
    rows: Vec<PlanRow>,
    comments: Vec<String>,
}

/// The expected header of a plan file.
pub const PLAN_HEADER: [&str; 4] = ["region", "type", "prefix", "length"];

impl Plan {
    /// Names of the plans embedded in the binary (`cz`, `sk`, `de`, `gb`, `us`).
    pub fn embedded_names() -> impl Iterator<Item = &'static str> {
        embedded::PLANS.iter().map(|(name, _)| *name)
    }

    /// The embedded plans of country `cc` (the country's whole national plan, as far as dialsim
    /// embeds it), each parsed once per process and only when asked for.
    pub(crate) fn embedded_for_country(cc: u16) -> Vec<&'static Plan> {
        static PARSED: [std::sync::OnceLock<Option<Plan>>; embedded::PLANS.len()] =
            [const { std::sync::OnceLock::new() }; embedded::PLANS.len()];
        fn first_region(text: &str) -> Option<&str> {
            text.lines().find(|l| !l.starts_with('#') && !l.starts_with("region,")).and_then(|l| l.split(',').next())
        }
        embedded::PLANS
            .iter()
            .enumerate()
            .filter(|(_, (_, text))| first_region(text).and_then(country_code) == Some(cc))
            .filter_map(|(i, (name, text))| PARSED[i].get_or_init(|| Plan::parse(name, text.as_bytes()).ok()).as_ref())
            .collect()
    }

    /// An embedded plan by name.
    ///
    /// ```
    /// let plan = dialsim::Plan::embedded("cz").unwrap();
    /// assert_eq!(plan.rows()[0].country_code, 420);
    /// ```
    pub fn embedded(name: &str) -> Result<Plan> {
        let lower = name.to_ascii_lowercase();
        let (_, text) = embedded::PLANS.iter().find(|(n, _)| *n == lower).ok_or_else(|| {
            let names: Vec<&str> = Plan::embedded_names().collect();
            Error::Request(
                format!(
                    "unknown plan '{name}': embedded plans are {}; or give a plan file ending in .csv",
                    names.join(", ")
                )
                .into(),
            )
        })?;
        Plan::parse(&lower, text.as_bytes())
    }

    /// An embedded plan when `spec` names one, otherwise a plan file at that path.
    pub fn resolve(spec: &str) -> Result<Plan> {
        let lower = spec.to_ascii_lowercase();
        if Plan::embedded_names().any(|n| n == lower) {
            return Plan::embedded(&lower);
        }
        if spec.ends_with(".csv") || Path::new(spec).exists() {
            return Plan::load(spec);
        }
        Plan::embedded(spec)
    }

    /// Loads and validates a plan file.
    pub fn load(path: impl AsRef<Path>) -> Result<Plan> {
        let path = path.as_ref();
        let bytes = crate::foundation::open::read(path, crate::foundation::open::Bound::PLAN)?;
        Plan::parse(&path.display().to_string(), &bytes)
    }

    /// Parses and validates plan CSV text; `name` is used in error messages.
    pub fn parse(name: &str, bytes: &[u8]) -> Result<Plan> {
        let lf = lf_line_ends(bytes);
        let bytes = &lf[..];
        let comments: Vec<String> = bytes
            .split(|&b| b == b'\n')
            .take_while(|l| l.starts_with(b"#"))
            .map(|l| String::from_utf8_lossy(&l[1..]).trim().to_string())
            .collect();
        let mut reader =
            csv::ReaderBuilder::new().comment(Some(b'#')).has_headers(true).trim(csv::Trim::All).from_reader(bytes);
        let csv_err = |e: csv::Error| {
            let line = e.position().map(|p| p.line());
            Error::input(name, line, format!("not a valid CSV row: {e}"))
        };
        let header = reader.headers().map_err(csv_err)?.clone();
        let header_line = comments.len() as u64 + 1;
        if header.iter().collect::<Vec<_>>() != PLAN_HEADER {
            return Err(Error::input(
                name,
                Some(header_line),
                format!(
                    "expected the header 'region,type,prefix,length', found '{}'",
                    crate::foundation::error::snippet(&header.iter().collect::<Vec<_>>().join(","))
                ),
            ));
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_err)?;
            let line = record.position().map_or(0, |p| p.line());
            rows.push(parse_row(name, line, &record)?);
        }
        if rows.is_empty() {
            return Err(Error::input(name, None, "the plan has no rows"));
        }
        check_overlaps(name, &rows)?;
        Ok(Plan { name: name.to_string(), rows, comments })
    }

    /// The plan's name (embedded name or file path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The rows, in file order.
    pub fn rows(&self) -> &[PlanRow] {
        &self.rows
    }

    /// The `#` comment lines at the top of the file (provenance).
    pub fn comments(&self) -> &[String] {
        &self.comments
    }

    /// The libphonenumber metadata version the plan was derived from, from its `# metadata: libphonenumber
    /// VERSION` comment (`None` for a plan written by hand).
    ///
    /// ```
    /// assert_eq!(dialsim::Plan::embedded("cz").unwrap().metadata_version(), Some("9.0.35"));
    /// ```
    pub fn metadata_version(&self) -> Option<&str> {
        self.comments
            .iter()
            .find_map(|c| c.strip_prefix("metadata: libphonenumber "))
            .and_then(|rest| rest.split_whitespace().next())
    }

    /// How many numbers of each type the plan holds.
    pub fn counts(&self) -> BTreeMap<NumberType, u64> {
        let mut counts = BTreeMap::new();
        for row in &self.rows {
            *counts.entry(row.kind).or_insert(0) += row.count();
        }
        counts
    }

    /// The country calling code of the plan's first row (the default for normalising national numbers).
    pub fn country_code(&self) -> u16 {
        self.rows[0].country_code
    }
}

fn parse_row(name: &str, line: u64, record: &csv::StringRecord) -> Result<PlanRow> {
    let err = |message: String| Error::input(name, Some(line), message);
    if record.len() != 4 {
        return Err(err(format!("expected 4 fields (region,type,prefix,length), found {}", record.len())));
    }
    let region = record[0].to_string();
    let country_code = country_code(&region).ok_or_else(|| {
        err(format!(
            "unknown region '{}' (expected a libphonenumber region such as CZ)",
            crate::foundation::error::snippet(&region)
        ))
    })?;
    let kind: NumberType = record[1].parse().map_err(err)?;
    let prefix = record[2].to_string();
    if !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(format!("prefix '{}' must be digits only", crate::foundation::error::snippet(&prefix))));
    }
    let length: u8 = record[3].parse().map_err(|_| {
        err(format!("length '{}' must be a whole number of digits", crate::foundation::error::snippet(&record[3])))
    })?;
    let cc_digits = country_code.to_string().len();
    if length == 0 || cc_digits + usize::from(length) > MAX_DIGITS {
        return Err(err(format!(
            "length {length} is out of range: +{country_code} numbers have 1 to {} national digits",
            MAX_DIGITS - cc_digits
        )));
    }
    if prefix.len() > usize::from(length) {
        return Err(err(format!(
            "prefix '{}' is longer than the length {length}",
            crate::foundation::error::snippet(&prefix)
        )));
    }
    Ok(PlanRow { region, country_code, kind, prefix, length, line })
}

/// No two rows may cover the same number: same country code and length, one prefix a prefix of the other.
fn check_overlaps(name: &str, rows: &[PlanRow]) -> Result<()> {
    let mut seen: HashMap<(u16, u8, &str), u64> = HashMap::with_capacity(rows.len());
    for row in rows {
        if let Some(first) = seen.insert((row.country_code, row.length, &row.prefix), row.line) {
            return Err(Error::input(
                name,
                Some(row.line),
                format!("prefix '{}' length {} repeats the row at line {first}", row.prefix, row.length),
            ));
        }
    }
    for row in rows {
        for cut in 0..row.prefix.len() {
            if let Some(&other) = seen.get(&(row.country_code, row.length, &row.prefix[..cut])) {
                return Err(Error::input(
                    name,
                    Some(row.line),
                    format!(
                        "prefix '{}' length {} overlaps the row at line {other} (prefix '{}' covers it)",
                        row.prefix,
                        row.length,
                        &row.prefix[..cut]
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// One row of the embedded region table.
struct RegionInfo {
    country_code: u16,
    national_prefix: String,
}

fn region_table() -> &'static HashMap<String, RegionInfo> {
    static TABLE: OnceLock<HashMap<String, RegionInfo>> = OnceLock::new();
    TABLE.get_or_init(|| {
        embedded::REGIONS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("region,"))
            .filter_map(|l| {
                let mut f = l.split(',');
                let region = f.next()?.to_string();
                let country_code = f.next()?.trim().parse().ok()?;
                let national_prefix = f.next().unwrap_or("").trim().to_string();
                Some((region, RegionInfo { country_code, national_prefix }))
            })
            .collect()
    })
}

/// `bytes` with CRLF and lone CR line ends made LF: the csv reader counts only LF, and reports the rows of a
/// CRLF file one line low.
fn lf_line_ends(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if !bytes.contains(&b'\r') {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\r' => out.push(b'\n'),
            b'\n' if i > 0 && bytes[i - 1] == b'\r' => {}
            _ => out.push(b),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The country calling code of a libphonenumber region (`CZ` → 420), from the embedded region table.
pub fn country_code(region: &str) -> Option<u16> {
    region_table().get(region).map(|r| r.country_code)
}

/// Whether `code` is a country calling code of some region.
pub fn is_country_code(code: u16) -> bool {
    static CODES: OnceLock<Vec<bool>> = OnceLock::new();
    let codes = CODES.get_or_init(|| {
        let mut v = vec![false; 1000];
        for r in region_table().values() {
            v[usize::from(r.country_code)] = true;
        }
        v
    });
    codes.get(usize::from(code)).copied().unwrap_or(false)
}

/// The national (trunk) prefix dialled before national numbers under country code `code` (`0` for +49,
/// `1` for +1, none for +420); the first region of the code in alphabetical order decides.
pub fn national_prefix(code: u16) -> Option<&'static str> {
    let table = region_table();
    let mut regions: Vec<(&String, &RegionInfo)> = table.iter().filter(|(_, r)| r.country_code == code).collect();
    regions.sort_by_key(|(name, _)| name.as_str());
    regions.first().map(|(_, r)| r.national_prefix.as_str()).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crlf_plan_reports_errors_on_the_line_they_are_on() {
        for end in ["\n", "\r\n", "\r"] {
            let text = ["region,type,prefix,length", "CZ,mobile,60,9", "CZ,mobile,61,nine", ""].join(end);
            let e = Plan::parse("plan.csv", text.as_bytes()).unwrap_err().to_string();
            assert!(e.starts_with("plan.csv:3:"), "line ends {end:?}: {e}");
        }
    }
}
