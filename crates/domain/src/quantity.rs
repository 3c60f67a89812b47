//! Checked quantities: volumes, percentages, counts and other measured numbers that must be finite
//! and within their physical range. Constructors name the input field in their errors.

use crate::DomainError;

/// A finite number > 0 (volumes, densities, g-force, minutes …).
pub fn positive(field: &str, v: f64) -> Result<f64, DomainError> {
    if !v.is_finite() {
        return Err(DomainError::invalid(field, crate::Why::Finite));
    }
    if v <= 0.0 {
        return Err(DomainError::invalid(
            field,
            crate::Why::said(
                format!("must be greater than 0 (got {v})"),
                format!("0 より大きい値を入力してください (入力値 {v})"),
            ),
        ));
    }
    Ok(v)
}

/// A finite number ≥ 0 (counts, population doublings …).
pub fn non_negative(field: &str, v: f64) -> Result<f64, DomainError> {
    if !v.is_finite() {
        return Err(DomainError::invalid(field, crate::Why::Finite));
    }
    if v < 0.0 {
        return Err(DomainError::invalid(
            field,
            crate::Why::said(
                format!("must not be negative (got {v})"),
                format!("負の値は入力できません (入力値 {v})"),
            ),
        ));
    }
    Ok(v)
}

/// A percentage in 0–100 (viability, confluence).
pub fn percent(field: &str, v: f64) -> Result<f64, DomainError> {
    let v = non_negative(field, v)?;
    if v > 100.0 {
        return Err(DomainError::invalid(
            field,
            crate::Why::said(
                format!("must be at most 100 % (got {v})"),
                format!("100 % 以下で入力してください (入力値 {v})"),
            ),
        ));
    }
    Ok(v)
}

/// A non-empty free-text field, trimmed.
pub fn text(field: &str, s: &str) -> Result<String, DomainError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(DomainError::invalid(field, crate::Why::Empty));
    }
    if t.chars().count() > 500 {
        return Err(DomainError::invalid(field, crate::Why::TooLong(500)));
    }
    Ok(t.to_string())
}

/// A measured number for people: at most 10 significant digits, in its shortest form, so binary
/// artefacts of arithmetic (`89.80000000000001`) never reach a page or a certificate.
pub fn display_number(v: f64) -> String {
    if !v.is_finite() || v == 0.0 {
        return v.to_string();
    }
    let rounded: f64 = format!("{v:.9e}").parse().unwrap_or(v);
    rounded.to_string()
}

/// An exponent as printed after `× 10` (`-9` → `⁻⁹`).
pub fn superscript(n: i32) -> String {
    n.to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            d => ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹']
                [d.to_digit(10).unwrap_or(0) as usize],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_volume_is_refused_with_the_field_named() {
        let e = positive("volume_ml", -5.0).unwrap_err().to_string();
        assert_eq!(e, "volume_ml: must be greater than 0 (got -5)");
        assert!(positive("volume_ml", f64::NAN).is_err());
        assert!(positive("volume_ml", 0.0).is_err());
        assert_eq!(positive("volume_ml", 2.5).unwrap(), 2.5);
    }

    #[test]
    fn percentages_stay_in_range() {
        assert!(percent("viability", 100.5).is_err());
        assert!(percent("viability", -0.1).is_err());
        assert_eq!(percent("viability", 95.0).unwrap(), 95.0);
    }

    #[test]
    fn numbers_for_people_lose_binary_artefacts_only() {
        assert_eq!(display_number(89.80000000000001), "89.8");
        assert_eq!(display_number(0.1 + 0.2), "0.3");
        assert_eq!(display_number(846.8473138803027), "846.8473139");
        assert_eq!(display_number(3.5e9), "3500000000");
        assert_eq!(display_number(0.0), "0");
        assert_eq!(superscript(-9), "⁻⁹");
        assert_eq!(superscript(23), "²³");
    }

    #[test]
    fn text_is_trimmed_and_required() {
        assert_eq!(text("name", "  DMEM ").unwrap(), "DMEM");
        assert!(text("name", "   ").is_err());
    }
}
