//! The carrier-service catalogue (SHP-1): staff with the right to change it (admins, logistics)
//! add and change services; everyone in the operator's reach reads them (a merchant chooses one).

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::shipping::{ServiceInput, validate_service};
use tradeport_store::shipping::services::{self, ServiceRow};

use crate::{App, AppError, AppResult};

/// A service as the API shows it: its id and definition.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceView {
    pub id: String,
    #[serde(flatten)]
    pub service: ServiceInput,
}

/// The definition's schema with the id beside its fields: one object, as it is written (a
/// derived schema would say `allOf` of the definition, which refuses any field but its own).
impl utoipa::PartialSchema for ServiceView {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
        let mut schema = <ServiceInput as utoipa::PartialSchema>::schema();
        if let utoipa::openapi::RefOr::T(Schema::Object(o)) = &mut schema {
            let id = ObjectBuilder::new().schema_type(Type::String).description(Some("The service's id."));
            o.properties.insert("id".to_string(), id.into());
            o.required.insert(0, "id".to_string());
            o.description = Some("A carrier service: its id and definition.".into());
        }
        schema
    }
}

impl utoipa::ToSchema for ServiceView {
    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        <ServiceInput as utoipa::ToSchema>::schemas(schemas);
    }
}

impl From<ServiceRow> for ServiceView {
    fn from(r: ServiceRow) -> Self {
        Self { id: r.id, service: r.service.to_input() }
    }
}

/// Adds a service, or changes the one with the same code.
pub async fn save_service(app: &App, principal: &Principal, input: &ServiceInput) -> AppResult<ServiceView> {
    principal.require(Permission::ManageCarriers)?;
    let service = validate_service(input).map_err(AppError::Invalid)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    unknown_origins(&mut tx, operator, &service)
        .await?
        .map_or(Ok(()), |e| Err(AppError::Invalid(vec![e])))?;
    let code = service.code.clone();
    services::upsert_in_tx(&mut tx, operator, &[(app.new_uuid().to_string(), service)], app.now()).await?;
    let saved = services::list(&mut tx, operator)
        .await?
        .into_iter()
        .find(|r| r.service.code == code)
        .ok_or(AppError::NotFound("carrier service"))?;
    let event = tradeport_store::events::NewEvent {
        data: serde_json::json!({ "code": code, "active": saved.service.active }).to_string(),
        ..app.event(principal.actor, "carrier_service", &saved.id, "carrier_service_saved")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(saved.into())
}

/// The first origin that is not one of the operator's warehouses, as the field error to show.
pub(super) async fn unknown_origins(
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
    s: &tradeport_domain::shipping::CarrierService,
) -> AppResult<Option<tradeport_domain::kernel::FieldError>> {
    let codes: Vec<String> = tradeport_store::inventory::warehouses::list(conn, operator)
        .await?
        .into_iter()
        .map(|w| w.code)
        .collect();
    Ok(s.origins.iter().enumerate().find(|(_, o)| !codes.contains(o)).map(|(n, o)| {
        tradeport_domain::kernel::FieldError::new(
            format!("origins[{n}]"),
            "unknown_warehouse",
            format!("there is no warehouse {o}; use one of {}", codes.join(", ")),
        )
    }))
}

/// The operator's services by code.
pub async fn list_services(app: &App, principal: &Principal) -> AppResult<Vec<ServiceView>> {
    principal.require(Permission::ViewOrders)?;
    let mut conn = app.db().read().await?;
    let rows = services::list(&mut conn, principal.scope.operator_id).await?;
    Ok(rows.into_iter().map(ServiceView::from).collect())
}
