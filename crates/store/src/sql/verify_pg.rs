//! The reading half of `audit verify` on PostgreSQL: events and rows streamed with `COPY (SELECT …)
//! TO STDOUT` (text format) on a connection of its own, in the snapshot that verify's transaction
//! exported (`SET TRANSACTION SNAPSHOT`: the same rows it counts and looks up). Rows fetched
//! through sqlx's `Any` driver became an owned `String` per cell and a `Snapshot` per row — a
//! quarter of hashing speed; here each line is split at its tabs, unescaped only where it holds a
//! backslash, events packed into their batch's text (as on SQLite, `verify_sqlite.rs`) and each
//! row's canonical text written straight from its fields and digested.
//!
//! Types: PostgreSQL keeps every column at its declared type (checked against `schema.rs` by the
//! schema test), so a field is the text form of a value of its kind; a field that does not parse
//! as its kind is still a finding, as a wrong-typed cell is on SQLite.

use super::checker::{Batch, Item, Packed};
use crate::{StoreError, schema::Kind, schema::Table};
use futures_util::TryStreamExt;
use sqlx::{
    AssertSqlSafe, Connection, Executor,
    postgres::{PgConnectOptions, PgConnection},
};
use std::{str::FromStr, sync::mpsc::SyncSender};

/// A field of a COPY text line: NULL (`\N`) or its bytes, unescaped.
fn field<'a>(raw: &'a [u8], scratch: &'a mut Vec<u8>) -> Option<&'a [u8]> {
    if raw == b"\\N" {
        return None;
    }
    if memchr::memchr(b'\\', raw).is_none() {
        return Some(raw);
    }
    scratch.clear();
    let mut it = raw.iter().copied();
    while let Some(b) = it.next() {
        if b != b'\\' {
            scratch.push(b);
            continue;
        }
        // COPY TO writes only these escapes (never octal or hex ones).
        match it.next() {
            Some(b'n') => scratch.push(b'\n'),
            Some(b'r') => scratch.push(b'\r'),
            Some(b't') => scratch.push(b'\t'),
            Some(b'b') => scratch.push(8),
            Some(b'f') => scratch.push(12),
            Some(b'v') => scratch.push(11),
            Some(other) => scratch.push(other),
            None => scratch.push(b'\\'),
        }
    }
    Some(scratch)
}

/// The tab-separated fields of a line, in order.
struct Fields<'a> {
    line: &'a [u8],
    at: Option<usize>,
}

