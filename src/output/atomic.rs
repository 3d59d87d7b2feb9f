//! [`AtomicFile`]: one file written under a random temporary name beside its target, renamed when complete.
//!
//! Large outputs (call lists, filter files) can bypass the page cache ([`AtomicFile::create_direct`]): on
//! Linux the temporary file is switched to `O_DIRECT` and a writer thread writes it in aligned 4 MiB blocks
//! while the caller fills the next ones. The kernel then neither copies the bytes nor holds hundreds of
//! megabytes of dirty pages for the final rename to flush (ext4 starts writeback of a file that a rename makes
//! replace another, and a run pays for it in the rename). Where the file system refuses direct I/O, the
//! writer goes on with ordinary writes; the bytes in the file are the same either way.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{Privacy, check_target, signals, split};
use crate::foundation::error::{Error, Result};

/// A file being written under a temporary name; [`AtomicFile::commit`] renames it into place.
/// Dropped without a commit (an error, a panic), the temporary file is removed and any earlier file at the
/// final path is left untouched.
///
/// ```
/// use std::io::Write;
/// use dialsim::{output::AtomicFile, output::Privacy};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("list.csv");
/// let mut file = AtomicFile::create(&path, Privacy::Personal)?;
/// writeln!(file, "number")?;
/// assert!(!path.exists()); // nothing under the final name before the commit
/// file.commit()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "number\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    /// `None` once committed.
    writer: Option<Sink>,
}

/// Where the bytes go.
#[derive(Debug)]
enum Sink {
    Buffered(BufWriter<File>),
    #[cfg(target_os = "linux")]
    Direct(super::direct::DirectWriter),
}

impl AtomicFile {
    /// Starts writing `path` through the page cache, under a fresh random name `.NAME.XXXXXX.tmp` beside it
    /// (created with `O_EXCL|O_NOFOLLOW`, mode from `privacy`). Refuses a `path` that exists and is not a
    /// regular file ([`check_target`]) before creating anything.
    pub fn create(path: impl AsRef<Path>, privacy: Privacy) -> Result<AtomicFile> {
        let path = path.as_ref();
        let (file, tmp) = temp_beside(path, privacy)?;
        let writer = Sink::Buffered(BufWriter::with_capacity(1 << 20, file));
        Ok(AtomicFile { path: path.to_path_buf(), tmp, writer: Some(writer) })
    }

