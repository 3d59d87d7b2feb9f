//! `dialsim registry`: the system of record kept across campaigns (an SQLite file or a PostgreSQL database). Each subcommand maps its
//! flags to one library call of [`dialsim::registry`] and prints the result.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use dialsim::registry::{self, Kind};

/// Where the registry is.
#[derive(Args, Debug, Clone)]
pub struct RegistryArg {
    /// The registry: an SQLite file or a postgres://USER@HOST/DB URL (created by `registry init`)
    #[arg(long, value_name = "PATH", default_value = registry::DEFAULT_PATH, global = true)]
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
    /// The day register ages are counted to [default: today]
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

fn key_of(number: &str, plan: &str) -> Result<u64> {
    let plan = dialsim::Plan::resolve(plan)?;
    let normalizer = dialsim::Normalizer::for_plan(&plan);
    let n = normalizer
        .parse(number)
        .map_err(|e| dialsim::Error::Request(format!("'{number}' is not a phone number: {e}")))?;
    Ok(n.key())
}

pub fn run(args: RegistryArgs) -> Result<i32> {
    let at = &args.at.registry;
    match args.command {
        RegistryCommand::Init => {
            let mut r = registry::create(at)?;
            note!("dialsim: registry {at} at schema version {}", r.schema_version()?);
        }
        RegistryCommand::Import(a) => {
            let plan = dialsim::Plan::resolve(&a.plan)?;
            let options = a.input.options(&plan).map_err(super::input_args::with_flags)?;
            let mut r = registry::open(at)?;
            for file in &a.files {
                let started = std::time::Instant::now();
                let batch = registry::import_batch(file, a.kind, a.name.as_deref(), a.date.as_deref(), &options)
                    .map_err(super::input_args::with_flags)?;
                let rows = batch.number_rows();
                r.apply(&batch).with_context(|| format!("importing {file}"))?;
                let secs = started.elapsed().as_secs_f64();
                note!(
                    "dialsim: {file}: {rows} numbers imported as {} in {secs:.2} s ({:.0} rows/s)",
                    a.kind.as_str(),
                    rows as f64 / secs.max(1e-9)
                );
            }
        }
        RegistryCommand::Status(a) => {
            let mut r = registry::open(at)?;
            let day = a.on.unwrap_or_else(|| jiff::Zoned::now().date());
            let s = registry::status(r.as_mut(), day)?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                println!("registry {} (schema version {})", s.location, s.schema_version);
                for (table, n) in &s.counts {
                    println!("  {table:<16} {n:>12}");
                }
                println!("  distinct numbers suppressed: {}", s.suppressed_numbers);
                for g in &s.registers {
                    let verdict = match g.fresh {
                        Some(true) => "fresh",
                        Some(false) => "STALE",
                        None => "no regime names it",
                    };
                    let age = g.age_days.map_or("?".into(), |d| d.to_string());
                    println!("  register {} of {}: {age} days old on {day} — {verdict} ({})", g.name, g.date, g.limit);
                }
                for k in &s.known {
                    println!("  known database {} ({} numbers, sha256 {})", k.info.name, k.info.rows, k.info.sha256);
                }
            }
        }
        RegistryCommand::Access(a) => {
            let key = key_of(&a.number, &a.plan)?;
            let held = registry::open(at)?.held(key)?;
            println!("{}", serde_json::to_string_pretty(&held)?);
        }
        RegistryCommand::Erase(a) => {
            let key = key_of(&a.number, &a.plan)?;
            let mut r = registry::open(at)?;
            let held = registry::erase(r.as_mut(), key)?;
            let out = serde_json::json!({ "erased": held.number, "grounds": registry::ERASURE_GROUNDS, "kept": held });
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        RegistryCommand::Export(a) => {
            let n = registry::export(registry::open(at)?.as_mut(), &a.out)?;
            note!("dialsim: wrote {n} suppressed numbers to {}", a.out.display());
        }
        RegistryCommand::Close(a) => {
            let batch = registry::list_batch(&a.manifest)?;
            let sha = batch.list.as_ref().map(|l| l.list_sha256.clone()).unwrap_or_default();
            let source = registry::SourceInfo { kind: "close-list".into(), ..batch.source };
            let n = registry::open(at)?.close_list(&sha, &source)?;
            note!(
                "dialsim: registry {at}: closed the list of {} ({n} numbers may be listed again)",
                a.manifest.display()
            );
        }
        RegistryCommand::Prune(a) => {
            let retention = match &a.scenario {
                Some(path) => dialsim::Scenario::load(path, &[])?.compliance.retention,
                None => dialsim::RetentionSection::default(),
            };
            let n = registry::prune(registry::open(at)?.as_mut(), jiff::Timestamp::now(), &retention)?;
            note!(
                "dialsim: pruned {n} receipts of consents withdrawn more than {} days ago",
                retention.withdrawn_receipt_days
            );
        }
    }
    Ok(0)
}
