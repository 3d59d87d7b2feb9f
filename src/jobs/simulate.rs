//! `simulate` as a job: one campaign, or replications of it (a fixed count, or until a KPI is precise
//! enough), with or without a run folder, read from and written back to a registry, with its HTML report.

use std::path::{Path, PathBuf};

#[cfg(feature = "registry")]
use super::campaign::{RegistryUse, WriteBack, prior};
use super::campaign::{RunJob, replications_into, run_into};
use super::limits::Limits;
use super::reading::{Note, Notes, scenario_notes};
use super::report::ReportJob;
use crate::analysis::{Precision, Progress, Replications, grid_needs, replicate, replicate_until, run_needs};
use crate::foundation::error::{Error, Param, Result};
use crate::foundation::limits::Needs;
use crate::output::RunFolder;
use crate::scenario::{Scenario, ScenarioSource};
use crate::sim::{Campaign, RunOutput};

/// Replications until the 95 % half-width of a KPI is at most `half_width`, or `max` of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Until {
    /// The KPI.
    pub kpi: String,
    /// The half-width wanted, in the KPI's unit.
    pub half_width: f64,
    /// The most replications, met or not.
    pub max: u32,
}

/// What `simulate` is asked.
#[derive(Debug)]
pub struct SimulateJob<'a> {
    /// The scenario's source.
    pub source: &'a ScenarioSource,
    /// Its text overrides (`key=value`).
    pub set: &'a [String],
    /// Replications (1: one run, with its records when there is a folder).
    pub replications: u32,
    /// Replications until a KPI is precise enough (`replications` the fewest).
    pub until: Option<Until>,
    /// The run folder, written as a set with its manifest (none: the results only; `-` is refused: a folder
    /// cannot go to standard output).
    pub out: Option<&'a Path>,
    /// Draw profile.svg into the folder.
    pub plot: bool,
    /// The key file that signs the folder's manifest.
    pub key: Option<&'a Path>,
    /// The registry the run reads (and, with a folder, writes back to); none: the scenario's, if any.
    #[cfg(feature = "registry")]
    pub registry: Option<&'a str>,
    /// The HTML report to write too.
    pub report: Option<&'a Path>,
    /// The seed; none: a fresh one, told as a [`super::Note::Seed`] once the rest is ready.
    pub seed: Option<u64>,
    /// Worker threads for replications; none: every core (the results do not depend on them).
    pub threads: Option<usize>,
    /// The memory and disk the simulation may take: it is sized before it runs and refused when over them.
    pub limits: Limits,
    /// Tell the simulation's estimate even when it is small (it is told anyway when large).
    pub verbose: bool,
}

/// A simulation ready to run: the campaign loaded (with the registry's prior), the folder made, the key read,
/// the report checked, the seed drawn, the run sized within its limits — a refusal costs no simulation.
#[derive(Debug)]
pub struct Simulation {
    campaign: Campaign,
    seed: u64,
    threads: usize,
    replications: u32,
    until: Option<Until>,
    folder: Option<RunFolder>,
    plot: bool,
    key: Option<Vec<u8>>,
    #[cfg(feature = "registry")]
    registry: Option<RegistryUse>,
    report: Option<ReportJob>,
}

/// What a simulation made.
#[derive(Debug)]
pub enum SimulateDone<'a> {
    /// One run.
    Run {
        /// The scenario run.
        scenario: &'a Scenario,
        /// Its results (records kept only when written to a folder).
        output: Box<RunOutput>,
        /// The files written into the folder, in the order a listing shows them (none without a folder).
        files: Vec<&'static str>,
        /// What went back to the registry, and which registry.
        #[cfg(feature = "registry")]
        written_back: Option<(String, WriteBack)>,
    },
    /// Replications.
    Replications {
        /// The summaries and estimates.
        result: Replications<'a>,
        /// The files written into the folder (none without a folder).
        files: Vec<&'static str>,
        /// The precision asked of a KPI, if any (see [`SimulateDone::notes`]).
        until: Option<&'a Until>,
    },
}

