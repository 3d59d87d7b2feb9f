//! `replications.csv`: every KPI of every replication.

use std::io::{self, Write};

use super::Export;
use crate::analysis::Replications;
use crate::foundation::rng::replication_seed;

/// `replications.csv`: one row per replication (its number and seed, then every KPI).
#[derive(Clone, Copy, Debug, Default)]
pub struct ReplicationsCsv;

impl Export<Replications<'_>> for ReplicationsCsv {
    fn write(&self, out: &mut dyn Write, r: &Replications<'_>) -> io::Result<()> {
        let names: Vec<&str> = crate::sim::kpi::names().collect();
        writeln!(out, "replication,seed,{}", names.join(","))?;
        for (i, s) in r.summaries.iter().enumerate() {
            let values: Vec<String> = crate::sim::kpi::KPIS.iter().map(|k| format!("{}", k.of(s))).collect();
            writeln!(out, "{i},{},{}", replication_seed(r.seed, i as u32), values.join(","))?;
        }
        Ok(())
    }
}
