//! Pure RDD, list-assisted RDD and Mitofsky–Waksberg on the default Czech day, the table of docs/sampling.md.
//!
//! ```text
//! cargo run --release --example sampling_compare -- 30 1     # replications, seed
//! ```
//! Every design runs the same replications (seeds) on the same population: the default day with the bank
//! population model (`numbers.frame.in_service_listed = 0.5`, banks of 100 listed by the default scenario's
//! suppression files). Per replication: dials per contact, contacts per dial, contacts per agent hour, cost per
//! contact; the table shows their means with 95 % t-intervals over the replications.
use dialsim::Scenario;
use dialsim::analysis::{kpi_value, no_progress, replicate};
use dialsim::foundation::stats::Estimate;
use dialsim::sim::Campaign;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(30);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let designs: [(&str, &[&str]); 6] = [
        ("default day: pure RDD, types mixed 70/30", &[]),
        ("pure RDD, uniform over mobile and fixed line", &["numbers.mix={}"]),
        ("list-assisted, listed 100-banks only", &["numbers.mix={}", "numbers.frame.design=list-assisted"]),
        (
            "list-assisted, zero banks at 1/100 the rate",
            &["numbers.mix={}", "numbers.frame.design=list-assisted", "numbers.frame.zero_banks=0.01"],
        ),
        ("Mitofsky–Waksberg, k = 5", &["numbers.mix={}", "numbers.frame.design=mitofsky-waksberg"]),
        (
            "Mitofsky–Waksberg, k = 10",
            &["numbers.mix={}", "numbers.frame.design=mitofsky-waksberg", "numbers.frame.cluster=10"],
        ),
    ];
    println!(
        "| design | dials | contacts | dials per contact | contacts per dial | contacts per agent hour | cost per contact (CZK) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, set) in designs {
        let mut all = vec!["numbers.frame.in_service_listed=0.5".to_string()];
        all.extend(set.iter().map(|s| s.to_string()));
        let scenario = Scenario::parse("<default>", dialsim::DEFAULT_SCENARIO, &all).expect("scenario");
        let campaign = Campaign::new(scenario).expect("campaign");
        let runs = replicate(&campaign, seed, n, 2, &no_progress);
        let of = |f: &dyn Fn(&dialsim::sim::Summary) -> f64| Estimate::of(&runs.iter().map(f).collect::<Vec<_>>());
        let k = |s: &dialsim::sim::Summary, name: &str| kpi_value(s, name).expect("kpi");
        let dials = of(&|s| k(s, "dials"));
        let contacts = of(&|s| k(s, "contacts"));
        let per_contact = of(&|s| k(s, "dials") / k(s, "contacts"));
        let per_dial = of(&|s| k(s, "contacts") / k(s, "dials"));
        let per_hour = of(&|s| k(s, "contacts_per_agent_hour"));
        let cost = of(&|s| k(s, "cost_per_contact"));
        let pm = |e: &Estimate, digits: usize| format!("{:.*} ± {:.*}", digits, e.mean, digits, e.half_width());
        println!(
            "| {name} | {:.0} | {:.0} | {} | {} | {} | {} |",
            dials.mean,
            contacts.mean,
            pm(&per_contact, 2),
            pm(&per_dial, 4),
            pm(&per_hour, 2),
            pm(&cost, 2)
        );
    }
    println!("\n{n} replications of a full day each, seed {seed}; ± is the half-width of the 95 % t-interval.");
}
