//! Test databases: a fresh SQLite file, or a PostgreSQL database created for
//! one test and dropped after it (even when the test panics). PostgreSQL is
//! found at `LINKTOR_TEST_POSTGRES_URL` (default the local server); when it is
//! unreachable the test fails, it never passes silently.

use crate::Store;

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres_db: Option<(String, String)>,
}

fn admin_url() -> String {
    std::env::var("LINKTOR_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES.to_owned())
}

fn with_database(url: &str, db: &str) -> String {
    let mut u = url::Url::parse(url).expect("LINKTOR_TEST_POSTGRES_URL is a URL");
    u.set_path(db);
    u.to_string()
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("linktor.db").display());
        let store = Store::connect(&url).await.expect("open SQLite");
        Self { store, url, _dir: Some(dir), postgres_db: None }
    }

    pub async fn postgres() -> Self {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let admin = admin_url();
        let name = format!("linktor_test_{}", linktor_core::random_token(12).to_lowercase());
        let mut conn = sqlx::AnyConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is required for this test: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
        conn.close().await.ok();
        let url = with_database(&admin, &name);
        let store = Store::connect(&url).await.expect("open PostgreSQL test database");
        Self { store, url, _dir: None, postgres_db: Some((admin, name)) }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres_db.take() else { return };
        // Drop cannot await, and the test's runtime may be the one blocked here:
        // a short-lived runtime on its own thread drops the database, and
        // FORCE ends the pool's connections from the server side.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::AnyConnection::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}
