//! Everything dialsim writes: single files written whole or not at all ([`AtomicFile`]), run folders replaced
//! as a set ([`RunFolder`]), and the checks that keep an output from destroying or exposing anything.
//!
//! The rules this module enforces:
//!
//! - A file is written under a fresh random name beside its target (`.NAME.XXXXXX.tmp`, created with
//!   `O_CREAT|O_EXCL|O_NOFOLLOW`, so a planted file or symbolic link is never opened) and renamed over the
//!   target only when complete. The target must be a regular file or a missing name: a directory, device,
//!   FIFO, socket or symbolic link is refused ([`check_target`]) before anything is read or written.
//! - An output that is the same file (device and inode) as one of the command's inputs is refused
//!   ([`refuse_inputs`]) before any input is read.
//! - Files holding personal data, or data that can be enumerated back to it, are created `0600`
//!   ([`Privacy::Personal`]); others follow the umask ([`Privacy::Public`]).
//! - A run folder is written into a fresh temporary folder (mode `0700`) beside it, with a `manifest.json`
//!   ([`crate::output::manifest`]), and swapped in when complete, so no folder ever mixes two runs.
//! - Temporary files and folders are registered while they live; once the binary has called
//!   [`remove_temporaries_on_signals`], SIGINT, SIGTERM and SIGHUP remove them and end the process with
//!   128 + the signal number (130, 143, 129). `kill -9` cannot be caught: it can leave a temporary file,
//!   always under a random `.tmp` name that no later run reuses, and never touches the target.
//!
//! This module never prints; errors name the path they concern.

mod atomic;
#[cfg(target_os = "linux")]
mod direct;
mod folder;
pub mod manifest;
mod signals;

use std::path::Path;

pub use atomic::{AtomicFile, commit_together};
pub use folder::RunFolder;
pub use signals::remove_temporaries_on_signals;

use crate::foundation::error::{Error, Result};

/// Who may read a file dialsim creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Privacy {
    /// Personal data or data that can be enumerated back to it (names, consents, suppression entries, calls,
    /// call lists, filter files): created `0600`, readable by the owner only, whatever the umask.
    Personal,
    /// Anything else (summaries, intervals, charts): created `0666` less the umask, as any program would.
    Public,
}

impl Privacy {
    /// The mode passed to `open(2)` (the umask still applies).
    pub fn mode(self) -> u32 {
        match self {
            Privacy::Personal => 0o600,
            Privacy::Public => 0o666,
        }
    }
}

/// Whether `path` is `-`, the name for standard output.
///
/// ```
/// assert!(dialsim::output::is_stdout(std::path::Path::new("-")));
/// assert!(!dialsim::output::is_stdout(std::path::Path::new("./-")));
/// ```
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Checks that `path` may be replaced by a file: it is missing or a regular file. A directory, a device, a
/// FIFO, a socket or a symbolic link (to anything) is refused with an error naming what it is; nothing is
/// created or changed. `-` is refused too: it names standard output wherever an output may go there, and a
/// caller that writes to stdout handles it before asking for a file (a file called `-` is `./-`).
///
/// ```
/// let dir = tempfile::tempdir()?;
/// assert!(dialsim::output::check_target(&dir.path().join("new.csv")).is_ok());
/// assert!(dialsim::output::check_target(dir.path()).is_err());
/// assert!(dialsim::output::check_target(std::path::Path::new("-")).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_target(path: &Path) -> Result<()> {
    if is_stdout(path) {
        return Err(Error::Request(
            "-: this output cannot go to stdout (-) but only to a file; name one (./- for a file called '-')".into(),
        ));
    }
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
        Ok(m) if m.file_type().is_file() => Ok(()),
        Ok(m) => Err(refusal(path, &m)),
    }
}

/// The error for an existing target that is not a regular file.
fn refusal(path: &Path, m: &std::fs::Metadata) -> Error {
    let what = if m.file_type().is_symlink() {
        match std::fs::metadata(path) {
            Ok(t) => format!("a symbolic link to {}", kind(&t)),
            Err(_) => "a dangling symbolic link".to_string(),
        }
    } else {
        kind(m).to_string()
    };
    Error::Request(format!(
        "{}: refusing to write over {what}; dialsim replaces only regular files (give a new name or a regular file)",
        path.display()
    ).into())
}

