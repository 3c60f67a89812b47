//! Cheap decoding (issue 19): a row read with `table.column_list()` decoded straight into a domain
//! record by serde, column by column — text borrowed from the row, numbers as numbers, `Json`
//! columns parsed from their text in place — with no `serde_json::Value` per cell and no map built
//! in between (the `Snapshot` → `to_record` path, kept for the audit trail and `audit verify`,
//! costs about an allocation per cell twice over). NULL columns are left out, as `to_record` leaves
//! them out: the record's `Option` fields read them as `None`.
//!
//! A row comes from either driver (`DbRow`: sqlx's `AnyRow`, or the cells of a row read through
//! SQLite's C API by `sql::reader`); `Cells` is the one way both are read, here and in
//! `Snapshot::from_row`, so what a column holds is decided once for both.

use crate::{
    StoreError,
    row::Snapshot,
    schema::{Kind, Table},
};
use serde::{
    de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor},
    forward_to_deserialize_any,
};
use sqlx::{Row as _, any::AnyRow};

type Error = de::value::Error;

/// A fetched row's cells by position, as text, integer or float (None: NULL); a cell of another
/// type is an error naming its position.
pub trait Cells {
    fn text(&self, i: usize) -> Result<Option<&str>, StoreError>;
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError>;
    fn real(&self, i: usize) -> Result<Option<f64>, StoreError>;
}

impl Cells for AnyRow {
    fn text(&self, i: usize) -> Result<Option<&str>, StoreError> {
        Ok(self.try_get::<Option<&str>, _>(i)?)
    }
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get::<Option<i64>, _>(i)?)
    }
    fn real(&self, i: usize) -> Result<Option<f64>, StoreError> {
        Ok(self.try_get::<Option<f64>, _>(i)?)
    }
}

/// A row as SQLite's C API returned it (owned copies of its cells).
pub type LiteRow = Vec<rusqlite::types::Value>;

/// One fetched row of either driver.
pub enum DbRow {
    Any(AnyRow),
    Lite(LiteRow),
}

fn lite_type(i: usize, want: &str, v: &rusqlite::types::Value) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(
        format!("column {i}: expected {want}, found {:?}", v.data_type()).into(),
    ))
}

fn lite_cell(row: &LiteRow, i: usize) -> Result<&rusqlite::types::Value, StoreError> {
    row.get(i).ok_or_else(|| {
        StoreError::Db(sqlx::Error::ColumnIndexOutOfBounds {
            index: i,
            len: row.len(),
        })
    })
}

impl Cells for DbRow {
    fn text(&self, i: usize) -> Result<Option<&str>, StoreError> {
        use rusqlite::types::Value as V;
        match self {
            DbRow::Any(r) => r.text(i),
            DbRow::Lite(r) => match lite_cell(r, i)? {
                V::Null => Ok(None),
                V::Text(s) => Ok(Some(s)),
                other => Err(lite_type(i, "text", other)),
            },
        }
    }
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        use rusqlite::types::Value as V;
        match self {
            DbRow::Any(r) => r.int(i),
            DbRow::Lite(r) => match lite_cell(r, i)? {
                V::Null => Ok(None),
                V::Integer(n) => Ok(Some(*n)),
                other => Err(lite_type(i, "an integer", other)),
            },
        }
    }
    fn real(&self, i: usize) -> Result<Option<f64>, StoreError> {
        use rusqlite::types::Value as V;
        match self {
            DbRow::Any(r) => r.real(i),
            DbRow::Lite(r) => match lite_cell(r, i)? {
                V::Null => Ok(None),
                V::Real(f) => Ok(Some(*f)),
                // SQLite keeps an integral REAL as an integer on disk (and returns it as REAL
                // where the column's affinity is REAL); an expression may still yield one.
                V::Integer(n) => Ok(Some(*n as f64)),
                other => Err(lite_type(i, "a float", other)),
            },
        }
    }
}

impl DbRow {
    /// The first `n` cells as text (NULL: None): a SQLite row's strings are moved out, not copied.
    pub(crate) fn into_texts(self, n: usize) -> Result<Vec<Option<String>>, StoreError> {
        use rusqlite::types::Value as V;
        match self {
            DbRow::Any(r) => (0..n).map(|i| Ok(r.text(i)?.map(str::to_string))).collect(),
            DbRow::Lite(r) => {
                if r.len() < n {
                    return Err(StoreError::Db(sqlx::Error::ColumnIndexOutOfBounds {
                        index: n - 1,
                        len: r.len(),
                    }));
                }
                r.into_iter()
                    .take(n)
                    .enumerate()
                    .map(|(i, v)| match v {
                        V::Null => Ok(None),
                        V::Text(s) => Ok(Some(s)),
                        other => Err(lite_type(i, "text", &other)),
                    })
                    .collect()
            }
        }
    }
}

/// One row of `table`, fetched but not yet decoded.
pub struct RawRow {
    pub(crate) table: Table,
    pub(crate) row: DbRow,
}

impl std::fmt::Debug for RawRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RawRow({})", self.table.name())
    }
}

impl RawRow {
    pub(crate) fn new(table: Table, row: DbRow) -> RawRow {
        RawRow { table, row }
    }

