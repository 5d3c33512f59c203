//! Pools and transactions for SQLite and PostgreSQL.
//!
//! SQLite allows one writer at a time, so writes go through one connection that opens
//! transactions with `BEGIN IMMEDIATE` (no lock upgrades, so no `SQLITE_BUSY` deadlocks) and
//! commits the units of work waiting for it together (`group_commit`), while reads use a pool
//! of several connections (WAL lets them run beside the writer). On PostgreSQL both are the
//! same pool and every transaction commits alone.

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Executor};

use crate::StoreResult;
use crate::group_commit::{GroupCommit, GroupCommitStats, Unit, Writer};

/// The database product behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// An open write transaction (on SQLite: a unit of work in the writer's open batch, see
/// `group_commit`); commit it or it rolls back when dropped.
pub struct Tx(TxKind);

enum TxKind {
    Postgres(sqlx::Transaction<'static, Any>),
    Sqlite(Unit),
}

impl Tx {
    /// Commits; returns once the write is durable.
    pub async fn commit(self) -> StoreResult<()> {
        match self.0 {
            TxKind::Postgres(tx) => Ok(tx.commit().await?),
            TxKind::Sqlite(unit) => unit.commit().await,
        }
    }
}

impl Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match &self.0 {
            TxKind::Postgres(tx) => tx,
            TxKind::Sqlite(unit) => unit,
        }
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            TxKind::Postgres(tx) => tx,
            TxKind::Sqlite(unit) => unit,
        }
    }
}

/// Pool sizes and timeouts.
#[derive(Clone, Debug)]
pub struct DbOptions {
    /// Connections to PostgreSQL, or SQLite readers.
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// SQLite: how many units of work may share one commit, and for how long.
    pub group_commit: GroupCommit,
}

impl Default for DbOptions {
    /// Sized for the machine: four connections per core, at least eight;
    /// `TRADEPORT_DB_MAX_CONNECTIONS` sets another number.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2) as u32;
        let configured = std::env::var("TRADEPORT_DB_MAX_CONNECTIONS").ok().and_then(|n| n.parse().ok());
        Self {
            max_connections: configured.filter(|n| *n > 0).unwrap_or((cores * 4).max(8)),
            acquire_timeout: Duration::from_secs(10),
            group_commit: GroupCommit::default(),
        }
    }
}

/// The database: a writer pool and a reader pool (the same pool on PostgreSQL).
#[derive(Clone)]
pub struct Db {
    backend: Backend,
    /// The pool migrations run on: the writer's single connection on SQLite.
    writer: AnyPool,
    /// SQLite's single writer, which commits units of work in groups.
    group_writer: Option<Writer>,
    reader: AnyPool,
    sqlite_path: Option<PathBuf>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("backend", &self.backend).finish()
    }
}

/// The URL with its password replaced by `***` (in the user part and in a `password=` query
/// parameter), for messages and logs.
pub fn redacted_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (before_query, query) = rest.split_once('?').map_or((rest, None), |(b, q)| (b, Some(q)));
    // The credentials end at the last '@' (a password may hold '/' or '@').
    let address = match before_query.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{credentials}@{host}"),
        },
        None => before_query.to_string(),
    };
    let query = query.map(|q| {
        q.split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&")
    });
    match query {
        Some(q) => format!("{scheme}://{address}?{q}"),
        None => format!("{scheme}://{address}"),
    }
}

/// Turns a plain file path into a SQLite URL that creates the file when missing.
pub fn normalise_url(url: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") || url.starts_with("sqlite:") {
        url.to_string()
    } else {
        format!("sqlite://{url}?mode=rwc")
    }
}

