//! The order page's shipping panel (SHP-2 … SHP-7): each parcel with its service, tracking
//! number and status, labels, the customs declaration (declared here), its clearance steps
//! (recorded here).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::shipping::{
    self, ClearanceInput, ClearanceView, CustomsRequest, CustomsView, ShipmentView,
};
use tradeport_app::{App, AppError};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::OrderId;

use super::{SignedIn, explain, refused, status_of};

/// One parcel of the order, with its customs and clearance.
pub struct PanelParcel {
    pub s: ShipmentView,
    pub customs: Option<CustomsView>,
    pub clearance: Vec<ClearanceView>,
}

/// What the panel shows and offers.
#[derive(Default)]
pub struct ShippingPanel {
    pub parcels: Vec<PanelParcel>,
    pub can_declare: bool,
    pub can_clear: bool,
}

/// The panel of an order the principal may see (empty when it has no parcels yet).
pub async fn shipping_panel(app: &App, p: &Principal, order: OrderId) -> Result<ShippingPanel, AppError> {
    let mut parcels = Vec::new();
    for s in shipping::shipments_of_order(app, p, &order.to_string()).await? {
        let customs = match shipping::customs_of(app, p, &s.id).await {
            Ok(c) => Some(c),
            Err(AppError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let clearance = shipping::clearance_of(app, p, &s.id).await?;
        parcels.push(PanelParcel { s, customs, clearance });
    }
    Ok(ShippingPanel {
        parcels,
        can_declare: p.role.can(Permission::OperateWarehouse),
        can_clear: p.role.can(Permission::ManageCarriers),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CustomsForm {
    csrf_token: String,
    incoterm: String,
    reason: String,
    ioss_number: String,
    vat_number: String,
}

fn optional(v: String) -> Option<String> {
    Some(v).filter(|v| !v.trim().is_empty())
}

/// Back to the order page, or the page with the reason a use case refused.
pub(super) async fn done(app: &App, user: &SignedIn, order: &str, outcome: Result<(), AppError>) -> Response {
    match (outcome, super::order_pages::order_id(order)) {
        (Ok(()), _) => Redirect::to(&format!("/orders/{order}#shipping")).into_response(),
        (Err(e), Ok(id)) => {
            super::order_pages::detail_page(app, user, id, status_of(&e), Some(explain(user.t, &e))).await
        }
        (Err(_), Err(e)) => refused(user, &e),
    }
}

/// POST /orders/{id}/shipments/{shipment}/customs
pub async fn declare(
    State(app): State<App>,
    user: SignedIn,
    Path((order, shipment)): Path<(String, String)>,
    Form(f): Form<CustomsForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let r = CustomsRequest {
        incoterm: f.incoterm,
        reason: f.reason,
        ioss_number: optional(f.ioss_number),
        vat_number: optional(f.vat_number),
    };
    let outcome = shipping::declare_customs(&app, &user.session.principal, &shipment, &r).await.map(|_| ());
    done(&app, &user, &order, outcome).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ClearanceForm {
    csrf_token: String,
    step: String,
    waybill_no: String,
    note: String,
}

/// POST /orders/{id}/shipments/{shipment}/clearance
pub async fn clear(
    State(app): State<App>,
    user: SignedIn,
    Path((order, shipment)): Path<(String, String)>,
    Form(f): Form<ClearanceForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let input =
        ClearanceInput { step: f.step, happened_at: None, waybill_no: optional(f.waybill_no), note: f.note };
    let outcome =
        shipping::record_clearance(&app, &user.session.principal, &shipment, &input).await.map(|_| ());
    done(&app, &user, &order, outcome).await
}
