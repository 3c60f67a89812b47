//! Numbers, badges and short ids as pages show them: `num` (up to 4 significant decimals), `sci`
//! (large counts in scientific form), the status badges of verdicts, donors, batches and
//! raw-material lots, and the short number of a deviation id.

use secretome_domain::{UtcTime, batch::BatchStatus, donor::DonorStatus, qc::Verdict};

/// The short number of a deviation id (`L-2026-006/DEV-01` → `DEV-01`).
pub fn dev_no(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

pub fn verdict_badge(v: &Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Pass) => "ok",
        Some(Verdict::Fail) => "bad",
        Some(Verdict::Reported) => "info",
        None => "warn",
    }
}

pub fn verdict_key(v: &Option<Verdict>) -> &'static str {
    v.map(|v| v.as_str()).unwrap_or("missing")
}

/// A number as a person reads it: up to 4 significant decimals, scientific for large values.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v != 0.0 && (v.abs() >= 1e7 || v.abs() < 1e-3) {
        return format!("{v:.3e}");
    }
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub fn opt_num(v: &Option<f64>) -> String {
    v.map(num).unwrap_or_else(|| "—".into())
}

pub fn donor_badge(s: &DonorStatus) -> &'static str {
    match s {
        DonorStatus::Screening => "warn",
        DonorStatus::Eligible => "ok",
        DonorStatus::Ineligible => "bad",
    }
}

pub fn batch_badge(s: &BatchStatus) -> &'static str {
    match s {
        BatchStatus::Culturing => "info",
        BatchStatus::Conditioning => "warn",
        BatchStatus::Harvested => "ok",
    }
}

/// A raw-material lot: expired (bad), expiring within 30 days (warn), usable (ok).
pub fn material_state(expires_at: &UtcTime, now: &UtcTime) -> &'static str {
    let days = now.hours_until(*expires_at) / 24.0;
    if days <= 0.0 {
        "expired"
    } else if days <= 30.0 {
        "expiring"
    } else {
        "usable"
    }
}

pub fn material_badge(state: &str) -> &'static str {
    match state {
        "expired" => "bad",
        "expiring" => "warn",
        _ => "ok",
    }
}

/// A number for a table cell: large counts in scientific form (1.9 × 10⁷), others as typed.
pub fn sci(v: &f64) -> String {
    if v.abs() >= 1e5 {
        let exp = v.abs().log10().floor() as i32;
        let mant = v / 10f64.powi(exp);
        format!("{mant:.2}e{exp}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_short_ids() {
        assert_eq!(num(195.78012), "195.7801");
        assert_eq!(num(4.2e8), "4.200e8");
        assert_eq!(sci(&1.9e7), "1.90e7");
        assert_eq!(sci(&12.5), "12.5");
        assert_eq!(dev_no("L-2026-006/DEV-01"), "DEV-01");
        assert_eq!(crate::forms::seg("a b/c"), "a%20b%2Fc");
    }
}
