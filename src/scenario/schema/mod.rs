//! The key table: every key a scenario accepts, once — its dotted name, type, unit, range, allowed values and
//! a one-line description; its default is read from the embedded default scenario, never retyped.
//!
//! Everything that names scenario keys reads [`keys`]: the range checks of `validate` (a key's bounds are
//! looked up here), "did you mean" for a mistyped key or value, `dialsim keys` (text, `--json`, `--markdown`,
//! docs/keys.md) and the shell completions of `--set` and `--vary`. A new scenario field is one row here; a
//! test (`tests/it/keys.rs`) fails when the serde structs accept a key this table lacks, or the table names a
//! key they refuse.
//!
//! Names may hold variable parts: `<type>` (a number type with a `[population.TYPE]` section),
//! `<number_type>` (any libphonenumber type), `<digits>` (a national prefix) and `[]` (each entry of an array
//! of tables, such as `[[shifts]]`). This module never prints and knows no flags.

use std::sync::LazyLock;

use super::Scenario;

mod table;

/// What a key's value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A number.
    Number,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Bool,
    /// Text.
    Text,
    /// One of the allowed values.
    Choice,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A time of day, `HH:MM`.
    Time,
    /// A distribution of durations: `{ dist = "...", mean = ..., cv = ... }` or `{ dist = "fixed", value = ... }`.
    Distribution,
    /// A list of texts.
    TextList,
    /// A list of numbers.
    NumberList,
    /// A list of allowed values.
    ChoiceList,
    /// A list of dates.
    DateList,
    /// A list of times of day.
    TimeList,
    /// A table of numbers by name.
    NumberTable,
    /// An array of tables (`[[shifts]]`); each entry's keys are listed as `NAME[].KEY`.
    TableList,
}

impl Kind {
    /// The name shown by `dialsim keys` and in its JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Number => "number",
            Kind::Integer => "integer",
            Kind::Bool => "bool",
            Kind::Text => "text",
            Kind::Choice => "choice",
            Kind::Date => "date",
            Kind::Time => "time",
            Kind::Distribution => "distribution",
            Kind::TextList => "list of text",
            Kind::NumberList => "list of numbers",
            Kind::ChoiceList => "list of choices",
            Kind::DateList => "list of dates",
            Kind::TimeList => "list of times",
            Kind::NumberTable => "table of numbers",
            Kind::TableList => "list of tables",
        }
    }

    /// Whether the value is a list (the range and allowed values hold for each element).
    pub fn is_list(self) -> bool {
        matches!(self, Kind::TextList | Kind::NumberList | Kind::ChoiceList | Kind::DateList | Kind::TimeList)
    }
}

/// One end of a key's range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// The value.
    pub value: f64,
    /// Whether the value itself is outside the range.
    pub exclusive: bool,
}

/// One scenario key of the table.
#[derive(Clone, Debug)]
pub struct Key {
    /// The dotted name, with variable parts in angle brackets (`population.<type>.person`).
    pub name: String,
    /// What its value is.
    pub kind: Kind,
    /// The unit (`s`, `min`, `h`, `days`, `share`, `currency`, …; empty for none).
    pub unit: &'static str,
    /// The lowest value (of each element, for a list); none: no lower bound beyond the type's.
    pub min: Option<Bound>,
    /// The highest value (of each element, for a list).
    pub max: Option<Bound>,
    /// The values a choice (or each element of a list of choices) may take.
    allowed: Option<fn() -> Vec<&'static str>>,
    /// A valid value (TOML) for a key the default scenario leaves out, for tests and the reference.
    example: Option<&'static str>,
    /// What it sets, in one line.
    pub description: String,
}

impl Key {
    fn new(name: &str, kind: Kind, unit: &'static str, description: &str) -> Key {
        Key {
            name: name.to_string(),
            kind,
            unit,
            min: None,
            max: None,
            allowed: None,
            example: None,
            description: description.to_string(),
        }
    }

    fn range(mut self, lo: f64, hi: f64) -> Key {
        self.min = Some(Bound { value: lo, exclusive: false });
        self.max = Some(Bound { value: hi, exclusive: false });
        self
    }

    fn above(mut self, lo: f64) -> Key {
        self.min = Some(Bound { value: lo, exclusive: true });
        self
    }

    fn at_most(mut self, hi: f64) -> Key {
        self.max = Some(Bound { value: hi, exclusive: false });
        self
    }

