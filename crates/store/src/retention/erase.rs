//! Erasing an order's personal data: the pieces the use case puts together in one transaction.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{OrderId, TenantId};

use crate::StoreResult;
use crate::sql::Sql;

/// What the order holds about its buyer.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct BuyerFields {
    pub merchant_id: String,
    pub buyer_name: String,
    pub buyer_email: String,
    pub buyer_phone: String,
    pub buyer_phone_e164: Option<String>,
    /// JSON of the address.
    pub shipping_address: String,
    pub completed_at: Option<i64>,
    pub personal_data_erased_at: Option<i64>,
}

/// The order's buyer fields.
pub async fn buyer_fields(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
) -> StoreResult<Option<BuyerFields>> {
    Ok(sqlx::query_as(
        "SELECT merchant_id, buyer_name, buyer_email, buyer_phone, buyer_phone_e164, shipping_address, completed_at, \
         personal_data_erased_at FROM orders WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .fetch_optional(conn)
    .await?)
}

/// Replaces the order's buyer fields (the search text follows) with `(name, address, holds)`
/// as erased, and marks it erased.
pub async fn erase_order_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
    (erased_name, erased_address, erased_holds): (&str, &str, &str),
    at: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE orders SET buyer_name = $3, buyer_email = '', buyer_phone = '', buyer_phone_e164 = NULL, \
         shipping_address = $4, address_key = '', remarks = '', holds = $6, personal_data_erased_at = $5, updated_at = $5 \
         WHERE tenant_id = $1 AND id = $2 AND personal_data_erased_at IS NULL",
    )
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .bind(erased_name)
    .bind(erased_address)
    .bind(at)
    .bind(erased_holds)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The ids of the order's tickets and after-sales requests: the subjects whose records may name
/// the buyer besides the order itself.
pub async fn related_subjects(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
) -> StoreResult<(Vec<String>, Vec<String>)> {
    let tickets =
        sqlx::query_scalar("SELECT id FROM tickets WHERE tenant_id = $1 AND order_id = $2 ORDER BY id")
            .bind(tenant_id.to_string())
            .bind(order.to_string())
            .fetch_all(&mut *conn)
            .await?;
    let requests = sqlx::query_scalar(
        "SELECT id FROM aftersales_requests WHERE tenant_id = $1 AND order_id = $2 ORDER BY id",
    )
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .fetch_all(&mut *conn)
    .await?;
    Ok((tickets, requests))
}

/// A recorded text that may name the buyer: an event's data or reason, a payment event's body.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct RecordedText {
    pub id: String,
    pub text: String,
    pub reason: Option<String>,
}

/// The events of these subjects, each with its link (previous hash, hash) once sealed.
pub async fn events_of(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    subjects: &[String],
) -> StoreResult<Vec<(crate::audit_chain::SealedEvent, Option<(String, String)>)>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        event: crate::audit_chain::SealedEvent,
        prev_hash: Option<String>,
        hash: Option<String>,
    }
    let mut sql = Sql::new(
        "SELECT e.id, e.tenant_id, e.merchant_id, e.subject_type, e.subject_id, e.kind, e.actor_kind, e.actor_id, \
         e.reason, e.data, e.at, c.prev_hash, c.hash FROM events e LEFT JOIN audit_chain c ON c.event_id = e.id \
         WHERE e.tenant_id = ",
    );
    sql.bind(tenant_id.to_string())
        .push(" AND e.subject_id IN ")
        .bind_list(subjects.iter().map(String::as_str));
    sql.push(" ORDER BY e.id");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            let row = Row::from_row(r)?;
            Ok((row.event, row.prev_hash.zip(row.hash)))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Rewrites an event's data and reason (erased strings keep their digests).
pub async fn set_event_in_tx(
    conn: &mut AnyConnection,
    id: &str,
    data: &str,
    reason: Option<&str>,
) -> StoreResult<()> {
    sqlx::query("UPDATE events SET data = $2, reason = $3 WHERE id = $1")
        .bind(id)
        .bind(data)
        .bind(reason)
        .execute(conn)
        .await?;
    Ok(())
}

/// The bodies of the payment providers' events about the order.
pub async fn payment_bodies(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
) -> StoreResult<Vec<RecordedText>> {
    Ok(sqlx::query_as(
        "SELECT id, body AS text, NULL AS reason FROM payment_events WHERE tenant_id = $1 AND order_id = $2 ORDER BY id",
    )
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .fetch_all(conn)
    .await?)
}

