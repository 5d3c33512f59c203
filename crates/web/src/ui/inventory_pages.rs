//! The inventory page: stock per warehouse, SKUs, warehouses, adjustments and CSV import.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::PageRequest;
use tradeport_app::inventory::{self, BalanceView, SkuView, StockAdjustment, WarehouseView};
use tradeport_domain::access::Permission;

use super::shell::Shell;
use super::{SignedIn, Tr, explain, refused, render, status_of};

#[derive(Template)]
#[template(path = "inventory.html")]
struct InventoryPage {
    t: Tr,
    shell: Shell,
    balances: Vec<BalanceView>,
    /// The link to the next page of balances.
    next_page: Option<String>,
    skus: Vec<SkuView>,
    warehouses: Vec<WarehouseView>,
    merchants: Vec<(String, String)>,
    /// The filter shown: one merchant's stock (staff), and the search words.
    filter: InventoryQuery,
    can_adjust: bool,
    can_import: bool,
    error: Option<String>,
    notice: Option<String>,
}

impl InventoryPage {
    /// The merchant's name for a balance's merchant id (staff see every merchant's).
    fn merchant_name(&self, id: &str) -> String {
        self.merchants.iter().find(|(m, _)| m == id).map_or_else(|| id.to_string(), |(_, name)| name.clone())
    }
}

async fn page(
    app: &App,
    user: &SignedIn,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
    filter: InventoryQuery,
) -> Response {
    let p = &user.session.principal;
    let all = PageRequest { limit: Some(200), cursor: None };
    let stock_page = inventory::StockQuery {
        merchant_id: Some(filter.merchant_id.clone()),
        search: Some(filter.search.clone()),
        limit: Some(100),
        cursor: filter.cursor.clone(),
    };
    let (balances, skus, warehouses) = match (
        inventory::list_balances(app, p, &stock_page).await,
        inventory::list_skus(app, p, None, &all).await,
        inventory::list_warehouses(app, p).await,
    ) {
        (Ok(b), Ok(s), Ok(w)) => (b, s.items, w),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return refused(user, &e),
    };
    let merchants = super::merchant_options(app, &user.session.principal).await;
    let page = InventoryPage {
        t: user.t,
        shell: Shell::new(user, "/inventory"),
        next_page: balances.next_cursor.map(|c| {
            format!(
                "/inventory?merchant_id={}&search={}&cursor={c}",
                super::percent_encode(&filter.merchant_id),
                super::percent_encode(&filter.search)
            )
        }),
        balances: balances.items,
        skus,
        warehouses,
        merchants,
        filter,
        can_adjust: p.role.can(Permission::AdjustStock),
        can_import: p.role.can(Permission::ManageCatalog),
        error,
        notice,
    };
    render(user.t, status, &page)
}

/// Which balances the inventory page shows: a merchant's (staff), those matching the search, a
/// page at a time.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InventoryQuery {
    merchant_id: String,
    search: String,
    cursor: Option<String>,
}

/// GET /inventory?merchant_id=&search=&cursor=
pub async fn show(State(app): State<App>, user: SignedIn, Query(q): Query<InventoryQuery>) -> Response {
    page(&app, &user, StatusCode::OK, None, None, q).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdjustForm {
    csrf_token: String,
    sku_id: String,
    warehouse_id: String,
    delta: String,
    reason: String,
}

/// POST /inventory/adjust
pub async fn adjust(State(app): State<App>, user: SignedIn, Form(f): Form<AdjustForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let a = StockAdjustment {
        sku_id: f.sku_id,
        warehouse_id: f.warehouse_id,
        delta: f.delta.trim().parse().unwrap_or(0),
        reason: f.reason,
    };
    match inventory::adjust_stock(&app, &user.session.principal, &a).await {
        Ok(_) => {
            page(
                &app,
                &user,
                StatusCode::OK,
                None,
                Some(user.t.get("inventory.saved")),
                InventoryQuery::default(),
            )
            .await
        }
        Err(e) => {
            page(&app, &user, status_of(&e), Some(explain(user.t, &e)), None, InventoryQuery::default()).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ImportForm {
    csrf_token: String,
    merchant_id: String,
    csv: String,
}

/// POST /inventory/import
pub async fn import(State(app): State<App>, user: SignedIn, Form(f): Form<ImportForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let merchant = Some(f.merchant_id.as_str()).filter(|m| !m.is_empty());
    match inventory::import_skus_csv(&app, &user.session.principal, merchant, &f.csv).await {
        Ok(r) if r.errors.is_empty() => {
            let notice = user.t.fill("inventory.imported", "count", r.saved as i64);
            page(&app, &user, StatusCode::OK, None, Some(notice), InventoryQuery::default()).await
        }
        Ok(r) => {
            let problems: Vec<String> =
                r.errors.iter().map(|e| format!("row {} {}: {}", e.row, e.field, e.message)).collect();
            page(
                &app,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(problems.join("; ")),
                None,
                InventoryQuery::default(),
            )
            .await
        }
        Err(e) => {
            page(&app, &user, status_of(&e), Some(explain(user.t, &e)), None, InventoryQuery::default()).await
        }
    }
}
