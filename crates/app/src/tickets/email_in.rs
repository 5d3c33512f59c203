//! A buyer's e-mail to a support mailbox (CS-1). It threads onto the ticket it answers (by
//! `In-Reply-To` and `References`: one of our answers, or the buyer's own earlier message, from the
//! same sender); otherwise it opens a ticket, linked to the order its subject or text names (an
//! order number, a shop's order number, a tracking number) or to none when the sender is unknown.
//! The same message delivered twice is kept once. Amazon's buyer-seller messages come the same way,
//! from Amazon's relay address, and make marketplace tickets.

use tradeport_connectors::mail_in::{Delivery, Refusal, read_mail};
use tradeport_domain::kernel::TenantId;
use tradeport_domain::tickets::{TicketAction, TicketChannel, references_in, transition};
use tradeport_store::AnyConnection;
use tradeport_store::ticket_links;
use tradeport_store::tickets::{self, TicketRow};

use super::inbound::{Inbound, keep_inbound, order_row};
use super::status_of;
use crate::{App, AppError, AppResult};

/// What became of a delivered e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedEmail {
    pub ticket_id: String,
    pub message_id: String,
    pub duplicate: bool,
}

/// The ticket a message answering `ids` from `sender` continues, if one still takes messages.
async fn thread_of(
    conn: &mut AnyConnection,
    operator: TenantId,
    ids: &[String],
    (channel, sender): (TicketChannel, &str),
) -> AppResult<Option<TicketRow>> {
    for id in ids {
        // Our answers went out as `<message id>@<our domain>`; the buyer's own under their ids.
        let ours = id.split('@').next().unwrap_or_default();
        let message = match tickets::message_by_id(conn, operator, ours).await? {
            Some(m) => Some(m),
            None => tickets::message_by_external_id(conn, operator, channel.as_str(), id).await?,
        };
        let Some(m) = message else { continue };
        let Some(t) = tickets::get(conn, operator, None, &m.ticket_id).await? else { continue };
        let open = transition(status_of(&t)?, TicketAction::BuyerWrites).is_some();
        if open && t.buyer_email.eq_ignore_ascii_case(sender) {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

/// Keeps a delivered e-mail; the refusal says whether the sender should try again.
pub async fn receive_email(app: &App, delivery: &Delivery) -> Result<ReceivedEmail, Refusal> {
    let mail = read_mail(&delivery.raw)
        .ok_or_else(|| Refusal::Never("the message has no From address; it cannot be answered".into()))?;
    let mut conn = app.db().read().await.map_err(later)?;
    let mut mailbox = None;
    for to in &delivery.rcpt_to {
        if let Some(m) =
            ticket_links::mailbox(&mut conn, &to.trim().to_ascii_lowercase()).await.map_err(later)?
        {
            mailbox = Some(m);
            break;
        }
    }
    let mailbox = mailbox.ok_or_else(|| Refusal::Never("no support mailbox has this address".into()))?;
    let work = async {
        let operator: TenantId = crate::parse_id(&mailbox.tenant_id, "operator")?;
        let merchant: Option<TenantId> =
            mailbox.merchant_id.as_deref().map(|m| crate::parse_id(m, "merchant")).transpose()?;
        // Amazon relays buyer-seller messages as e-mail from an address of its own, and relays
        // the answer back the same way: a marketplace conversation carried by e-mail.
        let kind = if is_marketplace_relay(&mail.from_address) {
            TicketChannel::Marketplace
        } else {
            TicketChannel::Email
        };
        let channel = kind.as_str();
        if let Some(m) =
            tickets::message_by_external_id(&mut conn, operator, channel, &mail.message_id).await?
        {
            return Ok(ReceivedEmail { ticket_id: m.ticket_id, message_id: m.id, duplicate: true });
        }
        // A merchant's mailbox continues only that merchant's conversations.
        let thread = thread_of(&mut conn, operator, &mail.answers, (kind, &mail.from_address))
            .await?
            .filter(|t| merchant.is_none_or(|m| t.merchant_id.as_deref() == Some(&m.to_string())));
        let mut order_id = thread.as_ref().and_then(|t| t.order_id.clone());
        if thread.is_none() {
            for reference in references_in(&format!("{}\n{}", mail.subject, mail.text)) {
                if let Some((id, _)) =
                    ticket_links::order_for_reference(&mut conn, operator, merchant, &reference).await?
                {
                    order_id = Some(id);
                    break;
                }
            }
        }
        drop(conn);
        let order = match order_id {
            Some(id) => order_row(app, operator, &id).await?,
            None => None,
        };
        let acknowledge = !mail.automatic;
        let kept = keep_inbound(
            app,
            Inbound {
                operator,
                merchant,
                order: order.as_ref(),
                thread,
                channel: kind,
                external_id: mail.message_id.clone(),
                buyer_name: mail.from_name.clone(),
                buyer_email: mail.from_address.clone(),
                subject: mail.subject.clone(),
                text: mail.text.clone(),
                reply_address: Some(mailbox.address.clone()),
                chat: None,
                connection: None,
                attachments: &mail.attachments,
                acknowledge,
            },
        )
        .await?;
        AppResult::Ok(ReceivedEmail {
            ticket_id: kept.ticket_id,
            message_id: kept.message_id,
            duplicate: kept.duplicate,
        })
    };
    work.await.map_err(|e| match e {
        AppError::Invalid(_) | AppError::NotFound(_) => Refusal::Never(e.to_string()),
        other => later(other),
    })
}

/// Whether `address` is a marketplace's relay of buyer-seller messages (Amazon's
/// `…@marketplace.amazon.com`, `.co.uk`, `.de`, …).
fn is_marketplace_relay(address: &str) -> bool {
    address.rsplit_once('@').is_some_and(|(_, domain)| domain.starts_with("marketplace.amazon."))
}

fn later(e: impl std::fmt::Display) -> Refusal {
    tracing::warn!(error = %e, "an inbound e-mail could not be kept now; the sender will try again");
    Refusal::Later("the message could not be kept now; try again later".into())
}

/// The SMTP receiver's handler: each delivered message kept by [`receive_email`].
pub fn mail_handler(app: App) -> tradeport_connectors::mail_in::Handler {
    std::sync::Arc::new(move |delivery| {
        let app = app.clone();
        Box::pin(async move { receive_email(&app, &delivery).await.map(|_| ()) })
    })
}
