//! The warehouse pages' forms for the short-pick queue (WMS-4, INV-4): pick the shortage from
//! another bin, ask the buyer, record the buyer's answer; merchants' packing inserts (WMS-6); and
//! discrepancy photos on a notice's page (WMS-2). Each answers with its page, a notice or the error.

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::warehouse::{self as wms, BuyerAnswer};
use tradeport_domain::warehouse::InsertInput;

use super::warehouse_pages::{answer, asn_page};
use super::{SignedIn, explain, refused, status_of};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShortLineForm {
    csrf_token: String,
    warehouse_id: String,
    /// For "pick from another bin".
    bin: String,
    /// For the buyer's answer: `swap`, `cancel` or `wait`.
    answer: String,
    substitute: String,
    note: String,
}

/// POST /warehouse/exceptions/{line}/resolve
pub async fn resolve(
    State(app): State<App>,
    user: SignedIn,
    Path(line): Path<String>,
    Form(f): Form<ShortLineForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let done = wms::resolve_short(&app, &user.session.principal, &line, &f.bin).await;
    answer(&app, &user, &f.warehouse_id, done, |l| format!("{} · {} → {}", l.sku, l.qty, l.bin_code)).await
}

/// POST /warehouse/exceptions/{line}/ask
pub async fn ask(
    State(app): State<App>,
    user: SignedIn,
    Path(line): Path<String>,
    Form(f): Form<ShortLineForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let done = wms::ask_buyer(&app, &user.session.principal, &line).await;
    let t = user.t;
    answer(&app, &user, &f.warehouse_id, done, |l| t.fill_text("warehouse.buyer_asked", "sku", &l.sku)).await
}

/// POST /warehouse/exceptions/{line}/answer
pub async fn buyer_answer(
    State(app): State<App>,
    user: SignedIn,
    Path(line): Path<String>,
    Form(f): Form<ShortLineForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let a = BuyerAnswer { answer: f.answer, substitute: f.substitute, note: f.note };
    let done = wms::record_buyer_answer(&app, &user.session.principal, &line, &a).await;
    let t = user.t;
    answer(&app, &user, &f.warehouse_id, done, |l| {
        format!("{} · {}", l.sku, t.get(&format!("pick_status.{}", l.status)))
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InsertForm {
    csrf_token: String,
    warehouse_id: String,
    merchant_id: String,
    code: String,
    name: String,
    kind: String,
    weight_g: String,
    min_order: String,
    currency: String,
}

/// POST /warehouse/inserts: the amount is typed in major units (`50` or `49.90`).
pub async fn save_insert(State(app): State<App>, user: SignedIn, Form(f): Form<InsertForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let min_order_minor = match minor_units(&f.min_order, &f.currency) {
        Ok(m) => m,
        Err(message) => {
            let e = tradeport_app::AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new(
                "min_order",
                "invalid_amount",
                message,
            )]);
            return answer::<()>(&app, &user, &f.warehouse_id, Err(e), |_| String::new()).await;
        }
    };
    let input = InsertInput {
        code: f.code,
        name: f.name,
        kind: f.kind,
        weight_g: f.weight_g.trim().parse().unwrap_or(-1),
        min_order_minor,
        currency: f.currency,
        active: Some(true),
    };
    let merchant = Some(f.merchant_id.as_str()).filter(|m| !m.is_empty());
    let done = wms::save_insert(&app, &user.session.principal, merchant, &input).await;
    answer(&app, &user, &f.warehouse_id, done, |i| format!("{} · {}", i.code, i.name)).await
}

/// A typed amount in the currency's minor units; blank is 0 (every order).
fn minor_units(typed: &str, currency: &str) -> Result<i64, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(0);
    }
    let c = tradeport_domain::kernel::Currency::parse(currency)
        .ok_or("choose the currency of the minimum order value, e.g. GBP")?;
    tradeport_domain::kernel::Money::parse_major(typed, c).map(|m| m.minor()).map_err(|e| e.to_string())
}

/// A photo form's parts: the CSRF token, the SKU it shows (optional) and the file.
#[derive(Default)]
struct PhotoForm {
    csrf_token: String,
    sku_id: String,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_photo_form(mut parts: Multipart) -> Result<PhotoForm, String> {
    let mut form = PhotoForm::default();
    while let Some(field) = parts.next_field().await.map_err(|e| e.body_text())? {
        match field.name().unwrap_or_default() {
            "csrf_token" => form.csrf_token = field.text().await.map_err(|e| e.body_text())?,
            "sku_id" => form.sku_id = field.text().await.map_err(|e| e.body_text())?,
            "photo" => {
                form.file_name = field.file_name().unwrap_or_default().to_string();
                form.bytes = field.bytes().await.map_err(|e| e.body_text())?.to_vec();
            }
            _ => {}
        }
    }
    Ok(form)
}

/// POST /warehouse/asns/{id}/photos: a discrepancy photo from the notice's page.
pub async fn add_photo(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    parts: Multipart,
) -> Response {
    let form = match read_photo_form(parts).await {
        Ok(f) => f,
        Err(why) => return asn_page(&app, &user, &id, StatusCode::BAD_REQUEST, Some(why)).await,
    };
    if let Some(refused) = user.refuse_bad_csrf(&form.csrf_token) {
        return refused;
    }
    let sku = Some(form.sku_id.as_str()).filter(|s| !s.is_empty());
    match wms::add_asn_photo(&app, &user.session.principal, &id, &form.file_name, sku, &form.bytes).await {
        Ok(_) => Redirect::to(&format!("/warehouse/asns/{id}")).into_response(),
        Err(e) => asn_page(&app, &user, &id, status_of(&e), Some(explain(user.t, &e))).await,
    }
}

/// GET /warehouse/asns/{id}/photos/{photo}
pub async fn photo(
    State(app): State<App>,
    user: SignedIn,
    Path((id, photo)): Path<(String, String)>,
) -> Response {
    match wms::asn_photo(&app, &user.session.principal, &id, &photo).await {
        Ok((content_type, bytes)) => ([(header::CONTENT_TYPE, content_type)], bytes).into_response(),
        Err(e) => refused(&user, &e),
    }
}
