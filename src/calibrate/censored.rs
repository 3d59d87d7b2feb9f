//! The answer delay as a log shows it: a pick-up after the ring timeout is logged as no answer, so the delays
//! seen are a lognormal cut above at the timeout. This module fits the whole distribution to them by maximum
//! likelihood and gives the fit's own error — the interval of the mean and the error of the share of pick-ups
//! that come in time, by the delta method on the observed information. It never reads a log itself.

use crate::foundation::stats::Estimate;

use super::DurationFit;

/// The 97.5 % point of the standard normal: 95 % intervals.
pub(super) const Z95: f64 = 1.959964;

/// The standard normal distribution function (Abramowitz and Stegun 7.1.26 for erf; error below 1.5e-7).
fn phi_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.3275911 * x);
    let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 { 0.5 * (1.0 + erf) } else { 0.5 * (1.0 - erf) }
}

/// The standard normal density.
fn phi_pdf(z: f64) -> f64 {
    (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// A lognormal seen only below a cut: the normal of the log-delays (`mu`, `sigma`) truncated above at
/// ln(cut), with the covariance of its maximum-likelihood estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct TruncatedLognormal {
    mu: f64,
    sigma: f64,
    /// ln(cut) standardised: (ln cut − mu) / sigma.
    a: f64,
    /// The inverse of the observed information of (mu, sigma): var mu, cov, var sigma.
    cov: [f64; 3],
    n: usize,
}

impl TruncatedLognormal {
    /// The fit to `values` (delays in seconds; those not above 0 are left out) cut at `cut`; `None` for fewer
    /// than two delays, delays that do not vary, or information that does not invert.
    pub(super) fn fit(values: &[f64], cut: f64) -> Option<TruncatedLognormal> {
        let logs: Vec<f64> = values.iter().filter(|v| **v > 0.0).map(|v| v.ln()).collect();
        if logs.len() < 2 || cut.is_nan() || cut <= 0.0 {
            return None;
        }
        let n = logs.len() as f64;
        let m = logs.iter().sum::<f64>() / n;
        // The truncated normal is an exponential family in (Σx, Σx²): its likelihood equations set the
        // truncated mean and variance to the sample's (variance over n). Cohen's fixed point solves them.
        let v = logs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
        if v.is_nan() || v <= 0.0 {
            return None;
        }
        let c = cut.ln();
        let (mut mu, mut s) = (m, v.sqrt());
        for _ in 0..500 {
            let a = (c - mu) / s;
            let lambda = phi_pdf(a) / phi_cdf(a).max(1e-300);
            let shrink = (1.0 - a * lambda - lambda * lambda).max(1e-6);
            let (mu2, s2) = (m + (v / shrink).sqrt() * lambda, (v / shrink).sqrt());
            let done = (mu2 - mu).abs() < 1e-12 && (s2 - s).abs() < 1e-12;
            (mu, s) = (mu2, s2);
            if done {
                break;
            }
        }
        // The observed information: minus the Hessian of the log-likelihood
        //   l = −n ln σ − Σ z²/2 − n ln Φ(a),  z = (x − μ)/σ,  a = (c − μ)/σ,
        // with λ = φ(a)/Φ(a) and λ' = dλ/da = −λ(a + λ).
        let a = (c - mu) / s;
        let lambda = phi_pdf(a) / phi_cdf(a).max(1e-300);
        let dlambda = -lambda * (a + lambda);
        let s1: f64 = logs.iter().map(|x| (x - mu) / s).sum();
        let s2: f64 = logs.iter().map(|x| ((x - mu) / s).powi(2)).sum();
        let s_sq = s * s;
        let i_mm = n * (1.0 + dlambda) / s_sq;
        let i_ms = (2.0 * s1 + n * lambda + n * a * dlambda) / s_sq;
        let i_ss = -(n - 3.0 * s2 - 2.0 * n * lambda * a - n * a * a * dlambda) / s_sq;
        let det = i_mm * i_ss - i_ms * i_ms;
        if !(det > 0.0 && i_mm > 0.0 && mu.is_finite() && s.is_finite()) {
            return None;
        }
        let cov = [i_ss / det, -i_ms / det, i_mm / det];
        Some(TruncatedLognormal { mu, sigma: s, a, cov, n: logs.len() })
    }

    /// The variance of `g · (mu, sigma)` for a gradient `g`.
    fn var(&self, g: [f64; 2]) -> f64 {
        let [vm, vms, vs] = self.cov;
        (g[0] * g[0] * vm + 2.0 * g[0] * g[1] * vms + g[1] * g[1] * vs).max(0.0)
    }

    /// The share of pick-ups that come before the cut.
    pub(super) fn below(&self) -> f64 {
        phi_cdf(self.a)
    }

    /// The standard error of ln [`TruncatedLognormal::below`]: d ln Φ(a) = λ da, a = (c − μ)/σ.
    pub(super) fn below_log_se(&self) -> f64 {
        let lambda = phi_pdf(self.a) / phi_cdf(self.a).max(1e-300);
        self.var([-lambda / self.sigma, -lambda * self.a / self.sigma]).sqrt()
    }

    /// The whole distribution: its mean with the 95 % interval of the estimate (ln mean = μ + σ²/2, by the
    /// delta method, on the log scale) and its CV.
    pub(super) fn duration(&self) -> DurationFit {
        let (mu, s) = (self.mu, self.sigma);
        let mean = (mu + s * s / 2.0).exp();
        let half = Z95 * self.var([1.0, s]).sqrt();
        let cv = ((s * s).exp() - 1.0).sqrt();
        let estimate =
            Estimate { mean, std: mean * cv, ci95_low: mean * (-half).exp(), ci95_high: mean * half.exp(), n: self.n };
        DurationFit { mean: estimate, cv }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without truncation the fit is the plain lognormal one: σ² is the log-variance (over n), var μ = σ²/n,
    /// var σ = σ²/2n.
    #[test]
    fn a_cut_far_above_every_delay_gives_the_untruncated_fit_and_its_information() {
        let values: Vec<f64> = (1..=200).map(|i| (f64::from(i) / 40.0).exp()).collect();
        let fit = TruncatedLognormal::fit(&values, 1e9).unwrap();
        let logs: Vec<f64> = values.iter().map(|v| v.ln()).collect();
        let n = logs.len() as f64;
        let m = logs.iter().sum::<f64>() / n;
        let v = logs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
        assert!((fit.mu - m).abs() < 1e-9 && (fit.sigma - v.sqrt()).abs() < 1e-9);
        assert!((fit.cov[0] - v / n).abs() < 1e-9 * v, "{:?}", fit.cov);
        assert!(fit.cov[1].abs() < 1e-9);
        assert!((fit.cov[2] - v / (2.0 * n)).abs() < 1e-9 * v, "{:?}", fit.cov);
        assert!((fit.below() - 1.0).abs() < 1e-9 && fit.below_log_se() < 1e-9);
    }
}
