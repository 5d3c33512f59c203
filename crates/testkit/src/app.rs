//! `TestApp`: the real application on 127.0.0.1 with a random port and a fresh database.

use std::path::PathBuf;
use std::sync::Arc;

use sqlx::Executor;
use tokio::sync::oneshot;
use tradeport_app::{App, Db, DbOptions, SystemClock};
use tradeport_web::{WebConfig, build_router, serve};

use crate::{pg, skip_or_fail};

/// The key a test app seals channel secrets with (32 bytes, base64).
pub const TEST_SECRETS_KEY: &str = "dGVzdC1rZXktZm9yLXNlYWxpbmctc2VjcmV0cy0zMjE=";

/// The database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// A running application with its own database; stopped when dropped.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub base_url: String,
    pub app: App,
    /// A client without cookies; make others with [`TestApp::browser_client`].
    pub client: reqwest::Client,
    pub kind: DbKind,
    /// The database URL the app uses (to start another process on it).
    pub database_url: String,
    /// The SQLite file, on SQLite.
    pub sqlite_path: Option<PathBuf>,
    /// The PostgreSQL database name, on PostgreSQL.
    pub pg_database: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: Option<tempfile::TempDir>,
    /// The app's blob store (uploaded files), to check what was kept.
    pub blobs: tradeport_connectors::blobs::LocalBlobStore,
    _blob_dir: tempfile::TempDir,
}

impl TestApp {
    /// Starts the app on a fresh database, or returns `None` (after saying why) when PostgreSQL is
    /// unavailable and not required.
    pub async fn spawn(kind: DbKind) -> Option<Self> {
        // Errors the app logs (a 5xx's cause) appear in the failing test's output.
        let filter = std::env::var("TRADEPORT_TEST_LOG").unwrap_or_else(|_| "error".into());
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        // The one TLS provider of the process, as `tradeport` installs it (webhooks' client).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let (database_url, sqlite_path, pg_database, dir) = match kind {
            DbKind::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let path = dir.path().join("tradeport.db");
                (format!("sqlite://{}?mode=rwc", path.display()), Some(path), None, Some(dir))
            }
            DbKind::Postgres => {
                let admin = match pg::admin_url() {
                    Ok(url) => url,
                    Err(why) => {
                        skip_or_fail("PostgreSQL", why, "TRADEPORT_REQUIRE_PG");
                        return None;
                    }
                };
                let name = format!("t_{}", uuid::Uuid::new_v4().simple());
                admin_execute(admin, &format!("CREATE DATABASE {name}")).await;
                (replace_database(admin, &name), None, Some(name), None)
            }
        };
        Some(Self::start(kind, database_url, sqlite_path, pg_database, dir).await)
    }

    async fn start(
        kind: DbKind,
        database_url: String,
        sqlite_path: Option<PathBuf>,
        pg_database: Option<String>,
        dir: Option<tempfile::TempDir>,
    ) -> Self {
        let db = Db::connect(&database_url, &DbOptions::default()).await.expect("the test database opens");
        db.migrate().await.expect("migrations apply");
        let blobs = tempfile::tempdir().expect("a directory for uploaded files");
        let keyring =
            tradeport_connectors::sealed::Keyring::new(TEST_SECRETS_KEY, &[]).expect("the test key is valid");
        let app = App::new(db, Arc::new(SystemClock))
            .with_blobs(tradeport_connectors::blobs::LocalBlobStore::new(blobs.path()))
            .with_keyring(keyring)
            // The stand-ins for shops and Amazon listen on 127.0.0.1 over plain HTTP.
            .with_private_channel_hosts();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("a local address"));
        let (tx, rx) = oneshot::channel::<()>();
        let router = build_router(app.clone(), &WebConfig::default());
        tokio::spawn(async move {
            let _ = serve(listener, router, async {
                let _ = rx.await;
            })
            .await;
        });
        Self {
            base_url,
            app,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a client"),
            kind,
            database_url,
            sqlite_path,
            pg_database,
            shutdown: Some(tx),
            _dir: dir,
            blobs: tradeport_connectors::blobs::LocalBlobStore::new(blobs.path()),
            _blob_dir: blobs,
        }
    }

    /// Serves `app` (this test's app configured otherwise, e.g. with a provider's stand-in) on
    /// another port, until the process ends; its base URL.
    pub async fn serve_other(app: App) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("a local address"));
        let router = build_router(app, &WebConfig::default());
        tokio::spawn(async move { serve(listener, router, std::future::pending()).await });
        base_url
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// A client that keeps cookies and follows redirects, like a browser.
    pub fn browser_client(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).build().expect("a client")
    }

    /// Runs SQL as the PostgreSQL superuser on the server's admin database (PostgreSQL only).
    pub async fn pg_admin(&self, sql: &str) {
        let admin = pg::admin_url().expect("PostgreSQL runs for a PostgreSQL test");
        admin_execute(admin, sql).await;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        // A suite makes hundreds of databases of ~20 MB each: dropping each one keeps the
        // server's disk use flat (CI machines have little disk to spare).
        if let (Some(name), Ok(admin)) = (self.pg_database.take(), pg::admin_url()) {
            drop_database(admin, &name);
        }
    }
}

/// Drops `name` (terminating the app's connections), on a thread of its own: `Drop` may run
/// inside the test's runtime, which must not be blocked on. Failures are ignored: a database
/// left behind costs disk, never a result.
fn drop_database(admin_url: &'static str, name: &str) {
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let _ = std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return;
        };
        runtime.block_on(async {
            sqlx::any::install_default_drivers();
            if let Ok(mut conn) = <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url).await {
                let _ = conn.execute(sqlx::AssertSqlSafe(sql)).await;
            }
        });
    })
    .join();
}

fn replace_database(admin_url: &str, name: &str) -> String {
    match admin_url.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => format!("{admin_url}/{name}"),
    }
}

async fn admin_execute(admin_url: &str, sql: &str) {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url)
        .await
        .expect("the PostgreSQL admin connection");
    conn.execute(sqlx::AssertSqlSafe(sql.to_string())).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}
