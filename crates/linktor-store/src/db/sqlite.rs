//! The SQLite engine: a database file with one writer connection, taken in
//! turn, and a small pool of readers; statements run on the calling thread,
//! rewritten for SQLite (`?N` parameters, `OR FAIL` inside a transaction).

use std::{
    borrow::Cow,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::sync::Mutex as AsyncMutex;

use super::{
    query::{Output, Query},
    wal::spawn_checkpointer,
    Done, Kind, Row, Value,
};
use crate::{Result, StoreError};

/// Idle read connections kept open (more are opened under load, then closed).
const IDLE_READERS: usize = 8;
/// Prepared statements kept per SQLite connection.
const STATEMENT_CACHE: usize = 256;

/// A SQLite database, run through rusqlite on the calling thread. A query on
/// a page-cached database takes microseconds, far less than handing it to a
/// worker thread and back, which is what sqlx's SQLite driver does for every
/// statement (that hand-off was most of the server's time per message).
/// Reads use a small pool of connections; every write goes through the one
/// writer connection, taken in turn (SQLite has one writer anyway), so no
/// writer ever waits in SQLite's busy handler.
pub struct Sqlite {
    path: PathBuf,
    synchronous: &'static str,
    pub(super) writer: Arc<AsyncMutex<rusqlite::Connection>>,
    readers: Mutex<Vec<rusqlite::Connection>>,
    /// The checkpoint thread runs while this lives.
    _alive: Arc<()>,
}

/// Process-wide SQLite settings, made before the library's first use (later
/// they cannot change, and SQLite answers `SQLITE_MISUSE`, which is harmless).
/// Memory statistics off: SQLite otherwise takes a global mutex around every
/// allocation to count it, and nothing here reads the counts.
pub(crate) fn configure_library() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `SQLITE_CONFIG_MEMSTATUS` takes one int; sqlite3_config
        // checks that the library is not yet initialised.
        let rc = unsafe { rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::os::raw::c_int) };
        if rc != rusqlite::ffi::SQLITE_OK {
            tracing::debug!(rc, "SQLite was already initialised: memory statistics stay on");
        }
    });
}

impl Sqlite {
    /// Opens (creating it if needed) the database file at `path`.
    pub fn open(path: &Path, full_sync: bool) -> Result<Self> {
        let synchronous = if full_sync { "FULL" } else { "NORMAL" };
        let writer = open_connection(path, synchronous)?;
        // The writer's page cache holds the indexes a batch of messages
        // touches (2 MB by default: pages then spill to the WAL mid-transaction
        // and are read back). Readers keep the default and the OS's cache.
        writer.execute_batch("PRAGMA cache_size=-65536")?;
        let alive = Arc::new(());
        let writer = Arc::new(AsyncMutex::new(writer));
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        spawn_checkpointer(open_connection(path, synchronous)?, wal.into(), writer.clone(), Arc::downgrade(&alive))?;
        Ok(Self {
            path: path.to_owned(),
            synchronous,
            writer,
            readers: Mutex::new(Vec::new()),
            _alive: alive,
        })
    }

    pub(super) fn read<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> Result<T>) -> Result<T> {
        let pooled = self.readers.lock().expect("reader pool").pop();
        let conn = match pooled {
            Some(c) => c,
            None => open_connection(&self.path, self.synchronous)?,
        };
        let out = f(&conn);
        let mut idle = self.readers.lock().expect("reader pool");
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        out
    }
}

fn open_connection(path: &Path, synchronous: &str) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
    // WAL lets readers run beside the one writer; NORMAL loses nothing when
    // the process dies (only the last commits on a power loss). Statement
    // journals (a multi-row statement's undo) stay in memory, not temp files.
    conn.execute_batch(&format!(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=-1;"
    ))?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// The SQL as SQLite runs it. `$12` → `?12`: SQLite numbers `?NNN`
