//! Reads the live schema (tables, columns, indexes) so a test can prove SQLite and PostgreSQL
//! migrations define the same thing.

use std::collections::BTreeSet;

use sqlx::Row;

use crate::{Backend, Db, StoreResult};

/// `table.column` and `index:name` entries of the live schema, sorted.
pub async fn describe(db: &Db) -> StoreResult<BTreeSet<String>> {
    let mut conn = db.read().await?;
    let mut out = BTreeSet::new();
    match db.backend() {
        Backend::Sqlite => {
            // Ordinary tables only: an FTS5 index is a virtual table with shadow tables of its
            // own, and stands for what PostgreSQL has as an index of the same name.
            let tables = sqlx::query(
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
            )
            .fetch_all(&mut *conn)
            .await?;
            let search_indexes =
                sqlx::query("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'virtual'")
                    .fetch_all(&mut *conn)
                    .await?;
            for v in search_indexes {
                out.insert(format!("index:{}", v.try_get::<String, _>(0)?));
            }
            for t in tables {
                let table: String = t.try_get(0)?;
                out.insert(format!("table:{table}"));
                let cols = sqlx::query("SELECT name FROM pragma_table_xinfo($1)")
                    .bind(&table)
                    .fetch_all(&mut *conn)
                    .await?;
                for c in cols {
                    out.insert(format!("{table}.{}", c.try_get::<String, _>(0)?));
                }
            }
            let idx = sqlx::query(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'",
            )
            .fetch_all(&mut *conn)
            .await?;
            for i in idx {
                out.insert(format!("index:{}", i.try_get::<String, _>(0)?));
            }
        }
        Backend::Postgres => {
            let cols = sqlx::query(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%'",
            )
            .fetch_all(&mut *conn)
            .await?;
            for c in cols {
                let table: String = c.try_get(0)?;
                out.insert(format!("table:{table}"));
                out.insert(format!("{table}.{}", c.try_get::<String, _>(1)?));
            }
            // Indexes created by CREATE INDEX, i.e. not backing a constraint (SQLite lists only those).
            let idx = sqlx::query(
                "SELECT i.indexname::text FROM pg_indexes i WHERE i.schemaname = current_schema() \
                 AND i.tablename NOT LIKE '\\_sqlx%' AND NOT EXISTS \
                 (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            )
            .fetch_all(&mut *conn)
            .await?;
            for i in idx {
                out.insert(format!("index:{}", i.try_get::<String, _>(0)?));
            }
        }
    }
    Ok(out)
}
