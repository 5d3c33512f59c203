//! The staff entry form for phone, e-mail and walk-in orders (ORD-1): the same intake and
//! validation as the API, with every problem shown next to what was typed.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::orders::create_order;
use tradeport_app::{App, AppError};
use tradeport_domain::kernel::Address;
use tradeport_domain::orders::{BuyerInput, CHANNELS, LineInput, OrderInput};

use super::shell::Shell;
use super::{SignedIn, Tr, render, status_of};

/// The form's fields, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct EntryForm {
    csrf_token: String,
    pub merchant_id: String,
    pub channel: String,
    pub channel_order_id: String,
    pub buyer_name: String,
    pub buyer_phone: String,
    pub buyer_email: String,
    pub buyer_language: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
    sku0: String,
    qty0: String,
    price0: String,
    sku1: String,
    qty1: String,
    price1: String,
    sku2: String,
    qty2: String,
    price2: String,
    pub shipping_fee_minor: String,
    pub currency: String,
    pub total_minor: String,
    pub paid_minor: String,
    pub payment_method: String,
    pub payment_status: String,
    pub service_level: String,
    pub carrier_service: String,
    pub urgent: String,
    pub remarks: String,
}

impl EntryForm {
    pub fn sku(&self, n: &str) -> &str {
        match n {
            "0" => &self.sku0,
            "1" => &self.sku1,
            _ => &self.sku2,
        }
    }
    pub fn qty(&self, n: &str) -> &str {
        match n {
            "0" => &self.qty0,
            "1" => &self.qty1,
            _ => &self.qty2,
        }
    }
    pub fn price(&self, n: &str) -> &str {
        match n {
            "0" => &self.price0,
            "1" => &self.price1,
            _ => &self.price2,
        }
    }

    fn to_input(&self) -> OrderInput {
        // A number that cannot be read becomes -1, which validation refuses naming the field.
        let number = |v: &str| {
            if v.trim().is_empty() { 0 } else { v.trim().parse::<i64>().unwrap_or(-1) }
        };
        let lines = (0..3)
            .map(|n: usize| n.to_string())
            .filter(|n| !self.sku(n).trim().is_empty())
            .map(|n| LineInput {
                sku: self.sku(&n).into(),
                quantity: number(self.qty(&n)),
                unit_price_minor: number(self.price(&n)),
                variant: String::new(),
            })
            .collect();
        OrderInput {
            merchant_id: Some(self.merchant_id.clone()).filter(|m| !m.is_empty()),
            channel: self.channel.clone(),
            channel_order_id: self.channel_order_id.clone(),
            buyer: BuyerInput {
                name: self.buyer_name.clone(),
                phone: self.buyer_phone.clone(),
                email: self.buyer_email.clone(),
                language: self.buyer_language.clone(),
            },
            shipping_address: Address {
                name: self.buyer_name.clone(),
                line1: self.line1.clone(),
                line2: self.line2.clone(),
                city: self.city.clone(),
                state: self.state.clone(),
                postcode: self.postcode.clone(),
                country: self.country.clone(),
                ..Default::default()
            },
            lines,
            discounts: Vec::new(),
            shipping_fee_minor: number(&self.shipping_fee_minor),
            tax_minor: 0,
            currency: self.currency.clone(),
            total_minor: number(&self.total_minor),
            paid_minor: number(&self.paid_minor),
            payment_method: self.payment_method.clone(),
            payment_status: self.payment_status.clone(),
            service_level: self.service_level.clone(),
            carrier_service: self.carrier_service.clone(),
            payment_reference: String::new(),
            urgent: self.urgent == "1",
            remarks: self.remarks.clone(),
            billing_country: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "order_new.html")]
struct EntryPage {
    t: Tr,
    shell: Shell,
    f: EntryForm,
    merchants: Vec<(String, String)>,
    channels: [&'static str; 13],
    errors: Vec<(String, String)>,
}

async fn entry_page(
    app: &App,
    user: &SignedIn,
    f: EntryForm,
    status: StatusCode,
    errors: Vec<(String, String)>,
) -> Response {
    let merchants = super::merchant_options(app, &user.session.principal).await;
    let page =
        EntryPage { t: user.t, shell: Shell::new(user, "/orders"), f, merchants, channels: CHANNELS, errors };
    render(user.t, status, &page)
}

/// GET /orders/new
pub async fn form(State(app): State<App>, user: SignedIn) -> Response {
    let f = EntryForm {
        channel: "phone".into(),
        currency: "USD".into(),
        payment_status: "paid".into(),
        service_level: "standard".into(),
        buyer_language: "en".into(),
        ..Default::default()
    };
    entry_page(&app, &user, f, StatusCode::OK, Vec::new()).await
}

/// POST /orders/new
pub async fn submit(State(app): State<App>, user: SignedIn, Form(f): Form<EntryForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match create_order(&app, &user.session.principal, &f.to_input()).await {
        Ok(intake) => Redirect::to(&format!("/orders/{}", intake.order.summary.id)).into_response(),
        Err(e) => {
            let errors = if e.fields().is_empty() {
                vec![("order".to_string(), e.to_string())]
            } else {
                e.fields().iter().map(|f| (f.field.clone(), f.message.clone())).collect()
            };
            let status = if matches!(e, AppError::Invalid(_)) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                status_of(&e)
            };
            entry_page(&app, &user, f, status, errors).await
        }
    }
}