impl SimulateDone<'_> {
    /// What the caller should be told of the result: numbers a run set aside undialled
    /// ([`crate::sim::Summary::set_aside_warning`]), and a warning when replications stopped at their most with
    /// the KPI still less precise than asked.
    pub fn notes(&self) -> Vec<Note<'static>> {
        let (summaries, until) = match self {
            SimulateDone::Run { output, .. } => (std::slice::from_ref(&output.summary), None),
            SimulateDone::Replications { result, until, .. } => (&result.summaries[..], *until),
        };
        let mut notes = Vec::new();
        let set_aside: Vec<(usize, String)> =
            summaries.iter().enumerate().filter_map(|(i, s)| Some((i, s.set_aside_warning()?))).collect();
        if let Some((i, w)) = set_aside.first() {
            notes.push(Note::Warning(match summaries.len() {
                1 => w.clone(),
                n => format!(
                    "replication {}, the first of {} of the {n} to set numbers aside: {w}",
                    i + 1,
                    set_aside.len()
                ),
            }));
        }
        let SimulateDone::Replications { result, .. } = self else { return notes };
        let Some(u) = until else { return notes };
        let e = result.estimate(&u.kpi).filter(|e| e.half_width() > u.half_width);
        notes.extend(e.map(|e| {
            Note::Warning(format!(
                "{} half-width {:.5} still above {} after {} replications",
                u.kpi,
                e.half_width(),
                u.half_width,
                e.n
            ))
        }));
        notes
    }

    /// Writes the result to `out` as the readable table ([`crate::report::Table`]) or, with `json`, as its
    /// `summary.json` ([`crate::report::SummaryJson`]): what a front end prints.
    pub fn write_to(&self, out: &mut dyn std::io::Write, json: bool) -> std::io::Result<()> {
        use crate::report::{Export, RunReport, SummaryJson, Table};
        match self {
            SimulateDone::Run { scenario, output, .. } => {
                let r = RunReport { scenario, run: output };
                if json { SummaryJson.write(out, &r) } else { Table.write(out, &r) }
            }
            SimulateDone::Replications { result, .. } => {
                if json {
                    SummaryJson.write(out, result)
                } else {
                    Table.write(out, result)
                }
            }
        }
    }
}

/// Checks a KPI a request names (`--ci-for`, ranking, report cards): an unknown name is refused with the
/// nearest known ones.
pub fn check_kpi(name: &str) -> Result<()> {
    crate::sim::kpi::lookup(name).map(|_| ()).map_err(|e| Error::Request(e.to_string().into()))
}

impl SimulateJob<'_> {
    /// Everything checked and made before the run, in this order: the folder not standard output, the
    /// replications counted, the scenario loaded (what the caller should know of it told to `notes`), the KPI
    /// of [`Until`] known, the folder's inputs refused, the report checked, the key read, the folder made, the
    /// registry read, the seed drawn (a fresh one told), the threads counted, and the run sized and refused
    /// when over its [`Limits`] (its estimate told when large or `verbose`).
    pub fn prepare(&self, notes: &mut Notes<'_>) -> Result<Simulation> {
        let mut simulation = self.ready(notes)?;
        simulation.seed = super::seed_or_fresh(self.seed, notes);
        simulation.threads = super::threads(self.threads)?;
        let (needs, what, smaller) = simulation.needs(simulation.seed, simulation.threads);
        self.limits.check(&what, &needs, self.out, smaller, self.verbose, notes)?;
        Ok(simulation)
    }

    /// [`SimulateJob::prepare`] up to the registry read.
    fn ready(&self, notes: &mut Notes<'_>) -> Result<Simulation> {
        if let Some(dir) = self.out {
            super::grid::refuse_stdout_folder(dir)?;
        }
        // None to estimate from, or more than memory allows: refused before anything is read.
        let most = self.until.as_ref().map_or(self.replications, |u| self.replications.max(u.max));
        super::grid::check_replication_count(self.replications, most)?;
        let scenario = self.source.load(self.set)?;
        for note in scenario_notes(&scenario, self.set) {
            notes(note);
        }
        if let Some(u) = &self.until {
            check_kpi(&u.kpi)?;
        }
        if let Some(dir) = self.out {
            let inputs = self.source.inputs(&scenario);
            let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
            crate::output::refuse_inputs_in_folder(dir, &inputs)?;
        }
        let inside: Vec<&Path> = self.out.into_iter().collect();
        let report = self.report.map(|p| ReportJob::checked(Param::Report, p, &inside, &[])).transpose()?;
        // Read before the run: a bad key costs no run.
        let key = self.key.map(crate::output::manifest::read_key).transpose()?;
        let folder = self.out.map(RunFolder::create).transpose()?;
        let simulation = |campaign| Simulation {
            campaign,
            seed: 0,
            threads: 1,
            replications: self.replications,
            until: self.until.clone(),
            folder,
            plot: self.plot,
            key,
            #[cfg(feature = "registry")]
            registry: None,
            report,
        };
        #[cfg(feature = "registry")]
        if let Some(location) = self.registry.map(str::to_string).or_else(|| scenario.registry.clone()) {
            let (prior, state) = prior(&location, &scenario)?;
            let campaign = Campaign::with_prior(scenario, prior)?;
            campaign.abroad_law_warnings().into_iter().for_each(|w| notes(Note::Warning(w)));
            let mut s = simulation(campaign);
            s.registry = Some(RegistryUse { location, state });
            return Ok(s);
        }
        let campaign = Campaign::new(scenario)?;
        campaign.abroad_law_warnings().into_iter().for_each(|w| notes(Note::Warning(w)));
        Ok(simulation(campaign))
    }
}

