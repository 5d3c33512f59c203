//! Reading and changing the operator's settings.

use tradeport_domain::access::{Permission, Principal, TenantSettings};
use tradeport_domain::kernel::FieldError;
use tradeport_store::access::tenants;
use tradeport_store::events::{self, NewEvent};

use super::sign_in::load_settings;
use crate::{App, AppError, AppResult};

/// The settings of the principal's operator. Staff only.
pub async fn get_settings(app: &App, principal: &Principal) -> AppResult<TenantSettings> {
    principal.require(Permission::ViewSettings)?;
    let mut conn = app.db().read().await?;
    load_settings(&mut conn, principal.scope.operator_id).await
}

/// Changes the settings named in `patch` (a JSON object of setting → value; the others keep
/// their values) after checking every field. Admins only.
pub async fn update_settings(
    app: &App,
    principal: &Principal,
    patch: serde_json::Value,
) -> AppResult<TenantSettings> {
    principal.require(Permission::ManageSettings)?;
    let serde_json::Value::Object(patch) = patch else {
        return Err(AppError::Invalid(vec![FieldError::new(
            "body",
            "not_an_object",
            "send a JSON object of setting names and values",
        )]));
    };
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let before = load_settings(&mut tx, operator).await?;
    let mut merged = serde_json::to_value(&before).map_err(|e| AppError::Internal(e.to_string()))?;
    if let serde_json::Value::Object(m) = &mut merged {
        m.extend(patch);
    }
    let new: TenantSettings = serde_path_to_error::deserialize(merged).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // An unknown setting is named by serde's message; a bad value by its path.
        let field = match message.strip_prefix("unknown field `") {
            Some(rest) => rest.split('`').next().unwrap_or("body").to_string(),
            None if path != "." => path,
            None => "body".to_string(),
        };
        AppError::Invalid(vec![FieldError::new(&field, "invalid_setting", format!("{field}: {message}"))])
    })?;
    new.validate().map_err(AppError::Invalid)?;
    let json = serde_json::to_string(&new).map_err(|e| AppError::Internal(e.to_string()))?;
    tenants::update_settings_in_tx(&mut tx, operator, &json).await?;
    let data = serde_json::json!({ "before": before, "after": new }).to_string();
    let event = NewEvent { data, ..app.event(principal.actor, "tenant", operator, "settings_changed") };
    events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(new)
}
