//! The audit's campaign-wide rules: the registers a marketing campaign must screen against on each of its
//! days (those of the campaign's law, and those of each other country whose numbers it called), its caller ID,
//! and a research campaign asking for marketing consent.

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
        if rules.caller_id && !seen.contains(&("caller-id", "")) {
            let cli = s.compliance.caller_id.trim();
            let digits: String = cli.chars().filter(char::is_ascii_digit).collect();
            let national = digits.strip_prefix(&s.jurisdiction().calling_code.to_string()).unwrap_or(&digits);
            let national = national.strip_prefix('0').unwrap_or(national);
            let problem = if digits.is_empty() {
                Some("marketing calls withhold the caller ID (compliance.caller_id is empty)".to_string())
            } else {
                rules
                    .marketing_prefix
                    .filter(|p| !national.starts_with(p))
                    .map(|p| format!("marketing calls must come from the 0{p} prefix; compliance.caller_id is {cli}"))
            };
            if let Some(p) = problem {
                seen.insert(("caller-id", ""));
                out.push(Violation::new("caller-id", None, p));
            }
        }
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

/// `register-missing` and `register-stale`: each register `rules` asks marketing calls on `day` to be screened
/// against, not given in `[[compliance.registers]]` or given with a snapshot too old that day (each rule and
/// register told once). `abroad`: `rules` are the law of the country of numbers the campaign called, not the
/// campaign's own, whose registers its scenario cannot screen (they hold another country's numbers).
fn registers(s: &Scenario, rules: &Rules, day: Date, abroad: bool, seen: &mut Seen, out: &mut Vec<Violation>) {
    for reg in rules.registers {
        let given = s.compliance.registers.iter().filter(|r| r.name.eq_ignore_ascii_case(reg.name));
        let fresh = given.clone().any(|r| r.date.trim().parse().is_ok_and(|date| reg.freshness.fresh(date, day)));
        if fresh {
            continue;
        }
        let rule = if given.clone().next().is_none() { "register-missing" } else { "register-stale" };
        if seen.insert((rule, reg.name)) {
            let plan = crate::jurisdiction::ALL.iter().find(|j| j.iso == rules.jurisdiction).map_or("", |j| j.code);
            let detail = match rule {
                "register-missing" if abroad => format!(
                    "marketing calls on {day} to numbers of {} without screening against {} ({}): dial them in a \
                     campaign of their own (numbers.plan = \"{plan}\") with [[compliance.registers]] name = \"{}\"",
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

/// The registers of other countries a marketing campaign called numbers of: for each (country's rules,
/// campaign day) a marketing call went to, the registers that country's law asks for that day, as [`registers`]
/// tells them (none `seen` already, under the campaign's own law).
pub(super) fn registers_abroad<'r>(
    s: &Scenario,
    called: impl IntoIterator<Item = (&'r Rules, u32)>,
    seen: &mut Seen,
) -> Vec<Violation> {
    let mut out = Vec::new();
    for (rules, d) in called {
        registers(s, rules, s.date_of_day(d), true, seen, &mut out);
    }
    out
}
