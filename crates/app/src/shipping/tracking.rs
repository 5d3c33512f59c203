//! Tracking ingestion (SHP-6): events from EasyPost's signed tracker webhooks and from CSV uploads
//! for carriers without an API. Each event is kept once with the carrier's own code and words;
//! its shipment's status moves only forward (or into trouble), never because an older event comes
//! late; a delivered parcel keeps its delivery time for after-sales windows, and the order's
//! timeline shows each move.

use serde::Serialize;
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::kernel::{FieldError, Millis, TenantId};
use tradeport_domain::shipping::{TrackingStatus, clearance_from_tracking, moves_to};
use tradeport_store::exceptions::lane_rules;
use tradeport_store::shipping::customs::ClearanceRow;
use tradeport_store::shipping::parcels;
use tradeport_store::shipping::shipments::{self, ShipmentsOf};
use tradeport_store::shipping::tracking::{self, TrackingEventRow};

use crate::inventory::{ImportReport, RowError};
use crate::{App, AppError, AppResult};

/// One event to ingest.
#[derive(Clone, Debug)]
pub struct TrackingEvent {
    pub tracking_no: String,
    pub source: &'static str,
    pub carrier_code: String,
    pub description: String,
    pub location: String,
    pub status: TrackingStatus,
    pub happened_at: Millis,
}

/// What an ingestion did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Ingested {
    /// Events kept for the first time.
    pub stored: usize,
    /// Events kept already (a retried webhook, a file sent twice).
    pub duplicates: usize,
    /// Shipments whose status moved.
    pub moved: usize,
}

/// Keeps the events in one transaction and moves their shipments.
pub(crate) async fn ingest(app: &App, operator: TenantId, events: &[TrackingEvent]) -> AppResult<Ingested> {
    let mut sorted: Vec<&TrackingEvent> = events.iter().collect();
    // Shipment rows in one order across requests; each number's events oldest first.
    sorted.sort_by(|a, b| (&a.tracking_no, a.happened_at).cmp(&(&b.tracking_no, b.happened_at)));
    let now = app.now();
    let mut done = Ingested::default();
    let mut conn = app.db().read().await?;
    let rules = lane_rules::list(&mut conn, operator).await?;
    drop(conn);
    let mut tx = app.begin().await?;
    for e in sorted {
        let shipment =
            shipments::find(&mut tx, operator, None, ShipmentsOf::TrackingNo(&e.tracking_no)).await?.pop();
        let row = TrackingEventRow {
            id: app.new_uuid().to_string(),
            tracking_no: e.tracking_no.clone(),
            shipment_id: shipment.as_ref().map(|s| s.id.clone()),
            source: e.source.into(),
            carrier_code: e.carrier_code.clone(),
            description: e.description.clone(),
            location: e.location.clone(),
            status: e.status,
            happened_at: e.happened_at,
            received_at: now,
        };
        // The shipment's row is locked first, so ingestions of one parcel queue on it and never
        // on each other's events in the unique index (a deadlock on PostgreSQL).
        let state = match &shipment {
            Some(s) => tracking::status_in_tx(&mut tx, operator, &s.id).await?,
            None => None,
        };
        if !tracking::insert_once_in_tx(&mut tx, operator, &row).await? {
            done.duplicates += 1;
            continue;
        }
        done.stored += 1;
        let (Some(s), Some((current, at))) = (shipment, state) else { continue };
        // An archived order's file is read-only (DONE-2): the carrier's event is kept, the order
        // is not moved.
        if tradeport_store::archives::archived_at(&mut tx, operator, s.order_id).await?.is_some() {
            continue;
        }
        // A time in the future (a carrier's clock, a time without its zone) counts as now, so
        // one such event cannot hold back every real one after it.
        let happened = Millis(e.happened_at.0.min(now.0));
        let failed = e.status == TrackingStatus::AttemptFailed;
        parcels::note_event_in_tx(&mut tx, operator, &s.id, happened, failed).await?;
        let moved = at.is_none_or(|at| happened >= at) && moves_to(current, e.status);
        if moved {
            tracking::set_status_in_tx(&mut tx, operator, &s.id, e.status, happened).await?;
            done.moved += 1;
        }
        let Some(mut parcel) = parcels::parcel(&mut tx, operator, &s.id).await? else { continue };
        let updated = parcel.last_event_at == Some(happened);
        if let Some(step) = clearance_from_tracking(parcel.clearance, e.status, &e.carrier_code) {
            let row = ClearanceRow {
                id: app.new_uuid().to_string(),
                shipment_id: s.id.clone(),
                step,
                happened_at: e.happened_at,
                waybill_no: None,
                note: e.description.clone(),
                source: e.source.into(),
                actor: "system".into(),
                recorded_at: now,
            };
            super::clearance::record_in_tx(app, &mut tx, operator, Actor::System, &parcel, &row).await?;
            parcel.clearance = Some(step);
        }
        let progress = crate::exceptions::Progress { moved, updated };
        crate::exceptions::on_parcel_event_in_tx(app, &mut tx, operator, Some(&rules), &parcel, progress)
            .await?;
        if !moved {
            continue;
        }
        let data = serde_json::json!({ "tracking_no": e.tracking_no, "from": current.as_str(), "to": e.status.as_str(),
                                       "description": e.description, "location": e.location, "at": e.happened_at.0 });
        let kind =
            if e.status == TrackingStatus::Delivered { "order_delivered" } else { "order_parcel_moved" };
        let event = tradeport_store::events::NewEvent {
            merchant_id: Some(s.merchant_id),
            data: data.to_string(),
            ..app.event(Actor::System, "order", s.order_id, kind)
        };
        tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    }
    tx.commit().await?;
    Ok(done)
}

