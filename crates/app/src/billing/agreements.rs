//! Merchant agreements: validity dates, the time limits promised and the fee schedule. A newer
//! agreement covering the same days supersedes an older one; none is ever changed.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal, TenantKind};
use tradeport_domain::billing::FeeSchedule;
use tradeport_domain::kernel::{FieldError, TenantId};
use tradeport_domain::sla::StepLimit;
use tradeport_store::billing::{self, AgreementRow};

use crate::words::actor_text;
use crate::{App, AppError, AppResult};

/// A new agreement.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgreement {
    pub merchant_id: String,
    /// `YYYY-MM-DD`, in the operator's time zone.
    #[schema(example = "2026-11-01")]
    pub valid_from: String,
    /// `YYYY-MM-DD`, the last day it covers; open when absent.
    #[serde(default)]
    pub valid_to: Option<String>,
    pub fees: FeeSchedule,
    /// The time limits promised to the merchant, step by step.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub promised_limits: Vec<StepLimit>,
}

/// An agreement as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AgreementView {
    pub id: String,
    pub merchant_id: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub fees: FeeSchedule,
    #[schema(value_type = Vec<Object>)]
    pub promised_limits: Vec<StepLimit>,
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
}

pub(crate) fn view(a: AgreementRow) -> AppResult<AgreementView> {
    let bad = |e: serde_json::Error| AppError::Internal(format!("agreement {}: {e}", a.id));
    Ok(AgreementView {
        fees: serde_json::from_str(&a.fees).map_err(bad)?,
        promised_limits: serde_json::from_str(&a.promised_limits).map_err(bad)?,
        created_at: crate::warehouse::rfc3339(tradeport_domain::kernel::Millis(a.created_at)),
        id: a.id,
        merchant_id: a.merchant_id,
        valid_from: a.valid_from,
        valid_to: a.valid_to,
        created_by: a.created_by,
    })
}

fn date(field: &str, raw: &str) -> Result<jiff::civil::Date, FieldError> {
    raw.trim()
        .parse()
        .map_err(|_| FieldError::new(field, "invalid_date", format!("{field} is a date written YYYY-MM-DD")))
}

/// Records a merchant's agreement. Admins and finance.
pub async fn create_agreement(
    app: &App,
    principal: &Principal,
    a: &NewAgreement,
) -> AppResult<AgreementView> {
    principal.require(Permission::ManageBilling)?;
    let operator = principal.scope.operator_id;
    let mut errors = Vec::new();
    let from = date("valid_from", &a.valid_from).map_err(|e| errors.push(e)).ok();
    let to = a.valid_to.as_deref().and_then(|t| date("valid_to", t).map_err(|e| errors.push(e)).ok());
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.push(FieldError::new("valid_to", "before_start", "valid_to is on or after valid_from"));
    }
    if let Err(e) = a.fees.validate("fees.") {
        errors.extend(e);
    }
    errors.extend(tradeport_domain::sla::validate_limits(&a.promised_limits).into_iter().map(|mut e| {
        e.field = e.field.replacen("sla_limits", "promised_limits", 1);
        e
    }));
    let merchant: TenantId = a.merchant_id.trim().parse().map_err(|_| AppError::NotFound("merchant"))?;
    let mut conn = app.db().read().await?;
    let known = tradeport_store::access::tenants::get(&mut conn, operator, merchant).await?;
    drop(conn);
    if known.is_none_or(|t| t.kind != TenantKind::Merchant) {
        return Err(AppError::NotFound("merchant"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let row = AgreementRow {
        id: app.new_uuid().to_string(),
        tenant_id: operator.to_string(),
        merchant_id: merchant.to_string(),
        valid_from: from.map(|d| d.to_string()).unwrap_or_default(),
        valid_to: to.map(|d| d.to_string()),
        fees: serde_json::to_string(&a.fees).map_err(|e| AppError::Internal(e.to_string()))?,
        promised_limits: serde_json::to_string(&a.promised_limits)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        created_by: actor_text(principal.actor),
        created_at: app.now().0,
    };
    let mut tx = app.begin().await?;
    billing::insert_agreement_in_tx(&mut tx, &row).await?;
    let data =
        serde_json::json!({"agreement_id": row.id, "valid_from": row.valid_from, "valid_to": row.valid_to});
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(merchant),
        data: data.to_string(),
        ..app.event(principal.actor, "tenant", merchant, "agreement_signed")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    view(row)
}

/// The agreements, newest first: staff see every merchant's (or one's), a merchant its own.
pub async fn list_agreements(
    app: &App,
    principal: &Principal,
    merchant: Option<&str>,
) -> AppResult<Vec<AgreementView>> {
    principal.require(Permission::ViewStatements)?;
    let merchant = match (principal.scope.merchant_id, merchant.map(str::trim).filter(|m| !m.is_empty())) {
        (Some(own), _) => Some(own),
        (None, Some(m)) => Some(m.parse().map_err(|_| AppError::NotFound("merchant"))?),
        (None, None) => None,
    };
    let mut conn = app.db().read().await?;
    billing::agreements(&mut conn, principal.scope.operator_id, merchant)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// The agreement in force on `day` among `all` (newest first): the newest that covers it.
pub(crate) fn in_force<'a>(all: &'a [AgreementView], day: &str) -> Option<&'a AgreementView> {
    all.iter().find(|a| a.valid_from.as_str() <= day && a.valid_to.as_deref().is_none_or(|t| day <= t))
}

/// The operator's rules with the time limits the merchant's agreement in force today promises in
/// place of the operator's own (step by step); the operator's as they are when it promises none.
pub(crate) async fn promised_policy<'a>(
    conn: &mut tradeport_store::AnyConnection,
    policy: &'a crate::access::OperatorPolicy,
    merchant: TenantId,
    now: tradeport_domain::kernel::Millis,
) -> AppResult<std::borrow::Cow<'a, crate::access::OperatorPolicy>> {
    let rows = billing::agreements(conn, policy.id, Some(merchant)).await?;
    promised_policy_among(policy, &rows, now)
}

/// [`promised_policy`] with the merchant's agreements (`rows`, newest first) already read.
pub(crate) fn promised_policy_among<'a>(
    policy: &'a crate::access::OperatorPolicy,
    rows: &[billing::AgreementRow],
    now: tradeport_domain::kernel::Millis,
) -> AppResult<std::borrow::Cow<'a, crate::access::OperatorPolicy>> {
    use std::borrow::Cow;
    if rows.is_empty() {
        return Ok(Cow::Borrowed(policy));
    }
    let zone = jiff::tz::TimeZone::get(&policy.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = jiff::Timestamp::from_millisecond(now.0)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .to_zoned(zone)
        .date()
        .to_string();
    let agreements: Vec<AgreementView> = rows.iter().cloned().map(view).collect::<AppResult<_>>()?;
    let Some(a) = in_force(&agreements, &today).filter(|a| !a.promised_limits.is_empty()) else {
        return Ok(Cow::Borrowed(policy));
    };
    let mut promised = policy.clone();
    for limit in &a.promised_limits {
        match promised.settings.sla_limits.iter_mut().find(|l| l.step == limit.step) {
            Some(l) => *l = *limit,
            None => promised.settings.sla_limits.push(*limit),
        }
    }
    Ok(Cow::Owned(promised))
}
