//! A merchant's monthly statement: the month's facts charged under the agreement in force on each
//! fact's day, filed once the month is over (a second run finds it filed and changes nothing),
//! with corrections as credit lines of their own.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::billing::{
    CarrierCharge, ChargeKind, Counted, Facts, Line, StockDay, charge, money_text, totals,
};
use tradeport_domain::kernel::{Currency, FieldError, Money, TenantId};
use tradeport_store::billing::{self, CreditRow, StatementRow};

use super::agreements::{AgreementView, in_force, list_agreements};
use super::snapshot::{day_of, take_missing};
use crate::words::actor_text;
use crate::{App, AppError, AppResult};

/// A statement as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StatementView {
    pub merchant_id: String,
    pub merchant: String,
    /// `YYYY-MM`.
    pub month: String,
    /// A month not over yet: what it costs so far.
    pub draft: bool,
    /// RFC 3339, once filed (by the nightly job after the month, or by finance); until then the
    /// lines are as the month's facts stand now.
    pub filed_at: Option<String>,
    /// The charges, then the corrections (credits are negative).
    pub lines: Vec<Line>,
    /// Per currency, written out (`GBP 64.93`).
    pub totals: Vec<String>,
    pub totals_minor: BTreeMap<String, i64>,
    /// SKUs in stock in the month that have no dimensions, so their storage is not charged by
    /// volume: enter their length, width and height (`POST /api/v1/skus`). Empty once filed.
    pub unmeasured_skus: Vec<String>,
}

fn invalid(field: &str, code: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, code, message)])
}

/// The merchant a principal may see the statement of.
fn merchant_of(principal: &Principal, asked: &str) -> AppResult<TenantId> {
    match principal.scope.merchant_id {
        Some(own) if asked.trim().is_empty() || asked.trim() == own.to_string() => Ok(own),
        Some(_) => Err(AppError::NotFound("merchant")),
        None => asked.trim().parse().map_err(|_| AppError::NotFound("merchant")),
    }
}

/// The month's facts of the merchant, each with its day.
struct Dated {
    facts: Vec<(String, Facts)>,
    /// SKUs in stock with no dimensions: their storage cannot be charged by volume.
    unmeasured: BTreeSet<String>,
}

impl Dated {
    fn at(&mut self, day: String) -> &mut Facts {
        if let Some(i) = self.facts.iter().position(|(d, _)| *d == day) {
            return &mut self.facts[i].1;
        }
        self.facts.push((day, Facts::default()));
        &mut self.facts.last_mut().expect("just pushed").1
    }
}

async fn gather(
    app: &App,
    operator: TenantId,
    merchant: TenantId,
    tz: &TimeZone,
    (first, last): (Date, Date),
    (from, to): (i64, i64),
) -> AppResult<Dated> {
    let mut dated = Dated { facts: Vec::new(), unmeasured: BTreeSet::new() };
    let mut conn = app.db().read().await?;
    for r in billing::receipts(&mut conn, operator, merchant, from, to).await? {
        let f = dated.at(day_of(r.at, tz));
        f.cartons.push(Counted { reference: r.asn_no.clone(), count: r.cartons });
        f.pallets.push(Counted { reference: r.asn_no, count: r.pallets });
    }
    let labels = billing::labels(&mut conn, operator, merchant, from, to).await?;
    // Each order packed counts its units across all its parcels, wherever they fall.
    let packed: Vec<String> =
        labels.iter().filter(|l| l.first_of_order).map(|l| l.order_id.clone()).collect();
    let units: BTreeMap<String, i64> =
        billing::units_of_orders(&mut conn, operator, &packed).await?.into_iter().collect();
    for l in labels {
        let f = dated.at(day_of(l.at, tz));
        if l.first_of_order {
            let count = units.get(&l.order_id).copied().unwrap_or(l.units).max(1);
            f.orders_packed.push(Counted { reference: l.order_no.clone(), count });
        }
        if let Some(code) = &l.box_code {
            f.boxes.push((l.tracking_no.clone(), code.clone()));
        }
        f.labels.push(l.tracking_no.clone());
        f.carrier.push(CarrierCharge {
            reference: l.tracking_no,
            price_minor: l.price_minor,
            currency: l.currency,
        });
    }
    for (id, kind, data, at) in billing::return_events(&mut conn, operator, merchant, from, to).await? {
        let data: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
        let rma = data["rma_no"].as_str().map_or(id, str::to_string);
        let f = dated.at(day_of(at, tz));
        match kind.as_str() {
            "aftersales_return_received" => f.returns.push(rma),
            _ if data["disposition"] == "destroy" => f.disposals.push(rma),
            _ => {}
        }
    }
    let stock =
        billing::merchant_stock(&mut conn, operator, merchant, &first.to_string(), &last.to_string()).await?;
    drop(conn);
    let mut by_day: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    for s in stock {
        if s.unit_cm3 == 0 && s.units > 0 {
            dated.unmeasured.insert(s.sku.clone());
        }
        let age = match (s.day.parse::<Date>(), s.received_on.parse::<Date>()) {
            (Ok(d), Ok(r)) => (d - r).get_days() as i64,
            _ => 0,
        };
        by_day.entry(s.day).or_default().push((age, s.units * s.unit_cm3));
    }
    for (day, volumes) in by_day {
        dated.at(day.clone()).stock.push(StockDay { day, volumes });
    }
    Ok(dated)
}

