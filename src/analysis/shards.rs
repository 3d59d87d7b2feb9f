//! What sweeps and frontiers share: how a grid numbers its points (the first axis varying slowest), which
//! points a shard runs, the run of a shard's points under common random numbers, and the join of the parts
//! of a sharded run. The merged parts equal the unsharded output byte for byte because both the run and the
//! merge number points here, in one way. Nothing here prints.

use std::path::Path;

use super::replicate::{Progress, replicate};
use crate::error::{Error, Result};
use crate::generate::Shard;
use crate::sim::{Campaign, Summary};

/// The number of points of a grid whose axes hold `sizes` values each (1 for no axis: the one empty point).
pub(crate) fn point_count(sizes: &[usize]) -> usize {
    sizes.iter().product()
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

/// Runs `replications` replications of the campaign of each of a shard's `points` with the same seeds
/// (common random numbers), on `threads` threads, and makes each point's row of its summaries with `row`.
/// `progress` is called once per replication, with `done` counted over the whole shard.
pub(crate) fn run_points<P, T>(
    points: &[P],
    campaign: impl Fn(&P) -> &Campaign,
    (seed, replications, threads): (u64, u32, usize),
    progress: &Progress,
    row: impl Fn(&P, &[Summary]) -> T,
) -> Vec<T> {
    let per = u64::from(replications);
    let total = points.len() as u64 * per;
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let before = i as u64 * per;
            let summaries =
                replicate(campaign(p), seed, replications, threads, &|done, _| progress(before + done, total));
            row(p, &summaries)
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
            Ok((p.display().to_string(), std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?))
        })
        .collect::<Result<Vec<_>>>()?;
    join(&texts)
}

/// Joins the CSV texts of parts named `(name, text)`: their headers must agree, every row must start with its
/// point number, and no point may appear twice. Returns the header and the rows (without their line ends)
/// with their point numbers, in point order.
pub(crate) fn join_parts(parts: &[(String, String)]) -> Result<(String, Vec<(u64, String)>)> {
    let mut header: Option<String> = None;
    let mut rows: Vec<(u64, String)> = Vec::new();
    for (name, text) in parts {
        let mut lines = text.lines();
        let h = lines.next().unwrap_or("").to_string();
        match &header {
            None => header = Some(h),
            Some(first) if *first != h => {
                return Err(Error::input(name.clone(), Some(1), "header differs from the first part's"));
            }
            _ => {}
        }
        for (i, line) in lines.enumerate() {
            let point = line
                .split(',')
                .next()
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| Error::input(name.clone(), Some(i as u64 + 2), "row without a point number"))?;
            rows.push((point, line.to_string()));
        }
    }
    rows.sort_by_key(|(p, _)| *p);
    if let Some(w) = rows.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::Usage(format!("point {} appears in more than one part", w[0].0)));
    }
    Ok((header.unwrap_or_default(), rows))
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
        let (h, rows) = join_parts(&[part("point,x\n2,c\n0,a\n"), part("point,x\n1,b\n")]).unwrap();
        assert_eq!(h, "point,x");
        assert_eq!(rows, [(0, "0,a".into()), (1, "1,b".into()), (2, "2,c".into())]);
        assert!(join_parts(&[part("point,x\n0,a\n"), part("point,x\n0,a\n")]).is_err());
        assert!(join_parts(&[part("point,x\n0,a\n"), part("point,y\n1,a\n")]).is_err());
        assert!(join_parts(&[part("point,x\nzero,a\n")]).is_err());
    }
}
