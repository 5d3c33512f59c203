//! Merchants' webhook endpoints: add one (its secret shown once), list them, rotate the secret
//! with a day's overlap, turn one off, read its delivery log, send a message again.

use serde::{Deserialize, Serialize};
use serde_json::json;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::{FieldErrors, Millis};
use tradeport_store::webhooks::{self, DeliveryRow, EndpointRow};

use super::relay::TOPICS;
use crate::inventory::{check_merchant, merchant_for};
use crate::{App, AppError, AppResult, parse_id};

/// How long the previous secret keeps signing after a rotation.
const ROTATION_OVERLAP_MS: i64 = 24 * 3_600_000;

/// An endpoint to add.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CreateEndpoint {
    /// Where to post, `https://…` (or `http://…` for a receiver on the same network).
    pub url: String,
    /// Topics to receive, e.g. `["order.confirmed"]`; `["*"]` for all.
    pub topics: Vec<String>,
    /// The merchant (staff only; a merchant adds its own).
    pub merchant_id: Option<String>,
}

/// An endpoint, without its secret.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EndpointView {
    pub id: String,
    pub merchant_id: String,
    pub url: String,
    pub topics: Vec<String>,
    pub active: bool,
    pub created_at: i64,
    /// After a rotation: until when the previous secret still signs too.
    pub previous_secret_until: Option<i64>,
}

impl From<&EndpointRow> for EndpointView {
    fn from(e: &EndpointRow) -> Self {
        Self {
            id: e.id.to_string(),
            merchant_id: e.merchant_id.to_string(),
            url: e.url.clone(),
            topics: e.topics.clone(),
            active: e.active,
            created_at: e.created_at.0,
            previous_secret_until: e.previous_secret_until.map(|m| m.0),
        }
    }
}

/// An endpoint with its (new) secret: shown in this response only.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EndpointWithSecret {
    #[serde(flatten)]
    pub endpoint: EndpointView,
    /// `whsec_…`: verify `webhook-signature` with it (Standard Webhooks).
    pub secret: String,
}

/// One delivery attempt.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub outbox_id: String,
    pub topic: String,
    pub attempt: i64,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub at: i64,
}

impl From<DeliveryRow> for DeliveryView {
    fn from(d: DeliveryRow) -> Self {
        Self {
            outbox_id: d.outbox_id,
            topic: d.topic,
            attempt: d.attempt,
            status_code: d.status_code,
            error: d.error,
            duration_ms: d.duration_ms,
            at: d.at,
        }
    }
}

fn validate(input: &CreateEndpoint) -> AppResult<(String, Vec<String>)> {
    let mut e = FieldErrors::new();
    let url = input.url.trim().to_string();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    let host =
        url.split("://").nth(1).and_then(|rest| rest.split(['/', '?', '#']).next()).unwrap_or_default();
    if !scheme_ok || host.is_empty() || url.len() > 2000 || url.chars().any(char::is_whitespace) {
        e.add(
            "url",
            "invalid_url",
            "url must be an http:// or https:// address, e.g. https://shop.example/hooks/tradeport",
        );
    }
    let topics: Vec<String> =
        input.topics.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    if topics.is_empty() {
        e.add(
            "topics",
            "required",
            format!("name the topics to receive: {}, or * for all", TOPICS.join(", ")),
        );
    }
    for (n, t) in topics.iter().enumerate() {
        if t != "*" && !TOPICS.contains(&t.as_str()) {
            e.add(
                &format!("topics[{n}]"),
                "unknown_topic",
                format!("topic '{t}' is not one of: {}, *", TOPICS.join(", ")),
            );
        }
    }
    e.into_result().map_err(AppError::Invalid)?;
    Ok((url, topics))
}