fn sqlite_path_of(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

impl Db {
    /// Connects to `url`: `postgres://…`, `sqlite://file?mode=rwc`, or a plain file path.
    pub async fn connect(url: &str, options: &DbOptions) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let url = normalise_url(url);
        let connect = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        if url.starts_with("sqlite") {
            let sqlite_path = sqlite_path_of(&url);
            let writer = sqlite_pool(1, options).connect_with(connect.clone()).await?;
            writer.execute("PRAGMA journal_mode = WAL").await?;
            let reader = sqlite_pool(options.max_connections, options).connect_with(connect).await?;
            let group_writer =
                Some(Writer::new(writer.clone(), options.group_commit, options.acquire_timeout));
            Ok(Self { backend: Backend::Sqlite, writer, group_writer, reader, sqlite_path })
        } else {
            let pool = AnyPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect)
                .await?;
            Ok(Self {
                backend: Backend::Postgres,
                writer: pool.clone(),
                group_writer: None,
                reader: pool,
                sqlite_path: None,
            })
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file, when the database is SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        self.sqlite_path.as_deref()
    }

    /// Applies the embedded migrations for this backend.
    pub async fn migrate(&self) -> StoreResult<()> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.run(&self.writer).await.map_err(|e| sqlx::Error::Migrate(Box::new(e)))?;
        self.optimize().await
    }

    /// Refreshes the query planner's statistics where they are stale: `PRAGMA optimize` on
    /// SQLite (cheap when nothing changed); PostgreSQL's autovacuum does this by itself.
    pub async fn optimize(&self) -> StoreResult<()> {
        match &self.group_writer {
            Some(writer) => writer.execute_alone("PRAGMA optimize").await,
            None => Ok(()),
        }
    }

    /// Opens a write transaction.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(Tx(match &self.group_writer {
            Some(writer) => TxKind::Sqlite(writer.begin().await?),
            None => TxKind::Postgres(self.writer.begin().await?),
        }))
    }

    /// SQLite's shared commits so far (zeros on PostgreSQL).
    pub fn group_commit_stats(&self) -> GroupCommitStats {
        self.group_writer.as_ref().map(Writer::stats).unwrap_or_default()
    }

    /// A connection for reads outside a transaction.
    pub async fn read(&self) -> StoreResult<PoolConnection<Any>> {
        Ok(self.reader.acquire().await?)
    }

    /// Runs `SELECT 1`: the readiness probe.
    pub async fn ping(&self) -> StoreResult<()> {
        if let Some(path) = &self.sqlite_path
            && !path.exists()
        {
            // The file was removed: writes would go to an unlinked file and be lost.
            return Err(crate::StoreError::Corrupt(format!("database file {} is gone", path.display())));
        }
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    /// Connections open and idle, for the metrics page.
    pub fn pool_usage(&self) -> (u32, usize) {
        (self.reader.size(), self.reader.num_idle())
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

fn sqlite_pool(max: u32, options: &DbOptions) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(options.acquire_timeout)
        // synchronous = FULL: a commit is on disk before it is acknowledged, even in WAL mode.
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL",
                )
                .await?;
                Ok(())
            })
        })
}

/// Commits a transaction.
pub async fn commit(tx: Tx) -> StoreResult<()> {
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::redacted_url;

    #[test]
    fn passwords_are_masked_in_database_urls() {
        let cases = [
            (
                "postgres://app:s3cr%40t@db.internal:5432/tradeport",
                "postgres://app:***@db.internal:5432/tradeport",
            ),
            ("postgres://app:p@ss@db/x", "postgres://app:***@db/x"),
            ("postgres://app@db/x", "postgres://app@db/x"),
            ("postgres://db/x?sslmode=require", "postgres://db/x?sslmode=require"),
            ("postgres://app:a/b@db/x", "postgres://app:***@db/x"),
            (
                "postgres://db/x?user=app&password=s3cret&sslmode=require",
                "postgres://db/x?user=app&password=***&sslmode=require",
            ),
            ("sqlite://tradeport.db?mode=rwc", "sqlite://tradeport.db?mode=rwc"),
            ("tradeport.db", "tradeport.db"),
        ];
        for (url, shown) in cases {
            assert_eq!(redacted_url(url), shown, "{url}");
        }
    }
}
