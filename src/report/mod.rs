//! Reports of simulated runs: `calls.csv`, `summary.json` and the readable table. A run's files are written
//! as one run folder ([`RunFolder`]): complete with its `manifest.json`, or not at all. This module formats;
//! the binary decides what to print.

mod plot;
mod stats;

pub use plot::{Series, profile_svg, sweep_svg};
pub use stats::{Estimate, t_975};

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::Result;
use crate::manifest::{Manifest, scenario_sha256};
use crate::output::{Privacy, RunFolder};
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

/// The header line of `calls.csv`.
pub const CALLS_HEADER: &str =
    "call_id,number,attempt,dial_s,outcome,ring_s,wait_s,talk_s,wrap_s,agent,objection_offered,notice,referral_of";

/// Writes `calls.csv` of a run whose records were kept.
pub fn write_calls(out: &mut dyn Write, run: &RunOutput) -> std::io::Result<()> {
    writeln!(out, "{CALLS_HEADER}")?;
    for c in &run.calls {
        write_call(out, c)?;
    }
    Ok(())
}

/// Writes one row of `calls.csv`.
pub fn write_call(out: &mut dyn Write, c: &crate::sim::CallRecord) -> std::io::Result<()> {
    {
        let agent = c.agent.map(|a| a.to_string()).unwrap_or_default();
        let offered = match c.offered {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        let notice = match (c.offered, c.referral_of) {
            (None, _) => "",
            (Some(_), Some(_)) => "art14",
            (Some(_), None) => "standard",
        };
        let referral = c.referral_of.map(|r| r.to_string()).unwrap_or_default();
        writeln!(
            out,
            "{},{},{},{:.3},{},{:.3},{:.3},{:.3},{:.3},{},{offered},{notice},{referral}",
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

/// Runs `campaign` with `seed` into the run folder `folder`: `calls.csv` is written while the run goes (each
/// call's row as soon as it and every earlier call have ended), so memory does not grow with the calls made;
/// then the other files of [`write_run_files`]. The caller commits the folder.
pub fn simulate_into(folder: &mut RunFolder, campaign: &crate::sim::Campaign, seed: u64) -> Result<RunOutput> {
    let mut out = None;
    folder.write("calls.csv", Privacy::Personal, |w| {
        writeln!(w, "{CALLS_HEADER}")?;
        out = Some(campaign.run_streaming(seed, &mut |c| write_call(w, c))?);
        Ok(())
    })?;
    let run = out.expect("the run ran");
    write_records(folder, campaign.scenario(), &run)?;
    folder.record_sources(crate::sim::scenario_sources(campaign.scenario())?);
    Ok(run)
}

/// Writes one file of a run folder, created with the mode `privacy` asks for.
fn write_file(
    folder: &mut RunFolder,
    name: &str,
    privacy: Privacy,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    folder.write(name, privacy, fill)
}

/// Writes the run folder `dir` as a set: `calls.csv`, `suppression.csv`, `consents.jsonl`, `names.csv`,
/// `intervals.csv`, `summary.json` and `manifest.json`, all or nothing ([`RunFolder`]). The files holding
/// personal data (calls, suppression, consents, names) are readable by their owner only. Returns the manifest.
pub fn write_run(dir: &Path, scenario: &Scenario, run: &RunOutput) -> Result<Manifest> {
    let mut folder = RunFolder::create(dir)?;
    write_run_files(&mut folder, scenario, run)?;
    folder.record_sources(crate::sim::scenario_sources(scenario)?);
    folder.commit(run.seed, scenario_sha256(scenario))
}

/// Writes the files of [`write_run`] into `folder`, which the caller commits (after adding, say, a chart).
pub fn write_run_files(folder: &mut RunFolder, scenario: &Scenario, run: &RunOutput) -> Result<()> {
    write_file(folder, "calls.csv", Privacy::Personal, |out| write_calls(out, run))?;
    write_records(folder, scenario, run)
}

/// The files of a run folder but `calls.csv`: suppression, consents, names, intervals and the summary.
fn write_records(folder: &mut RunFolder, scenario: &Scenario, run: &RunOutput) -> Result<()> {
    use crate::compliance::timestamp;
    write_file(folder, "suppression.csv", Privacy::Personal, |out| {
        writeln!(out, "number,time,call_id,scope")?;
        for e in &run.suppression {
            writeln!(out, "{},{},{},{}", e.number, timestamp(scenario, e.time_ms), e.call_id, e.scope)?;
        }
        Ok(())
    })?;
    write_file(folder, "consents.jsonl", Privacy::Personal, |out| {
        for entry in &run.ledger {
            writeln!(out, "{}", entry.to_json(scenario))?;
        }
        Ok(())
    })?;
    write_file(folder, "names.csv", Privacy::Personal, |out| {
        writeln!(out, "number,name,call_id,time,receipt")?;
        // audit branch: a withdrawal erases the names kept under its receipt.
        for n in &crate::compliance::erase_withdrawn(&run.names, &run.ledger) {
            let receipt = n.receipt.as_deref().unwrap_or("");
            writeln!(out, "{},{},{},{},{receipt}", n.number, n.name, n.call_id, timestamp(scenario, n.time_ms))?;
        }
        Ok(())
    })?;
    write_file(folder, "intervals.csv", Privacy::Public, |out| write_intervals(out, scenario, run))?;
    write_file(folder, "summary.json", Privacy::Public, |out| out.write_all(summary_json(scenario, run).as_bytes()))
}

/// `intervals.csv`: the time profile, one row per 15 minutes with activity.
pub fn write_intervals(out: &mut dyn Write, scenario: &Scenario, run: &RunOutput) -> std::io::Result<()> {
    writeln!(out, "start,dials,human_answers,connects,drops,drop_rate,dial_level,occupancy,consents")?;
    for i in &run.intervals {
        writeln!(
            out,
            "{},{},{},{},{},{:.4},{:.3},{:.4},{}",
            crate::compliance::timestamp(scenario, i.start_ms),
            i.dials,
            i.human_answers,
            i.connects,
            i.drops,
            i.drop_rate(),
            i.dial_level,
            i.occupancy(),
            i.consents
        )?;
    }
    Ok(())
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
    let c = &s.compliance;
    row("profile", scenario.compliance.profile.as_str().to_string());
    row("objections", c.objections.to_string());
    row(
        "names given / consents / declined",
        format!("{} / {} / {}", c.names_given, c.consents_granted, c.consents_declined),
    );
    row("withdrawals", c.withdrawals.to_string());
    row(
        "referrals / converted / dropped",
        format!("{} / {} / {}", c.referrals, c.referrals_converted, c.referrals_dropped),
    );
    row("suppression hits", c.suppression_hits.to_string());
    row("violations (audit)", c.violations.to_string());
    row("events", s.events.to_string());
    t
}
