//! Results as the lab writes them (試験結果の記載): full-width characters normalised (`＜０．２５`,
//! `陰性　`), censored numbers (`< 0.25` below the limit of quantitation, `> 2000` above the upper
//! limit) kept as such, and the controlled vocabulary of qualitative results in Japanese and
//! English (陰性 / negative, 陽性 / positive, 検出せず / not detected, 適合 / conforms …), each term
//! mapped to one canonical English term that is stored and judged.

use crate::DomainError;
use serde::{Deserialize, Serialize};

/// A censored result: the true value lies below (`<`) or above (`>`) the number recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Censor {
    #[serde(rename = "<")]
    Below,
    #[serde(rename = ">")]
    Above,
}

impl Censor {
    pub fn as_str(self) -> &'static str {
        match self {
            Censor::Below => "<",
            Censor::Above => ">",
        }
    }
}

/// Full-width ASCII (U+FF01–FF5E) to ASCII, the ideographic space to a space, the minus sign and
/// other dashes to `-`, `≦ ≧` kept apart; runs of whitespace collapsed; trimmed.
pub fn normalise(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '\u{2212}' | '\u{2010}' | '\u{2011}' | '\u{2013}' => '-',
            _ => c,
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A number as typed, possibly censored and followed by the test's unit: `0.25`, `< 0.25`,
/// `＜０．２５ EU/mL`, `>2,000`. Text is refused; so is a negative number (no test measures a
/// signed quantity: concentrations, counts, activities and percentages are all ≥ 0).
pub fn parse_number(
    field: &str,
    typed: &str,
    unit: Option<&str>,
) -> Result<(Option<Censor>, f64), DomainError> {
    let s = normalise(typed);
    let (censor, rest) = if let Some(r) = s.strip_prefix('<') {
        (Some(Censor::Below), r)
    } else if let Some(r) = s.strip_prefix('>') {
        (Some(Censor::Above), r)
    } else {
        (None, s.as_str())
    };
    let mut rest = rest.trim();
    if let Some(u) = unit {
        rest = rest.strip_suffix(&normalise(u)).unwrap_or(rest).trim();
    }
    let v = rest
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            DomainError::invalid(
                field,
                crate::Why::said(
                    format!(
                        "enter a number{} (e.g. 0.25, or < 0.25 below the limit of quantitation)",
                        unit.map(|u| format!(" in {u}")).unwrap_or_default()
                    ),
                    format!(
                        "数値を入力してください{} (例: 0.25、定量下限未満は < 0.25)",
                        unit.map(|u| format!(" (単位 {u})")).unwrap_or_default()
                    ),
                ),
            )
        })?;
    Ok((censor, non_negative(field, v)?))
}

/// A numeric result must be ≥ 0 (see `parse_number`).
pub fn non_negative(field: &str, v: f64) -> Result<f64, DomainError> {
    if !v.is_finite() {
        return Err(DomainError::invalid(field, crate::Why::Finite));
    }
    if v < 0.0 {
        return Err(DomainError::invalid(
            field,
            crate::Why::said(
                format!("cannot be negative (got {v}): this quantity is never below 0"),
                format!("負の値は入力できません (入力値 {v})"),
            ),
        ));
    }
    Ok(v)
}

/// The qualitative terms: canonical English, Japanese, and every accepted spelling (compared after
/// `normalise` and lower-casing).
pub const VOCABULARY: &[(&str, &str, &[&str])] = &[
    (
        "negative",
        "陰性",
        &[
            "negative",
            "neg",
            "陰性",
            "-",
            "(-)",
            "陰性(-)",
            "no growth",
            "発育なし",
            "菌の発育を認めず",
        ],
    ),
    (
        "positive",
        "陽性",
        &[
            "positive",
            "pos",
            "陽性",
            "+",
            "(+)",
            "陽性(+)",
            "growth",
            "発育あり",
        ],
    ),
    (
        "not detected",
        "検出せず",
        &[
            "not detected",
            "nd",
            "n.d.",
            "検出せず",
            "不検出",
            "検出されず",
        ],
    ),
    ("detected", "検出", &["detected", "検出", "検出された"]),
    (
        "conforms",
        "適合",
        &["conforms", "complies", "conform", "適合", "適"],
    ),
    (
        "does not conform",
        "不適合",
        &["does not conform", "does not comply", "不適合", "不適"],
    ),
];