    /// Like [`AtomicFile::create`], for large sequential outputs: on Linux, writes with direct I/O from a
    /// writer thread, bypassing the page cache where the file system allows it; elsewhere as `create`.
    pub fn create_direct(path: impl AsRef<Path>, privacy: Privacy) -> Result<AtomicFile> {
        #[cfg(target_os = "linux")]
        {
            let path = path.as_ref();
            let (file, tmp) = temp_beside(path, privacy)?;
            let tmp_for_drop = TempGuard(tmp);
            let writer = super::direct::DirectWriter::new(file).map_err(|e| Error::io(&tmp_for_drop.0, e))?;
            let tmp = tmp_for_drop.keep();
            Ok(AtomicFile { path: path.to_path_buf(), tmp, writer: Some(Sink::Direct(writer)) })
        }
        #[cfg(not(target_os = "linux"))]
        AtomicFile::create(path, privacy)
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The temporary path the bytes are written to until [`AtomicFile::commit`].
    pub fn temporary_path(&self) -> &Path {
        &self.tmp
    }

    /// Flushes and renames the file into place, if the final path is still missing or a regular file.
    pub fn commit(mut self) -> Result<()> {
        let file = match self.writer.take().expect("not yet committed") {
            Sink::Buffered(w) => w.into_inner().map_err(|e| e.into_error()),
            #[cfg(target_os = "linux")]
            Sink::Direct(d) => d.finish(),
        };
        // Until the rename the temporary file is ours to remove, also when finishing failed.
        let file = match file {
            Ok(file) => file,
            Err(e) => {
                remove_temp(&self.tmp);
                return Err(Error::io(&self.tmp, e));
            }
        };
        // No fsync: the rename makes an interrupted run leave nothing half-written, and every output of
        // dialsim can be regenerated from its seed; fsync of a 300 MB list costs up to a third of the run
        // (BENCHMARKS.md). ext4's auto_da_alloc flushes buffered data before a rename that replaces a file.
        drop(file);
        // The target was checked when the file was created; it may have been replaced since (a FIFO made
        // while a long list was written): check again just before the rename.
        if let Err(e) = check_target(&self.path) {
            remove_temp(&self.tmp);
            return Err(e);
        }
        let renamed = std::fs::rename(&self.tmp, &self.path);
        signals::unregister(&self.tmp);
        renamed.map_err(|e| {
            let _ = std::fs::remove_file(&self.tmp);
            Error::io(&self.path, e)
        })
    }
}

/// Flushes every file and renames them all into place as one unit: the targets are checked again, then,
/// holding an exclusive advisory lock on every folder they go to ([`super::lock_folder`]) and with signals held
/// off, each temporary file is renamed over its target. Another dialsim committing to the same folder waits
/// for the lock, so files committed together (a list and its manifest) are always those of one writer, and
/// a reader holding the folder's shared lock never sees one without the other. Should anything fail before the
/// renames, no target is touched and every temporary file is removed.
///
/// ```
/// use std::io::Write;
/// use dialsim::output::{AtomicFile, Privacy, commit_together};
/// let dir = tempfile::tempdir()?;
/// let mut list = AtomicFile::create(dir.path().join("l.csv"), Privacy::Personal)?;
/// let mut manifest = AtomicFile::create(dir.path().join("l.csv.manifest.json"), Privacy::Personal)?;
/// writeln!(list, "number")?;
/// writeln!(manifest, "{{}}")?;
/// commit_together(vec![list, manifest])?;
/// assert!(dir.path().join("l.csv").exists() && dir.path().join("l.csv.manifest.json").exists());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn commit_together(mut files: Vec<AtomicFile>) -> Result<()> {
    // Finish every writer; until the renames the temporary files are ours to remove.
    let mut finished = Vec::with_capacity(files.len());
    for f in &mut files {
        let done = match f.writer.take().expect("not yet committed") {
            Sink::Buffered(w) => w.into_inner().map_err(|e| e.into_error()),
            #[cfg(target_os = "linux")]
            Sink::Direct(d) => d.finish(),
        };
        match done {
            Ok(file) => finished.push(file),
            Err(e) => {
                let failed = f.tmp.clone();
                discard(&files);
                return Err(Error::io(&failed, e));
            }
        }
    }
    drop(finished);
    let _locks = match lock_folders(&files) {
        Ok(locks) => locks,
        Err(e) => {
            discard(&files);
            return Err(e);
        }
    };
    // The targets were checked when the files were created; they may have been replaced since.
    if let Some(e) = files.iter().find_map(|f| check_target(&f.path).err()) {
        discard(&files);
        return Err(e);
    }
    signals::locked(|live| {
        for (i, f) in files.iter().enumerate() {
            if let Err(e) = std::fs::rename(&f.tmp, &f.path) {
                // Renames do not fail for want of space; should one fail all the same, the files not yet in
                // place are removed and the error names the first.
                for g in &files[i..] {
                    let _ = std::fs::remove_file(&g.tmp);
                    live.retain(|p| p != &g.tmp);
                }
                return Err(Error::io(&f.path, e));
            }
            live.retain(|p| p != &f.tmp);
        }
        Ok(())
    })
}

/// Removes the temporary files of `files`, whose writers are already taken.
fn discard(files: &[AtomicFile]) {
    for f in files {
        remove_temp(&f.tmp);
    }
}

/// Exclusive locks on the folders of `files`, taken in one order (canonical paths, sorted) so that two
/// processes committing to the same folders cannot deadlock.
fn lock_folders(files: &[AtomicFile]) -> Result<Vec<super::FolderLock>> {
    let mut folders = Vec::new();
    for f in files {
        let (dir, _) = split(&f.path)?;
        folders.push(std::fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?);
    }
    folders.sort();
    folders.dedup();
    folders.iter().map(|d| super::FolderLock::take(d, true)).collect()
}

/// Removes a temporary file and forgets it.
fn remove_temp(tmp: &Path) {
    let _ = std::fs::remove_file(tmp);
    signals::unregister(tmp);
}

/// Removes a registered temporary file when dropped, unless kept.
#[cfg(target_os = "linux")]
struct TempGuard(PathBuf);

#[cfg(target_os = "linux")]
impl TempGuard {
    fn keep(self) -> PathBuf {
        let path = self.0.clone();
        std::mem::forget(self);
        path
    }
}

#[cfg(target_os = "linux")]
impl Drop for TempGuard {
    fn drop(&mut self) {
        remove_temp(&self.0);
    }
}

/// Creates a registered temporary file with a random name beside `path`, after checking `path`.
pub(super) fn temp_beside(path: &Path, privacy: Privacy) -> Result<(File, PathBuf)> {
    use std::os::unix::fs::OpenOptionsExt;
    check_target(path)?;
    let (dir, name) = split(path)?;
    let prefix = format!(".{}.", name.to_string_lossy());
    signals::register(|| {
        let named = tempfile::Builder::new().prefix(&prefix).suffix(".tmp").rand_bytes(8).make_in(dir, |tmp| {
            // create_new is O_CREAT|O_EXCL: an existing file or link at the name fails (and tempfile retries
            // with another name); O_NOFOLLOW says the same for the last component, explicitly.
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(privacy.mode())
                .custom_flags(libc_nofollow() | libc_cloexec())
                .open(tmp)
        })?;
        let (file, tmp) = named.into_parts();
        let tmp = tmp.keep().map_err(|e| e.error)?;
        Ok((file, tmp))
    })
    .map_err(|e| Error::io(dir, annotate(e, "cannot create a temporary file in this folder")))
}

