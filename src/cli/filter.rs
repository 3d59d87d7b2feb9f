//! `dialsim filter build | info | check`.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use dialsim::jobs::{Checked, check_filter, open_filter, write_filter_text};

use super::input_args::InputArgs;

#[derive(Subcommand, Debug)]
pub enum FilterCommand {
    /// Build a Bloom filter file from CSV files of known numbers (any mix of written formats).
    Build(BuildArgs),
    /// Show a filter file's size, parameters, fill and sources.
    Info {
        /// The filter file; `-` reads it from stdin.
        file: PathBuf,
        /// Print the file's header (parameters, sources) with fill and estimated false-positive rate as one
        /// JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Check numbers against a filter: prints each normalised number and `known` or `not known`.
    Check {
        /// The filter file; `-` reads it from stdin.
        file: PathBuf,
        /// Numbers to check, written in any accepted format.
        #[arg(required = true)]
        numbers: Vec<String>,
    },
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// Output filter file (written to a temporary name and renamed when complete; owner-only, 0600: a filter
    /// is as sensitive as its database); `-` writes it to stdout.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Input CSV files; `-` reads stdin.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Target false-positive rate (fresh numbers wrongly excluded).
    #[arg(long = "fp-rate", default_value_t = 0.001)]
    fp_rate: f64,
    /// Plan whose national lengths and prefixes help read numbers written without `+` (e.g. 420601123456) and
    /// tell record ids from phone numbers.
    #[arg(long, default_value = "cz")]
    plan: String,
    /// Capacity to size the filter for [default: the distinct numbers found in the inputs].
    #[arg(long)]
    expected: Option<u64>,
    /// Seed of the filter's hash keys [default: fresh from the operating system].
    #[arg(long)]
    seed: Option<u64>,
    /// Threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    #[command(flatten)]
    input: InputArgs,
}

pub fn run(cmd: FilterCommand) -> Result<i32> {
    match cmd {
        FilterCommand::Build(args) => build(args),
        FilterCommand::Info { file, json } => {
            let f = open_filter(&file)?;
            if json {
                out!("{}", serde_json::to_string_pretty(&dialsim::jobs::filter_document(&f, &file))?);
                return Ok(0);
            }
            super::simulate::print(|out| write_filter_text(&f, &file, out))?;
            Ok(0)
        }
        FilterCommand::Check { file, numbers } => {
            let f = open_filter(&file)?;
            let mut bad = false;
            for checked in check_filter(&f, &numbers) {
                match checked {
                    Checked::Number { number, known } => {
                        out!("{number}\t{}", if known { "known" } else { "not known" })
                    }
                    Checked::NotANumber { written, reason } => {
                        bad = true;
                        out!("{written}\tnot a phone number ({reason})");
                    }
                }
            }
            Ok(if bad { 1 } else { 0 })
        }
    }
}

fn build(args: BuildArgs) -> Result<i32> {
    if dialsim::jobs::is_stdout(&args.output) && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        anyhow::bail!(dialsim::Error::Request("-o -: a filter is binary; redirect stdout to a file or a pipe".into()));
    }
    let job = dialsim::jobs::FilterJob {
        inputs: args.inputs.clone(),
        output: args.output.clone(),
        fp_rate: args.fp_rate,
        expected: args.expected,
        seed: args.seed,
        plan: args.plan.clone(),
        reading: args.input.reading(),
        threads: super::threads(args.threads)?,
    };
    let bar = super::progress_bar_with(
        0,
        true,
        "reading {bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
    );
    let progress = |done, total| {
        if let Some(b) = &bar {
            b.set_length(total);
            b.set_position(done);
        }
    };
    let done = job.run(&mut super::generate::print_note, &progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    note!("dialsim: {}", done?.summary(&args.output));
    Ok(0)
}
