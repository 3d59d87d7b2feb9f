//! `registry.json` in a run folder: the registry's state as the run read it, so that `audit --registry` holds
//! the run to the registry as it stood then.

use serde::Serialize;

use crate::error::{Error, Result};

/// What a run read from a registry: `registry.json` in its run folder, so that `audit --registry` checks the
/// run against the registry as it stood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RegistryState {
    /// Where the registry is (a URL without its password).
    pub registry: String,
    /// Its [`super::Registry::stamp`] when the run read it.
    pub stamp: String,
    /// Its newest source then: the run saw the rows of the sources up to this one.
    pub as_of_source: i64,
    /// Numbers suppressed then (issued ones aside).
    pub suppressed: u64,
    /// Numbers with a lawful basis then, for the run's consent purpose.
    pub bases: u64,
}

/// The file of a run folder that records the [`RegistryState`] the run read.
pub const STATE_FILE: &str = "registry.json";

/// Reads the [`RegistryState`] of the run folder `dir`, if the run read a registry.
pub fn read_state(dir: &std::path::Path) -> Result<Option<RegistryState>> {
    let path = dir.join(STATE_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let text = crate::open::read_to_string(&path, crate::open::Bound::MANIFEST)?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Error::input(path.display().to_string(), Some(e.line() as u64), e.to_string()))
}
