//! The billing page (#14): a merchant's monthly statement (lines with their sources, totals, CSV
//! and PDF, credits for finance), its agreements, and for finance a new agreement and a quote.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::billing::{
    self, AgreementView, NewAgreement, NewCredit, QuoteRequest, QuoteView, StatementView,
};
use tradeport_domain::access::Permission;

use super::shell::Shell;
use super::{SignedIn, Tr, explain, render, status_of};

/// An example schedule for the agreement form.
const EXAMPLE_FEES: &str = r#"{"currency": "GBP", "inbound_per_carton_minor": 150, "inbound_per_pallet_minor": 1200,
 "storage_basis": "cubic_metre", "storage_tiers": [{"from_day": 0, "per_unit_day_minor": 45}, {"from_day": 91, "per_unit_day_minor": 90}],
 "pick_pack_per_order_minor": 120, "pick_pack_per_extra_item_minor": 30, "packaging_minor": {"M": 40},
 "label_per_parcel_minor": 10, "return_per_parcel_minor": 250, "disposal_per_return_minor": 100, "carrier_markup_bp": 750}"#;

#[derive(Template)]
#[template(path = "billing.html")]
struct BillingPage {
    t: Tr,
    shell: Shell,
    merchants: Vec<(String, String)>,
    merchant_id: String,
    month: String,
    statement: Option<StatementView>,
    agreements: Vec<AgreementView>,
    can_manage: bool,
    example_fees: &'static str,
    fees: String,
    quote: Option<QuoteView>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BillingParams {
    merchant_id: String,
    month: String,
}

async fn page(
    app: &App,
    user: &SignedIn,
    p: BillingParams,
    status: StatusCode,
    extra: (Option<QuoteView>, String, Option<String>),
) -> Response {
    let principal = &user.session.principal;
    let merchants = super::merchant_options(app, principal).await;
    let merchant_id = match principal.scope.merchant_id {
        Some(own) => own.to_string(),
        None if p.merchant_id.trim().is_empty() => {
            merchants.first().map(|(id, _)| id.clone()).unwrap_or_default()
        }
        None => p.merchant_id.trim().to_string(),
    };
    // Left out: this month in the operator's time zone (the statement says which).
    let month = p.month.trim().to_string();
    let (quote, fees, mut error) = extra;
    let statement = if merchant_id.is_empty() {
        None
    } else {
        match billing::statement(app, principal, &merchant_id, &month).await {
            Ok(s) => Some(s),
            Err(e) => {
                error.get_or_insert(explain(user.t, &e));
                None
            }
        }
    };
    let agreements = billing::list_agreements(app, principal, Some(&merchant_id)).await.unwrap_or_default();
    let page = BillingPage {
        t: user.t,
        shell: Shell::new(user, "/billing"),
        merchants,
        merchant_id,
        month: statement.as_ref().map_or(month, |s| s.month.clone()),
        statement,
        agreements,
        can_manage: principal.role.can(Permission::ManageBilling),
        example_fees: EXAMPLE_FEES,
        fees,
        quote,
        error,
    };
    render(user.t, status, &page)
}

/// GET /billing?merchant_id=…&month=…
pub async fn show(State(app): State<App>, user: SignedIn, Query(p): Query<BillingParams>) -> Response {
    if let Err(e) = user.session.principal.require(Permission::ViewStatements) {
        return super::refused(&user, &e.into());
    }
    page(&app, &user, p, StatusCode::OK, (None, String::new(), None)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreditForm {
    csrf_token: String,
    merchant_id: String,
    month: String,
    amount: String,
    currency: String,
    reason: String,
}

fn back(merchant_id: &str, month: &str) -> Response {
    Redirect::to(&format!(
        "/billing?merchant_id={}&month={}",
        super::percent_encode(merchant_id),
        super::percent_encode(month)
    ))
    .into_response()
}

/// POST /billing/credits
pub async fn credit(State(app): State<App>, user: SignedIn, Form(f): Form<CreditForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let c = NewCredit { amount: f.amount, currency: f.currency, reason: f.reason };
    match billing::add_credit(&app, &user.session.principal, &f.merchant_id, &f.month, &c).await {
        Ok(_) => back(&f.merchant_id, &f.month),
        Err(e) => {
            let p = BillingParams { merchant_id: f.merchant_id, month: f.month };
            page(&app, &user, p, status_of(&e), (None, String::new(), Some(explain(user.t, &e)))).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AgreementForm {
    csrf_token: String,
    merchant_id: String,
    valid_from: String,
    valid_to: String,
    fees: String,
}

/// The fee schedule typed as JSON, or why it cannot be read.
fn fees_of(text: &str) -> Result<tradeport_domain::billing::FeeSchedule, tradeport_app::AppError> {
    serde_json::from_str(text).map_err(|e| {
        tradeport_app::AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new(
            "fees",
            "invalid_json",
            format!("fees: {e}; start from the example"),
        )])
    })
}

/// POST /billing/agreements
pub async fn agreement(State(app): State<App>, user: SignedIn, Form(f): Form<AgreementForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let result = match fees_of(&f.fees) {
        Ok(fees) => {
            let a = NewAgreement {
                merchant_id: f.merchant_id.clone(),
                valid_from: f.valid_from,
                valid_to: Some(f.valid_to.trim().to_string()).filter(|t| !t.is_empty()),
                fees,
                promised_limits: Vec::new(),
            };
            billing::create_agreement(&app, &user.session.principal, &a).await.map(|_| ())
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => back(&f.merchant_id, ""),
        Err(e) => {
            let p = BillingParams { merchant_id: f.merchant_id, month: String::new() };
            page(&app, &user, p, status_of(&e), (None, f.fees, Some(explain(user.t, &e)))).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QuoteForm {
    csrf_token: String,
    fees: String,
    orders: i64,
    units_per_order: i64,
    cartons_in: i64,
    stored_m3: i64,
    returns: i64,
}

/// POST /billing/quote
pub async fn quote(State(app): State<App>, user: SignedIn, Form(f): Form<QuoteForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let result = fees_of(&f.fees).and_then(|fees| {
        let volumes = tradeport_domain::billing::ExpectedVolumes {
            orders: f.orders,
            units_per_order: f.units_per_order,
            cartons_in: f.cartons_in,
            stored_m3: f.stored_m3,
            days: 30,
            returns: f.returns,
            ..Default::default()
        };
        billing::quote_for(&user.session.principal, &QuoteRequest { fees, volumes })
    });
    match result {
        Ok(q) => page(&app, &user, BillingParams::default(), StatusCode::OK, (Some(q), f.fees, None)).await,
        Err(e) => {
            page(
                &app,
                &user,
                BillingParams::default(),
                status_of(&e),
                (None, f.fees, Some(explain(user.t, &e))),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FileForm {
    csrf_token: String,
    merchant_id: String,
    month: String,
}

/// POST /billing/file
pub async fn file(State(app): State<App>, user: SignedIn, Form(f): Form<FileForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match billing::file_statement(&app, &user.session.principal, &f.merchant_id, &f.month).await {
        Ok(_) => back(&f.merchant_id, &f.month),
        Err(e) => {
            let p = BillingParams { merchant_id: f.merchant_id, month: f.month };
            page(&app, &user, p, status_of(&e), (None, String::new(), Some(explain(user.t, &e)))).await
        }
    }
}
