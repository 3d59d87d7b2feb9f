//! The readable tables the binary prints on stdout.

use std::io::{self, Write};

use super::{Export, RunReport};
use crate::analysis::{Comparison, Replications};

/// The readable table: of a run, one line per figure; of replications, every KPI's mean and 95 % interval;
/// of a comparison, A, B, B − A and the paired and independent half-widths. Numbers are written with four
/// significant digits, rates (abandonment, occupancy, P(wait), the AAPOR rates) as percentages, and a value
/// that does not exist (NaN: a rate of nothing) as a dash; CSV and JSON keep plain fractions.
#[derive(Clone, Copy, Debug, Default)]
pub struct Table;

use crate::sim::kpi::{num, percent};

/// The value of KPI `kpi` as the registry writes it (a percentage for a rate, else a number).
fn kpi_value(kpi: &str, x: f64) -> String {
    crate::sim::kpi::find(kpi).map_or_else(|| num(x), |k| k.text(x))
}

/// The KPIs the run's table lays out by hand (several to a line), in the registry's names.
const RUN_LAYOUT: [&str; 31] = [
    "dials",
    "human_answers",
    "connects",
    "drops",
    "abandon_rate",
    "abandon_rate_max_day",
    "occupancy",
    "contacts_per_agent_hour",
    "p_wait",
    "mean_wait_s",
    "rr1",
    "rr3",
    "coop1",
    "ref1",
    "con1",
    "objections",
    "names_given",
    "consents_granted",
    "consents_declined",
    "withdrawals",
    "referrals",
    "referrals_converted",
    "suppression_hits",
    "violations",
    "screened",
    "screened_out",
    "contacts",
    "cost_total",
    "cost_per_contact",
    "cost_per_consent",
    "events",
];

/// The KPIs a single run's table leaves out (`summary.json` and the replications' table hold them).
const RUN_LEFT_OUT: [&str; 4] = ["callbacks_scheduled", "callbacks_kept", "callbacks_missed", "net_value"];

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
        row("  of which put through late", s.abandoned_late.to_string())?;
        let machines = s.outcomes.get(crate::sim::Outcome::MachineDropped.as_str()).copied().unwrap_or(0);
        row("machines dropped (not abandoned)", machines.to_string())?;
        row("abandon rate", percent(s.abandon_rate))?;
        row("abandon rate, worst day (Ofcom)", percent(s.abandon_rate_max_day))?;
        row("occupancy", percent(s.occupancy))?;
        row("contacts per agent hour", num(s.contacts_per_agent_hour))?;
        row("P(wait)", percent(s.p_wait))?;
        row("mean wait", if s.mean_wait_s.is_finite() { format!("{} s", num(s.mean_wait_s)) } else { "-".into() })?;
        row("agent time talk/wait/wrap", {
            let a = &s.agent_time;
            let total = (a.talk_s + a.wait_s + a.wrap_s + a.preview_s).max(1e-9);
            format!("{:.0}/{:.0}/{:.0} %", 100.0 * a.talk_s / total, 100.0 * a.wait_s / total, 100.0 * a.wrap_s / total)
        })?;
        row("numbers dialled", s.numbers_dialed.to_string())?;
        row("AAPOR RR1 / RR3", format!("{} / {}", percent(s.aapor.rr1), percent(s.aapor.rr3)))?;
        row(
            "AAPOR COOP1 / REF1 / CON1",
            format!("{} / {} / {}", percent(s.aapor.coop1), percent(s.aapor.ref1), percent(s.aapor.con1)),
        )?;
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
        let k = &s.costs;
        if k.screened > 0 {
            row("screened / out (HLR)", format!("{} / {}", k.screened, k.screened_out))?;
        }
        row("contacts (AAPOR: person reached)", k.contacts.to_string())?;
        row(&format!("cost total, {}", k.cost_currency), format!("{:.0}", k.cost_total))?;
        row("cost per contact / consent", format!("{:.2} / {:.2}", k.cost_per_contact, k.cost_per_consent))?;
        row("events", s.events.to_string())?;
        // A KPI the layout above does not place is listed after it, so a new KPI shows without a change here.
        for k in
            crate::sim::kpi::KPIS.iter().filter(|k| !RUN_LAYOUT.contains(&k.name) && !RUN_LEFT_OUT.contains(&k.name))
        {
            row(k.label, k.text(k.of(s)))?;
        }
        Ok(())
    }
}

impl Export<Replications<'_>> for Table {
    fn write(&self, out: &mut dyn Write, r: &Replications<'_>) -> io::Result<()> {
        writeln!(out, "{:<26} {:>14} {:>12} {:>14} {:>14}", "kpi", "mean", "± 95 %", "ci95_low", "ci95_high")?;
        for (k, e) in &r.estimates {
            writeln!(
                out,
                "{k:<26} {:>14} {:>12} {:>14} {:>14}",
                kpi_value(k, e.mean),
                kpi_value(k, e.half_width()),
                kpi_value(k, e.ci95_low),
                kpi_value(k, e.ci95_high)
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
                "{:<26} {:>12} {:>12} {:>12} {:>12} {:>14} {:>10}",
                kpi,
                kpi_value(kpi, p.a.mean),
                kpi_value(kpi, p.b.mean),
                kpi_value(kpi, p.diff.mean),
                kpi_value(kpi, p.diff.half_width()),
                kpi_value(kpi, p.independent_half_width),
                num(p.variance_ratio())
            )?;
        }
        writeln!(
            out,
            "{} paired replications (seed {}); var ratio = variance of independent / paired differences",
            c.replications, c.seed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_values_of_rates_are_percentages_and_of_counts_numbers() {
        assert_eq!(kpi_value("abandon_rate", f64::NAN), "-");
        assert_eq!(kpi_value("abandon_rate", 0.02345), "2.345 %");
        assert_eq!(kpi_value("dials", 1500.0), "1500");
    }

    #[test]
    fn the_run_tables_layout_names_only_registry_kpis() {
        for k in RUN_LAYOUT.iter().chain(&RUN_LEFT_OUT) {
            assert!(crate::sim::kpi::find(k).is_some(), "{k} is not a KPI of the registry");
        }
    }
}
