//! Inventory (在庫): freezers, and where each vial sits in one — `freezer/rack/box/position`, the
//! position a row letter and a column number inside the box's grid (`A1` … `I9`) — and its moves.

use crate::{
    DomainError, UtcTime,
    ids::{FreezerId, SiteCode, UserName, VialId},
    quantity::text,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A freezer (or LN₂ tank) and the grid of its boxes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Freezer {
    pub id: FreezerId,
    pub name: String,
    pub site: SiteCode,
    /// Set-point, °C (e.g. −80).
    pub temperature_c: f64,
    pub box_rows: i64,
    pub box_cols: i64,
    pub created_at: UtcTime,
}

impl Freezer {
    pub fn new(
        id: FreezerId,
        name: &str,
        site: SiteCode,
        temperature_c: f64,
        box_rows: i64,
        box_cols: i64,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        if !temperature_c.is_finite() || !(-200.0..=8.0).contains(&temperature_c) {
            return Err(DomainError::invalid(
                "temperature_c",
                crate::Why::said(
                    format!(
                        "must be a storage temperature between −200 and 8 °C (got {temperature_c})"
                    ),
                    format!("保管温度は −200〜8 °C で入力してください (入力値 {temperature_c})"),
                ),
            ));
        }
        if !(1..=26).contains(&box_rows) {
            return Err(DomainError::invalid(
                "box_rows",
                crate::Why::said(
                    "must be 1–26 (rows are lettered A–Z)",
                    "段数は 1–26 です (A–Z)",
                ),
            ));
        }
        if !(1..=99).contains(&box_cols) {
            return Err(DomainError::invalid(
                "box_cols",
                crate::Why::said("must be 1–99", "1〜99 で入力してください"),
            ));
        }
        Ok(Freezer {
            id,
            name: text("name", name)?,
            site,
            temperature_c,
            box_rows,
            box_cols,
            created_at: now,
        })
    }

    /// Refuses storing a product whose storage temperature is `storage_c` in this freezer when the
    /// freezer is set warmer than that (a −80 °C product does not go into a −20 °C freezer).
    pub fn check_cold_enough(&self, product: &str, storage_c: f64) -> Result<(), DomainError> {
        if self.temperature_c > storage_c {
            return Err(DomainError::invalid(
                "location",
                crate::Why::said(
                    format!(
                        "freezer {} is set to {} °C, warmer than {product}'s storage temperature {} °C",
                        self.id, self.temperature_c, storage_c
                    ),
                    format!(
                        "フリーザーの設定温度が製品の保管温度より高いため保管できません (フリーザー {} {} °C, {product} {} °C)",
                        self.id, self.temperature_c, storage_c
                    ),
                ),
            ));
        }
        Ok(())
    }

    /// Checks that `loc` is in this freezer and its position inside the box grid.
    pub fn check(&self, loc: &Location) -> Result<(), DomainError> {
        if loc.freezer != self.id.as_str() {
            return Err(DomainError::invalid(
                "location",
                crate::Why::said(
                    format!("{loc} is not in freezer {}", self.id),
                    format!(
                        "その位置はこのフリーザーにありません ({loc}, フリーザー {})",
                        self.id
                    ),
                ),
            ));
        }
        if loc.row > self.box_rows || loc.col > self.box_cols {
            return Err(DomainError::invalid(
                "location",
                crate::Why::said(
                    format!(
                        "position {} is outside the {}×{} box of freezer {}",
                        loc.position(),
                        self.box_rows,
                        self.box_cols,
                        self.id
                    ),
                    format!(
                        "位置がボックスの範囲外です ({}; {}×{}, フリーザー {})",
                        loc.position(),
                        self.box_rows,
                        self.box_cols,
                        self.id
                    ),
                ),
            ));
        }
        Ok(())
    }
}

/// `freezer/rack/box/position`, e.g. `FRZ-1/R1/L2026-001-B01/C7`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub freezer: String,
    pub rack: String,
    pub r#box: String,
    /// 1-based row (A = 1).
    pub row: i64,
    /// 1-based column.
    pub col: i64,
}

