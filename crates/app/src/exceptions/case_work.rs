//! Exception cases worked by people (EXC-1, EXC-7): opened on an order by staff, given a cause from
//! the operator's list, an owner and a department, the actions taken, photos and documents in the
//! blob store, the buyer's feedback; closed only with cause, handling and result. Every step is on
//! the order's timeline.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::exceptions::{CaseStatus, CaseType, close_refusal};
use tradeport_domain::kernel::{FieldError, OrderId};
use tradeport_domain::sla::Department;
use tradeport_store::evidence::{self, EvidenceOf};
use tradeport_store::exceptions::cases::{self, ActionRow, CaseRow, CaseUpdateRow, NewCase};

pub use crate::evidence::EvidenceView;

use super::CaseView;
use crate::warehouse::{invalid, rfc3339};
use crate::words::actor_text;
use crate::{App, AppError, AppResult, parse_id};

/// A case staff open.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OpenCase {
    pub order_id: String,
    /// cancellation, modification, logistics_delay, damaged, lost, wrong_item, missing_item,
    /// customs_problem, delivery_failed, returned_to_sender, service_unavailable.
    #[schema(required = true, value_type = crate::code_lists::CaseTypeCode)]
    pub case_type: String,
    /// What happened, in words.
    pub description: String,
    /// The owning department; by default the type's (e.g. damaged: customer_service).
    pub department: String,
    pub cause_code: Option<String>,
}

/// What a person does on an open case; every field may be left out.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CaseWork {
    /// The cause, a code of the operator's list (`GET /api/v1/case-causes`).
    pub cause_code: Option<String>,
    /// The user who owns the case now.
    pub owner_user_id: Option<String>,
    pub department: Option<String>,
    /// What was done, e.g. "asked the carrier for proof of delivery".
    pub action: Option<String>,
    pub buyer_feedback: Option<String>,
    /// A delay's new estimate of delivery, `YYYY-MM-DD` (logistics_delay, customs_problem and
    /// delivery_failed cases): kept on the case and told to the buyer in their language.
    pub new_estimate: Option<String>,
    /// How it ended; with `close`.
    pub result: Option<String>,
    /// Close the case: refused unless it has a cause, an action and a result.
    pub close: bool,
}

/// An action in a case's record.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CaseActionView {
    pub actor: String,
    pub action: String,
    pub at: String,
}

/// A case with its record.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    pub case: CaseView,
    pub actions: Vec<CaseActionView>,
    pub evidence: Vec<EvidenceView>,
}

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn department_of(raw: &str) -> AppResult<Department> {
    Department::parse(raw.trim()).ok_or_else(|| {
        invalid(
            "department",
            "unknown_department",
            "department must be order_management, warehouse, logistics or customer_service",
        )
    })
}

async fn known_cause(
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
    code: &str,
) -> AppResult<()> {
    let list = cases::causes(conn, operator).await?;
    if list.iter().any(|(c, _)| c == code) {
        return Ok(());
    }
    let codes: Vec<&str> = list.iter().map(|(c, _)| c.as_str()).collect();
    Err(AppError::Invalid(vec![FieldError::new(
        "cause_code",
        "unknown_cause",
        if codes.is_empty() {
            "the operator has no causes yet; an admin adds them at /api/v1/case-causes".to_string()
        } else {
            format!("{code} is not in the operator's list: {}", codes.join(", "))
        },
    )]))
}

