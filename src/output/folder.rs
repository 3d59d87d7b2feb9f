//! [`RunFolder`]: a run's files written into a fresh temporary folder and swapped in as a set.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::atomic::annotate;
use super::{Privacy, is_stdout, refusal, signals, split};
use crate::foundation::digest::{FileDigest, HashingWriter, digest_file};
use crate::foundation::error::{Error, Result};
use crate::output::manifest::{MANIFEST_FILE, Manifest};

/// A run folder being written: every file goes into a fresh temporary folder beside the target (random name,
/// mode `0700`), and [`RunFolder::commit`] adds `manifest.json` and puts the whole folder in place of the
/// target at once. Dropped without a commit, the temporary folder is removed and the target is untouched.
///
/// The target may be missing, an empty folder, or a dialsim run folder (one with a `manifest.json` listing
/// every file in it); anything else is refused by [`RunFolder::create`] before anything is written.
///
/// ```
/// use dialsim::{output::Privacy, output::RunFolder};
/// let dir = tempfile::tempdir()?;
/// let run = dir.path().join("run");
/// let mut folder = RunFolder::create(&run)?;
/// folder.write("calls.csv", Privacy::Personal, |out| out.write_all(b"call_id\n"))?;
/// assert!(!run.exists()); // nothing in place before the commit
/// let manifest = folder.commit(1, "0".repeat(64))?;
/// assert_eq!(manifest.files["calls.csv"].lines, 1);
/// assert!(run.join("manifest.json").exists());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RunFolder {
    /// The final folder (absolute, no `.` or `..` at its end).
    dir: PathBuf,
    /// The temporary folder; `None` once committed.
    tmp: Option<PathBuf>,
    /// Digests of the files written through [`RunFolder::write`].
    written: BTreeMap<String, FileDigest>,
    /// The sources the run read, recorded in the manifest.
    sources: Vec<crate::foundation::digest::SourceRecord>,
}

/// What is at the target when the folder is put in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Existing {
    Missing,
    /// An empty folder or a dialsim run folder: replaced.
    Replaceable,
}

impl RunFolder {
    /// Checks the target `dir` and starts writing into a new temporary folder beside it. Missing parent
    /// folders are created. Refused, before anything is created: `-` (a folder cannot go to stdout), a
    /// symbolic link, anything that is not a folder, a non-empty folder that is not a dialsim run folder or
    /// holds files its manifest does not list, and the current folder or one holding it. A caller whose
    /// inputs may lie in `dir` checks them with [`super::refuse_inputs_in_folder`].
    pub fn create(dir: impl AsRef<Path>) -> Result<RunFolder> {
        let dir = dir.as_ref();
        if is_stdout(dir) {
            return Err(Error::Request(
                "a run folder cannot be written to stdout (-); name a folder (./- for one called '-')".into(),
            ));
        }
        let dir = resolve(dir)?;
        inspect(&dir)?;
        if std::env::current_dir().and_then(std::fs::canonicalize).is_ok_and(|cwd| cwd.starts_with(&dir)) {
            return Err(Error::Request(
                format!(
                    "{}: refusing to replace the current folder (or one holding it); run from outside it",
                    dir.display()
                )
                .into(),
            ));
        }
        let (parent, name) = split(&dir)?;
        let prefix = format!(".{}.", name.to_string_lossy());
        let (_, tmp) = signals::register(|| {
            let tmp = tempfile::Builder::new()
                .prefix(&prefix)
                .suffix(".tmp")
                .rand_bytes(8)
                .permissions(std::fs::Permissions::from_mode(0o700))
                .tempdir_in(parent)?;
            let path = tmp.keep();
            Ok(((), path))
        })
        .map_err(|e| Error::io(parent, annotate(e, "cannot create a temporary folder in this folder")))?;
        Ok(RunFolder { dir, tmp: Some(tmp), written: BTreeMap::new(), sources: Vec::new() })
    }

    /// The final folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The temporary folder the files go to until [`RunFolder::commit`]. A file made there by other means
    /// (a chart through [`crate::output::AtomicFile`]) is listed in the manifest too.
    pub fn path(&self) -> &Path {
        self.tmp.as_deref().expect("not yet committed")
    }

