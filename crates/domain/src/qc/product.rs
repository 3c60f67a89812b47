//! The product master (製品): what a lot is made as — code, English and Japanese names, shelf life
//! and storage temperature. Specifications are versioned per product (see `spec`).

use crate::{DomainError, UtcTime, ids::ProductCode, quantity::text};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Product {
    pub id: ProductCode,
    pub name: String,
    pub name_ja: String,
    /// Shelf life from filling, days.
    pub shelf_life_days: i64,
    /// Storage temperature, °C (e.g. −80).
    pub storage_temperature_c: f64,
    pub created_at: UtcTime,
    /// ISBT 128 product description code (`S1234`), assigned by ICCBBA; vials of a product
    /// without one cannot be labelled with an ISBT 128 product code.
    pub isbt_code: Option<String>,
}

impl Product {
    /// A new product; every field is checked and errors name it.
    pub fn new(
        id: ProductCode,
        name: &str,
        name_ja: &str,
        shelf_life_days: i64,
        storage_temperature_c: f64,
        now: UtcTime,
    ) -> Result<Product, DomainError> {
        if !(1..=3650).contains(&shelf_life_days) {
            return Err(DomainError::invalid(
                "shelf_life_days",
                crate::Why::said(
                    format!("must be between 1 and 3650 days (got {shelf_life_days})"),
                    format!("1〜3650 日の範囲で入力してください (入力値 {shelf_life_days})"),
                ),
            ));
        }
        if !storage_temperature_c.is_finite() || !(-273.0..=40.0).contains(&storage_temperature_c) {
            return Err(DomainError::invalid(
                "storage_temperature_c",
                crate::Why::said(
                    format!("must be between −273 and 40 °C (got {storage_temperature_c})"),
                    format!(
                        "−273〜40 °C の範囲で入力してください (入力値 {storage_temperature_c})"
                    ),
                ),
            ));
        }
        Ok(Product {
            id,
            name: text("name", name)?,
            name_ja: text("name_ja", name_ja)?,
            shelf_life_days,
            storage_temperature_c,
            created_at: now,
            isbt_code: None,
        })
    }

    /// Sets the ISBT 128 product description code (a letter and four digits, e.g. `S1234`).
    pub fn with_isbt_code(mut self, code: &str) -> Result<Product, DomainError> {
        let code = code.trim();
        crate::isbt::ProductCode::new(code, 'V', "00")
            .map_err(|e| DomainError::invalid("isbt_code", e.why()))?;
        if code.len() != 5 {
            return Err(DomainError::invalid(
                "isbt_code",
                crate::Why::said(
                    "must be a letter and four digits",
                    "英字 1 文字と数字 4 桁で入力してください",
                ),
            ));
        }
        self.isbt_code = Some(code.to_string());
        Ok(self)
    }

    /// The expiry of a lot filled at `filled_at` (filled_at + shelf life), None on overflow.
    pub fn expiry_from(&self, filled_at: UtcTime) -> Option<UtcTime> {
        filled_at.plus_hours(self.shelf_life_days as f64 * 24.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse("t", s).unwrap()
    }

    fn code() -> ProductCode {
        ProductCode::new("MSC-CM-01").unwrap()
    }

    #[test]
    fn a_product_is_checked_field_by_field() {
        let now = t("2026-01-01T00:00:00Z");
        let p = Product::new(
            code(),
            " MSC conditioned medium ",
            "幹細胞培養上清液",
            365,
            -80.0,
            now,
        )
        .unwrap();
        assert_eq!(p.name, "MSC conditioned medium");
        assert_eq!(
            p.expiry_from(now).unwrap().to_string(),
            "2027-01-01T00:00:00.000000Z"
        );
        let e = Product::new(code(), "x", "x", 0, -80.0, now).unwrap_err();
        assert!(e.to_string().starts_with("shelf_life_days: "), "{e}");
        let e = Product::new(code(), "x", "x", 30, f64::NAN, now).unwrap_err();
        assert!(e.to_string().starts_with("storage_temperature_c: "), "{e}");
        let e = Product::new(code(), "x", "x", 30, 80.0, now).unwrap_err();
        assert!(e.to_string().starts_with("storage_temperature_c: "), "{e}");
        let e = Product::new(code(), "x", " ", 30, -80.0, now).unwrap_err();
        assert_eq!(e.to_string(), "name_ja: must not be empty");
    }

    #[test]
    fn product_codes_are_identifiers() {
        assert!(ProductCode::new("MSC CM").is_err());
        assert_eq!(code().as_str(), "MSC-CM-01");
    }
}
