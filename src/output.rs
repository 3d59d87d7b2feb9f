//! Output files written whole or not at all: a temporary name in the same folder, renamed when complete.
//!
//! Large outputs (call lists, filter files) can bypass the page cache ([`AtomicFile::create_direct`]): on
//! Linux the temporary file is opened with `O_DIRECT` and a writer thread writes it in aligned 4 MiB blocks
//! while the caller fills the next ones. The kernel then neither copies the bytes nor holds hundreds of
//! megabytes of dirty pages for the final rename to flush (ext4 starts writeback of a file that a rename makes
//! replace another, and a run pays for it in the rename). Where the file system refuses direct I/O, the
//! writer goes on with ordinary writes; the bytes in the file are the same either way.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file being written under a temporary name; [`AtomicFile::commit`] renames it into place.
/// Dropped without a commit (an error, a panic), the temporary file is removed and any earlier file at the
/// final path is left untouched.
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
    Direct(direct::DirectWriter),
}

impl AtomicFile {
    /// Starts writing `path` (through `.<name>.<pid>.tmp` beside it), through the page cache.
    pub fn create(path: impl AsRef<Path>) -> Result<AtomicFile> {
        let (path, tmp) = Self::names(path.as_ref())?;
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(AtomicFile { path, tmp, writer: Some(Sink::Buffered(BufWriter::with_capacity(1 << 20, file))) })
    }

    /// Like [`AtomicFile::create`], for large sequential outputs: on Linux, writes with direct I/O from a
    /// writer thread, bypassing the page cache where the file system allows it; elsewhere as `create`.
    pub fn create_direct(path: impl AsRef<Path>) -> Result<AtomicFile> {
        #[cfg(target_os = "linux")]
        {
            let (path, tmp) = Self::names(path.as_ref())?;
            let writer = direct::DirectWriter::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            Ok(AtomicFile { path, tmp, writer: Some(Sink::Direct(writer)) })
        }
        #[cfg(not(target_os = "linux"))]
        AtomicFile::create(path)
    }

    fn names(path: &Path) -> Result<(PathBuf, PathBuf)> {
        let name = path
            .file_name()
            .ok_or_else(|| Error::Invalid(format!("{} is not a file name", path.display())))?
            .to_string_lossy()
            .into_owned();
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        Ok((path.to_path_buf(), tmp))
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let file = match self.writer.take().expect("not yet committed") {
            Sink::Buffered(w) => w.into_inner().map_err(|e| e.into_error()),
            #[cfg(target_os = "linux")]
            Sink::Direct(d) => d.finish(),
        };
        // Until the rename the temporary file is ours to remove (by `drop`), also when finishing failed.
        let file = match file {
            Ok(file) => file,
            Err(e) => {
                let _ = std::fs::remove_file(&self.tmp);
                return Err(Error::io(&self.tmp, e));
            }
        };
        // No fsync: the rename makes an interrupted run leave nothing half-written, and every output of
        // dialsim can be regenerated from its seed; fsync of a 300 MB list costs up to a third of the run
        // (BENCHMARKS.md). ext4's auto_da_alloc flushes buffered data before a rename that replaces a file.
        drop(file);
        std::fs::rename(&self.tmp, &self.path).map_err(|e| {
            let _ = std::fs::remove_file(&self.tmp);
            Error::io(&self.path, e)
        })
    }
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
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(target_os = "linux")]
mod direct {
    //! Direct I/O from a writer thread: the caller copies into aligned blocks and hands full ones over.

    use std::fs::File;
    use std::io::{ErrorKind, Result};
    use std::os::unix::fs::{FileExt, OpenOptionsExt};
    use std::path::{Path, PathBuf};
    use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
    use std::thread::JoinHandle;

    /// Alignment of direct-I/O offsets, lengths and memory (a page: a multiple of any device's block).
    const ALIGN: usize = 4096;
    /// Bytes per block (a multiple of `ALIGN`).
    const BLOCK: usize = 4 << 20;
    /// Blocks in flight: one being filled, the others queued or being written.
    const POOL: usize = 4;

