//! Numbers, badges and short ids as pages show them: `qty` (a quantity to the significant figures
//! stated for it, `Quantity::figures`, digits grouped: `19,400,000`), `num` (up to 4 significant
//! decimals), `sci` (large counts in scientific form), the status badges of verdicts, donors,
//! batches and raw-material lots, and the short number of a deviation id.

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
        return scientific(v, 4);
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

/// What a page shows a number as (issue 17 item 2): each quantity with the significant figures
/// stated for it, so no page shows float noise (`846.8473139`) or an unreadable count
/// (`1000000000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Cells counted (a count, cells per vial): 3 significant figures — a haemocytometer or an
    /// automated counter is good to a few per cent.
    Cells,
    /// A volume in mL (harvest, pool, fill, dose): 4 significant figures, the balance's or the
    /// pipette's resolution at the volumes handled.
    Volume,
}

impl Quantity {
    /// The significant figures a value of this quantity is shown to.
    pub const fn figures(self) -> usize {
        match self {
            Quantity::Cells => 3,
            Quantity::Volume => 4,
        }
    }
}

/// `v` to `n` significant figures, the integer digits grouped by thousands (`19,400,000`,
/// `1,250`, `0.0123`); trailing zeros of the decimals dropped.
pub fn figures(v: f64, n: usize) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let n = n.max(1) as i32;
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (n - 1 - magnitude).max(0) as usize;
    let scale = 10f64.powi(magnitude + 1 - n);
    let rounded = (v / scale).round() * scale;
    let digits = format!("{:.*}", decimals, rounded.abs());
    let (int, frac) = digits.split_once('.').unwrap_or((&digits, ""));
    let frac = frac.trim_end_matches('0');
    let mut grouped = String::new();
    for (i, d) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(d);
    }
    let sign = if rounded < 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A quantity as a page shows it: to its stated significant figures, digits grouped.
pub fn qty(v: &f64, q: Quantity) -> String {
    figures(*v, q.figures())
}

/// Cells counted, as a template shows them (`Quantity::Cells`).
pub fn cells(v: &f64) -> String {
    qty(v, Quantity::Cells)
}

/// A volume in mL, as a template shows it (`Quantity::Volume`).
pub fn volume(v: &f64) -> String {
    qty(v, Quantity::Volume)
}

/// `v` to `n` significant figures in scientific form as printed (`1.23 × 10⁻⁹`, `4.20 × 10⁸`):
/// for the rates and predictions that span many orders of magnitude.
pub fn scientific(v: f64, n: usize) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let digits = format!("{:.*e}", n.max(1) - 1, v);
    let (mantissa, exp) = digits.split_once('e').unwrap_or((&digits, "0"));
    if exp == "0" {
        return mantissa.to_string();
    }
    let sup = exp
        .parse()
        .map(secretome_domain::quantity::superscript)
        .unwrap_or_default();
    format!("{mantissa} × 10{sup}")
}

/// A planning prediction or rate as a template shows it: 3 significant figures, scientific.
pub fn sci3(v: &f64) -> String {
    scientific(*v, 3)
}

/// A number for a table cell: large counts in scientific form (1.90 × 10⁷), others as typed.
pub fn sci(v: &f64) -> String {
    if v.abs() >= 1e5 {
        scientific(*v, 3)
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
        assert_eq!(num(4.2e8), "4.200 × 10⁸");
        assert_eq!(sci(&1.9e7), "1.90 × 10⁷");
        assert_eq!(scientific(1.2345e-9, 3), "1.23 × 10⁻⁹");
        assert_eq!(scientific(-6.02e23, 2), "-6.0 × 10²³");
        assert_eq!(scientific(5.0, 3), "5.00");
        assert_eq!(sci(&12.5), "12.5");
        assert_eq!(dev_no("L-2026-006/DEV-01"), "DEV-01");
        // Stated significant figures, digits grouped.
        assert_eq!(figures(846.8473139, 3), "847");
        assert_eq!(figures(1_000_000_000.0, 3), "1,000,000,000");
        assert_eq!(figures(19_437_000.0, 3), "19,400,000");
        assert_eq!(figures(0.012345, 3), "0.0123");
        assert_eq!(figures(512.26, 4), "512.3");
        assert_eq!(figures(-1234.0, 2), "-1,200");
        assert_eq!(figures(0.0, 3), "0");
        assert_eq!(qty(&2.4e7, Quantity::Cells), "24,000,000");
        assert_eq!(qty(&480.0, Quantity::Volume), "480");
        assert_eq!(crate::forms::seg("a b/c"), "a%20b%2Fc");
    }
}