pub async fn set_payment_body_in_tx(conn: &mut AnyConnection, id: &str, body: &str) -> StoreResult<()> {
    sqlx::query("UPDATE payment_events SET body = $2 WHERE id = $1")
        .bind(id)
        .bind(body)
        .execute(conn)
        .await?;
    Ok(())
}

/// Erases the tickets' buyer and every message's text, and removes their attachments; the
/// attachments' blob keys that nothing else names any more (to delete from the blob store).
pub async fn erase_tickets_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    tickets: &[String],
    erased: &str,
) -> StoreResult<(u64, Vec<String>)> {
    if tickets.is_empty() {
        return Ok((0, Vec::new()));
    }
    let ids = || tickets.iter().map(String::as_str);
    let mut sql = Sql::new("UPDATE tickets SET buyer_name = ");
    sql.bind(erased).push(", buyer_email = '', buyer_phone = NULL, subject = ").bind(erased);
    sql.push(" WHERE tenant_id = ").bind(tenant_id.to_string()).push(" AND id IN ").bind_list(ids());
    sql.query().execute(&mut *conn).await?;
    // The text of every message, and the name or number a buyer's own were signed with.
    let mut sql = Sql::new("UPDATE ticket_messages SET body = ");
    sql.bind(erased).push(", author = CASE WHEN direction = 'in' THEN ").bind(erased);
    sql.push(" ELSE author END WHERE tenant_id = ").bind(tenant_id.to_string());
    sql.push(" AND ticket_id IN ").bind_list(ids());
    let messages = sql.query().execute(&mut *conn).await?.rows_affected();
    let mut sql = Sql::new(
        "SELECT DISTINCT a.sha256 FROM ticket_attachments a JOIN ticket_messages m ON m.id = a.message_id \
         WHERE m.ticket_id IN ",
    );
    sql.bind_list(ids());
    let blobs: Vec<String> =
        sql.query().fetch_all(&mut *conn).await?.iter().map(|r| sqlx::Row::get::<String, _>(r, 0)).collect();
    let mut sql = Sql::new(
        "DELETE FROM ticket_attachments WHERE message_id IN (SELECT id FROM ticket_messages WHERE ticket_id IN ",
    );
    sql.bind_list(ids()).push(")");
    sql.query().execute(&mut *conn).await?;
    let mut unused = Vec::new();
    for sha in blobs {
        // Files are kept by their content: the same photo may be evidence elsewhere.
        let named: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM ticket_attachments WHERE sha256 = $1) \
             + (SELECT COUNT(*) FROM request_evidence WHERE sha256 = $1) \
             + (SELECT COUNT(*) FROM case_evidence WHERE sha256 = $1) \
             + (SELECT COUNT(*) FROM asn_photos WHERE sha256 = $1)",
        )
        .bind(&sha)
        .fetch_one(&mut *conn)
        .await?;
        if named == 0 {
            unused.push(sha);
        }
    }
    Ok((messages, unused))
}

/// Erases what the buyer wrote in the order's after-sales requests.
pub async fn erase_requests_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
    erased: &str,
) -> StoreResult<u64> {
    Ok(sqlx::query("UPDATE aftersales_requests SET description = $3 WHERE tenant_id = $1 AND order_id = $2")
        .bind(tenant_id.to_string())
        .bind(order.to_string())
        .bind(erased)
        .execute(conn)
        .await?
        .rows_affected())
}

/// Deletes the messages (e-mails, webhooks, SMS) about these subjects, with their texts.
pub async fn delete_messages_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    subjects: &[String],
) -> StoreResult<u64> {
    let mut sql = Sql::new("DELETE FROM outbox WHERE tenant_id = ");
    sql.bind(tenant_id.to_string())
        .push(" AND subject_id IN ")
        .bind_list(subjects.iter().map(String::as_str));
    Ok(sql.query().execute(conn).await?.rows_affected())
}

/// Marks the order's archived package erased; its blob key, to delete.
pub async fn erase_archive_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
    at: i64,
) -> StoreResult<Option<String>> {
    let sha: Option<String> = sqlx::query_scalar(
        "SELECT package_sha256 FROM order_archives WHERE tenant_id = $1 AND order_id = $2 AND package_erased_at IS NULL",
    )
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query("UPDATE order_archives SET package_erased_at = $3 WHERE tenant_id = $1 AND order_id = $2")
        .bind(tenant_id.to_string())
        .bind(order.to_string())
        .bind(at)
        .execute(conn)
        .await?;
    Ok(sha)
}
