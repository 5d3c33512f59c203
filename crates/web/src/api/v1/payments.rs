//! `/api/v1/payment-accounts`: a merchant's payment provider accounts; `/api/v1/payments`: the
//! payments they took; `/api/v1/orders/{id}/payments`: an order's, and a new one for its buyer to
//! pay; `/api/v1/payment-hooks/{id}`, where the provider sends its events.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tradeport_app::App;
use tradeport_app::payments::{
    self, AccountRequest, AccountView, NewPayment, PaymentHook, PaymentHookAnswer, PaymentRequest,
    PaymentView, SettlementUpload, SettlementView,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account, update_account))
        .routes(routes!(list_payments))
        .routes(routes!(get_payment))
        .routes(routes!(order_payments, create_payment))
        .routes(routes!(list_settlements, import_settlement))
        .routes(routes!(get_settlement))
        .routes(routes!(settlement_csv))
        .routes(routes!(settlement_pdf))
}

/// The providers' events (outside the API-key layer; signed).
pub(super) fn signed_hooks() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(payment_hook))
}

#[derive(Serialize, ToSchema)]
struct AccountList {
    items: Vec<AccountView>,
}

#[derive(Serialize, ToSchema)]
struct PaymentList {
    items: Vec<PaymentView>,
}

#[utoipa::path(get, path = "/api/v1/payment-accounts", tag = "payments",
    description = "Payment provider accounts: a merchant's own, or all of the operator's for admins and finance. Keys and \
                   secrets are never answered, only whether one is set.",
    responses((status = 200, body = AccountList), (status = 403, body = ErrorBody)))]