/// Opens a case on an order. Staff who handle exceptions.
pub async fn open_case(app: &App, principal: &Principal, input: &OpenCase) -> AppResult<CaseDetail> {
    let case = case_to_open(app, principal, input).await?;
    let mut tx = app.begin().await?;
    // An archived order's file is read-only (DONE-2): a late complaint is a ticket, or a new order.
    crate::archive::refuse_if_archived(&mut tx, principal.scope.operator_id, case.order_id).await?;
    super::open_case_in_tx(
        app,
        &mut tx,
        principal.scope.operator_id,
        &case,
        None,
        principal.actor,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    case_detail(app, principal, &case.id).await
}

/// The case `input` asks for, checked (reads only): for a use case that opens it in its own
/// transaction with `open_case_in_tx`.
pub(crate) async fn case_to_open(app: &App, principal: &Principal, input: &OpenCase) -> AppResult<CaseRow> {
    principal.require(Permission::HandleExceptions)?;
    let case_type = CaseType::parse(&input.case_type).ok_or_else(|| {
        let all: Vec<&str> = CaseType::ALL.iter().map(|t| t.as_str()).collect();
        invalid("case_type", "unknown_type", format!("case_type must be one of {}", all.join(", ")))
    })?;
    let description = input.description.trim();
    if description.is_empty() || description.chars().count() > 2000 {
        return Err(invalid("description", "required", "say what happened (at most 2,000 characters)"));
    }
    let department = if input.department.trim().is_empty() {
        case_type.department()
    } else {
        department_of(&input.department)?
    };
    let order_id: OrderId = parse_id(&input.order_id, "order")?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let order = tradeport_store::orders::get(&mut conn, operator, principal.scope.merchant_id, order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    if let Some(code) = text(&input.cause_code) {
        known_cause(&mut conn, operator, code).await?;
    }
    drop(conn);
    Ok(CaseRow {
        cause_code: text(&input.cause_code).map(str::to_string),
        ..CaseRow::opened(
            NewCase {
                id: app.new_uuid().to_string(),
                merchant_id: order.merchant_id,
                order_id,
                case_type,
                cause: description.to_string(),
                department,
            },
            app.now(),
        )
    })
}

/// A case with its actions and evidence (a merchant: its own orders' cases).
pub async fn case_detail(app: &App, principal: &Principal, id: &str) -> AppResult<CaseDetail> {
    principal.require(Permission::ViewOrders)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let case = cases::get(&mut conn, operator, principal.scope.merchant_id, id.trim())
        .await?
        .ok_or(AppError::NotFound("exception case"))?;
    let actions = cases::actions_of(&mut conn, operator, &case.id).await?;
    let evidence = evidence::list(&mut conn, operator, EvidenceOf::Case(&case.id)).await?;
    Ok(CaseDetail {
        actions: actions
            .into_iter()
            .map(|a| CaseActionView { actor: a.actor, action: a.action, at: rfc3339(a.at) })
            .collect(),
        evidence: evidence
            .into_iter()
            .map(|e| EvidenceView::of(e, &format!("/api/v1/exception-cases/{}", case.id)))
            .collect(),
        case: case.into(),
    })
}

/// Works an open case: cause, owner, department, an action, the buyer's feedback; closes it when
/// asked and it has a cause, an action and a result.
pub async fn work_case(app: &App, principal: &Principal, id: &str, w: &CaseWork) -> AppResult<CaseDetail> {
    principal.require(Permission::HandleExceptions)?;
    let department = text(&w.department).map(department_of).transpose()?;
    let action = text(&w.action);
    if action.is_some_and(|a| a.chars().count() > 2000) {
        return Err(invalid("action", "too_long", "an action is at most 2,000 characters"));
    }
    let operator = principal.scope.operator_id;
    let now = app.now();
    let estimate = text(&w.new_estimate).map(|e| checked_estimate(e, now)).transpose()?;
    let mut conn = app.db().read().await?;
    if let Some(code) = text(&w.cause_code) {
        known_cause(&mut conn, operator, code).await?;
    }
    drop(conn);
    let mut tx = app.begin().await?;
    let case = cases::get(&mut tx, operator, principal.scope.merchant_id, id.trim())
        .await?
        .ok_or(AppError::NotFound("exception case"))?;
    if estimate.is_some() && !is_delay(case.case_type) {
        return Err(invalid(
            "new_estimate",
            "not_a_delay",
            format!(
                "a {} case has no delivery estimate; only delays, customs problems and failed deliveries do",
                case.case_type.as_str()
            ),
        ));
    }
    if case.status == CaseStatus::Closed {
        return Err(AppError::Conflict {
            code: "case.closed",
            message: format!("the case was closed: {}", case.result.unwrap_or_default()),
            fields: Vec::new(),
        });
    }
    let update = CaseUpdateRow {
        cause_code: text(&w.cause_code),
        owner_user_id: text(&w.owner_user_id),
        department,
        buyer_feedback: text(&w.buyer_feedback),
    };
    cases::update_in_tx(&mut tx, operator, &case.id, &update, now).await?;
    if let Some(a) = action {
        let row = ActionRow {
            id: app.new_uuid().to_string(),
            actor: actor_text(principal.actor),
            action: a.to_string(),
            at: now,
        };
        cases::add_action_in_tx(&mut tx, operator, &case.id, &row).await?;
    }
    if let Some(day) = estimate.as_deref().filter(|d| case.follow_up.new_estimate.as_deref() != Some(*d)) {
        tell_new_estimate_in_tx(app, &mut tx, principal, &case, day).await?;
    }
    let mut kind = "order_exception_worked";
    if w.close {
        let actions = cases::actions_of(&mut tx, operator, &case.id).await?.len();
        let cause = update.cause_code.or(case.cause_code.as_deref());
        let result = text(&w.result).unwrap_or_default();
        let missing = close_refusal(cause, actions, result);
        if !missing.is_empty() {
            return Err(AppError::Invalid(missing));
        }
        cases::close_in_tx(&mut tx, operator, &case.id, result, now).await?;
        kind = "order_exception_closed";
    }
    let data = serde_json::json!({ "case_id": case.id, "cause_code": update.cause_code, "action": action, "new_estimate": estimate,
                                   "owner_user_id": update.owner_user_id, "result": text(&w.result), "closed": w.close });
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(case.merchant_id),
        data: data.to_string(),
        ..app.event(principal.actor, "order", case.order_id, kind)
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    case_detail(app, principal, &case.id).await
}

/// Whether a case of this type waits for a late parcel, so has a delivery estimate.
fn is_delay(t: CaseType) -> bool {
    matches!(t, CaseType::LogisticsDelay | CaseType::CustomsProblem | CaseType::DeliveryFailed)
}

/// A new estimate as a day, `YYYY-MM-DD`, not before today (UTC) and within a year.
fn checked_estimate(raw: &str, now: tradeport_domain::kernel::Millis) -> AppResult<String> {
    let refuse = |why: &str| invalid("new_estimate", "invalid_date", why.to_string());
    let day: jiff::civil::Date =
        raw.parse().map_err(|_| refuse("write the new estimate as a date, e.g. 2026-12-03"))?;
    let today = jiff::Timestamp::from_millisecond(now.0)
        .map_err(|_| refuse("now is out of range"))?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let days = today.until(day).map_err(|_| refuse("out of range"))?.get_days();
    if !(0..=366).contains(&days) {
        return Err(refuse("the new estimate is a day from today to a year ahead"));
    }
    Ok(day.to_string())
}

/// Keeps a delay's new estimate, records it as an action, and tells the buyer (EXC-5).
async fn tell_new_estimate_in_tx(
    app: &App,
    tx: &mut crate::UnitOfWork,
    principal: &Principal,
    case: &tradeport_store::exceptions::cases::CaseRow,
    day: &str,
) -> AppResult<()> {
    let operator = principal.scope.operator_id;
    let now = app.now();
    let parcels = tradeport_store::shipping::shipments::find(
        tx,
        operator,
        None,
        tradeport_store::shipping::shipments::ShipmentsOf::Order(case.order_id),
    )
    .await?;
    if parcels.is_empty() {
        return Err(invalid(
            "new_estimate",
            "no_parcel",
            "the order has no parcel on its way yet: there is no delivery to estimate",
        ));
    }
    cases::set_estimate_in_tx(tx, operator, &case.id, day, now).await?;
    let row = ActionRow {
        id: app.new_uuid().to_string(),
        actor: actor_text(principal.actor),
        action: format!("new estimate of delivery: {day}; the buyer is told"),
        at: now,
    };
    cases::add_action_in_tx(tx, operator, &case.id, &row).await?;
    let order = tradeport_store::orders::get(tx, operator, None, case.order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let mut message = crate::orders::buyer_message(
        app,
        &order,
        tradeport_domain::notifications::BuyerMessage::Delayed,
        order.order_no.as_deref(),
        now,
    );
    let mut payload: serde_json::Value =
        serde_json::from_str(&message.payload).map_err(|e| AppError::Internal(e.to_string()))?;
    payload["new_estimate"] = serde_json::Value::from(day);
    message.payload = payload.to_string();
    tradeport_store::outbox::enqueue_in_tx(tx, operator, &message).await?;
    Ok(())
}

/// Keeps a photo or document with a case (checked by its bytes first, as receiving's evidence).
pub async fn add_case_evidence(
    app: &App,
    principal: &Principal,
    id: &str,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<CaseDetail> {
    principal.require(Permission::HandleExceptions)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let case = cases::get(&mut conn, operator, principal.scope.merchant_id, id.trim())
        .await?
        .ok_or(AppError::NotFound("exception case"))?;
    drop(conn);
    let row = crate::evidence::keep(app, file_name, bytes).await?;
    let mut tx = app.begin().await?;
    evidence::add_in_tx(&mut tx, operator, EvidenceOf::Case(&case.id), &row).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(case.merchant_id),
        data: serde_json::json!({ "case_id": case.id, "file_name": row.file_name, "bytes": row.size_bytes })
            .to_string(),
        ..app.event(principal.actor, "order", case.order_id, "order_exception_evidence")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    case_detail(app, principal, &case.id).await
}

/// A case's photo or document: its media type and bytes.
pub async fn case_evidence(
    app: &App,
    principal: &Principal,
    id: &str,
    evidence_id: &str,
) -> AppResult<(String, Vec<u8>)> {
    principal.require(Permission::ViewOrders)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let case = cases::get(&mut conn, operator, principal.scope.merchant_id, id.trim())
        .await?
        .ok_or(AppError::NotFound("exception case"))?;
    let rows = evidence::list(&mut conn, operator, EvidenceOf::Case(&case.id)).await?;
    drop(conn);
    crate::evidence::read(app, rows, evidence_id).await
}

/// A cause in the operator's list.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CaseCause {
    /// Lower-case letters, digits and `_`, e.g. `carrier_lost`.
    pub code: String,
    pub label: String,
}

/// The operator's causes.
pub async fn list_causes(app: &App, principal: &Principal) -> AppResult<Vec<CaseCause>> {
    principal.require(Permission::ViewOrders)?;
    let mut conn = app.db().read().await?;
    let list = cases::causes(&mut conn, principal.scope.operator_id).await?;
    Ok(list.into_iter().map(|(code, label)| CaseCause { code, label }).collect())
}

/// Adds or renames a cause. Admins.
pub async fn save_cause(app: &App, principal: &Principal, c: &CaseCause) -> AppResult<CaseCause> {
    principal.require(Permission::ManageSettings)?;
    let code = c.code.trim();
    if code.is_empty()
        || code.len() > 40
        || !code.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
    {
        return Err(invalid(
            "code",
            "invalid_code",
            "code is up to 40 lower-case letters, digits and _, e.g. carrier_lost",
        ));
    }
    let label = c.label.trim();
    if label.is_empty() || label.chars().count() > 200 {
        return Err(invalid("label", "required", "label says the cause in words (at most 200 characters)"));
    }
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    cases::save_cause_in_tx(&mut tx, operator, code, label, app.now()).await?;
    tx.commit().await?;
    Ok(CaseCause { code: code.into(), label: label.into() })
}
