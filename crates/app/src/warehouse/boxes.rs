//! The box catalogue packing chooses from (WMS-6).

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::FieldErrors;
use tradeport_domain::warehouse::BoxType;
use tradeport_store::warehouse::packages;

use crate::{App, AppError, AppResult};

/// A box as a caller sends it (and as it is listed).
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BoxInput {
    /// Short code printed on the box stock, e.g. `S2`.
    pub code: String,
    #[schema(minimum = 1, maximum = 3000)]
    pub inner_length_mm: i64,
    #[schema(minimum = 1, maximum = 3000)]
    pub inner_width_mm: i64,
    #[schema(minimum = 1, maximum = 3000)]
    pub inner_height_mm: i64,
    /// Most the filled box may weigh.
    pub max_weight_g: i64,
    /// The empty box's weight.
    pub tare_g: i64,
}

impl From<BoxType> for BoxInput {
    fn from(b: BoxType) -> Self {
        let [l, w, h] = b.inner_mm;
        Self {
            code: b.code,
            inner_length_mm: l,
            inner_width_mm: w,
            inner_height_mm: h,
            max_weight_g: b.max_weight_g,
            tare_g: b.tare_g,
        }
    }
}

/// Adds a box to the catalogue or changes the one with that code.
pub async fn save_box(app: &App, principal: &Principal, i: &BoxInput) -> AppResult<BoxInput> {
    principal.require(Permission::OperateWarehouse)?;
    let mut e = FieldErrors::new();
    let code = i.code.trim().to_uppercase();
    if code.is_empty() || code.len() > 20 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        e.add("code", "invalid", "code must be 1 to 20 letters, digits or dashes, e.g. S2");
    }
    for (name, v) in [
        ("inner_length_mm", i.inner_length_mm),
        ("inner_width_mm", i.inner_width_mm),
        ("inner_height_mm", i.inner_height_mm),
    ] {
        if !(1..=3_000).contains(&v) {
            e.add(name, "out_of_range", format!("{name} must be 1 to 3000 mm"));
        }
    }
    if !(1..=100_000).contains(&i.max_weight_g) {
        e.add("max_weight_g", "out_of_range", "max_weight_g must be 1 to 100000 grams");
    }
    if i.tare_g < 0 || i.tare_g >= i.max_weight_g.max(1) {
        e.add("tare_g", "out_of_range", "tare_g must be 0 or more and less than max_weight_g");
    }
    e.into_result().map_err(AppError::Invalid)?;
    let b = BoxType {
        code,
        inner_mm: [i.inner_length_mm, i.inner_width_mm, i.inner_height_mm],
        max_weight_g: i.max_weight_g,
        tare_g: i.tare_g,
    };
    let mut tx = app.begin().await?;
    packages::upsert_box_in_tx(&mut tx, principal.scope.operator_id, &b).await?;
    tx.commit().await?;
    Ok(b.into())
}

/// The catalogue by code.
pub async fn list_boxes(app: &App, principal: &Principal) -> AppResult<Vec<BoxInput>> {
    principal.require(Permission::OperateWarehouse)?;
    let mut conn = app.db().read().await?;
    Ok(packages::boxes(&mut conn, principal.scope.operator_id)
        .await?
        .into_iter()
        .map(BoxInput::from)
        .collect())
}
