//! Opening inputs as hostile data: every file dialsim reads by name comes through here.
//!
//! - A path that is a symbolic link is followed only when its target stays inside the folder the path was named
//!   in (`run/calls.csv -> /etc/passwd` is refused, `run/calls.csv -> run/old/calls.csv` is read).
//! - Only regular files are read: a FIFO, a device, a socket or a folder is refused *before* anything blocks on
//!   it (the file is opened non-blocking and checked on its descriptor).
//! - A whole-file read is bounded by the kind of file ([`Bound`]): a manifest, a scenario or a summary that is
//!   larger than any dialsim writes is refused by its size instead of being read into memory; a stream (a
//!   growing file, `/proc`) that passes the bound while being read fails as well.
//!
//! Standard input (`-`) is the caller's business: this module only opens named files.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::foundation::error::{Error, Result};

/// The most bytes a kind of file may hold when read whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bound {
    /// What the file is, for messages ("a manifest").
    pub kind: &'static str,
    /// The most bytes it may hold.
    pub bytes: u64,
}

impl Bound {
    /// A manifest (`manifest.json`, a list's `.manifest.json`): a few kilobytes when dialsim writes one.
    pub const MANIFEST: Bound = Bound { kind: "a manifest", bytes: 16 << 20 };
    /// A scenario file (TOML).
    pub const SCENARIO: Bound = Bound { kind: "a scenario", bytes: 16 << 20 };
    /// A numbering plan (CSV): the largest real plans have a few thousand rows.
    pub const PLAN: Bound = Bound { kind: "a numbering plan", bytes: 64 << 20 };
    /// libphonenumber's PhoneNumberMetadata.xml (about 1 MB in 2026).
    pub const METADATA: Bound = Bound { kind: "a libphonenumber metadata file", bytes: 64 << 20 };
    /// A run's `summary.json` or another JSON result file.
    pub const SUMMARY: Bound = Bound { kind: "a summary", bytes: 64 << 20 };
    /// A small key or signature file.
    pub const KEY: Bound = Bound { kind: "a key", bytes: 1 << 20 };
    /// A result table read whole (sweep.csv, frontier.csv, compare.csv).
    pub const TABLE: Bound = Bound { kind: "a result table", bytes: 1 << 30 };
    /// A record file of a run folder (calls.csv, consents.jsonl, names.csv, …): large runs write gigabytes.
    pub const RECORDS: Bound = Bound { kind: "a run's record file", bytes: 1 << 40 };
}

/// A named input opened for reading: a regular file, reached without leaving the folder it was named in.
#[derive(Debug)]
pub struct Input {
    /// The file, open for reading.
    pub file: File,
    /// Its length when opened.
    pub len: u64,
}

/// Opens `path` for reading with the checks of this module (symbolic links kept inside the folder, regular
/// files only, nothing that blocks).
pub fn open(path: &Path) -> Result<Input> {
    let target = resolve(path)?;
    let file = open_nonblocking(&target).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(refused(
            path,
            format!("not a regular file ({}); dialsim reads only regular files", kind_of(&meta)),
        ));
    }
    Ok(Input { file, len: meta.len() })
}

/// Opens `path` like [`open`] and refuses it when it holds more than `bound` allows.
pub fn open_bounded(path: &Path, bound: Bound) -> Result<Input> {
    let input = open(path)?;
    if input.len > bound.bytes {
        return Err(too_large(path, bound));
    }
    Ok(input)
}

/// Reads the whole of `path` (checked like [`open`]), refusing more than `bound` bytes.
pub fn read(path: &Path, bound: Bound) -> Result<Vec<u8>> {
    let input = open_bounded(path, bound)?;
    read_stream(path, input.file, bound)
}

/// Reads all of `input` (a stream such as standard input, named `name` in errors), refusing more than `bound`
/// bytes before it has taken more than one byte past them.
pub fn read_stream(name: &Path, input: impl Read, bound: Bound) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    // One byte past the bound tells a stream that goes on (a file that grew, a /proc file that reported no
    // size, a pipe) from one that fit.
    input.take(bound.bytes + 1).read_to_end(&mut bytes).map_err(|e| Error::io(name, e))?;
    if bytes.len() as u64 > bound.bytes {
        return Err(too_large(name, bound));
    }
    Ok(bytes)
}

/// Reads the whole of `path` as UTF-8 text (checked like [`read`]).
pub fn read_to_string(path: &Path, bound: Bound) -> Result<String> {
    let bytes = read(path, bound)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        refused(path, format!("not UTF-8 text (an invalid byte at offset {at})"))
    })
}

/// Longest line a line-oriented input (a CSV of numbers, a dialer log) may hold: a real row is a few hundred
/// bytes; a binary file would otherwise grow one record without end.
pub const MAX_LINE_BYTES: u64 = 1 << 20;