/// Adds an endpoint for a merchant; the response holds its secret, shown this once.
pub async fn create_endpoint(
    app: &App,
    principal: &Principal,
    input: &CreateEndpoint,
) -> AppResult<EndpointWithSecret> {
    principal.require(Permission::ManageApiKeys)?;
    let merchant = merchant_for(principal, input.merchant_id.as_deref())?;
    let (url, topics) = validate(input)?;
    check_merchant(app, principal, merchant).await?;
    let secret = tradeport_connectors::webhooks::new_secret().map_err(AppError::Internal)?;
    let row = EndpointRow {
        id: app.new_uuid(),
        merchant_id: merchant,
        url,
        topics,
        secret: secret.clone(),
        previous_secret: None,
        previous_secret_until: None,
        active: true,
        created_at: app.now(),
    };
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    webhooks::insert_in_tx(&mut tx, operator, &row).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(merchant),
        data: json!({ "url": row.url, "topics": row.topics }).to_string(),
        ..app.event(principal.actor, "webhook_endpoint", row.id, "webhook_endpoint_created")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(EndpointWithSecret { endpoint: (&row).into(), secret })
}

/// The endpoints the principal may see.
pub async fn list_endpoints(app: &App, principal: &Principal) -> AppResult<Vec<EndpointView>> {
    principal.require(Permission::ManageApiKeys)?;
    let mut conn = app.db().read().await?;
    let rows = webhooks::list(&mut conn, principal.scope.operator_id, principal.scope.merchant_id).await?;
    Ok(rows.iter().map(EndpointView::from).collect())
}

async fn endpoint(app: &App, principal: &Principal, id: &str) -> AppResult<EndpointRow> {
    principal.require(Permission::ManageApiKeys)?;
    let id = parse_id(id, "webhook endpoint")?;
    let mut conn = app.db().read().await?;
    webhooks::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("webhook endpoint"))
}

/// Gives the endpoint a new secret; the old one keeps signing for a day beside it.
pub async fn rotate_endpoint_secret(
    app: &App,
    principal: &Principal,
    id: &str,
) -> AppResult<EndpointWithSecret> {
    let e = endpoint(app, principal, id).await?;
    let secret = tradeport_connectors::webhooks::new_secret().map_err(AppError::Internal)?;
    let until = Millis(app.now().0 + ROTATION_OVERLAP_MS);
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    webhooks::rotate_secret_in_tx(&mut tx, operator, e.id, &secret, until).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(e.merchant_id),
        ..app.event(principal.actor, "webhook_endpoint", e.id, "webhook_secret_rotated")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    let rotated = EndpointRow { previous_secret_until: Some(until), ..e };
    Ok(EndpointWithSecret { endpoint: (&rotated).into(), secret })
}

/// Stops deliveries to an endpoint (its log stays).
pub async fn deactivate_endpoint(app: &App, principal: &Principal, id: &str) -> AppResult<EndpointView> {
    let e = endpoint(app, principal, id).await?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    webhooks::deactivate_in_tx(&mut tx, operator, e.id).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(e.merchant_id),
        ..app.event(principal.actor, "webhook_endpoint", e.id, "webhook_endpoint_deactivated")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok((&EndpointRow { active: false, ..e }).into())
}

/// The endpoint's last 100 delivery attempts, newest first.
pub async fn list_deliveries(app: &App, principal: &Principal, id: &str) -> AppResult<Vec<DeliveryView>> {
    let e = endpoint(app, principal, id).await?;
    let mut conn = app.db().read().await?;
    let rows = webhooks::deliveries(&mut conn, principal.scope.operator_id, e.id, 100).await?;
    Ok(rows.into_iter().map(DeliveryView::from).collect())
}

/// Sends one message to the endpoint again (a new delivery job, now).
pub async fn replay_delivery(
    app: &App,
    principal: &Principal,
    id: &str,
    outbox_id: &str,
) -> AppResult<String> {
    let e = endpoint(app, principal, id).await?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let message = tradeport_store::outbox::get(&mut tx, operator, outbox_id.trim())
        .await?
        .filter(|m| m.merchant_id.as_deref() == Some(e.merchant_id.to_string().as_str()))
        .filter(|m| super::relay::offered_to_webhooks(&m.topic))
        .ok_or(AppError::NotFound("message"))?;
    let payload = json!({ "outbox_id": message.id, "endpoint_id": e.id.to_string() });
    let job = crate::jobs::enqueue_in_tx(
        app,
        &mut tx,
        Some(operator),
        JobKind::DeliverWebhook,
        &payload,
        app.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(job.to_string())
}
