//! eBay member messages (CS-1): buyers' questions and messages to the seller, read through the
//! seller's eBay connection with eBay's Trading API every 15 minutes (and on demand), from the last
//! read on with an hour's overlap (eBay may list a message late), each kept once under its eBay
//! message id. A message joins the buyer's ticket on that connection still being worked, or opens
//! a marketplace ticket linked to the order its words name among the merchant's orders; the
//! agent's answer goes back as eBay's answer to the buyer's latest question (`AddMemberMessageRTQ`).
//! The seller's own messages and those to another seller are not the buyer's and are left.

use serde::Serialize;
use tradeport_connectors::ebay_trading::{EbayTrading, MemberMessage};
use tradeport_domain::access::Principal;
use tradeport_domain::channels::{ChannelKind, ConnectionStatus};
use tradeport_domain::kernel::TenantId;
use tradeport_domain::tickets::TicketChannel;
use tradeport_store::channels::connections::{self, ConnectionRow};
use tradeport_store::tickets;
use tradeport_store::tickets::{MessageRow, TicketRow};

use super::inbound::{Inbound, keep_inbound, thread_or_order};
use crate::channels::{FIRST_POLL_MS, iso};
use crate::{App, AppResult};

/// How far each read reaches back before the last one ended.
const OVERLAP_MS: i64 = 3_600_000;
/// The prefix of an eBay message's id on a ticket: `ebay:{item id}:{message id}`.
const PREFIX: &str = "ebay:";
/// The longest answer eBay takes (plain text).
pub(crate) const MOST_CHARS: usize = 2_000;

/// What one read of a connection's messages did.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct MessagesRead {
    pub seen: u64,
    pub kept: u64,
    /// Read before (the overlap, or a read that resumed).
    pub duplicates: u64,
    /// Not a buyer's message to this seller.
    pub ignored: u64,
    /// Where the next read starts.
    pub watermark: String,
    /// Why the read stopped early, when it did (the watermark stayed).
    pub error: Option<String>,
}

fn client(app: &App, c: &ConnectionRow) -> AppResult<EbayTrading> {
    crate::channels::ebay_client(app, c, EbayTrading::new)
}

/// Reads one eBay connection's messages now. Admins, order managers, the merchant.
pub async fn read_member_messages(app: &App, principal: &Principal, id: &str) -> AppResult<MessagesRead> {
    let c = crate::channels::managed_connection(app, principal, id).await?;
    if c.kind != ChannelKind::Ebay.as_str() {
        return Err(crate::warehouse::conflict(
            "channel.no_messages",
            "only eBay connections have member messages to read; e-mail and WhatsApp arrive by themselves",
        ));
    }
    if c.status == ConnectionStatus::Paused.as_str() {
        return Err(crate::warehouse::conflict(
            "channel.paused",
            "the connection is paused: resume it first",
        ));
    }
    // A connection made before its messages were read on a schedule gets the schedule now.
    let mut tx = app.begin().await?;
    crate::channels::schedule_polls_in_tx(app, &mut tx, principal.scope.operator_id).await?;
    tx.commit().await?;
    read_messages(app, &c).await
}

/// Reads every active eBay connection of the operator (the scheduled poll); what failed, by name.
pub(crate) async fn read_all(app: &App, operator: &str) -> Vec<String> {
    let all = async {
        let mut conn = app.db().read().await?;
        AppResult::Ok(connections::all(&mut conn).await?)
    };
    let all = match all.await {
        Ok(all) => all,
        Err(e) => return vec![e.to_string()],
    };
    let mut failures = Vec::new();
    for c in all.iter().filter(|c| {
        c.tenant_id == operator
            && c.kind == ChannelKind::Ebay.as_str()
            && c.status == ConnectionStatus::Active.as_str()
    }) {
        match read_messages(app, c).await {
            Ok(r) if r.error.is_none() => {}
            Ok(r) => failures.push(format!("{} (eBay messages): {}", c.name, r.error.unwrap_or_default())),
            Err(e) => failures.push(format!("{} (eBay messages): {e}", c.name)),
        }
    }
    failures
}