/// Events from a CSV file: `tracking_no, status, happened_at, description, location, carrier_code`
/// (status in the product's words: pending, info_received, in_transit, customs, out_for_delivery,
/// available_for_pickup, attempt_failed, delivered, exception, returning, returned; happened_at
/// as RFC 3339). Every row is checked first: nothing is kept when one is wrong.
pub async fn import_tracking_csv(
    app: &App,
    principal: &Principal,
    csv_text: &str,
) -> AppResult<(ImportReport, Ingested)> {
    principal.require(Permission::ManageCarriers)?;
    let unreadable = |row: usize, e: csv::Error| {
        AppError::Invalid(vec![FieldError::new(
            "csv",
            "unreadable_csv",
            format!("row {row} cannot be read as CSV: {e}"),
        )])
    };
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let headers = reader.headers().map_err(|e| unreadable(0, e))?.clone();
    for needed in ["tracking_no", "status", "happened_at"] {
        if !headers.iter().any(|h| h == needed) {
            return Err(AppError::Invalid(vec![FieldError::new(
                "csv",
                "missing_header",
                "the first row must name the columns: tracking_no, status, happened_at, description, location, carrier_code",
            )]));
        }
    }
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| unreadable(n + 1, e))?;
        let get = |col: &str| {
            headers.iter().position(|h| h == col).and_then(|i| record.get(i)).unwrap_or("").to_string()
        };
        let mut problem =
            |field: &str, message: String| errors.push(RowError { row: n + 1, field: field.into(), message });
        let number = get("tracking_no").to_uppercase();
        if number.is_empty() || number.len() > 40 {
            problem("tracking_no", "tracking_no is 1 to 40 characters".into());
        }
        let status = TrackingStatus::parse(&get("status"));
        if status.is_none() {
            let all: Vec<&str> = TrackingStatus::ALL.iter().map(|s| s.as_str()).collect();
            problem("status", format!("status must be one of {}", all.join(", ")));
        }
        let at = get("happened_at").parse::<jiff::Timestamp>().ok();
        if at.is_none() {
            problem("happened_at", "happened_at must be an RFC 3339 time, e.g. 2026-11-26T09:30:00Z".into());
        }
        if let (Some(status), Some(at)) = (status, at) {
            let code = get("carrier_code");
            events.push(TrackingEvent {
                tracking_no: number,
                source: "csv",
                carrier_code: if code.is_empty() { status.as_str().to_string() } else { code },
                description: get("description"),
                location: get("location"),
                status,
                happened_at: Millis(at.as_millisecond()),
            });
        }
    }
    if !errors.is_empty() {
        return Ok((ImportReport { saved: 0, errors }, Ingested::default()));
    }
    let done = ingest(app, principal.scope.operator_id, &events).await?;
    Ok((ImportReport { saved: events.len(), errors: Vec::new() }, done))
}
