//! Exception cases: one open case per shipment and rule kind; closed cases keep their result.

use sqlx::{AnyConnection, Row};
use tradeport_domain::exceptions::{CaseStatus, CaseType, RuleKind};
use tradeport_domain::kernel::{Millis, OrderId, TenantId};
use tradeport_domain::sla::Department;

use crate::sql::Sql;
use crate::values::id_at;
use crate::{StoreError, StoreResult};

/// A case as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRow {
    pub id: String,
    pub merchant_id: TenantId,
    pub order_id: OrderId,
    pub shipment_id: Option<String>,
    pub case_type: CaseType,
    pub cause: String,
    pub department: Department,
    pub status: CaseStatus,
    pub rule_kind: Option<RuleKind>,
    pub result: Option<String>,
    /// The cause from the operator's list, once someone set it.
    pub cause_code: Option<String>,
    pub owner_user_id: Option<String>,
    pub buyer_feedback: Option<String>,
    pub opened_at: Millis,
    pub updated_at: Millis,
    pub closed_at: Option<Millis>,
    pub follow_up: CaseFollowUp,
}

/// What a new case is about: its id, merchant, order, type, cause and owning department.
pub struct NewCase {
    pub id: String,
    pub merchant_id: TenantId,
    pub order_id: OrderId,
    pub case_type: CaseType,
    pub cause: String,
    pub department: Department,
}

impl CaseRow {
    /// A case opened at `now`, with nothing worked on it yet.
    pub fn opened(c: NewCase, now: Millis) -> Self {
        Self {
            id: c.id,
            merchant_id: c.merchant_id,
            order_id: c.order_id,
            shipment_id: None,
            case_type: c.case_type,
            cause: c.cause,
            department: c.department,
            status: CaseStatus::Open,
            rule_kind: None,
            result: None,
            cause_code: None,
            owner_user_id: None,
            buyer_feedback: None,
            opened_at: now,
            updated_at: now,
            closed_at: None,
            follow_up: CaseFollowUp::default(),
        }
    }
}

/// What a delay or a loss adds to a case (migration 0032).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFollowUp {
    /// A delay's new estimate of delivery, `YYYY-MM-DD`.
    pub new_estimate: Option<String>,
    /// A lost parcel's claim on the carrier, in the order's currency.
    pub claim_minor: Option<i64>,
    /// `insured_amount` or `order_value`.
    pub claim_basis: Option<String>,
    /// What the buyer is offered when the order cannot be fulfilled: JSON
    /// `{"reason", "alternatives"}`.
    pub offer: Option<String>,
}

const COLUMNS: &str = "id, merchant_id, order_id, shipment_id, case_type, cause, department, status, rule_kind, result, \
     opened_at, updated_at, closed_at, cause_code, owner_user_id, buyer_feedback, new_estimate, claim_minor, claim_basis, offer";

fn case_row(r: &sqlx::any::AnyRow) -> StoreResult<CaseRow> {
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("exception case {what} {v}"));
    let (case_type, department, status): (String, String, String) =
        (r.try_get(4)?, r.try_get(6)?, r.try_get(7)?);
    let rule_kind: Option<String> = r.try_get(8)?;
    Ok(CaseRow {
        id: r.try_get(0)?,
        merchant_id: id_at(r, 1, "merchant")?,
        order_id: id_at(r, 2, "order")?,
        shipment_id: r.try_get(3)?,
        case_type: CaseType::parse(&case_type).ok_or_else(|| corrupt("type", &case_type))?,
        cause: r.try_get(5)?,
        department: Department::parse(&department).ok_or_else(|| corrupt("department", &department))?,
        status: CaseStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        rule_kind: match rule_kind {
            Some(k) => Some(RuleKind::parse(&k).ok_or_else(|| corrupt("rule kind", &k))?),
            None => None,
        },
        result: r.try_get(9)?,
        opened_at: Millis(r.try_get(10)?),
        updated_at: Millis(r.try_get(11)?),
        closed_at: r.try_get::<Option<i64>, _>(12)?.map(Millis),
        cause_code: r.try_get(13)?,
        owner_user_id: r.try_get(14)?,
        buyer_feedback: r.try_get(15)?,
        follow_up: CaseFollowUp {
            new_estimate: r.try_get(16)?,
            claim_minor: r.try_get(17)?,
            claim_basis: r.try_get(18)?,
            offer: r.try_get(19)?,
        },
    })
}

