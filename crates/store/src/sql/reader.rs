//! Reads outside a transaction on SQLite go through SQLite's C API (`rusqlite`, the same
//! `libsqlite3-sys` sqlx links) on tokio's blocking pool, not through sqlx: sqlx-sqlite runs each
//! connection on a worker thread of its own and hands every query and every row over a channel,
//! and on a page of a dozen queries and a few hundred rows those thread switches were half of the
//! server's time (issue 19, perf at 100k vials). Here a whole read — every statement of it, every
//! row — runs on one blocking thread, handed over once and back once.
//!
//! One code path for both drivers: each read is written once, as an `async fn` over a `Conn` (a
//! sqlx connection, or a read-only SQLite connection). On the SQLite side nothing it awaits can
//! wait (`Conn::fetch` runs the statement there and then), so the read's future is polled once on
//! the blocking thread and is finished (`at_once`). The SQL text is the same (`$n` parameters are
//! SQLite named parameters, bound here by name), and so is the decoding (`DbRow`, `Cells`).
//!
//! The connections are opened read-only (`SQLITE_OPEN_READ_ONLY`) on the file the store's sqlx
//! pool opened (in WAL mode): WAL readers never wait for the writer, and each statement outside a
//! transaction reads the latest commit when it starts. Writes, and reads inside a `Tx` (their own
//! writes, `begin_read` snapshots), stay on sqlx. A few idle connections are kept, each with its
//! prepared statements cached.

use crate::{
    StoreError,
    decode::{DbRow, LiteRow},
};
use rusqlite::{
    OpenFlags,
    types::{Value, ValueRef},
};
use sqlx::{AnyConnection, AssertSqlSafe};
use std::{
    future::Future,
    pin::pin,
    sync::{Arc, Mutex},
    task::{Context, Poll, Waker},
    time::Duration,
};

/// Idle reader connections kept at most (more are opened when more reads run at once, and closed
/// after).
const MAX_IDLE: usize = 8;
/// Prepared statements cached per connection (rusqlite's default is 16; a page's reads and the
/// lists use a few dozen distinct texts).
const STATEMENT_CACHE: usize = 128;

/// A connection a read runs on.
pub(super) enum Conn<'a> {
    Any(&'a mut AnyConnection),
    Lite(&'a mut rusqlite::Connection),
}

impl Conn<'_> {
    /// The rows of `sql` with `args` bound to `$1…$n` (all text), the statement kept prepared.
    pub(super) async fn fetch(
        &mut self,
        sql: &str,
        args: &[String],
    ) -> Result<Vec<DbRow>, StoreError> {
        self.run(sql, args, true).await
    }

    /// `fetch` of a statement not worth keeping prepared (its text varies with its arguments'
    /// number: `IN (…)` lists).
    pub(super) async fn fetch_once(
        &mut self,
        sql: &str,
        args: &[String],
    ) -> Result<Vec<DbRow>, StoreError> {
        self.run(sql, args, false).await
    }

    async fn run(
        &mut self,
        sql: &str,
        args: &[String],
        keep: bool,
    ) -> Result<Vec<DbRow>, StoreError> {
        match self {
            Conn::Any(c) => {
                let mut q = sqlx::query(AssertSqlSafe(sql.to_string())).persistent(keep);
                for a in args {
                    q = q.bind(a.clone());
                }
                Ok(q.fetch_all(&mut **c)
                    .await?
                    .into_iter()
                    .map(DbRow::Any)
                    .collect())
            }
            Conn::Lite(c) => {
                if keep {
                    let mut st = c.prepare_cached(sql).map_err(db)?;
                    lite_rows(&mut st, args)
                } else {
                    let mut st = c.prepare(sql).map_err(db)?;
                    lite_rows(&mut st, args)
                }
            }
        }
    }
}

fn lite_rows(st: &mut rusqlite::Statement<'_>, args: &[String]) -> Result<Vec<DbRow>, StoreError> {
    let mut name = String::with_capacity(4);
    for (i, a) in args.iter().enumerate() {
        name.clear();
        name.push('$');
        name.push_str(itoa::Buffer::new().format(i + 1));
        let at = st.parameter_index(&name).map_err(db)?.ok_or_else(|| {
            StoreError::Db(sqlx::Error::Protocol(format!(
                "sqlite: no parameter {name}"
            )))
        })?;
        st.raw_bind_parameter(at, a.as_str()).map_err(db)?;
    }
    let n = st.column_count();
    let mut rows = st.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db)? {
        let mut cells: LiteRow = Vec::with_capacity(n);
        for i in 0..n {
            cells.push(owned(r.get_ref(i).map_err(db)?)?);
        }
        out.push(DbRow::Lite(cells));
    }
    Ok(out)
}

/// A cell copied out of SQLite's buffer (text checked to be UTF-8).
fn owned(v: ValueRef<'_>) -> Result<Value, StoreError> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(
            std::str::from_utf8(t)
                .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?
                .to_string(),
        ),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    })
}

/// A rusqlite error as the store's (sqlx's `Protocol`, prefixed `sqlite:`).
pub(super) fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Db(sqlx::Error::Protocol(format!("sqlite: {e}")))
}

/// Opens `path` read-only, waiting up to 30 s on a lock (as the sqlx side does).
pub(super) fn open_read_only(path: &str) -> Result<rusqlite::Connection, StoreError> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(db)?;
    conn.busy_timeout(Duration::from_secs(30)).map_err(db)?;
    Ok(conn)
}

/// The result of a read on a `Conn::Lite`, whose future finishes when first polled (it never
/// waits: see the module's opener). One that waited would be a bug, reported as an error.
pub(super) fn at_once<T>(
    read: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    match pin!(read).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => Err(StoreError::Db(sqlx::Error::Protocol(
            "sqlite: a read through the C API waited".into(),
        ))),
    }
}

/// The SQLite file's read-only connections.
pub(super) struct Reader {
    path: String,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl Reader {
    pub(super) fn new(path: String) -> Arc<Reader> {
        Arc::new(Reader {
            path,
            idle: Mutex::new(Vec::new()),
        })
    }

    fn checkout(&self) -> Result<rusqlite::Connection, StoreError> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(c) => Ok(c),
            None => {
                let c = open_read_only(&self.path)?;
                c.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
                Ok(c)
            }
        }
    }

    fn checkin(&self, c: rusqlite::Connection) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE
        {
            idle.push(c);
        }
    }

    /// Runs `f` on a reader connection on tokio's blocking pool.
    pub(super) async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut rusqlite::Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut conn = me.checkout()?;
            let out = f(&mut conn);
            me.checkin(conn);
            out
        })
        .await
        .map_err(|_| StoreError::Db(sqlx::Error::WorkerCrashed))?
    }
}

/// Runs `$body`, a read on `$c: &mut Conn`, on `$store`'s SQLite reader when it has one (the
/// body's captures moved onto the blocking thread: pass owned values), else on a pooled sqlx
/// connection.
macro_rules! read {
    ($store:expr, |$c:ident| $body:expr) => {
        match &$store.reader {
            Some(reader) => {
                reader
                    .run(move |lite| {
                        let mut conn = $crate::sql::reader::Conn::Lite(lite);
                        let $c = &mut conn;
                        $crate::sql::reader::at_once($body)
                    })
                    .await
            }
            None => {
                let mut pooled = $store.pool.acquire().await?;
                let mut conn = $crate::sql::reader::Conn::Any(&mut *pooled);
                let $c = &mut conn;
                $body.await
            }
        }
    };
}
pub(super) use read;
