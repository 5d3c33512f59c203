//! eBay member messages (CS-1): buyers' questions and messages to the seller, read through the
//! seller's eBay connection with eBay's Trading API every 15 minutes (and on demand), from the last
//! read on with an hour's overlap (eBay may list a message late), each kept once under its eBay
//! message id. A message joins the buyer's ticket on that connection still being worked, or opens
//! a marketplace ticket linked to the order its words name among the merchant's orders; the
//! agent's answer goes back as eBay's answer to the buyer's latest question (`AddMemberMessageRTQ`).
//! The seller's own messages and those to another seller are not the buyer's and are left.

use serde::Serialize;
use tradeport_connectors::ebay_trading::{EbayAccess, EbayTrading, MemberMessage};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::channels::{ChannelKind, ConnectionStatus};
use tradeport_domain::kernel::TenantId;
use tradeport_domain::tickets::{TicketAction, TicketChannel, references_in, transition};
use tradeport_store::channels::connections::{self, ConnectionRow};
use tradeport_store::tickets::{MessageRow, TicketRow};
use tradeport_store::{ticket_links, tickets};

use super::inbound::{Inbound, keep_inbound, order_row};
use super::status_of;
use crate::{App, AppError, AppResult};

/// eBay's API host when the connection names none.
const EBAY_API: &str = "https://api.ebay.com";
/// Where a first read starts: messages of the last week.
const FIRST_READ_MS: i64 = 7 * 24 * 3_600_000;
/// How far each read reaches back before the last one ended.
const OVERLAP_MS: i64 = 3_600_000;
/// The prefix of an eBay message's id on a ticket: `ebay:{item id}:{message id}`.
const PREFIX: &str = "ebay:";

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

fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string())
        .unwrap_or_default()
}

/// The eBay site of the connection's first marketplace id (`EBAY_GB`, …); the US site otherwise.
fn site_id(marketplace_ids: &str) -> u32 {
    match marketplace_ids.split(',').next().unwrap_or_default().trim() {
        "EBAY_GB" => 3,
        "EBAY_DE" => 77,
        "EBAY_FR" => 71,
        "EBAY_IT" => 101,
        "EBAY_ES" => 186,
        "EBAY_AU" => 15,
        "EBAY_CA" => 2,
        _ => 0,
    }
}

fn client(app: &App, c: &ConnectionRow) -> AppResult<EbayTrading> {
    let creds = crate::channels::credentials(app, c).map_err(AppError::Internal)?;
    let get = |k: &str| creds.get(k).map(String::as_str).unwrap_or_default();
    let access = EbayAccess {
        base_url: if c.site_url.is_empty() { EBAY_API } else { &c.site_url },
        site_id: site_id(&c.marketplace_ids),
        client_id: get("client_id"),
        client_secret: get("client_secret"),
        refresh_token: get("refresh_token"),
        scopes: get("scopes"),
    };
    EbayTrading::new(&access).map_err(|why| AppError::Conflict {
        code: "channel.credentials_missing",
        message: why,
        fields: Vec::new(),
    })
}

/// Reads one eBay connection's messages now. Admins, order managers, the merchant.
pub async fn read_member_messages(app: &App, principal: &Principal, id: &str) -> AppResult<MessagesRead> {
    principal.require(Permission::ManageChannels)?;
    let mut conn = app.db().read().await?;
    let c = connections::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("connection"))?;
    drop(conn);
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
    let last = connections::messages_watermark(&mut conn, &c.id).await?;
    drop(conn);
    let now = app.now().0;
    let from = last
        .as_deref()
        .and_then(|w| w.parse::<jiff::Timestamp>().ok())
        .map_or(now - FIRST_READ_MS, |t| t.as_millisecond() - OVERLAP_MS);
    let (from, to) = (iso(from), iso(now));
    let mut read = MessagesRead { watermark: last.unwrap_or_default(), ..MessagesRead::default() };
    let mut page = 1;
    let stopped = loop {
        let batch = match api.member_messages(&from, &to, page).await {
            Ok(b) => b,
            Err(e) => break Some(e),
        };
        for m in &batch.messages {
            read.seen += 1;
            keep_one(app, c, (operator, merchant), m, &mut read).await?;
        }
        if !batch.has_more || batch.messages.is_empty() {
            break None;
        }
        page += 1;
    };
    let mut tx = app.begin().await?;
    if stopped.is_none() {
        connections::set_messages_watermark_in_tx(&mut tx, &c.id, &to).await?;
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
    if !to_this_seller || m.sender_id.is_empty() || m.sender_id.eq_ignore_ascii_case(&c.seller_id) {
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
    let thread = tickets::latest_of_marketplace_buyer(&mut conn, operator, &c.id, &m.sender_id)
        .await?
        .filter(|t| status_of(t).is_ok_and(|s| transition(s, TicketAction::BuyerWrites).is_some()));
    let mut order_id = thread.as_ref().and_then(|t| t.order_id.clone());
    if thread.is_none() {
        for reference in references_in(&format!("{}\n{}", m.subject, m.body)) {
            if let Some((id, _)) =
                ticket_links::order_for_reference(&mut conn, operator, Some(merchant), &reference).await?
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
    // eBay takes plain text of at most 2000 characters.
    let body: String = body.chars().take(2000).collect();
    api.answer_question(item, question, &t.buyer_name, &body).await
}
