//! `/api/v1` for after-sales: refunds of an order and a buyer's store credit.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::aftersales::{
    self, CheckAnswer, CheckRequest, CouponView, OrderRefunds, PolicyInput, RefundRequest, RefundView,
    StoreCredit,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(refunds_of_order, refund_order))
        .routes(routes!(store_credit))
        .routes(routes!(coupons))
        .routes(routes!(list_policies, save_policy))
        .routes(routes!(check_request))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/refunds", tag = "aftersales", params(("id" = String, Path)),
    request_body = RefundRequest,
    description = "Refunds an order: `original` through Stripe (the order's payment_reference), `store_credit` to the \
                   buyer's credit with the merchant, or `manual` (paid back outside, with its reference). The same \
                   request_key again answers with the same refund and never pays twice; the refunds paid or under way \
                   never add up to more than was paid (409 refund.refused says what is left). Admins, order managers, \
                   customer service and finance.",
    responses((status = 200, body = RefundView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn refund_order(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RefundRequest>,
) -> ApiResult<Json<RefundView>> {
    Ok(Json(aftersales::refund_order(&app, &p, &id, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/refunds", tag = "aftersales", params(("id" = String, Path)),
    description = "The order's refunds with what was paid, refunded, under way and left to refund.",
    responses((status = 200, body = OrderRefunds), (status = 404, body = ErrorBody)))]
async fn refunds_of_order(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<OrderRefunds>> {
    Ok(Json(aftersales::refunds_of_order(&app, &p, &id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CreditQuery {
    buyer_email: String,
    /// The merchant (staff only; a merchant sees its own buyers' credit).
    merchant_id: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/store-credit", tag = "aftersales", params(CreditQuery),
    description = "A buyer's store credit with a merchant, per currency.",
    responses((status = 200, body = StoreCredit), (status = 422, body = ErrorBody)))]
async fn store_credit(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<CreditQuery>,
) -> ApiResult<Json<StoreCredit>> {
    Ok(Json(aftersales::store_credit(&app, &p, q.merchant_id.as_deref(), &q.buyer_email).await?))
}

/// Whose coupons.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct CouponQuery {
    buyer_email: String,
}

#[utoipa::path(get, path = "/api/v1/coupons", tag = "aftersales", params(CouponQuery),
    description = "A buyer's coupons, newest first: given as compensation by a granted `coupon` after-sales request, worth \
                   the amount granted in the order's currency, valid a year, used once by an order of the same buyer and \
                   merchant that names the code among its `discounts` (at most its value; else 422 \
                   `discounts[n].code`). A merchant sees the ones it gave.",
    responses((status = 200, body = super::warehouse::Items<CouponView>), (status = 403, body = ErrorBody)))]
async fn coupons(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<CouponQuery>,
) -> ApiResult<Json<super::warehouse::Items<CouponView>>> {
    Ok(Json(super::warehouse::Items { items: aftersales::list_coupons(&app, &p, &q.buyer_email).await? }))
}

#[utoipa::path(get, path = "/api/v1/aftersales-policies", tag = "aftersales",
    responses((status = 200, body = super::warehouse::Items<PolicyInput>)))]
async fn list_policies(
    State(app): State<App>,
    Auth(p): Auth,
) -> ApiResult<Json<super::warehouse::Items<PolicyInput>>> {
    Ok(Json(super::warehouse::Items { items: aftersales::list_policies(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/aftersales-policies", tag = "aftersales", request_body = PolicyInput,
    description = "An after-sales policy for a merchant (empty: every merchant), a product category and a destination market \
                   (empty: any): the window after delivery, the request types offered, whether the goods are non-returnable \
                   for a change of mind, the value below which a refund needs no return, the restocking fee. The same scope \
                   replaces it. Admins; a merchant for its own goods.",
    responses((status = 200, body = PolicyInput), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_policy(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<PolicyInput>,
) -> ApiResult<Json<PolicyInput>> {
    Ok(Json(aftersales::save_policy(&app, &p, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/aftersales-check", tag = "aftersales", params(("id" = String, Path)),
    request_body = CheckRequest,
    description = "Checks a request for one of the order's SKUs against the policies (the most specific for the merchant, the \
                   SKU's category and the order's destination decides; the EU/EEA/UK 14 days to change one's mind are a \
                   floor): eligible or not with every deciding rule in words, who pays the return postage, a returnless \
                   refund, the restocking fee.",
    responses((status = 200, body = CheckAnswer), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check_request(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CheckRequest>,
) -> ApiResult<Json<CheckAnswer>> {
    Ok(Json(aftersales::check_request(&app, &p, &id, &body).await?))
}
