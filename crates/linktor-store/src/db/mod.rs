//! The two database engines behind one small query API, so the store's SQL is
//! written once (`$1`-style placeholders, portable statements) and runs on
//! either: SQLite through rusqlite, PostgreSQL through sqlx's native driver.

mod postgres;
mod query;
mod sqlite;
mod transaction;
mod wal;
#[cfg(feature = "testing")]
mod plan_check;

use std::sync::Arc;

pub use query::{query, unique_violation, Bind, ColumnIndex, Decode, Done, Kind, On, Query, Row, Value};
pub use sqlite::Sqlite;
pub(crate) use sqlite::configure_library;
pub use transaction::{Conn, SqliteTx};

/// A connected database.
#[derive(Clone)]
pub enum Db {
    Sqlite(Arc<Sqlite>),
    Postgres(sqlx::PgPool),
}

impl Db {
    pub async fn close(&self) {
        if let Db::Postgres(pool) = self {
            pool.close().await;
        }
    }
}
