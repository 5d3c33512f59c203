//! Sending a ticket's answer to the buyer (CS-1): a job per answer, enqueued in the transaction
//! that kept it, so an answer is sent once it is kept and never lost on the way. An e-mail goes
//! from the support mailbox the buyer wrote to (as Reply-To), under the answer's id as its
//! Message-ID and answering the conversation's earlier messages, so both sides thread it; a chat's
//! answer goes back through the WhatsApp connection it came through, an eBay buyer's through eBay;
//! a ticket without either (a phone note with no order) has nothing to send.

use serde::Deserialize;
use tradeport_connectors::mail::OutgoingMail;
use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::TenantId;
use tradeport_store::AnyConnection;
use tradeport_store::jobs::JobRow;
use tradeport_store::tickets::{self, MessageRow, TicketRow};

use crate::{App, AppResult};

#[derive(Deserialize)]
struct ReplyJob {
    message_id: String,
    /// What is sent when it is not what the ticket keeps (a survey's links are for the buyer's
    /// eyes only: the ticket keeps the message without them).
    #[serde(default)]
    body: Option<String>,
}

/// Queues the sending of answer `message_id`, to run at once.
pub(crate) async fn enqueue_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    message_id: &str,
) -> AppResult<()> {
    let payload = serde_json::json!({ "message_id": message_id });
    crate::jobs::enqueue_in_tx(app, conn, Some(operator), JobKind::TicketReply, &payload, app.now()).await?;
    Ok(())
}

/// Queues the sending of message `message_id` with `body` in place of the words the ticket keeps.
pub(crate) async fn enqueue_text_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    (message_id, body): (&str, &str),
) -> AppResult<()> {
    let payload = serde_json::json!({ "message_id": message_id, "body": body });
    crate::jobs::enqueue_in_tx(app, conn, Some(operator), JobKind::TicketReply, &payload, app.now()).await?;
    Ok(())
}

/// The ids the answer `m` follows in its conversation, newest first: the buyer's messages under
/// their own ids, ours under the ids we sent them with.
fn answered(all: &[MessageRow], m: &MessageRow, domain: &str) -> Vec<String> {
    all.iter()
        .rev()
        .filter(|e| {
            e.id != m.id
                && e.created_at <= m.created_at
                && ["email", "marketplace"].contains(&e.channel.as_str())
        })
        .filter_map(|e| match e.direction.as_str() {
            "in" => e.external_id.clone(),
            "out" | "auto" => Some(format!("{}@{domain}", e.id)),
            _ => None,
        })
        .collect()
}

/// The e-mail of answer `m` on ticket `t`.
fn email_of(t: &TicketRow, m: &MessageRow, all: &[MessageRow], domain: &str) -> OutgoingMail {
    let subject = if t.subject.to_ascii_lowercase().starts_with("re:") {
        t.subject.clone()
    } else {
        format!("Re: {}", t.subject)
    };
    let html = m
        .body
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", crate::notifications::escape_html(p).replace('\n', "<br>")))
        .collect();
    OutgoingMail {
        to: if t.buyer_name.is_empty() || t.buyer_name == t.buyer_email {
            t.buyer_email.clone()
        } else {
            format!("\"{}\" <{}>", t.buyer_name.replace(['"', '\\'], ""), t.buyer_email)
        },
        subject,
        text: m.body.clone(),
        html,
        message_id: m.id.clone(),
        reply_to: t.reply_address.clone(),
        answers: answered(all, m, domain),
        auto_reply: m.direction == "auto",
        ..OutgoingMail::default()
    }
}

/// Sends a chat answer through the WhatsApp connection the chat came through.
async fn send_chat(app: &App, connection: &str, phone: &str, body: &str) -> Result<(), String> {
    let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
    let c = tradeport_store::channels::connections::get_for_delivery(&mut conn, connection)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the chat's WhatsApp connection is gone; answer the buyer another way")?;
    drop(conn);
    let credentials = crate::channels::credentials(app, &c)?;
    let token = credentials
        .get("access_token")
        .filter(|t| !t.is_empty())
        .ok_or("the WhatsApp connection has no access_token in its credentials; set one and retry the job")?;
    let whatsapp = tradeport_connectors::whatsapp::WhatsApp::new(app.graph_api_url())?;
    whatsapp.send_text(&c.seller_id, token, phone, body).await.map(|_| ())
}

/// Sends a marketplace answer back through the connection the buyer wrote through (eBay).
async fn send_marketplace(
    app: &App,
    connection: &str,
    t: &TicketRow,
    all: &[MessageRow],
    body: &str,
) -> Result<(), String> {
    let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
    let c = tradeport_store::channels::connections::get_for_delivery(&mut conn, connection)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the ticket's marketplace connection is gone; answer the buyer on the marketplace")?;
    drop(conn);
    if c.kind != tradeport_domain::channels::ChannelKind::Ebay.as_str() {
        return Err(format!("answers do not go back through {} connections; answer the buyer there", c.kind));
    }
    super::ebay_in::send_answer(app, &c, t, all, body).await
}

/// Sends the job's answer; the error says what to fix.
pub(crate) async fn run_reply_job(app: &App, job: &JobRow) -> Result<(), String> {
    let p: ReplyJob = serde_json::from_str(&job.payload).map_err(|e| format!("the job's payload: {e}"))?;
    let operator = job.tenant_id.ok_or("the job names no operator")?;
    let read = async {
        let mut conn = app.db().read().await?;
        let Some(m) = tickets::message_by_id(&mut conn, operator, &p.message_id).await? else {
            return Ok(None);
        };
        let t = tickets::get(&mut conn, operator, None, &m.ticket_id).await?;
        let all = tickets::messages(&mut conn, operator, &m.ticket_id).await?;
        AppResult::Ok(t.map(|t| (t, m, all)))
    };
    let (t, mut m, all) = read.await.map_err(|e| e.to_string())?.ok_or("the answer is no longer kept")?;
    if let Some(body) = p.body {
        m.body = body;
    }
    match (&t.buyer_phone, &t.connection_id) {
        (Some(phone), Some(connection)) => return send_chat(app, connection, phone, &m.body).await,
        (None, Some(connection)) => return send_marketplace(app, connection, &t, &all, &m.body).await,
        _ => {}
    }
    if t.buyer_email.trim().is_empty() {
        tracing::info!(ticket = %t.id, "the ticket has no e-mail address; the answer shows on the ticket only");
        return Ok(());
    }
    let mailer = app
        .mailer()
        .ok_or("no SMTP server is configured (tradeport serve --smtp-url); retry the job once it is")?;
    mailer.send(&email_of(&t, &m, &all, &mailer.domain())).await.map_err(|e| e.to_string())
}
