//! Content hashes for manifests: SHA-256 with the byte and line counts of what was hashed.
//!
//! A manifest (of a run folder, of a call list) records, for each file it vouches for, its size, its lines and
//! its SHA-256, so that a later reader can tell the file it holds is the one that was written. This module owns
//! the hashing only; it never decides what a mismatch means.

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::foundation::error::{Error, Result};

/// What a file or stream held: its bytes, its lines (newlines) and its SHA-256 (lower-case hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// Bytes.
    pub bytes: u64,
    /// Newline characters.
    pub lines: u64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
}

/// Accumulates a [`FileDigest`] over the bytes fed to it.
#[derive(Clone, Debug, Default)]
pub struct Hasher {
    sha: Sha256,
    bytes: u64,
    lines: u64,
}

impl Hasher {
    /// An empty hasher.
    pub fn new() -> Hasher {
        Hasher::default()
    }

    /// Feeds `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.sha.update(data);
        self.bytes += data.len() as u64;
        self.lines += count_newlines(data);
    }

    /// The digest of everything fed.
    pub fn finish(self) -> FileDigest {
        FileDigest { bytes: self.bytes, lines: self.lines, sha256: hex(&self.sha.finalize()) }
    }
}

/// The newlines in `data`: per run of 192 bytes, one-byte counts that the compiler keeps in vector registers
/// (16 bytes or more per instruction; a run's count cannot pass 255, so no overflow check in any profile),
/// summed once per run. A byte-by-byte count with overflow checks (the test profile) took as long as the
/// SHA-256 of a call list, a count eight bytes at a time in a `u64` a fifth of it (`perf`, 10 M numbers as
/// text), this one about a fortieth.
fn count_newlines(data: &[u8]) -> u64 {
    data.chunks(192).map(|run| u64::from(run.iter().fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'\n'))))).sum()
}

/// A writer that hashes what passes through it.
#[derive(Debug)]
pub struct HashingWriter<W> {
    inner: W,
    hasher: Hasher,
}

impl<W: Write> HashingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> HashingWriter<W> {
        HashingWriter { inner, hasher: Hasher::new() }
    }

    /// The writer and the digest of what was written through it.
    pub fn finish(self) -> (W, FileDigest) {
        (self.inner, self.hasher.finish())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// An exclusion source as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// The path as given (`-` for standard input).
    pub name: String,
    /// `filter` (Bloom filter file) or `suppression` (exact list).
    pub kind: String,
    /// SHA-256 of the file when it was used (`None` for standard input).
    pub sha256: Option<String>,
    /// Numbers of the list this source excluded (generation) or removed (scrub).
    pub excluded: u64,
}

impl SourceRecord {
    /// The record of a source at `name`, hashing the file (standard input has no hash).
    pub fn of(name: &str, kind: &str, excluded: u64) -> Result<SourceRecord> {
        let sha256 = if name == "-" { None } else { Some(digest_file(name)?.sha256) };
        Ok(SourceRecord { name: name.to_string(), kind: kind.to_string(), sha256, excluded })
    }
}

/// SHA-256 of `data`, lower-case hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// The digest of a file's whole content.
pub fn digest_file(path: impl AsRef<Path>) -> Result<FileDigest> {
    let path = path.as_ref();
    let mut file = crate::foundation::open::open(path)?.file;
    digest_reader(&mut file).map_err(|e| Error::io(path, e))
}

/// The digest of everything `input` yields.
pub fn digest_reader(input: &mut dyn Read) -> std::io::Result<FileDigest> {
    let mut hasher = Hasher::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match input.read(&mut buf) {
            Ok(0) => return Ok(hasher.finish()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_fips_180_2_test_vectors() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn newlines_are_counted_exactly_at_every_offset_and_byte_value() {
        let data: Vec<u8> =
            (0..4096u32).map(|i| if i % 7 == 0 || i % 13 == 5 { b'\n' } else { (i * 31 % 256) as u8 }).collect();
        for start in 0..9 {
            for end in [start, start + 1, start + 8, start + 15, 100, 4096] {
                let slice = &data[start..end.max(start)];
                assert_eq!(count_newlines(slice), slice.iter().filter(|&&b| b == b'\n').count() as u64);
            }
        }
        let all: Vec<u8> = (0..=255u8).cycle().take(2048).collect();
        assert_eq!(count_newlines(&all), 8);
    }

    #[test]
    fn streamed_digest_equals_one_shot_and_counts_lines() {
        let data = b"a,b\n1,2\n3,4";
        let mut h = Hasher::new();
        h.update(&data[..5]);
        h.update(&data[5..]);
        let d = h.finish();
        assert_eq!(d, FileDigest { bytes: 11, lines: 2, sha256: sha256_hex(data) });
        let mut w = HashingWriter::new(Vec::new());
        w.write_all(data).unwrap();
        let (bytes, d2) = w.finish();
        assert_eq!((bytes.as_slice(), d2), (&data[..], d));
    }
}
