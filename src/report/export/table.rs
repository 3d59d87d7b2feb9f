//! The readable tables the binary prints on stdout.

use std::io::{self, Write};

use super::{Export, RunReport};
use crate::analysis::{Comparison, Replications};

/// The readable table: of a run, one line per figure; of replications, every KPI's mean and 95 % interval;
/// of a comparison, A, B, B − A and the paired and independent half-widths. Every KPI is written as the
/// registry writes it ([`crate::sim::kpi::Kpi::text`]): four significant digits, rates (abandonment, occupancy,
/// P(wait), the AAPOR rates) as percentages, seconds marked "s", money with two decimals, and a value that does
/// not exist (NaN: a rate of nothing) as a dash; CSV and JSON keep plain fractions.
#[derive(Clone, Copy, Debug, Default)]
pub struct Table;

use crate::sim::Summary;
use crate::sim::kpi::{Kpi, LEFT_OUT_OF_RUN_TABLE, Unit, num};

/// The value of KPI `kpi` as the registry writes it (a percentage for a rate, else a number).
fn kpi_value(kpi: &str, x: f64) -> String {
    crate::sim::kpi::find(kpi).map_or_else(|| num(x), |k| k.text(x))
}

/// One line of a run's table.
enum Line {
    /// KPIs of the registry, several to a line: their labels and values ([`crate::sim::kpi::Kpi::text`])
    /// joined by " / ", a cost's label with the run's currency. Shown when the function says so.
    Kpis(&'static [&'static str], fn(&Summary) -> bool),
    /// A figure of the run the registry does not hold: its label and value.
    Fact(&'static str, fn(&RunReport<'_>) -> String),
}

/// Every run.
fn always(_: &Summary) -> bool {
    true
}

/// The run's table, in order. Every KPI of the registry is on a line here or in [`LEFT_OUT_OF_RUN_TABLE`]; one on
/// neither (a KPI added to the registry alone) is listed after these lines with its label.
const RUN_LINES: &[Line] = &[
    Line::Fact("scenario", |r| r.scenario.run.name.clone()),
    Line::Fact("seed", |r| r.run.seed.to_string()),
    Line::Kpis(&["dials"], always),
    Line::Kpis(&["human_answers"], always),
    Line::Kpis(&["connects"], always),
    Line::Kpis(&["drops"], always),
    Line::Fact("  of which put through late", |r| r.run.summary.abandoned_late.to_string()),
    Line::Fact("machines dropped (not abandoned)", |r| {
        let outcomes = &r.run.summary.outcomes;
        outcomes.get(crate::sim::Outcome::MachineDropped.as_str()).copied().unwrap_or(0).to_string()
    }),
    Line::Kpis(&["abandon_rate"], always),
    Line::Kpis(&["abandon_rate_max_day"], always),
    Line::Kpis(&["occupancy"], always),
    Line::Kpis(&["contacts_per_agent_hour"], always),
    Line::Kpis(&["p_wait"], always),
    Line::Kpis(&["mean_wait_s"], always),
    Line::Fact("agent time talk/wait/wrap", |r| {
        let a = &r.run.summary.agent_time;
        let total = (a.talk_s + a.wait_s + a.wrap_s + a.preview_s).max(1e-9);
        format!("{:.0}/{:.0}/{:.0} %", 100.0 * a.talk_s / total, 100.0 * a.wait_s / total, 100.0 * a.wrap_s / total)
    }),
    Line::Fact("numbers dialled", |r| r.run.summary.numbers_dialed.to_string()),
    Line::Kpis(&["rr1", "rr3"], always),
    Line::Kpis(&["coop1", "ref1", "con1"], always),
    Line::Fact("profile", |r| r.scenario.compliance.profile.as_str().to_string()),
    Line::Kpis(&["objections"], always),
    Line::Kpis(&["names_given", "consents_granted", "consents_declined"], always),
    Line::Kpis(&["withdrawals"], always),
    Line::Kpis(&["referrals", "referrals_converted"], always),
    Line::Fact("referrals dropped", |r| r.run.summary.compliance.referrals_dropped.to_string()),
    Line::Kpis(&["suppression_hits"], always),
    Line::Kpis(&["violations"], always),
    Line::Kpis(&["screened", "screened_out"], |s| s.costs.screened > 0),
    Line::Kpis(&["contacts"], always),
    Line::Kpis(&["cost_total"], always),
    Line::Kpis(&["cost_per_contact", "cost_per_consent"], always),
    Line::Kpis(&["events"], always),
];

