//! The frontier's lists as written: agent counts, drop targets and pacer names, comma-separated (numbers may
//! be ranges `FROM..TO:STEP`, as in a sweep's values). Messages speak of values; the caller names the flag.

use crate::analysis::Vary;
use crate::scenario::Pacer;

/// The values of a comma list (ranges expanded), each trimmed.
fn values(list: &str, what: &str) -> Result<Vec<String>, String> {
    if list.trim().is_empty() {
        return Err(format!("no {what} given"));
    }
    format!("x={list}").parse::<Vary>().map(|v| v.values)
}

/// `values` unless one of them is given twice.
fn no_repeats<T: PartialOrd + std::fmt::Display>(values: Vec<T>) -> Result<Vec<T>, String> {
    match super::first_repeat(&values) {
        Some((_, i)) => Err(format!("{} is given twice", values[i])),
        None => Ok(values),
    }
}

/// Agent counts: whole numbers from 1, e.g. `10,20,50` or `10..50:20`.
///
/// ```
/// assert_eq!(dialsim::analysis::parse_agents("10, 20,50").unwrap(), [10, 20, 50]);
/// assert_eq!(dialsim::analysis::parse_agents("10..30:10").unwrap(), [10, 20, 30]);
/// assert!(dialsim::analysis::parse_agents("10,2.5").unwrap_err().contains("'2.5'"));
/// assert_eq!(dialsim::analysis::parse_agents("10,20,10").unwrap_err(), "10 is given twice");
/// ```
pub fn parse_agents(list: &str) -> Result<Vec<u32>, String> {
    values(list, "agent counts")?
        .iter()
        .map(|v| match v.parse::<u32>() {
            Ok(0) => Err("0 agents: an agent count is at least 1".to_string()),
            Ok(n) => Ok(n),
            Err(_) => Err(format!("'{v}' is not an agent count (a whole number from 1, e.g. 10,20,50)")),
        })
        .collect::<Result<_, _>>()
        .and_then(no_repeats)
}

/// Drop targets: shares of live answers from 0 to 1 exclusive, e.g. `0.01,0.02,0.03` (a percentage such as
/// `3` or `3%` is refused with a hint, not read as 300 %).
///
/// ```
/// assert_eq!(dialsim::analysis::parse_targets("0.01,0.03").unwrap(), [0.01, 0.03]);
/// assert_eq!(dialsim::analysis::parse_targets("0.01..0.03:0.01").unwrap(), [0.01, 0.02, 0.03]);
/// assert!(dialsim::analysis::parse_targets("3%").unwrap_err().contains("0.03"));
/// ```
pub fn parse_targets(list: &str) -> Result<Vec<f64>, String> {
    values(list, "drop targets")?
        .iter()
        .map(|v| {
            let bare = v.trim_end_matches('%').trim();
            match bare.parse::<f64>() {
                Ok(x) if v.ends_with('%') || (x.is_finite() && x >= 1.0) => Err(format!(
                    "'{v}' is not a drop target: targets are shares of live answers, so 3 % is written {}",
                    if x.is_finite() { format!("{}", x / 100.0) } else { "0.03".into() }
                )),
                Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
                _ => Err(format!("'{v}' is not a drop target (a share from 0 to 1, e.g. 0.01,0.03)")),
            }
        })
        .collect::<Result<_, _>>()
        .and_then(no_repeats)
}

/// Pacer names (`all` for every pacer), e.g. `model,adaptive-hard-limit`.
///
/// ```
/// use dialsim::Pacer;
/// assert_eq!(dialsim::analysis::parse_pacers("model").unwrap(), [Pacer::Model]);
/// assert_eq!(dialsim::analysis::parse_pacers("all").unwrap(), Pacer::ALL);
/// assert!(dialsim::analysis::parse_pacers("fast").unwrap_err().contains("adaptive-tapered"));
/// ```
pub fn parse_pacers(list: &str) -> Result<Vec<Pacer>, String> {
    let names: Vec<&str> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if names.is_empty() {
        return Err("no pacers given".into());
    }
    if names == ["all"] {
        return Ok(Pacer::ALL.to_vec());
    }
    no_repeats(names.clone())?;
    names
        .iter()
        .map(|n| {
            Pacer::ALL.iter().copied().find(|p| p.as_str() == *n).ok_or_else(|| {
                let all: Vec<&str> = Pacer::ALL.iter().map(|p| p.as_str()).collect();
                format!("unknown pacer '{n}'; the pacers are {} (or all)", all.join(", "))
            })
        })
        .collect()
}
