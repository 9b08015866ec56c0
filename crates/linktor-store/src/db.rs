//! The two database engines behind one small query API, so the store's SQL is
//! written once (`$1`-style placeholders, portable statements) and runs on
//! either.
//!
//! - **SQLite** through rusqlite, run on the calling thread. A query on a
//!   page-cached database takes microseconds, far less than handing it to a
//!   worker thread and back, which is what sqlx's SQLite driver does for
//!   every statement (that hand-off was most of the server's time per
//!   message). Reads use a small pool of connections; every write goes
//!   through the one writer connection, taken in turn (SQLite has one writer
//!   anyway), so no writer ever waits in SQLite's busy handler.
//! - **PostgreSQL** through sqlx's native driver.
//!
//! Values cross as a few portable kinds (`Value`): integers, floats, booleans,
//! text, bytes and typed NULLs.

use std::{
    borrow::Cow,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

use sqlx::{postgres::PgRow, Column, Postgres, Row as _, TypeInfo, ValueRef};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use crate::{Result, StoreError};

/// Idle read connections kept open (more are opened under load, then closed).
const IDLE_READERS: usize = 8;
/// Prepared statements kept per SQLite connection.
const STATEMENT_CACHE: usize = 256;

/// A connected database.
#[derive(Clone)]
pub enum Db {
    Sqlite(Arc<Sqlite>),
    Postgres(sqlx::PgPool),
}

pub struct Sqlite {
    path: PathBuf,
    synchronous: &'static str,
    writer: Arc<AsyncMutex<rusqlite::Connection>>,
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

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

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

    fn read<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> Result<T>) -> Result<T> {
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

/// WAL pages (4 KB each, so 256 MB) after which the log is started again
/// from its beginning. Not lower: the restart holds the writer for 20–30 ms
/// (mostly two fsyncs) whatever the size, and at 64 MB it came every half
/// second under load.
const RESTART_WAL_PAGES: i64 = 65_536;

/// Writes stopped for this long, the WAL file is cut back to nothing...
const TRUNCATE_WHEN_IDLE_FOR: Duration = if cfg!(test) { Duration::from_millis(300) } else { Duration::from_secs(10) };
/// ... when it is larger than this.
const TRUNCATE_WAL_ABOVE: u64 = if cfg!(test) { 0 } else { 64 << 20 };

/// Checkpoints on a thread of their own: SQLite otherwise runs one inside
/// the commit that crosses 1,000 WAL pages, and that commit (a request or a
/// batch of messages) waits for the copy and its fsync. A passive checkpoint
/// takes no lock that writers or readers wait for, but it never starts the
/// log again while writes keep coming (the last commit is always newer than
/// what it copied): under steady load the WAL grew without end (900 MB in a
/// 6 s benchmark), and every page read searches the WAL's index, which
/// grows with it. So once the log passes `RESTART_WAL_PAGES`, a second
/// passive checkpoint copies what came during the first, and a restart
/// checkpoint then runs on the writer's own connection, taken in turn
/// between two batches: it copies the little that is left and waits for the
/// reads in flight, and the next commit writes from the log's beginning.
/// (A restart on the checkpointer's connection instead waited for SQLite's
/// write lock in the busy handler's sleeps, 0.3–2 s under steady writes,
/// and then held it.)
///
/// The file keeps its size when the log starts again (`journal_size_limit`
/// is -1): SQLite otherwise cuts it back in the first commit after the
/// restart, and cutting 256 MB held that batch of messages for 80–100 ms,
/// most of the API→visitor p99. The file is truncated instead once writes
/// have stopped for `TRUNCATE_WHEN_IDLE_FOR`, when no one waits for it.
fn spawn_checkpointer(conn: rusqlite::Connection, wal: PathBuf, writer: Arc<AsyncMutex<rusqlite::Connection>>, alive: std::sync::Weak<()>) -> Result<()> {
    let spawned = std::thread::Builder::new().name("sqlite-checkpoint".into()).spawn(move || {
        // (frames in the log, frames copied into the database)
        let checkpoint = |c: &rusqlite::Connection, mode: &str| {
            c.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))
        };
        let mut last = (-1, -1);
        let mut idle_since = std::time::Instant::now();
        let mut ahead = WalReadAhead::new(&conn, wal.clone());
        while alive.upgrade().is_some() {
            std::thread::sleep(CHECKPOINT_EVERY);
            let passive = checkpoint(&conn, "PASSIVE");
            if let Ok((frames, _)) = passive {
                ahead.past(frames);
            }
            let done = match passive {
                Ok((pages, _)) if pages >= RESTART_WAL_PAGES => {
                    checkpoint(&conn, "PASSIVE").and_then(|_| checkpoint(&writer.blocking_lock(), "RESTART")).map(drop)
                }
                Ok(now) => {
                    if now != last {
                        (last, idle_since) = (now, std::time::Instant::now());
                    }
                    // The file's size is asked only once writes have stopped.
                    let idle = now.0 == now.1 && idle_since.elapsed() >= TRUNCATE_WHEN_IDLE_FOR;
                    if idle && std::fs::metadata(&wal).is_ok_and(|m| m.len() > TRUNCATE_WAL_ABOVE) {
                        checkpoint(&writer.blocking_lock(), "TRUNCATE").map(drop)
                    } else {
                        Ok(())
                    }
                }
                Err(e) => Err(e),
            };
            if let Err(e) = done {
                tracing::warn!(error = %e, "SQLite checkpoint failed");
            }
        }
    });
    spawned.map(drop).map_err(|e| StoreError::Corrupt(format!("cannot start the SQLite checkpoint thread: {e}")))
}

