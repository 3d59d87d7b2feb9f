//! `dialsim bench`: a short throughput report on the user's machine.

use anyhow::Result;
use clap::Args;
use dialsim::jobs::BenchJob;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Seconds to spend per measurement.
    #[arg(long, default_value_t = 2.0)]
    seconds: f64,
    /// Print the measurements as one JSON document on stdout (name and rate per second of each).
    #[arg(long)]
    json: bool,
}

pub fn run(args: BenchArgs) -> Result<i32> {
    let job = BenchJob { seconds: args.seconds };
    let setup = job.setup();
    if !args.json {
        out!("dialsim bench ({} cores, {:.1} s per line)", setup.cores, setup.seconds);
        out!("{:<44} {:>14}", "measurement", "per second");
    }
    // Printed as they come, or gathered for --json.
    let mut rows = Vec::new();
    job.run(&mut |label, rate| {
        if args.json {
            rows.push(serde_json::json!({ "measurement": label, "per_second": rate }));
        } else {
            out!("{label:<44} {:>14}", human(rate));
        }
        Ok(())
    })?;
    if args.json {
        let doc = serde_json::json!({
            "dialsim_version": env!("CARGO_PKG_VERSION"),
            "cores": setup.cores,
            "seconds_per_measurement": setup.seconds,
            "measurements": rows,
        });
        out!("{}", serde_json::to_string_pretty(&doc)?);
    }
    Ok(0)
}

fn human(r: f64) -> String {
    if r >= 1e6 { format!("{:.2} M", r / 1e6) } else { format!("{:.0}", r) }
}
