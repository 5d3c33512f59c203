//! The SQLite and PostgreSQL migrations define the same tables, columns and indexes.

use tradeport_testkit::{DbKind, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_pg, ignore = "PostgreSQL is not installed")]
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

/// A unique constraint missing from the store's table would surface as a 500 instead of a 409
/// naming the field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_pg, ignore = "PostgreSQL is not installed")]
async fn every_unique_constraint_is_mapped_to_a_field() {
    let Some(postgres) = TestApp::spawn(DbKind::Postgres).await else {
        return;
    };
    let mut conn = postgres.app.db().read().await.unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT c.conname::text FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND c.contype IN ('u', 'p') AND t.relname NOT LIKE '\\_sqlx%' \
         AND NOT (c.contype = 'p' AND array_length(c.conkey, 1) = 1 AND \
                  (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum = c.conkey[1]) = 'id') \
         ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(names.len() >= 12, "{names:?}");
    let mapped: Vec<&str> = tradeport_store::UNIQUE_CONSTRAINTS.iter().map(|(name, _, _)| *name).collect();
    let missing: Vec<&String> = names.iter().filter(|n| !mapped.contains(&n.as_str())).collect();
    assert!(missing.is_empty(), "unique constraints without a field: {missing:?}");
}
