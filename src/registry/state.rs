//! `registry.json` in a run folder: the registry's state as the run read it, so that `audit --registry` holds
//! the run to the registry as it stood then.

use serde::Serialize;

use crate::foundation::error::{Error, Result};

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
    let text = crate::foundation::open::read_to_string(&path, crate::foundation::open::Bound::MANIFEST)?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Error::input(path.display().to_string(), Some(e.line() as u64), e.to_string()))
}

/// The registry at `location` as the run in folder `dir` read it, for the audit: the numbers suppressed as of
/// the newest source its `registry.json` records, or as the registry stands now when the folder has none.
#[derive(Clone, Debug)]
pub struct AsRead {
    /// The registry's location (a URL without its password).
    pub location: String,
    /// The state the run recorded, if it did.
    pub recorded: Option<RegistryState>,
    /// The newest source whose rows count.
    pub as_of_source: i64,
    /// The numbers suppressed as of that source.
    pub suppressed: Vec<u64>,
}

/// Reads the registry at `location` as the run in `dir` read it ([`AsRead`]).
pub fn as_the_run_read(location: &str, dir: &std::path::Path) -> Result<AsRead> {
    let mut registry = super::open(location)?;
    let recorded = read_state(dir)?;
    let as_of_source = match &recorded {
        Some(state) => state.as_of_source,
        None => registry.last_source()?,
    };
    let suppressed = registry.suppressed_as_of(as_of_source)?;
    Ok(AsRead { location: registry.location().to_string(), recorded, as_of_source, suppressed })
}
