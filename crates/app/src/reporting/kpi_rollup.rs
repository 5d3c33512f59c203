//! Keeping the KPI roll-ups (KPI-2 … KPI-4): the facts of each sealed event (`domain::kpi`) added
//! to its day (in the operator's time zone), merchant, department and person, in the audit chain's
//! order from the last link rolled up, a page per transaction that also moves the cursor (so each
//! event counts once, and two workers at once add nothing twice). A rebuild recomputes every cell
//! from the events up to the same link and compares, or replaces.

use std::collections::BTreeMap;

use tradeport_domain::audit::proves;
use tradeport_domain::kernel::TenantId;
use tradeport_domain::kpi::{EventFacts, facts_of};
use tradeport_store::AnyConnection;
use tradeport_store::audit_chain::{self, LinkRow};
use tradeport_store::kpi_rollups::{self, RollupRow};

use crate::{App, AppError, AppResult};

/// Links read per page.
const PAGE: i64 = 2_000;

/// Cells by (day, merchant, department, person, measure).
type Cells = BTreeMap<(String, String, String, String, String), i64>;

async fn zone_of(conn: &mut AnyConnection, operator: TenantId) -> AppResult<jiff::tz::TimeZone> {
    let tenant = tradeport_store::access::tenants::get(conn, operator, operator)
        .await?
        .ok_or(AppError::NotFound("tenant"))?;
    Ok(jiff::tz::TimeZone::get(&tenant.timezone).unwrap_or(jiff::tz::TimeZone::UTC))
}

/// Adds the facts of `links` to `cells`.
async fn add_facts(
    conn: &mut AnyConnection,
    operator: TenantId,
    zone: &jiff::tz::TimeZone,
    links: &[LinkRow],
    cells: &mut Cells,
) -> AppResult<()> {
    let handed: Vec<String> = links
        .iter()
        .filter_map(|l| l.event.as_ref())
        .filter(|e| e.kind == "order_hand_over" && e.subject_type == "order")
        .map(|e| e.subject_id.clone())
        .collect();
    let received: BTreeMap<String, i64> =
        kpi_rollups::received_at(conn, operator, &handed).await?.into_iter().collect();
    // An event that no longer matches its link (changed in the database) is not counted:
    // `audit verify` names it.
    let sound = links.iter().filter_map(|l| {
        let e = l.event.as_ref()?;
        let holds = proves(&l.prev_hash, &e.fields(), &l.hash);
        if !holds {
            tracing::warn!(event = %e.id, "an event does not match its audit link; left out of the KPIs");
        }
        holds.then_some(e)
    });
    for e in sound {
        let person = e.actor_id.as_ref().map(|id| format!("{}:{id}", e.actor_kind));
        let facts = facts_of(&EventFacts {
            kind: &e.kind,
            person: person.as_deref(),
            data: &e.data,
            at_ms: e.at,
            order_received_ms: received.get(&e.subject_id).copied(),
        });
        if facts.is_empty() {
            continue;
        }
        let day = jiff::Timestamp::from_millisecond(e.at)
            .map_err(|err| AppError::Internal(format!("event {}: {err}", e.id)))?
            .to_zoned(zone.clone())
            .date()
            .to_string();
        for f in facts {
            let key = (
                day.clone(),
                e.merchant_id.clone().unwrap_or_default(),
                f.department.to_string(),
                f.person,
                f.measure.as_str().to_string(),
            );
            *cells.entry(key).or_default() += f.amount;
        }
    }
    Ok(())
}

fn rows_of(cells: Cells) -> Vec<RollupRow> {
    cells
        .into_iter()
        .map(|((day, merchant_id, department, person, measure), amount)| RollupRow {
            day,
            merchant_id,
            department,
            person,
            measure,
            amount,
        })
        .collect()
}

/// Rolls up the operator's sealed events not rolled up yet; how many links were read.
pub async fn roll_up(app: &App, operator: TenantId) -> AppResult<u64> {
    let mut read = 0;
    loop {
        let mut conn = app.db().read().await?;
        let from = kpi_rollups::cursor(&mut conn, operator).await?;
        let links = audit_chain::links_after(&mut conn, operator, from, PAGE).await?;
        let Some(last) = links.last().map(|l| l.seq) else { return Ok(read) };
        let zone = zone_of(&mut conn, operator).await?;
        let mut cells = Cells::new();
        add_facts(&mut conn, operator, &zone, &links, &mut cells).await?;
        drop(conn);
        let mut tx = app.db().begin().await?;
        if !kpi_rollups::move_cursor_in_tx(&mut tx, operator, from, last).await? {
            // Another worker rolled these up.
            return Ok(read);
        }
        kpi_rollups::add_in_tx(&mut tx, operator, &rows_of(cells)).await?;
        tradeport_store::commit(tx).await?;
        read += links.len() as u64;
        if (links.len() as i64) < PAGE {
            return Ok(read);
        }
    }
}

