//! What a violation says, kept as its facts and turned into text only when it is shown: a run's self-audit
//! once found a per-call violation on every person who waited, and formatting each one as it was found took
//! about 15 % of an M/M/c run whose violations are only counted. The text is the same, byte for byte, as the eager
//! `format!` it replaces.

use std::fmt;

/// The text of a [`super::Violation`]: `Display` writes it, `to_string` gives it; equal, ordered and
/// serialised as that text.
#[derive(Clone, Debug)]
pub struct Detail(Facts);

#[derive(Clone, Debug)]
enum Facts {
    Text(String),
    Static(&'static str),
    Known { key: u64, source: String },
    ObjectedWithoutEntry { key: u64, by: u32 },
    Suppressed { key: u64, by: u32 },
    Lockout { key: u64, hours: f64, of: std::borrow::Cow<'static, str> },
    Ring { ring_s: f64, min_s: f64 },
}

impl Detail {
    /// `+key is in source` (`known-number`).
    pub(crate) fn known(key: u64, source: String) -> Detail {
        Detail(Facts::Known { key, source })
    }

    /// A number dialled again after an objection whose suppression entry is missing.
    pub(crate) fn objected_without_entry(key: u64, by: u32) -> Detail {
        Detail(Facts::ObjectedWithoutEntry { key, by })
    }

    /// A number dialled after its objection or withdrawal in call `by`.
    pub(crate) fn suppressed(key: u64, by: u32) -> Detail {
        Detail(Facts::Suppressed { key, by })
    }

    /// A redial within `hours` of a drop (`of`: whose lockout).
    pub(crate) fn lockout(key: u64, hours: f64, of: impl Into<std::borrow::Cow<'static, str>>) -> Detail {
        Detail(Facts::Lockout { key, hours, of: of.into() })
    }

    /// Ringing given up before the minimum.
    pub(crate) fn ring(ring_s: f64, min_s: f64) -> Detail {
        Detail(Facts::Ring { ring_s, min_s })
    }

    /// Whether the text contains `pattern`.
    pub fn contains(&self, pattern: &str) -> bool {
        self.to_string().contains(pattern)
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Facts::Text(t) => f.write_str(t),
            Facts::Static(t) => f.write_str(t),
            Facts::Known { key, source } => write!(f, "+{key} is in {source}"),
            Facts::ObjectedWithoutEntry { key, by } => {
                write!(f, "+{key} dialled again after objecting in call {by} (its suppression entry is missing)")
            }
            Facts::Suppressed { key, by } => write!(f, "+{key} dialled after its objection or withdrawal in call {by}"),
            Facts::Lockout { key, hours, of } => {
                write!(f, "+{key} redialled within {hours} h of an abandoned call ({of} lockout)")
            }
            Facts::Ring { ring_s, min_s } => {
                write!(f, "given up after {ring_s:.1} s of ringing (minimum {min_s} s)")
            }
        }
    }
}

impl From<String> for Detail {
    fn from(text: String) -> Detail {
        Detail(Facts::Text(text))
    }
}

impl From<&'static str> for Detail {
    fn from(text: &'static str) -> Detail {
        Detail(Facts::Static(text))
    }
}

impl PartialEq for Detail {
    fn eq(&self, other: &Detail) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for Detail {}

impl PartialOrd for Detail {
    fn partial_cmp(&self, other: &Detail) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Detail {
    fn cmp(&self, other: &Detail) -> std::cmp::Ordering {
        self.to_string().cmp(&other.to_string())
    }
}

impl serde::Serialize for Detail {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lazy text is the eager `format!` it replaced, byte for byte.
    #[test]
    fn lazy_text_is_the_eager_text() {
        let (key, by, source) = (420_601_000_001u64, 7u32, "known/customers.csv");
        let cases = [
            (Detail::known(key, source.into()), format!("+{key} is in {source}")),
            (
                Detail::objected_without_entry(key, by),
                format!("+{key} dialled again after objecting in call {by} (its suppression entry is missing)"),
            ),
            (Detail::suppressed(key, by), format!("+{key} dialled after its objection or withdrawal in call {by}")),
            (
                Detail::lockout(key, 72.0, "the profile's"),
                format!("+{key} redialled within {} h of an abandoned call ({} lockout)", 72.0, "the profile's"),
            ),
            (Detail::ring(14.95, 15.0), format!("given up after {:.1} s of ringing (minimum {} s)", 14.95, 15.0)),
            (
                Detail::from("a connected call without the offer to object"),
                "a connected call without the offer to object".into(),
            ),
        ];
        for (lazy, eager) in cases {
            assert_eq!(lazy.to_string(), eager);
            assert_eq!(serde_json::to_value(&lazy).unwrap(), serde_json::Value::String(eager));
        }
    }
}
