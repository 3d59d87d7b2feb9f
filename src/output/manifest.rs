//! `manifest.json` of a run folder: which dialsim wrote it, from which seed and scenario, and every file's
//! size, lines and SHA-256 — and [`verify`], which tells whether a folder still holds exactly those files.
//!
//! A folder with a manifest is a *dialsim run folder*: dialsim replaces it whole on the next run into the same
//! place ([`crate::output::RunFolder`]); a non-empty folder without one is never replaced. This module describes and
//! checks; it never decides what a mismatch means for an audit.
//!
//! A manifest may be signed ([`Manifest::sign`], `dialsim simulate --key FILE`): an HMAC-SHA-256 with a secret
//! key over the manifest's canonical bytes ([`Manifest::canonical_bytes`]: the manifest as written, without its
//! `signature` field). A folder edited and given a recomputed manifest then fails
//! [`Manifest::check_signature`] with the key, which the editor does not have.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::foundation::digest::{FileDigest, digest_file, sha256_hex};
use crate::foundation::error::{Error, Result};

/// The manifest's file name inside a run folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The `format` every manifest carries, naming this layout.
pub const MANIFEST_FORMAT: &str = "dialsim-run-folder/1";

/// The content of `manifest.json`.
///
/// ```
/// let m = dialsim::output::manifest::Manifest::new(42, dialsim::output::manifest::scenario_sha256(&"any serialisable scenario"));
/// assert_eq!(m.seed, 42);
/// assert!(m.files.is_empty());
/// assert_eq!(m.dialsim_version, env!("CARGO_PKG_VERSION"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// The version of dialsim that wrote the folder.
    pub dialsim_version: String,
    /// The run's seed (for replications and sweeps: the seed the replication seeds derive from).
    pub seed: u64,
    /// SHA-256 (lower-case hex) of the scenario as compact JSON, the form `summary.json` holds it in
    /// ([`scenario_sha256`]); for a sweep, of the JSON list of every point's scenario.
    pub scenario_sha256: String,
    /// Every file of the folder except `manifest.json`, by name: bytes, lines (rows, a header included)
    /// and SHA-256.
    pub files: BTreeMap<String, FileDigest>,
    /// The exclusion sources and number list the run read, each with its SHA-256, so that a file given to
    /// `dialsim audit` later can be matched to the run's.
    #[serde(default)]
    pub sources: Vec<crate::foundation::digest::SourceRecord>,
    /// HMAC-SHA-256 (lower-case hex) of [`Manifest::canonical_bytes`] under the run's key; absent when the run
    /// was not given a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// What [`Manifest::check_signature`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signature {
    /// Signed, and the signature matches the key.
    Valid,
    /// Signed, but not with this key over these bytes: the manifest (or the key) is not the run's.
    Invalid,
    /// The manifest carries no signature.
    Unsigned,
}

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

fn mac(key: &[u8], bytes: &[u8]) -> HmacSha256 {
    use hmac::{KeyInit, Mac};
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    m.update(bytes);
    m
}

/// Reads a signing key: the file's bytes, as they are. An empty file is refused (it would sign with no secret).
pub fn read_key(path: impl AsRef<Path>) -> Result<Vec<u8>> {
    let path = path.as_ref();
    let key = crate::foundation::open::read(path, crate::foundation::open::Bound::KEY)?;
    if key.is_empty() {
        return Err(Error::Format { path: path.to_path_buf(), message: "an empty key signs nothing".into() });
    }
    Ok(key)
}

impl Manifest {
    /// A manifest of this dialsim version with no files yet.
    pub fn new(seed: u64, scenario_sha256: String) -> Manifest {
        Manifest {
            format: MANIFEST_FORMAT.to_string(),
            dialsim_version: env!("CARGO_PKG_VERSION").to_string(),
            seed,
            scenario_sha256,
            files: BTreeMap::new(),
            sources: Vec::new(),
            signature: None,
        }
    }

