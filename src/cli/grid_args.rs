//! What the grid subcommands (`sweep`, `frontier`) share: the flags of a replicated run over a sharded grid
//! (flattened into each command's arguments), the checks before any point runs, the run folder and its
//! commit, and the `merge` subcommand that joins the parts of a sharded run.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use dialsim::analysis::check_replications;
use dialsim::jobs::{GridJob, ReportJob};
use dialsim::output::{AtomicFile, Privacy, RunFolder};
use dialsim::report::Export;
use dialsim::sim::Campaign;
use dialsim::{Scenario, ScenarioSource, Shard};

/// The limits a command is held to before it starts (`--max-memory`, `--max-disk`), flattened into the
/// arguments of `simulate`, `sweep`, `frontier` and `compare`.
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct LimitArgs {
    /// Most memory the command may take, e.g. 4G or 500M [default: the memory this machine has available]; a
    /// request estimated to need more is refused before it starts.
    #[arg(long, value_name = "SIZE", value_parser = size_arg)]
    pub max_memory: Option<u64>,
    /// Most disk space the command may write, e.g. 20G [default: the free space of the output folder's file
    /// system]; a request estimated to write more is refused before it starts.
    #[arg(long, value_name = "SIZE", value_parser = size_arg)]
    pub max_disk: Option<u64>,
}

fn size_arg(text: &str) -> std::result::Result<u64, String> {
    dialsim::foundation::limits::parse_size(text)
}

/// Estimates at or above these are told even without `--verbose`: a request this large deserves a warning.
const LARGE: dialsim::foundation::limits::Needs =
    dialsim::foundation::limits::Needs { memory: 1 << 30, disk: 1 << 30, seconds: 60.0 };

impl LimitArgs {
    /// Tells the estimate `needs` of `what` (e.g. "this sweep (12 points × 10 replications)") under
    /// `--verbose` or when it is large, then refuses it when it exceeds the limits (those given, else this
    /// machine's; the disk of `out`), saying what makes it `smaller` and which flag raises the limit.
    pub fn check(
        &self,
        what: &str,
        needs: &dialsim::foundation::limits::Needs,
        out: Option<&Path>,
        smaller: &str,
    ) -> Result<()> {
        use dialsim::foundation::limits::{Ceilings, Resource};
        let ceilings = Ceilings { memory: self.max_memory, disk: self.max_disk };
        if let Err(over) = needs.check(ceilings, out) {
            let flag = if over.resource == Resource::Memory { "--max-memory" } else { "--max-disk" };
            let raise = if over.given {
                format!("raise {flag}")
            } else {
                format!("if the estimate is too high for this run, set {flag} above it")
            };
            anyhow::bail!(dialsim::Error::Invalid(format!(
                "{what} {over} (estimate: {}); make it smaller ({smaller}), or {raise}",
                needs.describe()
            )));
        }
        if super::verbose()
            || needs.memory >= LARGE.memory
            || needs.disk >= LARGE.disk
            || needs.seconds >= LARGE.seconds
        {
            note!("dialsim: {what} needs {}", needs.describe());
        }
        Ok(())
    }
}

/// The help of the flags that name a grid command's own file and merge (`--output`, `--shard`).
pub trait GridHelp {
    /// The help of `--output`.
    const OUT: &'static str;
    /// The help of `--shard`.
    const SHARD: &'static str;
}

/// The flags of a replicated run over a sharded grid, the help of `--output` and `--shard` from `H`.
#[derive(Args, Debug)]
pub struct GridArgs<H: GridHelp> {
    /// Replications per point (the same seeds at every point: common random numbers).
    #[arg(long, default_value_t = 10)]
    pub replications: u32,
    /// Seed; when absent a fresh one is drawn and printed to stderr.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Threads [default: all cores]; results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    #[arg(short = 'o', long = "output", visible_alias = "out", value_name = "DIR", required = true, help = H::OUT)]
    pub out: Option<PathBuf>,
    #[arg(long, value_parser = |s: &str| s.parse::<Shard>(), help = H::SHARD)]
    pub shard: Option<Shard>,
    #[arg(skip)]
    help: std::marker::PhantomData<H>,
}

impl<H: GridHelp> GridArgs<H> {
    /// The output folder (required; `-` is refused: a folder cannot go to stdout).
    pub fn dir(&self) -> Result<PathBuf> {
        super::simulate::refuse_stdout_folder(&self.out)?;
        Ok(self.out.clone().expect("required"))
    }

