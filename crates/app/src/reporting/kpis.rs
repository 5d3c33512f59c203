//! The KPIs of a period (KPI-2 … KPI-4), read from the daily roll-ups only: each KPI's numerator and
//! denominator summed over the days, its value, target and whether it is met, for the whole reach
//! and per day, merchant, department or person (a group's rate is its share of the reach's when
//! its two measures are not split alike, `Kpi::own_denominator`). A merchant sees its own figures
//! only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kpi::{Direction, KPIS, Kpi, Unit};
use tradeport_store::kpi_rollups::{self, RollupRow};

use crate::warehouse::invalid;
use crate::{App, AppError, AppResult};

/// Which figures.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct KpiQuery {
    /// First day, `YYYY-MM-DD` in the operator's time zone; left out: the first of this month.
    pub from: Option<String>,
    /// Last day, inclusive; left out: today.
    pub to: Option<String>,
    /// Also per `day`, `merchant`, `department` or `person` (staff only).
    pub by: Option<String>,
    /// Staff: one merchant's figures.
    pub merchant_id: Option<String>,
}

/// One KPI's figure.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KpiFigure {
    pub key: String,
    /// `percent` or `hours`.
    pub unit: String,
    /// `None` while its denominator is zero.
    pub value: Option<f64>,
    pub numerator: i64,
    pub denominator: i64,
    pub target: Option<f64>,
    /// `at_least` or `at_most`.
    pub direction: Option<String>,
    pub meets: Option<bool>,
}

/// The figures of one day, merchant, department or person.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KpiGroup {
    pub key: String,
    pub figures: Vec<KpiFigure>,
}

/// The KPIs of a period.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct KpiReport {
    pub from: String,
    pub to: String,
    pub by: Option<String>,
    pub figures: Vec<KpiFigure>,
    pub groups: Vec<KpiGroup>,
}

/// A KPI's figure from a group's sums; `total` the whole reach's, for KPIs whose groups divide by it.
fn figure(kpi: &Kpi, sums: &Sums, total: &Sums) -> KpiFigure {
    let numerator = sums.get(kpi.numerator.as_str()).copied().unwrap_or(0);
    let over = if kpi.own_denominator { sums } else { total };
    let denominator = over.get(kpi.denominator.as_str()).copied().unwrap_or(0);
    let value = kpi.value(numerator, denominator);
    KpiFigure {
        key: kpi.key.into(),
        unit: match kpi.unit {
            Unit::Percent => "percent".into(),
            Unit::Hours => "hours".into(),
        },
        value,
        numerator,
        denominator,
        target: kpi.target.map(|(_, t)| t),
        direction: kpi.target.map(|(d, _)| match d {
            Direction::AtLeast => "at_least".into(),
            Direction::AtMost => "at_most".into(),
        }),
        meets: kpi.meets(value),
    }
}

/// Amounts by measure.
type Sums<'a> = BTreeMap<&'a str, i64>;

fn sums_of<'a>(cells: impl Iterator<Item = &'a RollupRow>) -> Sums<'a> {
    let mut sums = Sums::new();
    for c in cells {
        *sums.entry(c.measure.as_str()).or_default() += c.amount;
    }
    sums
}

fn day(value: &Option<String>, field: &str) -> AppResult<Option<jiff::civil::Date>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse::<jiff::civil::Date>().map(Some).map_err(|_| {
            invalid(field, "invalid_date", format!("{field} is a day, YYYY-MM-DD, e.g. 2026-11-01"))
        }),
    }
}

/// What a KPI query reaches: its days (the operator's time zone) and its merchant.
pub(crate) struct Reach {
    pub from: jiff::civil::Date,
    pub to: jiff::civil::Date,
    pub zone: jiff::tz::TimeZone,
    pub merchant: Option<tradeport_domain::kernel::TenantId>,
}

/// The days `from` to `to` (default: this month so far) and the merchant (a merchant: its own).
pub(crate) async fn reach(
    app: &App,
    principal: &Principal,
    (from, to): (&Option<String>, &Option<String>),
    merchant_id: Option<&str>,
) -> AppResult<Reach> {
    let mut conn = app.db().read().await?;
    let tenant = crate::access::operator_row(&mut conn, principal.scope.operator_id).await?;
    drop(conn);
    let zone = jiff::tz::TimeZone::get(&tenant.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = jiff::Timestamp::from_millisecond(app.now().0)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .to_zoned(zone.clone())
        .date();
    let from = day(from, "from")?.unwrap_or(today.first_of_month());
    let to = day(to, "to")?.unwrap_or(today);
    if to < from {
        return Err(invalid("to", "before_from", "to is the period's last day, on or after from"));
    }
    let merchant = match (principal.scope.merchant_id, merchant_id.filter(|m| !m.trim().is_empty())) {
        (Some(own), _) => Some(own),
        (None, Some(m)) => Some(crate::parse_id(m, "merchant_id")?),
        (None, None) => None,
    };
    Ok(Reach { from, to, zone, merchant })
}

/// The principal's KPIs for the period.
pub async fn kpis(app: &App, principal: &Principal, q: &KpiQuery) -> AppResult<KpiReport> {
    principal.require(Permission::ViewDashboard)?;
    let by = q.by.as_deref().map(str::trim).filter(|b| !b.is_empty());
    match by {
        None | Some("day" | "merchant" | "department") => {}
        Some("person") if !principal.is_merchant() => {}
        Some("person") => return Err(invalid("by", "staff_only", "figures per person are for staff")),
        Some(_) => return Err(invalid("by", "invalid", "by is day, merchant, department or person")),
    }
    let operator = principal.scope.operator_id;
    let Reach { from, to, merchant, .. } =
        reach(app, principal, (&q.from, &q.to), q.merchant_id.as_deref()).await?;
    let mut conn = app.db().read().await?;
    let cells =
        kpi_rollups::cells(&mut conn, operator, merchant, (&from.to_string(), &to.to_string())).await?;
    drop(conn);
    let key_of = |c: &RollupRow| -> String {
        match by {
            Some("day") => c.day.clone(),
            Some("merchant") => c.merchant_id.clone(),
            Some("department") => c.department.clone(),
            _ => c.person.clone(),
        }
    };
    let mut grouped: BTreeMap<String, Vec<&RollupRow>> = BTreeMap::new();
    if by.is_some() {
        for c in &cells {
            grouped.entry(key_of(c)).or_default().push(c);
        }
    }
    let total = sums_of(cells.iter());
    Ok(KpiReport {
        from: from.to_string(),
        to: to.to_string(),
        by: by.map(str::to_string),
        figures: KPIS.iter().map(|k| figure(k, &total, &total)).collect(),
        groups: grouped
            .into_iter()
            .map(|(key, rows)| {
                let sums = sums_of(rows.into_iter());
                KpiGroup { key, figures: KPIS.iter().map(|k| figure(k, &sums, &total)).collect() }
            })
            .collect(),
    })
}
