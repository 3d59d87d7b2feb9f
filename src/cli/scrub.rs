//! `dialsim scrub LIST`: re-checks an existing call list against today's exclusion sources before a dialling day.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct ScrubArgs {
    /// The call list, in any format `dialsim generate` writes (csv, txt, dialer-csv, vicidial); `-` reads stdin.
    list: String,
    /// Output list without the numbers the sources hold; order, header and index column kept. `-` writes it
    /// to stdout (with no manifest unless --manifest names one).
    #[arg(short = 'o', long = "output", visible_alias = "out")]
    output: PathBuf,
    /// Write the scrubbed list's manifest here [default: OUTPUT.manifest.json beside -o; none on stdout].
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Bloom filter of known databases (repeatable).
    #[arg(long = "exclude", value_name = "FILE.bloom")]
    exclude: Vec<PathBuf>,
    /// Exact suppression list, a CSV of numbers (repeatable).
    #[arg(long = "suppress", value_name = "FILE.csv")]
    suppress: Vec<String>,
    /// A registry (an SQLite file or a postgres:// URL; `dialsim registry init`): its suppressed numbers are removed too, and the scrubbed list is
    /// recorded in it (by its manifest)
    #[arg(long, value_name = "PATH|URL")]
    registry: Option<String>,
    #[command(flatten)]
    input: super::input_args::InputArgs,
    /// Plan whose country reads suppression numbers written without a country code [default: the list's
    /// plan from its manifest, else cz].
    #[arg(long)]
    plan: Option<String>,
    /// Scrub a list whose manifest predates the binding of lists to their bytes (it records no SHA-256 of the
    /// list): the list's numbers are still checked against the recorded order.
    #[arg(long)]
    accept_unbound_list: bool,
}

pub fn run(args: ScrubArgs) -> Result<i32> {
    let job = dialsim::jobs::ScrubJob {
        list: args.list.clone(),
        output: args.output.clone(),
        manifest: args.manifest.clone(),
        exclude: args.exclude.clone(),
        suppress: args.suppress.clone(),
        reading: args.input.reading(),
        registry: args.registry.clone(),
        plan: args.plan.clone(),
        accept_unbound: args.accept_unbound_list,
    };
    let done = job.run(&mut super::generate::print_note)?;
    let counts = &done.counts;
    let parts: Vec<String> = done.sources.iter().zip(&counts.removed).map(|(n, r)| format!("{n} {r}")).collect();
    note!(
        "dialsim: scrubbed {}: kept {} of {} numbers, removed {} ({}); wrote {}",
        args.list,
        counts.kept,
        counts.read,
        counts.read - counts.kept,
        parts.join(", "),
        args.output.display()
    );
    Ok(0)
}
