//! What sweeps and frontiers share: how a grid numbers its points (the first axis varying slowest), which
//! points a shard runs, the run of a shard's points under common random numbers, and the join of the parts
//! of a sharded run. The merged parts equal the unsharded output byte for byte because both the run and the
//! merge number points here, in one way. Nothing here prints.

use std::path::Path;

use super::replicate::{Progress, replicate};
use crate::foundation::error::{Error, Result};
use crate::generate::Shard;
use crate::scenario::Scenario;
use crate::sim::{Campaign, Summary};

/// The number of points of a grid whose axes hold `sizes` values each (1 for no axis: the one empty point).
pub(crate) fn point_count(sizes: &[usize]) -> usize {
    sizes.iter().product()
}

/// Most points a grid (a sweep or a frontier) may have: its points are listed, loaded and held while it runs,
/// so a grid of more is refused when its values are read, before any of that.
pub const MAX_GRID_POINTS: u64 = 1_000_000;

/// The number of points of a grid whose axes hold `sizes` values each, refused above [`MAX_GRID_POINTS`].
///
/// ```
/// use dialsim::analysis::check_grid_points;
/// assert_eq!(check_grid_points(&[4, 10, 5]).unwrap(), 200);
/// let e = check_grid_points(&[10_000, 10_000]).unwrap_err().to_string();
/// assert!(e.contains("10000 × 10000 values make 100000000 points"), "{e}");
/// ```
pub fn check_grid_points(sizes: &[usize]) -> Result<usize> {
    let points = sizes.iter().try_fold(1u64, |n, &s| n.checked_mul(s as u64)).unwrap_or(u64::MAX);
    if points > MAX_GRID_POINTS {
        let axes: Vec<String> = sizes.iter().map(usize::to_string).collect();
        return Err(Error::Invalid(
            format!(
                "{} values make {points} points, more than the {MAX_GRID_POINTS} a grid may have; give fewer values \
             (coarser steps or shorter ranges)",
                axes.join(" × ")
            )
            .into(),
        ));
    }
    Ok(points as usize)
}

/// The value indices, one per axis, of point `p` of a grid whose axes hold `sizes` values each: the first
/// axis varies slowest, the last fastest (`[2, 3]` numbers `[0, 0], [0, 1], [0, 2], [1, 0], …`).
pub(crate) fn coordinates(p: usize, sizes: &[usize]) -> Vec<usize> {
    let mut rest = p;
    let mut out = vec![0; sizes.len()];
    for (slot, &n) in out.iter_mut().zip(sizes).rev() {
        *slot = rest % n.max(1);
        rest /= n.max(1);
    }
    out
}

/// The points of a grid of `points` points that `shard` runs: those `p` with `p mod N = K − 1`.
pub fn shard_points(points: usize, shard: Shard) -> Vec<usize> {
    (0..points).filter(|p| *p as u64 % shard.count == shard.index - 1).collect()
}

/// How many of a grid's `points` points `shard` runs ([`shard_points`], without listing them).
///
/// ```
/// use dialsim::{Shard, analysis::{shard_point_count, shard_points}};
/// for (points, index, count) in [(10, 2, 3), (10, 1, 1), (2, 3, 3), (0, 1, 2)] {
///     let shard = Shard { index, count };
///     assert_eq!(shard_point_count(points, shard), shard_points(points as usize, shard).len() as u64);
/// }
/// ```
pub fn shard_point_count(points: u64, shard: Shard) -> u64 {
    let first = shard.index.saturating_sub(1);
    if points <= first { 0 } else { (points - first).div_ceil(shard.count.max(1)) }
}

/// Checks that the campaign of `scenario` loads, once per distinct `[numbers]` section (`checked` holds those
/// checked): loading a campaign fails only on what `[numbers]` names (the plan, lists, filters, read options,
/// the mix), so the points of a grid that share it share the verdict, and a grid of many points is not loaded
/// twice over.
pub(crate) fn check_loads(scenario: &Scenario, checked: &mut Vec<crate::scenario::NumbersSection>) -> Result<()> {
    if !checked.contains(&scenario.numbers) {
        Campaign::new(scenario.clone())?;
        checked.push(scenario.numbers.clone());
    }
    Ok(())
}

