//! `dialsim bench`: a short throughput report on the user's machine.

use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;
use dialsim::exclude::Source;
use dialsim::{
    CallList, ListFormat, ListRequest, NoExclusion, NumberSpace, Plan, Selection, Shard, exclude::Exclusions,
    exclude::FilterParams, exclude::KnownFilter,
};

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Seconds to spend per measurement.
    #[arg(long, default_value_t = 2.0)]
    seconds: f64,
    /// Print the measurements as one JSON document on stdout (name and rate per second of each).
    #[arg(long)]
    json: bool,
}

/// The measurements: printed as they come, or gathered for --json.
struct Lines {
    json: bool,
    rows: Vec<(String, f64)>,
}

impl Lines {
    fn line(&mut self, label: &str, rate: f64) -> Result<()> {
        if self.json {
            self.rows.push((label.to_string(), rate));
        } else {
            out!("{label:<44} {:>14}", human(rate));
        }
        Ok(())
    }
}

/// Runs `work` (which processes `batch` items) repeatedly for about `budget`; returns items per second.
fn rate(budget: Duration, batch: u64, mut work: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut done = 0u64;
    while start.elapsed() < budget || done == 0 {
        work();
        done += batch;
    }
    done as f64 / start.elapsed().as_secs_f64()
}

pub fn run(args: BenchArgs) -> Result<i32> {
    let budget = Duration::from_secs_f64(args.seconds.max(0.1));
    let cores = dialsim::foundation::limits::cores();
    let space = NumberSpace::new(&Plan::embedded("cz")?, &Selection::default())?;
    let list = CallList::new(space, 1);
    let mut lines = Lines { json: args.json, rows: Vec::new() };
    if !args.json {
        out!("dialsim bench ({} cores, {:.1} s per line)", cores, budget.as_secs_f64());
        out!("{:<44} {:>14}", "measurement", "per second");
    }
    let batch = 4_000_000u64;
    for (label, format, threads) in [
        ("generate cz csv, 1 thread (numbers)", ListFormat::Csv, 1),
        ("generate cz csv, all cores (numbers)", ListFormat::Csv, cores),
        ("generate cz txt, all cores (numbers)", ListFormat::Txt, cores),
    ] {
        let request = ListRequest { start: 0, count: Some(batch), shard: Shard::WHOLE, format, threads };
        let r = rate(budget, batch, || {
            let mut sink = std::io::sink();
            list.write(&request, &NoExclusion, &mut sink, &mut |_| {}).expect("writing to a sink");
        });
        lines.line(label, r)?;
    }

    // Filter queries: a 10 M-entry filter (fp 0.001, 17 MiB: larger than the caches, as a real database's
    // is) of numbers from another seed's list, queried with this list's numbers.
    let other = CallList::new(list.space().clone(), 2);
    let known: Vec<u64> = (0..10_000_000).map(|p| other.number_at(p).key()).collect();
    let params = FilterParams { fp_rate: 0.001, expected: None, seed: Some(3), threads: cores, country_code: 420 };
    let filter = KnownFilter::build(known, &params, vec![])?;
    let queries: Vec<u64> = (0..1_000_000).map(|p| list.number_at(p).key()).collect();
    let r = rate(budget, queries.len() as u64, || {
        std::hint::black_box(queries.iter().filter(|&&k| filter.contains_key(k)).count());
    });
    lines.line("filter queries one by one, 1 thread", r)?;
    let mut found = vec![false; 8192];
    let r = rate(budget, queries.len() as u64, || {
        for chunk in queries.chunks(found.len()) {
            filter.contains_many(chunk, &mut found[..chunk.len()]);
            std::hint::black_box(&found);
        }
    });
    lines.line("filter queries 8192 at once, 1 thread", r)?;
    let mut exclusions = Exclusions::new();
    exclusions.push("bench", Source::Filter(filter));
    let request =
        ListRequest { start: 0, count: Some(batch), shard: Shard::WHOLE, format: ListFormat::Csv, threads: cores };
    let r = rate(budget, batch, || {
        list.write(&request, &exclusions, &mut std::io::sink(), &mut |_| {}).expect("writing to a sink");
    });
    lines.line("generate cz csv excluding, all cores", r)?;

    // Simulation: the default day, one thread.
    let campaign = dialsim::sim::Campaign::new(dialsim::Scenario::default_day())?;
    let events = campaign.run(1, false).summary.events;
    let mut seed = 0;
    let r = rate(budget, events, || {
        seed += 1;
        std::hint::black_box(campaign.run(seed, false).summary.events);
    });
    lines.line("simulated events, default day, 1 thread", r)?;
    if args.json {
        let rows: Vec<serde_json::Value> =
            lines.rows.iter().map(|(m, r)| serde_json::json!({ "measurement": m, "per_second": r })).collect();
        let doc = serde_json::json!({
            "dialsim_version": env!("CARGO_PKG_VERSION"),
            "cores": cores,
            "seconds_per_measurement": budget.as_secs_f64(),
            "measurements": rows,
        });
        out!("{}", serde_json::to_string_pretty(&doc)?);
    }
    Ok(0)
}

fn human(r: f64) -> String {
    if r >= 1e6 { format!("{:.2} M", r / 1e6) } else { format!("{:.0}", r) }
}