    /// Sizes the run of `points` grid points before any is loaded — the calls of a run from pilots of the
    /// grid's smallest and largest corners (`corners`: overrides added to `set`), the rest from
    /// [`dialsim::analysis::grid_needs`] — and refuses it (or tells it) with `limits`. `what` names the grid.
    pub fn check_needs(
        &self,
        limits: &LimitArgs,
        (scenario_arg, set): (&Option<String>, &[String]),
        corners: [dialsim::Result<Scenario>; 2],
        points: u64,
        what: &str,
    ) -> Result<()> {
        let points = dialsim::analysis::shard_point_count(points, self.shard());
        let threads = super::threads(self.threads)?;
        // The pilot's seed only sizes the grid; the run's seed is drawn (and told) when the folder is made.
        let seed = self.seed.unwrap_or(0);
        // A corner that does not load (a value out of range, blamed later on its flag) is sized as the fixed
        // overrides alone.
        let calls = |corner: dialsim::Result<Scenario>| -> dialsim::Result<u64> {
            let scenario = corner.or_else(|_| super::simulate::load_scenario(scenario_arg, set))?;
            Ok(Campaign::new(scenario)?.estimate(seed).calls)
        };
        let [low, high] = corners;
        let (low, high) = (calls(low)?, calls(high)?);
        let (most, mean) = (low.max(high), low.saturating_add(high) / 2);
        let replications = u64::from(self.replications);
        let needs = dialsim::analysis::grid_needs(points, replications, most, mean, threads as u64);
        let what = format!("{what} ({points} points × {replications} replications, up to about {most} calls a run)");
        limits.check(
            &what,
            &needs,
            self.out.as_deref(),
            "fewer points or replications, or a shorter campaign per point",
        )
    }

    /// Refuses a replication count the library refuses, blamed on `--replications`.
    pub fn check_replications(&self) -> Result<()> {
        check_replication_count(self.replications, self.replications)
    }

    /// The shard to run (the whole grid without `--shard`).
    pub fn shard(&self) -> Shard {
        self.shard.unwrap_or(Shard::WHOLE)
    }

    /// Everything checked before the runs — the `report` file writable (its KPIs, `kpis`, known), the
    /// scenarios' inputs not in `dir` — then the run folder made ([`GridJob::folder`]), the seed drawn and the
    /// thread count checked.
    pub fn open<'a>(
        &self,
        dir: &Path,
        scenario_arg: &Option<String>,
        scenarios: impl Iterator<Item = &'a Scenario>,
        (report, kpis): (Option<&PathBuf>, &[String]),
    ) -> Result<(RunFolder, u64, usize, Option<ReportJob>)> {
        let report = report.map(|p| super::report::job("--report", p, &[dir], kpis)).transpose()?;
        let folder = GridJob::folder(dir, &ScenarioSource::named(scenario_arg.as_deref()), scenarios)?;
        let seed = super::generate::seed_or_fresh(self.seed);
        let threads = super::threads(self.threads)?;
        Ok((folder, seed, threads, report))
    }

    /// Notes the file `name` of `points` points written in the committed folder `dir`.
    pub fn committed(&self, dir: &Path, seed: u64, name: &str, points: usize) {
        note!(
            "dialsim: wrote {} ({points} points, {} replications each, seed {seed})",
            dir.join(name).display(),
            self.replications
        );
    }
}

/// Refuses `--replications 0` (nothing to estimate from), then a largest count (`most`) the library refuses
/// for memory; both blamed on `--replications`. Every workflow of the CLI checks its counts here.
pub fn check_replication_count(replications: u32, most: u32) -> Result<()> {
    if replications == 0 {
        anyhow::bail!(dialsim::Error::Request("--replications must be at least 1".into()));
    }
    check_replications(u64::from(most)).map_err(|e| dialsim::Error::Request(format!("--replications: {e}")))?;
    Ok(())
}

/// Loads the scenario with `set` and one more override `key_value` (`key=value`); a bad value is blamed on
/// the flag that gave it, as `{blame}: {message}` (e.g. `--agents 0: …`).
pub fn check_value(scenario_arg: &Option<String>, set: &[String], key_value: String, blame: &str) -> Result<()> {
    let mut set = set.to_vec();
    set.push(key_value);
    blame_on(super::simulate::load_scenario(scenario_arg, &set), blame)
}

