//! The parts of a sharded sweep or frontier joined into the file the unsharded run writes, written whole.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::{MergedFrontier, MergedSweep};
use crate::foundation::error::{Error, Result};
use crate::output::{AtomicFile, Privacy};
use crate::report::{Export, FrontierCsv, SweepCsv};

/// Which grid's parts are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridKind {
    /// `sweep.csv` parts.
    Sweep,
    /// `frontier.csv` parts (every point of the grid once).
    Frontier,
}

/// The parts of a sharded grid to join into one file.
#[derive(Clone, Copy, Debug)]
pub struct MergeJob<'a> {
    /// Which grid.
    pub kind: GridKind,
    /// The parts.
    pub parts: &'a [PathBuf],
    /// The merged file; `-` is standard output.
    pub output: &'a Path,
}

/// What a merge wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MergeDone {
    /// The points merged.
    pub points: usize,
}

impl MergeJob<'_> {
    /// Joins the parts, in point order, into the output (written through a temporary name, renamed when
    /// complete), or onto `stdout` for `-`. The output is refused before any part is read when it cannot be
    /// replaced or is one of the parts.
    ///
    /// ```
    /// use dialsim::jobs::{GridKind, MergeJob};
    /// let dir = tempfile::tempdir()?;
    /// let part = dir.path().join("part.csv");
    /// std::fs::write(&part, "point,pacer,agents,target,compliant\n0,model,10,0.01,true\n")?;
    /// let parts = [part.clone()];
    /// let job = MergeJob { kind: GridKind::Frontier, parts: &parts, output: std::path::Path::new("-") };
    /// let mut out = Vec::new();
    /// assert_eq!(job.run(&mut out)?.points, 1);
    /// assert!(String::from_utf8(out)?.ends_with("0,model,10,0.01,true\n"));
    /// let err = MergeJob { output: &part, ..job }.run(&mut Vec::new()).unwrap_err();
    /// assert!(err.to_string().contains("part.csv"), "{err}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run(&self, stdout: &mut dyn Write) -> Result<MergeDone> {
        match self.kind {
            GridKind::Sweep => self.write(MergedSweep::read, &SweepCsv, |m| m.rows.len(), stdout),
            GridKind::Frontier => self.write(MergedFrontier::read, &FrontierCsv, |m| m.rows.len(), stdout),
        }
    }

    /// Joins the parts with `read` and writes them in `format`; `points` counts the merged points.
    fn write<M>(
        &self,
        read: impl FnOnce(&[PathBuf]) -> Result<M>,
        format: &dyn Export<M>,
        points: impl Fn(&M) -> usize,
        stdout: &mut dyn Write,
    ) -> Result<MergeDone> {
        let (parts, output) = (self.parts, self.output);
        let to_stdout = crate::output::is_stdout(output);
        if !to_stdout {
            // Before any part is read: the output must be replaceable and must not be one of the parts.
            crate::output::check_target(output)?;
            let inputs: Vec<&Path> = parts.iter().map(PathBuf::as_path).collect();
            crate::output::refuse_inputs(output, &inputs)?;
        }
        let merged = read(parts)?;
        if to_stdout {
            format.write(stdout, &merged).map_err(Error::Output)?;
        } else {
            let mut f = AtomicFile::create(output, Privacy::Public)?;
            format.write(&mut f, &merged).map_err(|e| Error::io(output, e))?;
            f.commit()?;
        }
        Ok(MergeDone { points: points(&merged) })
    }
}
