//! `dialsim law`: the jurisdictions and their regimes, which one is in force on a date, and the source of
//! every rule — what a scenario's `compliance.profile` will hold a campaign to.

use anyhow::Result;
use clap::Args;
use dialsim::jobs::LawJob;

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
    super::simulate::print(|out| law.write_text(out))?;
    note!(
        "dialsim: the regime in force on {date} is marked; a scenario's compliance.profile = \"plan\" (the default) or a jurisdiction follows it day by day"
    );
    Ok(0)
}
