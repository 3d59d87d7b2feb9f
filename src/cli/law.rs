//! `dialsim law`: the jurisdictions and their regimes, which one is in force on a date, and the source of
//! every rule — what a scenario's `compliance.profile` will hold a campaign to.

use anyhow::Result;
use clap::Args;

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
    use dialsim::jurisdiction::{self, Jurisdiction};
    let date: jiff::civil::Date = match &args.date {
        Some(d) => d.trim().parse().map_err(|e| dialsim::Error::Request(format!("--date {d:?}: {e}")))?,
        None => jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date(),
    };
    let (list, only): (Vec<&'static Jurisdiction>, Option<&'static str>) = match args.which.as_deref() {
        None => (jurisdiction::ALL.iter().copied().chain([jurisdiction::generic()]).collect(), None),
        Some(w) => match (jurisdiction::by_code(w), jurisdiction::regime(w)) {
            (Some(j), _) => (vec![j], None),
            (None, Some(r)) => (vec![r.jurisdiction()], Some(r.name)),
            (None, None) => {
                let names = dialsim::Profile::names().join(", ");
                anyhow::bail!(dialsim::Error::Request(format!(
                    "no jurisdiction or regime {w:?}: expected one of {names}"
                )))
            }
        },
    };
    for j in list {
        let title = if j.is_generic() { "Any other country".to_string() } else { format!("{} ({})", j.name, j.code) };
        out!("{title}");
        let now = j.regime_on(date);
        for r in j.regimes.iter().filter(|r| only.is_none_or(|o| o == r.name)) {
            let from = r.from_date().map(|d| format!("from {d}")).unwrap_or_else(|| "earliest".into());
            let mark = if std::ptr::eq(now, r) { format!("  <- in force on {date}") } else { String::new() };
            out!("  {} ({from}){mark}", r.name);
            out!("    {}", r.summary);
            let rules = &r.rules;
            let policy = if rules.abandon_limit_is_law { "law" } else { "house policy" };
            out!(
                "    abandonment: at most {:.0} % of live answers per {} ({policy}); silence {} s; ring {} s",
                100.0 * rules.abandon_limit,
                match rules.window {
                    jurisdiction::AbandonWindow::Day => "24 h",
                    jurisdiction::AbandonWindow::ThirtyDays => "30 days",
                },
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