impl Simulation {
    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        self.campaign.scenario()
    }

    /// Names each request parameter its HTML report mentions as `names` gives it ([`ReportJob::name_params`]).
    pub fn name_report_params(&mut self, names: fn(Param) -> String) {
        if let Some(report) = &mut self.report {
            report.name_params(names);
        }
    }

    /// One run, not replications.
    pub fn is_single(&self) -> bool {
        self.replications == 1 && self.until.is_none()
    }

    /// The most replications it may run (the progress bar's length is the fewest).
    pub fn most_replications(&self) -> u32 {
        self.until.as_ref().map_or(self.replications, |u| self.replications.max(u.max))
    }

    /// What it needs with `seed` on `threads` threads (records stream to disk; memory holds what is in play),
    /// with the simulation in words and what makes it smaller, for a refusal.
    pub fn needs(&self, seed: u64, threads: usize) -> (Needs, String, &'static str) {
        let calls = self.campaign.estimate(seed).calls;
        if self.is_single() {
            let needs = run_needs(calls, self.folder.is_some());
            (needs, format!("this campaign (about {calls} calls)"), "fewer days, agents or calling hours")
        } else {
            let needs = grid_needs(1, u64::from(self.most_replications()), calls, calls, threads as u64);
            let what = format!("these replications (about {calls} calls each)");
            (needs, what, "fewer replications, days, agents or calling hours")
        }
    }

    /// The seed it runs with (the one asked for, else the fresh one drawn).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Runs it (replications on its threads, `progress` hearing of each): into the folder (committed, signed,
    /// then written back to the registry) when there is one, then the report. It runs once: the folder and the
    /// report are taken by the first run.
    pub fn run(&mut self, progress: &Progress) -> Result<SimulateDone<'_>> {
        let (seed, threads) = (self.seed, self.threads);
        let single = self.is_single();
        let (folder, report, key) = (self.folder.take(), self.report.take(), self.key.take());
        #[cfg(feature = "registry")]
        let registry = self.registry.take();
        let this: &Simulation = self;
        let (campaign, replications, until, plot) = (&this.campaign, this.replications, &this.until, this.plot);
        if single {
            #[cfg(feature = "registry")]
            let mut written_back = None;
            let (output, files, dir) = match folder {
                Some(folder) => {
                    let dir = folder.dir().to_path_buf();
                    let job = RunJob {
                        campaign,
                        seed,
                        plot,
                        key: key.as_deref(),
                        #[cfg(feature = "registry")]
                        registry: registry.as_ref(),
                    };
                    let done = run_into(&job, folder)?;
                    #[cfg(feature = "registry")]
                    {
                        written_back = registry.zip(done.written_back).map(|(r, w)| (r.location, w));
                    }
                    (done.output, done.files, Some(dir))
                }
                None => (campaign.run(seed, false), Vec::new(), None),
            };
            if let Some(mut report) = report {
                match &dir {
                    Some(dir) => report.add_path(dir)?,
                    None => report.report().add_run(campaign.scenario(), &output),
                }
                report.write()?;
            }
            return Ok(SimulateDone::Run {
                scenario: campaign.scenario(),
                output: Box::new(output),
                files,
                #[cfg(feature = "registry")]
                written_back,
            });
        }
        let summaries = match until {
            Some(u) => {
                let precision = Precision { kpi: &u.kpi, half_width: u.half_width, min: replications, max: u.max };
                replicate_until(campaign, seed, &precision, threads, progress)
            }
            None => replicate(campaign, seed, replications, threads, progress),
        };
        let result = Replications::new(campaign.scenario(), seed, summaries);
        let files = match folder {
            Some(folder) => replications_into(folder, campaign, &result, seed, plot, key.as_deref())?,
            None => Vec::new(),
        };
        if let Some(mut report) = report {
            report.report().add_replications(&result);
            report.write()?;
        }
        Ok(SimulateDone::Replications { result, files, until: until.as_ref() })
    }
}
