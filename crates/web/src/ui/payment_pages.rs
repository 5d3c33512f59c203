//! Payments in the portal (ORD-5): the provider accounts with their webhook addresses, payments a
//! person must look at and the latest ones, settlement reports with an upload form, and one
//! report's findings with each difference linked to its order, as CSV and PDF too.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::payments::{
    self, AccountRequest, AccountView, PaymentView, SettlementUpload, SettlementView,
};
use tradeport_domain::kernel::Millis;
use tradeport_domain::payments::PaymentProvider;

use super::shell::Shell;
use super::{SignedIn, Tr, explain, format_millis, refused, render, status_of};

#[derive(Template)]
#[template(path = "payments.html")]
struct PaymentsPage {
    t: Tr,
    shell: Shell,
    accounts: Vec<AccountView>,
    attention: Vec<PaymentView>,
    latest: Vec<PaymentView>,
    settlements: Vec<SettlementView>,
    merchants: Vec<(String, String)>,
    providers: [PaymentProvider; 3],
    today: String,
    error: Option<String>,
}

impl PaymentsPage {
    fn when(&self, at: &Option<i64>) -> String {
        format_millis(at.map(Millis), self.t)
    }

    fn state(&self, p: &PaymentView) -> String {
        self.t.get(&format!("payment_state.{}", p.state.as_str()))
    }
}

async fn payments_page(app: &App, user: &SignedIn, status: StatusCode, error: Option<String>) -> Response {
    let p = &user.session.principal;
    let accounts = match payments::list_accounts(app, p).await {
        Ok(a) => a,
        Err(e) => return refused(user, &e),
    };
    let page = PaymentsPage {
        t: user.t,
        shell: Shell::new(user, "/payments"),
        accounts,
        attention: payments::list_payments(app, p, true).await.unwrap_or_default(),
        latest: payments::list_payments(app, p, false)
            .await
            .unwrap_or_default()
            .into_iter()
            .take(20)
            .collect(),
        settlements: payments::list_settlements(app, p).await.unwrap_or_default(),
        merchants: super::merchant_options(app, p).await,
        providers: PaymentProvider::ALL,
        today: jiff::Zoned::now().date().to_string(),
        error,
    };
    render(user.t, status, &page)
}

/// GET /payments
pub async fn show(State(app): State<App>, user: SignedIn) -> Response {
    payments_page(&app, &user, StatusCode::OK, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConnectForm {
    csrf_token: String,
    merchant_id: String,
    provider: String,
    name: String,
    api_key: String,
    webhook_secret: String,
    client_id: String,
    webhook_id: String,
    provider_public_key: String,
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// POST /payments: connects a Stripe, PayPal or Alipay account (fields left blank are not sent).
pub async fn connect(State(app): State<App>, user: SignedIn, Form(f): Form<ConnectForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let request = AccountRequest {
        merchant_id: some(&f.merchant_id),
        provider: PaymentProvider::parse(&f.provider),
        name: Some(f.name),
        api_key: some(&f.api_key),
        webhook_secret: some(&f.webhook_secret),
        client_id: some(&f.client_id),
        webhook_id: some(&f.webhook_id),
        provider_public_key: some(&f.provider_public_key),
        ..Default::default()
    };
    match payments::create_account(&app, &user.session.principal, &request).await {
        Ok(_) => Redirect::to("/payments").into_response(),
        Err(e) => payments_page(&app, &user, status_of(&e), Some(explain(user.t, &e))).await,
    }
}

/// POST /settlements: a report uploaded with its account and period.
pub async fn upload(State(app): State<App>, user: SignedIn, mut parts: Multipart) -> Response {
    let mut fields = std::collections::HashMap::new();
    let (mut name, mut bytes) = (String::new(), Vec::new());
    loop {
        let field = match parts.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return payments_page(&app, &user, StatusCode::BAD_REQUEST, Some(e.body_text())).await,
        };
        let key = field.name().unwrap_or_default().to_string();
        if key == "file" {
            name = field.file_name().unwrap_or_default().to_string();
            match field.bytes().await {
                Ok(b) => bytes = b.to_vec(),
                Err(e) => {
                    return payments_page(&app, &user, StatusCode::BAD_REQUEST, Some(e.body_text())).await;
                }
            }
        } else {
            fields.insert(key, field.text().await.unwrap_or_default());
        }
    }
    let value = |k: &str| fields.get(k).cloned().unwrap_or_default();
    if let Some(refused) = user.refuse_bad_csrf(&value("csrf_token")) {
        return refused;
    }
    let u = SettlementUpload {
        account_id: value("account_id"),
        from: value("from"),
        to: value("to"),
        file_name: some(&name),
    };
    match payments::import_settlement(&app, &user.session.principal, &u, &bytes).await {
        Ok(s) => Redirect::to(&format!("/settlements/{}", s.id)).into_response(),
        Err(e) => payments_page(&app, &user, status_of(&e), Some(explain(user.t, &e))).await,
    }
}

#[derive(Template)]
#[template(path = "settlement.html")]
struct SettlementPage {
    t: Tr,
    shell: Shell,
    s: SettlementView,
}

impl SettlementPage {
    fn finding(&self, f: &tradeport_domain::payments::reconcile::Finding) -> String {
        let key = serde_json::to_value(f).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        self.t.get(&format!("finding.{key}"))
    }
}

/// GET /settlements/{id}
pub async fn detail(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    match payments::settlement_detail(&app, &user.session.principal, &id).await {
        Ok(s) => render(
            user.t,
            StatusCode::OK,
            &SettlementPage { t: user.t, shell: Shell::new(&user, "/payments"), s },
        ),
        Err(e) => refused(&user, &e),
    }
}

/// GET /settlements/{id}/csv
pub async fn csv(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    match payments::settlement_detail(&app, &user.session.principal, &id).await {
        Ok(s) => {
            crate::download::csv_attachment(&format!("settlement-{}.csv", s.id), payments::settlement_csv(&s))
        }
        Err(e) => refused(&user, &e),
    }
}

/// GET /settlements/{id}/pdf
pub async fn pdf(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    let doc = match payments::settlement_detail(&app, &user.session.principal, &id).await {
        Ok(s) => payments::settlement_pdf(&s),
        Err(e) => Err(e),
    };
    match doc {
        Ok(d) => crate::download::pdf_response(d),
        Err(e) => refused(&user, &e),
    }
}