/// The month's lines: each day's facts charged under the agreement in force that day, the lines
/// of the same kind, detail, price and currency under one agreement added together.
fn charged(dated: Dated, agreements: &[AgreementView]) -> Vec<Line> {
    let mut per_agreement: BTreeMap<String, (usize, Facts)> = BTreeMap::new();
    for (day, f) in dated.facts {
        let Some(a) = in_force(agreements, &day) else { continue };
        let index = agreements.iter().position(|x| x.id == a.id).unwrap_or(0);
        let entry = per_agreement.entry(a.id.clone()).or_insert_with(|| (index, Facts::default()));
        let into = &mut entry.1;
        into.cartons.extend(f.cartons);
        into.pallets.extend(f.pallets);
        into.stock.extend(f.stock);
        into.orders_packed.extend(f.orders_packed);
        into.boxes.extend(f.boxes);
        into.labels.extend(f.labels);
        into.carrier.extend(f.carrier);
        into.returns.extend(f.returns);
        into.disposals.extend(f.disposals);
    }
    let mut lines = Vec::new();
    for (_, (index, mut facts)) in per_agreement {
        facts.stock.sort_by(|a, b| a.day.cmp(&b.day));
        lines.extend(charge(&agreements[index].fees, &facts));
    }
    lines
}

fn credit_line(c: &CreditRow) -> Line {
    Line {
        kind: ChargeKind::Credit,
        detail: format!("Correction: {}", c.reason),
        quantity: "1".into(),
        unit_price_minor: c.amount_minor,
        amount_minor: c.amount_minor,
        currency: c.currency.clone(),
        sources: vec![format!("credit {} by {}", c.id, c.created_by)],
    }
}

/// The month's statement as reckoned now: (merchant's name, `YYYY-MM`, whether the month is not
/// over, the lines), or the filed one's row.
struct Reckoned {
    name: String,
    merchant: TenantId,
    month: String,
    draft: bool,
    filed: Option<StatementRow>,
    lines: Vec<Line>,
    unmeasured: Vec<String>,
}

async fn reckon(app: &App, operator: TenantId, merchant: TenantId, month: &str) -> AppResult<Reckoned> {
    let mut conn = app.db().read().await?;
    let policy = crate::access::load_operator(&mut conn, operator).await?;
    let tenant = tradeport_store::access::tenants::get(&mut conn, operator, merchant)
        .await?
        .filter(|t| t.kind == tradeport_domain::access::TenantKind::Merchant)
        .ok_or(AppError::NotFound("merchant"))?;
    drop(conn);
    let tz = TimeZone::get(&policy.timezone).unwrap_or(TimeZone::UTC);
    let (month, from, to) = crate::reporting::month_bounds(Some(month), &policy.timezone, app.now())?;
    let draft = app.now().0 < to.0;
    let first: Date =
        format!("{month}-01").parse().map_err(|_| invalid("month", "invalid_month", "month is YYYY-MM"))?;
    let mut conn = app.db().read().await?;
    let filed = billing::statement(&mut conn, operator, merchant, &month).await?;
    drop(conn);
    let mut reckoned = Reckoned {
        name: tenant.name,
        merchant,
        month,
        draft,
        filed,
        lines: Vec::new(),
        unmeasured: Vec::new(),
    };
    if let Some(f) = &reckoned.filed {
        reckoned.lines = serde_json::from_str(&f.lines).map_err(|e| AppError::Internal(e.to_string()))?;
        return Ok(reckoned);
    }
    let today = jiff::Timestamp::from_millisecond(app.now().0)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .to_zoned(tz.clone())
        .date();
    let last = if draft {
        today.yesterday().map_err(|e| AppError::Internal(e.to_string()))?
    } else {
        first.last_of_month()
    };
    if last >= first {
        take_missing(app, operator, &tz, first, last).await?;
    }
    let agreements =
        list_agreements(app, &crate::access::system_principal(operator), Some(&merchant.to_string())).await?;
    let dated = gather(app, operator, merchant, &tz, (first, last.max(first)), (from.0, to.0)).await?;
    reckoned.unmeasured = dated.unmeasured.iter().cloned().collect();
    reckoned.lines = charged(dated, &agreements);
    Ok(reckoned)
}

