//! The daily stock snapshot: at the end of each of the operator's days, every SKU's units in each
//! warehouse by the day they were received, first in first out. A day is built from the day
//! before and that day's movements (or, with no day before, from every movement), so storage is
//! charged by age without scanning history each night.

use std::collections::{BTreeMap, VecDeque};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_store::billing::{self, LayerRow};

use crate::{App, AppError, AppResult};

/// (merchant, warehouse, SKU) → layers (received on, units), oldest first.
type Layers = BTreeMap<(String, String, String), VecDeque<(String, i64)>>;

/// The instant a day of `tz` starts.
pub(crate) fn day_start(day: Date, tz: &TimeZone) -> AppResult<Millis> {
    day.to_zoned(tz.clone())
        .map(|z| Millis(z.timestamp().as_millisecond()))
        .map_err(|e| AppError::Internal(format!("day {day}: {e}")))
}

/// The day of `tz` an instant falls on.
pub(crate) fn day_of(at: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(at)
        .map(|t| t.to_zoned(tz.clone()).date().to_string())
        .unwrap_or_default()
}

fn apply(layers: &mut Layers, m: &billing::MovementRow, tz: &TimeZone) {
    let stack = layers.entry((m.merchant_id.clone(), m.warehouse_id.clone(), m.sku_id.clone())).or_default();
    if m.on_hand_delta > 0 {
        let day = day_of(m.at, tz);
        match stack.back_mut() {
            Some((d, units)) if *d == day => *units += m.on_hand_delta,
            _ => stack.push_back((day, m.on_hand_delta)),
        }
        return;
    }
    let mut out = -m.on_hand_delta;
    while out > 0 {
        let Some(front) = stack.front_mut() else { break };
        let taken = out.min(front.1);
        front.1 -= taken;
        out -= taken;
        if front.1 == 0 {
            stack.pop_front();
        }
    }
}

/// Takes the operator's snapshot of `day` (again, if it was taken).
pub(crate) async fn take(app: &App, operator: TenantId, tz: &TimeZone, day: Date) -> AppResult<()> {
    let start = day_start(day, tz)?;
    let end = day_start(day.tomorrow().map_err(|e| AppError::Internal(e.to_string()))?, tz)?;
    let before = day.yesterday().map_err(|e| AppError::Internal(e.to_string()))?.to_string();
    let mut conn = app.db().read().await?;
    let mut layers = Layers::new();
    let from = if billing::snapshot_taken(&mut conn, operator, &before).await? {
        for l in billing::layers(&mut conn, operator, &before).await? {
            layers
                .entry((l.merchant_id, l.warehouse_id, l.sku_id))
                .or_default()
                .push_back((l.received_on, l.units));
        }
        start.0
    } else {
        0
    };
    for m in billing::movements(&mut conn, operator, from, end.0).await? {
        apply(&mut layers, &m, tz);
    }
    drop(conn);
    let rows: Vec<LayerRow> = layers
        .into_iter()
        .flat_map(|((merchant_id, warehouse_id, sku_id), stack)| {
            stack.into_iter().filter(|(_, units)| *units > 0).map(move |(received_on, units)| LayerRow {
                merchant_id: merchant_id.clone(),
                warehouse_id: warehouse_id.clone(),
                sku_id: sku_id.clone(),
                received_on,
                units,
            })
        })
        .collect();
    let mut tx = app.begin().await?;
    billing::replace_day_in_tx(&mut tx, operator, &day.to_string(), &rows, app.now().0).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes every snapshot from `first` to `last` not taken yet (in order, each from the one before).
pub(crate) async fn take_missing(
    app: &App,
    operator: TenantId,
    tz: &TimeZone,
    first: Date,
    last: Date,
) -> AppResult<()> {
    let mut day = first;
    while day <= last {
        let mut conn = app.db().read().await?;
        let taken = billing::snapshot_taken(&mut conn, operator, &day.to_string()).await?;
        drop(conn);
        if !taken {
            take(app, operator, tz, day).await?;
        }
        day = day.tomorrow().map_err(|e| AppError::Internal(e.to_string()))?;
    }
    Ok(())
}

/// The nightly run: yesterday's snapshot (and any day missed before it this month).
pub(crate) async fn take_yesterday(app: &App, operator: TenantId) -> AppResult<()> {
    let mut conn = app.db().read().await?;
    let tz = TimeZone::get(&crate::access::load_operator(&mut conn, operator).await?.timezone)
        .unwrap_or(TimeZone::UTC);
    drop(conn);
    let today = jiff::Timestamp::from_millisecond(app.now().0)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .to_zoned(tz.clone())
        .date();
    let yesterday = today.yesterday().map_err(|e| AppError::Internal(e.to_string()))?;
    take_missing(app, operator, &tz, yesterday.first_of_month().min(yesterday), yesterday).await
}
