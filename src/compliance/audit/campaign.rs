//! The audit's campaign-wide rules: the registers a marketing campaign must screen against on each of its
//! days and the caller ID it must present (under the campaign's law, and under the law of each other country
//! whose numbers it called), and a research campaign asking for marketing consent.

use std::collections::BTreeSet;

use jiff::civil::Date;

use super::Violation;
use crate::jurisdiction::Rules;
use crate::scenario::{Purpose, Scenario};

/// The rules and registers already told of (each once).
pub(super) type Seen = BTreeSet<(&'static str, &'static str)>;

/// The campaign-wide violations of a scenario under the regimes of its days: a mandatory register not
/// supplied or too old on a day (marketing calls only; research is outside every register's scope), no
/// caller ID (or one outside the marketing prefix) where the law asks for one, and a research campaign
/// asking for marketing consent.
pub(super) fn campaign_violations(s: &Scenario) -> (Vec<Violation>, Seen) {
    let mut out = Vec::new();
    let marketing = s.compliance.purpose == Purpose::Marketing;
    let mut seen = std::collections::BTreeSet::new();
    for d in 0..s.law_days() {
        let rules = s.rules_on_day(d);
        let day = s.date_of_day(d);
        if !marketing {
            break;
        }
        registers(s, &rules, day, false, &mut seen, &mut out);
        caller_id(s, &rules, false, &mut seen, &mut out);
    }
    if s.compliance.purpose == Purpose::Research && s.consent_purpose() == Purpose::Marketing {
        out.push(Violation::new(
            "disguised-survey",
            None,
            "a research campaign asks for marketing consent (compliance.consent_purpose = \"marketing\"): \
             selling under the guise of research is a marketing call",
        ));
    }
    (out, seen)
}

/// `caller-id`: marketing calls withholding the caller ID where `rules` ask for one, or presenting one outside
/// the marketing prefix they ask for (each country told once). `abroad`: `rules` are the law of the country
/// of numbers the campaign called, not the campaign's own: its prefix is a number of that country's.
fn caller_id(s: &Scenario, rules: &Rules, abroad: bool, seen: &mut Seen, out: &mut Vec<Violation>) {
    let whose = if abroad { rules.jurisdiction } else { "" };
    if !rules.caller_id || seen.contains(&("caller-id", whose)) {
        return;
    }
    let cli = s.compliance.caller_id.trim();
    let digits: String = cli.chars().filter(char::is_ascii_digit).collect();
    // `00` before the country code is the international prefix, as `+` is.
    let digits = match digits.strip_prefix("00") {
        Some(rest) if cli.starts_with("00") => rest.to_string(),
        _ => digits,
    };
    // A withheld caller ID is told once, under the campaign's law when it asks for one too.
    if abroad && digits.is_empty() && seen.contains(&("caller-id", "")) {
        return;
    }
    let to = if abroad { format!(" to numbers of {whose} (whose law asks for one)") } else { String::new() };
    let problem = if digits.is_empty() {
        Some(format!("marketing calls{to} withhold the caller ID (compliance.caller_id is empty)"))
    } else if let Some(p) = rules.marketing_prefix {
        let country = crate::jurisdiction::by_iso(rules.jurisdiction);
        let cc = country.map_or(s.jurisdiction().calling_code, |j| j.calling_code).to_string();
        // A caller ID written without the country code is a number of the campaign's own country.
        let national = match digits.strip_prefix(&cc) {
            Some(n) => Some(n),
            None if !abroad => Some(digits.as_str()),
            None => None,
        };
        let national = national.map(|n| n.strip_prefix('0').unwrap_or(n));
        (!national.is_some_and(|n| n.starts_with(p))).then(|| {
            let from = if abroad { format!(" of {whose} (+{cc} {p}…)") } else { String::new() };
            format!("marketing calls{to} must come from the 0{p} prefix{from}; compliance.caller_id is {cli}")
        })
    } else {
        None
    };
    if let Some(p) = problem {
        seen.insert(("caller-id", whose));
        out.push(Violation::new("caller-id", None, p));
    }
}

/// `register-missing` and `register-stale`: each register `rules` asks marketing calls on `day` to be screened
/// against, not given in `[[compliance.registers]]` or given with a snapshot too old that day (each rule and
/// register told once). `abroad`: `rules` are the law of the country of numbers the campaign called (a list's),
/// not the campaign's own; the scenario screens them with that country's register among its own.
fn registers(s: &Scenario, rules: &Rules, day: Date, abroad: bool, seen: &mut Seen, out: &mut Vec<Violation>) {
    for reg in rules.registers {
        let given = s.compliance.registers.iter().filter(|r| r.name.eq_ignore_ascii_case(reg.name));
        let fresh = given.clone().any(|r| r.date.trim().parse().is_ok_and(|date| reg.freshness.fresh(date, day)));
        if fresh {
            continue;
        }
        let rule = if given.clone().next().is_none() { "register-missing" } else { "register-stale" };
        if seen.insert((rule, reg.name)) {
            let plan = crate::jurisdiction::by_iso(rules.jurisdiction).map_or("", |j| j.code);
            let detail = match rule {
                "register-missing" if abroad => format!(
                    "marketing calls on {day} to numbers of {} without screening against {} ({}): give it as \
                     [[compliance.registers]] name = \"{}\", or dial them in a campaign of their own (numbers.plan \
                     = \"{plan}\")",
                    rules.jurisdiction, reg.title, reg.source, reg.name
                ),
                "register-missing" => format!(
                    "marketing calls on {day} under {} without screening against {} ({}): give it as \
                     [[compliance.registers]] name = \"{}\"",
                    rules.jurisdiction, reg.title, reg.source, reg.name
                ),
                _ => format!(
                    "the {} snapshot is not fresh on {day}: it must be {} ({})",
                    reg.name,
                    reg.freshness.describe(),
                    reg.source
                ),
            };
            out.push(Violation::new(rule, None, detail));
        }
    }
}

/// The law of other countries a marketing campaign called numbers of: for each (country's rules, campaign
/// day) a marketing call went to, the registers that country's law asks for that day, as [`registers`] tells
/// them (none `seen` already, under the campaign's own law), and the caller ID it asks for ([`caller_id`]).
pub(super) fn law_abroad<'r>(
    s: &Scenario,
    called: impl IntoIterator<Item = (&'r Rules, u32)>,
    seen: &mut Seen,
) -> Vec<Violation> {
    let mut out = Vec::new();
    for (rules, d) in called {
        registers(s, rules, s.date_of_day(d), true, seen, &mut out);
        caller_id(s, rules, true, seen, &mut out);
    }
    out
}