async fn shown(app: &App, operator: TenantId, r: Reckoned) -> AppResult<StatementView> {
    let credits = match &r.filed {
        Some(_) => {
            let mut conn = app.db().read().await?;
            billing::credits(&mut conn, operator, r.merchant, &r.month).await?
        }
        None => Vec::new(),
    };
    let mut shown =
        view(&r.name, r.merchant, r.month, r.draft, r.filed.map(|f| f.filed_at), r.lines, &credits);
    shown.unmeasured_skus = r.unmeasured;
    Ok(shown)
}

/// The statement of `merchant` for `month` (`YYYY-MM`): as filed, or as it stands until it is (a
/// merchant sees only its own). Reading never files. Staff: admins, finance, supervisors.
pub async fn statement(
    app: &App,
    principal: &Principal,
    merchant: &str,
    month: &str,
) -> AppResult<StatementView> {
    principal.require(Permission::ViewStatements)?;
    let operator = principal.scope.operator_id;
    let merchant = merchant_of(principal, merchant)?;
    shown(app, operator, reckon(app, operator, merchant, month).await?).await
}

/// Files the statement of a month that is over; filed once, a second filing changes nothing.
pub(crate) async fn file(
    app: &App,
    operator: TenantId,
    actor: tradeport_domain::access::Actor,
    merchant: TenantId,
    month: &str,
) -> AppResult<StatementView> {
    let r = reckon(app, operator, merchant, month).await?;
    if r.draft {
        return Err(AppError::Conflict {
            code: "statement.draft",
            message: format!("{} is not over: its statement is filed once it is", r.month),
            fields: Vec::new(),
        });
    }
    if r.filed.is_none() {
        let row = StatementRow {
            tenant_id: operator.to_string(),
            merchant_id: merchant.to_string(),
            month: r.month.clone(),
            lines: serde_json::to_string(&r.lines).map_err(|e| AppError::Internal(e.to_string()))?,
            filed_at: app.now().0,
        };
        let mut tx = app.begin().await?;
        if billing::insert_statement_in_tx(&mut tx, &row).await? {
            let sum: Vec<String> = totals(&r.lines).iter().map(|(c, v)| money_text(*v, c)).collect();
            let data = serde_json::json!({"month": r.month, "lines": r.lines.len(), "totals": sum});
            let event = tradeport_store::events::NewEvent {
                merchant_id: Some(merchant),
                data: data.to_string(),
                ..app.event(actor, "tenant", merchant, "statement_filed")
            };
            tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
        }
        tx.commit().await?;
    }
    shown(app, operator, reckon(app, operator, merchant, month).await?).await
}

/// Files the merchant's statement of a month that is over. Admins and finance.
pub async fn file_statement(
    app: &App,
    principal: &Principal,
    merchant: &str,
    month: &str,
) -> AppResult<StatementView> {
    principal.require(Permission::ManageBilling)?;
    let merchant = merchant_of(principal, merchant)?;
    file(app, principal.scope.operator_id, principal.actor, merchant, month).await
}

/// The nightly run: last month's statement of every merchant with an agreement, once the month
/// is over in the operator's time zone.
pub(crate) async fn file_last_month(app: &App, operator: TenantId) -> AppResult<usize> {
    let mut conn = app.db().read().await?;
    let policy = crate::access::load_operator(&mut conn, operator).await?;
    let merchants: std::collections::BTreeSet<String> =
        billing::agreements(&mut conn, operator, None).await?.into_iter().map(|a| a.merchant_id).collect();
    drop(conn);
    let tz = TimeZone::get(&policy.timezone).unwrap_or(TimeZone::UTC);
    let last_month = jiff::Timestamp::from_millisecond(app.now().0)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .to_zoned(tz)
        .date()
        .first_of_month()
        .checked_sub(jiff::Span::new().months(1))
        .map_err(|e| AppError::Internal(e.to_string()))?
        .strftime("%Y-%m")
        .to_string();
    for m in &merchants {
        file(
            app,
            operator,
            tradeport_domain::access::Actor::System,
            crate::parse_id(m, "merchant")?,
            &last_month,
        )
        .await?;
    }
    Ok(merchants.len())
}

