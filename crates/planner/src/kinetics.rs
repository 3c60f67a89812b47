//! Culture kinetics, hand-written in closed form: cell growth in a vessel set (lag, then logistic
//! growth to a confluence density) and accumulation of a secreted factor during conditioning.
//!
//! Growth: dN/dt = μN(1 − N/K) after a lag L has the exact solution
//! N(t) = K / (1 + (K/N₀ − 1)·e^(−μ(t − L))) — cheap and invertible (time to reach a density), which a
//! numerical integrator (an ODE crate) would only approximate. μ = ln 2 / t_d, K = σ_max · area.
//!
//! Secretion: dC/dt = qN/V − kC with constant N gives C(T) = qN/(Vk)·(1 − e^(−kT)), written as
//! (qN/V)·T·φ(kT) with φ(x) = (1 − e^(−x))/x = −expm1(−x)/x, so the k → 0 limit qNT/V comes out
//! without dividing by zero and without cancellation for small kT.

use crate::error::{PlanError, non_negative, positive};

/// Growth kinetics of one culture: specific rate, lag and carrying capacity per cm².
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Growth {
    /// Specific growth rate μ, 1/h.
    pub mu_per_h: f64,
    /// Lag after seeding, h (cells stay at N₀).
    pub lag_h: f64,
    /// Confluence density σ_max, cells/cm²; `None` for unlimited (pure exponential) growth.
    pub capacity_per_cm2: Option<f64>,
}

impl Growth {
    /// Logistic growth from a doubling time, lag and confluence density (all validated).
    pub fn logistic(
        doubling_time_h: f64,
        lag_h: f64,
        confluence_density: f64,
    ) -> Result<Self, PlanError> {
        let td = positive("growth.doubling_time_h", doubling_time_h)?;
        let lag = non_negative("growth.lag_h", lag_h)?;
        let cap = positive("growth.confluence_density", confluence_density)?;
        Ok(Growth {
            mu_per_h: std::f64::consts::LN_2 / td,
            lag_h: lag,
            capacity_per_cm2: Some(cap),
        })
    }

    /// Unlimited exponential growth after a lag (the logistic's limit K → ∞).
    pub fn exponential(doubling_time_h: f64, lag_h: f64) -> Result<Self, PlanError> {
        let td = positive("growth.doubling_time_h", doubling_time_h)?;
        let lag = non_negative("growth.lag_h", lag_h)?;
        Ok(Growth {
            mu_per_h: std::f64::consts::LN_2 / td,
            lag_h: lag,
            capacity_per_cm2: None,
        })
    }

    /// Doubling time ln 2 / μ, h.
    pub fn doubling_time_h(&self) -> f64 {
        std::f64::consts::LN_2 / self.mu_per_h
    }

    /// Cells `t` hours after seeding `n0` cells on `area_cm2`.
    ///
    /// Also defined for t < 0 and a negative lag (used while fitting), where it continues the same
    /// formula; the planner only calls it with validated, non-negative inputs.
    pub fn cells_at(&self, n0: f64, area_cm2: f64, t: f64) -> f64 {
        let tau = t - self.lag_h;
        if tau <= 0.0 {
            return n0;
        }
        match self.capacity_per_cm2 {
            None => n0 * (self.mu_per_h * tau).exp(),
            Some(sigma) => {
                let k = sigma * area_cm2;
                // K / (1 + (K/N0 − 1) e^(−μτ)): stable for large τ (no overflow) and for N0 > K.
                k / (1.0 + (k / n0 - 1.0) * (-self.mu_per_h * tau).exp())
            }
        }
    }

    /// Hours after seeding `n0` cells on `area_cm2` until there are `target` cells.
    ///
    /// `Some(0)` when `target ≤ n0`; `None` when the logistic never gets there (`target ≥ K`).
    pub fn time_to_reach(&self, n0: f64, area_cm2: f64, target: f64) -> Option<f64> {
        if target <= n0 {
            return Some(0.0);
        }
        let tau = match self.capacity_per_cm2 {
            None => (target / n0).ln() / self.mu_per_h,
            Some(sigma) => {
                let k = sigma * area_cm2;
                if target >= k {
                    return None;
                }
                // Invert N(τ): e^(μτ) = (K/N0 − 1) / (K/N − 1).
                ((k / n0 - 1.0) / (k / target - 1.0)).ln() / self.mu_per_h
            }
        };
        Some(self.lag_h + tau)
    }
}

/// Population doublings between `from` and `to` cells: log₂(to / from).
pub fn population_doublings(from: f64, to: f64) -> f64 {
    (to / from).log2()
}

// ---- secretion ----
/// φ(x) = (1 − e^(−x))/x, with φ(0) = 1; accurate for tiny x (series) and large x.
pub fn phi(x: f64) -> f64 {
    if x.abs() < 1e-8 {
        1.0 - x / 2.0
    } else {
        -(-x).exp_m1() / x
    }
}

/// Concentration after `hours` of conditioning: `q` per cell per hour, `cells` constant,
/// `volume_ml` of medium, first-order degradation `k_per_h` (0 = stable). Units follow `q`
/// (pg/cell/h → pg/mL).
pub fn concentration(q: f64, cells: f64, volume_ml: f64, k_per_h: f64, hours: f64) -> f64 {
    q * cells / volume_ml * hours * phi(k_per_h * hours)
}

/// Checked version of [`concentration`], naming the field that is wrong.
pub fn concentration_checked(
    q: f64,
    cells: f64,
    volume_ml: f64,
    k_per_h: f64,
    hours: f64,
) -> Result<f64, PlanError> {
    non_negative("secretion.rate", q)?;
    non_negative("conditioning.cells", cells)?;
    positive("conditioning.volume_ml", volume_ml)?;
    non_negative("secretion.degradation_per_h", k_per_h)?;
    non_negative("conditioning.hours", hours)?;
    Ok(concentration(q, cells, volume_ml, k_per_h, hours))
}

/// The steady state qN/(Vk) approached for long conditioning (infinite when k = 0).
pub fn steady_state(q: f64, cells: f64, volume_ml: f64, k_per_h: f64) -> f64 {
    if k_per_h == 0.0 {
        f64::INFINITY
    } else {
        q * cells / (volume_ml * k_per_h)
    }
}

/// The per-cell rate implied by a measured concentration: q = C·V / (N·T·φ(kT))
/// (q ≈ CV/(NT) when degradation is negligible).
pub fn rate_from_measurement(
    conc: f64,
    cells: f64,
    volume_ml: f64,
    k_per_h: f64,
    hours: f64,
) -> f64 {
    conc * volume_ml / (cells * hours * phi(k_per_h * hours))
}