async fn list_accounts(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<AccountList>> {
    Ok(Json(AccountList { items: payments::list_accounts(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/payment-accounts", tag = "payments", request_body = AccountRequest,
    description = "Connects a payment provider account. Stripe: the signing secret of the webhook endpoint \
                   (`webhook_secret`, `whsec_…`) and the secret API key (`api_key`, `sk_…`/`rk_…`). PayPal: `client_id`, \
                   `webhook_id` and the client secret as `api_key`. Alipay: `client_id`, Alipay's public key \
                   (`provider_public_key`) and the merchant's private key (PKCS #8) as `api_key`. Point the provider's \
                   webhook at the answer's `webhook_url`. Secrets are sealed with the server's key (409 `secrets.not_configured` \
                   without one). Admins, finance, merchants.",
    responses((status = 201, body = AccountView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn create_account(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<AccountRequest>,
) -> ApiResult<(StatusCode, Json<AccountView>)> {
    Ok((StatusCode::CREATED, Json(payments::create_account(&app, &p, &body).await?)))
}

#[utoipa::path(get, path = "/api/v1/payment-accounts/{id}", tag = "payments", params(("id" = String, Path)),
    responses((status = 200, body = AccountView), (status = 404, body = ErrorBody)))]
async fn get_account(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(payments::account_detail(&app, &p, &id).await?))
}

#[utoipa::path(patch, path = "/api/v1/payment-accounts/{id}", tag = "payments", params(("id" = String, Path)),
    request_body = AccountRequest,
    description = "Changes an account; absent fields keep their values. A new `webhook_secret` rolls the secret: the old \
                   one is still accepted until `forget_previous_secret`. `status: paused` refuses events (409) so the \
                   provider sends them again later.",
    responses((status = 200, body = AccountView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_account(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AccountRequest>,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(payments::update_account(&app, &p, &id, &body).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct PaymentQuery {
    /// Only the payments a person must look at (paid for a cancelled order …).
    attention: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/payments", tag = "payments", params(PaymentQuery),
    description = "The latest 200 payments, newest first: a merchant's own, or the operator's for admins and finance.",
    responses((status = 200, body = PaymentList), (status = 403, body = ErrorBody)))]
async fn list_payments(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<PaymentQuery>,
) -> ApiResult<Json<PaymentList>> {
    Ok(Json(PaymentList { items: payments::list_payments(&app, &p, q.attention.unwrap_or(false)).await? }))
}

#[utoipa::path(get, path = "/api/v1/payments/{id}", tag = "payments", params(("id" = String, Path)),
    description = "One payment with every provider event it had, as the provider sent it, and what came of each.",
    responses((status = 200, body = PaymentView), (status = 404, body = ErrorBody)))]
async fn get_payment(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<PaymentView>> {
    Ok(Json(payments::payment_detail(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/payments", tag = "payments", params(("id" = String, Path)),
    description = "The order's payments, oldest first: the order's `paid_minor` and `payment_status` follow from them.",
    responses((status = 200, body = PaymentList), (status = 404, body = ErrorBody)))]
async fn order_payments(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<PaymentList>> {
    Ok(Json(PaymentList { items: payments::order_payments(&app, &p, &id).await? }))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/payments", tag = "payments", params(("id" = String, Path)),
    request_body = PaymentRequest,
    description = "Creates a payment of what the order still lacks at the merchant's active account (a Stripe \
                   PaymentIntent with `metadata[order_id]`); hand `client_secret` to the shop's payment page. Its \
                   events then settle the order. 409 `payment.not_due` when nothing is due or the order is past review, \
                   `payment.no_account` without an active account.",
    responses((status = 201, body = NewPayment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_payment(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PaymentRequest>,
) -> ApiResult<(StatusCode, Json<NewPayment>)> {
    Ok((StatusCode::CREATED, Json(payments::create_payment(&app, &p, &id, &body).await?)))
}

#[utoipa::path(post, path = "/api/v1/payment-hooks/{id}", tag = "payments", security(()), params(("id" = String, Path)),
    request_body(content = String, content_type = "application/json"),
    description = "Where the account's provider sends its events; each is checked over the raw body before anything reads \
                   it, and 401 keeps nothing otherwise. Stripe (payment_intent.*, charge.refunded, charge.dispute.*): the \
                   `Stripe-Signature` HMAC (every `v1`, the current and the previous secret, at most 300 s old). PayPal \
                   (CHECKOUT.ORDER.*, PAYMENT.CAPTURE.*, CUSTOMER.DISPUTE.*): `PAYPAL-TRANSMISSION-SIG`, SHA256withRSA over \
                   `id|time|webhook_id|crc32(body)` with the certificate at `PAYPAL-CERT-URL`, taken only from PayPal's API \
                   hosts and issued to messageverificationcerts.paypal.com. Alipay (Antom notifyPayment, notifyRefund, \
                   notifyDispute): the `signature` header, RSA2 over `POST <path>\\n<client-id>.<request-time>.<body>` with \
                   Alipay's public key; the answer carries Alipay's acknowledgement in `result`. Each event is taken once; \
                   a retry gets its first answer with `duplicate: true`. Events may come in any order: the payment ends the \
                   same.",
    responses((status = 200, body = PaymentHookAnswer), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
async fn payment_hook(
    State(app): State<App>,
    Path(id): Path<String>,
    uri: axum::extract::OriginalUri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<PaymentHookAnswer>> {
    let headers = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_string())))
        .collect();
    let path = uri.0.path_and_query().map_or_else(|| uri.0.path(), |p| p.as_str());
    let hook = PaymentHook { account_id: &id, path, headers, body: &body };
    Ok(Json(payments::receive_payment_event(&app, &hook).await?))
}

#[derive(Serialize, ToSchema)]
struct SettlementList {
    items: Vec<SettlementView>,
}

#[utoipa::path(post, path = "/api/v1/settlements", tag = "payments", params(SettlementUpload),
    request_body(content = Vec<u8>, content_type = "text/csv"),
    description = "Imports a provider's settlement report for an account and a period (UTC days, both included) and \
                   reconciles it: for a Stripe account, Stripe's itemized balance report (`balance_change_from_activity.itemized.3`, \
                   with at least balance_transaction_id, currency, gross, fee, reporting_category, payment_intent_id); for a \
                   PayPal account, PayPal's Settlement Report (STL, UTF-8 or UTF-16, commas or tabs). Each payment's lines \
                   are added up and compared, to the minor unit, with what Tradeport knows: `matched`, \
                   `missing_in_tradeport`, `missing_in_report` (captured in the period, not settled), `amount_differs`, \
                   `currency_differs`, `fee`, `not_reconciled` (payouts). A refused line is named with its number and \
                   nothing is kept. Admins, finance, the merchant.",
    responses((status = 201, body = SettlementView), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn import_settlement(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<SettlementUpload>,
    body: axum::body::Body,
) -> ApiResult<(StatusCode, Json<SettlementView>)> {
    let bytes = crate::extract::file_body(body).await?;
    Ok((StatusCode::CREATED, Json(payments::import_settlement(&app, &p, &q, &bytes).await?)))
}

#[utoipa::path(get, path = "/api/v1/settlements", tag = "payments",
    description = "Imported settlement reports, newest first, with their counts and totals per currency.",
    responses((status = 200, body = SettlementList), (status = 403, body = ErrorBody)))]
async fn list_settlements(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<SettlementList>> {
    Ok(Json(SettlementList { items: payments::list_settlements(&app, &p).await? }))
}

#[utoipa::path(get, path = "/api/v1/settlements/{id}", tag = "payments", params(("id" = String, Path)),
    description = "One report with its findings (differences first), each with its order.",
    responses((status = 200, body = SettlementView), (status = 404, body = ErrorBody)))]
async fn get_settlement(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<SettlementView>> {
    Ok(Json(payments::settlement_detail(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/settlements/{id}/csv", tag = "payments", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
async fn settlement_csv(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = payments::settlement_detail(&app, &p, &id).await?;
    Ok(crate::download::csv_attachment(&format!("settlement-{}.csv", v.id), payments::settlement_csv(&v)))
}

#[utoipa::path(get, path = "/api/v1/settlements/{id}/pdf", tag = "payments", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn settlement_pdf(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = payments::settlement_detail(&app, &p, &id).await?;
    Ok(crate::download::pdf_response(payments::settlement_pdf(&v)?))
}