/// Runs `replications` replications of the campaign of each of a shard's `points` with the same seeds
/// (common random numbers), on `threads` threads, and makes each point's row of its summaries with `row`.
/// A point's campaign is loaded from its `scenario` when the point starts and dropped when it ends, so a grid
/// holds one loaded campaign at a time, not one per point. `progress` is called once per replication, with
/// `done` counted over the whole shard.
pub(crate) fn run_points<P, T>(
    points: &[P],
    scenario: impl Fn(&P) -> &Scenario,
    (seed, replications, threads): (u64, u32, usize),
    progress: &Progress,
    row: impl Fn(&P, &[Summary]) -> T,
) -> Result<Vec<T>> {
    let per = u64::from(replications);
    let total = points.len() as u64 * per;
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let before = i as u64 * per;
            let campaign = Campaign::new(scenario(p).clone())?;
            let summaries =
                replicate(&campaign, seed, replications, threads, &|done, _| progress(before + done, total));
            Ok(row(p, &summaries))
        })
        .collect()
}

/// Reads the parts `parts` of a sharded run as `(name, text)` and joins them with `join`.
pub(crate) fn read_parts<T>(
    parts: &[impl AsRef<Path>],
    join: impl FnOnce(&[(String, String)]) -> Result<T>,
) -> Result<T> {
    let texts = parts
        .iter()
        .map(|p| {
            let p = p.as_ref();
            Ok((
                p.display().to_string(),
                crate::foundation::open::read_to_string(p, crate::foundation::open::Bound::TABLE)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    join(&texts)
}

/// What a part of a sharded run must look like: its file's name (`sweep.csv`) and a check of its header's
/// columns that says what is missing.
pub(crate) struct PartKind {
    /// The file's name, for messages.
    pub name: &'static str,
    /// `Err(what is missing)` when the header is not this kind's.
    pub header: fn(&[&str]) -> std::result::Result<(), String>,
}

/// Joins the CSV texts of parts named `(name, text)`: each must be of `kind` (its header checked, every row
/// with the header's number of cells), their headers must agree, every row must start with its point number,
/// no point may appear twice, and the parts together must hold a point. Returns the header and the rows
/// (without their line ends) with their point numbers, in point order.
pub(crate) fn join_parts(parts: &[(String, String)], kind: &PartKind) -> Result<(String, Vec<(u64, String)>)> {
    let mut header: Option<String> = None;
    let mut rows: Vec<(u64, String)> = Vec::new();
    // Where each point was read first, to name both places of a point given twice.
    let mut first_seen: std::collections::HashMap<u64, String> = std::collections::HashMap::new();
    // Rows are read as CSV (a value of a varied key may be quoted: it holds a comma) and written again cell by
    // cell as the writers do, which gives back the bytes they wrote.
    let line_of = |cells: &csv::StringRecord| {
        cells.iter().map(|c| crate::foundation::text::csv_cell(c).into_owned()).collect::<Vec<_>>().join(",")
    };
    for (name, text) in parts {
        let not =
            |line: u64, why: String| Error::input(name.clone(), Some(line), format!("not a {}: {why}", kind.name));
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut records = reader.records();
        let head = match records.next() {
            Some(Ok(h)) => h,
            Some(Err(e)) => return Err(not(e.position().map_or(1, |p| p.line()), format!("not valid CSV: {e}"))),
            None => csv::StringRecord::new(),
        };
        let columns: Vec<&str> = head.iter().collect();
        if columns.first() != Some(&"point") {
            return Err(not(1, "its header does not start with the column 'point'".into()));
        }
        (kind.header)(&columns).map_err(|why| not(1, why))?;
        let h = line_of(&head);
        match &header {
            None => header = Some(h.clone()),
            Some(first) if *first != h => {
                return Err(Error::input(name.clone(), Some(1), "header differs from the first part's"));
            }
            _ => {}
        }
        for record in records {
            let record =
                record.map_err(|e| not(e.position().map_or(0, |p| p.line()), format!("not valid CSV: {e}")))?;
            let at = record.position().map_or(0, |p| p.line());
            if record.len() != columns.len() {
                return Err(not(at, format!("{} cells where the header has {} columns", record.len(), columns.len())));
            }
            let point = record
                .get(0)
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| Error::input(name.clone(), Some(at), "row without a point number"))?;
            if let Some(first) = first_seen.insert(point, format!("{name}:{at}")) {
                return Err(Error::Request(
                    format!("point {point} appears in more than one part: {first} and {name}:{at}").into(),
                ));
            }
            rows.push((point, line_of(&record)));
        }
    }
    if rows.is_empty() {
        return Err(Error::Request(format!("the parts hold no points: nothing to merge into a {}", kind.name).into()));
    }
    rows.sort_by_key(|(p, _)| *p);
    Ok((header.unwrap_or_default(), rows))
}

/// `Err` naming the first of `wanted` that `columns` lacks.
pub(crate) fn has_columns<'a>(
    columns: &[&str],
    wanted: impl IntoIterator<Item = &'a str>,
) -> std::result::Result<(), String> {
    match wanted.into_iter().find(|w| !columns.contains(w)) {
        Some(w) => Err(format!("no column '{w}' in its header")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_number_every_point_once_with_the_first_axis_slowest() {
        let sizes = [2, 3, 4];
        let all: Vec<Vec<usize>> = (0..point_count(&sizes)).map(|p| coordinates(p, &sizes)).collect();
        let mut nested = Vec::new();
        for a in 0..2 {
            for b in 0..3 {
                for c in 0..4 {
                    nested.push(vec![a, b, c]);
                }
            }
        }
        assert_eq!(all, nested);
        assert_eq!(point_count(&[]), 1);
        assert_eq!(coordinates(0, &[]), Vec::<usize>::new());
    }

    #[test]
    fn shards_partition_the_points() {
        let mut seen: Vec<usize> =
            (1..=3).flat_map(|k| shard_points(10, Shard { index: k, count: 3 })).collect::<Vec<_>>();
        seen.sort_unstable();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
        assert_eq!(shard_points(10, Shard { index: 2, count: 3 }), [1, 4, 7]);
    }

    #[test]
    fn parts_join_in_point_order_and_a_repeated_point_or_header_mismatch_is_refused() {
        let part = |s: &str| ("p".to_string(), s.to_string());
        let kind = PartKind { name: "test.csv", header: |_| Ok(()) };
        let (h, rows) = join_parts(&[part("point,x\n2,c\n0,a\n"), part("point,x\n1,b\n")], &kind).unwrap();
        assert_eq!(h, "point,x");
        assert_eq!(rows, [(0, "0,a".into()), (1, "1,b".into()), (2, "2,c".into())]);
        assert!(join_parts(&[part("point,x\n0,a\n"), part("point,x\n0,a\n")], &kind).is_err());
        assert!(join_parts(&[part("point,x\n0,a\n"), part("point,y\n1,a\n")], &kind).is_err());
        assert!(join_parts(&[part("point,x\nzero,a\n")], &kind).is_err());
    }

    #[test]
    fn a_part_of_another_kind_or_without_points_is_refused_with_its_file_and_line() {
        let part = |s: &str| ("other.csv".to_string(), s.to_string());
        let kind = PartKind { name: "test.csv", header: |c| has_columns(c, ["x"]) };
        let e = join_parts(&[part("call_id,x\n0,a\n")], &kind).unwrap_err().to_string();
        assert!(e.contains("other.csv:1") && e.contains("not a test.csv"), "{e}");
        let e = join_parts(&[part("point,y\n0,a\n")], &kind).unwrap_err().to_string();
        assert!(e.contains("no column 'x'"), "{e}");
        let e = join_parts(&[part("point,x\n0,a\n1,b,c\n")], &kind).unwrap_err().to_string();
        assert!(e.contains("other.csv:3"), "{e}");
        let e = join_parts(&[part("point,x\n")], &kind).unwrap_err().to_string();
        assert!(e.contains("no points"), "{e}");
    }
}