/// The label and value of a line of KPIs in run summary `s` whose costs are in `currency`.
fn kpi_line(names: &[&str], s: &Summary, currency: &str) -> (String, String) {
    let kpis: Vec<&Kpi> = names.iter().filter_map(|n| crate::sim::kpi::find(n)).collect();
    let mut label = kpis.iter().map(|k| k.label).collect::<Vec<_>>().join(" / ");
    if kpis.iter().any(|k| k.unit == Unit::Money) {
        label = format!("{label} ({currency})");
    }
    (label, kpis.iter().map(|k| k.text(k.of(s))).collect::<Vec<_>>().join(" / "))
}

impl Export<RunReport<'_>> for Table {
    fn write(&self, out: &mut dyn Write, r: &RunReport<'_>) -> io::Result<()> {
        let s = &r.run.summary;
        let mut lines: Vec<(String, String)> = Vec::new();
        for line in RUN_LINES {
            match line {
                Line::Kpis(names, shown) if shown(s) => lines.push(kpi_line(names, s, &s.costs.cost_currency)),
                Line::Kpis(..) => {}
                Line::Fact(label, value) => lines.push((label.to_string(), value(r))),
            }
        }
        // A KPI no line places is listed after them, so a new KPI shows without a change here.
        let placed = |k: &&Kpi| RUN_LINES.iter().any(|l| matches!(l, Line::Kpis(n, _) if n.contains(&k.name)));
        for k in crate::sim::kpi::KPIS.iter().filter(|k| !placed(k) && !LEFT_OUT_OF_RUN_TABLE.contains(&k.name)) {
            lines.push(kpi_line(&[k.name], s, &s.costs.cost_currency));
        }
        let width = lines.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0).max(34);
        for (label, value) in lines {
            writeln!(out, "{label:<width$} {value:>14}")?;
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
        let placed = RUN_LINES.iter().flat_map(|l| match l {
            Line::Kpis(names, _) => names.to_vec(),
            Line::Fact(..) => Vec::new(),
        });
        for k in placed.chain(LEFT_OUT_OF_RUN_TABLE) {
            assert!(crate::sim::kpi::find(k).is_some(), "{k} is not a KPI of the registry");
        }
    }

    /// The run's table labels and writes every KPI it shows as the registry does: no label or format of its
    /// own (a mean wait in seconds, a cost with the run's currency).
    #[test]
    fn the_run_table_shows_every_kpi_with_the_registrys_label_and_text() {
        let s = crate::Scenario::parse("default", crate::DEFAULT_SCENARIO, &["run.day_hours=1".into()]).unwrap();
        let campaign = crate::sim::Campaign::new(s).unwrap();
        let run = campaign.run(2, false);
        let text = String::from_utf8(Table.to_bytes(&RunReport { scenario: campaign.scenario(), run: &run })).unwrap();
        let currency = &run.summary.costs.cost_currency;
        let hidden = |k: &&Kpi| {
            RUN_LINES.iter().any(|l| matches!(l, Line::Kpis(n, shown) if n.contains(&k.name) && !shown(&run.summary)))
        };
        assert!(crate::sim::kpi::find("screened").is_some_and(|k| hidden(&k)), "no HLR look-ups: their line is hidden");
        for k in crate::sim::kpi::KPIS.iter().filter(|k| !LEFT_OUT_OF_RUN_TABLE.contains(&k.name) && !hidden(k)) {
            let line =
                text.lines().find(|l| l.contains(k.label)).unwrap_or_else(|| panic!("no '{}' in\n{text}", k.label));
            assert!(line.contains(&k.text(k.of(&run.summary))), "{}: {line}", k.name);
            if k.unit == Unit::Money {
                assert!(line.contains(&format!("({currency})")), "{line}");
            }
        }
        assert!(text.lines().any(|l| l.starts_with("mean wait") && l.ends_with(" s")), "{text}");
    }
}
