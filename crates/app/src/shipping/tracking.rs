//! Tracking ingestion (SHP-6): events from EasyPost's signed tracker webhooks and from CSV uploads
//! for carriers without an API. Each event is kept once with the carrier's own code and words;
//! its shipment's status moves only forward (or into trouble), never because an older event comes
//! late; a delivered parcel keeps its delivery time for after-sales windows, and the order's
//! timeline shows each move.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{FieldError, Millis, TenantId};
use tradeport_domain::shipping::{TrackingStatus, from_easypost, moves_to};
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
        if !tracking::insert_once_in_tx(&mut tx, operator, &row).await? {
            done.duplicates += 1;
            continue;
        }
        done.stored += 1;
        let Some(s) = shipment else { continue };
        let Some((current, at)) = tracking::status_in_tx(&mut tx, operator, &s.id).await? else { continue };
        if at.is_some_and(|at| e.happened_at < at) || !moves_to(current, e.status) {
            continue;
        }
        tracking::set_status_in_tx(&mut tx, operator, &s.id, e.status, e.happened_at).await?;
        done.moved += 1;
        let data = serde_json::json!({ "tracking_no": e.tracking_no, "from": current.as_str(), "to": e.status.as_str(),
                                       "description": e.description, "location": e.location, "at": e.happened_at.0 });
        let kind =
            if e.status == TrackingStatus::Delivered { "order_delivered" } else { "order_parcel_moved" };
        let event = tradeport_store::events::NewEvent {
            merchant_id: Some(s.merchant_id),
            data: data.to_string(),
            ..app.event(tradeport_domain::access::Actor::System, "order", s.order_id, kind)
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

/// The part of EasyPost's `tracker.updated` event read here.
#[derive(Deserialize)]
struct EasyPostEvent {
    result: EasyPostTracker,
}

#[derive(Deserialize)]
struct EasyPostTracker {
    tracking_code: String,
    #[serde(default)]
    tracking_details: Vec<EasyPostDetail>,
}

#[derive(Deserialize)]
struct EasyPostDetail {
    #[serde(default)]
    message: String,
    status: String,
    #[serde(default)]
    status_detail: String,
    datetime: String,
    #[serde(default)]
    tracking_location: Option<EasyPostLocation>,
}

#[derive(Deserialize)]
struct EasyPostLocation {
    city: Option<String>,
    country: Option<String>,
}

/// The events of an EasyPost tracker webhook body whose signature was checked.
pub(crate) fn easypost_events(body: &[u8]) -> Result<Vec<TrackingEvent>, String> {
    let event: EasyPostEvent =
        serde_json::from_slice(body).map_err(|e| format!("not an EasyPost event: {e}"))?;
    let number = event.result.tracking_code.trim().to_uppercase();
    let mut out = Vec::new();
    for d in event.result.tracking_details {
        let Some(status) = from_easypost(&d.status, &d.status_detail) else { continue };
        let at =
            d.datetime.parse::<jiff::Timestamp>().map_err(|e| format!("datetime {}: {e}", d.datetime))?;
        let location = d
            .tracking_location
            .map(|l| [l.city, l.country].into_iter().flatten().collect::<Vec<_>>().join(", "))
            .unwrap_or_default();
        out.push(TrackingEvent {
            tracking_no: number.clone(),
            source: "easypost",
            carrier_code: format!("{}/{}", d.status, d.status_detail),
            description: d.message,
            location,
            status,
            happened_at: Millis(at.as_millisecond()),
        });
    }
    Ok(out)
}

/// The secret EasyPost signs the operator's tracker webhooks with (its webhook's `webhook_secret`).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EasyPostSecret {
    pub webhook_secret: String,
}

/// Sets the EasyPost webhook secret. Admins and logistics staff.
pub async fn set_easypost_secret(app: &App, principal: &Principal, s: &EasyPostSecret) -> AppResult<()> {
    principal.require(Permission::ManageCarriers)?;
    let secret = s.webhook_secret.trim();
    if !(1..=200).contains(&secret.chars().count()) {
        return Err(crate::warehouse::invalid(
            "webhook_secret",
            "invalid_secret",
            "webhook_secret is required, as EasyPost shows it for the webhook (at most 200 characters)",
        ));
    }
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    tracking::set_secret_in_tx(&mut tx, operator, "easypost", secret, app.now()).await?;
    let event = tradeport_store::events::NewEvent {
        ..app.event(principal.actor, "tenant", operator, "easypost_secret_set")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// An EasyPost tracker webhook for `operator_id`: refused (401, nothing kept) unless signed with
/// the operator's secret; its events ingested once.
pub async fn receive_easypost(
    app: &App,
    operator_id: &str,
    signature: &str,
    body: &[u8],
) -> AppResult<Ingested> {
    let unsigned = || AppError::Access(tradeport_domain::access::AccessError::Unauthenticated);
    let operator: TenantId = operator_id.trim().parse().map_err(|_| unsigned())?;
    let mut conn = app.db().read().await?;
    let secret = tracking::secret(&mut conn, operator, "easypost").await?.ok_or_else(unsigned)?;
    drop(conn);
    if !tradeport_connectors::webhooks::easypost_signature_valid(&secret, body, signature) {
        return Err(unsigned());
    }
    let events = easypost_events(body)
        .map_err(|m| AppError::Invalid(vec![FieldError::new("body", "not_an_easypost_event", m)]))?;
    ingest(app, operator, &events).await
}
