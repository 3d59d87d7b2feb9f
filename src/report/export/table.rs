//! The readable tables the binary prints on stdout.

use std::io::{self, Write};

use super::{Export, RunReport};
use crate::analysis::{Comparison, Replications};

/// The readable table: of a run, one line per figure; of replications, every KPI's mean and 95 % interval;
/// of a comparison, A, B, B − A and the paired and independent half-widths.
#[derive(Clone, Copy, Debug, Default)]
pub struct Table;

impl Export<RunReport<'_>> for Table {
    fn write(&self, out: &mut dyn Write, r: &RunReport<'_>) -> io::Result<()> {
        let (scenario, s) = (r.scenario, &r.run.summary);
        let mut row = |k: &str, v: String| writeln!(out, "{k:<34} {v:>14}");
        row("scenario", scenario.run.name.clone())?;
        row("seed", r.run.seed.to_string())?;
        row("dials", s.dials.to_string())?;
        row("human answers", s.human_answers.to_string())?;
        row("connects", s.connects.to_string())?;
        row("drops (abandoned)", s.drops.to_string())?;
        row("abandon rate", format!("{:.2} %", 100.0 * s.abandon_rate))?;
        row("abandon rate, worst day (Ofcom)", format!("{:.2} %", 100.0 * s.abandon_rate_max_day))?;
        row("occupancy", format!("{:.1} %", 100.0 * s.occupancy))?;
        row("contacts per agent hour", format!("{:.2}", s.contacts_per_agent_hour))?;
        row("P(wait)", format!("{:.3}", s.p_wait))?;
        row("mean wait", format!("{:.2} s", s.mean_wait_s))?;
        row("agent time talk/wait/wrap", {
            let a = &s.agent_time;
            let total = (a.talk_s + a.wait_s + a.wrap_s + a.preview_s).max(1e-9);
            format!("{:.0}/{:.0}/{:.0} %", 100.0 * a.talk_s / total, 100.0 * a.wait_s / total, 100.0 * a.wrap_s / total)
        })?;
        row("numbers dialled", s.numbers_dialed.to_string())?;
        row("AAPOR RR1 / RR3", format!("{:.3} / {:.3}", s.aapor.rr1, s.aapor.rr3))?;
        row("AAPOR COOP1 / REF1 / CON1", format!("{:.3} / {:.3} / {:.3}", s.aapor.coop1, s.aapor.ref1, s.aapor.con1))?;
        let c = &s.compliance;
        row("profile", scenario.compliance.profile.as_str().to_string())?;
        row("objections", c.objections.to_string())?;
        row(
            "names given / consents / declined",
            format!("{} / {} / {}", c.names_given, c.consents_granted, c.consents_declined),
        )?;
        row("withdrawals", c.withdrawals.to_string())?;
        row(
            "referrals / converted / dropped",
            format!("{} / {} / {}", c.referrals, c.referrals_converted, c.referrals_dropped),
        )?;
        row("suppression hits", c.suppression_hits.to_string())?;
        row("violations (audit)", c.violations.to_string())?;
        row("events", s.events.to_string())
    }
}

impl Export<Replications<'_>> for Table {
    fn write(&self, out: &mut dyn Write, r: &Replications<'_>) -> io::Result<()> {
        writeln!(out, "{:<26} {:>14} {:>12} {:>14} {:>14}", "kpi", "mean", "± 95 %", "ci95_low", "ci95_high")?;
        for (k, e) in &r.estimates {
            writeln!(
                out,
                "{k:<26} {:>14.4} {:>12.4} {:>14.4} {:>14.4}",
                e.mean,
                e.half_width(),
                e.ci95_low,
                e.ci95_high
            )?;
        }
        writeln!(out, "replications: {} (seed {})", r.summaries.len(), r.seed)
    }
}

impl Export<Comparison> for Table {
    fn write(&self, out: &mut dyn Write, c: &Comparison) -> io::Result<()> {
        writeln!(
            out,
            "{:<26} {:>12} {:>12} {:>12} {:>12} {:>14} {:>10}",
            "kpi", "A", "B", "B - A", "± paired", "± independent", "var ratio"
        )?;
        for (kpi, p) in &c.rows {
            writeln!(
                out,
                "{:<26} {:>12.4} {:>12.4} {:>12.4} {:>12.4} {:>14.4} {:>10.1}",
                kpi,
                p.a.mean,
                p.b.mean,
                p.diff.mean,
                p.diff.half_width(),
                p.independent_half_width,
                p.variance_ratio()
            )?;
        }
        writeln!(
            out,
            "{} paired replications (seed {}); var ratio = variance of independent / paired differences",
            c.replications, c.seed
        )
    }
}