/// How far past the log's end the checkpointer has the WAL file read into
/// the page cache: more than the writer adds between two checkpoints (about
/// 25 MB at 30,000 messages a second) ...
const WAL_READ_AHEAD: u64 = 64 << 20;
/// ... asked for in pieces: Linux reads at most a few MB of one request.
const WAL_READ_AHEAD_PIECE: u64 = 2 << 20;

/// Keeps the part of the WAL file the writer overwrites next in the page
/// cache. A WAL frame is a page plus a 24-byte header, so nearly every write
/// covers only part of a file page, and when that page has left the cache
/// (memory pressure, or a host that reclaims page cache it sees as idle, as
/// this project's machines do) the kernel reads it from disk inside the
/// writer's `pwrite` while the batch waits. After a restart the log is
/// written again from the start of a file that keeps its size, over pages
/// last touched a cycle ago: in the benchmark's API phase the message writer
/// read 504 pages that way in 3 s, each stalling its commit by milliseconds.
/// So after each checkpoint the checkpointer asks the kernel to read the
/// stretch after the log's end (`POSIX_FADV_WILLNEED` starts the reads and
/// returns; a page still cached costs a lookup). With it: 9 reads in 3 s.
struct WalReadAhead {
    path: PathBuf,
    file: Option<std::fs::File>,
    /// Bytes per frame: the page size and the frame header.
    frame: u64,
}

impl WalReadAhead {
    fn new(conn: &rusqlite::Connection, path: PathBuf) -> Self {
        let page: u64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap_or(4096);
        Self { path, file: None, frame: page + 24 }
    }

