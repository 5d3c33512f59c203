//! The staff entry form for phone, e-mail and walk-in orders (ORD-1): the same intake and
//! validation as the API, with every problem shown next to what was typed.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::orders::create_order;
use tradeport_app::{App, AppError};
use tradeport_domain::kernel::{Address, Currency, Money, MoneyError};
use tradeport_domain::orders::{BuyerInput, CHANNELS, DiscountInput, LineInput, OrderInput};

use super::shell::Shell;
use super::{SignedIn, Tr, render, status_of};

/// The form's fields, as typed. Amounts are in major units of the currency (`45.99` GBP,
/// `1500` JPY), read exactly; the total may be left empty to take the one suggested.
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
    pub discount_code: String,
    pub discount: String,
    pub shipping_fee: String,
    pub currency: String,
    pub total: String,
    pub paid: String,
    pub payment_method: String,
    pub payment_status: String,
    pub service_level: String,
    pub carrier_service: String,
    pub urgent: String,
    pub remarks: String,
}

/// A problem with what was typed: the field and what to do, in the user's language.
type FormErrors = Vec<(String, String)>;

/// Reads the typed numbers, collecting every problem instead of stopping at the first.
struct Reader {
    t: Tr,
    currency: Option<Currency>,
    errors: FormErrors,
}

impl Reader {
    /// An amount in major units; empty is zero.
    fn amount(&mut self, field: &str, typed: &str) -> i64 {
        let typed = typed.trim();
        let Some(currency) = self.currency.filter(|_| !typed.is_empty()) else { return 0 };
        match Money::parse_major(typed, currency) {
            Ok(m) => m.minor(),
            Err(e) => {
                let message = match e {
                    MoneyError::TooManyDecimals(_) => {
                        let args = [("amount", typed), ("currency", currency.code())];
                        self.t.fill_texts("entry.too_many_decimals", &args)
                    }
                    MoneyError::TooLarge => self.t.fill_text("entry.amount_too_large", "amount", typed),
                    _ => {
                        let example = currency.format(4599);
                        self.t.fill_texts("entry.not_an_amount", &[("amount", typed), ("example", &example)])
                    }
                };
                self.errors.push((field.to_string(), message));
                0
            }
        }
    }

    /// A whole number of items, 1 or more.
    fn quantity(&mut self, field: &str, typed: &str) -> i64 {
        match typed.trim().parse::<i64>() {
            Ok(n) if n >= 1 => n,
            _ => {
                self.errors
                    .push((field.to_string(), self.t.fill_text("entry.not_a_quantity", "quantity", typed)));
                0
            }
        }
    }
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

    /// The lines typed, in minor units.
    fn lines(&self, r: &mut Reader) -> Vec<LineInput> {
        (0..3)
            .map(|n: usize| n.to_string())
            .filter(|n| !self.sku(n).trim().is_empty())
            .enumerate()
            .map(|(i, n)| LineInput {
                sku: self.sku(&n).trim().into(),
                quantity: r.quantity(&format!("lines[{i}].quantity"), self.qty(&n)),
                unit_price_minor: r.amount(&format!("lines[{i}].unit_price"), self.price(&n)),
                variant: String::new(),
            })
            .collect()
    }

    /// The total the lines, discount and shipping come to, when every number reads.
    pub fn suggested_total(&self, t: Tr) -> Option<Money> {
        let currency = Currency::parse(&self.currency)?;
        let mut r = Reader { t, currency: Some(currency), errors: Vec::new() };
        let lines = self.lines(&mut r);
        let discount = r.amount("discount", &self.discount);
        let shipping = r.amount("shipping_fee", &self.shipping_fee);
        if !r.errors.is_empty() || lines.is_empty() {
            return None;
        }
        let mut total = Money::new(shipping, currency).ok()?;
        for l in &lines {
            total = total
                .checked_add(Money::new(l.unit_price_minor, currency).ok()?.checked_mul(l.quantity).ok()?)
                .ok()?;
        }
        total.checked_sub(Money::new(discount, currency).ok()?).ok()
    }

    /// The order these fields describe, or every number that cannot be read.
    fn to_input(&self, t: Tr) -> Result<OrderInput, FormErrors> {
        let currency = Currency::parse(&self.currency);
        let mut r = Reader { t, currency, errors: Vec::new() };
        if currency.is_none() {
            r.errors.push(("currency".into(), t.fill_text("entry.currency_unknown", "code", &self.currency)));
        }
        let lines = self.lines(&mut r);
        let discount = r.amount("discount", &self.discount);
        let shipping_fee_minor = r.amount("shipping_fee", &self.shipping_fee);
        let suggested = self.suggested_total(t);
        let total_typed = if self.total.trim().is_empty() {
            suggested.map(Money::major).unwrap_or_default()
        } else {
            self.total.clone()
        };
        let total_minor = r.amount("total", &total_typed);
        // Paid in full unless said otherwise: an empty amount paid on a paid order is its total.
        let paid_minor = if self.paid.trim().is_empty() && self.payment_status == "paid" {
            total_minor
        } else {
            r.amount("paid", &self.paid)
        };
        if !r.errors.is_empty() {
            return Err(r.errors);
        }
        let discounts = (discount > 0)
            .then(|| DiscountInput { code: self.discount_code.trim().to_string(), amount_minor: discount })
            .into_iter()
            .collect();
        Ok(OrderInput {
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
            discounts,
            shipping_fee_minor,
            tax_minor: 0,
            currency: self.currency.clone(),
            total_minor,
            paid_minor,
            payment_method: self.payment_method.clone(),
            payment_status: self.payment_status.clone(),
            service_level: self.service_level.clone(),
            carrier_service: self.carrier_service.clone(),
            payment_reference: String::new(),
            urgent: self.urgent == "1",
            remarks: self.remarks.clone(),
            billing_country: String::new(),
        })
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
    /// The total the typed lines come to, as "45.99 GBP".
    suggested: Option<String>,
}

async fn entry_page(
    app: &App,
    user: &SignedIn,
    f: EntryForm,
    status: StatusCode,
    errors: Vec<(String, String)>,
) -> Response {
    let merchants = super::merchant_options(app, &user.session.principal).await;
    let suggested = f.suggested_total(user.t).map(|m| m.to_string());
    let shell = Shell::new(user, "/orders");
    let page = EntryPage { t: user.t, shell, f, merchants, channels: CHANNELS, errors, suggested };
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
    let input = match f.to_input(user.t) {
        Ok(input) => input,
        Err(errors) => return entry_page(&app, &user, f, StatusCode::UNPROCESSABLE_ENTITY, errors).await,
    };
    match create_order(&app, &user.session.principal, &input).await {
        Ok(intake) => Redirect::to(&format!("/orders/{}", intake.order.summary.id)).into_response(),
        Err(e) => {
            let errors = if e.fields().is_empty() {
                vec![("order".to_string(), e.to_string())]
            } else {
                e.fields().iter().map(|f| (f.field.clone(), user.t.field_error(f))).collect()
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

/// GET /orders/new/suggested-total: the total the typed lines come to, as the form changes.
pub async fn suggested_total(user: SignedIn, Query(f): Query<EntryForm>) -> Response {
    let suggested = f
        .suggested_total(user.t)
        .map(|total| user.t.fill_text("entry.suggested", "total", &total.to_string()));
    Html(suggested.unwrap_or_default()).into_response()
}
