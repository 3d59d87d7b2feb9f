//! A self-contained HTML report written whole to one file: of run, replications, sweep, frontier and
//! comparison folders read back, or of the results a command has just made.

use std::path::{Path, PathBuf};

use crate::foundation::error::{Error, Param, Result, message};
use crate::output::{AtomicFile, Privacy};
use crate::report::{Export, HtmlReport, Report};

/// An HTML report to write to one file, checked before anything runs.
#[derive(Debug)]
pub struct ReportJob {
    output: PathBuf,
    report: Report,
}

impl ReportJob {
    /// The report to `output`, refused before anything runs when it cannot be written, is one of the `inputs`,
    /// or would land inside one of the folders among them (a file added to a run folder breaks its manifest; a
    /// folder not made yet is compared by its absolute path).
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let run = dir.path().join("run");
    /// let err = dialsim::jobs::ReportJob::new(&run.join("r.html"), &[&run]).unwrap_err();
    /// assert!(err.to_string().contains("which its manifest describes"), "{err}");
    /// let mut job = dialsim::jobs::ReportJob::new(&dir.path().join("r.html"), &[])?;
    /// assert!(job.show_kpis(&["no_such".into()]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(output: &Path, inputs: &[&Path]) -> Result<ReportJob> {
        crate::output::check_target(output)?;
        crate::output::refuse_inputs(output, inputs)?;
        let resolve = |p: &Path| p.canonicalize().or_else(|_| std::path::absolute(p)).ok();
        let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if let Some(parent) = resolve(parent) {
            for dir in inputs.iter().filter(|d| !d.is_file()) {
                if resolve(dir).is_some_and(|d| d == parent) {
                    return Err(Error::Request(
                        format!(
                            "{}: the report would be written into the folder {}, which its manifest describes; write \
                         it beside the folder",
                            output.display(),
                            dir.display()
                        )
                        .into(),
                    ));
                }
            }
        }
        Ok(ReportJob { output: output.to_path_buf(), report: Report::new() })
    }

    /// The report a request's parameter `param` names ([`Param::Report`], [`Param::Out`]): `-` refused (a page
    /// is written to a file), then [`ReportJob::new`], then [`ReportJob::show_kpis`] with `kpis`, a KPI that does
    /// not exist blamed on [`Param::Kpis`].
    pub fn checked(param: Param, output: &Path, inputs: &[&Path], kpis: &[String]) -> Result<ReportJob> {
        if crate::output::is_stdout(output) {
            return Err(Error::Request(message![param, " -: name a file for the HTML report"]));
        }
        let mut job = ReportJob::new(output, inputs)?;
        job.show_kpis(kpis).map_err(|e| Error::Request(message![Param::Kpis, format!(": {e}")]))?;
        Ok(job)
    }

    /// Shows `kpis` as cards, charts and point-table columns, in this order (none: the headline KPIs); every
    /// KPI stays in the full tables. A KPI that does not exist is refused.
    pub fn show_kpis(&mut self, kpis: &[String]) -> Result<()> {
        self.report.show_kpis(kpis)
    }

    /// Names each request parameter the page mentions as `names` gives it (a front end's own spelling);
    /// without it, the library's way ([`Report::name_params`]).
    pub fn name_params(&mut self, names: fn(Param) -> String) {
        self.report.name_params(names);
    }

    /// The file the report goes to.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// The report, for a command to add the results it has just made.
    pub fn report(&mut self) -> &mut Report {
        &mut self.report
    }

    /// Adds a folder or file read back (recognised by its files or header) as the next section.
    pub fn add_path(&mut self, path: &Path) -> Result<()> {
        self.report.add_path(path)
    }

    /// Writes the page through a temporary name, renamed when complete; the file written.
    pub fn write(self) -> Result<PathBuf> {
        let mut f = AtomicFile::create(&self.output, Privacy::Public)?;
        HtmlReport.write(&mut f, &self.report).map_err(|e| Error::io(&self.output, e))?;
        f.commit()?;
        Ok(self.output)
    }
}
