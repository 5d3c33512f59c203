//! The event log: who did what to which object, when and why. Append-only.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::access::Actor;
use tradeport_domain::kernel::{Millis, TenantId};
use uuid::Uuid;

use crate::StoreResult;
use crate::sql::{Arg, insert_rows};

/// An event to append.
#[derive(Clone, Debug)]
pub struct NewEvent<'a> {
    pub id: Uuid,
    pub merchant_id: Option<TenantId>,
    pub subject_type: &'a str,
    pub subject_id: String,
    pub kind: &'a str,
    pub actor: Actor,
    pub reason: Option<&'a str>,
    /// JSON object with the details (before/after where it matters).
    pub data: String,
    pub at: Millis,
}

/// A stored event.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: String,
    pub subject_type: String,
    pub subject_id: String,
    pub kind: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub reason: Option<String>,
    pub data: String,
    pub at: i64,
}

/// How an actor is stored: its kind and id.
pub fn actor_parts(actor: Actor) -> (&'static str, Option<String>) {
    match actor {
        Actor::User(id) => ("user", Some(id.to_string())),
        Actor::ApiKey(id) => ("api_key", Some(id.to_string())),
        Actor::System => ("system", None),
    }
}

/// Appends an event inside the caller's transaction.
pub async fn append_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    e: &NewEvent<'_>,
) -> StoreResult<()> {
    append_many_in_tx(conn, tenant_id, std::slice::from_ref(e)).await
}

/// Appends events in the order given, many per statement.
pub async fn append_many_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    events: &[NewEvent<'_>],
) -> StoreResult<()> {
    let head = "INSERT INTO events (id, tenant_id, merchant_id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at) VALUES ";
    let rows = events.iter().map(|e| -> [Arg; 11] {
        let (actor_kind, actor_id) = actor_parts(e.actor);
        [
            e.id.to_string().into(),
            tenant_id.to_string().into(),
            e.merchant_id.map(|m| m.to_string()).into(),
            e.subject_type.into(),
            e.subject_id.as_str().into(),
            e.kind.into(),
            actor_kind.into(),
            actor_id.into(),
            e.reason.map(str::to_string).into(),
            e.data.as_str().into(),
            e.at.0.into(),
        ]
    });
    insert_rows(conn, head, rows.collect()).await
}

/// The events of one object, oldest first.
pub async fn list_for_subject(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    subject_type: &str,
    subject_id: &str,
) -> StoreResult<Vec<EventRow>> {
    let rows = sqlx::query(
        "SELECT id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at FROM events \
         WHERE tenant_id = $1 AND subject_type = $2 AND subject_id = $3 ORDER BY at, id",
    )
    .bind(tenant_id.to_string())
    .bind(subject_type)
    .bind(subject_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().map(EventRow::from_row).collect::<Result<_, _>>()?)
}
