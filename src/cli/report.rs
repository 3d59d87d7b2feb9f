//! `dialsim report DIR... -o report.html`: one self-contained HTML page of run, replications, sweep and
//! comparison outputs (the `--report FILE` of `simulate`, `sweep`, `frontier` and `compare` is written by their jobs).

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use dialsim::jobs::ReportJob;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Run or replications folders (`simulate --out`), sweep folders or sweep.csv files, comparison CSVs
    /// (`compare -o`); each becomes a section of the page, in order. Files are recognised by their header.
    #[arg(required = true, value_name = "DIR")]
    inputs: Vec<PathBuf>,
    /// The HTML file to write (to a temporary name, renamed when complete).
    #[arg(short = 'o', long = "output", value_name = "FILE.html")]
    output: PathBuf,
    /// KPIs to show as cards, charts and point-table columns, in this order (`dialsim keys --kpi`) [default:
    /// the headline KPIs]; every KPI stays in the full tables.
    #[arg(long = "kpi", value_delimiter = ',', value_name = "KPI,...")]
    kpis: Vec<String>,
}

pub fn run(args: ReportArgs) -> Result<i32> {
    let folders: Vec<&Path> = args.inputs.iter().map(PathBuf::as_path).collect();
    let mut job = ReportJob::checked(dialsim::Param::Out, &args.output, &folders, &args.kpis)?;
    job.name_params(super::flag_text);
    for input in &args.inputs {
        job.add_path(input)?;
    }
    let path = job.write()?;
    let n = args.inputs.len();
    note!("dialsim: wrote {} ({n} input{})", path.display(), if n == 1 { "" } else { "s" });
    Ok(0)
}
