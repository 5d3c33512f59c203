//! The audit trail's chain as stored (SYS-1): one link per sealed event of an operator, numbered
//! from 1, each with the hash of the link before and its own. Events are found for sealing by
//! their ids, which are UUIDv7 and so sort by time: the sealer reads those after a time floor that
//! have no link yet.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::audit::SealedFields;
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;
use crate::sql::{Arg, insert_rows};

/// An event with every field the chain covers.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct SealedEvent {
    pub id: String,
    pub tenant_id: String,
    pub merchant_id: Option<String>,
    pub subject_type: String,
    pub subject_id: String,
    pub kind: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub reason: Option<String>,
    pub data: String,
    pub at: i64,
}

impl SealedEvent {
    pub fn fields(&self) -> SealedFields<'_> {
        SealedFields {
            id: &self.id,
            tenant_id: &self.tenant_id,
            merchant_id: self.merchant_id.as_deref(),
            subject_type: &self.subject_type,
            subject_id: &self.subject_id,
            kind: &self.kind,
            actor_kind: &self.actor_kind,
            actor_id: self.actor_id.as_deref(),
            reason: self.reason.as_deref(),
            data: &self.data,
            at: self.at,
        }
    }
}

/// A link to write.
#[derive(Clone, Debug)]
pub struct NewLink {
    pub seq: i64,
    pub event_id: String,
    pub prev_hash: String,
    pub hash: String,
}

/// A stored link with its event as it is now (`event` is `None` when the row is gone).
#[derive(Clone, Debug)]
pub struct LinkRow {
    pub seq: i64,
    pub event_id: String,
    pub prev_hash: String,
    pub hash: String,
    pub event: Option<SealedEvent>,
}

#[derive(FromRow)]
struct JoinedRow {
    seq: i64,
    event_id: String,
    prev_hash: String,
    hash: String,
    id: Option<String>,
    tenant_id: Option<String>,
    merchant_id: Option<String>,
    subject_type: Option<String>,
    subject_id: Option<String>,
    kind: Option<String>,
    actor_kind: Option<String>,
    actor_id: Option<String>,
    reason: Option<String>,
    data: Option<String>,
    at: Option<i64>,
}

impl From<JoinedRow> for LinkRow {
    fn from(r: JoinedRow) -> Self {
        let event =
            match (r.id, r.tenant_id, r.subject_type, r.subject_id, r.kind, r.actor_kind, r.data, r.at) {
                (
                    Some(id),
                    Some(tenant_id),
                    Some(subject_type),
                    Some(subject_id),
                    Some(kind),
                    Some(actor_kind),
                    Some(data),
                    Some(at),
                ) => Some(SealedEvent {
                    id,
                    tenant_id,
                    merchant_id: r.merchant_id,
                    subject_type,
                    subject_id,
                    kind,
                    actor_kind,
                    actor_id: r.actor_id,
                    reason: r.reason,
                    data,
                    at,
                }),
                _ => None,
            };
        Self { seq: r.seq, event_id: r.event_id, prev_hash: r.prev_hash, hash: r.hash, event }
    }
}

const EVENT_COLUMNS: &str = "e.id, e.tenant_id, e.merchant_id, e.subject_type, e.subject_id, e.kind, e.actor_kind, e.actor_id, e.reason, e.data, e.at";

/// The operator's last link: its number and hash.
pub async fn head(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
) -> StoreResult<Option<(i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT seq, hash, event_id FROM audit_chain WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(tenant_id.to_string())
    .fetch_optional(conn)
    .await?)
}

/// A page of the operator's events in id order: those without a link, and where the page ended.
#[derive(Debug)]
pub struct UnsealedPage {
    pub events: Vec<SealedEvent>,
    /// The last event id read, sealed or not (`None` when there was none).
    pub last_id: Option<String>,
    /// Events read, sealed or not: fewer than asked for means the history ends here.
    pub read: i64,
}

#[derive(FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    event: SealedEvent,
    sealed: Option<String>,
}

