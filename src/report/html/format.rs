//! How the report writes a KPI: its label, its unit, and its value with significant digits (rates as
//! percentages, money with thousands), and HTML escaping of every string from the inputs.

/// `text` with the characters HTML gives meaning to escaped (safe in element content and quoted attributes).
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(super) use crate::sim::kpi::Unit;

/// A KPI's label and unit, from the registry ([`crate::sim::kpi::KPIS`]); a name it does not know has no label and
/// reads as a count.
pub(super) fn meta(kpi: &str) -> (&'static str, Unit) {
    crate::sim::kpi::find(kpi).map_or(("", Unit::Count), |k| (k.label, k.unit))
}

/// The KPI's label (its name when dialsim has no label for it).
pub(super) fn label(kpi: &str) -> String {
    let l = meta(kpi).0;
    if l.is_empty() { kpi.to_string() } else { l.to_string() }
}

/// The KPI's label for a reader: a cost whose currency the files do not record says so.
pub(super) fn label_in(kpi: &str, currency: Option<&str>) -> String {
    match (meta(kpi).1, currency) {
        (Unit::Money, None) => format!("{} (currency not recorded)", label(kpi)),
        _ => label(kpi),
    }
}

/// The unit a KPI's values are written in, for an axis title or a column (`%`, `s`, `/h`, the currency); empty
/// for a count.
pub(super) fn unit_text(kpi: &str, currency: Option<&str>) -> String {
    match meta(kpi).1 {
        Unit::Percent => "%".into(),
        Unit::Seconds => "s".into(),
        Unit::PerHour => "/h".into(),
        Unit::Money => currency.unwrap_or("").into(),
        Unit::Count => String::new(),
    }
}

/// A value in its unit: rates as percentages, counts with thin-space thousands, money with thousands and its
/// `currency` (the scenario's `costs.currency`, when the files record it).
pub(super) fn value(kpi: &str, v: f64, currency: Option<&str>) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    match meta(kpi).1 {
        Unit::Percent => format!("{:.2} %", 100.0 * v),
        Unit::PerHour => format!("{v:.2} /h"),
        Unit::Seconds => format!("{v:.2} s"),
        Unit::Money => match currency {
            Some(c) => format!("{} {c}", grouped(v, 2)),
            None => grouped(v, 2),
        },
        Unit::Count if v == v.round() && v.abs() < 1e15 => thousands(v as i64),
        Unit::Count => grouped(v, 1),
    }
}

/// `v` with `decimals` decimals and thin-space thousands.
fn grouped(v: f64, decimals: usize) -> String {
    let text = format!("{:.decimals$}", v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let int = thousands(int.parse().unwrap_or(0));
    let sign = if v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "−" } else { "" };
    if frac.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") }
}

/// A value without its unit's words (for intervals beside a value).
pub(super) fn bare(kpi: &str, v: f64) -> String {
    match meta(kpi).1 {
        Unit::Percent => format!("{:.2}", 100.0 * v),
        Unit::Count if v == v.round() => thousands(v as i64),
        _ => format!("{v:.2}"),
    }
}

/// A difference in the KPI's unit: percentage points for rates, the `currency` for money.
pub(super) fn diff(kpi: &str, v: f64, currency: Option<&str>) -> String {
    let sign = if v > 0.0 { "+" } else { "" };
    match meta(kpi).1 {
        Unit::Percent => format!("{sign}{} pp", fixed(100.0 * v, 2)),
        Unit::Seconds => format!("{sign}{} s", fixed(v, 2)),
        Unit::Money => match currency {
            Some(c) => format!("{sign}{} {c}", fixed(v, 2)),
            None => format!("{sign}{}", fixed(v, 2)),
        },
        Unit::PerHour => format!("{sign}{}", fixed(v, 2)),
        Unit::Count => format!("{sign}{}", fixed(v, 1)),
    }
}

/// `v` with at least `decimals` decimals, and enough for two significant digits of a small value (so that a
/// difference of 0.003 s does not read as 0.00).
pub(super) fn fixed(v: f64, decimals: usize) -> String {
    let need = if v == 0.0 || !v.is_finite() { 0 } else { (1.0 - v.abs().log10().floor()).clamp(0.0, 6.0) as usize };
    let d = decimals.max(need);
    format!("{v:.d$}")
}

pub(super) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    if n < 0 { format!("−{out}") } else { out }
}