/// Which terms answer which expected result: the expected term and its opposite.
const PAIRS: &[(&str, &str)] = &[
    ("negative", "positive"),
    ("not detected", "detected"),
    ("conforms", "does not conform"),
];

/// The canonical English term for a typed term, if it is one of the vocabulary.
pub fn canonical(typed: &str) -> Option<&'static str> {
    let s = normalise(typed).to_lowercase();
    VOCABULARY
        .iter()
        .find(|(_, _, spellings)| spellings.iter().any(|sp| sp.to_lowercase() == s))
        .map(|(c, _, _)| *c)
}

/// The Japanese term of a canonical term (for pages and documents).
pub fn term_ja(canonical: &str) -> Option<&'static str> {
    VOCABULARY
        .iter()
        .find(|(c, _, _)| *c == canonical)
        .map(|(_, ja, _)| *ja)
}

/// The terms a test whose criterion expects `expected` takes (`["negative", "positive"]`), or None
/// when the expected text is not in the vocabulary (a facility's own wording: any text is taken).
pub fn terms_for(expected: &str) -> Option<[&'static str; 2]> {
    let e = canonical(expected)?;
    PAIRS
        .iter()
        .find(|(a, b)| *a == e || *b == e)
        .map(|(a, b)| [*a, *b])
}

/// Reads a qualitative outcome for a test expecting `expected`: the canonical term when the
/// vocabulary covers the test (other words refused, naming the accepted ones), else the text as typed
/// (normalised).
pub fn parse_outcome(field: &str, typed: &str, expected: &str) -> Result<String, DomainError> {
    let s = normalise(typed);
    let Some(terms) = terms_for(expected) else {
        return Ok(s);
    };
    match canonical(&s) {
        Some(c) if terms.contains(&c) => Ok(c.to_string()),
        _ => {
            let show = |t: &str| format!("{} / {t}", term_ja(t).unwrap_or(t));
            Err(DomainError::invalid(
                field,
                crate::Why::said(
                    format!(
                        "{s:?} is not a result of this test: enter {} or {}",
                        show(terms[0]),
                        show(terms[1])
                    ),
                    format!(
                        "この試験の結果として使える語ではありません ({s:?}; {} または {})",
                        show(terms[0]),
                        show(terms[1])
                    ),
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_is_normalised_and_censored_numbers_read() {
        assert_eq!(normalise("　陰性　"), "陰性");
        assert_eq!(
            parse_number("value", "＜０．２５", Some("EU/mL")).unwrap(),
            (Some(Censor::Below), 0.25)
        );
        assert_eq!(
            parse_number("value", "< 0.25 EU/mL", Some("EU/mL")).unwrap(),
            (Some(Censor::Below), 0.25)
        );
        assert_eq!(
            parse_number("value", ">2,000", Some("pg/mL")).unwrap(),
            (Some(Censor::Above), 2000.0)
        );
        assert_eq!(parse_number("value", " 12.5 ", None).unwrap(), (None, 12.5));
    }

    #[test]
    fn text_and_negative_numbers_are_refused() {
        let e = parse_number("value", "high", Some("pg/mL")).unwrap_err();
        assert!(e.to_string().starts_with("value: enter a number in pg/mL"));
        let e = parse_number("value", "−0.3", Some("EU/mL")).unwrap_err();
        assert!(
            e.to_string().starts_with("value: cannot be negative"),
            "{e}"
        );
    }

    #[test]
    fn qualitative_terms_in_japanese_and_english() {
        assert_eq!(
            parse_outcome("outcome", "陰性", "negative").unwrap(),
            "negative"
        );
        assert_eq!(
            parse_outcome("outcome", "ＮＥＧＡＴＩＶＥ", "negative").unwrap(),
            "negative"
        );
        assert_eq!(
            parse_outcome("outcome", "陽性", "negative").unwrap(),
            "positive"
        );
        assert_eq!(
            parse_outcome("outcome", "検出せず", "not detected").unwrap(),
            "not detected"
        );
        assert_eq!(
            parse_outcome("outcome", "適合", "conforms").unwrap(),
            "conforms"
        );
        let e = parse_outcome("outcome", "maybe", "negative").unwrap_err();
        assert!(e.to_string().contains("陰性 / negative"), "{e}");
        // A criterion in the facility's own words takes any text.
        assert_eq!(parse_outcome("outcome", "clear", "clear").unwrap(), "clear");
    }
}
