//! Screens for a handheld, keyboard-wedge barcode scanner (WMS-2, WMS-4): one input that keeps
//! the focus, Enter submits, big type, red and a beep on a refused scan, usable on a phone-sized
//! screen. Each scan is a plain form post answered with the whole screen, so nothing depends on
//! script state between scans: the screen's state (the notice being counted, the bin already
//! scanned) travels in hidden fields.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::warehouse::{self as wms, AsnView, PickLineView, PickScan, ReceiptScan, ShortPick};

use super::shell::Shell;
use super::{SignedIn, Tr, explain, refused, render, status_of};

#[derive(Template)]
#[template(path = "scan_receive.html")]
struct ReceivePage {
    t: Tr,
    shell: Shell,
    asn: Option<AsnView>,
    /// What the last scan did, or why it was refused.
    said: Option<String>,
    refused: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReceiveQuery {
    asn: String,
}

async fn receive_page(
    app: &App,
    user: &SignedIn,
    asn_id: &str,
    said: Option<String>,
    refused_scan: bool,
) -> Response {
    let asn = if asn_id.is_empty() {
        None
    } else {
        match wms::get_asn(app, &user.session.principal, asn_id).await {
            Ok(a) => Some(a),
            Err(e) => return refused(user, &e),
        }
    };
    let status = if refused_scan { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page =
        ReceivePage { t: user.t, shell: Shell::new(user, "/warehouse"), asn, said, refused: refused_scan };
    render(user.t, status, &page)
}

/// GET /warehouse/receive
pub async fn receive(State(app): State<App>, user: SignedIn, Query(q): Query<ReceiveQuery>) -> Response {
    if let Err(e) = user.session.principal.require(tradeport_domain::access::Permission::OperateWarehouse) {
        return refused(&user, &e.into());
    }
    receive_page(&app, &user, &q.asn, None, false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReceiveScanForm {
    csrf_token: String,
    asn: String,
    scan: String,
    quantity: String,
    damaged: Option<String>,
}

/// POST /warehouse/receive: the first scan names the notice (an accepted one is recorded as
/// arrived), every later one counts an item.
pub async fn receive_scan(
    State(app): State<App>,
    user: SignedIn,
    Form(f): Form<ReceiveScanForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let p = &user.session.principal;
    let t = user.t;
    if f.asn.is_empty() {
        return match wms::find_asn_by_number(&app, p, &f.scan).await {
            Ok(a) if a.status == "accepted" => match wms::act_on_asn(&app, p, &a.id, "arrive", None).await {
                Ok(a) => {
                    receive_page(
                        &app,
                        &user,
                        &a.id,
                        Some(t.fill_text("scan.asn_arrived", "asn", &a.asn_no)),
                        false,
                    )
                    .await
                }
                Err(e) => receive_page(&app, &user, "", Some(explain(user.t, &e)), true).await,
            },
            Ok(a) if a.status == "arrived" || a.status == "receiving" => {
                receive_page(&app, &user, &a.id, Some(t.fill_text("scan.asn_open", "asn", &a.asn_no)), false)
                    .await
            }
            Ok(a) => {
                let said = t.fill_text(
                    "scan.asn_not_receivable",
                    "status",
                    &t.get(&format!("asn_status.{}", a.status)),
                );
                receive_page(&app, &user, "", Some(said), true).await
            }
            Err(e) => receive_page(&app, &user, "", Some(explain(user.t, &e)), true).await,
        };
    }
    let quantity = match f.quantity.trim() {
        "" => None,
        q => match q.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return receive_page(&app, &user, &f.asn, Some(t.get("scan.quantity_number")), true).await;
            }
        },
    };
    let scan = ReceiptScan { scan: f.scan, quantity, damaged: f.damaged.is_some() };
    match wms::scan_receipt(&app, p, &f.asn, &scan).await {
        Ok(line) => {
            let said =
                format!("{} · {}: {} / {}", line.sku, line.sku_name, line.good + line.damaged, line.expected);
            receive_page(&app, &user, &f.asn, Some(said), false).await
        }
        Err(e) => receive_page(&app, &user, &f.asn, Some(explain(user.t, &e)), true).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    csrf_token: String,
    asn: String,
}

/// POST /warehouse/receive/confirm
pub async fn receive_confirm(State(app): State<App>, user: SignedIn, Form(f): Form<ConfirmForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match wms::confirm_receipt(&app, &user.session.principal, &f.asn).await {
        Ok(a) => {
            receive_page(&app, &user, &a.id, Some(user.t.fill_text("scan.received", "asn", &a.asn_no)), false)
                .await
        }
        Err(e) => {
            let status = status_of(&e);
            let mut r = receive_page(&app, &user, &f.asn, Some(explain(user.t, &e)), true).await;
            *r.status_mut() = status;
            r
        }
    }
}

#[derive(Template)]
#[template(path = "scan_pick.html")]
struct PickPage {
    t: Tr,
    shell: Shell,
    wave_id: String,
    wave_no: String,
    /// The line to pick now, the first open one in walking order.
    line: Option<PickLineView>,
    /// The bin already scanned for it.
    bin: String,
    /// The lot typed for it, kept for the next scan.
    lot: String,
    lines_left: i64,
    said: Option<String>,
    refused: bool,
}

async fn pick_page(
    app: &App,
    user: &SignedIn,
    wave_id: &str,
    (bin, lot): (&str, &str),
    said: Option<String>,
    refused_scan: bool,
) -> Response {
    let wave = match wms::get_wave(app, &user.session.principal, wave_id).await {
        Ok(w) => w,
        Err(e) => return refused(user, &e),
    };
    let open: Vec<&PickLineView> = wave.lines.iter().filter(|l| l.status == "open").collect();
    let line = open.first().map(|l| (*l).clone());
    let bin = line
        .as_ref()
        .filter(|l| l.bin_code.eq_ignore_ascii_case(bin))
        .map_or(String::new(), |l| l.bin_code.clone());
    let status = if refused_scan { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = PickPage {
        t: user.t,
        shell: Shell::new(user, "/warehouse"),
        wave_id: wave.id.clone(),
        wave_no: wave.wave_no.clone(),
        lines_left: open.len() as i64,
        line,
        bin,
        lot: lot.to_string(),
        said,
        refused: refused_scan,
    };
    render(user.t, status, &page)
}

/// GET /warehouse/pick/{wave}
pub async fn pick(State(app): State<App>, user: SignedIn, Path(wave): Path<String>) -> Response {
    pick_page(&app, &user, &wave, ("", ""), None, false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PickForm {
    csrf_token: String,
    line: String,
    bin: String,
    scan: String,
    lot: String,
}

/// POST /warehouse/pick/{wave}: with no bin yet, the scan must be the line's bin; then each scan
/// is one unit of the item, checked and picked.
pub async fn pick_scan(
    State(app): State<App>,
    user: SignedIn,
    Path(wave): Path<String>,
    Form(f): Form<PickForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let t = user.t;
    let current = match wms::get_wave(&app, &user.session.principal, &wave).await {
        Ok(w) => w.lines.into_iter().find(|l| l.id == f.line),
        Err(e) => return refused(&user, &e),
    };
    let Some(line) = current else {
        return pick_page(&app, &user, &wave, ("", ""), Some(t.get("scan.line_gone")), true).await;
    };
    if f.bin.is_empty() {
        if line.bin_code.eq_ignore_ascii_case(f.scan.trim()) {
            let said = t.fill_text("scan.bin_ok", "bin", &line.bin_code);
            return pick_page(&app, &user, &wave, (&line.bin_code, ""), Some(said), false).await;
        }
        let said = t.fill_text("scan.wrong_bin", "bin", &line.bin_code);
        return pick_page(&app, &user, &wave, ("", ""), Some(said), true).await;
    }
    let scan = PickScan { bin: f.bin.clone(), item: f.scan, quantity: Some(1), lot: f.lot.clone() };
    match wms::pick(&app, &user.session.principal, &line.id, &scan).await {
        Ok(l) => {
            let said = format!("{} · {} / {}", l.sku, l.picked, l.qty);
            pick_page(&app, &user, &wave, (&f.bin, &f.lot), Some(said), false).await
        }
        Err(e) => pick_page(&app, &user, &wave, (&f.bin, &f.lot), Some(explain(user.t, &e)), true).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShortForm {
    csrf_token: String,
    line: String,
}

/// POST /warehouse/pick/{wave}/short: the bin lacks units; the line goes to the exception queue.
pub async fn pick_short(
    State(app): State<App>,
    user: SignedIn,
    Path(wave): Path<String>,
    Form(f): Form<ShortForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let note = ShortPick { note: "reported at the scanner".into() };
    match wms::report_short(&app, &user.session.principal, &f.line, &note).await {
        Ok(l) => {
            pick_page(
                &app,
                &user,
                &wave,
                ("", ""),
                Some(user.t.fill_text("scan.short_sent", "sku", &l.sku)),
                false,
            )
            .await
        }
        Err(e) => pick_page(&app, &user, &wave, ("", ""), Some(explain(user.t, &e)), true).await,
    }
}

#[derive(Template)]
#[template(path = "scan_pack.html")]
struct PackPage {
    t: Tr,
    shell: Shell,
    /// The order being packed: (id, number, status).
    order: Option<(String, String, String)>,
    packages: Vec<tradeport_app::warehouse::PackageView>,
    /// The order's shipments: a labelled package shows its tracking number and label.
    shipments: Vec<tradeport_app::shipping::ShipmentView>,
    said: Option<String>,
    refused: bool,
}

impl PackPage {
    /// Whether the package has its shipment (and label) already.
    fn labelled(&self, package_id: &str) -> bool {
        self.shipments.iter().any(|s| s.package_id == package_id)
    }
}

async fn pack_page(
    app: &App,
    user: &SignedIn,
    order_id: &str,
    said: Option<String>,
    refused_scan: bool,
) -> Response {
    let p = &user.session.principal;
    let (order, packages, shipments) = if order_id.is_empty() {
        (None, Vec::new(), Vec::new())
    } else {
        let id = match tradeport_app::parse_id(order_id, "order") {
            Ok(id) => id,
            Err(e) => return refused(user, &e),
        };
        match (
            tradeport_app::orders::get_order(app, p, id).await,
            wms::packages_of_order(app, p, order_id).await,
            tradeport_app::shipping::shipments_of_order(app, p, order_id).await,
        ) {
            (Ok(o), Ok(pk), Ok(sh)) => {
                let number = o.summary.order_no.clone().unwrap_or_else(|| o.summary.id.clone());
                (Some((o.summary.id, number, o.summary.status)), pk, sh)
            }
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return refused(user, &e),
        }
    };
    let status = if refused_scan { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = PackPage {
        t: user.t,
        shell: Shell::new(user, "/warehouse"),
        order,
        packages,
        shipments,
        said,
        refused: refused_scan,
    };
    render(user.t, status, &page)
}

/// GET /warehouse/pack
pub async fn pack(State(app): State<App>, user: SignedIn, Query(q): Query<PackQuery>) -> Response {
    if let Err(e) = user.session.principal.require(tradeport_domain::access::Permission::OperateWarehouse) {
        return refused(&user, &e.into());
    }
    pack_page(&app, &user, &q.order, None, false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PackQuery {
    order: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PackForm {
    csrf_token: String,
    order: String,
    scan: String,
}

/// The order a packer scanned: its number (from the packing slip or the tote), being picked.
async fn order_by_number(app: &App, user: &SignedIn, number: &str) -> Result<String, String> {
    let q = tradeport_app::orders::OrderQuery {
        q: Some(number.trim().to_string()),
        limit: Some(5),
        ..Default::default()
    };
    let found = tradeport_app::orders::list_orders(app, &user.session.principal, &q)
        .await
        .map_err(|e| explain(user.t, &e))?;
    found
        .items
        .into_iter()
        .find(|o| o.order_no.as_deref() == Some(number.trim()))
        .map(|o| o.id)
        .ok_or_else(|| user.t.fill_text("scan.unknown_order", "order", number.trim()))
}

/// POST /warehouse/pack: the first scan names the order (its packages are planned); then each
/// scan puts one item into the package that still needs it.
pub async fn pack_scan(State(app): State<App>, user: SignedIn, Form(f): Form<PackForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let p = &user.session.principal;
    if f.order.is_empty() {
        let order = match order_by_number(&app, &user, &f.scan).await {
            Ok(id) => id,
            Err(why) => return pack_page(&app, &user, "", Some(why), true).await,
        };
        return match wms::start_packing(&app, p, &order).await {
            Ok(pk) => {
                pack_page(
                    &app,
                    &user,
                    &order,
                    Some(user.t.fill("scan.packages_planned", "count", pk.len() as i64)),
                    false,
                )
                .await
            }
            Err(e) => pack_page(&app, &user, "", Some(explain(user.t, &e)), true).await,
        };
    }
    let item = wms::PackScan { item: f.scan.clone(), quantity: Some(1) };
    match wms::pack_into_order(&app, p, &f.order, &item).await {
        Ok(pk) => {
            let said = format!(
                "{} · {}",
                pk.label,
                pk.items
                    .iter()
                    .map(|i| format!("{} {}/{}", i.sku, i.packed, i.qty))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            pack_page(&app, &user, &f.order, Some(said), false).await
        }
        Err(e) => pack_page(&app, &user, &f.order, Some(explain(user.t, &e)), true).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WeighForm {
    csrf_token: String,
    order: String,
    package: String,
    weight_g: String,
}

/// POST /warehouse/pack/weigh: the scale's reading for one package.
pub async fn pack_weigh(State(app): State<App>, user: SignedIn, Form(f): Form<WeighForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let Ok(weight_g) = f.weight_g.trim().parse::<i64>() else {
        return pack_page(&app, &user, &f.order, Some(user.t.get("scan.weight_number")), true).await;
    };
    match wms::weigh_package(&app, &user.session.principal, &f.package, &wms::Weighing { weight_g }).await {
        Ok(pk) => {
            let said = match &pk.check_reason {
                Some(why) => format!("{} · {}", pk.label, why),
                None => format!("{} · {} g · {}", pk.label, weight_g, user.t.get("scan.package_ready")),
            };
            pack_page(&app, &user, &f.order, Some(said), pk.check_reason.is_some()).await
        }
        Err(e) => pack_page(&app, &user, &f.order, Some(explain(user.t, &e)), true).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LabelForm {
    csrf_token: String,
    order: String,
    package: String,
}

/// POST /warehouse/pack/label: a ready package gets its service, tracking number and label.
pub async fn pack_label(State(app): State<App>, user: SignedIn, Form(f): Form<LabelForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let asked = tradeport_app::shipping::ShipmentRequest::default();
    match tradeport_app::shipping::create_shipment(&app, &user.session.principal, &f.package, &asked).await {
        Ok(s) => {
            let said = format!("{} · {} · {}", s.carrier, s.service_code, s.tracking_no);
            pack_page(&app, &user, &f.order, Some(said), false).await
        }
        Err(e) => pack_page(&app, &user, &f.order, Some(explain(user.t, &e)), true).await,
    }
}
