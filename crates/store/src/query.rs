//! Purpose-built reads for pages and API lists (issue 19): a **page** of rows in a fixed order
//! with keyset pagination (`after`/`before` a cursor, never `OFFSET`), and **aggregates** — counts
//! and sums grouped by columns — computed by the database. Conditions are pushed into SQL: equality,
//! sets, half-open ranges (a text prefix is the range `[prefix, prefix⁺)`, which an index serves,
//! unlike `LIKE`), and semi-joins through another table's key (`patient IN (SELECT id FROM patient
//! WHERE …)`). Column names are checked against `schema.rs`; values are always bound.

use crate::schema::Table;

/// A condition on a column of the table read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// `column = value`.
    Eq(&'static str, String),
    /// `column IN (values…)` (no rows when the set is empty).
    In(&'static str, Vec<String>),
    /// `column <= value`.
    AtMost(&'static str, String),
    /// `from <= column < to` (either bound may be absent).
    Range {
        column: &'static str,
        from: Option<String>,
        to: Option<String>,
    },
    /// `column > 0` for a numeric or boolean column (a harvest with volume left to pool, a serious
    /// adverse-event report); a partial index `WHERE column > 0` serves it on both engines.
    Positive(&'static str),
    /// `column IN (SELECT id FROM table WHERE conds…)`.
    InSelect {
        column: &'static str,
        table: Table,
        conds: Vec<Cond>,
    },
}

impl Cond {
    /// `column` starts with `prefix`, as a range the column's index serves (`LIKE 'F/%'` is not
    /// served on PostgreSQL, nor case-sensitively on SQLite). Text compares by code point on both
    /// engines here (SQLite's BINARY collation; PostgreSQL databases created with the `C` or
    /// `C.UTF-8` collation — see ARCHITECTURE).
    pub fn prefix(column: &'static str, prefix: &str) -> Cond {
        Cond::Range {
            column,
            from: Some(prefix.to_string()),
            to: prefix_end(prefix),
        }
    }
}

/// The least string greater than every string starting with `prefix` (None: no upper bound).
pub fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = last as u32 + 1;
        // Skip the surrogate gap; U+10FFFF has no successor: carry to the previous character.
        if (0xD800..=0xDFFF).contains(&next) {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Where a page starts: strictly after or strictly before a row's `(order key, id)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    After { key: String, id: String },
    Before { key: String, id: String },
}

impl Cursor {
    /// An opaque, URL-safe text form (`a` or `b`, then the hex of key and id).
    pub fn encode(&self) -> String {
        let (dir, key, id) = match self {
            Cursor::After { key, id } => ('a', key, id),
            Cursor::Before { key, id } => ('b', key, id),
        };
        format!("{dir}{}.{}", hex::encode(key), hex::encode(id))
    }

    /// The cursor of `encode`; None for anything else (a mangled cursor starts from the top).
    pub fn decode(s: &str) -> Option<Cursor> {
        let mut it = s.chars();
        let dir = it.next()?;
        let (k, i) = it.as_str().split_once('.')?;
        let key = String::from_utf8(hex::decode(k).ok()?).ok()?;
        let id = String::from_utf8(hex::decode(i).ok()?).ok()?;
        match dir {
            'a' => Some(Cursor::After { key, id }),
            'b' => Some(Cursor::Before { key, id }),
            _ => None,
        }
    }
}

/// Most rows one page may hold (lists show far fewer; a page's details — the outcomes of the
/// patients on a page — may need more).
pub const MAX_ROWS: usize = 5_000;

/// A page request: rows of a table matching `conds`, ordered by `(order, id)` — descending when
/// `desc` (newest first) — starting at `cursor`, at most `limit` (1…`MAX_ROWS`) rows. The order column
/// must be NOT NULL text (times, ids): the keyset comparison skips NULLs.
#[derive(Debug, Clone, PartialEq)]
pub struct PageQuery {
    pub conds: Vec<Cond>,
    pub order: &'static str,
    pub desc: bool,
    pub cursor: Option<Cursor>,
    pub limit: usize,
}

impl PageQuery {
    pub fn newest(order: &'static str, limit: usize) -> PageQuery {
        PageQuery {
            conds: Vec::new(),
            order,
            desc: true,
            cursor: None,
            limit,
        }
    }
    pub fn with(mut self, c: Cond) -> PageQuery {
        self.conds.push(c);
        self
    }
    /// Starts at an encoded cursor (`Cursor::encode`); an unreadable one starts from the top.
    pub fn at(mut self, cursor: Option<&str>) -> PageQuery {
        self.cursor = cursor.and_then(Cursor::decode);
        self
    }
}

/// One page: its rows in the requested order and the cursors of the neighbouring pages.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// Encoded cursor of the next page (further in the order), if there are more rows.
    pub next: Option<String>,
    /// Encoded cursor of the previous page, if this one does not start at the top.
    pub prev: Option<String>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            next: self.next,
            prev: self.prev,
        }
    }
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            rows: self.rows.into_iter().map(f).collect::<Result<_, E>>()?,
            next: self.next,
            prev: self.prev,
        })
    }
}

/// An aggregate request (`Store::aggregate`, `Read::Aggregate`): the rows of `table` matching
/// `conds`, counted per distinct values of the `group_by` columns (one group without them), with,
/// when asked, the sum of a numeric column and the least and greatest values of columns over each.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub table: Table,
    pub group_by: Vec<&'static str>,
    pub conds: Vec<Cond>,
    pub sum: Option<&'static str>,
    pub min: Option<&'static str>,
    pub max: Option<&'static str>,
}

impl Aggregate {
    /// Rows of `table` matching `conds` counted per `group_by` values (nothing else asked).
    pub fn count(table: Table, group_by: &[&'static str], conds: Vec<Cond>) -> Aggregate {
        Aggregate {
            table,
            group_by: group_by.to_vec(),
            conds,
            sum: None,
            min: None,
            max: None,
        }
    }
}

/// One group of an aggregate: the group's key values (as text; NULL is None), its row count and,
/// when asked, the sum of a numeric column and the least and greatest values of columns over it.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub keys: Vec<Option<String>>,
    pub count: i64,
    pub sum: Option<f64>,
    /// The least value of the column asked for, as text (times and ids compare as text).
    pub min: Option<String>,
    /// The greatest value of the column asked for, as text (times and ids compare as text).
    pub max: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_ends_are_the_next_string_after_the_prefix() {
        assert_eq!(prefix_end("F1/"), Some("F10".to_string()));
        assert_eq!(prefix_end("ab"), Some("ac".to_string()));
        assert_eq!(prefix_end("a\u{10FFFF}"), Some("b".to_string()));
        assert_eq!(prefix_end(""), None);
    }

    #[test]
    fn cursors_round_trip_and_mangled_ones_are_ignored() {
        let c = Cursor::Before {
            key: "2026-01-01T00:00:00.000000Z".into(),
            id: "L/1 ü".into(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("zz.zz"), None);
        assert_eq!(Cursor::decode("a0g.00"), None);
        assert_eq!(Cursor::decode(""), None);
    }
}
