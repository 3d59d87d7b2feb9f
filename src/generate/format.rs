//! The shapes of a call list request: output formats (and the bytes a dialer format shares per segment),
//! shards and the request itself.

use std::str::FromStr;

/// Output format of a call list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ListFormat {
    /// `number,type,region,index` with a header row.
    #[default]
    Csv,
    /// One E.164 number per line.
    Txt,
    /// VICIdial's standard lead file: tab-separated, no header, the 23 standard columns
    /// `vendor_lead_code, source_code, list_id, phone_code, phone_number, title, first_name, middle, last_name,
    /// address1, address2, address3, city, state, province, postal_code, country, gender, date_of_birth,
    /// alt_phone, email, security_phrase, comments`. dialsim fills the first five: the list position (so a
    /// lead leads back to its place in the list), `dialsim`, the list id, the country calling code and the
    /// national number; the others are empty (a random number has no name or address).
    Vicidial {
        /// VICIdial's list id. There is no default: VICIdial's own default, 999, is its reserved list for
        /// inactive inbound leads, where loaded numbers are never dialled.
        list_id: u64,
    },
    /// A CSV for dialers that import numbers apart from their country:
    /// `country_code,national_number,e164,type,region,time_zone` with a header row. The time zone is the IANA
    /// name where the region has one zone (CZ, SK, DE, GB and the Crown Dependencies); for +1 numbers, the
    /// zone of the area code (`data/nanp-zones.csv`; an area code that spans zones has them all, separated
    /// by spaces); else empty.
    DialerCsv,
}

impl FromStr for ListFormat {
    type Err = String;
    /// Parses `csv`, `txt`, `vicidial:LIST_ID` or `dialer-csv`. `vicidial` needs its list id: VICIdial's
    /// default list, 999, holds inactive inbound leads, so a list loaded there would never be dialled.
    ///
    /// ```
    /// use dialsim::ListFormat;
    /// assert_eq!("vicidial:1001".parse::<ListFormat>().unwrap(), ListFormat::Vicidial { list_id: 1001 });
    /// assert_eq!("vicidial:1001".parse::<ListFormat>().unwrap().to_string(), "vicidial:1001");
    /// assert!("vicidial".parse::<ListFormat>().is_err());
    /// ```
    fn from_str(s: &str) -> std::result::Result<ListFormat, String> {
        match s {
            "csv" => Ok(ListFormat::Csv),
            "txt" => Ok(ListFormat::Txt),
            "vicidial" => Err(format!(
                "format '{s}' needs a list id, vicidial:ID (VICIdial's default list 999 is its reserved list of \
                 inactive inbound leads, never dialled)"
            )),
            "dialer-csv" => Ok(ListFormat::DialerCsv),
            _ => match s.strip_prefix("vicidial:").map(str::parse::<u64>) {
                Some(Ok(list_id)) => Ok(ListFormat::Vicidial { list_id }),
                Some(Err(_)) => Err(format!("unknown format '{s}': the list id of vicidial:ID is a whole number")),
                None => Err(format!("unknown format '{s}' (expected csv, txt, vicidial or dialer-csv)")),
            },
        }
    }
}

impl std::fmt::Display for ListFormat {
    /// The name [`ListFormat::from_str`] reads back (`vicidial` with its list id).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListFormat::Csv => f.write_str("csv"),
            ListFormat::Txt => f.write_str("txt"),
            ListFormat::Vicidial { list_id } => write!(f, "vicidial:{list_id}"),
            ListFormat::DialerCsv => f.write_str("dialer-csv"),
        }
    }
}

/// The `time_zone` cell of dialer-csv for numbers of a segment (`region`, `country_code`, national `prefix` of
/// numbers `length` digits long): by area code for NANP numbers (several zones space-separated), else the
/// region's one zone, else empty.
pub(super) fn segment_time_zone(region: &str, country_code: u16, prefix: &str, length: u8) -> String {
    if country_code == 1 && length == 10 {
        if let Some(area) = prefix.get(..3).and_then(|a| a.parse::<u64>().ok()) {
            // The first number under the area code stands for all of them: the table is keyed by area code.
            return u16::try_from(area).map_or(String::new(), |a| crate::jurisdiction::nanp_zones(a).join(" "));
        }
        return String::new();
    }
    crate::jurisdiction::region_time_zone(region).to_string()
}

/// The bytes of a dialer-format record that one segment's numbers share: `a`, the national digits, `m`, the
/// digits again (dialer-csv only), `b`.
#[derive(Clone, Debug, Default)]
pub(super) struct Pieces {
    pub(super) a: Vec<u8>,
    pub(super) m: Vec<u8>,
    pub(super) b: Vec<u8>,
}

/// Copies `bytes` to the start of `out`; returns their length.
pub(super) fn put(out: &mut [u8], bytes: &[u8]) -> usize {
    out[..bytes.len()].copy_from_slice(bytes);
    bytes.len()
}

/// The 18 empty standard columns after phone_number in VICIdial's standard layout.
pub(super) const VICIDIAL_EMPTY_COLUMNS: usize = 18;

/// Shard `index` of `count` (1-based), written `K/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// K, from 1 to N.
    pub index: u64,
    /// N ≥ 1.
    pub count: u64,
}

impl Shard {
    /// The whole list (1/1).
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };
}

impl FromStr for Shard {
    type Err = String;
    /// Parses `K/N` with 1 ≤ K ≤ N.
    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("shard '{s}' must be K/N with 1 <= K <= N, e.g. 2/3");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRequest {
    /// First list position (resume point).
    pub start: u64,
    /// How many positions of the unsharded list, from `start`; `None` = to the end of the space.
    pub count: Option<u64>,
    /// Which shard to emit.
    pub shard: Shard,
    /// Output format.
    pub format: ListFormat,
    /// Worker threads (≥ 1); the output does not depend on it.
    pub threads: usize,
}

impl Default for ListRequest {
    fn default() -> ListRequest {
        ListRequest { start: 0, count: Some(20), shard: Shard::WHOLE, format: ListFormat::Csv, threads: 1 }
    }
}
