//! Where a scenario's values come from and how problems with them are told: the line that sets a key, `--set
//! key=value` overrides merged into the parsed table, serde/toml messages rewritten in plain words, and the
//! dates and times a scenario writes.

use super::Scenario;
use super::schema;
use super::typo::did_you_mean;
use crate::foundation::error::{Error, Result};

/// 1-based line of byte offset `at` in `text`.
pub(super) fn line_of(text: &str, at: usize) -> u64 {
    text[..at.min(text.len())].bytes().filter(|&b| b == b'\n').count() as u64 + 1
}

/// The line that sets `path` (`section.key`, or a field of an inline table such as
/// `population.answer_delay.mean`), else the line of its nearest ancestor the file writes (the `[section]`
/// header, an inline table, an array of tables), else None. Read from the parser's spans, so dotted keys and
/// inline tables are found as well as `key = value` lines.
pub(super) fn find_key(text: &str, path: &str) -> Option<u64> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut at = None;
    for part in path.split('.') {
        let Some((key, value)) = table.iter().find(|(k, _)| k.get_ref() == part) else { break };
        at = Some(key.span().start);
        match value.get_ref() {
            toml::de::DeValue::Table(inner) => table = inner,
            _ => break,
        }
    }
    at.map(|at| line_of(text, at))
}

/// `compliance.referral` is the older name of `referrals.share` (bench-day.toml, frozen, still says it): read,
/// moved to `referrals.share`, never written. An override beats the file; the two names from the same place
/// (both in the file, or both overridden) are refused.
pub(super) fn move_referral_alias(
    scenario: &mut Scenario,
    name: &str,
    text: &str,
    share_in_file: bool,
    overrides: &[String],
) -> Result<()> {
    let Some(share) = scenario.compliance.referral.take() else { return Ok(()) };
    let overridden = |key: &str| overrides.iter().any(|o| o.split('=').next().is_some_and(|k| k.trim() == key));
    let clash = "compliance.referral is the older name of referrals.share: give only referrals.share";
    match (overridden("compliance.referral"), overridden("referrals.share")) {
        (true, true) => {
            let old =
                overrides.iter().rev().find(|o| o.split('=').next().is_some_and(|k| k.trim() == "compliance.referral"));
            Err(Error::scenario_override(old.map_or("compliance.referral", String::as_str), clash))
        }
        (true, false) => {
            scenario.referrals.share = share;
            Ok(())
        }
        (false, true) => Ok(()),
        (false, false) if share_in_file => Err(Error::input(name, find_key(text, "compliance.referral"), clash)),
        (false, false) => {
            scenario.referrals.share = share;
            Ok(())
        }
    }
}

/// Merges `key.path=value` into the table; the value is TOML (`5`, `"x"`, `[1,2]`) or a bare word.
pub(super) fn apply_override(table: &mut toml::Table, o: &str) -> Result<()> {
    let bad = |m: String| Error::scenario_override(o, m);
    let (path, value) = o.split_once('=').ok_or_else(|| bad("expected key=value, e.g. dialer.agents=30".into()))?;
    let path: Vec<&str> = path.trim().split('.').collect();
    if path == [""] {
        return Err(bad("no key before '=': expected key=value, e.g. dialer.agents=30".into()));
    }
    if path.iter().any(|p| p.trim().is_empty()) {
        return Err(bad("an empty part in the key: its parts are joined by single dots, e.g. dialer.agents".into()));
    }
    let value = value.trim();
    let parsed: toml::Value = match format!("v = {value}").parse::<toml::Table>() {
        Ok(mut t) => t.remove("v").expect("v"),
        // A bare comma list for a key whose value is a list: `numbers.types=mobile,fixedLine`. A key whose
        // value is a string keeps its commas (`compliance.controller=X, s.r.o.`).
        Err(_) if value.contains(',') && is_list_key(&path) => toml::Value::Array(
            value
                .split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| match format!("v = {x}").parse::<toml::Table>() {
                    Ok(mut t) => t.remove("v").expect("v"),
                    Err(_) => toml::Value::String(x.to_string()),
                })
                .collect(),
        ),
        Err(_) => toml::Value::String(value.to_string()),
    };
    let (last, parents) = path.split_last().ok_or_else(|| bad("empty key".into()))?;
    let mut t = table;
    for p in parents {
        let entry = t.entry(p.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        t = entry.as_table_mut().ok_or_else(|| bad(format!("'{p}' is not a section")))?;
    }
    t.insert(last.to_string(), parsed);
    Ok(())
}

