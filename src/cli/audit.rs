//! `dialsim audit DIR`: re-checks a simulated run from its output files.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use dialsim::Plan;
use dialsim::compliance::{AuditInput, audit};

/// Exit code when the audit finds violations.
pub const EXIT_VIOLATIONS: i32 = 4;

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// The run's output folder (calls.csv, suppression.csv, consents.jsonl, names.csv, summary.json).
    dir: PathBuf,
    /// A Bloom filter of known databases no dialled number may be in (repeatable).
    #[arg(long = "exclude", value_name = "FILE.bloom")]
    exclude: Vec<PathBuf>,
    /// A CSV of numbers no dialled number may be in (repeatable).
    #[arg(long = "suppress", value_name = "FILE.csv")]
    suppress: Vec<String>,
    /// Also read the exclusion sources the run's scenario names (paths recorded in its summary.json). Without
    /// it, audit reads only the run folder and the files named on its command line.
    #[arg(long = "follow-scenario-paths")]
    follow_scenario_paths: bool,
    #[command(flatten)]
    input: super::input_args::InputArgs,
}

pub fn run(args: AuditArgs) -> Result<i32> {
    // The manifest first: every file as written (size, rows, SHA-256), none missing, none added. A mismatch is
    // reported and counted; the rules still run on what the folder holds.
    let (manifest, mismatches) = match dialsim::Manifest::read(&args.dir) {
        Ok(m) => (Some(m), dialsim::manifest::verify(&args.dir)?),
        Err(dialsim::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("dialsim: not checked: manifest (the folder has no manifest.json; written before dialsim 0.2?)");
            (None, Vec::new())
        }
        Err(e) => return Err(e.into()),
    };
    for m in &mismatches {
        out!("-\tmanifest\t{m}");
    }
    let input = AuditInput::load(&args.dir)?;
    let plan = Plan::resolve(&input.scenario.numbers.plan)?;
    // The files given here, and the run's own exclusion sources (paths its scenario recorded) only when asked:
    // a run folder from elsewhere must not make audit read, or echo, files it names.
    let mut exclusions = dialsim::Exclusions::new();
    let recorded: Vec<&String> =
        input.scenario.numbers.exclude.iter().chain(&input.scenario.numbers.suppress).collect();
    if args.follow_scenario_paths {
        exclusions.append(dialsim::sim::load_exclusions(&input.scenario, &plan)?);
    } else if !recorded.is_empty() && args.exclude.is_empty() && args.suppress.is_empty() {
        eprintln!(
            "dialsim: not checked: known-number (the run's scenario names {}); give the source lists with \
             --exclude/--suppress, or add --follow-scenario-paths to read the recorded paths",
            recorded.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    exclusions.append(super::generate::load_exclusions(&plan, &args.exclude, &args.suppress, &args.input)?);
    // Sources given here are matched to the run's by content.
    if let Some(m) = &manifest {
        let given = args.exclude.iter().map(|p| p.display().to_string()).chain(args.suppress.iter().cloned());
        for name in given.filter(|n| n != "-") {
            let hash = dialsim::digest_file(&name)?.sha256;
            match m.sources.iter().find(|s| s.sha256.as_deref() == Some(hash.as_str())) {
                Some(s) => eprintln!("dialsim: {name} is the run's source {}", s.name),
                None => eprintln!("dialsim: {name} is not one of the sources the run read (its content differs)"),
            }
        }
    }
    let names = exclusions.names();
    let violations = audit(&input, &|k| exclusions.source_of(k).map(|i| names[i].to_string()));
    let total = violations.len() + mismatches.len();
    for v in &violations {
        match v.call_id {
            Some(c) => out!("call {c}\t{}\t{}", v.rule, v.detail),
            None => out!("-\t{}\t{}", v.rule, v.detail),
        }
    }
    let mut by_rule: std::collections::BTreeMap<&str, usize> = Default::default();
    for v in &violations {
        *by_rule.entry(v.rule).or_default() += 1;
    }
    if !mismatches.is_empty() {
        by_rule.insert("manifest", mismatches.len());
    }
    eprintln!(
        "dialsim: audited {} calls, {} suppression entries, {} receipts, {} names under {}: {}",
        input.calls.len(),
        input.suppression.len(),
        input.receipts.len(),
        input.names.len(),
        input.scenario.compliance.profile.as_str(),
        if total == 0 {
            "no violations".to_string()
        } else {
            let parts: Vec<String> = by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
            format!("{total} violations ({})", parts.join(", "))
        }
    );
    Ok(if total == 0 { 0 } else { EXIT_VIOLATIONS })
}