    /// `frames`: the log's length, as the last checkpoint reported it.
    fn past(&mut self, frames: i64) {
        const WAL_HEADER: u64 = 32;
        let Ok(frames) = u64::try_from(frames) else { return };
        if self.file.is_none() {
            self.file = std::fs::File::open(&self.path).ok();
        }
        let Some(file) = &self.file else { return };
        let end = WAL_HEADER + frames * self.frame;
        for piece in (end..end + WAL_READ_AHEAD).step_by(WAL_READ_AHEAD_PIECE as usize) {
            if let Err(e) = will_need(file, piece, WAL_READ_AHEAD_PIECE) {
                tracing::debug!(error = %e, "reading the WAL file ahead failed");
                self.file = None;
                return;
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn will_need(file: &std::fs::File, offset: u64, len: u64) -> std::io::Result<()> {
    rustix::fs::fadvise(file, offset, std::num::NonZeroU64::new(len), rustix::fs::Advice::WillNeed).map_err(Into::into)
}

#[cfg(not(target_os = "linux"))]
fn will_need(_: &std::fs::File, _: u64, _: u64) -> std::io::Result<()> {
    Ok(())
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

/// What kind of NULL a parameter is: PostgreSQL wants a typed one.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Int,
    Float,
    Bool,
    Text,
    Bytes,
}

/// One parameter or column value.
#[derive(Clone, Debug)]
pub enum Value<'a> {
    Null(Kind),
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(Cow<'a, str>),
    Bytes(Cow<'a, [u8]>),
}

/// A Rust value that binds as a parameter.
pub trait Bind<'a> {
    const KIND: Kind;
    fn value(self) -> Value<'a>;
}

macro_rules! bind_as {
    ($kind:ident, $($t:ty => |$v:ident| $e:expr),* $(,)?) => {$(
        impl<'a> Bind<'a> for $t {
            const KIND: Kind = Kind::$kind;
            fn value(self) -> Value<'a> {
                let $v = self;
                $e
            }
        }
    )*};
}
bind_as!(Int, i64 => |v| Value::Int(v));
bind_as!(Float, f64 => |v| Value::Float(v));
bind_as!(Bool, bool => |v| Value::Bool(v));
bind_as!(Text, &'a str => |v| Value::Text(Cow::Borrowed(v)), &'a String => |v| Value::Text(Cow::Borrowed(v.as_str())), String => |v| Value::Text(Cow::Owned(v)));
bind_as!(Bytes, &'a [u8] => |v| Value::Bytes(Cow::Borrowed(v)), Vec<u8> => |v| Value::Bytes(Cow::Owned(v)));

impl<'a, T: Bind<'a>> Bind<'a> for Option<T> {
    const KIND: Kind = T::KIND;
    fn value(self) -> Value<'a> {
        match self {
            Some(v) => v.value(),
            None => Value::Null(T::KIND),
        }
    }
}

/// A statement and its parameters (`$1`, `$2`, … in the SQL).
pub struct Query<'q> {
    sql: &'q str,
    args: Vec<Value<'q>>,
}

pub fn query(sql: &str) -> Query<'_> {
    Query { sql, args: Vec::new() }
}

/// Where a statement runs: the database (a pooled connection; on SQLite,
/// the writer for anything but a read) or a connection held for a
/// transaction.
pub enum On<'c> {
    Db(&'c Db),
    Conn(&'c mut Conn),
}

impl<'c> From<&'c Db> for On<'c> {
    fn from(db: &'c Db) -> Self {
        On::Db(db)
    }
}

impl<'c> From<&'c mut Conn> for On<'c> {
    fn from(c: &'c mut Conn) -> Self {
        On::Conn(c)
    }
}

impl<'c> From<&'c mut &mut Conn> for On<'c> {
    fn from(c: &'c mut &mut Conn) -> Self {
        On::Conn(c)
    }
}

/// What a statement that returns no rows did.
#[derive(Clone, Copy, Debug)]
pub struct Done {
    rows_affected: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

enum Output {
    Rows(Vec<Row>),
    Done(Done),
}

impl<'q> Query<'q> {
    pub fn bind<T: Bind<'q>>(mut self, value: T) -> Self {
        self.args.push(value.value());
        self
    }

    pub async fn fetch_all<'c>(self, on: impl Into<On<'c>>) -> Result<Vec<Row>> {
        match run(on.into(), self, true).await? {
            Output::Rows(rows) => Ok(rows),
            Output::Done(_) => unreachable!("asked for rows"),
        }
    }

    pub async fn fetch_optional<'c>(self, on: impl Into<On<'c>>) -> Result<Option<Row>> {
        Ok(self.fetch_all(on).await?.into_iter().next())
    }

    pub async fn fetch_one<'c>(self, on: impl Into<On<'c>>) -> Result<Row> {
        self.fetch_optional(on).await?.ok_or(StoreError::NotFound)
    }

    pub async fn execute<'c>(self, on: impl Into<On<'c>>) -> Result<Done> {
        match run(on.into(), self, false).await? {
            Output::Done(done) => Ok(done),
            Output::Rows(_) => unreachable!("asked for a count"),
        }
    }
}

/// Whether a statement only reads (runs on a read connection on SQLite).
fn reads_only(sql: &str) -> bool {
    let head = sql.trim_start().get(..6).unwrap_or_default();
    head.eq_ignore_ascii_case("select")
}