/// Opens a case unless one with the same `open_key` is open (a shipment and rule kind, a package
/// and its chosen service; a case staff open has none); true when opened.
pub async fn open_once_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    c: &CaseRow,
    open_key: Option<&str>,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO exception_cases (id, tenant_id, merchant_id, order_id, shipment_id, case_type, cause, department, \
         status, rule_kind, open_key, opened_at, updated_at, cause_code, owner_user_id, offer) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $11, $11, $12, $13, $14) \
         ON CONFLICT (tenant_id, open_key) DO NOTHING",
    )
    .bind(&c.id)
    .bind(tenant_id.to_string())
    .bind(c.merchant_id.to_string())
    .bind(c.order_id.to_string())
    .bind(c.shipment_id.as_deref())
    .bind(c.case_type.as_str())
    .bind(&c.cause)
    .bind(c.department.as_str())
    .bind(c.rule_kind.map(RuleKind::as_str))
    .bind(open_key)
    .bind(c.opened_at.0)
    .bind(c.cause_code.as_deref())
    .bind(c.owner_user_id.as_deref())
    .bind(c.follow_up.offer.as_deref())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Closes the case open under `open_key` with its result; its id when there was one.
pub async fn close_by_key_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    open_key: &str,
    result: &str,
    now: Millis,
) -> StoreResult<Option<String>> {
    let id: Option<String> =
        sqlx::query_scalar("SELECT id FROM exception_cases WHERE tenant_id = $1 AND open_key = $2")
            .bind(tenant_id.to_string())
            .bind(open_key)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(id) = id else { return Ok(None) };
    Ok(close_in_tx(conn, tenant_id, &id, result, now).await?.then_some(id))
}

/// One case (a merchant's own when `merchant_id`).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    id: &str,
) -> StoreResult<Option<CaseRow>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM exception_cases WHERE tenant_id = "));
    sql.bind(tenant_id.to_string()).push(" AND id = ").bind(id.to_string());
    if let Some(m) = merchant_id {
        sql.push(" AND merchant_id = ").bind(m.to_string());
    }
    sql.query().fetch_optional(conn).await?.as_ref().map(case_row).transpose()
}

/// Sets what people decided of an open case: its cause, owner, department and the buyer's feedback
/// (each left as it is when `None`).
pub async fn update_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    u: &CaseUpdateRow<'_>,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE exception_cases SET cause_code = COALESCE($1, cause_code), owner_user_id = COALESCE($2, owner_user_id), \
         department = COALESCE($3, department), buyer_feedback = COALESCE($4, buyer_feedback), updated_at = $5 \
         WHERE tenant_id = $6 AND id = $7",
    )
    .bind(u.cause_code)
    .bind(u.owner_user_id)
    .bind(u.department.map(Department::as_str))
    .bind(u.buyer_feedback)
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// What an update sets.
#[derive(Clone, Debug, Default)]
pub struct CaseUpdateRow<'a> {
    pub cause_code: Option<&'a str>,
    pub owner_user_id: Option<&'a str>,
    pub department: Option<Department>,
    pub buyer_feedback: Option<&'a str>,
}

/// An action taken on a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionRow {
    pub id: String,
    pub actor: String,
    pub action: String,
    pub at: Millis,
}