/// Whether the scenario key at `path` holds a list (the key table's type).
fn is_list_key(path: &[&str]) -> bool {
    schema::find(&path.join(".")).is_some_and(|k| k.kind.is_list())
}

/// A serde or toml message in plain words: kinds instead of Rust type names ("expected u32" → "expected a
/// whole number"), "expected X, got Y" instead of "invalid type: Y, expected X", and the key in front when it
/// is known.
pub(super) fn plain_message(message: &str, key: Option<&str>) -> String {
    let kind = |rust: &str| -> String {
        let rust = rust.trim();
        let word = rust.split_whitespace().next().unwrap_or("");
        match word {
            "u8" => format!("a whole number from 0 to {}", u8::MAX),
            "u16" => format!("a whole number from 0 to {}", u16::MAX),
            "u32" => format!("a whole number from 0 to {}", u32::MAX),
            "u64" | "usize" => format!("a whole number from 0 to {}", u64::MAX),
            "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".into(),
            "f32" | "f64" => "a number".into(),
            "struct" | "a" if rust.starts_with("struct") || rust == "a map" => "a table of settings".into(),
            "a" if rust == "a sequence" => "a list".into(),
            "internally" | "enum" => "a table with a `dist` key".into(),
            _ => rust.to_string(),
        }
    };
    let got = |what: &str| -> String {
        let what = what.trim();
        match what.split_once(' ') {
            Some(("string", v)) => format!("the text {v}"),
            Some(("integer", v)) | Some(("floating", v)) => {
                format!("the number {}", v.trim_start_matches("point ").trim_matches('`'))
            }
            Some(("boolean", v)) => v.trim_matches('`').to_string(),
            _ if what == "sequence" => "a list".into(),
            _ if what == "map" => "a table".into(),
            _ => what.to_string(),
        }
    };
    let message = message.trim();
    let plain = if let Some(rest) =
        message.strip_prefix("invalid type: ").or_else(|| message.strip_prefix("invalid value: "))
    {
        match rest.rsplit_once(", expected ") {
            Some((found, expected)) => format!("expected {}, got {}", kind(expected), got(found)),
            None => rest.to_string(),
        }
    } else if let Some(rest) = message.strip_prefix("unknown field ") {
        match rest.split_once(", expected ") {
            Some((field, known)) => {
                let known = known.trim_start_matches("one of ");
                // An override's whole dotted key is matched against every key; a file's key against its
                // section's.
                let hint = match key {
                    Some(k) => did_you_mean(k, schema::settable().iter().map(|(n, _)| n.as_str())),
                    None => did_you_mean(field.trim_matches('`'), known.split(", ").map(|k| k.trim_matches('`'))),
                };
                format!("unknown key {field}{hint} (the keys here: {known})")
            }
            None => format!("unknown key {rest}"),
        }
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        match rest.split_once(", expected ") {
            Some((v, known)) => {
                let known = known.trim_start_matches("one of ");
                let hint = did_you_mean(v.trim_matches('`'), known.split(", ").map(|k| k.trim_matches('`')));
                format!("unknown value {v}{hint} (one of {known})")
            }
            None => format!("unknown value {rest}"),
        }
    } else if let Some(rest) = message.strip_prefix("missing field ") {
        format!("missing key {rest}")
    } else {
        message.to_string()
    };
    match key {
        Some(k) => format!("{k}: {plain}"),
        None => plain,
    }
}

/// Minutes after midnight of `HH:MM`.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// A date or time key's value as text: a string as written, or a TOML date (`2026-01-05`) or time (`09:00`)
/// written without quotes, as TOML writes them (a time of whole minutes as `HH:MM`). Any other value is refused
/// with what it is.
pub(super) fn date_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    use serde::Deserialize as _;
    match toml::Value::deserialize(d)? {
        toml::Value::String(s) => Ok(s),
        toml::Value::Datetime(dt) => Ok(match (dt.date, dt.time, dt.offset) {
            (None, Some(t), None) if t.second.unwrap_or(0) == 0 && t.nanosecond.unwrap_or(0) == 0 => {
                format!("{:02}:{:02}", t.hour, t.minute)
            }
            _ => dt.to_string(),
        }),
        other => {
            let got = match &other {
                toml::Value::Integer(_) | toml::Value::Float(_) => format!("the number {other}"),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Array(_) => "a list".into(),
                _ => "a table".into(),
            };
            Err(serde::de::Error::custom(format!(
                "expected a date or time as text (e.g. \"2026-01-05\", \"09:00\"), got {got}"
            )))
        }
    }
}