/// `O_NOFOLLOW` where the platform has it.
fn libc_nofollow() -> i32 {
    #[cfg(target_os = "linux")]
    return libc::O_NOFOLLOW;
    #[cfg(not(target_os = "linux"))]
    0
}

/// `O_CLOEXEC` where the platform has it (std sets it anyway on Linux).
fn libc_cloexec() -> i32 {
    #[cfg(target_os = "linux")]
    return libc::O_CLOEXEC;
    #[cfg(not(target_os = "linux"))]
    0
}

/// An I/O error with what was being done in front of its message, same kind.
pub(super) fn annotate(e: std::io::Error, doing: &str) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{doing}: {e}"))
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self.writer.as_mut().expect("not yet committed") {
            Sink::Buffered(w) => w.write_all(buf),
            #[cfg(target_os = "linux")]
            Sink::Direct(d) => d.push(buf),
        }
    }
    /// Hands buffered bytes to the operating system. A direct writer keeps its partial block until
    /// [`AtomicFile::commit`]; nothing is visible under the final name before then anyway.
    fn flush(&mut self) -> std::io::Result<()> {
        match self.writer.as_mut().expect("not yet committed") {
            Sink::Buffered(w) => w.flush(),
            #[cfg(target_os = "linux")]
            Sink::Direct(_) => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(writer) = self.writer.take() {
            // A direct writer's thread is stopped and joined first, so nothing writes after the removal.
            drop(writer);
            remove_temp(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn temporary_names_are_random_beside_the_target_and_never_the_pid_pattern() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        let a = AtomicFile::create(&path, Privacy::Public).unwrap();
        let b = AtomicFile::create_direct(&path, Privacy::Public).unwrap();
        let pid_name = format!(".list.csv.{}.tmp", std::process::id());
        for f in [&a, &b] {
            let tmp = f.temporary_path();
            let name = tmp.file_name().unwrap().to_string_lossy().into_owned();
            assert_eq!(tmp.parent().unwrap(), dir.path());
            assert!(name.starts_with(".list.csv.") && name.ends_with(".tmp"), "{name}");
            assert_ne!(name, pid_name);
            assert_eq!(name.len(), ".list.csv.".len() + 8 + ".tmp".len(), "{name}");
        }
        assert_ne!(a.temporary_path(), b.temporary_path());
        drop((a, b));
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn a_dropped_file_leaves_the_old_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        std::fs::write(&path, "old\n").unwrap();
        for direct in [false, true] {
            let mut f = if direct {
                AtomicFile::create_direct(&path, Privacy::Personal).unwrap()
            } else {
                AtomicFile::create(&path, Privacy::Personal).unwrap()
            };
            f.write_all(&vec![b'x'; 5 << 20]).unwrap();
            drop(f);
            assert_eq!(std::fs::read(&path).unwrap(), b"old\n");
            assert_eq!(names(dir.path()), ["list.csv"]);
        }
    }

    #[test]
    fn a_target_that_became_a_fifo_during_the_write_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        let mut f = AtomicFile::create_direct(&path, Privacy::Personal).unwrap();
        f.write_all(b"+420601000001\n").unwrap();
        assert!(std::process::Command::new("mkfifo").arg(&path).status().unwrap().success());
        let e = f.commit().unwrap_err().to_string();
        assert!(e.contains("a FIFO"), "{e}");
        assert!(std::fs::symlink_metadata(&path).unwrap().file_type().is_fifo());
        assert_eq!(names(dir.path()), ["list.csv"]);
    }

    #[test]
    fn personal_files_are_owner_only_and_public_files_follow_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let umask = super::super::folder::tests_umask();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for (name, privacy, direct, expected) in [
            ("a", Privacy::Personal, false, 0o600),
            ("b", Privacy::Personal, true, 0o600),
            ("c", Privacy::Public, false, 0o666 & !umask),
            ("d", Privacy::Public, true, 0o666 & !umask),
        ] {
            let path = dir.path().join(name);
            let mut f = if direct {
                AtomicFile::create_direct(&path, privacy).unwrap()
            } else {
                AtomicFile::create(&path, privacy).unwrap()
            };
            assert_eq!(mode(f.temporary_path()), expected, "{name} while written");
            f.write_all(b"x\n").unwrap();
            f.commit().unwrap();
            assert_eq!(mode(&path), expected, "{name}");
            assert_eq!(std::fs::read(&path).unwrap(), b"x\n");
        }
    }
}