    /// A `BLOCK`-byte buffer whose usable part starts at an `ALIGN`-aligned address.
    struct Block {
        buf: Vec<u8>,
        start: usize,
    }

    impl Block {
        fn new() -> Block {
            let buf = vec![0u8; BLOCK + ALIGN];
            let start = buf.as_ptr().align_offset(ALIGN);
            Block { buf, start }
        }
        fn bytes(&self) -> &[u8] {
            &self.buf[self.start..self.start + BLOCK]
        }
        fn bytes_mut(&mut self) -> &mut [u8] {
            &mut self.buf[self.start..self.start + BLOCK]
        }
    }

    /// The caller's side: the block being filled, and the channels to and from the writer thread.
    pub(super) struct DirectWriter {
        current: Block,
        len: usize,
        allocated: usize,
        full: Option<SyncSender<(Block, usize)>>,
        free: Receiver<Block>,
        thread: Option<JoinHandle<Result<File>>>,
    }

    impl std::fmt::Debug for DirectWriter {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("DirectWriter").field("pending", &self.len).finish_non_exhaustive()
        }
    }

    impl DirectWriter {
        /// Creates (truncates) `path` and starts its writer thread.
        pub(super) fn create(path: &Path) -> Result<DirectWriter> {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            let (file, direct) = match options.clone().custom_flags(libc::O_DIRECT).open(path) {
                Ok(file) => (file, true),
                // The file system does not do direct I/O (EINVAL): write through the page cache.
                Err(e) if e.kind() == ErrorKind::InvalidInput => (options.open(path)?, false),
                Err(e) => return Err(e),
            };
            DirectWriter::start(file, direct, path.to_path_buf())
        }

        fn start(file: File, direct: bool, path: PathBuf) -> Result<DirectWriter> {
            let (full_tx, full_rx) = sync_channel::<(Block, usize)>(POOL);
            let (free_tx, free_rx) = sync_channel::<Block>(POOL);
            let thread = std::thread::Builder::new()
                .name("dialsim-writer".into())
                .spawn(move || write_blocks(file, direct, &path, full_rx, free_tx))?;
            Ok(DirectWriter {
                current: Block::new(),
                len: 0,
                allocated: 1,
                full: Some(full_tx),
                free: free_rx,
                thread: Some(thread),
            })
        }

        /// Appends `data`.
        pub(super) fn push(&mut self, mut data: &[u8]) -> Result<()> {
            while !data.is_empty() {
                let take = (BLOCK - self.len).min(data.len());
                self.current.bytes_mut()[self.len..self.len + take].copy_from_slice(&data[..take]);
                self.len += take;
                data = &data[take..];
                if self.len == BLOCK {
                    self.hand_over()?;
                }
            }
            Ok(())
        }

        /// Sends the current block to the writer thread and takes a free one.
        fn hand_over(&mut self) -> Result<()> {
            if self.full.is_none() {
                return Err(std::io::Error::other("the file writer thread stopped after an earlier error"));
            }
            let next = if self.allocated < POOL {
                self.allocated += 1;
                Block::new()
            } else {
                match self.free.recv() {
                    Ok(block) => block,
                    Err(_) => return Err(self.stopped()),
                }
            };
            let block = std::mem::replace(&mut self.current, next);
            let len = std::mem::take(&mut self.len);
            let sender = self.full.as_ref().expect("checked above");
            if sender.send((block, len)).is_err() {
                return Err(self.stopped());
            }
            Ok(())
        }

        /// The writer thread's error, once it has stopped early.
        fn stopped(&mut self) -> std::io::Error {
            self.full = None;
            match self.thread.take().map(JoinHandle::join) {
                Some(Ok(Err(e))) => e,
                _ => std::io::Error::other("the file writer thread stopped"),
            }
        }

        /// Writes what is left and returns the file, complete.
        pub(super) fn finish(mut self) -> Result<File> {
            if self.len > 0 {
                self.hand_over()?;
            }
            self.full = None;
            match self.thread.take().map(JoinHandle::join) {
                Some(Ok(result)) => result,
                _ => Err(std::io::Error::other("the file writer thread stopped")),
            }
        }
    }

    impl Drop for DirectWriter {
        fn drop(&mut self) {
            // Closing the channel ends the writer thread's loop; wait for it.
            self.full = None;
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }

    /// The writer thread: writes each block at its offset; only the last block can be partial, and it is
    /// padded to `ALIGN` for direct I/O and the file cut back to its real length.
    fn write_blocks(
        mut file: File,
        mut direct: bool,
        path: &Path,
        full: Receiver<(Block, usize)>,
        free: SyncSender<Block>,
    ) -> Result<File> {
        let mut offset = 0u64;
        for (mut block, len) in full {
            let padded = if direct { len.div_ceil(ALIGN) * ALIGN } else { len };
            block.bytes_mut()[len..padded].fill(0);
            match file.write_all_at(&block.bytes()[..padded], offset) {
                Ok(()) => {}
                Err(e) if direct && e.kind() == ErrorKind::InvalidInput => {
                    // The file system took the open flag but refuses the writes: go on with ordinary writes
                    // from this block on.
                    file = std::fs::OpenOptions::new().write(true).open(path)?;
                    direct = false;
                    file.write_all_at(&block.bytes()[..len], offset)?;
                }
                Err(e) => return Err(e),
            }
            offset += len as u64;
            if padded > len {
                file.set_len(offset)?;
            }
            // The caller may have finished and stopped taking blocks back.
            let _ = free.try_send(block);
        }
        Ok(file)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn bytes(n: usize) -> Vec<u8> {
            (0..n).map(|i| (i * 7 + i / 4096) as u8).collect()
        }

        /// Many pieces of odd sizes, several blocks and a partial tail: the file holds exactly the bytes.
        #[test]
        fn direct_writes_are_exact() {
            let dir = tempfile::tempdir().unwrap();
            for total in [0, 1, 4095, 4096, 4097, BLOCK, BLOCK + 1, 3 * BLOCK + 12345, 9 * BLOCK - 1] {
                let path = dir.path().join(format!("f{total}"));
                let data = bytes(total);
                let mut w = DirectWriter::create(&path).unwrap();
                for piece in data.chunks(100_003) {
                    w.push(piece).unwrap();
                }
                drop(w.finish().unwrap());
                assert_eq!(std::fs::read(&path).unwrap(), data, "{total} bytes");
            }
        }

        /// A writer thread that fails (here: a file open for reading only) turns every later write into an
        /// error, never a panic or a hang.
        #[test]
        fn a_failing_writer_reports_errors() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("f");
            std::fs::write(&path, b"").unwrap();
            let mut w = DirectWriter::start(File::open(&path).unwrap(), false, path.clone()).unwrap();
            let block = vec![1u8; BLOCK];
            let failed = (0..POOL + 3).filter(|_| w.push(&block).is_err()).count();
            assert!(failed >= 3, "{failed}");
            assert!(w.push(b"more").is_err());
            assert!(w.finish().is_err());
        }

        /// A writer whose direct writes are refused (an unaligned block) falls back and still writes exactly.
        #[test]
        fn refused_direct_writes_fall_back() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("f");
            let mut w = DirectWriter::create(&path).unwrap();
            let data = bytes(2 * BLOCK + 777);
            // Misalign the first block: a file system doing direct I/O refuses it with EINVAL.
            w.current.start += 1;
            for piece in data.chunks(65_536) {
                w.push(piece).unwrap();
            }
            drop(w.finish().unwrap());
            assert_eq!(std::fs::read(&path).unwrap(), data);
        }
    }
}
