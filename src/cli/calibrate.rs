//! `dialsim calibrate LOG -o SCENARIO`: a scenario fitted to a dialer's call log.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::jobs::{CalibrateDone, CalibrateJob};

#[derive(Args, Debug)]
pub struct CalibrateArgs {
    /// The call log: dialsim's calls.csv or a VICIdial call log (a CSV or `mysql -B` export with a header,
    /// `SELECT … INTO OUTFILE` of vicidial_log, or the Export Calls Report); `-` reads stdin.
    log: String,
    /// Plan the log's numbers belong to (types them, and reads numbers written without the country code).
    #[arg(long, default_value = "cz")]
    plan: String,
    /// Write the scenario here (to a temporary name, renamed when complete); `-` or absent: stdout.
    #[arg(short = 'o', long = "output", visible_alias = "out")]
    output: Option<PathBuf>,
}

pub fn run(args: CalibrateArgs) -> Result<i32> {
    let output = args.output.filter(|p| !dialsim::jobs::is_stdout(p));
    let job = CalibrateJob { log: args.log, plan: args.plan, output };
    let CalibrateDone { calibration, text, written } = job.run()?;
    // What the log could not tell, before the result line (the scenario carries the same as comments).
    for n in calibration.notes() {
        note!("dialsim: {n}");
    }
    match written {
        Some(path) => note!(
            "dialsim: wrote {}: fitted to {} attempts on {} numbers; run it with `dialsim simulate {}`",
            path.display(),
            calibration.attempts,
            calibration.all.numbers,
            path.display()
        ),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).map_err(dialsim::Error::Output)?;
        }
    }
    Ok(0)
}