/// A scenario that failed to load because of one value, the error blamed on `blame` (the flag that gave it).
pub fn blame_on(loaded: dialsim::Result<Scenario>, blame: &str) -> Result<()> {
    loaded.map_err(|e| match e {
        dialsim::Error::Scenario { origin: dialsim::Origin::Override { .. }, message } => {
            dialsim::Error::Request(format!("{blame}: {message}"))
        }
        other => other,
    })?;
    Ok(())
}

/// The arguments of `merge`: the parts of a sharded run and the merged file.
#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The parts.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// The merged file; `-` writes it to stdout.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
}

impl MergeArgs {
    /// Joins the parts with `read` and writes them in `format` (to stdout for `-`); `points` counts the merged
    /// points for the note.
    pub fn run<M>(
        &self,
        read: impl FnOnce(&[PathBuf]) -> dialsim::Result<M>,
        format: &dyn Export<M>,
        points: impl Fn(&M) -> usize,
    ) -> Result<i32> {
        let (parts, output) = (&self.parts, self.output.as_path());
        let to_stdout = dialsim::output::is_stdout(output);
        if !to_stdout {
            // Before any part is read: the output must be replaceable and must not be one of the parts.
            dialsim::output::check_target(output)?;
            let inputs: Vec<&Path> = parts.iter().map(PathBuf::as_path).collect();
            dialsim::output::refuse_inputs(output, &inputs)?;
        }
        let merged = read(parts)?;
        if to_stdout {
            super::simulate::print(format, &merged)?;
        } else {
            let mut f = AtomicFile::create(output, Privacy::Public)?;
            format.write(&mut f, &merged).map_err(|e| dialsim::Error::io(output, e))?;
            f.commit()?;
        }
        note!("dialsim: merged {} points from {} parts into {}", points(&merged), parts.len(), output.display());
        Ok(0)
    }
}

/// The ranked table of a grid's points (`--rank`, `--where`, `--json`), flattened into `sweep` and `frontier`.
#[derive(Args, Debug, Clone, Default)]
pub struct RankArgs {
    /// Print the points ranked by this KPI (`dialsim keys --kpi`) on stdout, best first — lower first for
    /// abandonment, waits and costs, higher for occupancy, contacts, consents and net value; +KPI ranks high
    /// values first, -KPI low values first — with worst-day abandonment, cost per consent and each point's
    /// paired 95 % interval of the difference from the best point.
    #[arg(long, value_name = "[+|-]KPI", allow_hyphen_values = true)]
    pub rank: Option<String>,
    /// Rank only the points meeting a constraint on a KPI's mean over the point's replications, e.g.
    /// 'abandon_rate_max_day<0.03' (the mean of each replication's worst day); <, <=, > or >= (repeatable:
    /// every one must hold).
    #[arg(long = "where", value_name = "KPI<VALUE", requires = "rank")]
    pub constraints: Vec<String>,
    /// Print the ranking as JSON on stdout instead of the table.
    #[arg(long, requires = "rank")]
    pub json: bool,
}

/// A ranking request checked before anything runs.
pub struct RankRequest {
    by: dialsim::analysis::RankBy,
    constraints: Vec<dialsim::analysis::Constraint>,
    json: bool,
}

impl RankArgs {
    /// The request, or an error naming the flag and what was typed (exit 2); `None` without `--rank`.
    pub fn request(&self) -> Result<Option<RankRequest>> {
        let Some(rank) = &self.rank else { return Ok(None) };
        let by = rank.parse().map_err(|e| dialsim::Error::Request(format!("--rank {rank}: {e}")))?;
        let constraints = self
            .constraints
            .iter()
            .map(|c| c.parse().map_err(|e| dialsim::Error::Request(format!("--where {c}: {e}"))))
            .collect::<Result<_, _>>()?;
        Ok(Some(RankRequest { by, constraints, json: self.json }))
    }
}

impl RankRequest {
    /// Prints `ranking` (made with this request's KPI and constraints by `make`) on stdout, its warnings on
    /// stderr.
    pub fn print(
        &self,
        make: impl FnOnce(dialsim::analysis::RankBy, &[dialsim::analysis::Constraint]) -> dialsim::analysis::Ranking,
    ) -> Result<()> {
        let ranking = make(self.by, &self.constraints);
        if self.json {
            let text = serde_json::to_string_pretty(&ranking).map_err(|e| dialsim::Error::Invalid(e.to_string()))?;
            out!("{text}");
        } else {
            super::simulate::print(&dialsim::report::Table, &ranking)?;
        }
        for w in &ranking.warnings {
            note!("dialsim: warning: {w}");
        }
        Ok(())
    }
}
