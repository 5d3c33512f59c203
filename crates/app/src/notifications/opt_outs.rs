//! Buyers who asked to hear nothing more (SLA-3): staff list an address (an e-mail address or a
//! phone number in E.164) and the relay makes no e-mail or text message to it from then on.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Email, FieldError};
use tradeport_store::opt_outs;

use crate::{App, AppError, AppResult};

/// An address to opt out.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptOutInput {
    /// An e-mail address, or a phone number in E.164 (`+442079460958`).
    pub address: String,
    /// Why, as the buyer said it.
    #[serde(default)]
    pub reason: String,
}

/// An opted-out address.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OptOutView {
    pub address: String,
    pub reason: String,
    pub created_at: i64,
}

/// The address as stored: an e-mail in lower case, or a phone in E.164.
fn normal_address(raw: &str) -> AppResult<String> {
    let raw = raw.trim();
    let phone = raw
        .strip_prefix('+')
        .is_some_and(|d| (7..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()));
    if phone {
        return Ok(raw.to_string());
    }
    Email::parse(raw).map(|e| e.as_str().to_ascii_lowercase()).map_err(|_| {
        AppError::Invalid(vec![FieldError::new(
            "address",
            "bad_address",
            "give an e-mail address, or a phone number in international form such as +442079460958",
        )])
    })
}

/// The operator's opted-out addresses.
pub async fn list_opt_outs(app: &App, principal: &Principal) -> AppResult<Vec<OptOutView>> {
    principal.require(Permission::ChangeOrders)?;
    let mut conn = app.db().read().await?;
    let rows = opt_outs::list(&mut conn, principal.scope.operator_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| OptOutView { address: r.address, reason: r.reason, created_at: r.created_at })
        .collect())
}

/// Opts an address out of every buyer notification. Staff who change orders.
pub async fn opt_out(app: &App, principal: &Principal, input: &OptOutInput) -> AppResult<Vec<OptOutView>> {
    principal.require(Permission::ChangeOrders)?;
    let address = normal_address(&input.address)?;
    let operator = principal.scope.operator_id;
    let reason: String = input.reason.trim().chars().take(500).collect();
    let mut tx = app.begin().await?;
    opt_outs::add_in_tx(&mut tx, operator, &address, &reason, app.now()).await?;
    let data = serde_json::json!({ "address": address, "reason": reason }).to_string();
    let event = tradeport_store::events::NewEvent {
        data,
        ..app.event(principal.actor, "opt_out", &address, "buyer_opted_out")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    list_opt_outs(app, principal).await
}

/// Takes an address off the list (the buyer asked to hear from us again).
pub async fn opt_in(app: &App, principal: &Principal, address: &str) -> AppResult<Vec<OptOutView>> {
    principal.require(Permission::ChangeOrders)?;
    let address = normal_address(address)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    if !opt_outs::remove_in_tx(&mut tx, operator, &address).await? {
        return Err(AppError::NotFound("opt-out"));
    }
    let event = app.event(principal.actor, "opt_out", &address, "buyer_opted_in");
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    list_opt_outs(app, principal).await
}
