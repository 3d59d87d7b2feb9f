//! A scenario fitted to a dialer's call log, written whole.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::calibrate::{Calibration, calibrate_file};
use crate::foundation::error::{Error, Result};
use crate::output::{AtomicFile, Privacy};
use crate::plan::Plan;

/// A call log to calibrate a scenario from.
#[derive(Clone, Debug)]
pub struct CalibrateJob {
    /// The call log: dialsim's calls.csv or a VICIdial call log; `-` reads stdin.
    pub log: String,
    /// The plan the log's numbers belong to, by name (`cz`, a calling code, or a plan file).
    pub plan: String,
    /// The scenario file to write (through a temporary name); none: the caller takes the text.
    pub output: Option<PathBuf>,
}

/// A calibration made.
#[derive(Debug)]
pub struct CalibrateDone {
    /// What was fitted, and what the log could not tell ([`Calibration::notes`]).
    pub calibration: Calibration,
    /// The scenario as TOML text (checked to parse as a scenario), with the same notes as comments.
    pub text: String,
    /// The file written, when [`CalibrateJob::output`] named one.
    pub written: Option<PathBuf>,
}

impl CalibrateJob {
    /// Checks the output (writable, not the log) before reading anything, fits the scenario to the log and
    /// writes it whole when an output was named.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let log = dir.path().join("log.csv");
    /// std::fs::write(&log, "")?;
    /// let job = dialsim::jobs::CalibrateJob { log: log.display().to_string(), plan: "cz".into(), output: Some(log.clone()) };
    /// assert!(job.run().unwrap_err().to_string().contains("the same file as the input"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run(&self) -> Result<CalibrateDone> {
        if let Some(path) = &self.output {
            crate::output::check_target(path)?;
            crate::output::refuse_inputs(path, &[Path::new(&self.log)])?;
        }
        let plan = Plan::resolve(&self.plan)?;
        let (calibration, text) = calibrate_file(&self.log, &plan, &self.plan)?;
        if let Some(path) = &self.output {
            let mut file = AtomicFile::create(path, Privacy::Public)?;
            file.write_all(text.as_bytes()).map_err(|e| Error::io(path, e))?;
            file.commit()?;
        }
        Ok(CalibrateDone { calibration, text, written: self.output.clone() })
    }
}