    fn one_of(mut self, allowed: fn() -> Vec<&'static str>) -> Key {
        self.allowed = Some(allowed);
        self
    }

    fn example(mut self, toml: &'static str) -> Key {
        self.example = Some(toml);
        self
    }

    /// The allowed values of a choice (empty for other kinds).
    pub fn allowed(&self) -> Vec<&'static str> {
        self.allowed.map(|f| f()).unwrap_or_default()
    }

    /// The inclusive bounds `(low, high)`, when the key has both and neither is exclusive.
    pub fn bounds(&self) -> Option<(f64, f64)> {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) if !lo.exclusive && !hi.exclusive => Some((lo.value, hi.value)),
            _ => None,
        }
    }

    /// The range in words: `0 to 1`, `above 0, at most 1`, `at least 1` (empty: none).
    pub fn range_text(&self) -> String {
        let end = |b: Bound| b.value.to_string();
        match (self.min, self.max) {
            (Some(lo), Some(hi)) if !lo.exclusive && !hi.exclusive => format!("{} to {}", end(lo), end(hi)),
            (Some(lo), Some(hi)) => format!(
                "{} {}, {} {}",
                if lo.exclusive { "above" } else { "at least" },
                end(lo),
                if hi.exclusive { "below" } else { "at most" },
                end(hi)
            ),
            (Some(lo), None) => format!("{} {}", if lo.exclusive { "above" } else { "at least" }, end(lo)),
            (None, Some(hi)) => format!("{} {}", if hi.exclusive { "below" } else { "at most" }, end(hi)),
            (None, None) => String::new(),
        }
    }

    /// Whether the name holds a variable part (`<type>`, `<digits>`, `[]`).
    pub fn is_pattern(&self) -> bool {
        self.name.contains('<') || self.name.contains("[]")
    }

    /// The key's value in the embedded default scenario, as TOML (none: the default scenario leaves it out, or
    /// the name is a pattern).
    pub fn default_value(&self) -> Option<String> {
        value_at(&DEFAULT_DAY, &self.name).map(|v| show(&v))
    }

    /// The value a scenario file that leaves the key out gets, as TOML (none: the key stays unset).
    pub fn absent_value(&self) -> Option<String> {
        if let Some(field) = self.name.strip_prefix("shifts[].") {
            return value_at(&ABSENT_SHIFT, field).map(|v| show(&v));
        }
        value_at(&ABSENT, &self.name).map(|v| show(&v))
    }

    /// A valid value for the key, as TOML: its default, else the table's example.
    pub fn example_value(&self) -> Option<String> {
        self.default_value().or_else(|| self.example.map(str::to_string))
    }
}

/// The values each variable part of a name stands for (none: any text of its kind).
fn placeholder(part: &str) -> Option<Vec<&'static str>> {
    match part {
        "<type>" => Some(super::PopulationSection::default().type_sections().iter().map(|(t, _)| *t).collect()),
        "<number_type>" => Some(number_types()),
        _ => None,
    }
}

fn number_types() -> Vec<&'static str> {
    crate::plan::NumberType::ALL.iter().map(|t| t.as_str()).collect()
}

/// A scenario as a TOML value with every value it has: the sections and lists its serialisation leaves out when
/// they hold their defaults (`[numbers.frame]`, `numbers.mix`, `[[shifts]]`) put back.
pub(super) fn serialised(s: &Scenario) -> toml::Value {
    let mut root = toml::Value::try_from(s).unwrap_or(toml::Value::Table(Default::default()));
    let frame = toml::Value::try_from(&s.numbers.frame).unwrap_or(toml::Value::Table(Default::default()));
    if let Some(t) = root.as_table_mut() {
        if let Some(numbers) = t.get_mut("numbers").and_then(toml::Value::as_table_mut) {
            numbers.entry("frame").or_insert(frame);
            numbers.entry("mix").or_insert(toml::Value::Table(Default::default()));
        }
        t.entry("shifts").or_insert(toml::Value::Array(Vec::new()));
    }
    root
}

/// The serialised embedded default scenario.
static DEFAULT_DAY: LazyLock<toml::Value> = LazyLock::new(|| serialised(&Scenario::default_day()));
/// The serialised scenario of an empty file.
static ABSENT: LazyLock<toml::Value> = LazyLock::new(|| serialised(&Scenario::default()));
/// A `[[shifts]]` entry that sets nothing.
static ABSENT_SHIFT: LazyLock<toml::Value> = LazyLock::new(|| {
    toml::from_str::<super::Shift>("")
        .ok()
        .and_then(|s| toml::Value::try_from(s).ok())
        .unwrap_or(toml::Value::Table(Default::default()))
});

