//! Overrides whose value the run never reads: a base rate every dialled type sets for itself, a setting of
//! another dialer mode, `dialer.agents` under shifts that all name their agents. The library only finds them;
//! the caller decides how to tell.

use super::{DialerMode, Scenario};

/// Base keys of `[population]` (and of `[compliance]`) that a type section may set for itself.
const STRATUM_KEYS: [(&str, &str); 8] = [
    ("population.not_in_service", "not_in_service"),
    ("population.busy", "busy"),
    ("population.person", "person"),
    ("population.machine", "machine"),
    ("population.cooperate", "cooperate"),
    ("compliance.object", "object"),
    ("compliance.give_name", "give_name"),
    ("compliance.consent", "consent"),
];

impl Scenario {
    /// The overrides among `overrides` (`key=value`, as given to [`Scenario::parse`]) whose value this scenario
    /// never reads, each with the reason and what to set instead. Only sure cases are listed: a base rate every
    /// dialled number type overrides, a key only another dialer mode reads, `dialer.agents` when every shift
    /// names its agents.
    ///
    /// ```
    /// let sets = ["population.person=0.2".to_string()];
    /// let s = dialsim::Scenario::parse("<default>", dialsim::DEFAULT_SCENARIO, &sets).unwrap();
    /// let unused = s.unused_overrides(&sets);
    /// assert_eq!(unused[0].0, "population.person=0.2");
    /// assert!(unused[0].1.contains("population.mobile.person"));
    /// ```
    pub fn unused_overrides(&self, overrides: &[String]) -> Vec<(String, String)> {
        overrides
            .iter()
            .filter_map(|o| {
                let key = o.split_once('=').map(|(k, _)| k.trim())?;
                self.why_unused(key).map(|why| (o.clone(), why))
            })
            .collect()
    }

    fn why_unused(&self, key: &str) -> Option<String> {
        let d = &self.dialer;
        let name = |m: DialerMode| format!("{m:?}").to_lowercase();
        let only = |wanted: DialerMode| {
            (d.mode != wanted)
                .then(|| format!("only {} mode reads it and dialer.mode is {}", name(wanted), name(d.mode)))
        };
        match key {
            "dialer.pacer" | "dialer.initial_level" | "dialer.max_level" | "dialer.recalc_interval" => {
                only(DialerMode::Predictive)
            }
            "dialer.rate_per_hour" => only(DialerMode::Rate),
            "dialer.preview" => only(DialerMode::Preview),
            "numbers.basis" if self.numbers.list.is_empty() => Some(
                "it is the basis of numbers.list's numbers; generated numbers have none (a random number is tied \
                 to no one's choice): give the list with numbers.list"
                    .into(),
            ),
            "dialer.agents" if !self.shifts.is_empty() && self.shifts.iter().all(|s| s.agents.is_some()) => {
                Some("every [[shifts]] entry sets its own agents".into())
            }
            _ => {
                let field = STRATUM_KEYS.iter().find(|(k, _)| *k == key).map(|(_, f)| *f)?;
                self.shadowed_by_types(field)
            }
        }
    }

    /// Why the base value of stratum key `field` reaches no number: every type dialled sets its own.
    fn shadowed_by_types(&self, field: &str) -> Option<String> {
        let n = &self.numbers;
        // Numbers dialled from a list file have types the scenario does not know beforehand.
        if !n.list.is_empty() {
            return None;
        }
        let types: Vec<&str> = if n.mix.is_empty() {
            n.types.iter().map(String::as_str).collect()
        } else {
            n.mix.keys().map(String::as_str).collect()
        };
        let sets =
            |t: &str| self.population.type_section(t).is_some_and(|r| r.entries().iter().any(|(k, _)| *k == field));
        if types.is_empty() || !types.iter().all(|t| sets(t)) {
            return None;
        }
        let sections: Vec<String> = types.iter().map(|t| format!("population.{t}.{field}")).collect();
        Some(format!(
            "every number type dialled sets its own {field} ({}); set {} instead",
            sections.join(", "),
            sections.join(" or ")
        ))
    }
}
