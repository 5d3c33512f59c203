//! The warehouse pages (WMS-1 … WMS-6): for staff, a warehouse's inbound notices, the put-away
//! queue, waves and the short-pick queue, packages ready to hand over, and the forms that act on
//! them; for merchants, their own inbound notices, a form to draft one, and what lies in the bins.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::inventory::WarehouseView;
use tradeport_app::warehouse::{
    self as wms, AsnView, BinContentView, CreateWave, HandOver, InsertView, PackageView, PickLineView,
    PutAway, PutAwayTask, WaveView,
};
use tradeport_app::{App, PageRequest};
use tradeport_domain::access::Permission;
use tradeport_domain::warehouse::{AsnAction, AsnCartonInput, AsnInput, AsnStatus, asn_transition};

use super::shell::Shell;
use super::{SignedIn, Tr, explain, refused, render, status_of};

#[derive(Template)]
#[template(path = "warehouse.html")]
struct WarehousePage {
    t: Tr,
    shell: Shell,
    warehouses: Vec<WarehouseView>,
    current: Option<WarehouseView>,
    operate: bool,
    submit_inbound: bool,
    merchants: Vec<(String, String)>,
    asns: Vec<AsnView>,
    put_away: Vec<PutAwayTask>,
    waves: Vec<WaveView>,
    exceptions: Vec<PickLineView>,
    ready: Vec<PackageView>,
    contents: Vec<BinContentView>,
    /// Merchants' packing inserts, with the form to add one when `manage_inserts`.
    inserts: Vec<InsertView>,
    manage_inserts: bool,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WarehouseQuery {
    w: String,
}

async fn page(
    app: &App,
    user: &SignedIn,
    w: &str,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let p = &user.session.principal;
    let warehouses = match wms::my_warehouses(app, p).await {
        Ok(w) => w,
        Err(e) => return refused(user, &e),
    };
    let current = warehouses.iter().find(|x| x.id == w).or(warehouses.first()).cloned();
    let operate = p.role.can(Permission::OperateWarehouse);
    let asns = match wms::list_asns(app, p, None, &PageRequest { limit: Some(50), cursor: None }).await {
        Ok(page) => page.items,
        Err(e) => return refused(user, &e),
    };
    let (mut put_away, mut waves, mut exceptions, mut ready, mut contents) =
        (vec![], vec![], vec![], vec![], vec![]);
    let inserts = match wms::list_inserts(app, p).await {
        Ok(i) => i,
        Err(e) => return refused(user, &e),
    };
    if let Some(wh) = &current {
        let loaded = async {
            contents = wms::bin_contents(app, p, &wh.id).await?;
            if operate {
                put_away = wms::put_away_queue(app, p, &wh.id).await?;
                waves = wms::list_waves(app, p)
                    .await?
                    .into_iter()
                    .filter(|x| x.warehouse_id == wh.id)
                    .take(20)
                    .collect();
                exceptions = wms::exception_queue(app, p).await?;
                ready = wms::ready_packages(app, p, &wh.id).await?;
            }
            Ok::<(), tradeport_app::AppError>(())
        };
        if let Err(e) = loaded.await {
            return refused(user, &e);
        }
    }
    let page = WarehousePage {
        t: user.t,
        shell: Shell::new(user, "/warehouse"),
        warehouses,
        current,
        operate,
        submit_inbound: p.role.can(Permission::SubmitInbound),
        merchants: super::merchant_options(app, p).await,
        asns,
        put_away,
        waves,
        exceptions,
        ready,
        contents,
        inserts,
        manage_inserts: p.role.can(Permission::ManageCatalog),
        error,
        notice,
    };
    render(user.t, status, &page)
}

/// GET /warehouse
pub async fn show(State(app): State<App>, user: SignedIn, Query(q): Query<WarehouseQuery>) -> Response {
    page(&app, &user, &q.w, StatusCode::OK, None, None).await
}

/// Answers a form: back to the overview with a notice, or the overview with the error.
pub(super) async fn answer<T>(
    app: &App,
    user: &SignedIn,
    w: &str,
    done: Result<T, tradeport_app::AppError>,
    notice: impl FnOnce(T) -> String,
) -> Response {
    match done {
        Ok(v) => page(app, user, w, StatusCode::OK, None, Some(notice(v))).await,
        Err(e) => page(app, user, w, status_of(&e), Some(explain(user.t, &e)), None).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewAsnForm {
    csrf_token: String,
    merchant_id: String,
    warehouse_id: String,
    expected_arrival: String,
    transport_mode: String,
    carrier_reference: String,
    shipping_marks: String,
    /// One group of cartons per line: `sku, cartons, units per carton, length, width, height (mm), gross, net (g)`.
    cartons: String,
    pallets: String,
}

fn cartons_of(text: &str) -> Vec<AsnCartonInput> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').map(str::trim).collect();
            // A cell that is not a number becomes 0, which the notice's checks refuse by field.
            let n = |i: usize| f.get(i).and_then(|v| v.parse().ok()).unwrap_or(0);
            AsnCartonInput {
                sku: f.first().copied().unwrap_or_default().to_string(),
                carton_count: n(1),
                units_per_carton: n(2),
                length_mm: n(3),
                width_mm: n(4),
                height_mm: n(5),
                gross_weight_g: n(6),
                net_weight_g: n(7),
            }
        })
        .collect()
}

