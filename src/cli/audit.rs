//! `dialsim audit DIR`: re-checks a simulated run from its output files.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::Plan;
use dialsim::compliance::{AuditInput, audit};

/// Exit code when the audit finds violations.
pub const EXIT_VIOLATIONS: i32 = 4;

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// The run's output folder (calls.csv, suppression.csv, consents.jsonl, names.csv, summary.json).
    dir: PathBuf,
    /// A Bloom filter of known databases no dialled number may be in (repeatable).
    #[arg(long = "exclude", value_name = "FILE.bloom")]
    exclude: Vec<PathBuf>,
    /// A CSV of numbers no dialled number may be in (repeatable).
    #[arg(long = "suppress", value_name = "FILE.csv")]
    suppress: Vec<String>,
    #[command(flatten)]
    input: super::input_args::InputArgs,
}

pub fn run(args: AuditArgs) -> Result<i32> {
    let input = AuditInput::load(&args.dir)?;
    let plan = Plan::resolve(&input.scenario.numbers.plan)?;
    // The run's own exclusion sources (from its scenario), and any given here.
    let mut exclusions = dialsim::sim::load_exclusions(&input.scenario, &plan)?;
    exclusions.append(super::generate::load_exclusions(&plan, &args.exclude, &args.suppress, &args.input)?);
    let names = exclusions.names();
    let violations = audit(&input, &|k| exclusions.source_of(k).map(|i| names[i].to_string()));
    for v in &violations {
        match v.call_id {
            Some(c) => out!("call {c}\t{}\t{}", v.rule, v.detail),
            None => out!("-\t{}\t{}", v.rule, v.detail),
        }
    }
    let mut by_rule: std::collections::BTreeMap<&str, usize> = Default::default();
    for v in &violations {
        *by_rule.entry(v.rule).or_default() += 1;
    }
    eprintln!(
        "dialsim: audited {} calls, {} suppression entries, {} receipts, {} names under {}: {}",
        input.calls.len(),
        input.suppression.len(),
        input.receipts.len(),
        input.names.len(),
        input.scenario.compliance.profile.as_str(),
        if violations.is_empty() {
            "no violations".to_string()
        } else {
            let parts: Vec<String> = by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
            format!("{} violations ({})", violations.len(), parts.join(", "))
        }
    );
    Ok(if violations.is_empty() { 0 } else { EXIT_VIOLATIONS })
}
