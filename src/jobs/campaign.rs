//! One campaign into its run folder, and what it reads from and writes back to a registry.

#[cfg(feature = "registry")]
use std::path::Path;

#[cfg(feature = "registry")]
use crate::Scenario;
use crate::foundation::error::Result;
#[cfg(feature = "registry")]
use crate::output::Privacy;
use crate::output::RunFolder;
#[cfg(feature = "registry")]
use crate::registry::{self, RegistryState};
#[cfg(feature = "registry")]
use crate::sim::Prior;
use crate::sim::{Campaign, RunOutput};

#[cfg(feature = "registry")]
/// What a campaign reads from the registry at `location` before it runs: the suppressed numbers and the bases
/// for its consent purpose, with the registry's state as read (for `registry.json`). The state is read before
/// the rows: a write in between is in the rows but not in the state, never the other way.
pub fn prior(location: &str, scenario: &Scenario) -> Result<(Prior, RegistryState)> {
    let mut r = registry::open(location)?;
    // As receipts write it (`marketing`, `research`).
    let purpose = format!("{:?}", scenario.consent_purpose()).to_lowercase();
    let (stamp, as_of_source) = (r.stamp()?, r.last_source()?);
    let prior = Prior {
        name: format!("registry:{location}"),
        suppressed: registry::suppression_list(r.as_mut())?,
        bases: registry::bases_by_number(r.as_mut(), &purpose)?,
    };
    let state = RegistryState {
        registry: r.location().to_string(),
        stamp,
        as_of_source,
        suppressed: prior.suppressed.len() as u64,
        bases: prior.bases.len() as u64,
    };
    Ok((prior, state))
}

#[cfg(feature = "registry")]
/// What a campaign wrote back to a registry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteBack {
    /// Suppressions recorded (objections and the like).
    pub suppressions: usize,
    /// Consents recorded.
    pub consents: usize,
    /// Withdrawals recorded.
    pub withdrawals: usize,
}

#[cfg(feature = "registry")]
/// Writes the committed run folder `dir`'s objections, consents and withdrawals, and the campaign, back to the
/// registry at `location`, in one transaction.
pub fn write_back(location: &str, dir: &Path, scenario: &Scenario) -> Result<WriteBack> {
    let batch = registry::campaign_batch(dir, &scenario.run.start_date, scenario.run.days)?;
    let counts = WriteBack {
        suppressions: batch.suppressions.len(),
        consents: batch.consents.len(),
        withdrawals: batch.withdrawals.len(),
    };
    registry::open(location)?.apply(&batch)?;
    Ok(counts)
}

#[cfg(feature = "registry")]
/// The registry a run reads and writes back to: where it is and the state [`prior`] read.
#[derive(Clone, Debug)]
pub struct RegistryUse {
    /// The registry (a path or a URL).
    pub location: String,
    /// Its state when the campaign read it.
    pub state: RegistryState,
}

/// One campaign into a run folder.
#[derive(Debug)]
pub struct RunJob<'a> {
    /// The campaign (with the registry's prior, if any).
    pub campaign: &'a Campaign,
    /// Its seed.
    pub seed: u64,
    /// Whether to draw `profile.svg`, the day profile.
    pub plot: bool,
    /// The key that signs the folder's manifest (HMAC-SHA-256), if any.
    pub key: Option<&'a [u8]>,
    /// The registry the campaign read, written back to once the folder is committed.
    #[cfg(feature = "registry")]
    pub registry: Option<&'a RegistryUse>,
}

/// What [`run_into`] did.
#[derive(Debug)]
pub struct RunDone {
    /// The run's results.
    pub output: RunOutput,
    /// The files written (signature aside), in the order a listing shows them.
    pub files: Vec<&'static str>,
    /// What went back to the registry.
    #[cfg(feature = "registry")]
    pub written_back: Option<WriteBack>,
}

/// Runs `job` into `folder`: the records, `registry.json`, the plot, the commit, the signature and the
/// write-back to the registry, in that order (the registry learns only of a committed folder).
pub fn run_into(job: &RunJob<'_>, mut folder: RunFolder) -> Result<RunDone> {
    let dir = folder.dir().to_path_buf();
    let output = crate::report::simulate_into(&mut folder, job.campaign, job.seed)?;
    let mut files =
        vec!["calls.csv", "suppression.csv", "consents.jsonl", "names.csv", "intervals.csv", "summary.json"];
    files.push("processing.json");
    #[cfg(feature = "registry")]
    if let Some(r) = job.registry {
        let json = serde_json::to_string_pretty(&r.state)
            .map_err(|e| crate::Error::Invalid(format!("registry.json: {e}").into()))?;
        folder.write(registry::STATE_FILE, Privacy::Public, |w| {
            w.write_all(json.as_bytes())?;
            w.write_all(b"\n")
        })?;
        files.push(registry::STATE_FILE);
    }
    if job.plot {
        let title = format!("{} — day profile (seed {})", job.campaign.scenario().run.name, job.seed);
        crate::report::profile_svg(&folder.path().join("profile.svg"), &title, job.campaign.scenario(), &output)?;
        files.push("profile.svg");
    }
    folder.commit(job.seed, crate::output::manifest::scenario_sha256(job.campaign.scenario()))?;
    files.push("manifest.json");
    if let Some(k) = job.key {
        crate::output::manifest::sign_folder(&dir, k)?;
    }
    #[cfg(feature = "registry")]
    let written_back = job.registry.map(|r| write_back(&r.location, &dir, job.campaign.scenario())).transpose()?;
    Ok(RunDone {
        output,
        files,
        #[cfg(feature = "registry")]
        written_back,
    })
}

/// Replications of one campaign into a run folder: `summary.json` and `replications.csv` of `result`, the
/// first replication's day profile when `plot` (it is run again, with `seed`), the commit and the signature.
/// Returns the files written (signature aside).
pub fn replications_into(
    mut folder: RunFolder,
    campaign: &Campaign,
    result: &crate::analysis::Replications,
    seed: u64,
    plot: bool,
    key: Option<&[u8]>,
) -> Result<Vec<&'static str>> {
    let dir = folder.dir().to_path_buf();
    crate::report::write_replications(&mut folder, result)?;
    let mut files = vec!["summary.json", "replications.csv", "processing.json"];
    if plot {
        let first = campaign.run(seed, false);
        let title = format!("{} — day profile, replication 0 (seed {seed})", campaign.scenario().run.name);
        crate::report::profile_svg(&folder.path().join("profile.svg"), &title, campaign.scenario(), &first)?;
        files.push("profile.svg");
    }
    folder.commit(seed, crate::output::manifest::scenario_sha256(campaign.scenario()))?;
    files.push("manifest.json");
    if let Some(k) = key {
        crate::output::manifest::sign_folder(&dir, k)?;
    }
    Ok(files)
}
