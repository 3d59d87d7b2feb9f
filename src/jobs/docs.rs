//! Documentation files the caller made whole (the binary's man pages, rendered from its command line), written
//! into a folder as a set.

use std::io::Write;
use std::path::PathBuf;

use crate::foundation::error::{Error, Result};
use crate::output::{self, AtomicFile, Privacy};

/// Files to write into a folder: each name is checked first, each file written to a temporary name, then all
/// renamed together, so the folder holds every new file or none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocsJob {
    /// The folder (it must exist: a missing folder fails on its first file).
    pub dir: PathBuf,
    /// The files: a name in `dir` and its bytes.
    pub files: Vec<(String, Vec<u8>)>,
}

impl DocsJob {
    /// Writes the files; returns how many. A name that is a folder, a device or a symbolic link is refused
    /// before anything is written.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let job = dialsim::jobs::DocsJob { dir: dir.path().into(), files: vec![("a.1".into(), b".TH A 1\n".to_vec())] };
    /// assert_eq!(job.run()?, 1);
    /// assert_eq!(std::fs::read(dir.path().join("a.1"))?, b".TH A 1\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run(&self) -> Result<usize> {
        let mut files = Vec::with_capacity(self.files.len());
        for (name, bytes) in &self.files {
            let path = self.dir.join(name);
            output::check_target(&path)?;
            let mut f = AtomicFile::create(&path, Privacy::Public)?;
            f.write_all(bytes).map_err(|e| Error::io(&path, e))?;
            files.push(f);
        }
        output::commit_together(files)?;
        Ok(self.files.len())
    }
}