    /// Writes the file `name` (a plain file name) with `fill`, created with the mode of `privacy`, and
    /// records its digest for the manifest.
    pub fn write(
        &mut self,
        name: &str,
        privacy: Privacy,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        if name.is_empty() || name.contains('/') || name.starts_with('.') || name == MANIFEST_FILE {
            return Err(Error::Request(format!("'{name}' cannot be a file of a run folder").into()));
        }
        let path = self.path().join(name);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(privacy.mode())
            .custom_flags(libc_nofollow())
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let mut out = HashingWriter::new(BufWriter::with_capacity(1 << 20, file));
        fill(&mut out).map_err(|e| Error::io(&path, e))?;
        let (out, digest) = out.finish();
        let file: File = out.into_inner().map_err(|e| Error::io(&path, e.into_error()))?;
        drop(file);
        self.written.insert(name.to_string(), digest);
        Ok(())
    }

    /// Rewrites the file `name` written before: `edit` reads its text and writes the new one to a temporary name
    /// in the same folder, which replaces it when complete (created with the mode of `privacy`); the manifest
    /// records the new digest.
    pub fn rewrite(
        &mut self,
        name: &str,
        privacy: Privacy,
        edit: impl FnOnce(&mut dyn std::io::BufRead, &mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        if !self.written.contains_key(name) {
            return Err(Error::Request(format!("'{name}' was not written in this run folder").into()));
        }
        let path = self.path().join(name);
        let tmp = self.path().join(format!(".{name}.rewrite"));
        let input = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        let mut input = std::io::BufReader::new(input);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(privacy.mode())
            .custom_flags(libc_nofollow())
            .open(&tmp)
            .map_err(|e| Error::io(&tmp, e))?;
        let mut out = HashingWriter::new(BufWriter::with_capacity(1 << 20, file));
        edit(&mut input, &mut out).map_err(|e| Error::io(&path, e))?;
        let (out, digest) = out.finish();
        drop(out.into_inner().map_err(|e| Error::io(&tmp, e.into_error()))?);
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        self.written.insert(name.to_string(), digest);
        Ok(())
    }

    /// Records the sources the run read (exclusion sources, a number list) with their hashes in the manifest.
    pub fn record_sources(&mut self, sources: Vec<crate::foundation::digest::SourceRecord>) {
        self.sources = sources;
    }

    /// Writes `manifest.json` (every file in the temporary folder with its size, lines and SHA-256, and the
    /// run's `seed` and `scenario_sha256`) and puts the folder in place of the target: a missing target by a
    /// rename, an empty folder or an earlier run folder by an atomic exchange (Linux `renameat2`), after which
    /// the old one is removed. Returns the manifest.
    pub fn commit(mut self, seed: u64, scenario_sha256: String) -> Result<Manifest> {
        let tmp = self.path().to_path_buf();
        let mut manifest = Manifest::new(seed, scenario_sha256);
        manifest.sources = std::mem::take(&mut self.sources);
        for entry in std::fs::read_dir(&tmp).map_err(|e| Error::io(&tmp, e))? {
            let entry = entry.map_err(|e| Error::io(&tmp, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if !entry.file_type().map_err(|e| Error::io(&path, e))?.is_file() {
                return Err(Error::Request(
                    format!("{}: a run folder holds regular files only", path.display()).into(),
                ));
            }
            let digest = match self.written.remove(&name) {
                Some(d) => d,
                None => digest_file(&path)?,
            };
            manifest.files.insert(name, digest);
        }
        let path = tmp.join(MANIFEST_FILE);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(Privacy::Public.mode())
            .custom_flags(libc_nofollow())
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.write_all(manifest.to_json().as_bytes()).map_err(|e| Error::io(&path, e))?;
        drop(file);
        // The target may have changed while the run was computed: look again, just before the swap.
        let existing = inspect(&self.dir)?;
        let mode = match existing {
            Existing::Replaceable => std::fs::metadata(&self.dir).map(|m| m.permissions().mode() & 0o7777).ok(),
            Existing::Missing => None,
        }
        .unwrap_or(0o777 & !umask());
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode)).map_err(|e| Error::io(&tmp, e))?;
        let (parent, name) = split(&self.dir)?;
        let aside_prefix = format!(".{}.", name.to_string_lossy());
        let swapped = signals::locked(|live| -> std::io::Result<Option<PathBuf>> {
            match existing {
                Existing::Missing => {
                    rename_noreplace(&tmp, &self.dir)?;
                    live.retain(|p| p != &tmp);
                    Ok(None)
                }
                Existing::Replaceable => match exchange(&tmp, &self.dir) {
                    // The temporary name now holds the old folder; it stays registered until removed.
                    Ok(()) => Ok(Some(tmp.clone())),
                    Err(e) if exchange_unsupported(&e) => {
                        // Without an atomic exchange: the old folder moves aside onto an empty registered
                        // folder, the new one moves in; the registry lock keeps a signal out of the gap.
                        let aside = tempfile::Builder::new()
                            .prefix(&aside_prefix)
                            .suffix(".old")
                            .rand_bytes(8)
                            .tempdir_in(parent)?
                            .keep();
                        signals::register_path(live, &aside);
                        if let Err(e) = std::fs::rename(&self.dir, &aside) {
                            let _ = std::fs::remove_dir(&aside);
                            live.retain(|p| p != &aside);
                            return Err(e);
                        }
                        if let Err(e) = std::fs::rename(&tmp, &self.dir) {
                            // Put the old run back; should that fail too, it stays aside (unregistered,
                            // so not removed) rather than being lost.
                            let _ = std::fs::rename(&aside, &self.dir);
                            live.retain(|p| p != &aside);
                            return Err(e);
                        }
                        live.retain(|p| p != &tmp);
                        Ok(Some(aside))
                    }
                    Err(e) => Err(e),
                },
            }
        });
        let old = swapped.map_err(|e| Error::io(&self.dir, annotate(e, "cannot put the run folder in place")))?;
        self.tmp = None;
        if let Some(old) = old {
            let _ = std::fs::remove_dir_all(&old);
            signals::unregister(&old);
        }
        Ok(manifest)
    }
}

impl Drop for RunFolder {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = std::fs::remove_dir_all(&tmp);
            signals::unregister(&tmp);
        }
    }
}

