//! The law a scenario's `compliance.profile` holds a campaign to, for the binary to print (`dialsim law`): the
//! jurisdictions asked for, their regimes with the rules and sources of each, and which one is in force on a
//! date.

use jiff::civil::Date;

use crate::foundation::error::{Error, Result};
use crate::jurisdiction::{self, Jurisdiction, Regime};
use crate::scenario::Profile;

/// The law asked for: a jurisdiction, a named regime or all of them, and the day whose regime is in force.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LawJob {
    /// A jurisdiction's code (cz, sk, de, gb, us) or a regime's name (cz-2018, uk-ofcom, …); none: every
    /// jurisdiction, then the rules of any other country.
    pub which: Option<String>,
    /// The day whose regime is marked in force; none: today, UTC.
    pub date: Option<Date>,
}

/// The law found: the day it is told for, and each jurisdiction with the regimes asked for.
#[derive(Clone, Debug)]
pub struct Law {
    /// The day whose regime is marked in force.
    pub date: Date,
    /// The jurisdictions, in the order of `jurisdiction::ALL`, the generic rules last.
    pub jurisdictions: Vec<JurisdictionLaw>,
}

/// One jurisdiction and the regimes of it asked for.
#[derive(Clone, Debug)]
pub struct JurisdictionLaw {
    /// The jurisdiction (its name and code, or the generic rules of any other country).
    pub jurisdiction: &'static Jurisdiction,
    /// Its regimes asked for (all of them, or the one named), oldest first.
    pub regimes: Vec<RegimeLaw>,
}

/// A regime, and whether it is the one in force on the day asked.
#[derive(Clone, Debug)]
pub struct RegimeLaw {
    /// The regime: its rules and their sources.
    pub regime: &'static Regime,
    /// Whether it is the jurisdiction's regime on the day asked.
    pub in_force: bool,
}

impl LawJob {
    /// The jurisdictions and regimes asked for. A name that is neither a jurisdiction nor a regime is a request
    /// error naming the names known.
    ///
    /// ```
    /// use dialsim::jobs::LawJob;
    /// let law = LawJob { which: Some("cz".into()), date: Some("2022-06-30".parse().unwrap()) }.run()?;
    /// assert_eq!(law.jurisdictions.len(), 1);
    /// assert_eq!(law.jurisdictions[0].regimes.iter().filter(|r| r.in_force).count(), 1);
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn run(&self) -> Result<Law> {
        let date = self.date.unwrap_or_else(super::front::today);
        let (list, only): (Vec<&'static Jurisdiction>, Option<&'static str>) = match self.which.as_deref() {
            None => (jurisdiction::ALL.iter().copied().chain([jurisdiction::generic()]).collect(), None),
            Some(w) => match (jurisdiction::by_code(w), jurisdiction::regime(w)) {
                (Some(j), _) => (vec![j], None),
                (None, Some(r)) => (vec![r.jurisdiction()], Some(r.name)),
                (None, None) => {
                    let names = Profile::names().join(", ");
                    return Err(Error::Request(
                        format!("no jurisdiction or regime {w:?}: expected one of {names}").into(),
                    ));
                }
            },
        };
        let jurisdictions = list
            .into_iter()
            .map(|j| {
                let now = j.regime_on(date);
                let regimes = j
                    .regimes
                    .iter()
                    .filter(|r| only.is_none_or(|o| o == r.name))
                    .map(|r| RegimeLaw { regime: r, in_force: std::ptr::eq(now, r) })
                    .collect();
                JurisdictionLaw { jurisdiction: j, regimes }
            })
            .collect();
        Ok(Law { date, jurisdictions })
    }
}

impl Law {
    /// The law as `dialsim law` shows it: each jurisdiction, its regimes (the one in force on [`Law::date`]
    /// marked), their abandonment rules, registers and the source of every rule.
    pub fn write_text(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let date = self.date;
        for JurisdictionLaw { jurisdiction: j, regimes } in &self.jurisdictions {
            let title =
                if j.is_generic() { "Any other country".to_string() } else { format!("{} ({})", j.name, j.code) };
            writeln!(out, "{title}")?;
            for RegimeLaw { regime: r, in_force } in regimes {
                let from = r.from_date().map(|d| format!("from {d}")).unwrap_or_else(|| "earliest".into());
                let mark = if *in_force { format!("  <- in force on {date}") } else { String::new() };
                writeln!(out, "  {} ({from}){mark}", r.name)?;
                writeln!(out, "    {}", r.summary)?;
                let rules = &r.rules;
                let policy = if rules.abandon_limit_is_law { "law" } else { "house policy" };
                writeln!(
                    out,
                    "    abandonment: at most {:.0} % of live answers per {} ({policy}); silence {} s; ring {} s",
                    100.0 * rules.abandon_limit,
                    rules.window.describe(),
                    rules.max_silence_s,
                    rules.min_ring_s
                )?;
                for reg in rules.registers {
                    writeln!(out, "    register {}: {}, {}", reg.name, reg.title, reg.freshness.describe())?;
                }
                for s in r.sources {
                    let kind = if s.law { "law" } else { "policy" };
                    writeln!(out, "    [{}] {} — {} ({kind})", s.audit_rule, s.rule, s.cite)?;
                }
            }
        }
        Ok(())
    }
}
