//! Buyers' WhatsApp messages (CS-1), delivered by Meta's webhook to a WhatsApp connection. The
//! signature (`X-Hub-Signature-256`, the app secret's HMAC of the raw bytes; the previous secret
//! during a rotation) is checked before anything is read: a delivery that does not verify gets
//! 401 and leaves no trace. Each message joins the buyer's chat ticket still being worked, or opens
//! one linked to the order its words name among the connection merchant's orders; a message
//! delivered again is kept once. Meta's subscription check (`hub.challenge`) is answered when its
//! verify token is the connection's.

use serde::Serialize;
use tradeport_connectors::channel_hooks::hub_signature_valid;
use tradeport_domain::channels::{ChannelKind, ConnectionStatus};
use tradeport_domain::kernel::TenantId;
use tradeport_domain::tickets::{TicketChannel, whatsapp_messages};
use tradeport_store::channels::connections::{self, ConnectionRow};
use tradeport_store::tickets;

use super::inbound::{Inbound, keep_inbound, thread_or_order};
use crate::warehouse::invalid;
use crate::{App, AppError, AppResult};

/// What a delivery left.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChatDeliveryAnswer {
    /// Messages kept now.
    pub kept: usize,
    /// Messages kept before (a retried delivery).
    pub duplicates: usize,
}

/// The WhatsApp connection `id`.
async fn connection(app: &App, id: &str) -> AppResult<ConnectionRow> {
    let mut conn = app.db().read().await?;
    let c = connections::get_for_delivery(&mut conn, id.trim()).await?;
    c.filter(|c| c.kind == ChannelKind::Whatsapp.as_str()).ok_or(AppError::NotFound("connection"))
}

/// Meta's subscription check: the challenge, when `mode` is `subscribe` and the token is ours.
pub async fn verify_chat_hook(
    app: &App,
    id: &str,
    mode: &str,
    token: &str,
    challenge: &str,
) -> AppResult<String> {
    let c = connection(app, id).await?;
    let expected = crate::channels::credentials(app, &c).map_err(AppError::Internal)?;
    let expected = expected.get("verify_token").map(String::as_str).unwrap_or_default();
    let matches = !expected.is_empty() && tradeport_connectors::secrets::same_secret(expected, token);
    if mode != "subscribe" || !matches {
        return Err(AppError::Unsigned(
            "hub.verify_token is not this connection's verify_token (credentials); set the same one in Meta's app".into(),
        ));
    }
    Ok(challenge.to_string())
}

/// Takes in one delivery of connection `id`, signed `signature` over `body`.
pub async fn receive_chat_hook(
    app: &App,
    id: &str,
    signature: &str,
    body: &[u8],
) -> AppResult<ChatDeliveryAnswer> {
    let c = connection(app, id).await?;
    if signature.trim().is_empty() {
        return Err(AppError::Unsigned(
            "the delivery has no X-Hub-Signature-256 header: nothing was kept".into(),
        ));
    }
    let secrets = crate::channels::secrets(app, &c, ChannelKind::Whatsapp)?;
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    if !hub_signature_valid(&secrets, body, signature) {
        return Err(AppError::Unsigned(
            "X-Hub-Signature-256 does not match this connection's app secret: nothing was kept; set the Meta app \
             secret as the connection's webhook_secret"
                .into(),
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| invalid("body", "invalid_json", format!("the body: {e}")))?;
    let messages = whatsapp_messages(&json).map_err(|why| invalid("body", "not_whatsapp", why))?;
    let mut answer = ChatDeliveryAnswer { kept: 0, duplicates: 0 };
    if ConnectionStatus::parse(&c.status) == Some(ConnectionStatus::Paused) {
        return Ok(answer);
    }
    let operator: TenantId = crate::parse_id(&c.tenant_id, "operator")?;
    let merchant: TenantId = crate::parse_id(&c.merchant_id, "merchant")?;
    // Messages to another business number of the same app are not this connection's.
    for m in messages.iter().filter(|m| m.phone_number_id == c.seller_id) {
        let mut conn = app.db().read().await?;
        let channel = TicketChannel::Chat.as_str();
        if tickets::message_by_external_id(&mut conn, operator, channel, &m.id).await?.is_some() {
            answer.duplicates += 1;
            continue;
        }
        let latest = tickets::latest_of_chat(&mut conn, operator, &c.id, &m.from).await?;
        drop(conn);
        let (thread, order) = thread_or_order(app, (operator, merchant), latest, &m.text).await?;
        let kept = keep_inbound(
            app,
            Inbound {
                operator,
                merchant: Some(merchant),
                order: order.as_ref(),
                thread,
                channel: TicketChannel::Chat,
                external_id: m.id.clone(),
                buyer_name: if m.name.is_empty() { format!("+{}", m.from) } else { m.name.clone() },
                // Their chat is their address here; the order's e-mail is the order's buyer's.
                buyer_email: String::new(),
                subject: String::new(),
                text: m.text.clone(),
                reply_address: None,
                chat: Some((m.from.clone(), c.id.clone())),
                connection: None,
                attachments: &[],
                acknowledge: false,
            },
        )
        .await?;
        if kept.duplicate {
            answer.duplicates += 1;
        } else {
            answer.kept += 1;
        }
    }
    Ok(answer)
}