/// What a non-regular file is, in words.
fn kind(m: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    if t.is_file() {
        "a regular file"
    } else if t.is_dir() {
        "a directory"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

/// Refuses an output `target` that is the same file (same device and inode, links followed) as one of
/// `inputs`, before any input is read: renaming the output into place would destroy that input. Inputs named
/// `-` (stdin) and paths that do not exist are skipped; a missing target cannot be an input.
///
/// ```
/// use std::path::Path;
/// let dir = tempfile::tempdir()?;
/// let input = dir.path().join("s.csv");
/// std::fs::write(&input, "number\n+420601123456\n")?;
/// assert!(dialsim::output::refuse_inputs(&input, &[input.as_path()]).is_err());
/// assert!(dialsim::output::refuse_inputs(&dir.path().join("list.csv"), &[input.as_path()]).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn refuse_inputs(target: &Path, inputs: &[&Path]) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Ok(t) = std::fs::metadata(target) else {
        return Ok(());
    };
    for input in inputs.iter().filter(|i| !is_stdout(i)) {
        if let Ok(m) = std::fs::metadata(input)
            && (m.dev(), m.ino()) == (t.dev(), t.ino())
        {
            return Err(Error::Request(
                format!(
                    "{}: the output is the same file as the input {}; writing it would destroy that input (choose \
                     another output name)",
                    target.display(),
                    input.display()
                )
                .into(),
            ));
        }
    }
    Ok(())
}

/// Refuses an output folder `dir` that holds (at any depth) one of `inputs`, links followed: replacing the
/// folder as a set would remove that input. Inputs named `-`, inputs that do not exist and a `dir` that does
/// not exist pass.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let run = dir.path().join("run");
/// std::fs::create_dir(&run)?;
/// std::fs::write(run.join("suppress.csv"), "number\n")?;
/// let input = run.join("suppress.csv");
/// assert!(dialsim::output::refuse_inputs_in_folder(&run, &[input.as_path()]).is_err());
/// assert!(dialsim::output::refuse_inputs_in_folder(&dir.path().join("other"), &[input.as_path()]).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn refuse_inputs_in_folder(dir: &Path, inputs: &[&Path]) -> Result<()> {
    let Ok(dir_real) = std::fs::canonicalize(dir) else {
        return Ok(());
    };
    for input in inputs.iter().filter(|i| !is_stdout(i)) {
        if let Ok(real) = std::fs::canonicalize(input)
            && real.starts_with(&dir_real)
        {
            return Err(Error::Request(
                format!(
                    "{}: the output folder holds the input {}; replacing the folder would remove it (choose another \
                     output folder, or move the input out)",
                    dir.display(),
                    input.display()
                )
                .into(),
            ));
        }
    }
    Ok(())
}

/// Checks outputs that are written together (a list and its manifest) before anything is read or written:
/// each must be replaceable ([`check_target`]), none may be one of `inputs` ([`refuse_inputs`]), and no two
/// may name the same file.
///
/// ```
/// use std::path::Path;
/// let dir = tempfile::tempdir()?;
/// let (list, manifest) = (dir.path().join("l.csv"), dir.path().join("l.csv.manifest.json"));
/// std::fs::write(&manifest, "{}")?;
/// assert!(dialsim::output::check_outputs(&[&list, &manifest], &[]).is_ok());
/// assert!(dialsim::output::check_outputs(&[&list, &manifest], &[&manifest]).is_err());
/// assert!(dialsim::output::check_outputs(&[&list, &list], &[]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_outputs(targets: &[&Path], inputs: &[&Path]) -> Result<()> {
    for (i, t) in targets.iter().enumerate() {
        check_target(t)?;
        refuse_inputs(t, inputs)?;
        if let Some(other) = targets[..i].iter().find(|o| same_name(o, t)) {
            return Err(Error::Request(
                format!(
                    "{}: the same file as the output {}; the two outputs need two names",
                    t.display(),
                    other.display()
                )
                .into(),
            ));
        }
    }
    Ok(())
}

