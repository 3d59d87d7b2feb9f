//! `dialsim generate --design mitofsky-waksberg --primaries LIST.csv`: stage 2 of Mitofsky–Waksberg sampling.
//! The stage-1 list and its manifest give the banks drawn; the outcomes of dialling it (a plain file of eligible
//! primaries, or a simulate run's calls.csv) say which banks are retained; the list written holds the retained
//! banks' further numbers, each with its rank in its bank and its inclusion probability.

use anyhow::Result;
use dialsim::Error;

use super::{DesignArg, GenerateArgs};

pub(super) fn second_stage(args: &GenerateArgs) -> Result<i32> {
    let primaries = args.primaries.as_deref().expect("called with --primaries");
    if args.design != DesignArg::MitofskyWaksberg {
        anyhow::bail!(Error::Request("--primaries goes with --design mitofsky-waksberg (its stage 2)".into()));
    }
    // No -o, or -o -: standard output, which the job refuses (it writes the list and its manifest as a set).
    let output = args.output.as_deref().unwrap_or(std::path::Path::new("-"));
    let job = dialsim::jobs::SecondStageJob {
        primaries: primaries.to_path_buf(),
        eligible: args.eligible.clone(),
        calls: args.calls.clone(),
        cluster: args.cluster,
        per_bank: args.per_bank,
        count: super::parse_count(&args.count)?,
        output: output.to_path_buf(),
        manifest: args.manifest.clone(),
        exclude: args.exclude.clone(),
        suppress: args.suppress.clone(),
        reading: args.input.reading(),
    };
    let done = job.run(&mut super::print_note)?;
    note!(
        "dialsim: {} of {} primaries eligible: {} banks retained of {} drawn; wrote {} numbers to {}{}",
        done.eligible,
        done.primaries,
        done.retained,
        done.drawn,
        done.written,
        output.display(),
        if done.not_on_list > 0 {
            format!(" ({} calls to numbers not on the stage-1 list ignored)", done.not_on_list)
        } else {
            String::new()
        }
    );
    Ok(0)
}
