//! Transactions: a connection held for a run of writes (`Conn`), on SQLite
//! the writer under `BEGIN IMMEDIATE`, on PostgreSQL a transaction. One in
//! which a statement failed never commits; dropped without `commit`, it rolls back.

use sqlx::Postgres;
use tokio::sync::OwnedMutexGuard;

use super::Db;
use crate::{Result, StoreError};

/// A connection held for a transaction (or a run of writes): on SQLite the
/// writer, on PostgreSQL a transaction. Dropped without `commit`, it rolls back.
pub struct Conn {
    pub(super) tx: Tx,
    /// A statement failed: on SQLite the transaction may hold part of it
    /// (`OR FAIL`), on PostgreSQL it is aborted; either way it never commits.
    pub(super) failed: bool,
    /// Run once the transaction has committed (never on a rollback): for
    /// what may only leave the store after its rows are durable.
    after_commit: Vec<Box<dyn FnOnce() + Send>>,
}

pub(super) enum Tx {
    Sqlite(SqliteTx),
    PgTx(sqlx::Transaction<'static, Postgres>),
}

pub struct SqliteTx {
    pub(super) conn: OwnedMutexGuard<rusqlite::Connection>,
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::db::{query, sqlite::sqlite_sql, Sqlite};

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
}
