//! Whether the first row is a header, and which columns hold the numbers — decided once, from a sample of the
//! first rows, and never by a silent guess: a column is chosen on its own only when it is the one column whose
//! values read as numbers of the plan; two such columns are an error that names both.

use csv::ByteRecord;

use super::encoding::TextEncoding;
use super::{Column, HeaderRow, InputOptions};
use crate::exclude::normalize::Normalizer;
use crate::foundation::error::{Message, Param, message};

/// Share of a column's non-empty sampled values that must read as phone numbers for it to count as a
/// column of numbers ("nearly every value": a few junk values are rejected and reported when read).
pub const NUMBER_SHARE: f64 = 0.9;

/// Words of header names that say "phone number" (a word starting with one of them counts).
const PHONE_WORDS: &[&str] =
    &["phone", "tel", "mobil", "msisdn", "gsm", "handy", "cell", "fax", "e164", "fon", "mob", "sms", "whatsapp"];
/// Words of header names that say "record id" (a word starting with one of them counts).
const ID_WORDS: &[&str] = &[
    "customer",
    "client",
    "kunde",
    "klient",
    "zakaznik",
    "zákazník",
    "contract",
    "smlouv",
    "order",
    "objedn",
    "invoice",
    "faktur",
    "account",
    "konto",
    "postcode",
    "postal",
    "ident",
    "member",
    "user",
];
/// Whole words of header names that say "record id".
const ID_TOKENS: &[&str] = &[
    "id", "ids", "uid", "guid", "key", "pk", "ico", "ičo", "dic", "dič", "zip", "psc", "psč", "plz", "rc", "ean", "sku",
];

