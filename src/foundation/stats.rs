//! Small statistics shared by replications, sweeps and comparisons: mean, standard deviation, Student-t
//! confidence intervals and paired differences. A leaf: it imports nothing of the crate, so the simulator,
//! the workflows and the reports can all use it without an arrow running back up the data flow.

use serde::Serialize;

/// A KPI over replications.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// Sample mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1).
    pub std: f64,
    /// Lower end of the 95 % t-interval of the mean.
    pub ci95_low: f64,
    /// Upper end of the 95 % t-interval of the mean.
    pub ci95_high: f64,
    /// Replications.
    pub n: usize,
}

impl Estimate {
    /// Mean, sd and 95 % t-interval of `values` (an interval of zero width for fewer than two values).
    ///
    /// ```
    /// let e = dialsim::foundation::stats::Estimate::of(&[1.0, 2.0, 3.0]);
    /// assert_eq!(e.mean, 2.0);
    /// assert!((e.ci95_high - (2.0 + 4.302653 / 3f64.sqrt())).abs() < 1e-5);
    /// ```
    pub fn of(values: &[f64]) -> Estimate {
        let n = values.len();
        let mean = if n == 0 { 0.0 } else { values.iter().sum::<f64>() / n as f64 };
        if n < 2 {
            return Estimate { mean, std: 0.0, ci95_low: mean, ci95_high: mean, n };
        }
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let std = var.sqrt();
        let half = t_975(n - 1) * std / (n as f64).sqrt();
        Estimate { mean, std, ci95_low: mean - half, ci95_high: mean + half, n }
    }

    /// Half the width of the 95 % interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95_high - self.ci95_low) / 2.0
    }

    /// Whether `x` lies in the 95 % interval.
    pub fn covers(&self, x: f64) -> bool {
        self.ci95_low <= x && x <= self.ci95_high
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (exact table to 30, then the
/// Cornish–Fisher expansion, error below 1e-4).
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139, 2.200985,
        2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873,
        2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
    ];
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= 30 {
        return TABLE[df - 1];
    }
    let z: f64 = 1.959_963_984_540_054;
    let v = df as f64;
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    z + (z3 + z) / (4.0 * v)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v * v * v)
}

/// Two KPIs measured on the same replications (common random numbers): each side's estimate, the estimate of
/// the paired differences B − A, and the half-width independent runs of the same count would give.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Paired {
    /// Side A over the replications.
    pub a: Estimate,
    /// Side B over the replications.
    pub b: Estimate,
    /// The differences B − A, replication by replication.
    pub diff: Estimate,
    /// The 95 % half-width of B − A had A and B been run independently: the two means' variances add (same n,
    /// same t as the paired interval, so the two widths compare).
    pub independent_half_width: f64,
}

impl Paired {
    /// The paired statistics of `a` and `b`, taken pairwise (`a[i]` and `b[i]` share replication `i`'s
    /// random numbers); the shorter side sets the count.
    ///
    /// ```
    /// let p = dialsim::foundation::stats::Paired::of(&[1.0, 2.0, 3.0], &[2.0, 3.1, 3.9]);
    /// assert!((p.diff.mean - 1.0).abs() < 1e-12);
    /// // The pairs move together, so the paired interval is the narrower one.
    /// assert!(p.diff.half_width() < p.independent_half_width);
    /// ```
    pub fn of(a: &[f64], b: &[f64]) -> Paired {
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
        let (ea, eb) = (Estimate::of(a), Estimate::of(b));
        let t = if n == 0 { f64::INFINITY } else { t_975(n - 1) };
        let independent_half_width = t * ((ea.std.powi(2) + eb.std.powi(2)) / n as f64).sqrt();
        Paired { a: ea, b: eb, diff: Estimate::of(&d), independent_half_width }
    }

    /// How many times more variance independent runs would leave in B − A than the paired runs do (NaN when
    /// the paired differences do not vary).
    pub fn variance_ratio(&self) -> f64 {
        let paired = self.diff.half_width();
        if paired > 0.0 { (self.independent_half_width / paired).powi(2) } else { f64::NAN }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables_beyond_30() {
        // Published values of t(0.975).
        for (df, t) in [(40, 2.021075), (60, 2.000298), (120, 1.979930), (1000, 1.962339)] {
            assert!((t_975(df) - t).abs() < 1e-4, "df {df}: {}", t_975(df));
        }
    }
}
