//! `dialsim simulate`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::{Campaign, Scenario};

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Scenario TOML file [default: the embedded Czech cold-calling day].
    scenario: Option<String>,
    /// Seed; when absent a fresh one is drawn and printed to stderr.
    #[arg(long)]
    seed: Option<u64>,
    /// Folder for calls.csv and summary.json (created if missing).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Override a scenario field, e.g. --set dialer.agents=30 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

/// The scenario named on the command line (or the embedded default), with overrides.
pub(crate) fn load_scenario(path: &Option<String>, set: &[String]) -> Result<Scenario> {
    Ok(match path {
        Some(p) => Scenario::load(p, set)?,
        None => Scenario::parse("<default scenario>", dialsim::DEFAULT_SCENARIO, set)?,
    })
}

pub fn run(args: SimulateArgs) -> Result<i32> {
    let scenario = load_scenario(&args.scenario, &args.set)?;
    let seed = super::generate::seed_or_fresh(args.seed);
    let campaign = Campaign::new(scenario)?;
    let out = campaign.run(seed, args.out.is_some());
    out_raw!(dialsim::report::table(campaign.scenario(), &out));
    match &args.out {
        Some(dir) => {
            dialsim::report::write_run(dir, campaign.scenario(), &out)?;
            eprintln!(
                "dialsim: wrote calls.csv, suppression.csv, consents.jsonl, names.csv and summary.json to {}",
                dir.display()
            );
        }
        None => eprintln!("dialsim: add --out DIR to keep the run's records (calls, suppression, consents, names)"),
    }
    Ok(0)
}