impl<'a> Fields<'a> {
    fn new(line: &'a [u8]) -> Fields<'a> {
        Fields { line, at: Some(0) }
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let start = self.at?;
        let rest = &self.line[start..];
        match memchr::memchr(b'\t', rest) {
            Some(n) => {
                self.at = Some(start + n + 1);
                Some(&rest[..n])
            }
            None => {
                self.at = None;
                Some(rest)
            }
        }
    }
}

fn utf8(b: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(b).map_err(|e| e.to_string())
}

/// One event line packed into `text` (the batch's buffer), as `verify_sqlite::pack` packs a row.
fn pack(line: &[u8], text: &mut String, scratch: &mut Vec<u8>) -> Result<Packed, String> {
    let mut fields = Fields::new(line);
    let seq = fields
        .next()
        .and_then(|f| utf8(f).ok())
        .and_then(|f| f.parse::<i64>().ok())
        .ok_or("seq: not an integer")?;
    let mut spans = [None; 10];
    for span in spans.iter_mut() {
        let raw = fields.next().ok_or("too few columns")?;
        if let Some(v) = field(raw, scratch) {
            let start = text.len();
            text.push_str(utf8(v)?);
            let at = |n: usize| u32::try_from(n).map_err(|_| "batch too large".to_string());
            *span = Some((at(start)?, at(text.len())?));
        }
    }
    Ok(Packed { seq, spans })
}

/// The row's canonical text (as `Snapshot::write_canonical` writes it) from its COPY fields, in
/// `order` (the table's column indexes sorted by name); the row's id returned.
fn canonical(
    table: Table,
    order: &[usize],
    line: &[u8],
    fields: &mut Vec<(usize, usize)>,
    out: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
) -> (Option<String>, Result<(), String>) {
    use crate::canonical::{write_f64, write_i64, write_str};
    use sha2::Digest;
    let columns = table.columns();
    fields.clear();
    let mut start = 0;
    for i in memchr::memchr_iter(b'\t', line) {
        fields.push((start, i));
        start = i + 1;
    }
    fields.push((start, line.len()));
    let raw = |i: usize| fields.get(i).map(|&(a, b)| &line[a..b]);
    let id = raw(columns.len())
        .and_then(|f| field(f, scratch).map(<[u8]>::to_vec))
        .and_then(|v| String::from_utf8(v).ok());
    if fields.len() != columns.len() + 1 {
        return (
            id,
            Err(format!(
                "{} columns, expected {}",
                fields.len(),
                columns.len() + 1
            )),
        );
    }
    out.clear();
    out.push(b'{');
    let mut first = true;
    for &i in order {
        let (col, kind) = columns[i];
        let Some(r) = raw(i) else {
            return (id, Err(format!("{col}: missing")));
        };
        let v = field(r, scratch);
        if v.is_none() && table.added_later(col) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        write_str(out, col);
        out.push(b':');
        let Some(v) = v else {
            out.extend_from_slice(b"null");
            continue;
        };
        let parsed = |what: &str| -> Result<&str, String> {
            utf8(v).map_err(|e| format!("{col}: {what}: {e}"))
        };
        let done = match kind {
            Kind::Text | Kind::Json => parsed("text").map(|t| write_str(out, t)),
            Kind::Secret => {
                let digest = hex::encode(sha2::Sha256::digest(v));
                write_str(out, &format!("sha256:{digest}"));
                Ok(())
            }
            Kind::Int | Kind::Bool => parsed("integer").and_then(|t| {
                let i = i64::from_str(t).map_err(|_| format!("{col}: {t:?} is not an integer"))?;
                if kind == Kind::Bool {
                    out.extend_from_slice(if i != 0 { b"true" } else { b"false" });
                } else {
                    write_i64(out, i);
                }
                Ok(())
            }),
            Kind::Real => parsed("number").and_then(|t| match f64::from_str(t) {
                Ok(f) if f.is_finite() => {
                    write_f64(out, f);
                    Ok(())
                }
                Ok(_) => Err(format!("{col}: not finite")),
                Err(_) => Err(format!("{col}: {t:?} is not a number")),
            }),
        };
        if let Err(e) = done {
            return (id, Err(e));
        }
    }
    out.push(b'}');
    (id, Ok(()))
}

/// Complete lines of a COPY stream, however its chunks cut them.
#[derive(Default)]
struct Lines {
    partial: Vec<u8>,
}

impl Lines {
    /// Calls `each` with every line completed by `chunk` (without its newline).
    fn feed(
        &mut self,
        chunk: &[u8],
        mut each: impl FnMut(&[u8]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut rest = chunk;
        if !self.partial.is_empty() {
            match memchr::memchr(b'\n', rest) {
                Some(n) => {
                    self.partial.extend_from_slice(&rest[..n]);
                    let line = std::mem::take(&mut self.partial);
                    each(&line)?;
                    self.partial = line;
                    self.partial.clear();
                    rest = &rest[n + 1..];
                }
                None => {
                    self.partial.extend_from_slice(rest);
                    return Ok(());
                }
            }
        }
        while let Some(n) = memchr::memchr(b'\n', rest) {
            each(&rest[..n])?;
            rest = &rest[n + 1..];
        }
        self.partial.extend_from_slice(rest);
        Ok(())
    }
}

/// Reads events in sequence order, then every audited row, into `out` in batches, on a new
/// connection to `url` (working in `schema` if given) in the exported `snapshot`.
pub(super) async fn walk(
    url: &str,
    schema: Option<&str>,
    snapshot: &str,
    out: &SyncSender<Batch>,
    batch: usize,
) -> Result<(), StoreError> {
    let opts = PgConnectOptions::from_str(url)?;
    let mut conn = PgConnection::connect_with(&opts).await?;
    if let Some(s) = schema {
        super::check_schema_name(s)?;
        conn.execute(AssertSqlSafe(format!("SET search_path TO {s}")))
            .await?;
    }
    // Shortest text that reads back to the same double (PostgreSQL 12+ for any value above 0;
    // 17 significant digits before).
    conn.execute("SET extra_float_digits = 3").await?;
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await?;
    if !snapshot
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(StoreError::Db(sqlx::Error::Protocol(format!(
            "snapshot id {snapshot:?}"
        ))));
    }
    conn.execute(AssertSqlSafe(format!(
        "SET TRANSACTION SNAPSHOT '{snapshot}'"
    )))
    .await?;
    let closed = || StoreError::Db(sqlx::Error::WorkerCrashed);
    let mut items = Batch::with_capacity(batch);
    let mut scratch = Vec::with_capacity(4096);
    {
        let sql = format!(
            "COPY (SELECT {} FROM audit_event ORDER BY seq) TO STDOUT",
            super::verify::EVENT_COLUMNS
        );
        let mut stream = conn.copy_out_raw(&sql).await?;
        let mut lines = Lines::default();
        while let Some(chunk) = stream.try_next().await? {
            lines.feed(&chunk, |line| {
                let item = match pack(line, &mut items.text, &mut scratch) {
                    Ok(p) => Item::Packed(p),
                    Err(e) => Item::UnreadableEvent(e),
                };
                items.items.push(item);
                if items.items.len() == batch {
                    out.send(std::mem::replace(&mut items, Batch::with_capacity(batch)))
                        .map_err(|_| closed())?;
                }
                Ok(())
            })?;
        }
    }
    items.items.push(Item::EndOfEvents);
    let mut buf = Vec::with_capacity(4096);
    let mut fields = Vec::with_capacity(64);
    for table in Table::ALL {
        let sql = format!(
            "COPY (SELECT {}, CAST(id AS TEXT) FROM {}) TO STDOUT",
            table.column_list(),
            table.name()
        );
        let mut order: Vec<usize> = (0..table.columns().len()).collect();
        order.sort_by_key(|&i| table.columns()[i].0.as_bytes());
        let mut stream = conn.copy_out_raw(&sql).await?;
        let mut lines = Lines::default();
        while let Some(chunk) = stream.try_next().await? {
            lines.feed(&chunk, |line| {
                let (id, done) =
                    canonical(table, &order, line, &mut fields, &mut buf, &mut scratch);
                let digest = done.map(|()| super::checker::dig(&buf));
                items.items.push(Item::RowDigest { table, id, digest });
                if items.items.len() == batch {
                    out.send(std::mem::replace(&mut items, Batch::with_capacity(batch)))
                        .map_err(|_| closed())?;
                }
                Ok(())
            })?;
        }
    }
    if !items.items.is_empty() {
        out.send(items).map_err(|_| closed())?;
    }
    conn.execute("ROLLBACK").await?;
    conn.close().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_fields_are_unescaped_and_null_is_none() {
        let mut s = Vec::new();
        assert_eq!(field(b"\\N", &mut s), None);
        assert_eq!(field(b"plain", &mut s), Some(&b"plain"[..]));
        assert_eq!(
            field(b"a\\tb\\nc\\\\d\\re\\bf\\fg\\vh", &mut s),
            Some(&b"a\tb\nc\\d\re\x08f\x0cg\x0bh"[..])
        );
    }

    #[test]
    fn fields_are_split_at_every_tab() {
        let got: Vec<&[u8]> = Fields::new(b"a\tbc\t\td").collect();
        assert_eq!(got, [&b"a"[..], b"bc", b"", b"d"]);
        assert_eq!(Fields::new(b"").collect::<Vec<_>>(), [&b""[..]]);
        assert_eq!(Fields::new(b"\t").collect::<Vec<_>>(), [&b""[..], b""]);
    }

    #[test]
    fn lines_cut_anywhere_come_out_whole() {
        let text = b"one\ttwo\nthree\n\nfour\tfive\n";
        for cut in 0..text.len() {
            let mut lines = Lines::default();
            let mut got: Vec<Vec<u8>> = Vec::new();
            for part in [&text[..cut], &text[cut..]] {
                lines
                    .feed(part, |l| {
                        got.push(l.to_vec());
                        Ok(())
                    })
                    .unwrap();
            }
            let want: Vec<&[u8]> = vec![b"one\ttwo", b"three", b"", b"four\tfive"];
            assert_eq!(got, want, "cut at {cut}");
        }
    }
}