/// Rolls up every operator (the worker's round, after sealing).
pub async fn roll_up_all(app: &App) -> AppResult<u64> {
    let mut conn = app.db().read().await?;
    let operators = tradeport_store::access::tenants::operator_ids(&mut conn).await?;
    drop(conn);
    let mut read = 0;
    for id in operators {
        // One operator's failure does not hold up the others'.
        match roll_up(app, crate::parse_id(&id, "operator")?).await {
            Ok(n) => read += n,
            Err(e) => {
                tracing::warn!(operator = %id, error = %e, "rolling up this operator's KPIs failed; will retry")
            }
        }
    }
    Ok(read)
}

/// What a rebuild found.
#[derive(Clone, Debug, Default)]
pub struct RebuildReport {
    pub operator_id: String,
    /// The links recomputed (up to the roll-up's cursor).
    pub links: u64,
    pub cells: usize,
    /// How many cells' stored amounts differ from the events'.
    pub differing: usize,
    /// The first of them, in words (at most 100).
    pub differences: Vec<String>,
    /// Whether the stored cells were replaced by the recomputed ones.
    pub replaced: bool,
}

/// The stored cells and the cursor they go with: read again while a roll-up moved the cursor
/// in between.
async fn stored_cells(conn: &mut AnyConnection, operator: TenantId) -> AppResult<(i64, Cells)> {
    loop {
        let before = kpi_rollups::cursor(conn, operator).await?;
        let stored: Cells = kpi_rollups::cells(conn, operator, None, ("", "9999-12-31"))
            .await?
            .into_iter()
            .map(|r| ((r.day, r.merchant_id, r.department, r.person, r.measure), r.amount))
            .collect();
        if kpi_rollups::cursor(conn, operator).await? == before {
            return Ok((before, stored));
        }
    }
}

/// At most this many differing cells are named.
const MOST_DIFFERENCES: usize = 100;

/// Recomputes the operator's cells from its events up to the roll-up's cursor and compares them
/// with the stored ones; `replace` writes the recomputed ones instead.
pub async fn rebuild(app: &App, operator: TenantId, replace: bool) -> AppResult<RebuildReport> {
    let mut conn = app.db().read().await?;
    let (upto, stored) = stored_cells(&mut conn, operator).await?;
    let zone = zone_of(&mut conn, operator).await?;
    let mut cells = Cells::new();
    let (mut after, mut links) = (0, 0u64);
    while after < upto {
        let page = audit_chain::links_after(&mut conn, operator, after, PAGE).await?;
        let page: Vec<LinkRow> = page.into_iter().filter(|l| l.seq <= upto).collect();
        let Some(last) = page.last().map(|l| l.seq) else { break };
        add_facts(&mut conn, operator, &zone, &page, &mut cells).await?;
        links += page.len() as u64;
        after = last;
    }
    drop(conn);
    let mut differences = Vec::new();
    let mut differing = 0;
    for key in cells.keys().chain(stored.keys()).collect::<std::collections::BTreeSet<_>>() {
        let (want, have) = (cells.get(key).copied().unwrap_or(0), stored.get(key).copied().unwrap_or(0));
        if want == have {
            continue;
        }
        differing += 1;
        if differences.len() < MOST_DIFFERENCES {
            let (day, merchant, department, person, measure) = key;
            differences.push(format!(
                "{day} {measure} merchant '{merchant}' department '{department}' person '{person}': stored {have}, events {want}"
            ));
        }
    }
    let mut report = RebuildReport {
        operator_id: operator.to_string(),
        links,
        cells: cells.len(),
        differing,
        differences,
        replaced: false,
    };
    if replace {
        let mut tx = app.db().begin().await?;
        kpi_rollups::replace_in_tx(&mut tx, operator, &rows_of(cells), upto).await?;
        tradeport_store::commit(tx).await?;
        report.replaced = true;
    }
    Ok(report)
}
