//! `dialsim keys`: the KPI names and the scenario key table, as lines, `KEY=DEFAULT`, JSON or the Markdown
//! reference (docs/keys.md), or a scenario's values and where each came from.

use anyhow::Result;
use clap::Args;
use dialsim::jobs::{ScenarioValues, key_defaults, key_lines, keys_json, keys_markdown, kpi_names};

use super::docs::write_stdout;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  dialsim keys                  # KPI names, then every scenario key: default, type, unit, range, description
  dialsim keys default          # every value of a scenario, and whether its file set it
  dialsim keys --set | grep dialer
  dialsim keys --json > keys.json
  dialsim keys --kpi")]
pub struct KeysArgs {
    /// Show this scenario's values instead (a file, `default` or `-` for stdin), each marked as set by the
    /// file or left to the built-in value.
    #[arg(value_name = "SCENARIO", conflicts_with_all = ["kpi", "set", "json", "markdown"])]
    scenario: Option<String>,
    /// Only the KPI names (for --for, --kpi and the columns of replications.csv and sweep.csv).
    #[arg(long, conflicts_with_all = ["set", "json", "markdown"])]
    kpi: bool,
    /// Only the scenario keys for --set, --set-a, --set-b and --vary that have a value in the embedded default,
    /// as KEY=DEFAULT.
    #[arg(long, conflicts_with_all = ["json", "markdown"])]
    set: bool,
    /// Every scenario key and every KPI as JSON: {"keys": [{name, type, unit, min, max, min_exclusive,
    /// max_exclusive, allowed, default, if_absent, description}], "kpis": [{name, label, unit, direction}]}.
    #[arg(long, conflicts_with = "markdown")]
    json: bool,
    /// The key reference as Markdown (docs/keys.md is this output).
    #[arg(long)]
    markdown: bool,
}

pub fn keys(args: KeysArgs) -> Result<i32> {
    if let Some(path) = &args.scenario {
        return scenario_values(path);
    }
    if args.json {
        return write_stdout(keys_json().as_bytes());
    }
    if args.markdown {
        return write_stdout(keys_markdown().as_bytes());
    }
    let (kpis, set) = if args.kpi || args.set { (args.kpi, args.set) } else { (true, true) };
    if kpis {
        if !args.kpi {
            out!("# KPIs (--for, --kpi; columns of replications.csv, sweep.csv, compare -o)");
        }
        for name in kpi_names() {
            out!("{name}");
        }
    }
    if args.set {
        for (k, v) in key_defaults() {
            out!("{k}={v}");
        }
    } else if set {
        out!("");
        out!(
            "# scenario keys (--set KEY=VALUE, --set-a, --set-b, --vary KEY=V1,V2 or FROM..TO:STEP): KEY = DEFAULT  # \
             type, unit, range: description"
        );
        for line in key_lines() {
            out!("{line}");
        }
    }
    Ok(0)
}

/// `dialsim keys SCENARIO`: every value, marked by where it came from.
fn scenario_values(path: &str) -> Result<i32> {
    let scenario = ScenarioValues::read(path)?;
    let mut stdout = std::io::stdout().lock();
    scenario.write_text(&mut stdout)?;
    Ok(0)
}
