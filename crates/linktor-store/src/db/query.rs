//! The portable query layer: a statement with `$N` parameters, run on either
//! engine (`run`), its rows owned. Values cross as a few portable kinds
//! (`Value`): integers, floats, booleans, text, bytes and typed NULLs.

use std::{borrow::Cow, sync::Arc};

use super::{postgres::pg_run, sqlite::sqlite_run, transaction::Tx, Conn, Db};
use crate::{Result, StoreError};

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
    pub(super) sql: &'q str,
    pub(super) args: Vec<Value<'q>>,
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
    pub(super) rows_affected: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

pub(super) enum Output {
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

/// A result row, owned.
#[derive(Clone, Debug)]
pub struct Row {
    pub(super) names: Arc<[String]>,
    pub(super) values: Vec<Value<'static>>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_selects_count_as_reads() {
        assert!(reads_only("  select * from t"));
        assert!(!reads_only("UPDATE t SET a = 1 RETURNING a"));
        assert!(!reads_only("INSERT INTO t VALUES (1)"));
    }
}
