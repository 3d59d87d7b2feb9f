//! Reports of simulated runs: `calls.csv`, `summary.json` and the readable table. Each file is written to a
//! temporary name and renamed when complete. This module formats; the binary decides what to print.

mod stats;

pub use stats::{Estimate, t_975};

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::output::AtomicFile;
use crate::scenario::Scenario;
use crate::sim::{RunOutput, Summary};

/// `summary.json`: the seed, the scenario and the summary's fields at the top level.
#[derive(Serialize)]
struct SummaryFile<'a> {
    seed: u64,
    scenario: &'a Scenario,
    #[serde(flatten)]
    summary: &'a Summary,
}

/// The `summary.json` text of a run.
pub fn summary_json(scenario: &Scenario, run: &RunOutput) -> String {
    let file = SummaryFile { seed: run.seed, scenario, summary: &run.summary };
    let mut text = serde_json::to_string_pretty(&file).expect("summary serialises");
    text.push('\n');
    text
}

/// Writes `calls.csv` rows of a run.
pub fn write_calls(out: &mut dyn Write, run: &RunOutput) -> std::io::Result<()> {
    writeln!(out, "call_id,number,attempt,dial_s,outcome,ring_s,wait_s,talk_s,wrap_s,agent")?;
    for c in &run.calls {
        let agent = c.agent.map(|a| a.to_string()).unwrap_or_default();
        writeln!(
            out,
            "{},{},{},{:.3},{},{:.3},{:.3},{:.3},{:.3},{}",
            c.call_id,
            c.number,
            c.attempt,
            c.dial_ms as f64 / 1000.0,
            c.outcome.as_str(),
            c.ring_ms as f64 / 1000.0,
            c.wait_ms as f64 / 1000.0,
            c.talk_ms as f64 / 1000.0,
            c.wrap_ms as f64 / 1000.0,
            agent
        )?;
    }
    Ok(())
}

/// Writes `calls.csv` and `summary.json` into `dir` (created if missing).
pub fn write_run(dir: &Path, scenario: &Scenario, run: &RunOutput) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join("calls.csv");
    let mut calls = AtomicFile::create(&path)?;
    write_calls(&mut calls, run).map_err(|e| Error::io(&path, e))?;
    calls.commit()?;
    let path = dir.join("summary.json");
    let mut summary = AtomicFile::create(&path)?;
    summary.write_all(summary_json(scenario, run).as_bytes()).map_err(|e| Error::io(&path, e))?;
    summary.commit()
}

/// The readable summary table.
pub fn table(scenario: &Scenario, run: &RunOutput) -> String {
    let s = &run.summary;
    let mut t = String::new();
    let mut row = |k: &str, v: String| t.push_str(&format!("{k:<34} {v:>14}\n"));
    row("scenario", scenario.run.name.clone());
    row("seed", run.seed.to_string());
    row("dials", s.dials.to_string());
    row("human answers", s.human_answers.to_string());
    row("connects", s.connects.to_string());
    row("drops (abandoned)", s.drops.to_string());
    row("abandon rate", format!("{:.2} %", 100.0 * s.abandon_rate));
    row("abandon rate, worst day (Ofcom)", format!("{:.2} %", 100.0 * s.abandon_rate_max_day));
    row("occupancy", format!("{:.1} %", 100.0 * s.occupancy));
    row("contacts per agent hour", format!("{:.2}", s.contacts_per_agent_hour));
    row("P(wait)", format!("{:.3}", s.p_wait));
    row("mean wait", format!("{:.2} s", s.mean_wait_s));
    row("agent time talk/wait/wrap", {
        let a = &s.agent_time;
        let total = (a.talk_s + a.wait_s + a.wrap_s + a.preview_s).max(1e-9);
        format!("{:.0}/{:.0}/{:.0} %", 100.0 * a.talk_s / total, 100.0 * a.wait_s / total, 100.0 * a.wrap_s / total)
    });
    row("numbers dialled", s.numbers_dialed.to_string());
    row("AAPOR RR1 / RR3", format!("{:.3} / {:.3}", s.aapor.rr1, s.aapor.rr3));
    row("AAPOR COOP1 / REF1 / CON1", format!("{:.3} / {:.3} / {:.3}", s.aapor.coop1, s.aapor.ref1, s.aapor.con1));
    row("events", s.events.to_string());
    t
}