fn view(
    name: &str,
    merchant: TenantId,
    month: String,
    draft: bool,
    filed_at: Option<i64>,
    mut lines: Vec<Line>,
    credits: &[CreditRow],
) -> StatementView {
    lines.extend(credits.iter().map(credit_line));
    let totals_minor: BTreeMap<String, i64> = totals(&lines).into_iter().collect();
    StatementView {
        merchant_id: merchant.to_string(),
        merchant: name.to_string(),
        month,
        draft,
        filed_at: filed_at.map(|at| crate::warehouse::rfc3339(tradeport_domain::kernel::Millis(at))),
        totals: totals_minor.iter().map(|(c, v)| money_text(*v, c)).collect(),
        totals_minor,
        lines,
        unmeasured_skus: Vec::new(),
    }
}

/// A correction of a filed statement.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCredit {
    /// The amount credited, in major units as written (`12.50`), with the currency's decimals.
    #[schema(example = "12.50")]
    pub amount: String,
    pub currency: String,
    pub reason: String,
}

/// Credits `c` on the filed statement of `merchant` for `month`. Admins and finance.
pub async fn add_credit(
    app: &App,
    principal: &Principal,
    merchant: &str,
    month: &str,
    c: &NewCredit,
) -> AppResult<StatementView> {
    principal.require(Permission::ManageBilling)?;
    let operator = principal.scope.operator_id;
    let current = statement(app, principal, merchant, month).await?;
    if current.filed_at.is_none() {
        return Err(AppError::Conflict {
            code: "statement.not_filed",
            message: format!("the statement of {} is not filed yet: file it, then credit it", current.month),
            fields: Vec::new(),
        });
    }
    if !current.totals_minor.contains_key(c.currency.trim()) {
        let on: Vec<&str> = current.totals_minor.keys().map(String::as_str).collect();
        return Err(AppError::Invalid(vec![FieldError::new(
            "currency",
            "not_on_statement",
            format!("currency: the statement is in {}", on.join(", ")),
        )]));
    }
    let mut errors = Vec::new();
    let currency = Currency::parse(c.currency.trim()).filter(|cur| cur.code() == c.currency.trim());
    if currency.is_none() {
        errors.push(FieldError::new(
            "currency",
            "invalid",
            "currency: an ISO 4217 code in capitals, e.g. GBP",
        ));
    }
    let amount = currency.and_then(|cur| match Money::parse_major(c.amount.trim(), cur) {
        Ok(m) if m.minor() > 0 => Some(m.minor()),
        Ok(_) => {
            errors.push(FieldError::new(
                "amount",
                "not_positive",
                "amount: the credit, more than zero (12.50)",
            ));
            None
        }
        Err(e) => {
            errors.push(FieldError::new("amount", e.code(), format!("amount '{}': {e}", c.amount.trim())));
            None
        }
    });
    let reason = c.reason.trim();
    if reason.is_empty() || reason.chars().count() > 300 {
        errors.push(FieldError::new("reason", "required", "reason: why it is credited, 1 to 300 characters"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let merchant_id: TenantId = current.merchant_id.parse().map_err(|_| AppError::NotFound("merchant"))?;
    let row = CreditRow {
        id: app.new_uuid().to_string(),
        tenant_id: operator.to_string(),
        merchant_id: current.merchant_id.clone(),
        month: current.month.clone(),
        amount_minor: -amount.unwrap_or_default(),
        currency: c.currency.trim().to_string(),
        reason: reason.to_string(),
        created_by: actor_text(principal.actor),
        created_at: app.now().0,
    };
    let mut tx = app.begin().await?;
    billing::insert_credit_in_tx(&mut tx, &row).await?;
    let data = serde_json::json!({"month": row.month, "credit_id": row.id, "amount_minor": row.amount_minor, "currency": row.currency});
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(merchant_id),
        reason: Some(reason),
        data: data.to_string(),
        ..app.event(principal.actor, "tenant", merchant_id, "statement_credited")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    statement(app, principal, merchant, month).await
}