fn words(name: &str) -> Vec<String> {
    name.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// Whether a header name says "phone".
pub(super) fn phone_named(name: &str) -> bool {
    words(name).iter().any(|w| PHONE_WORDS.iter().any(|p| w.starts_with(p)))
}

fn id_named(name: &str) -> bool {
    !phone_named(name)
        && words(name).iter().any(|w| ID_TOKENS.contains(&w.as_str()) || ID_WORDS.iter().any(|p| w.starts_with(p)))
}

/// What the sampled values of one column look like.
#[derive(Default)]
struct Sampled {
    nonempty: usize,
    /// Values that read as numbers of a length of the plan (or of another country).
    numbers: usize,
    /// Those that also start like a row of the plan.
    fit: usize,
    /// Values of digits only, and those values in order (for telling sequential ids).
    bare: usize,
    values: Vec<u64>,
}

impl Sampled {
    fn of(rows: &[ByteRecord], column: usize, normalizer: &Normalizer) -> Sampled {
        let mut s = Sampled::default();
        for cell in rows.iter().map(|r| r.get(column).unwrap_or(b"").trim_ascii()).filter(|c| !c.is_empty()) {
            s.nonempty += 1;
            if let Ok(n) = normalizer.parse_bytes(cell).map_err(|_| ()).and_then(|n| plausible(normalizer, n)) {
                s.numbers += 1;
                s.fit += usize::from(normalizer.fits_plan(&n));
            }
            if cell.iter().all(u8::is_ascii_digit) {
                s.bare += 1;
                if cell.len() <= 19 {
                    s.values.push(cell.iter().fold(0u64, |a, &d| a * 10 + u64::from(d - b'0')));
                }
            }
        }
        s
    }

    fn numbers_nearly_everywhere(&self) -> bool {
        self.nonempty > 0 && self.numbers as f64 >= NUMBER_SHARE * self.nonempty as f64
    }

    /// Numbers of the plan's lengths most of which start like no row of the plan (`100000001` for +420).
    fn off_plan(&self) -> bool {
        self.mostly_bare() && self.fit * 2 < self.numbers
    }

    fn mostly_bare(&self) -> bool {
        self.nonempty > 0 && self.bare * 10 >= self.nonempty * 9
    }

    /// Digits only, rising (or falling) in small steps from row to row, like record ids.
    fn sequential(&self) -> bool {
        if !self.mostly_bare() || self.values.len() < 5 {
            return false;
        }
        let steps: Vec<i128> = self.values.windows(2).map(|w| i128::from(w[1]) - i128::from(w[0])).collect();
        let up = steps.iter().filter(|&&d| (1..=1000).contains(&d)).count();
        let down = steps.iter().filter(|&&d| (-1000..=-1).contains(&d)).count();
        up.max(down) * 5 >= steps.len() * 4
    }
}

/// Whether the first row is a header, why, and the columns it names.
pub(super) struct Decided {
    pub header: bool,
    pub header_how: String,
    pub width: usize,
    pub columns: Vec<usize>,
    pub columns_how: String,
    pub watched: Vec<usize>,
}

/// A column as named in messages: `'Telefon' (column 3)`, or `column 3`.
pub(super) fn label(names: Option<&[String]>, column: usize) -> String {
    match names.and_then(|n| n.get(column)).filter(|n| !n.trim().is_empty()) {
        Some(name) => format!("'{}' (column {})", name.trim(), column + 1),
        None => format!("column {}", column + 1),
    }
}

/// A column with a note: `'Telefon' (column 3: note)`, or `column 3 (note)`.
fn label_with(names: Option<&[String]>, column: usize, note: &str) -> String {
    match names.and_then(|n| n.get(column)).filter(|n| !n.trim().is_empty()) {
        Some(name) => format!("'{}' (column {}: {note})", name.trim(), column + 1),
        None => format!("column {} ({note})", column + 1),
    }
}

/// Columns as they can be given back: header names when every one has a plain name, else 1-based positions.
pub(super) fn spec(names: Option<&[String]>, columns: &[usize]) -> String {
    let named: Option<Vec<&str>> = columns
        .iter()
        .map(|&c| names.and_then(|n| n.get(c)).map(|n| n.trim()).filter(|n| !n.is_empty() && !n.contains([',', '"'])))
        .collect();
    match named {
        Some(n) => n.join(","),
        None => columns.iter().map(|c| (c + 1).to_string()).collect::<Vec<_>>().join(","),
    }
}

/// A parsed number that can be one: of another country, or of a length of the plan.
pub(super) fn plausible(normalizer: &Normalizer, n: crate::PhoneNumber) -> Result<crate::PhoneNumber, ()> {
    if n.country_code != normalizer.country_code() || normalizer.is_plan_length(n.length) { Ok(n) } else { Err(()) }
}

/// Whether a field reads as a phone number that can be one.
pub(super) fn reads_as_number(normalizer: &Normalizer, field: &[u8]) -> bool {
    normalizer.parse_bytes(field.trim_ascii()).is_ok_and(|n| plausible(normalizer, n).is_ok())
}

fn has_text(field: &[u8]) -> bool {
    field.iter().any(|b| b.is_ascii_alphabetic() || *b >= 0x80)
}

/// Decides the header and the columns from `rows`, the first records of the input (blank lines and comments
/// left out); `Err` is the message of an input that cannot be read without more settings.
pub(super) fn decide(
    options: &InputOptions,
    rows: &[ByteRecord],
    encoding: TextEncoding,
    delimiter: u8,
) -> Result<Decided, Message> {
    let n = &options.normalizer;
    let Some(first) = rows.first() else {
        return Err("holds no rows".into());
    };
    let decode = |f: &[u8]| encoding.decode(f).trim().to_string();
    let names: Vec<String> = first.iter().map(decode).collect();
    let given: Option<Vec<usize>> = options
        .columns
        .iter()
        .map(|c| match c {
            Column::Index(i) => Some(*i),
            Column::Name(_) => None,
        })
        .collect();
    let named = !options.columns.is_empty() && given.is_none();
    let reads = |f: &[u8]| reads_as_number(n, f);
    let (header, header_how) = match options.header {
        HeaderRow::Yes => (true, "as given".to_string()),
        HeaderRow::No if named => {
            return Err(message!["columns can be named only with ", Param::Header, " yes or auto"]);
        }
        HeaderRow::No => (false, "as given".to_string()),
        HeaderRow::Auto if named => (true, "the columns are named".to_string()),
        HeaderRow::Auto => {
            // The cells that would be numbers: the given columns, or all.
            let cells: Vec<&[u8]> = match &given {
                Some(g) if !g.is_empty() => g.iter().filter_map(|&i| first.get(i)).collect(),
                _ => first.iter().collect(),
            };
            if cells.iter().any(|c| reads(c)) {
                (false, "detected: the first row holds a phone number".to_string())
            } else if first.iter().any(has_text) {
                (true, "detected: the first row holds names, no phone number".to_string())
            } else {
                (false, "detected: the first row holds no names".to_string())
            }
        }
    };
    let data = if header { &rows[1..] } else { rows };
    let mut widths = std::collections::BTreeMap::<usize, usize>::new();
    for r in data {
        *widths.entry(r.len()).or_default() += 1;
    }
    let modal = widths.iter().max_by_key(|(w, n)| (**n, **w)).map_or(0, |(w, _)| *w);
    let width = if header { first.len().max(modal) } else { modal.max(1) };
    let header_names = header.then_some(names.as_slice());
    let at = |c: usize| label(header_names, c);

    if !options.columns.is_empty() {
        let mut columns = Vec::new();
        for c in &options.columns {
            let index = match c {
                Column::Index(i) if *i < width => *i,
                Column::Index(i) => {
                    return Err(format!("there is no column {}: the rows have {width} columns", i + 1).into());
                }
                Column::Name(want) => {
                    let lower = want.trim().to_lowercase();
                    names.iter().position(|h| h.to_lowercase() == lower).ok_or_else(|| {
                        format!(
                            "no column named '{}' in the header '{}'",
                            want.trim(),
                            names.join(&char::from(delimiter).to_string())
                        )
                    })?
                }
            };
            if !columns.contains(&index) {
                columns.push(index);
            }
        }
        let labels: Vec<String> = columns.iter().map(|&c| at(c)).collect();
        // Other columns of numbers are named in the summary: the safe choice for an exclusion reads them too.
        let data = if header { &rows[1..] } else { rows };
        let others: Vec<String> = (0..width)
            .filter(|c| !columns.contains(c))
            .filter_map(|c| {
                let s = Sampled::of(data, c, n);
                let counts = format!("{} of {} sampled values", s.numbers, s.nonempty);
                s.numbers_nearly_everywhere().then(|| label_with(header_names, c, &counts))
            })
            .collect();
        let others = if others.is_empty() {
            String::new()
        } else {
            format!("; not read but also holding phone numbers: {}", others.join(", "))
        };
        return Ok(Decided {
            header,
            header_how,
            width,
            columns,
            columns_how: format!("{} as given{others}", labels.join(", ")),
            watched: Vec::new(),
        });
    }

    if data.is_empty() {
        return Err(if header { "holds a header and no rows below it".into() } else { "holds no rows".into() });
    }
    let sampled: Vec<Sampled> = (0..width).map(|c| Sampled::of(data, c, n)).collect();
    let counts = |c: usize| format!("{} of {} sampled values", sampled[c].numbers, sampled[c].nonempty);
    let name = |c: usize| header_names.and_then(|h| h.get(c)).map_or("", String::as_str);
    // Columns of numbers: those whose values nearly all read as numbers, and those named like a phone
    // column that hold any (a `mobil` column with some junk must not be left out unnoticed).
    let mut numbers: Vec<usize> = (0..width)
        .filter(|&c| sampled[c].numbers_nearly_everywhere() || (phone_named(name(c)) && sampled[c].numbers > 0))
        .collect();
    // Other columns with some numbers are named in the summary.
    let partly: Vec<String> = (0..width)
        .filter(|c| !numbers.contains(c) && sampled[*c].numbers > 0)
        .map(|c| label_with(header_names, c, &counts(c)))
        .collect();
    // Record ids that happen to read as numbers of the plan: named so, or rising in small steps.
    let mut ids = Vec::new();
    numbers.retain(|&c| {
        let why = if id_named(name(c)) && !phone_named(name(c)) {
            Some("named like a record id")
        } else if sampled[c].sequential() && !phone_named(name(c)) {
            Some("its values rise in small steps like record ids")
        } else if sampled[c].off_plan() && !phone_named(name(c)) {
            Some("most of its values start like no number of the plan")
        } else {
            None
        };
        if let Some(why) = why {
            ids.push(label_with(header_names, c, why));
        }
        why.is_none()
    });
    let mut notes: Vec<String> = ids.iter().map(|s| format!("not {s}")).collect();
    notes.extend(partly.iter().map(|s| format!("{s} also holds some numbers: name it too to read them")));
    let notes = if notes.is_empty() { String::new() } else { format!("; {}", notes.join("; ")) };
    match numbers.as_slice() {
        [c] => Ok(Decided {
            header,
            header_how,
            width,
            columns: vec![*c],
            // Columns with no number in the sample that might fill later: empty ones, and those named "phone".
            watched: (0..width)
                .filter(|&o| o != *c && sampled[o].numbers == 0 && (sampled[o].nonempty == 0 || phone_named(name(o))))
                .collect(),
            columns_how: format!("{}: the one column of phone numbers ({}){notes}", at(*c), counts(*c)),
        }),
        [] if let Some(hint) = options.other_country(data, width, &at) => Err(Message::from(format!(
            "no column reads as numbers of +{}'s plan in the first {} rows",
            n.country_code(),
            data.len()
        ))
        .then(hint)),
        [] if !ids.is_empty() => Err(message![
            format!(
                "no column reads as phone numbers but for record ids: {}; name the columns to read with ",
                ids.join(", ")
            ),
            Param::Columns,
            " if they hold phone numbers"
        ]),
        [] => {
            let best = (0..width).max_by_key(|&c| (sampled[c].numbers, std::cmp::Reverse(c))).unwrap_or(0);
            let why = if sampled[best].numbers == 0 {
                format!("no column holds phone numbers in the first {} rows", data.len())
            } else {
                format!(
                    "no column reads as phone numbers in nearly every row (the most: {})",
                    label_with(header_names, best, &counts(best))
                )
            };
            Err(message![why, "; name the columns to read with ", Param::Columns])
        }
        many => {
            let listed: Vec<String> = many.iter().map(|&c| label_with(header_names, c, &counts(c))).collect();
            // A name that says "phone" beside names that say only "number" (or nothing) is worth a hint, never a
            // choice: a `number` column of bare digits may hold customer numbers, or phone numbers.
            let by_name: Vec<usize> = many.iter().copied().filter(|&c| phone_named(name(c))).collect();
            let hint = match by_name.as_slice() {
                [p] if many.iter().all(|&c| c == *p || !phone_named(name(c))) => format!(
                    " ({} is named like a phone column: name it alone only if the others hold no phone numbers)",
                    at(*p)
                ),
                _ => String::new(),
            };
            Err(message![
                format!(
                    "{} columns read as phone numbers: {}; read all of them (the safe choice for an exclusion) with ",
                    many.len(),
                    listed.join(", ")
                ),
                Param::Columns,
                format!(" {}, or name the ones to read{hint}", spec(header_names, many))
            ])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_say_phone_id_or_only_number() {
        for phone in ["Telefon", "mobil", "Mobile phone", "MSISDN", "tel.", "Číslo telefonu", "customer_phone", "GSM"]
        {
            assert!(phone_named(phone) && !id_named(phone), "{phone}");
        }
        for id in ["id", "customer_id", "Číslo zákazníka", "CustomerNumber", "IČO", "kundennr"] {
            assert!(id_named(id) && !phone_named(id), "{id}");
        }
        for generic in ["number", "Nr", "číslo"] {
            assert!(!phone_named(generic) && !id_named(generic), "a bare 'number' says neither: {generic}");
        }
    }

    #[test]
    fn ids_rise_in_small_steps_and_phone_numbers_do_not() {
        let n = Normalizer::for_plan(&crate::Plan::embedded("cz").unwrap());
        let rows = |cells: &[&str]| cells.iter().map(|c| ByteRecord::from(vec![*c])).collect::<Vec<_>>();
        let ids = rows(&["601000001", "601000002", "601000003", "601000005", "601000006", "601000007"]);
        assert!(Sampled::of(&ids, 0, &n).sequential());
        let phones = rows(&["601123456", "732987654", "602555111", "777123456", "603000111", "724111222"]);
        let s = Sampled::of(&phones, 0, &n);
        assert!(!s.sequential() && !s.off_plan() && s.numbers_nearly_everywhere());
        let off = rows(&["100000001", "100000017", "100000002", "100000333", "100000004"]);
        assert!(Sampled::of(&off, 0, &n).off_plan(), "no Czech number starts with 1");
    }
}