    /// The row as a record, decoded straight from the row's cells.
    pub fn to_record<R: DeserializeOwned>(&self) -> Result<R, StoreError> {
        R::deserialize(RowDe {
            table: self.table,
            row: &self.row,
        })
        .map_err(|e| StoreError::Corrupt {
            table: self.table.name(),
            id: self.text("id").unwrap_or_default(),
            detail: e.to_string(),
        })
    }

    /// The row as a snapshot (column → value), as `Snapshot::from_row` reads it.
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        Snapshot::from_row(self.table, &self.row)
    }

    /// A text column's value (None if NULL, absent or not text).
    pub fn text(&self, column: &str) -> Option<String> {
        let i = self
            .table
            .columns()
            .iter()
            .position(|(c, _)| *c == column)?;
        self.row.text(i).ok().flatten().map(str::to_string)
    }
}

/// The row as a map of its non-NULL columns.
struct RowDe<'a> {
    table: Table,
    row: &'a DbRow,
}

impl<'de> de::Deserializer<'de> for RowDe<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(Columns {
            table: self.table,
            row: self.row,
            next: 0,
            pending: None,
        })
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct Columns<'a> {
    table: Table,
    row: &'a DbRow,
    next: usize,
    pending: Option<Cell<'a>>,
}

fn cell<'a>(row: &'a DbRow, i: usize, col: &str, kind: Kind) -> Result<Option<Cell<'a>>, Error> {
    let bad = |e: StoreError| de::Error::custom(format!("{col}: {e}"));
    Ok(match kind {
        Kind::Text | Kind::Secret => row.text(i).map_err(bad)?.map(Cell::Text),
        Kind::Json => row.text(i).map_err(bad)?.map(Cell::Json),
        Kind::Int => row.int(i).map_err(bad)?.map(Cell::Int),
        Kind::Bool => row.int(i).map_err(bad)?.map(|b| Cell::Bool(b != 0)),
        Kind::Real => row.real(i).map_err(bad)?.map(Cell::Real),
    })
}

impl<'de> MapAccess<'de> for Columns<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let columns = self.table.columns();
        while let Some((col, kind)) = columns.get(self.next) {
            let i = self.next;
            self.next += 1;
            if let Some(c) = cell(self.row, i, col, *kind)? {
                self.pending = Some(c);
                return seed
                    .deserialize(de::value::BorrowedStrDeserializer::new(col))
                    .map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.pending.take() {
            Some(c) => seed.deserialize(c),
            None => Err(de::Error::custom("a value without its column")),
        }
    }
}

/// One non-NULL cell.
enum Cell<'a> {
    Text(&'a str),
    Json(&'a str),
    Int(i64),
    Bool(bool),
    Real(f64),
}

fn json_err(e: serde_json::Error) -> Error {
    de::Error::custom(e)
}

/// Runs `$call` on a JSON cell's own deserializer (the whole text must be one value).
macro_rules! on_json {
    ($s:expr, |$de:ident| $call:expr) => {{
        let mut json = serde_json::Deserializer::from_str($s);
        let $de = &mut json;
        let out = $call.map_err(json_err)?;
        json.end().map_err(json_err)?;
        Ok(out)
    }};
}

/// Methods whose only question is "what is there": JSON cells ask their own text, the others
/// answer with their value.
macro_rules! plain {
    ($($m:ident)*) => {$(
        fn $m<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self {
                Cell::Json(s) => on_json!(s, |de| de::Deserializer::$m(de, visitor)),
                other => other.deserialize_any(visitor),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Cell<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Cell::Text(s) => visitor.visit_borrowed_str(s),
            Cell::Json(s) => on_json!(s, |de| de::Deserializer::deserialize_any(de, visitor)),
            Cell::Int(i) => visitor.visit_i64(i),
            Cell::Bool(b) => visitor.visit_bool(b),
            Cell::Real(f) => visitor.visit_f64(f),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Cell::Json(s) => on_json!(s, |de| de::Deserializer::deserialize_option(de, visitor)),
            // A non-NULL column is `Some` (NULL columns never reach here).
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            Cell::Json(s) => on_json!(s, |de| de::Deserializer::deserialize_newtype_struct(
                de, name, visitor
            )),
            other => visitor.visit_newtype_struct(other),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            Cell::Json(s) => on_json!(s, |de| de::Deserializer::deserialize_enum(
                de, name, variants, visitor
            )),
            // A unit variant stored as its name.
            Cell::Text(s) => visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(s)),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            Cell::Json(s) => on_json!(s, |de| de::Deserializer::deserialize_struct(
                de, name, fields, visitor
            )),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        match self {
            Cell::Json(s) => on_json!(s, |de| de::Deserializer::deserialize_tuple(
                de, len, visitor
            )),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            Cell::Json(s) => on_json!(s, |de| de::Deserializer::deserialize_tuple_struct(
                de, name, len, visitor
            )),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            Cell::Json(s) => on_json!(s, |de| de::Deserializer::deserialize_unit_struct(
                de, name, visitor
            )),
            other => other.deserialize_any(visitor),
        }
    }

    plain! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
        deserialize_seq deserialize_map deserialize_identifier deserialize_ignored_any
    }
}