/// The target as an absolute path whose last component is a name (`.`, `..` and parent links resolved),
/// with its missing parent folders created.
fn resolve(dir: &Path) -> Result<PathBuf> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => std::fs::canonicalize(dir).map_err(|e| Error::io(dir, e)),
        Ok(m) => Err(refusal(dir, &m)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let (parent, name) = split(dir)?;
            if name == ".." || name == "." {
                return Err(Error::Request(format!("{} is not a folder name", dir.display()).into()));
            }
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            let parent = std::fs::canonicalize(parent).map_err(|e| Error::io(parent, e))?;
            Ok(parent.join(name))
        }
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// What is at `dir` now, or why it must not be replaced.
fn inspect(dir: &Path) -> Result<Existing> {
    let m = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Missing),
        Err(e) => return Err(Error::io(dir, e)),
    };
    if !m.is_dir() {
        return Err(refusal(dir, &m));
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        names.push(entry.map_err(|e| Error::io(dir, e))?.file_name().to_string_lossy().into_owned());
    }
    if names.is_empty() {
        return Ok(Existing::Replaceable);
    }
    let not_ours = |why: String| {
        Error::Request(
            format!(
                "{}: refusing to replace this folder: {why}; dialsim replaces only an empty folder or one it wrote \
             (choose another folder, or empty this one)",
                dir.display()
            )
            .into(),
        )
    };
    if !names.iter().any(|n| n == MANIFEST_FILE) {
        return Err(not_ours(format!("it is not empty and has no {MANIFEST_FILE}")));
    }
    let manifest = Manifest::read(dir).map_err(|e| not_ours(e.to_string()))?;
    if let Some(extra) = names.iter().find(|n| *n != MANIFEST_FILE && !manifest.files.contains_key(*n)) {
        return Err(not_ours(format!("it holds {extra}, which its {MANIFEST_FILE} does not list")));
    }
    Ok(Existing::Replaceable)
}

/// The process's umask (read from `/proc/self/status`; 022 where that is not available), without changing it.
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix("Umask:")).and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// The umask, for tests of modes.
#[cfg(test)]
pub(super) fn tests_umask() -> u32 {
    umask()
}

/// `O_NOFOLLOW` where the platform has it.
fn libc_nofollow() -> i32 {
    #[cfg(target_os = "linux")]
    return libc::O_NOFOLLOW;
    #[cfg(not(target_os = "linux"))]
    0
}

/// Atomically swaps two paths (Linux `renameat2(RENAME_EXCHANGE)`).
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(test)]
    if tests::NO_EXCHANGE.with(std::cell::Cell::get) {
        return Err(std::io::Error::from(std::io::ErrorKind::Unsupported));
    }
    renameat2(a, b, 2)
}

/// Renames `from` to `to`, failing if `to` exists (Linux `renameat2(RENAME_NOREPLACE)`; elsewhere, or where
/// the file system lacks it, a plain rename, which fails onto a non-empty folder anyway).
fn rename_noreplace(from: &Path, to: &Path) -> std::io::Result<()> {
    match renameat2(from, to, 1) {
        Err(e) if exchange_unsupported(&e) => std::fs::rename(from, to),
        other => other,
    }
}

/// Whether an error says the file system or kernel lacks `renameat2`'s flags.
fn exchange_unsupported(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::Unsupported {
        return true;
    }
    #[cfg(target_os = "linux")]
    return matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::ENOTSUP));
    #[cfg(not(target_os = "linux"))]
    {
        let _ = e;
        true
    }
}

