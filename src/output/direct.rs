//! Direct I/O from a writer thread: the caller copies into aligned blocks and hands full ones over.

use std::fs::File;
use std::io::{ErrorKind, Result};
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;
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
    /// Starts a writer thread for `file` (open for writing, empty), switching it to direct I/O where the file
    /// system allows it (`fcntl(F_SETFL, O_DIRECT)`); the file is opened by its creator, so no path is ever
    /// opened again here.
    pub(super) fn new(file: File) -> Result<DirectWriter> {
        let direct = match set_direct(&file, true) {
            Ok(()) => true,
            // The file system does not do direct I/O (EINVAL): write through the page cache.
            Err(e) if e.kind() == ErrorKind::InvalidInput => false,
            Err(e) => return Err(e),
        };
        DirectWriter::start(file, direct)
    }

    fn start(file: File, direct: bool) -> Result<DirectWriter> {
        let (full_tx, full_rx) = sync_channel::<(Block, usize)>(POOL);
        let (free_tx, free_rx) = sync_channel::<Block>(POOL);
        let thread = std::thread::Builder::new()
            .name("dialsim-writer".into())
            .spawn(move || write_blocks(file, direct, full_rx, free_tx))?;
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
fn write_blocks(file: File, mut direct: bool, full: Receiver<(Block, usize)>, free: SyncSender<Block>) -> Result<File> {
    let mut offset = 0u64;
    for (mut block, len) in full {
        let padded = if direct { len.div_ceil(ALIGN) * ALIGN } else { len };
        block.bytes_mut()[len..padded].fill(0);
        match file.write_all_at(&block.bytes()[..padded], offset) {
            Ok(()) => {}
            Err(e) if direct && e.kind() == ErrorKind::InvalidInput => {
                // The file system took the flag but refuses the writes: go on with ordinary writes from this
                // block on, on the same descriptor.
                set_direct(&file, false)?;
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

/// Turns `O_DIRECT` on or off for an open file.
fn set_direct(file: &File, on: bool) -> Result<()> {
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor owned by `file`, which outlives the calls.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let flags = if on { flags | libc::O_DIRECT } else { flags & !libc::O_DIRECT };
    // SAFETY: as above: F_SETFL with plain flags on a descriptor `file` owns.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
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
            let mut w = DirectWriter::new(File::create(&path).unwrap()).unwrap();
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
        let mut w = DirectWriter::start(File::open(&path).unwrap(), false).unwrap();
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
        let file = File::create(&path).unwrap();
        if let Err(e) = set_direct(&file, true) {
            eprintln!("skipped: this file system takes no O_DIRECT ({e}), so there is nothing to fall back from");
            return;
        }
        let mut w = DirectWriter::start(file, true).unwrap();
        let data = bytes(2 * BLOCK + 777);
        // Misalign the first block: a file system doing direct I/O refuses it with EINVAL.
        w.current.start += 1;
        for piece in data.chunks(65_536) {
            w.push(piece).unwrap();
        }
        let file = w.finish().unwrap();
        // The fallback ran: the descriptor no longer has O_DIRECT.
        // SAFETY: F_GETFL on a descriptor `file` owns.
        let flags = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETFL) };
        assert_eq!(flags & libc::O_DIRECT, 0, "the writer fell back to ordinary writes");
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap(), data);
    }
}