async fn read_messages(app: &App, c: &ConnectionRow) -> AppResult<MessagesRead> {
    let api = client(app, c)?;
    let operator: TenantId = crate::parse_id(&c.tenant_id, "operator")?;
    let merchant: TenantId = crate::parse_id(&c.merchant_id, "merchant")?;
    let mut conn = app.db().read().await?;
    let last = connections::messages_watermark(&mut conn, operator, &c.id).await?;
    drop(conn);
    let now = app.now().0;
    let from = last.as_deref().and_then(|w| w.parse::<jiff::Timestamp>().ok()).map_or(
        now - FIRST_POLL_MS, /* a first read: the last week */
        |t| t.as_millisecond() - OVERLAP_MS,
    );
    let (from, to) = (iso(from), iso(now));
    let mut read = MessagesRead { watermark: last.unwrap_or_default(), ..MessagesRead::default() };
    let mut page = 1;
    let stopped = loop {
        let batch = match api.member_messages(&from, &to, page).await {
            Ok(b) => b,
            Err(e) => break Some(e),
        };
        let mut failed = None;
        for m in &batch.messages {
            read.seen += 1;
            if let Err(e) = keep_one(app, c, (operator, merchant), m, &mut read).await {
                failed = Some(format!("message {} could not be kept: {e}", m.message_id));
                break;
            }
        }
        if failed.is_some() {
            break failed;
        }
        if !batch.has_more || batch.messages.is_empty() {
            break None;
        }
        page += 1;
    };
    let mut tx = app.begin().await?;
    if stopped.is_none() {
        connections::set_messages_watermark_in_tx(&mut tx, operator, &c.id, &to).await?;
        read.watermark = to;
    }
    connections::record_health_in_tx(&mut tx, &c.id, app.now(), stopped.as_deref()).await?;
    tx.commit().await?;
    read.error = stopped;
    Ok(read)
}

/// Keeps one message, once.
async fn keep_one(
    app: &App,
    c: &ConnectionRow,
    (operator, merchant): (TenantId, TenantId),
    m: &MemberMessage,
    read: &mut MessagesRead,
) -> AppResult<()> {
    let to_this_seller = m.recipient_id.is_empty() || m.recipient_id.eq_ignore_ascii_case(&c.seller_id);
    let from_a_buyer = !m.sender_id.is_empty() && !m.sender_id.eq_ignore_ascii_case(&c.seller_id);
    // Without its item and id a message cannot be answered on eBay.
    let answerable = !m.item_id.is_empty() && !m.message_id.is_empty();
    if !to_this_seller || !from_a_buyer || !answerable {
        read.ignored += 1;
        return Ok(());
    }
    let external_id = format!("{PREFIX}{}:{}", m.item_id, m.message_id);
    let channel = TicketChannel::Marketplace.as_str();
    let mut conn = app.db().read().await?;
    if tickets::message_by_external_id(&mut conn, operator, channel, &external_id).await?.is_some() {
        read.duplicates += 1;
        return Ok(());
    }
    let latest = tickets::latest_of_marketplace_buyer(&mut conn, operator, &c.id, &m.sender_id).await?;
    drop(conn);
    let words = format!("{}\n{}", m.subject, m.body);
    let (thread, order) = thread_or_order(app, (operator, merchant), latest, &words).await?;
    let subject = match (m.subject.is_empty(), m.item_title.is_empty()) {
        (false, _) => m.subject.clone(),
        (true, false) => format!("eBay: {}", m.item_title),
        (true, true) => format!("eBay item {}", m.item_id),
    };
    let kept = keep_inbound(
        app,
        Inbound {
            operator,
            merchant: Some(merchant),
            order: order.as_ref(),
            thread,
            channel: TicketChannel::Marketplace,
            external_id,
            buyer_name: m.sender_id.clone(),
            // eBay's relay address is not the buyer's mailbox: answers go back through eBay.
            buyer_email: String::new(),
            subject,
            text: m.body.clone(),
            reply_address: None,
            chat: None,
            connection: Some(c.id.clone()),
            attachments: &[],
            acknowledge: false,
        },
    )
    .await?;
    if kept.duplicate {
        read.duplicates += 1;
    } else {
        read.kept += 1;
    }
    Ok(())
}

/// Sends answer `body` of ticket `t` back through its eBay connection, as the answer to the
/// buyer's latest question; the error says what to fix.
pub(crate) async fn send_answer(
    app: &App,
    c: &ConnectionRow,
    t: &TicketRow,
    all: &[MessageRow],
    body: &str,
) -> Result<(), String> {
    let (item, question) = all
        .iter()
        .rev()
        .filter(|m| m.direction == "in")
        .find_map(|m| m.external_id.as_deref()?.strip_prefix(PREFIX)?.split_once(':'))
        .ok_or("the ticket holds no eBay question to answer; write to the buyer on eBay")?;
    let api = client(app, c).map_err(|e| e.to_string())?;
    api.answer_question(item, question, &t.buyer_name, body).await
}