/// Whether `a` and `b` name the same file: the same name in the same folder (folders compared after
/// resolving links), or the same existing file.
fn same_name(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b))
        && (x.dev(), x.ino()) == (y.dev(), y.ino())
    {
        return true;
    }
    let place =
        |p: &Path| split(p).ok().and_then(|(dir, name)| Some((std::fs::canonicalize(dir).ok()?, name.to_owned())));
    matches!((place(a), place(b)), (Some(x), Some(y)) if x == y)
}

/// An advisory lock (`flock`) on a folder, held until dropped. Writers of files that belong together commit
/// under the exclusive lock of their folder ([`commit_together`]); a reader of such files (a list and its
/// manifest) takes the shared lock while it opens them, so it never sees one writer's list with another's
/// manifest. The lock binds only programs that take it: dialsim.
#[derive(Debug)]
pub struct FolderLock(#[allow(dead_code)] std::fs::File);

impl FolderLock {
    /// Waits for the lock on folder `dir`: exclusive, or shared with other readers.
    fn take(dir: &Path, exclusive: bool) -> Result<FolderLock> {
        let folder = std::fs::File::open(dir).map_err(|e| Error::io(dir, e))?;
        let locked = if exclusive { folder.lock() } else { folder.lock_shared() };
        locked.map_err(|e| Error::io(dir, atomic::annotate(e, "cannot lock the folder")))?;
        Ok(FolderLock(folder))
    }
}

/// Waits for the shared lock of the folder that holds `path` (see [`FolderLock`]), for reading files that
/// are committed together.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let _lock = dialsim::output::lock_folder(&dir.path().join("l.csv"))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lock_folder(path: &Path) -> Result<FolderLock> {
    let (dir, _) = split(path)?;
    FolderLock::take(dir, false)
}

/// The folder a file at `path` lives in (`.` for a bare name) and its file name.
fn split(path: &Path) -> Result<(&Path, &std::ffi::OsStr)> {
    let name =
        path.file_name().ok_or_else(|| Error::Request(format!("{} is not a file name", path.display()).into()))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Ok((dir, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
        assert!(status.success());
    }

    #[test]
    fn only_missing_names_and_regular_files_are_accepted_as_targets() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("file"), "x").unwrap();
        mkfifo(&d.join("fifo"));
        std::os::unix::fs::symlink(d.join("file"), d.join("link")).unwrap();
        std::os::unix::fs::symlink(d.join("nowhere"), d.join("dangling")).unwrap();
        let _socket = std::os::unix::net::UnixListener::bind(d.join("socket")).unwrap();
        assert!(check_target(&d.join("missing")).is_ok());
        assert!(check_target(&d.join("file")).is_ok());
        for (name, what) in [
            ("fifo", "a FIFO"),
            ("link", "a symbolic link to a regular file"),
            ("dangling", "a dangling symbolic link"),
            ("socket", "a socket"),
            (".", "a directory"),
        ] {
            let e = check_target(&d.join(name)).unwrap_err().to_string();
            assert!(e.contains(what), "{name}: {e}");
        }
        let e = check_target(Path::new("/dev/null")).unwrap_err().to_string();
        assert!(e.contains("a character device"), "{e}");
    }

    #[test]
    fn an_output_that_is_an_input_is_refused_also_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("in.csv"), "x").unwrap();
        std::fs::hard_link(d.join("in.csv"), d.join("hard.csv")).unwrap();
        std::os::unix::fs::symlink(d.join("in.csv"), d.join("soft.csv")).unwrap();
        std::fs::write(d.join("other.csv"), "x").unwrap();
        let input = d.join("in.csv");
        for target in ["in.csv", "hard.csv", "soft.csv"] {
            assert!(refuse_inputs(&d.join(target), &[Path::new("-"), &input]).is_err(), "{target}");
        }
        assert!(refuse_inputs(&d.join("other.csv"), &[&input]).is_ok());
        assert!(refuse_inputs(&d.join("missing.csv"), &[&input]).is_ok());
        assert_eq!(std::fs::read(&input).unwrap(), b"x");
    }

    #[test]
    fn privacy_modes_are_owner_only_or_umask() {
        assert_eq!(Privacy::Personal.mode(), 0o600);
        assert_eq!(Privacy::Public.mode() & 0o777, 0o666);
        let _ = std::fs::Permissions::from_mode(Privacy::Personal.mode());
    }
}
