//! Coupons given as compensation (EXC-5): a granted `coupon` request issues one code for the
//! buyer's next order with the merchant, worth the amount granted, valid for a year, and tells the
//! buyer; an order that names it among its discounts uses it, once, in its intake transaction.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::aftersales::{COUPON_PREFIX, CouponFacts, check_coupon, is_coupon_code};
use tradeport_domain::kernel::{FieldError, Millis, OrderId, TenantId};
use tradeport_domain::notifications::BuyerMessage;
use tradeport_domain::orders::OrderInput;
use tradeport_store::aftersales::coupons::{self, CouponRow, CouponsOf};
use tradeport_store::aftersales::requests::RequestRow;
use tradeport_store::orders::OrderRow;

use crate::warehouse::rfc3339;
use crate::words::money_text;
use crate::{App, AppError, AppResult, UnitOfWork};

/// How long a coupon may be used.
const VALID_MS: i64 = 365 * 24 * 3_600_000;

/// A coupon as the API shows it.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CouponView {
    pub code: String,
    pub buyer_email: String,
    pub currency: String,
    pub amount_minor: i64,
    /// The amount written out, e.g. `1.80 GBP`.
    pub amount: String,
    /// The after-sales request it compensates.
    pub request_id: Option<String>,
    pub expires_at: String,
    /// The order that used it, once used.
    pub redeemed_order_id: Option<String>,
}

impl From<CouponRow> for CouponView {
    fn from(c: CouponRow) -> Self {
        Self {
            amount: money_text(c.amount_minor, &c.currency),
            code: c.code,
            buyer_email: c.buyer_email,
            currency: c.currency,
            amount_minor: c.amount_minor,
            request_id: c.request_id,
            expires_at: rfc3339(Millis(c.expires_at)),
            redeemed_order_id: c.redeemed_order_id,
        }
    }
}

/// Issues the request's coupon worth `amount` and queues the buyer's message, in the decision's
/// transaction.
pub(crate) async fn issue_in_tx(
    app: &App,
    tx: &mut UnitOfWork,
    operator: TenantId,
    (row, order): (&RequestRow, &OrderRow),
    amount: i64,
) -> AppResult<CouponRow> {
    let now = app.now();
    let code = format!("{COUPON_PREFIX}{}", tradeport_connectors::secrets::random_token(5).to_uppercase());
    let coupon = CouponRow {
        id: app.new_uuid().to_string(),
        merchant_id: row.merchant_id.to_string(),
        code,
        buyer_email: order.buyer_email.to_lowercase(),
        currency: row.currency.clone(),
        amount_minor: amount,
        request_id: Some(row.id.clone()),
        expires_at: now.0 + VALID_MS,
        redeemed_order_id: None,
        redeemed_at: None,
        created_at: now.0,
    };
    coupons::insert_in_tx(tx, operator, &coupon).await?;
    let mut message =
        crate::orders::buyer_message(app, order, BuyerMessage::CouponIssued, order.order_no.as_deref(), now);
    let mut payload: serde_json::Value =
        serde_json::from_str(&message.payload).map_err(|e| AppError::Internal(e.to_string()))?;
    payload["coupon"] =
        serde_json::json!({ "code": coupon.code, "amount_minor": amount, "expires_at": coupon.expires_at });
    message.payload = payload.to_string();
    tradeport_store::outbox::enqueue_in_tx(tx, operator, &message).await?;
    Ok(coupon)
}

/// The order's discounts that name one of our coupons, each checked: the coupons it uses, by
/// discount index, or what is wrong, field by field. Read before intake's transaction.
pub(crate) async fn coupons_of_order(
    conn: &mut tradeport_store::AnyConnection,
    operator: TenantId,
    merchant: TenantId,
    input: &OrderInput,
    now: Millis,
) -> AppResult<Result<Vec<CouponRow>, Vec<FieldError>>> {
    let mut used = Vec::new();
    let mut errors = Vec::new();
    for (n, d) in input.discounts.iter().enumerate().filter(|(_, d)| is_coupon_code(&d.code)) {
        let field = format!("discounts[{n}].code");
        let found = coupons::find(conn, operator, Some(merchant), CouponsOf::Code(&d.code)).await?.pop();
        let Some(c) = found else {
            errors.push(FieldError::new(
                field,
                "unknown_coupon",
                format!("no coupon {} was given", d.code.trim()),
            ));
            continue;
        };
        // A retry of the order that used it: intake answers with that order.
        if let Some(used_by) = c.redeemed_order_id.as_deref().and_then(|o| o.parse::<OrderId>().ok()) {
            let same = tradeport_store::orders::get(conn, operator, None, used_by).await?.is_some_and(|o| {
                o.channel == input.channel.trim() && o.channel_order_id == input.channel_order_id.trim()
            });
            if same {
                continue;
            }
        }
        let facts = CouponFacts {
            buyer_email: &c.buyer_email,
            currency: &c.currency,
            amount_minor: c.amount_minor,
            expires_at: Millis(c.expires_at),
            redeemed: c.redeemed_order_id.is_some(),
        };
        match check_coupon(&facts, &input.buyer.email, input.currency.trim(), d.amount_minor, now) {
            Some(why) => errors.push(FieldError::new(field, "coupon_refused", why)),
            None => used.push(c),
        }
    }
    Ok(if errors.is_empty() { Ok(used) } else { Err(errors) })
}

/// Uses the order's coupons in intake's transaction; a coupon used meanwhile refuses the order.
pub(crate) async fn redeem_in_tx(
    tx: &mut UnitOfWork,
    operator: TenantId,
    used: &[CouponRow],
    order: OrderId,
    now: Millis,
) -> AppResult<()> {
    for c in used {
        if !coupons::redeem_in_tx(tx, operator, &c.id, order, now).await? {
            return Err(AppError::Conflict {
                code: "coupon.used",
                message: format!("coupon {} was used by another order meanwhile", c.code),
                fields: Vec::new(),
            });
        }
    }
    Ok(())
}

/// A buyer's coupons (a merchant: the ones it gave). Staff and merchants who file after-sales.
pub async fn list_coupons(app: &App, principal: &Principal, buyer_email: &str) -> AppResult<Vec<CouponView>> {
    principal.require(Permission::FileAftersales)?;
    let mut conn = app.db().read().await?;
    let rows = coupons::find(
        &mut conn,
        principal.scope.operator_id,
        principal.scope.merchant_id,
        CouponsOf::Buyer(buyer_email),
    )
    .await?;
    Ok(rows.into_iter().map(CouponView::from).collect())
}

/// The coupon a request issued, if any.
pub(crate) async fn coupon_of_request(
    conn: &mut tradeport_store::AnyConnection,
    operator: TenantId,
    request: &str,
) -> AppResult<Option<CouponView>> {
    Ok(coupons::find(conn, operator, None, CouponsOf::Request(request)).await?.pop().map(CouponView::from))
}
