//! `dialsim plan list`, `dialsim plan show` and `dialsim plan derive`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;
use dialsim::jobs::{DerivePlanJob, PlanFacts};

#[derive(Subcommand, Debug)]
pub enum PlanCommand {
    /// The embedded plans, with their sizes.
    List,
    /// A plan's provenance, numbers per type and rows.
    Show {
        /// An embedded name (cz, sk, de, gb, us) or a plan CSV file.
        plan: String,
    },
    /// Rebuilds a plan from libphonenumber's PhoneNumberMetadata.xml: the rows `region,type,prefix,length` of
    /// every valid national number, by libphonenumber's type precedence (the format of data/plans/*.csv).
    Derive {
        /// libphonenumber's metadata file (resources/PhoneNumberMetadata.xml of a release).
        metadata: PathBuf,
        /// Regions to derive (libphonenumber ids, e.g. CZ; repeatable or comma-separated; one country code).
        #[arg(long = "region", value_delimiter = ',', required_unless_present = "regions")]
        region: Vec<String>,
        /// Write the region table (region,country_code,national_prefix, as data/regions.csv) instead of a plan.
        #[arg(long, conflicts_with = "region")]
        regions: bool,
        /// The metadata's libphonenumber version, recorded in the plan [default: the last X.Y.Z in the
        /// metadata's path, e.g. phonenumber-0.3.10+9.0.33/assets/…, else "unknown"].
        #[arg(long, value_name = "X.Y.Z")]
        metadata_version: Option<String>,
        /// Output file (written to a temporary name and renamed when complete); `-` or none: stdout.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

pub fn run(cmd: PlanCommand) -> Result<i32> {
    match cmd {
        PlanCommand::List => {
            let plans = PlanFacts::embedded()?;
            super::simulate::print(|out| PlanFacts::write_list(&plans, out))?;
        }
        PlanCommand::Show { plan } => {
            let plan = PlanFacts::named(&plan)?;
            super::simulate::print(|out| plan.write_text(out))?;
        }
        PlanCommand::Derive { metadata, region, regions, metadata_version, output } => {
            let regions = (!regions).then_some(region);
            let job = DerivePlanJob { metadata, regions, metadata_version, output };
            let derived = job.run()?;
            match (derived.text, &job.output) {
                (Some(text), _) => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(text.as_bytes()).map_err(dialsim::Error::Output)?;
                }
                (None, Some(path)) => {
                    note!("dialsim: wrote {} (libphonenumber metadata {})", path.display(), derived.version)
                }
                (None, None) => {}
            }
        }
    }
    Ok(0)
}
