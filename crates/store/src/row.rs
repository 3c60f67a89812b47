//! Generic row mapping: a record serialises (serde) to a JSON object; `Snapshot::from_object`
//! normalises it column by column to exactly what the database stores and returns, so the snapshot
//! written into the audit trail and the snapshot read back from the row compare byte for byte.

use crate::{
    StoreError, canonical,
    decode::Cells,
    schema::{Kind, Table},
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Number, Value};
use sha2::Digest;
use std::collections::BTreeMap;

/// One row of an audited table: column → normalised value (`Json` columns hold their text).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub table: Table,
    pub values: BTreeMap<&'static str, Value>,
}

impl Snapshot {
    /// Normalises a serialised record for `table`; unknown keys and wrongly typed values are errors.
    pub fn from_object(table: Table, obj: Value) -> Result<Snapshot, StoreError> {
        let Value::Object(mut map) = obj else {
            return Err(invalid(table, "*", "a record must serialise to an object"));
        };
        let mut values = BTreeMap::new();
        for (col, kind) in table.columns() {
            let v = map.remove(*col).unwrap_or(Value::Null);
            values.insert(*col, normalise(table, col, *kind, v)?);
        }
        if let Some(extra) = map.keys().next() {
            return Err(invalid(table, extra, "no such column"));
        }
        let s = Snapshot { table, values };
        if !matches!(s.values.get("id"), Some(Value::String(_))) {
            return Err(invalid(table, "id", "the key must be text"));
        }
        Ok(s)
    }

    pub fn from_record<R: Serialize>(table: Table, rec: &R) -> Result<Snapshot, StoreError> {
        let v = serde_json::to_value(rec).map_err(|e| invalid(table, "*", &e.to_string()))?;
        Snapshot::from_object(table, v)
    }

    /// Reads a row selected with `table.column_list()` (either driver's: see `Cells`).
    pub fn from_row(table: Table, row: &impl Cells) -> Result<Snapshot, StoreError> {
        let mut values = BTreeMap::new();
        for (i, (col, kind)) in table.columns().iter().enumerate() {
            let v = match kind {
                Kind::Text | Kind::Json | Kind::Secret => {
                    row.text(i)?.map(|s| Value::String(s.to_string()))
                }
                Kind::Int => row.int(i)?.map(Value::from),
                Kind::Bool => row.int(i)?.map(|b| Value::Bool(b != 0)),
                Kind::Real => match row.real(i)? {
                    Some(f) => Some(Value::Number(
                        Number::from_f64(f).ok_or_else(|| invalid(table, col, "not finite"))?,
                    )),
                    None => None,
                },
            };
            values.insert(*col, v.unwrap_or(Value::Null));
        }
        Ok(Snapshot { table, values })
    }

    pub fn id(&self) -> &str {
        self.values.get("id").and_then(Value::as_str).unwrap_or("")
    }