async fn run(on: On<'_>, q: Query<'_>, rows: bool) -> Result<Output> {
    match on {
        On::Db(Db::Sqlite(s)) if reads_only(q.sql) => s.read(|c| sqlite_run(c, &q, rows, false)),
        On::Db(Db::Sqlite(s)) => sqlite_run(&*s.writer.lock().await, &q, rows, false),
        On::Db(Db::Postgres(pool)) => pg_run(pool, q, rows).await,
        On::Conn(conn) => {
            let out = match &mut conn.tx {
                Tx::Sqlite(c) => sqlite_run(&c.conn, &q, rows, true),
                Tx::PgTx(tx) => pg_run(&mut **tx, q, rows).await,
            };
            conn.failed |= out.is_err();
            out
        }
    }
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
fn sqlite_sql(sql: &str, in_tx: bool) -> Cow<'_, str> {
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

fn sqlite_run(conn: &rusqlite::Connection, q: &Query<'_>, want_rows: bool, in_tx: bool) -> Result<Output> {
    use rusqlite::types::{ToSqlOutput, ValueRef as SqlRef};
    let sql = sqlite_sql(q.sql, in_tx);
    #[cfg(feature = "testing")]
    plan_check::check(conn, &sql);
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

async fn pg_run<'e, E: sqlx::PgExecutor<'e>>(on: E, q: Query<'_>, want_rows: bool) -> Result<Output> {
    let mut pq = sqlx::query::<Postgres>(q.sql);
    for value in q.args {
        pq = match value {
            Value::Null(Kind::Int) => pq.bind(None::<i64>),
            Value::Null(Kind::Float) => pq.bind(None::<f64>),
            Value::Null(Kind::Bool) => pq.bind(None::<bool>),
            Value::Null(Kind::Text) => pq.bind(None::<String>),
            Value::Null(Kind::Bytes) => pq.bind(None::<Vec<u8>>),
            Value::Int(v) => pq.bind(v),
            Value::Float(v) => pq.bind(v),
            Value::Bool(v) => pq.bind(v),
            Value::Text(v) => pq.bind(v.into_owned()),
            Value::Bytes(v) => pq.bind(v.into_owned()),
        };
    }
    if !want_rows {
        return Ok(Output::Done(Done { rows_affected: pq.execute(on).await?.rows_affected() }));
    }
    let rows = pq.fetch_all(on).await?;
    let Some(first) = rows.first() else { return Ok(Output::Rows(Vec::new())) };
    let names: Arc<[String]> = first.columns().iter().map(|c| c.name().to_owned()).collect();
    rows.iter().map(|r| pg_row(r, &names)).collect::<Result<_>>().map(Output::Rows)
}

fn pg_row(r: &PgRow, names: &Arc<[String]>) -> Result<Row> {
    let mut values = Vec::with_capacity(names.len());
    for (i, col) in r.columns().iter().enumerate() {
        if r.try_get_raw(i)?.is_null() {
            values.push(Value::Null(Kind::Text));
            continue;
        }
        values.push(match col.type_info().name() {
            "INT8" => Value::Int(r.try_get(i)?),
            "INT4" => Value::Int(r.try_get::<i32, _>(i)?.into()),
            "INT2" => Value::Int(r.try_get::<i16, _>(i)?.into()),
            "BOOL" => Value::Bool(r.try_get(i)?),
            "FLOAT8" => Value::Float(r.try_get(i)?),
            "FLOAT4" => Value::Float(r.try_get::<f32, _>(i)?.into()),
            "BYTEA" => Value::Bytes(Cow::Owned(r.try_get(i)?)),
            _ => Value::Text(Cow::Owned(r.try_get(i)?)),
        });
    }
    Ok(Row { names: names.clone(), values })
}

/// A result row, owned.
#[derive(Clone, Debug)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Value<'static>>,
}

/// A column, by name or position.
pub trait ColumnIndex {
    fn index(&self, row: &Row) -> Result<usize>;
}

impl ColumnIndex for &str {
    fn index(&self, row: &Row) -> Result<usize> {
        row.names.iter().position(|n| n == self).ok_or_else(|| StoreError::Corrupt(format!("no column `{self}` in the result")))
    }
}

impl ColumnIndex for usize {
    fn index(&self, row: &Row) -> Result<usize> {
        (*self < row.values.len()).then_some(*self).ok_or_else(|| StoreError::Corrupt(format!("no column {self} in the result")))
    }
}

/// A Rust value a column decodes to.
pub trait Decode: Sized {
    fn decode(value: &Value<'_>) -> Option<Self>;
}

impl Decode for i64 {
    fn decode(value: &Value<'_>) -> Option<Self> {
        match value {
            Value::Int(v) => Some(*v),
            Value::Bool(v) => Some(*v as i64),
            _ => None,
        }
    }
}

impl Decode for f64 {
    fn decode(value: &Value<'_>) -> Option<Self> {
        match value {
            Value::Float(v) => Some(*v),
            Value::Int(v) => Some(*v as f64),
            _ => None,
        }
    }
}

impl Decode for bool {
    fn decode(value: &Value<'_>) -> Option<Self> {
        match value {
            Value::Bool(v) => Some(*v),
            Value::Int(v) => Some(*v != 0),
            _ => None,
        }
    }
}

impl Decode for String {
    fn decode(value: &Value<'_>) -> Option<Self> {
        match value {
            Value::Text(v) => Some(v.to_string()),
            _ => None,
        }
    }
}

impl Decode for Vec<u8> {
    fn decode(value: &Value<'_>) -> Option<Self> {
        match value {
            Value::Bytes(v) => Some(v.to_vec()),
            Value::Text(v) => Some(v.as_bytes().to_vec()),
            _ => None,
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(value: &Value<'_>) -> Option<Self> {
        match value {
            Value::Null(_) => Some(None),
            v => T::decode(v).map(Some),
        }
    }
}

impl Row {
    /// The column `index` as a `T` (the second parameter mirrors sqlx's, so
    /// `try_get::<T, _>(…)` reads the same).
    pub fn try_get<T: Decode, I: ColumnIndex>(&self, index: I) -> Result<T> {
        let i = index.index(self)?;
        T::decode(&self.values[i]).ok_or_else(|| {
            StoreError::Corrupt(format!("column `{}` holds {:?}, not a {}", self.names[i], self.values[i], std::any::type_name::<T>()))
        })
    }
}

/// A connection held for a transaction (or a run of writes): on SQLite the
/// writer, on PostgreSQL a transaction. Dropped without `commit`, it rolls back.
pub struct Conn {
    tx: Tx,
    /// A statement failed: on SQLite the transaction may hold part of it
    /// (`OR FAIL`), on PostgreSQL it is aborted; either way it never commits.
    failed: bool,
    /// Run once the transaction has committed (never on a rollback): for
    /// what may only leave the store after its rows are durable.
    after_commit: Vec<Box<dyn FnOnce() + Send>>,
}

enum Tx {
    Sqlite(SqliteTx),
    PgTx(sqlx::Transaction<'static, Postgres>),
}

pub struct SqliteTx {
    conn: OwnedMutexGuard<rusqlite::Connection>,
    open: bool,
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl Db {
    /// A write transaction. On SQLite it takes the writer and the write lock
    /// up front (`BEGIN IMMEDIATE`), so a read-then-write transaction never
    /// fails with "database is locked" halfway.
    pub async fn begin_write(&self) -> Result<Conn> {
        match self {
            Db::Sqlite(s) => {
                let conn = s.writer.clone().lock_owned().await;
                // Not `PRAGMA defer_foreign_keys` here: setting any flag
                // pragma expires every prepared statement of the connection,
                // so each transaction's statements were compiled again.
                conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
                Ok(Conn { tx: Tx::Sqlite(SqliteTx { conn, open: true }), failed: false, after_commit: Vec::new() })
            }
            Db::Postgres(pool) => Ok(Conn { tx: Tx::PgTx(pool.begin().await?), failed: false, after_commit: Vec::new() }),
        }
    }

    pub async fn close(&self) {
        if let Db::Postgres(pool) = self {
            pool.close().await;
        }
    }
}

impl Conn {
    /// Commits, unless a statement of the transaction failed: then it rolls
    /// back and says so (PostgreSQL would answer such a COMMIT with a silent ROLLBACK).
    pub async fn commit(self) -> Result<()> {
        if self.failed {
            return Err(StoreError::Corrupt("a statement of this transaction failed; it was rolled back".into()));
        }
        match self.tx {
            Tx::Sqlite(mut tx) => {
                tx.conn.prepare_cached("COMMIT")?.execute([])?;
                tx.open = false;
            }
            Tx::PgTx(tx) => tx.commit().await?,
        }
        for f in self.after_commit {
            f();
        }
        Ok(())
    }

    /// Runs `f` after this transaction commits; dropped if it rolls back.
    pub fn after_commit(&mut self, f: impl FnOnce() + Send + 'static) {
        self.after_commit.push(Box::new(f));
    }
}

/// Whether an error is a unique-constraint violation.
pub fn unique_violation(e: &StoreError) -> bool {
    match e {
        StoreError::Db(sqlx::Error::Database(d)) => d.is_unique_violation(),
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
            f.code == rusqlite::ErrorCode::ConstraintViolation
                && matches!(f.extended_code, rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
        }
        _ => false,
    }
}

/// Under test, every statement's SQLite query plan is looked at once: a
/// full scan of a table that grows with traffic fails the test, so a query
/// that silently stops using its index (as one did) is caught.
#[cfg(feature = "testing")]
mod plan_check {
    use std::{collections::HashSet, sync::Mutex};

    /// Tables that grow with every visitor or message.
    const GROWING: [&str; 5] = ["messages", "conversations", "visitors", "webhook_deliveries", "agent_sessions"];
    /// Statements that scan on purpose: rare maintenance, not the hot path
    /// (a visitor's retention is a per-row expression no index can serve).
    const MAY_SCAN: [&str; 1] = ["DELETE FROM visitors WHERE retention_days IS NOT NULL"];

    static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

    pub fn check(conn: &rusqlite::Connection, sql: &str) {
        if !SEEN.lock().unwrap().get_or_insert_with(HashSet::new).insert(sql.to_owned()) {
            return;
        }
        if MAY_SCAN.iter().any(|m| sql.starts_with(m)) || sql.trim_start().to_ascii_uppercase().starts_with("PRAGMA") {
            return;
        }
        let Ok(mut stmt) = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")) else { return };
        // Parameters stay unbound (NULL): the plan does not depend on them.
        let mut rows = stmt.raw_query();
        let mut details = Vec::new();
        while let Some(r) = rows.next().expect("query plan") {
            details.push(r.get::<_, String>(3).expect("plan detail"));
        }
        for d in &details {
            let scanned = d.strip_prefix("SCAN ").map(|t| t.split_whitespace().next().unwrap_or_default());
            if let Some(table) = scanned.filter(|t| GROWING.contains(t)) {
                panic!("full scan of `{table}`:\n{sql}\nplan: {details:?}");
            }
        }
    }
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

    /// A flag pragma (`defer_foreign_keys`, say) run in each transaction
    /// expires every prepared statement: the writer then compiled its
    /// statements again for every batch, a quarter of its time.
    #[tokio::test]
    async fn write_transactions_keep_the_writer_statements_compiled() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::Sqlite(Arc::new(Sqlite::open(&dir.path().join("t.db"), false).expect("open")));
        query("CREATE TABLE t (a BIGINT NOT NULL)").execute(&db).await.expect("create");
        let insert = "INSERT INTO t (a) VALUES ($1)";
        for a in 0..3i64 {
            let mut tx = db.begin_write().await.expect("begin");
            query(insert).bind(a).execute(&mut tx).await.expect("insert");
            tx.commit().await.expect("commit");
        }
        let Db::Sqlite(s) = &db else { unreachable!() };
        let conn = s.writer.lock().await;
        let stmt = conn.prepare_cached(&sqlite_sql(insert, true)).expect("cached");
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0, "the insert was compiled again");
        drop(stmt);
        let rows: i64 = conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).expect("count");
        assert_eq!(rows, 3);
    }

    #[tokio::test]
    async fn the_wal_file_is_cut_back_once_writes_stop() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.db");
        let db = Db::Sqlite(Arc::new(Sqlite::open(&path, false).expect("open")));
        query("CREATE TABLE t (a TEXT NOT NULL)").execute(&db).await.expect("create");
        for _ in 0..50 {
            let mut tx = db.begin_write().await.expect("begin");
            query("INSERT INTO t (a) VALUES ($1)").bind("x".repeat(4000)).execute(&mut tx).await.expect("insert");
            tx.commit().await.expect("commit");
        }
        let wal = dir.path().join("t.db-wal");
        let size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert!(size() > 200_000, "the WAL holds the writes: {} bytes", size());
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while size() > 0 && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(size(), 0, "the idle WAL was not truncated");
        let rows = query("SELECT count(*) AS n FROM t").fetch_one(&db).await.expect("count");
        assert_eq!(rows.try_get::<i64, _>("n").expect("n"), 50, "what the WAL held is in the database");
    }

    #[test]
    fn only_selects_count_as_reads() {
        assert!(reads_only("  select * from t"));
        assert!(!reads_only("UPDATE t SET a = 1 RETURNING a"));
        assert!(!reads_only("INSERT INTO t VALUES (1)"));
    }
}
