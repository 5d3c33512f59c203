//! Warehouses of the operator.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::WarehouseKind;
use tradeport_domain::kernel::{FieldErrors, WarehouseId, is_known_country, is_known_timezone};
use tradeport_domain::warehouse::Space;
use tradeport_store::inventory::warehouses::{self, NewWarehouseRow, WarehouseRow};

use crate::{App, AppError, AppResult};

/// A warehouse to create.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CreateWarehouse {
    /// Short unique code, e.g. `UK-MAN`.
    pub code: String,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub address: String,
    /// IANA time zone, e.g. `Europe/London`.
    pub timezone: String,
    /// `origin` or `overseas`.
    pub kind: String,
}

/// A warehouse.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WarehouseView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub country: String,
    pub address: String,
    pub timezone: String,
    pub kind: String,
    /// Litres the warehouse stores at most; 0 sets no limit.
    pub capacity_l: i64,
    /// Pallet positions it has; 0 sets no limit.
    pub capacity_pallets: i64,
    pub receiving_contact: String,
    pub receiving_requirements: String,
}

impl From<WarehouseRow> for WarehouseView {
    fn from(w: WarehouseRow) -> Self {
        Self {
            id: w.id.to_string(),
            code: w.code,
            name: w.name,
            country: w.country,
            address: w.address,
            timezone: w.timezone,
            kind: w.kind.as_str().into(),
            capacity_l: w.capacity_l,
            capacity_pallets: w.capacity_pallets,
            receiving_contact: w.receiving_contact,
            receiving_requirements: w.receiving_requirements,
        }
    }
}

/// Creates a warehouse. Admins only.
pub async fn create_warehouse(
    app: &App,
    principal: &Principal,
    i: &CreateWarehouse,
) -> AppResult<WarehouseView> {
    principal.require(Permission::ManageWarehouses)?;
    let mut e = FieldErrors::new();
    if i.code.trim().is_empty() || i.code.len() > 32 {
        e.add("code", "required", "code is required (at most 32 characters), e.g. UK-MAN");
    }
    if i.name.trim().is_empty() {
        e.add("name", "required", "name is required, e.g. Manchester fulfilment centre");
    }
    if !is_known_country(&i.country) {
        e.add("country", "unknown_country", "country must be an ISO 3166-1 alpha-2 code, e.g. GB");
    }
    if !is_known_timezone(i.timezone.trim()) {
        e.add("timezone", "unknown_timezone", "timezone must be an IANA name, e.g. Europe/London");
    }
    let kind = WarehouseKind::parse(i.kind.trim());
    if kind.is_none() {
        e.add("kind", "unknown_kind", "kind must be origin or overseas");
    }
    e.into_result().map_err(AppError::Invalid)?;
    let id: WarehouseId = app.new_id();
    let country = i.country.trim().to_ascii_uppercase();
    let row = NewWarehouseRow {
        id,
        code: i.code.trim(),
        name: i.name.trim(),
        country: &country,
        address: i.address.trim(),
        timezone: i.timezone.trim(),
        kind: kind.unwrap_or(WarehouseKind::Origin),
    };
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    warehouses::insert_in_tx(&mut tx, operator, &row, app.now()).await.map_err(|e| {
        if e.is_conflict_on("warehouses_tenant_code_key") {
            AppError::duplicate("code", format!("a warehouse with code {} exists already", row.code))
        } else {
            e.into()
        }
    })?;
    tradeport_store::events::append_in_tx(
        &mut tx,
        operator,
        &app.event(principal.actor, "warehouse", id, "warehouse_created"),
    )
    .await?;
    tx.commit().await?;
    // SLA-2: the warehouse's follow-up sweeps run in its own time zone.
    crate::sla::schedule_sweeps(app, operator, None).await?;
    let mut conn = app.db().read().await?;
    let all = warehouses::list(&mut conn, operator).await?;
    all.into_iter().find(|w| w.id == id).map(WarehouseView::from).ok_or(AppError::NotFound("warehouse"))
}

/// The operator's warehouses.
pub async fn list_warehouses(app: &App, principal: &Principal) -> AppResult<Vec<WarehouseView>> {
    principal.require(Permission::ViewInventory)?;
    let mut conn = app.db().read().await?;
    Ok(warehouses::list(&mut conn, principal.scope.operator_id)
        .await?
        .into_iter()
        .map(WarehouseView::from)
        .collect())
}

/// What inbound notices need from a warehouse (WMS-1).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReceivingSettings {
    /// Litres the warehouse stores at most (goods on hand plus goods expected); 0 for no limit.
    pub capacity_l: i64,
    /// Pallet positions (pallet bins in use plus pallets expected); 0 for no limit.
    #[schema(minimum = 0, maximum = 1000000)]
    pub capacity_pallets: i64,
    /// Whom to call about a delivery, e.g. "Goods-in desk, +44 161 496 0000".
    pub receiving_contact: String,
    /// Booking, labelling and pallet rules sent to merchants with every accepted notice.
    pub receiving_requirements: String,
}

/// Sets a warehouse's capacity and receiving instructions. Admins only.
pub async fn set_receiving(
    app: &App,
    principal: &Principal,
    warehouse_id: &str,
    s: &ReceivingSettings,
) -> AppResult<WarehouseView> {
    principal.require(Permission::ManageWarehouses)?;
    let mut e = FieldErrors::new();
    if !(0..=100_000_000).contains(&s.capacity_l) {
        e.add("capacity_l", "out_of_range", "capacity_l must be 0 (no limit) to 100000000 litres");
    }
    if !(0..=1_000_000).contains(&s.capacity_pallets) {
        e.add(
            "capacity_pallets",
            "out_of_range",
            "capacity_pallets must be 0 (no limit) to 1000000 positions",
        );
    }
    if s.receiving_contact.chars().count() > 200 {
        e.add("receiving_contact", "too_long", "receiving_contact must be at most 200 characters");
    }
    if s.receiving_requirements.chars().count() > 4000 {
        e.add("receiving_requirements", "too_long", "receiving_requirements must be at most 4000 characters");
    }
    e.into_result().map_err(AppError::Invalid)?;
    let id: WarehouseId = crate::parse_id(warehouse_id, "warehouse")?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let contact = s.receiving_contact.trim();
    let requirements = s.receiving_requirements.trim();
    let capacity = Space { litres: s.capacity_l, pallets: s.capacity_pallets };
    if !warehouses::update_receiving_in_tx(&mut tx, operator, id, capacity, contact, requirements).await? {
        return Err(AppError::NotFound("warehouse"));
    }
    let data =
        serde_json::json!({ "capacity_l": s.capacity_l, "capacity_pallets": s.capacity_pallets }).to_string();
    let event = tradeport_store::events::NewEvent {
        data,
        ..app.event(principal.actor, "warehouse", id, "warehouse_receiving_set")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    let all = warehouses::list(&mut tx, operator).await?;
    tx.commit().await?;
    all.into_iter().find(|w| w.id == id).map(WarehouseView::from).ok_or(AppError::NotFound("warehouse"))
}