/// The value at dotted `path` of a serialised scenario (none for a pattern or an absent key).
pub(super) fn value_at(root: &toml::Value, path: &str) -> Option<toml::Value> {
    let mut at = root;
    for part in path.split('.') {
        at = at.as_table()?.get(part)?;
    }
    Some(at.clone())
}

/// A value as written in a scenario.
pub(super) fn show(v: &toml::Value) -> String {
    match v {
        toml::Value::Table(t) if t.is_empty() => "{}".into(),
        toml::Value::Table(t) => {
            let parts: Vec<String> = t.iter().map(|(k, v)| format!("{k} = {}", show(v))).collect();
            format!("{{ {} }}", parts.join(", "))
        }
        toml::Value::Array(a) => format!("[{}]", a.iter().map(show).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

/// Every key a scenario accepts, in the order of the scenario's sections.
///
/// ```
/// let keys = dialsim::scenario_keys();
/// let agents = keys.iter().find(|k| k.name == "dialer.agents").unwrap();
/// assert_eq!(agents.bounds(), Some((1.0, 10_000.0)));
/// assert_eq!(agents.default_value().as_deref(), Some("20"));
/// assert!(keys.iter().any(|k| k.name == "population.patience"));
/// ```
pub fn keys() -> &'static [Key] {
    &KEYS
}

static KEYS: LazyLock<Vec<Key>> = LazyLock::new(table::table);

/// The table row of a concrete dotted path (`population.mobile.person` is `population.<type>.person`;
/// `shifts.agents` and `shifts[].agents` are `shifts[].agents`).
///
/// ```
/// let k = dialsim::scenario_key("population.prefix.601.person").unwrap();
/// assert_eq!(k.name, "population.prefix.<digits>.person");
/// assert!(dialsim::scenario_key("dialer.agnets").is_none());
/// ```
pub fn find(path: &str) -> Option<&'static Key> {
    let parts: Vec<&str> = path.split('.').collect();
    keys().iter().find(|k| matches(&k.name, &parts)).or_else(|| {
        // `shifts.agents` as the range checks name it: the entry's key.
        let (head, rest) = path.split_once('.')?;
        let name = format!("{head}[].{rest}");
        keys().iter().find(|k| k.name == name)
    })
}

fn matches(pattern: &str, parts: &[&str]) -> bool {
    let pat: Vec<&str> = pattern.split('.').collect();
    pat.len() == parts.len()
        && pat.iter().zip(parts).all(|(p, x)| {
            p == x
                || p.strip_suffix("[]") == Some(*x)
                || (p.starts_with('<') && placeholder(p).is_none_or(|values| values.contains(x)))
        })
}

/// Every key `--set` and `--vary` take, by its concrete name: patterns over a closed set of names are spelled
/// out (`population.mobile.person`), keys inside arrays of tables and under a free name (`<digits>`) left out.
pub fn settable() -> Vec<(String, &'static Key)> {
    let mut out = Vec::new();
    for k in keys() {
        if k.name.contains("[]") {
            continue;
        }
        let mut names = vec![String::new()];
        let mut free = false;
        for part in k.name.split('.') {
            let values = match placeholder(part) {
                Some(v) => v.into_iter().map(str::to_string).collect(),
                None if part.starts_with('<') => {
                    free = true;
                    break;
                }
                None => vec![part.to_string()],
            };
            names = names
                .iter()
                .flat_map(|n| values.iter().map(move |v| if n.is_empty() { v.clone() } else { format!("{n}.{v}") }))
                .collect();
        }
        if !free {
            out.extend(names.into_iter().map(|n| (n, k)));
        }
    }
    out
}

/// One value of a scenario, for `dialsim keys SCENARIO`.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyValue {
    /// The concrete dotted name (`population.mobile.person`).
    pub name: String,
    /// The value as TOML; none: left unset (an optional key).
    pub value: Option<String>,
    /// Whether the scenario text sets it (else it is the value of a key left out).
    pub from_file: bool,
}