    /// The bytes a signature covers: the `manifest.json` text of this manifest without its signature.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        Manifest { signature: None, ..self.clone() }.to_json().into_bytes()
    }

    /// Signs the manifest with `key` (HMAC-SHA-256 over [`Manifest::canonical_bytes`]).
    ///
    /// ```
    /// let mut m = dialsim::output::manifest::Manifest::new(1, "0".repeat(64));
    /// m.sign(b"secret");
    /// assert_eq!(m.check_signature(b"secret"), dialsim::output::manifest::Signature::Valid);
    /// assert_eq!(m.check_signature(b"guess"), dialsim::output::manifest::Signature::Invalid);
    /// m.seed = 2;
    /// assert_eq!(m.check_signature(b"secret"), dialsim::output::manifest::Signature::Invalid);
    /// ```
    pub fn sign(&mut self, key: &[u8]) {
        use hmac::Mac;
        let tag = mac(key, &self.canonical_bytes()).finalize().into_bytes();
        self.signature = Some(tag.iter().map(|b| format!("{b:02x}")).collect());
    }

    /// Whether the signature is `key`'s over the manifest's canonical bytes (compared in constant time).
    pub fn check_signature(&self, key: &[u8]) -> Signature {
        use hmac::Mac;
        let Some(hex) = &self.signature else {
            return Signature::Unsigned;
        };
        let bytes: Option<Vec<u8>> = (hex.len() == 64 && hex.is_ascii())
            .then(|| (0..32).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()).collect())
            .flatten();
        match bytes {
            Some(b) if mac(key, &self.canonical_bytes()).verify_slice(&b).is_ok() => Signature::Valid,
            _ => Signature::Invalid,
        }
    }

    /// Writes this manifest as `DIR/manifest.json`, replacing the one there (through a temporary file renamed
    /// over it, so a reader sees the old or the new manifest, never half of one).
    pub fn write(&self, dir: impl AsRef<Path>) -> Result<()> {
        let dir = dir.as_ref();
        let tmp = dir.join(".manifest.json.tmp");
        std::fs::write(&tmp, self.to_json()).map_err(|e| Error::io(&tmp, e))?;
        let path = dir.join(MANIFEST_FILE);
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }

    /// Reads and parses `DIR/manifest.json` (through [`crate::foundation::open`]: a regular file inside the folder, at most
    /// [`Bound::MANIFEST`](crate::foundation::open::Bound::MANIFEST)); a file of another format is an error, a missing one an
    /// [`Error::Io`] of kind `NotFound`.
    pub fn read(dir: impl AsRef<Path>) -> Result<Manifest> {
        let path = dir.as_ref().join(MANIFEST_FILE);
        let text = crate::foundation::open::read(&path, crate::foundation::open::Bound::MANIFEST)?;
        let manifest: Manifest = serde_json::from_slice(&text)
            .map_err(|e| Error::Format { path: path.clone(), message: format!("not a dialsim manifest: {e}") })?;
        if manifest.format != MANIFEST_FORMAT {
            return Err(Error::Format {
                path,
                message: format!("manifest format '{}', expected '{MANIFEST_FORMAT}'", manifest.format),
            });
        }
        Ok(manifest)
    }

    /// The `manifest.json` text (pretty JSON, one trailing newline).
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest serialises");
        text.push('\n');
        text
    }
}

/// Signs the manifest of the run folder `dir` with `key` and writes it back; returns it.
pub fn sign_folder(dir: impl AsRef<Path>, key: &[u8]) -> Result<Manifest> {
    let mut m = Manifest::read(&dir)?;
    m.sign(key);
    m.write(&dir)?;
    Ok(m)
}