impl Location {
    /// Parses `freezer/rack/box/position`; errors name the field `location` and the part at fault.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let bad =
            |en: String, ja: String| DomainError::invalid("location", crate::Why::said(en, ja));
        let parts: Vec<&str> = s.trim().split('/').collect();
        let [freezer, rack, bx, pos] = parts[..] else {
            return Err(bad(
                format!("{s:?} is not freezer/rack/box/position (e.g. FRZ-1/R1/B01/A1)"),
                format!(
                    "{s:?} は 保管庫/ラック/ボックス/位置 の形ではありません (例: FRZ-1/R1/B01/A1)"
                ),
            ));
        };
        for (name, p) in [("freezer", freezer), ("rack", rack), ("box", bx)] {
            if p.is_empty()
                || !p
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                return Err(bad(
                    format!("{name} {p:?} must be letters, digits, - _ ."),
                    format!("{name} {p:?} は英数字と - _ . で入力してください"),
                ));
            }
        }
        let mut chars = pos.chars();
        let row = match chars.next() {
            Some(c @ 'A'..='Z') => i64::from(c as u8 - b'A' + 1),
            _ => {
                return Err(bad(
                    format!("position {pos:?} must start with a row letter A–Z"),
                    format!("位置 {pos:?} は段の英字 A〜Z で始めてください"),
                ));
            }
        };
        let col: i64 = chars
            .as_str()
            .parse()
            .ok()
            .filter(|c| (1..=99).contains(c))
            .ok_or_else(|| {
                bad(
                    format!("position {pos:?} must end with a column 1–99"),
                    format!("位置 {pos:?} は列 1〜99 で終えてください"),
                )
            })?;
        Ok(Location {
            freezer: freezer.to_string(),
            rack: rack.to_string(),
            r#box: bx.to_string(),
            row,
            col,
        })
    }

    /// `A1`-style position inside the box.
    pub fn position(&self) -> String {
        format!("{}{}", char::from(b'A' + self.row as u8 - 1), self.col)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}",
            self.freezer,
            self.rack,
            self.r#box,
            self.position()
        )
    }
}

/// A vial moved between locations (or out of storage, `to` = none, when dispensed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VialMove {
    pub id: String,
    pub vial: VialId,
    pub from_location: Option<String>,
    pub to_location: Option<String>,
    pub moved_at: UtcTime,
    pub moved_by: UserName,
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_and_print_back() {
        let l = Location::parse("FRZ-1/R2/L1-B01/C7").unwrap();
        assert_eq!((l.row, l.col), (3, 7));
        assert_eq!(l.to_string(), "FRZ-1/R2/L1-B01/C7");
        for bad in [
            "FRZ-1/R2/C7",
            "FRZ-1/R2/B/7C",
            "FRZ-1/R2/B/A0",
            "F/R/B/A100",
            "F//B/A1",
        ] {
            let e = Location::parse(bad).unwrap_err();
            assert!(e.to_string().contains("location"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_position_outside_the_box_grid_is_refused() {
        let t = UtcTime::parse("t", "2026-01-01T00:00:00Z").unwrap();
        let f = Freezer::new(
            FreezerId::new("FRZ-1").unwrap(),
            "Upright −80",
            SiteCode::new("CPF").unwrap(),
            -80.0,
            9,
            9,
            t,
        )
        .unwrap();
        assert!(f.check(&Location::parse("FRZ-1/R1/B1/I9").unwrap()).is_ok());
        assert!(
            f.check(&Location::parse("FRZ-1/R1/B1/J1").unwrap())
                .is_err()
        );
        assert!(
            f.check(&Location::parse("FRZ-2/R1/B1/A1").unwrap())
                .is_err()
        );
        assert!(Freezer::new(f.id.clone(), "x", f.site.clone(), 25.0, 9, 9, t).is_err());
    }
}
