//! Reading what folders hold into report sections: every CSV by its header, `summary.json` by its keys.

use std::path::Path;

use serde_json::Value;

use super::{CompareRow, Context, Est, IntervalRow, Section, SweepPoint, Verdict};
use crate::foundation::error::{Error, Result};

/// A CSV read whole: its header and rows, with the file's name and each row's line for errors.
pub(super) struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The line each row starts on.
    lines: Vec<u64>,
    name: String,
}

impl Csv {
    pub fn parse(bytes: &[u8], name: &str) -> Result<Csv> {
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
        let err = |e: csv::Error| Error::input(name, e.position().map(|p| p.line()), e.to_string());
        let header = reader.headers().map_err(err)?.iter().map(str::to_string).collect();
        let (mut rows, mut lines) = (Vec::new(), Vec::new());
        for r in reader.records() {
            let r = r.map_err(err)?;
            lines.push(r.position().map_or(0, csv::Position::line));
            rows.push(r.iter().map(str::to_string).collect());
        }
        Ok(Csv { header, rows, lines, name: name.to_string() })
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The column `name`, which must exist.
    pub fn need(&self, name: &str) -> Result<usize> {
        self.col(name).ok_or_else(|| Error::input(&self.name, Some(1), format!("no column '{name}' in the header")))
    }

    /// The columns `names`, in their order, each of which must exist.
    pub fn need_all(&self, names: &[&str]) -> Result<Vec<usize>> {
        names.iter().map(|k| self.need(k)).collect()
    }

    /// The number in row `row`, column `col`: NaN when the cell is empty (or `NaN`, as a rate of nothing is
    /// written); any other text is refused with the file, the line and the column.
    pub fn num(&self, row: usize, col: usize) -> Result<f64> {
        let cell = self.rows[row][col].trim();
        if cell.is_empty() {
            return Ok(f64::NAN);
        }
        cell.parse().map_err(|_| {
            Error::input(&self.name, Some(self.lines[row]), format!("{}: '{cell}' is not a number", self.header[col]))
        })
    }

    /// The line row `row` starts on.
    pub fn line(&self, row: usize) -> u64 {
        self.lines[row]
    }
}

/// The sections of a folder or a file.
pub(super) fn path(p: &Path) -> Result<Vec<Section>> {
    let name = p.display().to_string();
    if !p.is_dir() {
        let bytes = crate::foundation::open::read(p, crate::foundation::open::Bound::TABLE)?;
        let ctx = Context { source: name.as_str().into(), ..Context::default() };
        return Ok(vec![file(ctx, &bytes, &name)?]);
    }
    let manifest = crate::output::manifest::Manifest::read(p).ok();
    let ctx = Context {
        source: name.as_str().into(),
        scenario: None,
        seed: manifest.as_ref().map(|m| m.seed),
        version: manifest.as_ref().map(|m| m.dialsim_version.clone()),
        currency: None,
    };
    let read = |f: &str| -> Result<Option<Vec<u8>>> {
        let path = p.join(f);
        let bound = if f.ends_with(".json") {
            crate::foundation::open::Bound::SUMMARY
        } else {
            crate::foundation::open::Bound::TABLE
        };
        match crate::foundation::open::read(&path, bound) {
            Ok(b) => Ok(Some(b)),
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    };
    let mut sections = Vec::new();
    if let Some(summary) = read("summary.json")? {
        let verdict =
            p.join("calls.csv").is_file().then(|| match crate::compliance::audit_folder(p, &Default::default()) {
                Ok(r) => Verdict::Folder {
                    calls: r.calls,
                    violations: r
                        .violations
                        .iter()
                        .map(|v| {
                            (v.rule.to_string(), v.call_id, v.detail.to_string(), v.at.as_ref().map(|a| a.to_string()))
                        })
                        .collect(),
                    possibly_known: r.possibly_known.len(),
                },
                Err(e) => Verdict::Failed(e.to_string()),
            });
        let intervals = read("intervals.csv")?;
        sections.push(run(ctx.clone(), &summary, intervals.as_deref(), verdict, &format!("{name}/summary.json"))?);
    }
    for f in ["sweep.csv", "frontier.csv", "compare.csv"] {
        if let Some(bytes) = read(f)? {
            sections.push(file(ctx.clone(), &bytes, &format!("{name}/{f}"))?);
        }
    }
    if sections.is_empty() {
        return Err(Error::Invalid(
            format!(
                "{name} holds none of summary.json, sweep.csv, frontier.csv, compare.csv: not a dialsim run, sweep, \
             frontier or comparison folder"
            )
            .into(),
        ));
    }
    Ok(sections)
}

/// A file recognised by its first line.
fn file(ctx: Context, bytes: &[u8], name: &str) -> Result<Section> {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    if first.starts_with("kpi,") {
        compare(ctx, bytes, name)
    } else if super::frontier::is_frontier(&first) {
        super::frontier::read(ctx, bytes, name)
    } else if first.starts_with("point,") {
        sweep(ctx, bytes, name)
    } else if first.trim_start().starts_with('{') {
        run(ctx, bytes, None, None, name)
    } else {
        Err(Error::input(name, Some(1), "not a summary.json, sweep.csv, frontier.csv or comparison CSV of dialsim"))
    }
}

/// A run's or replications' section from `summary.json` (and a run's `intervals.csv`).
pub(super) fn run(
    mut ctx: Context,
    summary: &[u8],
    intervals: Option<&[u8]>,
    verdict: Option<Verdict>,
    name: &str,
) -> Result<Section> {
    let v: Value =
        serde_json::from_slice(summary).map_err(|e| Error::input(name, Some(e.line() as u64), e.to_string()))?;
    ctx.seed = ctx.seed.or(v["seed"].as_u64());
    ctx.scenario = serde_json::from_value(v["scenario"].clone()).ok();
    // Summaries written before the currency was recorded beside the costs still name it in their scenario.
    ctx.currency = v["cost_currency"]
        .as_str()
        .map(str::to_string)
        .or_else(|| ctx.scenario.as_ref().map(|s: &crate::scenario::Scenario| s.costs.currency.clone()));
    if let Some(n) = v["replications"].as_u64() {
        let kpis = crate::sim::kpi::names()
            .filter_map(|k| {
                let e = &v[k];
                Some((
                    k.to_string(),
                    Est { mean: e["mean"].as_f64()?, lo: e["ci95_low"].as_f64()?, hi: e["ci95_high"].as_f64()? },
                ))
            })
            .collect();
        return Ok(Section::Replications { ctx, n, kpis });
    }
    let kpis: Vec<(String, f64)> = crate::sim::kpi::names()
        .filter_map(|k| Some((k.to_string(), v[k].as_f64().or_else(|| v["aapor"][k].as_f64())?)))
        .collect();
    let verdict = verdict.unwrap_or_else(|| match v["violations"].as_f64() {
        Some(n) => Verdict::Summary(n),
        None => Verdict::Failed("the summary has no violations count".into()),
    });
    let intervals = match intervals {
        Some(bytes) => read_intervals(bytes, &name.replace("summary.json", "intervals.csv"))?,
        None => Vec::new(),
    };
    Ok(Section::Run { ctx, kpis, intervals, verdict })
}

fn read_intervals(bytes: &[u8], name: &str) -> Result<Vec<IntervalRow>> {
    let csv = Csv::parse(bytes, name)?;
    let c = csv.need_all(&["start", "dials", "human_answers", "connects", "drops", "dial_level", "occupancy"])?;
    // Written since abandonment counts live persons only; older folders lack it.
    let machine = csv.col("machine_drops");
    (0..csv.rows.len())
        .map(|i| {
            let num = |col: usize| csv.num(i, col);
            Ok(IntervalRow {
                start: csv.rows[i][c[0]].clone(),
                dials: num(c[1])?,
                human_answers: num(c[2])?,
                connects: num(c[3])?,
                drops: num(c[4])?,
                machine_drops: machine.map_or(Ok(0.0), num)?,
                dial_level: num(c[5])?,
                occupancy: num(c[6])?,
            })
        })
        .collect()
}

/// A sweep's section from `sweep.csv`: the keys are the columns between `point` and `replications`; every
/// `<kpi>_mean` with its `<kpi>_ci` is a KPI.
pub(super) fn sweep(ctx: Context, bytes: &[u8], name: &str) -> Result<Section> {
    let csv = Csv::parse(bytes, name)?;
    let point = csv.need("point")?;
    let reps = csv.need("replications")?;
    if reps <= point + 1 {
        return Err(Error::input(name, Some(1), "no varied parameter between 'point' and 'replications'"));
    }
    // Keys, values and the currency as they were before `csv_cell` guarded a formula-looking one.
    let value = |cell: &String| crate::foundation::text::csv_value(cell).to_string();
    let keys: Vec<String> = csv.header[point + 1..reps].iter().map(value).collect();
    let kpis: Vec<(String, usize, usize)> = csv
        .header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let k = h.strip_suffix("_mean")?;
            Some((k.to_string(), i, csv.col(&format!("{k}_ci"))?))
        })
        .collect();
    let points = (0..csv.rows.len())
        .map(|i| {
            Ok(SweepPoint {
                values: csv.rows[i][point + 1..reps].iter().map(value).collect(),
                kpis: kpis
                    .iter()
                    .map(|(k, m, c)| Ok((k.clone(), Est::around(csv.num(i, *m)?, csv.num(i, *c)?))))
                    .collect::<Result<_>>()?,
            })
        })
        .collect::<Result<_>>()?;
    let replications = csv.rows.first().map(|r| r[reps].clone()).unwrap_or_default();
    // The currency of the costs, when every point has the same (a sweep written before dialsim recorded it
    // has no such column; one that varies the currency has no one currency to name).
    let mut ctx = ctx;
    if let Some(c) = csv.col("cost_currency") {
        let first = csv.rows.first().map(|r| r[c].clone());
        if csv.rows.iter().all(|r| Some(&r[c]) == first.as_ref()) {
            ctx.currency = first.as_ref().map(value);
        }
    }
    Ok(Section::Sweep { ctx, keys, replications, points })
}

/// A comparison's section from the CSV of `compare -o`.
pub(super) fn compare(ctx: Context, bytes: &[u8], name: &str) -> Result<Section> {
    let csv = Csv::parse(bytes, name)?;
    let c = csv.need_all(&["kpi", "a_mean", "b_mean", "diff_mean", "diff_ci95_low", "diff_ci95_high"])?;
    let rows = (0..csv.rows.len())
        .map(|i| {
            let num = |col: usize| csv.num(i, col);
            Ok(CompareRow {
                kpi: csv.rows[i][c[0]].clone(),
                a: num(c[1])?,
                b: num(c[2])?,
                diff: Est { mean: num(c[3])?, lo: num(c[4])?, hi: num(c[5])? },
            })
        })
        .collect::<Result<_>>()?;
    // The currency of both sides' costs (a comparison written before dialsim recorded it has no such column).
    let mut ctx = ctx;
    if let Some(c) = csv.col("cost_currency") {
        let currency = csv.rows.first().map(|r| crate::foundation::text::csv_value(&r[c]).to_string());
        ctx.currency = currency.filter(|c| !c.is_empty()).or(ctx.currency);
    }
    Ok(Section::Compare { ctx, a: "A".into(), b: "B".into(), differences: Vec::new(), rows })
}