/// Passes bytes through and fails once a line passes [`MAX_LINE_BYTES`], with a [`LongLine`] error that knows
/// the line.
#[derive(Debug)]
pub struct LineLimit<R> {
    inner: R,
    /// Bytes since the last line end.
    run: u64,
    /// Newlines passed (a lone carriage return ends a line too, but is not counted: readers that count lines
    /// by it turn it into a newline first).
    newlines: u64,
}

impl<R> LineLimit<R> {
    /// Bounds the lines of `inner`.
    pub fn new(inner: R) -> LineLimit<R> {
        LineLimit { inner, run: 0, newlines: 0 }
    }
}

/// The error of a [`LineLimit`]: the line (from 1) that passed [`MAX_LINE_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongLine {
    /// The line, counted by newlines from the start of what the limit read.
    pub line: u64,
}

impl LongLine {
    /// The line of `e` when it is a [`LongLine`] error.
    pub fn of(e: &std::io::Error) -> Option<u64> {
        e.get_ref().and_then(|inner| inner.downcast_ref::<LongLine>()).map(|l| l.line)
    }
}

impl std::fmt::Display for LongLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a line of more than 1 MiB: not a file of records")
    }
}

impl std::error::Error for LongLine {}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = &buf[..n];
        let newlines = read.iter().filter(|&&b| b == b'\n').count() as u64;
        match read.iter().rposition(|&b| b == b'\n' || b == b'\r') {
            Some(at) => self.run = (n - at - 1) as u64,
            None => self.run += n as u64,
        }
        self.newlines += newlines;
        if self.run > MAX_LINE_BYTES {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, LongLine { line: self.newlines + 1 }));
        }
        Ok(n)
    }
}

/// The file `path` names, with a symbolic link resolved when — and only when — its target stays inside the
/// folder `path` was named in. A path that does not exist is returned as it is (opening it reports that).
fn resolve(path: &Path) -> Result<PathBuf> {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return Ok(path.to_path_buf()) };
    if !meta.file_type().is_symlink() {
        return Ok(path.to_path_buf());
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let folder = folder.canonicalize().map_err(|e| Error::io(&folder, e))?;
    let target = path.canonicalize().map_err(|e| Error::io(path, e))?;
    if !target.starts_with(&folder) {
        return Err(refused(
            path,
            format!(
                "a symbolic link to {}, outside the folder {} it was named in; dialsim follows links only within it",
                target.display(),
                folder.display()
            ),
        ));
    }
    Ok(target)
}

#[cfg(target_os = "linux")]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path)?;
    // Regular files ignore O_NONBLOCK, but clear it so that nothing downstream sees a surprising flag.
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor this function owns and keeps open; F_GETFL/F_SETFL take no pointers.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
    }
    Ok(file)
}

#[cfg(not(target_os = "linux"))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    // Without O_NONBLOCK, refuse what is not a regular file before opening it (a FIFO would block in open).
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(format!("not a regular file ({})", kind_of(&meta))));
    }
    File::open(path)
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() { "a folder" } else { "not a regular file" }
}

fn too_large(path: &Path, bound: Bound) -> Error {
    refused(
        path,
        format!(
            "larger than {}, the most {} may hold; is it the right file?",
            crate::foundation::limits::human_bytes(bound.bytes),
            bound.kind
        ),
    )
}

fn refused(path: &Path, message: String) -> Error {
    Error::Format { path: path.to_path_buf(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_out_of_its_folder_is_refused_and_one_inside_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        std::fs::write(dir.path().join("real.csv"), "a\n").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("out.csv")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real.csv"), dir.path().join("in.csv")).unwrap();
        let e = read(&dir.path().join("out.csv"), Bound::TABLE).unwrap_err().to_string();
        assert!(e.contains("outside the folder"), "{e}");
        assert_eq!(read(&dir.path().join("in.csv"), Bound::TABLE).unwrap(), b"a\n");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path that outlives the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = open(&fifo).unwrap_err().to_string();
        assert!(e.contains("a FIFO"), "{e}");
    }

    #[test]
    fn files_past_their_bound_are_refused_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k");
        std::fs::write(&p, vec![b'x'; 2 << 20]).unwrap();
        let e = read(&p, Bound::KEY).unwrap_err().to_string();
        assert!(e.contains("larger than 1.000 MiB, the most a key may hold"), "{e}");
        let e = read(Path::new("/dev/zero"), Bound::KEY).unwrap_err().to_string();
        assert!(e.contains("a device"), "{e}");
        assert!(read(&dir.path().join("missing"), Bound::KEY).is_err());
        assert!(open(dir.path()).unwrap_err().to_string().contains("a folder"));
    }
}
