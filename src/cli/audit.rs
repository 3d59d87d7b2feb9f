//! `dialsim audit DIR`: re-checks a simulated run from its output files.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

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
    /// The key file the run was signed with (`simulate --key`): the manifest's signature is checked, so a
    /// folder edited and given a recomputed manifest is a violation.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Count Bloom-filter hits ("possibly known", false positives possible) as violations for the exit code.
    #[arg(long = "strict-bloom")]
    strict_bloom: bool,
    /// The folder predates manifests: a missing manifest.json is not a violation (without it, a missing
    /// manifest is one, since nothing then shows the files are the run's). A manifest that is there is checked.
    #[arg(long = "no-manifest")]
    no_manifest: bool,
    /// Print the findings as one JSON document on stdout (counts, violations, possibly known) instead of
    /// one line per violation.
    #[arg(long)]
    json: bool,
    /// Audit against this compliance profile instead of the run's own: a jurisdiction (the regime in force on
    /// each campaign day: cz, sk, de, gb, us) or a named regime (cz-2018, cz-2022, uk-ofcom, us-tsr, …). Would
    /// the campaign be lawful under the law in force, or elsewhere?
    #[arg(long, value_name = "PROFILE")]
    profile: Option<String>,
    /// A registry (an SQLite file or a postgres:// URL): no dialled number may have been suppressed in it when
    /// the run read it (the state its registry.json records; without one, the registry as it stands).
    #[arg(long, value_name = "PATH|URL")]
    registry: Option<String>,
    #[command(flatten)]
    input: super::input_args::InputArgs,
}

pub fn run(args: AuditArgs) -> Result<i32> {
    let profile = match &args.profile {
        Some(p) => Some(p.parse::<dialsim::jobs::Profile>().map_err(|e| dialsim::Error::Request(e.into()))?),
        None => None,
    };
    let job = dialsim::jobs::AuditJob {
        dir: args.dir.clone(),
        exclude: args.exclude.clone(),
        suppress: args.suppress.clone(),
        reading: args.input.reading(),
        follow_scenario_paths: args.follow_scenario_paths,
        key: args.key.clone(),
        without_manifest: args.no_manifest,
        profile,
        registry: args.registry.clone(),
    };
    let done = job.run(&mut super::generate::print_note)?;
    done.tell_checks(args.json, &mut super::generate::print_note);
    if args.json {
        let folder = args.dir.display().to_string();
        super::simulate::print(|out| done.write_json(out, &folder, args.strict_bloom))?;
    } else {
        super::simulate::print(|out| done.write_text(out))?;
    }
    done.tell_verdict(args.strict_bloom, &mut super::generate::print_note);
    Ok(if done.report.is_clean(args.strict_bloom) { 0 } else { EXIT_VIOLATIONS })
}
