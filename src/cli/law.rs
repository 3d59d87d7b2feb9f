//! `dialsim law`: the jurisdictions and their regimes, which one is in force on a date, and the source of
//! every rule — what a scenario's `compliance.profile` will hold a campaign to.

use anyhow::Result;
use clap::Args;
use dialsim::jobs::{JurisdictionLaw, LawJob, RegimeLaw};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  dialsim law                    # every jurisdiction, the regime in force today marked
  dialsim law cz --date 2022-06-30
  dialsim law uk-ofcom")]
pub struct LawArgs {
    /// A jurisdiction (cz, sk, de, gb, us) or a named regime (cz-2018, uk-ofcom, …); absent: all of them.
    which: Option<String>,
    /// The date whose regime is marked as in force (YYYY-MM-DD) [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
}

pub fn run(args: LawArgs) -> Result<i32> {
    let date = match &args.date {
        Some(d) => Some(d.trim().parse().map_err(|e| dialsim::Error::Request(format!("--date {d:?}: {e}").into()))?),
        None => None,
    };
    let law = LawJob { which: args.which, date }.run()?;
    let date = law.date;
    for JurisdictionLaw { jurisdiction: j, regimes } in law.jurisdictions {
        let title = if j.is_generic() { "Any other country".to_string() } else { format!("{} ({})", j.name, j.code) };
        out!("{title}");
        for RegimeLaw { regime: r, in_force } in regimes {
            let from = r.from_date().map(|d| format!("from {d}")).unwrap_or_else(|| "earliest".into());
            let mark = if in_force { format!("  <- in force on {date}") } else { String::new() };
            out!("  {} ({from}){mark}", r.name);
            out!("    {}", r.summary);
            let rules = &r.rules;
            let policy = if rules.abandon_limit_is_law { "law" } else { "house policy" };
            out!(
                "    abandonment: at most {:.0} % of live answers per {} ({policy}); silence {} s; ring {} s",
                100.0 * rules.abandon_limit,
                rules.window.describe(),
                rules.max_silence_s,
                rules.min_ring_s
            );
            for reg in rules.registers {
                out!("    register {}: {}, {}", reg.name, reg.title, reg.freshness.describe());
            }
            for s in r.sources {
                let kind = if s.law { "law" } else { "policy" };
                out!("    [{}] {} — {} ({kind})", s.audit_rule, s.rule, s.cite);
            }
        }
    }
    note!(
        "dialsim: the regime in force on {date} is marked; a scenario's compliance.profile = \"plan\" (the default) or a jurisdiction follows it day by day"
    );
    Ok(0)
}
