//! Exception cases as staff and merchants see them: newest first, by status, department and
//! order, a merchant's own only.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::exceptions::CaseStatus;
use tradeport_domain::sla::Department;
use tradeport_store::exceptions::cases::{self, CaseFilter, CaseRow};

use crate::warehouse::{invalid, rfc3339};
use crate::{App, AppError, AppResult, parse_id};

/// A case.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub id: String,
    pub order_id: String,
    pub shipment_id: Option<String>,
    /// logistics_delay, customs_problem, delivery_failed, returned_to_sender, service_unavailable,
    /// cancellation, modification, damaged, lost, wrong_item, missing_item.
    pub case_type: String,
    pub cause: String,
    pub department: String,
    /// open or closed.
    pub status: String,
    /// The lane rule kind that opened it.
    pub rule_kind: Option<String>,
    pub result: Option<String>,
    /// The cause from the operator's list, once set.
    pub cause_code: Option<String>,
    pub owner_user_id: Option<String>,
    pub buyer_feedback: Option<String>,
    /// A delay's new estimate of delivery, `YYYY-MM-DD`.
    pub new_estimate: Option<String>,
    /// A lost parcel's claim on the carrier (minor units of the order's currency).
    pub claim_minor: Option<i64>,
    /// What the claim is worth by: `insured_amount` or `order_value`.
    pub claim_basis: Option<String>,
    /// The alternatives offered the buyer when the order cannot be fulfilled.
    pub alternatives: Vec<String>,
    pub opened_at: String,
    pub closed_at: Option<String>,
}

impl From<CaseRow> for CaseView {
    fn from(c: CaseRow) -> Self {
        Self {
            id: c.id,
            order_id: c.order_id.to_string(),
            shipment_id: c.shipment_id,
            case_type: c.case_type.as_str().into(),
            cause: c.cause,
            department: c.department.as_str().into(),
            status: c.status.as_str().into(),
            rule_kind: c.rule_kind.map(|k| k.as_str().into()),
            result: c.result,
            cause_code: c.cause_code,
            owner_user_id: c.owner_user_id,
            buyer_feedback: c.buyer_feedback,
            new_estimate: c.follow_up.new_estimate,
            claim_minor: c.follow_up.claim_minor,
            claim_basis: c.follow_up.claim_basis,
            alternatives: c
                .follow_up
                .offer
                .as_deref()
                .and_then(|o| serde_json::from_str::<serde_json::Value>(o).ok())
                .and_then(|o| serde_json::from_value(o["alternatives"].clone()).ok())
                .unwrap_or_default(),
            opened_at: rfc3339(c.opened_at),
            closed_at: c.closed_at.map(rfc3339),
        }
    }
}

/// What a case list asks for.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// open or closed.
    pub status: Option<String>,
    /// logistics, customer_service, warehouse, order_management.
    pub department: Option<String>,
    pub order_id: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Cases newest first.
pub async fn list_cases(app: &App, principal: &Principal, q: &CaseQuery) -> AppResult<crate::Page<CaseView>> {
    principal.require(Permission::ViewOrders)?;
    let page = crate::PageRequest { limit: q.limit, cursor: q.cursor.clone() };
    let limit = page.limit().map_err(|e| AppError::Invalid(vec![e]))?;
    let before: Option<String> = page.id_cursor().map_err(|e| AppError::Invalid(vec![e]))?;
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let status = match text(&q.status) {
        None => None,
        Some(s) => Some(
            CaseStatus::parse(&s)
                .ok_or_else(|| invalid("status", "unknown_status", "status must be open or closed"))?,
        ),
    };
    let department = match text(&q.department) {
        None => None,
        Some(d) => Some(Department::parse(&d).ok_or_else(|| {
            invalid(
                "department",
                "unknown_department",
                "department must be logistics, customer_service, warehouse or order_management",
            )
        })?),
    };
    let order_id = match text(&q.order_id) {
        None => None,
        Some(o) => Some(parse_id(&o, "order")?),
    };
    let filter = CaseFilter { merchant_id: principal.scope.merchant_id, order_id, status, department };
    let mut conn = app.db().read().await?;
    let rows =
        cases::list(&mut conn, principal.scope.operator_id, &filter, before.as_deref(), limit + 1).await?;
    let views: Vec<CaseView> = rows.into_iter().map(CaseView::from).collect();
    Ok(crate::Page::from_rows(views, limit, |v| v.id.clone()))
}
