//! Small statistics for replications: mean, standard deviation and Student-t confidence intervals.

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
    /// let e = dialsim::report::Estimate::of(&[1.0, 2.0, 3.0]);
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
