//! An order's audit trail for export: every event of the order with all its fields and its link
//! in the operator's chain (number, previous hash, hash), so anyone can recompute each hash from the
//! event and the previous hash (`link_hash`), with the chain's last link to compare with a copy of
//! it kept elsewhere. Events too new to be sealed show without a link.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::audit::proves;
use tradeport_domain::kernel::OrderId;
use tradeport_store::audit_chain;

use crate::{App, AppError, AppResult};

/// One event of the trail with its proof.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TrailEvent {
    pub id: String,
    pub tenant_id: String,
    pub merchant_id: Option<String>,
    pub subject_type: String,
    pub subject_id: String,
    pub kind: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub reason: Option<String>,
    /// The event's details as stored (a JSON text, hashed as it is).
    pub data: String,
    pub at: i64,
    /// Its link, once sealed.
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
    /// Whether the hash recomputed from this event and `prev_hash` is `hash`.
    pub proven: bool,
}

/// An order's trail.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrderAudit {
    pub order_id: String,
    /// How a link's hash is made.
    pub method: String,
    pub events: Vec<TrailEvent>,
    /// The chain's last link now (staff only; 0 and empty for a merchant).
    pub head_seq: i64,
    pub head_hash: String,
}

/// The trail of the principal's order `id`.
pub async fn order_audit(app: &App, principal: &Principal, id: &str) -> AppResult<OrderAudit> {
    principal.require(Permission::ViewOrders)?;
    let order_id: OrderId = crate::parse_id(id, "order")?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    tradeport_store::orders::get(&mut conn, operator, principal.scope.merchant_id, order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let rows = audit_chain::links_of_subject(&mut conn, operator, ("order", &order_id.to_string())).await?;
    let head = audit_chain::head(&mut conn, operator).await?;
    let events = rows
        .into_iter()
        .map(|(e, link)| {
            let proven = link.as_ref().is_some_and(|(_, prev, hash)| proves(prev, &e.fields(), hash));
            let (seq, prev_hash, hash) = match link {
                Some((seq, prev, hash)) => (Some(seq), Some(prev), Some(hash)),
                None => (None, None, None),
            };
            TrailEvent {
                id: e.id,
                tenant_id: e.tenant_id,
                merchant_id: e.merchant_id,
                subject_type: e.subject_type,
                subject_id: e.subject_id,
                kind: e.kind,
                actor_kind: e.actor_kind,
                actor_id: e.actor_id,
                reason: e.reason,
                data: e.data,
                at: e.at,
                seq,
                prev_hash,
                hash,
                proven,
            }
        })
        .collect();
    // The chain is the operator's: its length tells of other merchants' activity.
    let head = head.filter(|_| !principal.is_merchant());
    let (head_seq, head_hash) = head.map(|(seq, hash, _)| (seq, hash)).unwrap_or_default();
    Ok(OrderAudit {
        order_id: order_id.to_string(),
        method: "hash = sha256_hex(prev_hash + \"\\n\" + JSON [id, tenant_id, merchant_id, subject_type, \
                 subject_id, kind, actor_kind, actor_id, D(reason), shape(data), at]) where D(s) is the 64 hex \
                 digits inside an erased string [erased:<hex>], else sha256_hex(s), and shape(data) is the data's \
                 JSON with every string s written as D(s) and object keys sorted, no spaces; links sealed before \
                 erasure existed hash reason and data as they are; the first link's prev_hash is 64 zeros"
            .into(),
        events,
        head_seq,
        head_hash,
    })
}
