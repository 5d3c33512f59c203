//! The SQLite and PostgreSQL migrations define the same tables, columns and indexes.

use tradeport_testkit::{DbKind, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_have_the_same_tables_columns_and_indexes() {
    let sqlite = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite is always there");
    let Some(postgres) = TestApp::spawn(DbKind::Postgres).await else {
        return;
    };
    let a = tradeport_store::schema::describe(sqlite.app.db()).await.unwrap();
    let b = tradeport_store::schema::describe(postgres.app.db()).await.unwrap();
    assert!(
        a.contains("table:tenants")
            && a.contains("users.password_hash")
            && a.contains("index:events_subject_idx")
    );
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_postgres: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only SQLite: {only_sqlite:?}; only PostgreSQL: {only_postgres:?}"
    );
}
