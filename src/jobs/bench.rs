//! `bench`: a short throughput report on the user's machine — list generation, filter queries, a list
//! written against a filter, simulated events — each measured for a time budget.

use std::time::{Duration, Instant};

use crate::exclude::{Exclusions, FilterParams, KnownFilter, Source};
use crate::foundation::error::Result;
use crate::foundation::limits;
use crate::generate::{CallList, ListFormat, ListRequest, NoExclusion, Shard};
use crate::plan::Plan;
use crate::plan::space::{NumberSpace, Selection};
use crate::scenario::Scenario;

/// A throughput report to measure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BenchJob {
    /// Time spent per measurement (at least 0.1 s is spent).
    pub seconds: f64,
}

/// What a bench run measured on: the machine and the budget.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BenchSetup {
    /// Cores used by the measurements that use them all.
    pub cores: usize,
    /// Time spent per measurement, in seconds.
    pub seconds: f64,
}

impl BenchJob {
    /// The cores and the time per measurement this job will use, known before it runs.
    pub fn setup(&self) -> BenchSetup {
        BenchSetup { cores: limits::cores(), seconds: self.budget().as_secs_f64() }
    }

    fn budget(&self) -> Duration {
        Duration::from_secs_f64(self.seconds.max(0.1))
    }

    /// Runs every measurement, telling each (its label and its rate per second) to `measured` as it comes, for
    /// the caller to show at once.
    pub fn run(&self, measured: &mut dyn FnMut(&str, f64) -> Result<()>) -> Result<()> {
        let budget = self.budget();
        let cores = limits::cores();
        let space = NumberSpace::new(&Plan::embedded("cz")?, &Selection::default())?;
        let list = CallList::new(space, 1);
        let batch = 4_000_000u64;
        for (label, format, threads) in [
            ("generate cz csv, 1 thread (numbers)", ListFormat::Csv, 1),
            ("generate cz csv, all cores (numbers)", ListFormat::Csv, cores),
            ("generate cz txt, all cores (numbers)", ListFormat::Txt, cores),
        ] {
            let request = ListRequest { start: 0, count: Some(batch), shard: Shard::WHOLE, format, threads };
            let r = rate(budget, batch, || list.write(&request, &NoExclusion, &mut std::io::sink(), &mut |_| {}))?;
            measured(label, r)?;
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
            Ok(())
        })?;
        measured("filter queries one by one, 1 thread", r)?;
        let mut found = vec![false; 8192];
        let r = rate(budget, queries.len() as u64, || {
            for chunk in queries.chunks(found.len()) {
                filter.contains_many(chunk, &mut found[..chunk.len()]);
                std::hint::black_box(&found);
            }
            Ok(())
        })?;
        measured("filter queries 8192 at once, 1 thread", r)?;
        let mut exclusions = Exclusions::new();
        exclusions.push("bench", Source::Filter(filter));
        let request =
            ListRequest { start: 0, count: Some(batch), shard: Shard::WHOLE, format: ListFormat::Csv, threads: cores };
        let r = rate(budget, batch, || list.write(&request, &exclusions, &mut std::io::sink(), &mut |_| {}))?;
        measured("generate cz csv excluding, all cores", r)?;

        // Simulation: the default day, one thread.
        let campaign = crate::sim::Campaign::new(Scenario::default_day())?;
        let events = campaign.run(1, false).summary.events;
        let mut seed = 0;
        let r = rate(budget, events, || {
            seed += 1;
            std::hint::black_box(campaign.run(seed, false).summary.events);
            Ok(())
        })?;
        measured("simulated events, default day, 1 thread", r)
    }
}

/// Runs `work` (which processes `batch` items) repeatedly for about `budget`; returns items per second.
fn rate<T>(budget: Duration, batch: u64, mut work: impl FnMut() -> Result<T>) -> Result<f64> {
    let start = Instant::now();
    let mut done = 0u64;
    while start.elapsed() < budget || done == 0 {
        work()?;
        done += batch;
    }
    Ok(done as f64 / start.elapsed().as_secs_f64())
}