/// POST /warehouse/asns: drafts and submits a notice.
pub async fn create_asn(State(app): State<App>, user: SignedIn, Form(f): Form<NewAsnForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let p = &user.session.principal;
    let input = AsnInput {
        warehouse_id: f.warehouse_id.clone(),
        expected_arrival: f.expected_arrival,
        transport_mode: f.transport_mode,
        carrier_reference: f.carrier_reference,
        shipping_marks: f.shipping_marks,
        cartons: cartons_of(&f.cartons),
        // Blank is loose cartons; anything but a whole number is refused by the notice's checks.
        pallets: if f.pallets.trim().is_empty() { 0 } else { f.pallets.trim().parse().unwrap_or(-1) },
    };
    let merchant = Some(f.merchant_id.as_str()).filter(|m| !m.is_empty());
    let done = match wms::create_asn(&app, p, merchant, &input).await {
        Ok(a) => wms::act_on_asn(&app, p, &a.id, "submit", None).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(a) => Redirect::to(&format!("/warehouse/asns/{}", a.id)).into_response(),
        Err(e) => page(&app, &user, &f.warehouse_id, status_of(&e), Some(explain(user.t, &e)), None).await,
    }
}

#[derive(Template)]
#[template(path = "asn_detail.html")]
struct AsnPage {
    t: Tr,
    shell: Shell,
    asn: AsnView,
    status_label: String,
    /// Actions the user may take now: (action, needs a reason).
    actions: Vec<(&'static str, bool)>,
    /// Whether the user may add discrepancy photos (warehouse staff).
    add_photos: bool,
    error: Option<String>,
}

pub(super) async fn asn_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let p = &user.session.principal;
    let asn = match wms::get_asn(app, p, id).await {
        Ok(a) => a,
        Err(e) => return refused(user, &e),
    };
    let actions = AsnStatus::parse(&asn.status)
        .map(|s| {
            [AsnAction::Submit, AsnAction::Accept, AsnAction::Reject, AsnAction::Arrive, AsnAction::Close]
                .into_iter()
                .filter(|a| asn_transition(s, *a).is_some())
                .filter(|a| {
                    p.role.can(if a.by_merchant() {
                        Permission::SubmitInbound
                    } else {
                        Permission::OperateWarehouse
                    })
                })
                .map(|a| (a.as_str(), a == AsnAction::Reject))
                .collect()
        })
        .unwrap_or_default();
    let status_label = user.t.get(&format!("asn_status.{}", asn.status));
    let add_photos = p.role.can(Permission::OperateWarehouse);
    let shell = Shell::new(user, "/warehouse");
    let page = AsnPage { t: user.t, shell, asn, status_label, actions, add_photos, error };
    render(user.t, status, &page)
}