#[cfg(target_os = "linux")]
fn renameat2(from: &Path, to: &Path, flags: libc::c_uint) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let from = CString::new(from.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let to = CString::new(to.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: two valid NUL-terminated paths; the raw system call works with any C library.
    let r = unsafe {
        libc::syscall(libc::SYS_renameat2, libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), flags)
    };
    if r == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(not(target_os = "linux"))]
fn renameat2(_: &Path, _: &Path, _: u32) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Makes this thread's exchanges fail as on a file system without `RENAME_EXCHANGE`.
        pub(super) static NO_EXCHANGE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    #[test]
    fn without_an_atomic_exchange_the_old_run_moves_aside_and_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        write_run(&dir, 1).unwrap();
        NO_EXCHANGE.with(|f| f.set(true));
        let replaced = write_run(&dir, 2);
        NO_EXCHANGE.with(|f| f.set(false));
        replaced.unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("calls.csv")).unwrap(), "seed,2\n");
        assert_eq!(names(tmp.path()), ["run"]);
        assert!(signals::locked(|live| live.iter().all(|p| !p.starts_with(tmp.path()))));
    }

    fn write_run(dir: &Path, seed: u64) -> Result<Manifest> {
        let mut f = RunFolder::create(dir)?;
        f.write("calls.csv", Privacy::Personal, |o| writeln!(o, "seed,{seed}"))?;
        f.write("summary.json", Privacy::Public, |o| writeln!(o, "{{\"seed\":{seed}}}"))?;
        f.commit(seed, String::new())
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_run_folder_replaces_an_earlier_run_whole_and_leaves_nothing_beside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        write_run(&dir, 1).unwrap();
        write_run(&dir, 2).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("calls.csv")).unwrap(), "seed,2\n");
        assert_eq!(Manifest::read(&dir).unwrap().seed, 2);
        assert_eq!(names(tmp.path()), ["run"]);
        assert_eq!(names(&dir), ["calls.csv", "manifest.json", "summary.json"]);
    }

    #[test]
    fn an_empty_folder_is_replaced_and_its_mode_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
        write_run(&dir, 1).unwrap();
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o750);
        assert_eq!(names(tmp.path()), ["run"]);
    }

    #[test]
    fn a_foreign_or_edited_folder_is_refused_before_anything_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("mine");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("thesis.tex"), "precious").unwrap();
        let e = RunFolder::create(&dir).unwrap_err().to_string();
        assert!(e.contains("no manifest.json"), "{e}");
        // A run folder with a file of the user's added is not replaced either.
        let run = tmp.path().join("run");
        write_run(&run, 1).unwrap();
        std::fs::write(run.join("notes.txt"), "mine").unwrap();
        let e = RunFolder::create(&run).unwrap_err().to_string();
        assert!(e.contains("notes.txt"), "{e}");
        assert!(RunFolder::create(tmp.path().join("mine/thesis.tex")).is_err());
        assert!(RunFolder::create("-").is_err());
        assert_eq!(names(tmp.path()), ["mine", "run"]);
        assert_eq!(std::fs::read_to_string(dir.join("thesis.tex")).unwrap(), "precious");
    }

    #[test]
    fn a_dropped_run_folder_leaves_the_old_run_and_no_temporary_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        let before = write_run(&dir, 1).unwrap();
        let mut f = RunFolder::create(&dir).unwrap();
        f.write("calls.csv", Privacy::Personal, |o| writeln!(o, "half")).unwrap();
        assert!(f.write("calls.csv", Privacy::Personal, |o| writeln!(o, "again")).is_err());
        drop(f);
        assert_eq!(Manifest::read(&dir).unwrap(), before);
        assert_eq!(names(tmp.path()), ["run"]);
    }

    #[test]
    fn a_folder_that_became_foreign_during_the_run_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        let mut f = RunFolder::create(&dir).unwrap();
        f.write("calls.csv", Privacy::Personal, |o| writeln!(o, "x")).unwrap();
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("other"), "someone else's").unwrap();
        assert!(f.commit(1, String::new()).is_err());
        assert_eq!(names(&dir), ["other"]);
        assert_eq!(names(tmp.path()), ["run"]);
    }

    #[test]
    fn personal_files_are_owner_only_and_the_folder_follows_the_umask() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        write_run(&dir, 1).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.join("calls.csv")), 0o600);
        assert_eq!(mode(&dir.join("summary.json")), 0o666 & !umask());
        assert_eq!(mode(&dir), 0o777 & !umask());
    }
}
