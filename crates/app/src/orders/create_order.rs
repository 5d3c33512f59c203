//! Order intake (ORD-1 … ORD-3, ORD-8, ORD-10): validate, store once per channel order id,
//! and approve, reserve and confirm automatically where the operator's rules allow (ORD-5).

use std::collections::HashMap;

use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::orders::{OrderAction, OrderInput, OrderStatus, SkuFacts, validate_order};
use tradeport_store::inventory::{goods_rules, skus};
use tradeport_store::orders::{self, OrderRow};

use super::review::apply_in_tx;
use super::view::{OrderView, load_view};
use crate::access::load_settings_of;
use crate::inventory::merchant_for;
use crate::{App, AppError, AppResult};

/// What intake did.
#[derive(Clone, Debug)]
pub struct Intake {
    pub order: OrderView,
    /// False when the channel order id was known: the stored order is returned unchanged.
    pub created: bool,
}

/// Takes in an order.
pub async fn create_order(
    app: &App,
    principal: &Principal,
    input: &OrderInput,
) -> AppResult<Intake> {
    principal.require(Permission::CreateOrders)?;
    let merchant = merchant_for(principal, input.merchant_id.as_deref())?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let merchant_row = tradeport_store::access::tenants::get(&mut conn, operator, merchant).await?;
    if !merchant_row.is_some_and(|m| m.kind == tradeport_domain::access::TenantKind::Merchant) {
        return Err(AppError::NotFound("merchant"));
    }
    if let Some(existing) = orders::find_by_channel_id(
        &mut conn,
        operator,
        merchant,
        &input.channel,
        input.channel_order_id.trim(),
    )
    .await?
    {
        let order = load_view(&mut conn, operator, &existing).await?;
        return Ok(Intake {
            order,
            created: false,
        });
    }
    let settings = load_settings_of(&mut conn, operator).await?;
    let rules = goods_rules::list(&mut conn, operator).await?;
    let codes: Vec<String> = input
        .lines
        .iter()
        .map(|l| l.sku.trim().to_string())
        .collect();
    let known: HashMap<String, SkuFacts> =
        skus::find_by_codes(&mut conn, operator, merchant, &codes)
            .await?
            .into_iter()
            .map(|s| {
                (
                    s.sku.clone(),
                    SkuFacts {
                        id: s.id,
                        name: s.name,
                        active: s.active,
                        traits: s.traits,
                        hs_code: s.hs_code,
                    },
                )
            })
            .collect();
    drop(conn);
    let v = validate_order(input, &known, &settings, &rules).map_err(AppError::Invalid)?;

    let now = app.now();
    let id = app.new_uuid().to_string();
    let status = if v.holds.is_empty() {
        OrderStatus::PendingReview
    } else {
        OrderStatus::OnHold
    };
    let holds = serde_json::to_string(&v.holds).map_err(|e| AppError::Internal(e.to_string()))?;
    let discounts: Vec<serde_json::Value> = input
        .discounts
        .iter()
        .map(|d| serde_json::json!({"code": d.code, "amount_minor": d.amount_minor}))
        .collect();
    let mut address = input.shipping_address.clone();
    address.country = address.country.trim().to_ascii_uppercase();
    let row = OrderRow {
        id: id.clone(),
        merchant_id: merchant,
        channel: v.channel.clone(),
        channel_order_id: v.channel_order_id.clone(),
        order_no: None,
        status,
        allocation: "none".into(),
        buyer_name: input.buyer.name.trim().to_string(),
        buyer_phone: input.buyer.phone.trim().to_string(),
        buyer_phone_e164: v.phone_e164.clone(),
        buyer_email: v.email.clone(),
        buyer_language: if input.buyer.language.trim().is_empty() {
            "en".into()
        } else {
            input.buyer.language.trim().to_string()
        },
        shipping_address: serde_json::to_string(&address)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        ship_country: address.country.clone(),
        currency: v.currency.code().into(),
        subtotal_minor: v.subtotal_minor,
        discount_minor: v.discount_minor,
        discounts: serde_json::Value::Array(discounts).to_string(),
        shipping_fee_minor: input.shipping_fee_minor,
        total_minor: v.total_minor,
        paid_minor: input.paid_minor,
        payment_method: input.payment_method.trim().to_string(),
        payment_status: input.payment_status.clone(),
        service_level: input.service_level.clone(),
        urgent: input.urgent,
        remarks: input.remarks.trim().to_string(),
        holds,
        flags: v.flags.join(","),
        second_review_due: v.second_review_due,
        created_at: now,
        updated_at: now,
        approved_at: None,
        confirmed_at: None,
    };

    let mut tx = app.db().begin().await?;
    if !orders::insert_in_tx(&mut tx, operator, &row).await? {
        // The same channel order arrived concurrently and won: return that one.
        drop(tx);
        let mut conn = app.db().read().await?;
        let existing = orders::find_by_channel_id(
            &mut conn,
            operator,
            merchant,
            &row.channel,
            &row.channel_order_id,
        )
        .await?
        .ok_or(AppError::NotFound("order"))?;
        return Ok(Intake {
            order: load_view(&mut conn, operator, &existing).await?,
            created: false,
        });
    }
    let line_ids: Vec<String> = v.lines.iter().map(|_| app.new_uuid().to_string()).collect();
    orders::lines::insert_in_tx(&mut tx, operator, &id, &line_ids, &v.lines).await?;
    let kind = if status == OrderStatus::OnHold {
        "order_received_on_hold"
    } else {
        "order_received"
    };
    let data = serde_json::json!({ "channel": row.channel, "channel_order_id": row.channel_order_id, "holds": v.holds, "flags": v.flags }).to_string();
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(merchant),
        data,
        ..app.event(principal.actor, "order", &id, kind)
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;

    let automatic = settings.auto_approve
        && status == OrderStatus::PendingReview
        && v.flags.is_empty()
        && !v.second_review_due;
    if automatic {
        let reason = "auto-approval: paid, valid, below the second-review threshold, no remarks";
        let approved = apply_in_tx(
            app,
            &mut tx,
            operator,
            &row,
            Actor::System,
            OrderAction::Approve {
                second_review_due: false,
            },
            Some(reason),
            None,
            &settings,
        )
        .await?;
        if approved.status == OrderStatus::Approved && settings.auto_confirm {
            apply_in_tx(
                app,
                &mut tx,
                operator,
                &approved,
                Actor::System,
                OrderAction::Confirm,
                Some("auto-confirmation"),
                None,
                &settings,
            )
            .await?;
        }
    }
    let stored = orders::get(&mut tx, operator, None, &id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let order = load_view(&mut tx, operator, &stored).await?;
    tradeport_store::commit(tx).await?;
    Ok(Intake {
        order,
        created: true,
    })
}
