//! `dialsim registry`: the system of record kept across campaigns (an SQLite file or a PostgreSQL database). Each subcommand maps its
//! flags to one action of [`RegistryJob`] and prints what it did.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use dialsim::jobs::{Import, ImportStopped, Imported, Kind, RegistryJob};

/// Where the registry is.
#[derive(Args, Debug, Clone)]
pub struct RegistryArg {
    /// The registry: an SQLite file or a postgres://USER@HOST/DB URL (created by `registry init`)
    #[arg(long, value_name = "PATH", default_value = RegistryJob::DEFAULT, global = true)]
    registry: String,
}

#[derive(Subcommand, Debug)]
pub enum RegistryCommand {
    /// Create the registry (or bring an existing one to this dialsim's schema).
    Init,
    /// Import numbers: suppressions, a register snapshot, opt-ins, prior consents, customers, a known database.
    Import(ImportArgs),
    /// Rows per table, register snapshots' ages against their freshness limits, schema version.
    Status(StatusArgs),
    /// Everything held about a number, as JSON (a data-subject access request, GDPR Art. 15).
    Access(NumberArgs),
    /// Erase a number (GDPR Art. 17): only its suppression tombstone and withdrawn consents' minimal receipts stay.
    Erase(NumberArgs),
    /// Write the suppressed numbers as a CSV that --suppress reads.
    Export(ExportArgs),
    /// Apply the retention periods (compliance.retention of a scenario, or their defaults).
    Prune(PruneArgs),
    /// Close an exclusive list (`generate --exclusive`): its numbers may be listed again.
    Close(CloseArgs),
}

#[derive(Args, Debug)]
pub struct CloseArgs {
    /// The list's manifest (LIST.manifest.json)
    manifest: PathBuf,
}

#[derive(Args, Debug)]
pub struct RegistryArgs {
    #[command(subcommand)]
    command: RegistryCommand,
    #[command(flatten)]
    at: RegistryArg,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// CSV files of numbers (read like known databases; a value that is not a number is an error)
    #[arg(required = true)]
    files: Vec<String>,
    /// What the files hold: suppression, register, opt-in, consent, customer, known
    #[arg(long)]
    kind: Kind,
    /// The name (a register's: tps, national-dnc, nevolajte-mi …) [default: the file's name]
    #[arg(long)]
    name: Option<String>,
    /// A register snapshot's date (YYYY-MM-DD; required for --kind register)
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// Numbering plan the numbers belong to (embedded name or plan CSV)
    #[arg(long, default_value = "cz")]
    plan: String,
    #[command(flatten)]
    input: super::input_args::InputArgs,
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    /// The day register ages are counted to [default: today, UTC]
    #[arg(long, value_name = "YYYY-MM-DD")]
    on: Option<jiff::civil::Date>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct NumberArgs {
    /// The number, in E.164 (+420601123456) or as the plan writes it
    number: String,
    /// Numbering plan of a number written without its country code
    #[arg(long, default_value = "cz")]
    plan: String,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The CSV to write
    #[arg(short = 'o', long = "output", visible_alias = "out", value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args, Debug)]
pub struct PruneArgs {
    /// A scenario whose [compliance.retention] applies [default: the defaults]
    #[arg(long)]
    scenario: Option<String>,
}

pub fn run(args: RegistryArgs) -> Result<i32> {
    let at = &args.at.registry;
    let job = RegistryJob { registry: at.clone() };
    match args.command {
        RegistryCommand::Init => {
            let version = job.init()?;
            note!("dialsim: registry {at} at schema version {version}");
        }
        RegistryCommand::Import(a) => {
            let kind = a.kind;
            let import =
                Import { files: a.files, kind, name: a.name, date: a.date, plan: a.plan, reading: a.input.reading() };
            let told = &mut |Imported { file, rows, seconds }: Imported<'_>| {
                note!(
                    "dialsim: {file}: {rows} numbers imported as {} in {seconds:.2} s ({:.0} rows/s)",
                    kind.as_str(),
                    rows as f64 / seconds.max(1e-9)
                )
            };
            job.import(&import, told).map_err(|ImportStopped { error, applying }| match applying {
                // The registry refused a file's numbers: say which file.
                Some(file) => anyhow::Error::new(error).context(format!("importing {file}")),
                None => error.into(),
            })?;
        }
        RegistryCommand::Status(a) => {
            let s = job.status(a.on)?;
            if a.json {
                out!("{}", serde_json::to_string_pretty(&s.status)?);
            } else {
                super::simulate::print(|out| s.write_text(out))?;
            }
        }
        RegistryCommand::Access(a) => {
            let held = job.access(&a.number, &a.plan)?;
            out!("{}", serde_json::to_string_pretty(&held)?);
        }
        RegistryCommand::Erase(a) => {
            let erased = job.erase(&a.number, &a.plan)?;
            out!("{}", serde_json::to_string_pretty(&erased.document())?);
        }
        RegistryCommand::Export(a) => {
            let n = job.export(&a.out)?;
            note!("dialsim: wrote {n} suppressed numbers to {}", a.out.display());
        }
        RegistryCommand::Close(a) => {
            let n = job.close(&a.manifest)?;
            note!(
                "dialsim: registry {at}: closed the list of {} ({n} numbers may be listed again)",
                a.manifest.display()
            );
        }
        RegistryCommand::Prune(a) => {
            let pruned = job.prune(a.scenario.as_deref())?;
            note!(
                "dialsim: pruned {} receipts of consents withdrawn more than {} days ago",
                pruned.receipts,
                pruned.withdrawn_receipt_days
            );
        }
    }
    Ok(0)
}
