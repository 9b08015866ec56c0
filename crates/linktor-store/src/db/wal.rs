//! The WAL machinery: a thread that checkpoints the SQLite log off the
//! writer's path, starts it again before it grows without end, and keeps the
//! stretch the writer overwrites next in the page cache.

use std::{path::PathBuf, sync::Arc, time::Duration};

use tokio::sync::Mutex as AsyncMutex;

use crate::{Result, StoreError};

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

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
pub(super) fn spawn_checkpointer(conn: rusqlite::Connection, wal: PathBuf, writer: Arc<AsyncMutex<rusqlite::Connection>>, alive: std::sync::Weak<()>) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{query, Db, Sqlite};

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
}
