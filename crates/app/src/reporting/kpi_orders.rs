//! Drill-down (KPI-3): from a KPI's figure to the orders behind it. The events of the period are
//! read by their ids (UUIDv7, so a time range on the primary key), those whose kind may give the
//! measure are judged by the same `facts_of` the roll-ups use, and their orders listed with the
//! department and person the fact counted for.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kpi::{EventFacts, KPIS, event_prefixes, facts_of};
use tradeport_store::kpi_rollups;

use super::kpis::{Reach, reach};
use crate::audit::id_floor;
use crate::warehouse::invalid;
use crate::{App, AppError, AppResult};

/// Orders listed at most.
const MOST: usize = 500;
/// Events read at most before the list is cut short.
const MOST_READ: usize = 50_000;

/// Which orders.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct KpiOrdersQuery {
    /// First day, `YYYY-MM-DD` in the operator's time zone; left out: the first of this month.
    pub from: Option<String>,
    /// Last day, inclusive; left out: today.
    pub to: Option<String>,
    /// `numerator` (default) or `denominator`.
    pub side: Option<String>,
    /// Staff: one merchant's.
    pub merchant_id: Option<String>,
    /// Only those counted for this department.
    pub department: Option<String>,
    /// Staff: only those counted for this person (`user:<id>`, `api_key:<id>`).
    pub person: Option<String>,
}

/// An order behind a figure.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct KpiOrder {
    pub order_id: String,
    pub order_no: String,
    /// The event that counted.
    pub kind: String,
    /// RFC 3339.
    pub at: String,
    pub amount: i64,
    pub department: String,
    pub person: String,
}

/// The orders behind a figure.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct KpiOrders {
    pub key: String,
    pub side: String,
    pub measure: String,
    pub from: String,
    pub to: String,
    pub items: Vec<KpiOrder>,
    /// More than 500 orders, or the period too long to read whole: narrow it.
    pub truncated: bool,
}

/// The orders behind KPI `key`'s numerator (or denominator) in the period.
pub async fn kpi_orders(
    app: &App,
    principal: &Principal,
    key: &str,
    q: &KpiOrdersQuery,
) -> AppResult<KpiOrders> {
    principal.require(Permission::ViewDashboard)?;
    let kpi = KPIS.iter().find(|k| k.key == key.trim()).ok_or(AppError::NotFound("KPI"))?;
    let side = q.side.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or("numerator");
    let measure = match side {
        "numerator" => kpi.numerator,
        "denominator" => kpi.denominator,
        _ => return Err(invalid("side", "invalid", "side is numerator or denominator")),
    };
    if principal.is_merchant() && q.person.as_deref().is_some_and(|p| !p.trim().is_empty()) {
        return Err(invalid("person", "staff_only", "figures per person are for staff"));
    }
    let operator = principal.scope.operator_id;
    let Reach { from, to, zone, merchant } =
        reach(app, principal, (&q.from, &q.to), q.merchant_id.as_deref()).await?;
    let start_of = |d: jiff::civil::Date| -> AppResult<u64> {
        let z = d.to_zoned(zone.clone()).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(z.timestamp().as_millisecond().max(0) as u64)
    };
    let end = to.tomorrow().map_err(|e| AppError::Internal(e.to_string()))?;
    // An event's id sorts after the floor of its millisecond (its version digit is 7).
    let (mut after, before) = (id_floor(start_of(from)?), id_floor(start_of(end)?));
    let want = |wanted: &Option<String>, got: &str| {
        wanted.as_deref().map(str::trim).is_none_or(|w| w.is_empty() || w == got)
    };
    let mut found: Vec<KpiOrder> = Vec::new();
    let (mut read, mut truncated) = (0_usize, false);
    loop {
        let mut conn = app.db().read().await?;
        let page = kpi_rollups::order_events(
            &mut conn,
            operator,
            merchant,
            (&after, &before),
            event_prefixes(measure),
            1_000,
        )
        .await?;
        drop(conn);
        read += page.len();
        let handed: Vec<String> =
            page.iter().filter(|e| e.kind == "order_hand_over").map(|e| e.subject_id.clone()).collect();
        let mut conn = app.db().read().await?;
        let received: std::collections::BTreeMap<String, i64> =
            kpi_rollups::received_at(&mut conn, operator, &handed).await?.into_iter().collect();
        drop(conn);
        for e in &page {
            let person = e.actor_id.as_ref().map(|id| format!("{}:{id}", e.actor_kind));
            let facts = facts_of(&EventFacts {
                kind: &e.kind,
                person: person.as_deref(),
                data: &e.data,
                at_ms: e.at,
                order_received_ms: received.get(&e.subject_id).copied(),
            });
            for f in facts.into_iter().filter(|f| f.measure == measure) {
                if want(&q.department, f.department) && want(&q.person, &f.person) {
                    found.push(KpiOrder {
                        order_id: e.subject_id.clone(),
                        order_no: String::new(),
                        kind: e.kind.clone(),
                        at: crate::warehouse::rfc3339(tradeport_domain::kernel::Millis(e.at)),
                        amount: f.amount,
                        department: f.department.to_string(),
                        // Which member of staff counted is the operator's business.
                        person: if principal.is_merchant() { String::new() } else { f.person },
                    });
                }
            }
        }
        if found.len() > MOST || (page.len() == 1_000 && read >= MOST_READ) {
            truncated = true;
            break;
        }
        match page.last() {
            Some(last) if page.len() == 1_000 => after = last.id.clone(),
            _ => break,
        }
    }
    found.truncate(MOST);
    let ids: Vec<String> = found.iter().map(|o| o.order_id.clone()).collect();
    let mut conn = app.db().read().await?;
    let numbers = kpi_rollups::order_numbers(&mut conn, operator, &ids).await?;
    for o in &mut found {
        if let Some((_, no)) = numbers.iter().find(|(id, _)| *id == o.order_id) {
            o.order_no = no.clone();
        }
    }
    Ok(KpiOrders {
        key: kpi.key.to_string(),
        side: side.to_string(),
        measure: measure.as_str().to_string(),
        from: from.to_string(),
        to: to.to_string(),
        items: found,
        truncated,
    })
}
