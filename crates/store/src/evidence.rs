//! Photos and documents kept as evidence with an exception case or an after-sales request: the
//! bytes in the blob store under their SHA-256, the row here.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, TenantId};

use crate::StoreResult;

/// A photo or document as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceRow {
    pub id: String,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub at: Millis,
}

/// What the evidence is kept with.
#[derive(Clone, Copy, Debug)]
pub enum EvidenceOf<'a> {
    Case(&'a str),
    Request(&'a str),
}

impl EvidenceOf<'_> {
    /// The table and the column naming the subject.
    fn table(&self) -> (&'static str, &'static str, &str) {
        match self {
            Self::Case(id) => ("case_evidence", "case_id", id),
            Self::Request(id) => ("request_evidence", "request_id", id),
        }
    }
}

pub async fn add_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    of: EvidenceOf<'_>,
    e: &EvidenceRow,
) -> StoreResult<()> {
    let (table, column, subject) = of.table();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {table} (id, tenant_id, {column}, sha256, file_name, content_type, size_bytes, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )))
    .bind(&e.id)
    .bind(tenant_id.to_string())
    .bind(subject)
    .bind(&e.sha256)
    .bind(&e.file_name)
    .bind(&e.content_type)
    .bind(e.size_bytes)
    .bind(e.at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The subject's evidence, oldest first.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    of: EvidenceOf<'_>,
) -> StoreResult<Vec<EvidenceRow>> {
    let (table, column, subject) = of.table();
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, sha256, file_name, content_type, size_bytes, at FROM {table} \
         WHERE tenant_id = $1 AND {column} = $2 ORDER BY at, id"
    )))
    .bind(tenant_id.to_string())
    .bind(subject)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EvidenceRow {
                id: r.try_get(0)?,
                sha256: r.try_get(1)?,
                file_name: r.try_get(2)?,
                content_type: r.try_get(3)?,
                size_bytes: r.try_get(4)?,
                at: Millis(r.try_get(5)?),
            })
        })
        .collect()
}