    /// The canonical text of this snapshot (sorted keys), as stored in audit events. `Secret`
    /// columns appear as `sha256:<hex>` of their value: changes are evident, the secret is not kept.
    pub fn canonical(&self) -> String {
        let mut out = Vec::with_capacity(256);
        self.write_canonical(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Appends the canonical text to `out` (see `canonical.rs`; keys are the column names, which a
    /// `BTreeMap` already holds in byte order).
    pub fn write_canonical(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        let mut first = true;
        for (col, v) in &self.values {
            if v.is_null() && self.table.added_later(col) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            canonical::write_str(out, col);
            out.push(b':');
            let kind = self.table.columns().iter().find(|(c, _)| c == col);
            match (kind.map(|(_, k)| *k), v) {
                (Some(Kind::Secret), Value::String(s)) => {
                    let digest = hex::encode(sha2::Sha256::digest(s.as_bytes()));
                    canonical::write_str(out, &format!("sha256:{digest}"));
                }
                _ => canonical::write_value(out, v),
            }
        }
        out.push(b'}');
    }

    /// Back to a record: JSON columns parsed, NULLs omitted (they are `None`).
    pub fn to_record<R: DeserializeOwned>(&self) -> Result<R, StoreError> {
        let mut obj = Map::new();
        for (col, kind) in self.table.columns() {
            match (kind, self.values.get(col)) {
                (_, None | Some(Value::Null)) => {}
                (Kind::Json, Some(Value::String(s))) => {
                    let v: Value =
                        serde_json::from_str(s).map_err(|e| self.corrupt(&e.to_string()))?;
                    obj.insert((*col).to_string(), v);
                }
                (_, Some(v)) => {
                    obj.insert((*col).to_string(), v.clone());
                }
            }
        }
        serde_json::from_value(Value::Object(obj)).map_err(|e| self.corrupt(&e.to_string()))
    }

    fn corrupt(&self, detail: &str) -> StoreError {
        StoreError::Corrupt {
            table: self.table.name(),
            id: self.id().to_string(),
            detail: detail.to_string(),
        }
    }

    /// The SQL value of each column in table order: `NULL` written literally, else `$n` numbered
    /// from `first`. NULLs are never bound: sqlx 0.9's `Any` driver gives a NULL float the wrong
    /// parameter type on PostgreSQL, and the cached statement then refuses the next non-null value.
    pub fn placeholders(&self, first: usize) -> Vec<String> {
        let mut n = first;
        self.table
            .columns()
            .iter()
            .map(|(col, _)| {
                if self.values.get(col).is_none_or(Value::is_null) {
                    "NULL".to_string()
                } else {
                    n += 1;
                    format!("${}", n - 1)
                }
            })
            .collect()
    }

    /// Binds the non-null column values in table order (matching `placeholders`).
    pub fn bind_all<'q>(
        &self,
        mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        for (col, kind) in self.table.columns() {
            match self.values.get(col) {
                None | Some(Value::Null) => {}
                Some(v) => q = bind_value(q, *kind, v.clone()),
            }
        }
        q
    }
}

pub(crate) fn bind_value<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    kind: Kind,
    v: Value,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    match kind {
        Kind::Text | Kind::Json | Kind::Secret => q.bind(v.as_str().map(str::to_string)),
        Kind::Int => q.bind(v.as_i64()),
        Kind::Bool => q.bind(v.as_bool().map(i64::from)),
        Kind::Real => q.bind(v.as_f64()),
    }
}

fn invalid(table: Table, column: &str, message: &str) -> StoreError {
    StoreError::Invalid {
        table: table.name(),
        column: column.to_string(),
        message: message.to_string(),
    }
}

fn normalise(table: Table, col: &str, kind: Kind, v: Value) -> Result<Value, StoreError> {
    if v.is_null() {
        return Ok(Value::Null);
    }
    Ok(match kind {
        Kind::Text | Kind::Secret => match v {
            Value::String(ref s) => {
                check_text(table, col, s)?;
                v
            }
            _ => return Err(invalid(table, col, "expected text")),
        },
        Kind::Int => match v.as_i64() {
            Some(i) => Value::from(i),
            None => return Err(invalid(table, col, "expected an integer")),
        },
        Kind::Real => match v.as_f64().map(zero).and_then(Number::from_f64) {
            Some(n) => Value::Number(n),
            None => return Err(invalid(table, col, "expected a finite number")),
        },
        Kind::Bool => match v {
            Value::Bool(_) => v,
            _ => return Err(invalid(table, col, "expected true or false")),
        },
        Kind::Json => {
            let v = json_clean(table, col, v)?;
            Value::String(canonical::to_string(&v))
        }
    })
}

/// Negative zero becomes zero: SQLite stores an integral REAL as an integer and returns `0.0` for
/// `-0.0`, so keeping the sign would make the row and its event differ on one engine only.
fn zero(f: f64) -> f64 {
    if f == 0.0 { 0.0 } else { f }
}

fn check_text(table: Table, col: &str, s: &str) -> Result<(), StoreError> {
    match canonical::control_char(s) {
        None => Ok(()),
        Some(c) => Err(invalid(
            table,
            col,
            &format!(
                "control character U+{:04X} is not allowed / 制御文字 U+{:04X} は使えません",
                c as u32, c as u32
            ),
        )),
    }
}

/// A JSON column's value with its strings (and keys) checked like text and its numbers like reals.
fn json_clean(table: Table, col: &str, v: Value) -> Result<Value, StoreError> {
    Ok(match v {
        Value::String(s) => {
            check_text(table, col, &s)?;
            Value::String(s)
        }
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64().map(zero) {
            Some(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
            None => Value::Number(n),
        },
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|i| json_clean(table, col, i))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, i) in map {
                check_text(table, col, &k)?;
                out.insert(k, json_clean(table, col, i)?);
            }
            Value::Object(out)
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn normalisation_makes_reals_floats_and_json_text() {
        let s = Snapshot::from_object(
            Table::Harvest,
            json!({"id": "H-1", "batch": "B-1", "harvested_at": "t", "volume_ml": 100, "remaining_ml": 99.5}),
        )
        .unwrap();
        assert_eq!(
            s.canonical(),
            r#"{"batch":"B-1","harvested_at":"t","id":"H-1","remaining_ml":99.5,"volume_ml":100.0}"#
        );
        let u = Snapshot::from_object(
            Table::User,
            json!({"id": "u", "display_name": "U", "site": "S", "roles": ["qa", "qc"], "active": true, "created_at": "t"}),
        )
        .unwrap();
        assert_eq!(u.values["roles"], json!("[\"qa\",\"qc\"]"));
    }

    #[test]
    fn a_column_added_later_is_left_out_while_null_so_older_trails_still_match() {
        let old = Snapshot::from_object(
            Table::Harvest,
            json!({"id": "H-1", "batch": "B-1", "harvested_at": "t", "volume_ml": 1, "remaining_ml": 1}),
        )
        .unwrap();
        assert!(
            !old.canonical().contains("deviation"),
            "{}",
            old.canonical()
        );
        let flagged = Snapshot::from_object(
            Table::Harvest,
            json!({"id": "H-1", "batch": "B-1", "harvested_at": "t", "volume_ml": 1, "remaining_ml": 1, "deviation": "early"}),
        )
        .unwrap();
        assert!(flagged.canonical().contains(r#""deviation":"early""#));
        // Columns that were there from the start keep their explicit null.
        let lot = Snapshot::from_object(Table::Lot, json!({"id": "L-1"})).unwrap();
        assert!(lot.canonical().contains(":null"), "{}", lot.canonical());
    }

    #[test]
    fn secrets_are_digested_in_the_trail_but_kept_in_the_row() {
        let s = Snapshot::from_object(
            Table::Credential,
            json!({"id": "u", "password_hash": "$argon2id$secret", "failed_attempts": 0, "changed_at": "t"}),
        )
        .unwrap();
        assert!(!s.canonical().contains("argon2id"));
        assert!(s.canonical().contains("\"password_hash\":\"sha256:"));
        assert_eq!(s.values["password_hash"], json!("$argon2id$secret"));
    }

    #[test]
    fn wrong_types_and_unknown_columns_name_the_column() {
        let e = Snapshot::from_object(Table::Harvest, json!({"id": "H", "volume_ml": "lots"}))
            .unwrap_err();
        assert_eq!(e.to_string(), "harvest.volume_ml: expected a finite number");
        let e =
            Snapshot::from_object(Table::Harvest, json!({"id": "H", "colour": "red"})).unwrap_err();
        assert_eq!(e.to_string(), "harvest.colour: no such column");
    }
}