pub async fn add_action_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    case_id: &str,
    a: &ActionRow,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO case_actions (id, tenant_id, case_id, actor, action, at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&a.id)
        .bind(tenant_id.to_string())
        .bind(case_id)
        .bind(&a.actor)
        .bind(&a.action)
        .bind(a.at.0)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn actions_of(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    case_id: &str,
) -> StoreResult<Vec<ActionRow>> {
    let rows = sqlx::query(
        "SELECT id, actor, action, at FROM case_actions WHERE tenant_id = $1 AND case_id = $2 ORDER BY at, id",
    )
    .bind(tenant_id.to_string())
    .bind(case_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ActionRow {
                id: r.try_get(0)?,
                actor: r.try_get(1)?,
                action: r.try_get(2)?,
                at: Millis(r.try_get(3)?),
            })
        })
        .collect()
}

/// The operator's list of causes: (code, label).
pub async fn causes(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT code, label FROM case_causes WHERE tenant_id = $1 ORDER BY code")
        .bind(tenant_id.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// Adds a cause to the list, or renames it.
pub async fn save_cause_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    code: &str,
    label: &str,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO case_causes (tenant_id, code, label, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id, code) DO UPDATE SET label = excluded.label",
    )
    .bind(tenant_id.to_string())
    .bind(code)
    .bind(label)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Closes an open case with its result; true when it was open.
pub async fn close_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    result: &str,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE exception_cases SET status = 'closed', open_key = NULL, result = $1, closed_at = $2, updated_at = $2 \
         WHERE tenant_id = $3 AND id = $4 AND status = 'open'",
    )
    .bind(result)
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The cases open on a shipment.
pub async fn open_of_shipment(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    shipment_id: &str,
) -> StoreResult<Vec<CaseRow>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM exception_cases WHERE tenant_id = "));
    sql.bind(tenant_id.to_string()).push(" AND shipment_id = ").bind(shipment_id.to_string());
    sql.push(" AND status = 'open' ORDER BY id");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(case_row).collect()
}

/// Which cases a list shows.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    pub merchant_id: Option<TenantId>,
    pub order_id: Option<OrderId>,
    pub status: Option<CaseStatus>,
    pub department: Option<Department>,
}

/// Cases newest first, a page at a time (`before` the last id of the previous page).
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    f: &CaseFilter,
    before: Option<&str>,
    limit: u32,
) -> StoreResult<Vec<CaseRow>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM exception_cases WHERE tenant_id = "));
    sql.bind(tenant_id.to_string());
    if let Some(m) = f.merchant_id {
        sql.push(" AND merchant_id = ").bind(m.to_string());
    }
    if let Some(o) = f.order_id {
        sql.push(" AND order_id = ").bind(o.to_string());
    }
    if let Some(s) = f.status {
        sql.push(" AND status = ").bind(s.as_str().to_string());
    }
    if let Some(d) = f.department {
        sql.push(" AND department = ").bind(d.as_str().to_string());
    }
    if let Some(b) = before {
        sql.push(" AND id < ").bind(b.to_string());
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind(i64::from(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(case_row).collect()
}

/// Sets a delay's new estimate.
pub async fn set_estimate_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    estimate: &str,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE exception_cases SET new_estimate = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4",
    )
    .bind(estimate)
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a lost parcel's claim, once (`false` when the case has one already).
pub async fn set_claim_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    (amount, basis): (i64, &str),
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE exception_cases SET claim_minor = $1, claim_basis = $2, updated_at = $3 \
         WHERE tenant_id = $4 AND id = $5 AND claim_minor IS NULL",
    )
    .bind(amount)
    .bind(basis)
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps what the buyer is offered.
pub async fn set_offer_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    offer: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE exception_cases SET offer = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(offer)
        .bind(tenant_id.to_string())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether the order has an open case of `case_type` (a payment dispute stops its hand-over).
pub async fn has_open_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
    case_type: CaseType,
) -> StoreResult<bool> {
    let open: Option<String> = sqlx::query_scalar(
        "SELECT id FROM exception_cases WHERE tenant_id = $1 AND order_id = $2 AND case_type = $3 AND status = 'open' LIMIT 1",
    )
    .bind(tenant_id.to_string())
    .bind(order_id.to_string())
    .bind(case_type.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(open.is_some())
}