/// GET /warehouse/asns/{id}
pub async fn asn_detail(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    asn_page(&app, &user, &id, StatusCode::OK, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AsnActForm {
    csrf_token: String,
    action: String,
    reason: String,
}

/// POST /warehouse/asns/{id}/act
pub async fn asn_act(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<AsnActForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match wms::act_on_asn(&app, &user.session.principal, &id, &f.action, Some(&f.reason)).await {
        Ok(_) => asn_page(&app, &user, &id, StatusCode::OK, None).await,
        Err(e) => asn_page(&app, &user, &id, status_of(&e), Some(explain(user.t, &e))).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WaveForm {
    csrf_token: String,
    warehouse_id: String,
    max_orders: String,
    urgent_only: Option<String>,
    express_only: Option<String>,
    zone: String,
}

/// POST /warehouse/waves: builds a wave and opens its pick screen.
pub async fn create_wave(State(app): State<App>, user: SignedIn, Form(f): Form<WaveForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let w = CreateWave {
        warehouse_id: f.warehouse_id.clone(),
        max_orders: f.max_orders.trim().parse().ok(),
        urgent_only: f.urgent_only.is_some(),
        express_only: f.express_only.is_some(),
        sku_id: None,
        zone: Some(f.zone).filter(|z| !z.trim().is_empty()),
    };
    match wms::create_wave(&app, &user.session.principal, &w).await {
        Ok(wave) => Redirect::to(&format!("/warehouse/pick/{}", wave.id)).into_response(),
        Err(e) => page(&app, &user, &f.warehouse_id, status_of(&e), Some(explain(user.t, &e)), None).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PutAwayForm {
    csrf_token: String,
    warehouse_id: String,
    sku_id: String,
    bin: String,
    quantity: String,
    lot: String,
    expiry: String,
}

/// POST /warehouse/put-away
pub async fn put_away(State(app): State<App>, user: SignedIn, Form(f): Form<PutAwayForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let p = PutAway {
        warehouse_id: f.warehouse_id.clone(),
        scan: String::new(),
        sku_id: f.sku_id,
        bin: f.bin,
        quantity: f.quantity.trim().parse().unwrap_or(0),
        lot: f.lot,
        expiry: f.expiry,
    };
    let done = wms::put_away(&app, &user.session.principal, &p).await;
    answer(&app, &user, &f.warehouse_id, done, |c| format!("{} → {} ({})", c.sku, c.bin_code, c.units)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HandOverForm {
    csrf_token: String,
    warehouse_id: String,
    carrier: String,
    /// The packages' labels as scanned, one per line.
    packages: String,
}

/// POST /warehouse/handover: the packages scanned, to the carrier named.
pub async fn hand_over(State(app): State<App>, user: SignedIn, Form(f): Form<HandOverForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let packages = f.packages.split_whitespace().map(String::from).collect();
    let h = HandOver { warehouse_id: f.warehouse_id.clone(), carrier: f.carrier, packages };
    match wms::hand_over(&app, &user.session.principal, &h).await {
        // The outbound note to print and sign with the driver.
        Ok(h) => Redirect::to(&format!("/warehouse/handovers/{}/outbound-note.pdf", h.id)).into_response(),
        Err(e) => page(&app, &user, &f.warehouse_id, status_of(&e), Some(explain(user.t, &e)), None).await,
    }
}

/// GET /warehouse/{kind}/{id}/{document}: a warehouse document as a PDF.
pub async fn document(
    State(app): State<App>,
    user: SignedIn,
    Path((kind, id, name)): Path<(String, String, String)>,
) -> Response {
    let p = &user.session.principal;
    let made = match (kind.as_str(), name.as_str()) {
        ("asns", "carton-labels.pdf") => wms::carton_labels(&app, p, &id).await,
        ("asns", "discrepancy-report.pdf") => wms::discrepancy_report(&app, p, &id).await,
        ("waves", "pick-list.pdf") => wms::pick_list(&app, p, &id).await,
        ("orders", "pick-list.pdf") => wms::order_pick_list(&app, p, &id).await,
        ("orders", "packing-slip.pdf") => wms::packing_slip(&app, p, &id).await,
        ("handovers", "outbound-note.pdf") => wms::outbound_note(&app, p, &id).await,
        ("packages", "label.pdf") => tradeport_app::shipping::label_pdf(&app, p, &id).await,
        ("shipments", "customs.pdf") => tradeport_app::shipping::customs_pdf(&app, p, &id).await,
        ("shipments", "invoice.pdf") => tradeport_app::shipping::invoice_pdf(&app, p, &id).await,
        _ => Err(tradeport_app::AppError::NotFound("document")),
    };
    match made {
        Ok(d) => {
            let disposition = format!("inline; filename=\"{}\"", d.file_name.replace('"', ""));
            let headers = [
                (axum::http::header::CONTENT_TYPE, "application/pdf".to_string()),
                (axum::http::header::CONTENT_DISPOSITION, disposition),
            ];
            (headers, d.pdf).into_response()
        }
        Err(e) => refused(&user, &e),
    }
}