/// Recomputes the manifest of `dir` from the files it holds now (bytes, lines, SHA-256 of each; the seed,
/// scenario hash and sources kept), signs it with `key` when given, and writes it. What a careless — or a
/// dishonest — editor of a run folder would do: only a signature checked with the run's key tells.
pub fn rewrite(dir: impl AsRef<Path>, key: Option<&[u8]>) -> Result<Manifest> {
    let dir = dir.as_ref();
    let mut m = Manifest::read(dir)?;
    m.files.clear();
    m.signature = None;
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != MANIFEST_FILE {
            m.files.insert(name, digest_file(entry.path())?);
        }
    }
    if let Some(k) = key {
        m.sign(k);
    }
    m.write(dir)?;
    Ok(m)
}

/// SHA-256 (lower-case hex) of `scenario` serialised as compact JSON.
pub fn scenario_sha256<T: Serialize + ?Sized>(scenario: &T) -> String {
    sha256_hex(&serde_json::to_vec(scenario).expect("a scenario serialises"))
}

/// One way a run folder differs from its manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mismatch {
    /// A file the manifest lists is not in the folder.
    Missing {
        /// The file name.
        file: String,
    },
    /// The folder holds a file (or anything else) the manifest does not list.
    Extra {
        /// The file name.
        file: String,
    },
    /// A listed name is not a regular file.
    NotAFile {
        /// The name.
        file: String,
    },
    /// The size differs.
    Bytes {
        /// The file name.
        file: String,
        /// Bytes the manifest lists.
        expected: u64,
        /// Bytes found.
        found: u64,
    },
    /// The line (row) count differs.
    Lines {
        /// The file name.
        file: String,
        /// Lines the manifest lists.
        expected: u64,
        /// Lines found.
        found: u64,
    },
    /// Same size and lines, different content.
    Sha256 {
        /// The file name.
        file: String,
        /// The SHA-256 the manifest lists.
        expected: String,
        /// The SHA-256 found.
        found: String,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Missing { file } => write!(f, "{file}: listed in the manifest but missing"),
            Mismatch::Extra { file } => write!(f, "{file}: not listed in the manifest"),
            Mismatch::NotAFile { file } => write!(f, "{file}: not a regular file"),
            Mismatch::Bytes { file, expected, found } => {
                write!(f, "{file}: {found} bytes, the manifest lists {expected}")
            }
            Mismatch::Lines { file, expected, found } => {
                write!(f, "{file}: {found} lines, the manifest lists {expected}")
            }
            Mismatch::Sha256 { file, expected, found } => {
                write!(f, "{file}: SHA-256 {found}, the manifest lists {expected}")
            }
        }
    }
}

/// Checks the run folder `dir` against its `manifest.json`: every listed file present with its size, lines
/// and SHA-256, and nothing else in the folder. Returns the differences (empty: the folder is as written).
/// A missing or unreadable manifest is an error, not a mismatch.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let mut folder = dialsim::output::RunFolder::create(dir.path().join("run"))?;
/// folder.write("calls.csv", dialsim::output::Privacy::Personal, |out| out.write_all(b"call_id\n1\n"))?;
/// folder.commit(7, "0".repeat(64))?;
/// assert!(dialsim::output::manifest::verify(dir.path().join("run"))?.is_empty());
/// std::fs::write(dir.path().join("run/calls.csv"), "call_id\n2\n")?;
/// let found = dialsim::output::manifest::verify(dir.path().join("run"))?;
/// assert!(matches!(&found[..], [dialsim::output::manifest::Mismatch::Sha256 { .. }]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify(dir: impl AsRef<Path>) -> Result<Vec<Mismatch>> {
    let dir = dir.as_ref();
    Manifest::read(dir)?.verify(dir)
}

