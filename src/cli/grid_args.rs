//! What the grid subcommands (`sweep`, `frontier`) share: the flags of a replicated run over a sharded grid
//! (flattened into each command's arguments) mapped to the jobs' `GridRequest`, what a grid wrote printed, the
//! `merge` subcommand that joins the parts of a sharded run (`MergeJob`), and the limits (`--max-memory`,
//! `--max-disk`) every command that sizes its work flattens.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use dialsim::jobs::{ByteSize, GridKind, GridRequest, GridWritten, Limits, MergeJob, Rank};
use dialsim::jobs::{ScenarioSource, Shard};

/// The limits a command is held to before it starts (`--max-memory`, `--max-disk`), flattened into the
/// arguments of `simulate`, `sweep`, `frontier` and `compare`.
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct LimitArgs {
    /// Most memory the command may take, e.g. 4G or 500M [default: the memory this machine has available]; a
    /// request estimated to need more is refused before it starts.
    #[arg(long, value_name = "SIZE", value_parser = |s: &str| s.parse::<ByteSize>().map(|b| b.0))]
    pub max_memory: Option<u64>,
    /// Most disk space the command may write, e.g. 20G [default: the free space of the output folder's file
    /// system]; a request estimated to write more is refused before it starts.
    #[arg(long, value_name = "SIZE", value_parser = |s: &str| s.parse::<ByteSize>().map(|b| b.0))]
    pub max_disk: Option<u64>,
}

impl LimitArgs {
    /// The limits asked for.
    pub fn limits(&self) -> Limits {
        Limits { max_memory: self.max_memory, max_disk: self.max_disk }
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
    /// The request of a grid on `source` with the overrides `set` (the job checks it whole).
    pub fn request<'a>(
        &'a self,
        (source, set): (&'a ScenarioSource, &'a [String]),
        limits: &LimitArgs,
        plot: bool,
        report: Option<&'a Path>,
        rank: Option<Rank>,
    ) -> GridRequest<'a> {
        GridRequest {
            source,
            set,
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
            out: self.out.as_deref().expect("required"),
            shard: self.shard.unwrap_or(Shard::WHOLE),
            limits: limits.limits(),
            verbose: super::verbose(),
            plot,
            report,
            rank,
        }
    }
}

/// Says what a grid wrote — the results file, the charts, the report — then prints the ranking on stdout and
/// its warnings on stderr.
pub fn print_written<R>(done: &GridWritten<R>) -> Result<()> {
    note!(
        "dialsim: wrote {} ({} points, {} replications each, seed {})",
        done.file.display(),
        done.points,
        done.replications,
        done.seed
    );
    for chart in &done.charts {
        note!("dialsim: wrote {}", chart.display());
    }
    if let Some(report) = &done.report {
        note!("dialsim: wrote {}", report.display());
    }
    if let Some(ranked) = &done.ranked {
        use std::io::Write as _;
        write!(std::io::stdout(), "{}", ranked.text).map_err(dialsim::Error::Output)?;
        for w in &ranked.ranking.warnings {
            note!("dialsim: warning: {w}");
        }
    }
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
    /// Joins the parts of a `kind` grid ([`MergeJob`]).
    pub fn run(&self, kind: GridKind) -> Result<i32> {
        let job = MergeJob { kind, parts: &self.parts, output: &self.output };
        let done = job.run(&mut std::io::stdout().lock())?;
        let (parts, output) = (self.parts.len(), self.output.display());
        note!("dialsim: merged {} points from {parts} parts into {output}", done.points);
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

impl RankArgs {
    /// The request, or an error naming the flag and what was typed (exit 2); `None` without `--rank`.
    pub fn request(&self) -> Result<Option<Rank>> {
        let Some(rank) = &self.rank else { return Ok(None) };
        let by = rank.parse().map_err(|e| dialsim::Error::Request(format!("--rank {rank}: {e}").into()))?;
        let constraints = self
            .constraints
            .iter()
            .map(|c| c.parse().map_err(|e| dialsim::Error::Request(format!("--where {c}: {e}").into())))
            .collect::<Result<_, _>>()?;
        Ok(Some(Rank { by, constraints, json: self.json }))
    }
}