/// Up to `limit` of the operator's events from `from_id` on, in id order, with those that have no
/// link picked out. The page walks the (operator, id) index and looks each event up in the chain,
/// so a round costs the events it reads, however long the history (an anti-join in SQL let the
/// planners read and sort the operator's every event each round). The join repeats the lower
/// bound on the chain's side: PostgreSQL's merge join otherwise read every link before it, page
/// after page.
pub async fn unsealed(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    from_id: &str,
    limit: i64,
) -> StoreResult<UnsealedPage> {
    let rows: Vec<PageRow> = sqlx::query_as(sqlx::AssertSqlSafe(unsealed_sql(EVENT_COLUMNS)))
        .bind(tenant_id.to_string())
        .bind(from_id)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    let read = rows.len() as i64;
    let last_id = rows.last().map(|r| r.event.id.clone());
    let events = rows.into_iter().filter(|r| r.sealed.is_none()).map(|r| r.event).collect();
    Ok(UnsealedPage { events, last_id, read })
}

fn unsealed_sql(columns: &str) -> String {
    format!(
        "SELECT {columns}, c.event_id AS sealed FROM events e \
         LEFT JOIN audit_chain c ON c.event_id = e.id AND c.event_id >= $2 \
         WHERE e.tenant_id = $1 AND e.id >= $2 ORDER BY e.id LIMIT $3"
    )
}

/// The database's plan for [`unsealed`], one line per step (for the test that keeps a sealing
/// round on the operator's id index).
pub async fn explain_unsealed(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<String>> {
    let postgres = crate::is_postgres(conn);
    let explain = if postgres { "EXPLAIN " } else { "EXPLAIN QUERY PLAN " };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{explain}{}", unsealed_sql("e.id"))))
        .bind(tenant_id.to_string())
        .bind("")
        .bind(1_000_i64)
        .fetch_all(&mut *conn)
        .await?;
    crate::orders::rows::plan_lines(postgres, &rows)
}

/// How many of the operator's events before `before_id` have no link.
pub async fn count_unsealed_before(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    before_id: &str,
) -> StoreResult<(i64, Option<String>)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), MIN(e.id) FROM events e WHERE e.tenant_id = $1 AND e.id < $2 \
         AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)",
    )
    .bind(tenant_id.to_string())
    .bind(before_id)
    .fetch_one(conn)
    .await?)
}

/// Writes links (a collision means another sealer wrote them first).
pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    links: &[NewLink],
    sealed_at: i64,
) -> StoreResult<()> {
    let head = "INSERT INTO audit_chain (tenant_id, seq, event_id, prev_hash, hash, sealed_at) VALUES ";
    let rows = links.iter().map(|l| -> [Arg; 6] {
        [
            tenant_id.to_string().into(),
            l.seq.into(),
            l.event_id.as_str().into(),
            l.prev_hash.as_str().into(),
            l.hash.as_str().into(),
            sealed_at.into(),
        ]
    });
    insert_rows(conn, head, rows.collect()).await
}

/// Up to `limit` of the operator's links after link `after`, each with its event as it is now.
pub async fn links_after(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    after: i64,
    limit: i64,
) -> StoreResult<Vec<LinkRow>> {
    let rows: Vec<JoinedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT c.seq, c.event_id, c.prev_hash, c.hash, {EVENT_COLUMNS} FROM audit_chain c \
         LEFT JOIN events e ON e.id = c.event_id WHERE c.tenant_id = $1 AND c.seq > $2 ORDER BY c.seq LIMIT $3"
    )))
    .bind(tenant_id.to_string())
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(LinkRow::from).collect())
}

/// The links of one object's events (sealed or not: an unsealed event has no link yet), oldest
/// first.
pub async fn links_of_subject(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    (subject_type, subject_id): (&str, &str),
) -> StoreResult<Vec<(SealedEvent, Option<(i64, String, String)>)>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        event: SealedEvent,
        seq: Option<i64>,
        prev_hash: Option<String>,
        hash: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {EVENT_COLUMNS}, c.seq, c.prev_hash, c.hash FROM events e \
         LEFT JOIN audit_chain c ON c.event_id = e.id \
         WHERE e.tenant_id = $1 AND e.subject_type = $2 AND e.subject_id = $3 ORDER BY e.at, e.id"
    )))
    .bind(tenant_id.to_string())
    .bind(subject_type)
    .bind(subject_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let link = match (r.seq, r.prev_hash, r.hash) {
                (Some(seq), Some(prev), Some(hash)) => Some((seq, prev, hash)),
                _ => None,
            };
            (r.event, link)
        })
        .collect())
}