/// Every value of scenario text `text` (`name` in errors), in the scenario's order: each key with a value (a
/// distribution as one value, an array of tables as one value), then the optional keys left unset.
///
/// ```
/// let values = dialsim::scenario_values("s.toml", "[dialer]\nagents = 5\n").unwrap();
/// let agents = values.iter().find(|v| v.name == "dialer.agents").unwrap();
/// assert_eq!((agents.value.as_deref(), agents.from_file), (Some("5"), true));
/// let lines = values.iter().find(|v| v.name == "dialer.lines").unwrap();
/// assert!(!lines.from_file);
/// assert!(values.iter().any(|v| v.name == "population.patience" && v.value.is_none()));
/// ```
pub fn values(name: &str, text: &str) -> crate::foundation::error::Result<Vec<KeyValue>> {
    let scenario = Scenario::parse(name, text, &[])?;
    let root = serialised(&scenario);
    let mut out = Vec::new();
    let mut walk = vec![(String::new(), root)];
    while let Some((path, v)) = walk.pop() {
        match v {
            toml::Value::Table(t) if path.is_empty() || !t.contains_key("dist") => {
                let mut children: Vec<(String, toml::Value)> =
                    t.into_iter().map(|(k, v)| (if path.is_empty() { k } else { format!("{path}.{k}") }, v)).collect();
                children.reverse();
                walk.extend(children);
            }
            v => {
                let from_file = super::validate::file_sets(text, &path);
                out.push(KeyValue { name: path, value: Some(show(&v)), from_file });
            }
        }
    }
    // Optional keys left unset: those `settable` names whose value is absent, not inside a distribution.
    for (n, k) in settable() {
        let inside_dist =
            n.rsplit_once('.').and_then(|(parent, _)| find(parent)).is_some_and(|p| p.kind == Kind::Distribution);
        let inside_set = out.iter().any(|v| n.starts_with(&format!("{}.", v.name)) || v.name == n);
        if !inside_dist
            && !inside_set
            && !matches!(k.kind, Kind::NumberTable | Kind::TableList)
            && !n.starts_with("numbers.mix.")
        {
            out.push(KeyValue { name: n, value: None, from_file: false });
        }
    }
    Ok(out)
}

/// Whether `value` is one of the allowed values of key `name`; if not, the allowed values in words (`a, b or
/// c`).
pub(super) fn check_choice(name: &str, value: &str) -> std::result::Result<(), String> {
    let allowed = find(name).map(Key::allowed).unwrap_or_default();
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(match allowed.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => format!("no value (the key table lists none for {name})"),
    })
}

/// The keys nearest to a mistyped `typed` (at most three, nearest first).
pub fn nearest_keys(typed: &str) -> Vec<String> {
    let all = settable();
    super::typo::nearest(typed, all.iter().map(|(n, _)| n.as_str())).into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_patterns_resolve() {
        let mut names: Vec<&str> = keys().iter().map(|k| k.name.as_str()).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "a key is listed twice");
        assert_eq!(find("population.mobile.person").unwrap().name, "population.<type>.person");
        assert!(find("population.tollFree.person").is_none(), "tollFree has no population section");
        assert_eq!(find("numbers.mix.tollFree").unwrap().name, "numbers.mix.<number_type>");
        assert_eq!(find("shifts.break_minutes").unwrap().name, "shifts[].break_minutes");
        assert_eq!(find("agents.talk.cv").unwrap().bounds(), Some((0.01, 10.0)));
    }

    #[test]
    fn settable_spells_out_closed_patterns_and_leaves_out_free_ones() {
        let s: Vec<String> = settable().into_iter().map(|(n, _)| n).collect();
        assert!(s.iter().any(|n| n == "population.fixedLineOrMobile.consent"));
        assert!(s.iter().any(|n| n == "population.patience.mean"));
        assert!(!s.iter().any(|n| n.contains('<') || n.contains("[]")), "{s:?}");
        assert_eq!(nearest_keys("dialer.agent"), ["dialer.agents"]);
    }

    #[test]
    fn defaults_come_from_the_embedded_scenario_and_absent_values_from_serde() {
        let days = keys().iter().find(|k| k.name == "calendar.days").unwrap();
        assert_eq!(days.default_value().as_deref(), Some(r#"["mon", "tue", "wed", "thu", "fri"]"#));
        assert_eq!(days.absent_value().as_deref(), Some(r#"["mon", "tue", "wed", "thu", "fri", "sat", "sun"]"#));
        let b = keys().iter().find(|k| k.name == "shifts[].break_minutes").unwrap();
        assert_eq!(b.absent_value().as_deref(), Some("15.0"));
        assert_eq!(find("population.patience").unwrap().default_value(), None);
    }
}