impl Manifest {
    /// Checks the run folder `dir` against this manifest, as [`verify`] does with the folder's own. A listed
    /// file is read only when it is a regular file (not a link, a FIFO or a device), through [`crate::foundation::open`].
    pub fn verify(&self, dir: impl AsRef<Path>) -> Result<Vec<Mismatch>> {
        let dir = dir.as_ref();
        let mut found = Vec::new();
        let mut present = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name != MANIFEST_FILE {
                present.insert(name);
            }
        }
        for (name, listed) in &self.files {
            if !present.remove(name) {
                found.push(Mismatch::Missing { file: name.clone() });
                continue;
            }
            let path = dir.join(name);
            let regular = std::fs::symlink_metadata(&path).map_err(|e| Error::io(&path, e))?.file_type().is_file();
            if !regular {
                found.push(Mismatch::NotAFile { file: name.clone() });
                continue;
            }
            let mut input = crate::foundation::open::open_bounded(&path, crate::foundation::open::Bound::RECORDS)?;
            let d = crate::foundation::digest::digest_reader(&mut input.file).map_err(|e| Error::io(&path, e))?;
            let file = name.clone();
            if d.bytes != listed.bytes {
                found.push(Mismatch::Bytes { file, expected: listed.bytes, found: d.bytes });
            } else if d.lines != listed.lines {
                found.push(Mismatch::Lines { file, expected: listed.lines, found: d.lines });
            } else if d.sha256 != listed.sha256 {
                found.push(Mismatch::Sha256 { file, expected: listed.sha256.clone(), found: d.sha256 });
            }
        }
        found.extend(present.into_iter().map(|file| Mismatch::Extra { file }));
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Privacy, RunFolder};

    fn run_folder(dir: &Path) -> Manifest {
        let mut folder = RunFolder::create(dir).unwrap();
        folder
            .write("calls.csv", Privacy::Personal, |out| out.write_all(b"call_id,number\n1,+420601000001\n"))
            .unwrap();
        folder.write("summary.json", Privacy::Public, |out| out.write_all(b"{}\n")).unwrap();
        folder.commit(3, scenario_sha256(&"scenario")).unwrap()
    }

    #[test]
    fn a_fresh_run_folder_verifies_clean_and_lists_every_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        let m = run_folder(&dir);
        assert_eq!(m.files.keys().collect::<Vec<_>>(), ["calls.csv", "summary.json"]);
        assert_eq!(m.files["calls.csv"].bytes, 31);
        assert_eq!(m.files["calls.csv"].lines, 2);
        assert_eq!(Manifest::read(&dir).unwrap(), m);
        assert_eq!(verify(&dir).unwrap(), vec![]);
    }

    #[test]
    fn verify_reports_missing_extra_and_changed_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        run_folder(&dir);
        std::fs::remove_file(dir.join("summary.json")).unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        std::fs::write(dir.join("calls.csv"), "call_id,number\n1,+420601000001\n2,+420601000002\n").unwrap();
        let found = verify(&dir).unwrap();
        assert_eq!(
            found,
            vec![
                Mismatch::Bytes { file: "calls.csv".into(), expected: 31, found: 47 },
                Mismatch::Missing { file: "summary.json".into() },
                Mismatch::Extra { file: "notes.txt".into() },
            ]
        );
        // Same size, one more line; then same size and lines, other bytes.
        std::fs::write(dir.join("calls.csv"), "call_id,number\n1,+420601000001\n2,+420601000002\n").unwrap();
        std::fs::write(dir.join("calls.csv"), "call_id,number\n1,+420601\n00001\n").unwrap();
        assert!(matches!(verify(&dir).unwrap()[0], Mismatch::Lines { expected: 2, found: 3, .. }));
        std::fs::write(dir.join("calls.csv"), "call_id,number\n1,+420601000009\n").unwrap();
        assert!(matches!(verify(&dir).unwrap()[0], Mismatch::Sha256 { .. }));
    }

    #[test]
    fn a_folder_without_a_manifest_is_an_error_not_a_clean_result() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(verify(tmp.path()).is_err());
        std::fs::write(tmp.path().join(MANIFEST_FILE), "{\"format\":\"other\"}").unwrap();
        assert!(verify(tmp.path()).is_err());
    }
}
