//! Pre-sale (INV-4): a SKU put on sale before its goods arrive, with the day promised to buyers
//! (an accepted inbound notice's expected arrival where one is named) and a limit on units. Intake
//! takes the units within the order's transaction (never more than the limit, however many orders
//! arrive at once) and records the promised day on the order; approval backorders what is short
//! whatever the shortage policy, and arriving goods fill the orders oldest first.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::check_presale_limit;
use tradeport_domain::kernel::{AsnId, FieldError, SkuId};
use tradeport_domain::warehouse::AsnStatus;
use tradeport_store::inventory::presales::{self, PresaleRow};

use crate::{App, AppError, AppResult, parse_id};

/// A pre-sale to start or change.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PresaleRequest {
    /// The day promised, `YYYY-MM-DD`; or …
    pub available_on: Option<String>,
    /// … an accepted inbound notice of the SKU's merchant, whose expected arrival is promised.
    pub asn_id: Option<String>,
    /// The most units the pre-sale may sell.
    pub limit: i64,
}

/// A pre-sale as answered.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PresaleView {
    pub sku_id: String,
    pub merchant_id: String,
    /// `YYYY-MM-DD`.
    pub available_on: String,
    pub limit: i64,
    pub sold: i64,
    pub left: i64,
    pub asn_id: Option<String>,
}

/// `YYYY-MM-DD` of midnight UTC `ms`.
pub(crate) fn day_of(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.strftime("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn view(p: &PresaleRow) -> PresaleView {
    PresaleView {
        sku_id: p.sku_id.clone(),
        merchant_id: p.merchant_id.clone(),
        available_on: day_of(p.available_on),
        limit: p.quantity_limit,
        sold: p.sold,
        left: p.quantity_limit - p.sold,
        asn_id: p.asn_id.clone(),
    }
}

fn invalid(field: &str, code: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, code, message)])
}

/// Starts or changes a SKU's pre-sale. Admins, order managers, merchants (their own SKUs).
pub async fn set_presale(
    app: &App,
    principal: &Principal,
    sku: &str,
    r: &PresaleRequest,
) -> AppResult<PresaleView> {
    principal.require(Permission::ManageCatalog)?;
    let operator = principal.scope.operator_id;
    let sku_id: SkuId = parse_id(sku, "SKU")?;
    let mut conn = app.db().read().await?;
    let s = tradeport_store::inventory::skus::get(&mut conn, operator, principal.scope.merchant_id, sku_id)
        .await?
        .ok_or(AppError::NotFound("SKU"))?;
    let current = presales::of_skus(&mut conn, operator, &[sku_id]).await?.pop();
    let available_on = match (r.available_on.as_deref().map(str::trim).filter(|d| !d.is_empty()), &r.asn_id) {
        (Some(day), None) => {
            let d = jiff::civil::Date::strptime("%Y-%m-%d", day)
                .map_err(|_| invalid("available_on", "invalid_date", "available_on is a day, YYYY-MM-DD"))?;
            d.to_zoned(jiff::tz::TimeZone::UTC)
                .map_err(|e| AppError::Internal(e.to_string()))?
                .timestamp()
                .as_millisecond()
        }
        (None, Some(asn)) => {
            let id: AsnId = parse_id(asn, "inbound notice")?;
            let a =
                tradeport_store::warehouse::asns::get(&mut conn, operator, Some(s.merchant_id), id, false)
                    .await?
                    .ok_or(AppError::NotFound("inbound notice"))?;
            if !matches!(a.status, AsnStatus::Accepted | AsnStatus::Arrived | AsnStatus::Receiving) {
                return Err(invalid(
                    "asn_id",
                    "not_accepted",
                    format!(
                        "inbound notice {} is {}: only an accepted one promises a day",
                        a.asn_no,
                        a.status.as_str()
                    ),
                ));
            }
            a.expected_arrival.0
        }
        _ => {
            return Err(invalid(
                "available_on",
                "required",
                "give either available_on (YYYY-MM-DD) or the asn_id of an accepted inbound notice",
            ));
        }
    };
    if available_on < app.now().0 - 86_400_000 {
        return Err(invalid("available_on", "in_the_past", "the promised day is today or later"));
    }
    let sold = current.as_ref().map_or(0, |c| c.sold);
    check_presale_limit(r.limit, sold).map_err(|e| AppError::Invalid(vec![e]))?;
    drop(conn);
    let now = app.now().0;
    let row = PresaleRow {
        sku_id: sku_id.to_string(),
        merchant_id: s.merchant_id.to_string(),
        available_on,
        quantity_limit: r.limit,
        sold,
        asn_id: r.asn_id.clone().filter(|a| !a.trim().is_empty()),
        created_at: now,
        updated_at: now,
    };
    let mut tx = app.begin().await?;
    presales::upsert_in_tx(&mut tx, operator, &row).await?;
    tx.commit().await?;
    Ok(view(&row))
}

/// Ends a SKU's pre-sale (orders taken keep their promised day).
pub async fn end_presale(app: &App, principal: &Principal, sku: &str) -> AppResult<()> {
    principal.require(Permission::ManageCatalog)?;
    let operator = principal.scope.operator_id;
    let sku_id: SkuId = parse_id(sku, "SKU")?;
    let mut conn = app.db().read().await?;
    tradeport_store::inventory::skus::get(&mut conn, operator, principal.scope.merchant_id, sku_id)
        .await?
        .ok_or(AppError::NotFound("SKU"))?;
    drop(conn);
    let mut tx = app.begin().await?;
    let ended = presales::delete_in_tx(&mut tx, operator, sku_id).await?;
    tx.commit().await?;
    if ended { Ok(()) } else { Err(AppError::NotFound("pre-sale")) }
}

/// The operator's pre-sales (a merchant: its own).
pub async fn list_presales(app: &App, principal: &Principal) -> AppResult<Vec<PresaleView>> {
    principal.require(Permission::ViewInventory)?;
    let mut conn = app.db().read().await?;
    let rows = presales::list(&mut conn, principal.scope.operator_id, principal.scope.merchant_id).await?;
    Ok(rows.iter().map(view).collect())
}
