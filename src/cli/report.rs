//! `dialsim report DIR... -o report.html`: one self-contained HTML page of run, replications, sweep and
//! comparison outputs; and the `--report FILE` of `simulate`, `sweep` and `compare`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use dialsim::report::{Export, HtmlReport, Report};
use dialsim::{output::AtomicFile, output::Privacy};

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Run or replications folders (`simulate --out`), sweep folders or sweep.csv files, comparison CSVs
    /// (`compare -o`); each becomes a section of the page, in order. Files are recognised by their header.
    #[arg(required = true, value_name = "DIR")]
    inputs: Vec<PathBuf>,
    /// The HTML file to write (to a temporary name, renamed when complete).
    #[arg(short = 'o', long = "output", value_name = "FILE.html")]
    output: PathBuf,
    /// KPIs to show as cards, charts and point-table columns, in this order (`dialsim keys --kpi`) [default:
    /// the headline KPIs]; every KPI stays in the full tables.
    #[arg(long = "kpi", value_delimiter = ',', value_name = "KPI,...")]
    kpis: Vec<String>,
}

pub fn run(args: ReportArgs) -> Result<i32> {
    let folders: Vec<&Path> = args.inputs.iter().map(PathBuf::as_path).collect();
    check("-o", &args.output, &folders)?;
    let mut report = shown(&args.kpis)?;
    for input in &args.inputs {
        report.add_path(input)?;
    }
    write(&args.output, &report)?;
    note!("dialsim: wrote {} ({} inputs)", args.output.display(), args.inputs.len());
    Ok(0)
}

/// Refuses a report file that cannot be written, that is one of the inputs, or that would land inside one of
/// the folders `inside` (a file added to a run folder breaks its manifest); `flag` is the flag that named it.
pub(crate) fn check(flag: &str, path: &Path, inside: &[&Path]) -> Result<()> {
    if dialsim::output::is_stdout(path) {
        anyhow::bail!(dialsim::Error::Request(format!("{flag} -: name a file for the HTML report")));
    }
    dialsim::output::check_target(path)?;
    dialsim::output::refuse_inputs(path, inside)?;
    // A folder not made yet (simulate --out) is compared by its absolute path.
    let resolve = |p: &Path| p.canonicalize().or_else(|_| std::path::absolute(p)).ok();
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Some(parent) = resolve(parent) {
        for dir in inside.iter().filter(|d| !d.is_file()) {
            if resolve(dir).is_some_and(|d| d == parent) {
                anyhow::bail!(dialsim::Error::Request(format!(
                    "{}: the report would be written into the folder {}, which its manifest describes; write it \
                     beside the folder",
                    path.display(),
                    dir.display()
                )));
            }
        }
    }
    Ok(())
}

/// Writes `report` as HTML to `path`, through a temporary name.
pub(crate) fn write(path: &Path, report: &Report) -> Result<()> {
    let mut f = AtomicFile::create(path, Privacy::Public)?;
    HtmlReport.write(&mut f, report).map_err(|e| dialsim::Error::io(path, e))?;
    f.commit()?;
    Ok(())
}

/// An empty report that shows the KPIs `kpis` (`--kpi`; none: the headline KPIs); an unknown KPI is a usage
/// error.
pub(crate) fn shown(kpis: &[String]) -> Result<Report> {
    let mut report = Report::new();
    report.show_kpis(kpis).map_err(|e| dialsim::Error::Request(format!("--kpi: {e}")))?;
    Ok(report)
}

/// The `--report FILE` of a command: the folder `dir` it wrote when there is one (a run folder is audited),
/// else the results `add` puts in the report.
pub(crate) fn write_for(path: Option<&PathBuf>, dir: Option<&Path>, add: impl FnOnce(&mut Report)) -> Result<()> {
    write_for_with(path, dir, Report::new(), add)
}

/// [`write_for`] into `report`, a report made with its settings (the KPIs it shows).
pub(crate) fn write_for_with(
    path: Option<&PathBuf>,
    dir: Option<&Path>,
    mut report: Report,
    add: impl FnOnce(&mut Report),
) -> Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    match dir {
        Some(dir) => report.add_path(dir)?,
        None => add(&mut report),
    }
    write(path, &report)?;
    note!("dialsim: wrote {}", path.display());
    Ok(())
}
