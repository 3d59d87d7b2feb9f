//! Online estimates of a campaign's own durations for the model pacer: an empirical distribution in fixed-width
//! bins whose prefix counts live in a Fenwick tree, so recording an observation, reading the distribution
//! function and finding a quantile each cost O(log bins) — nothing here grows with the agents or the calls.
//! It assumes no parametric family: the talk time of a campaign is a mixture (refusals, conversations, missed
//! machines) that no single lognormal fits.

use crate::sim::queue::Millis;

/// An empirical distribution of durations (milliseconds), binned.
#[derive(Clone, Debug)]
pub(crate) struct Histogram {
    /// Bin width, ms.
    width: f64,
    /// Fenwick tree over the bins (1-based); the last bin also holds every longer duration.
    tree: Vec<u64>,
    n: u64,
    sum: f64,
}

impl Histogram {
    /// Bins of `width` ms, `bins` of them (a power of two).
    pub(crate) fn new(width: Millis, bins: usize) -> Histogram {
        debug_assert!(bins.is_power_of_two() && width > Millis::ZERO);
        Histogram { width: width.as_f64(), tree: vec![0; bins + 1], n: 0, sum: 0.0 }
    }

    fn bins(&self) -> usize {
        self.tree.len() - 1
    }

    /// Adds one observation.
    pub(crate) fn record(&mut self, x: Millis) {
        let mut i = ((x.as_f64() / self.width) as usize).min(self.bins() - 1) + 1;
        while i < self.tree.len() {
            self.tree[i] += 1;
            i += i & i.wrapping_neg();
        }
        self.n += 1;
        self.sum += x.as_f64();
    }

    /// Observations so far.
    pub(crate) fn count(&self) -> u64 {
        self.n
    }

    /// Their mean, ms.
    #[cfg(test)]
    pub(crate) fn mean(&self) -> f64 {
        if self.n == 0 { 0.0 } else { self.sum / self.n as f64 }
    }

    /// Observations in bins `[0, b)`.
    fn prefix(&self, b: usize) -> u64 {
        let mut i = b.min(self.bins());
        let mut total = 0;
        while i > 0 {
            total += self.tree[i];
            i &= i - 1;
        }
        total
    }

    /// Observations at most `x` ms (interpolated within its bin).
    pub(crate) fn at_most(&self, x: f64) -> f64 {
        if x < 0.0 {
            return 0.0;
        }
        let b = (x / self.width) as usize;
        if b >= self.bins() {
            return self.n as f64;
        }
        let below = self.prefix(b) as f64;
        let within = self.prefix(b + 1) as f64 - below;
        below + within * (x / self.width - b as f64)
    }

    /// The share of observations at most `x` ms (0 before any).
    #[cfg(test)]
    pub(crate) fn cdf(&self, x: f64) -> f64 {
        if self.n == 0 { 0.0 } else { self.at_most(x) / self.n as f64 }
    }

    /// The `p` quantile, ms (interpolated within its bin; 0 before any observation).
    pub(crate) fn quantile(&self, p: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let mut rest = (p.clamp(0.0, 1.0) * self.n as f64).max(f64::MIN_POSITIVE);
        let mut pos = 0;
        let mut step = self.bins();
        while step > 0 {
            if pos + step <= self.bins() && (self.tree[pos + step] as f64) < rest {
                pos += step;
                rest -= self.tree[pos] as f64;
            }
            step /= 2;
        }
        // `pos` bins hold fewer than p·n; the quantile lies in bin `pos`.
        let within = (self.prefix(pos + 1) - self.prefix(pos)) as f64;
        let frac = if within > 0.0 { (rest / within).min(1.0) } else { 0.0 };
        (pos as f64 + frac) * self.width
    }

    /// P(X ≤ x | X > e): the chance that a duration already `e` ms long ends by `x` ms (0 when nothing observed
    /// ever lasted `e`: an unseen case is taken as not ending, the cautious side for a pacer).
    #[cfg(test)]
    pub(crate) fn ends_by(&self, e: f64, x: f64) -> f64 {
        self.ends_by_with(e, x, 0.0)
    }

    /// The chance that a duration already `e` ms long ends by `x` ms, with `censored` more durations known to
    /// last beyond `e` (still running: they are in the risk set, as in Kaplan and Meier's estimator). Without
    /// them an early histogram holds only the durations short enough to have ended, and a long one looks about
    /// to end.
    pub(crate) fn ends_by_with(&self, e: f64, x: f64, censored: f64) -> f64 {
        let left = self.n as f64 - self.at_most(e) + censored;
        if left < 0.5 {
            return 0.0;
        }
        ((self.at_most(x) - self.at_most(e)) / left).clamp(0.0, 1.0)
    }
}

/// The standard normal distribution function (Abramowitz and Stegun 7.1.26; absolute error below 1.5e-7).
pub(crate) fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly =
        t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 { 0.5 * (1.0 + erf) } else { 0.5 * (1.0 - erf) }
}
