//! `dialsim plan list` and `dialsim plan show`.

use anyhow::Result;
use clap::Subcommand;
use dialsim::Plan;

#[derive(Subcommand, Debug)]
pub enum PlanCommand {
    /// The embedded plans, with their sizes.
    List,
    /// A plan's provenance, numbers per type and rows.
    Show {
        /// An embedded name (cz, sk, de, gb, us) or a plan CSV file.
        plan: String,
    },
}

pub fn run(cmd: PlanCommand) -> Result<i32> {
    match cmd {
        PlanCommand::List => {
            out!("{:<6} {:<8} {:>6} {:>20}  types", "plan", "code", "rows", "numbers");
            for name in Plan::embedded_names() {
                let plan = Plan::embedded(name)?;
                let counts = plan.counts();
                let total: u64 = counts.values().sum();
                let types: Vec<&str> = counts.keys().map(|t| t.as_str()).collect();
                out!(
                    "{:<6} {:<8} {:>6} {:>20}  {}",
                    name,
                    format!("+{}", plan.country_code()),
                    plan.rows().len(),
                    total,
                    types.join(",")
                );
            }
        }
        PlanCommand::Show { plan } => {
            let plan = Plan::resolve(&plan)?;
            out!("plan {} (+{}), {} rows", plan.name(), plan.country_code(), plan.rows().len());
            for c in plan.comments() {
                out!("# {c}");
            }
            out!("");
            out!("{:<20} {:>20}", "type", "numbers");
            for (kind, n) in plan.counts() {
                out!("{:<20} {:>20}", kind.as_str(), n);
            }
            out!("");
            out!("region,type,prefix,length,numbers");
            for r in plan.rows() {
                out!("{},{},{},{},{}", r.region, r.kind, r.prefix, r.length, r.count());
            }
        }
    }
    Ok(0)
}