/// parameters exactly as written, so no name lookup is needed to bind them.
///
/// In a write transaction (`in_tx`), `INSERT` and `UPDATE` run `OR FAIL`: a
/// failing statement then keeps what it changed before the failure instead
/// of undoing it, so SQLite needs no statement journal for it (a copy of
/// every page a multi-row statement touches, made so that it can undo it:
/// an eighth of the message writer's time). Nothing partial survives,
/// because a transaction in which a statement failed is never committed
/// (`Conn::commit` refuses it; dropped, it rolls back). A table with a
/// foreign key declared without `DEFERRABLE INITIALLY DEFERRED` still gets
/// one for a multi-row insert (a foreign-key failure always undoes its
/// statement): `messages` and `webhook_deliveries` are such tables, about
/// 5% of the writer's time.
pub(super) fn sqlite_sql(sql: &str, in_tx: bool) -> Cow<'_, str> {
    let body = sql.trim_start();
    let (verb, rest) = match body.get(..7) {
        Some(head) if in_tx && head.eq_ignore_ascii_case("insert ") => ("INSERT OR FAIL ", &body[7..]),
        Some(head) if in_tx && head.eq_ignore_ascii_case("update ") => ("UPDATE OR FAIL ", &body[7..]),
        _ if !sql.contains('$') => return Cow::Borrowed(sql),
        _ => ("", body),
    };
    let mut out = String::with_capacity(verb.len() + rest.len());
    out.push_str(verb);
    let mut chars = rest.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '$' && chars.peek().is_some_and(|c| c.is_ascii_digit()) {
            out.push('?');
        } else {
            out.push(ch);
        }
    }
    Cow::Owned(out)
}

pub(super) fn sqlite_run(conn: &rusqlite::Connection, q: &Query<'_>, want_rows: bool, in_tx: bool) -> Result<Output> {
    use rusqlite::types::{ToSqlOutput, ValueRef as SqlRef};
    let sql = sqlite_sql(q.sql, in_tx);
    #[cfg(feature = "testing")]
    super::plan_check::check(conn, &sql);
    let mut stmt = conn.prepare_cached(&sql)?;
    for i in 1..=stmt.parameter_count() {
        let value = q.args.get(i - 1).ok_or_else(|| StoreError::Corrupt(format!("no value for parameter ${i}")))?;
        let bound = match value {
            Value::Null(_) => ToSqlOutput::Borrowed(SqlRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(SqlRef::Integer(*v)),
            Value::Float(v) => ToSqlOutput::Borrowed(SqlRef::Real(*v)),
            Value::Bool(v) => ToSqlOutput::Borrowed(SqlRef::Integer(*v as i64)),
            Value::Text(v) => ToSqlOutput::Borrowed(SqlRef::Text(v.as_bytes())),
            Value::Bytes(v) => ToSqlOutput::Borrowed(SqlRef::Blob(v)),
        };
        stmt.raw_bind_parameter(i, bound)?;
    }
    let names: Arc<[String]> = if want_rows { stmt.column_names().into_iter().map(str::to_owned).collect() } else { Arc::new([]) };
    let width = names.len();
    let mut out = Vec::new();
    let mut rows = stmt.raw_query();
    while let Some(r) = rows.next()? {
        if !want_rows {
            continue;
        }
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            values.push(match r.get_ref(i)? {
                SqlRef::Null => Value::Null(Kind::Text),
                SqlRef::Integer(v) => Value::Int(v),
                SqlRef::Real(v) => Value::Float(v),
                SqlRef::Text(t) => Value::Text(Cow::Owned(
                    std::str::from_utf8(t).map_err(|e| StoreError::Corrupt(format!("{}: {e}", names[i])))?.to_owned(),
                )),
                SqlRef::Blob(b) => Value::Bytes(Cow::Owned(b.to_vec())),
            });
        }
        out.push(Row { names: names.clone(), values });
    }
    drop(rows);
    Ok(if want_rows { Output::Rows(out) } else { Output::Done(Done { rows_affected: conn.changes() }) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_keep_their_numbers_on_sqlite() {
        assert_eq!(sqlite_sql("SELECT $1, $12 WHERE a = $2 AND b = $1", false), "SELECT ?1, ?12 WHERE a = ?2 AND b = ?1");
        assert_eq!(sqlite_sql("SELECT 'x$' || $1", true), "SELECT 'x$' || ?1");
        assert!(matches!(sqlite_sql("SELECT 1", true), Cow::Borrowed(_)));
    }

    #[test]
    fn writes_in_a_transaction_fail_without_a_statement_journal() {
        assert_eq!(sqlite_sql("  insert INTO t VALUES ($1)", true), "INSERT OR FAIL INTO t VALUES (?1)");
        assert_eq!(sqlite_sql("UPDATE t SET a = 1", true), "UPDATE OR FAIL t SET a = 1");
        assert_eq!(sqlite_sql("UPDATE t SET a = 1", false), "UPDATE t SET a = 1");
        assert_eq!(sqlite_sql("DELETE FROM t WHERE a = $1", true), "DELETE FROM t WHERE a = ?1");
    }
}
