//! The parts of a sharded frontier joined into the `frontier.csv` the unsharded run writes, byte for byte.

use std::path::Path;

use crate::analysis::shards::{PartKind, coordinates, has_columns, join_parts, point_count, read_parts};
use crate::foundation::error::{Error, Result};

/// A `frontier.csv`: `point`, the point's pacer, agents, target and compliance, then the estimates.
const FRONTIER_CSV: PartKind = PartKind {
    name: "frontier.csv",
    header: |columns| has_columns(columns, ["pacer", "agents", "target", "compliant"]),
};

/// The parts of a sharded frontier joined: one header, the rows of every part in point order, and every point
/// of the grid present exactly once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergedFrontier {
    /// The header line all parts share.
    pub header: String,
    /// The rows (without their line ends) with their point numbers, in point order.
    pub rows: Vec<(u64, String)>,
}

impl MergedFrontier {
    /// Reads and joins the `frontier.csv` files `parts` ([`MergedFrontier::join`]).
    pub fn read(parts: &[impl AsRef<Path>]) -> Result<MergedFrontier> {
        read_parts(parts, MergedFrontier::join)
    }

    /// Joins the texts of parts named `(name, text)`: their headers must agree and be a frontier's, no point
    /// may appear twice, and the points must make the whole grid (pacers × agent counts × targets, numbered
    /// from 0 with none missing, each point the grid's), so a forgotten part or a part of another frontier is an
    /// error, not a smaller frontier. (A part holding only the grid's last points and whole values of an axis
    /// cannot be missed this way; `frontier.csv` does not record the grid's size.)
    ///
    /// ```
    /// use dialsim::analysis::MergedFrontier;
    /// let h = "point,pacer,agents,target,compliant";
    /// let a = ("a".to_string(), format!("{h}\n0,model,10,0.01,true\n"));
    /// let b = ("b".to_string(), format!("{h}\n1,model,10,0.05,false\n"));
    /// assert_eq!(MergedFrontier::join(&[b.clone(), a])?.rows.len(), 2);
    /// assert!(MergedFrontier::join(&[b]).unwrap_err().to_string().contains("point 0"));
    /// # Ok::<(), dialsim::Error>(())
    /// ```
    pub fn join(parts: &[(String, String)]) -> Result<MergedFrontier> {
        let first = parts.first().ok_or_else(|| Error::Request("no frontier.csv parts to merge".into()))?;
        let header: Vec<&str> = first.1.lines().next().unwrap_or("").split(',').collect();
        let col = |name: &str| {
            header.iter().position(|h| *h == name).ok_or_else(|| {
                Error::input(first.0.clone(), Some(1), format!("not a frontier.csv: no column '{name}' in the header"))
            })
        };
        let (pacer, agents, target) = (col("pacer")?, col("agents")?, col("target")?);
        let (header, rows) = join_parts(parts, &FRONTIER_CSV)?;
        // The axes in grid order: each value where it first appears in point order.
        let mut axes: [Vec<&str>; 3] = Default::default();
        let mut keys: Vec<[&str; 3]> = Vec::new();
        for (_, row) in &rows {
            let cells: Vec<&str> = row.split(',').collect();
            let key = [pacer, agents, target].map(|c| cells.get(c).copied().unwrap_or(""));
            for (axis, v) in axes.iter_mut().zip(key) {
                if !axis.contains(&v) {
                    axis.push(v);
                }
            }
            keys.push(key);
        }
        let sizes = axes.each_ref().map(Vec::len);
        let points = point_count(&sizes) as u64;
        if let Some(missing) = (0..points).find(|p| rows.get(*p as usize).is_none_or(|r| r.0 != *p)) {
            return Err(Error::Request(format!(
                "point {missing} of the {points}-point grid is in none of the parts: give every shard's frontier.csv"
            ).into()));
        }
        if rows.len() as u64 != points {
            return Err(Error::Request(
                format!(
                    "the parts hold {} points where their pacers, agent counts and targets make {points}: parts of \
                 different frontiers?",
                    rows.len()
                )
                .into(),
            ));
        }
        // Point p is (pacer, agents, target) number p of the grid, the pacer varying slowest.
        for (p, key) in keys.iter().enumerate() {
            let c = coordinates(p, &sizes);
            let want = [axes[0][c[0]], axes[1][c[1]], axes[2][c[2]]];
            if *key != want {
                return Err(Error::Request(
                    format!(
                        "point {p} is {} where the grid of the parts puts {}: parts of different frontiers?",
                        key.join("/"),
                        want.join("/")
                    )
                    .into(),
                ));
            }
        }
        Ok(MergedFrontier { header, rows })
    }
}
