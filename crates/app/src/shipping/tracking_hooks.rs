//! Tracking webhooks (SHP-6) from EasyPost, AfterShip and 17TRACK: each signed with the secret the
//! operator keeps for the provider, checked on the raw body before anything is read; a body that
//! is not signed so gets 401 and nothing is kept. The events go through the same ingestion as a
//! CSV upload: kept once, forward only.

use serde::Deserialize;
use tradeport_connectors::webhooks::{
    aftership_signature_valid, easypost_signature_valid, seventeen_track_signature_valid,
};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{FieldError, Millis, TenantId};
use tradeport_domain::shipping::{from_17track, from_aftership, from_easypost};
use tradeport_store::shipping::tracking;

use super::tracking::{Ingested, TrackingEvent, ingest};
use crate::{App, AppError, AppResult};

/// Who sends tracking webhooks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackingProvider {
    EasyPost,
    AfterShip,
    SeventeenTrack,
}

impl TrackingProvider {
    pub const ALL: [TrackingProvider; 3] = [Self::EasyPost, Self::AfterShip, Self::SeventeenTrack];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EasyPost => "easypost",
            Self::AfterShip => "aftership",
            Self::SeventeenTrack => "17track",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    /// The header its signature comes in.
    pub fn signature_header(self) -> &'static str {
        match self {
            Self::EasyPost => "x-hmac-signature",
            Self::AfterShip => "aftership-hmac-sha256",
            Self::SeventeenTrack => "sign",
        }
    }

    fn signed(self, secret: &str, body: &[u8], signature: &str) -> bool {
        match self {
            Self::EasyPost => easypost_signature_valid(secret, body, signature),
            Self::AfterShip => aftership_signature_valid(secret, body, signature),
            Self::SeventeenTrack => seventeen_track_signature_valid(secret, body, signature),
        }
    }

    fn events(self, body: &[u8]) -> Result<Vec<TrackingEvent>, String> {
        match self {
            Self::EasyPost => easypost_events(body),
            Self::AfterShip => aftership_events(body),
            Self::SeventeenTrack => seventeen_track_events(body),
        }
    }
}

fn unknown_provider(s: &str) -> AppError {
    AppError::Invalid(vec![FieldError::new(
        "provider",
        "unknown_provider",
        format!("{s} is not a tracking provider: easypost, aftership or 17track"),
    )])
}

fn parse_time(text: &str) -> Result<Millis, String> {
    let t = text.trim();
    t.parse::<jiff::Timestamp>()
        .map(|t| Millis(t.as_millisecond()))
        .or_else(|_| {
            // AfterShip's checkpoint_time may have no offset: the carrier's local time, read as UTC.
            t.parse::<jiff::civil::DateTime>()
                .ok()
                .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                .map(|z| Millis(z.timestamp().as_millisecond()))
                .ok_or(())
        })
        .map_err(|_| format!("{t} is not a time"))
}

fn joined(parts: &[Option<String>]) -> String {
    parts.iter().flatten().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")
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

/// The events of an EasyPost tracker webhook body.
fn easypost_events(body: &[u8]) -> Result<Vec<TrackingEvent>, String> {
    let event: EasyPostEvent =
        serde_json::from_slice(body).map_err(|e| format!("not an EasyPost event: {e}"))?;
    let number = event.result.tracking_code.trim().to_uppercase();
    let mut out = Vec::new();
    for d in event.result.tracking_details {
        let Some(status) = from_easypost(&d.status, &d.status_detail) else { continue };
        out.push(TrackingEvent {
            tracking_no: number.clone(),
            source: "easypost",
            carrier_code: format!("{}/{}", d.status, d.status_detail),
            description: d.message,
            location: d.tracking_location.map(|l| joined(&[l.city, l.country])).unwrap_or_default(),
            status,
            happened_at: parse_time(&d.datetime)?,
        });
    }
    Ok(out)
}

/// AfterShip's `tracking_update` webhook: `msg` is the tracking with its checkpoints.
#[derive(Deserialize)]
struct AfterShipEvent {
    msg: AfterShipTracking,
}

#[derive(Deserialize)]
struct AfterShipTracking {
    tracking_number: String,
    #[serde(default)]
    checkpoints: Vec<AfterShipCheckpoint>,
}

#[derive(Deserialize)]
struct AfterShipCheckpoint {
    checkpoint_time: String,
    tag: String,
    #[serde(default)]
    subtag: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    country_iso3: Option<String>,
}

fn aftership_events(body: &[u8]) -> Result<Vec<TrackingEvent>, String> {
    let event: AfterShipEvent =
        serde_json::from_slice(body).map_err(|e| format!("not an AfterShip tracking_update: {e}"))?;
    let number = event.msg.tracking_number.trim().to_uppercase();
    let mut out = Vec::new();
    for c in event.msg.checkpoints {
        let Some(status) = from_aftership(&c.tag, &c.subtag) else { continue };
        out.push(TrackingEvent {
            tracking_no: number.clone(),
            source: "aftership",
            carrier_code: format!("{}/{}", c.tag, c.subtag),
            description: c.message,
            location: joined(&[c.location, c.country_iso3]),
            status,
            happened_at: parse_time(&c.checkpoint_time)?,
        });
    }
    Ok(out)
}

/// 17TRACK's `TRACKING_UPDATED` push (API v2): `data.track_info.tracking.providers[].events[]`.
#[derive(Deserialize)]
struct SeventeenEvent {
    data: SeventeenData,
}

#[derive(Deserialize)]
struct SeventeenData {
    number: String,
    track_info: SeventeenTrackInfo,
}

#[derive(Deserialize)]
struct SeventeenTrackInfo {
    tracking: SeventeenTracking,
}

#[derive(Deserialize)]
struct SeventeenTracking {
    #[serde(default)]
    providers: Vec<SeventeenProvider>,
}

#[derive(Deserialize)]
struct SeventeenProvider {
    #[serde(default)]
    events: Vec<SeventeenCheckpoint>,
}

#[derive(Deserialize)]
struct SeventeenCheckpoint {
    time_utc: Option<String>,
    time_iso: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    sub_status: String,
}

fn seventeen_track_events(body: &[u8]) -> Result<Vec<TrackingEvent>, String> {
    let event: SeventeenEvent =
        serde_json::from_slice(body).map_err(|e| format!("not a 17TRACK TRACKING_UPDATED push: {e}"))?;
    let number = event.data.number.trim().to_uppercase();
    let mut out = Vec::new();
    for e in event.data.track_info.tracking.providers.into_iter().flat_map(|p| p.events) {
        // The main status is the sub-status's prefix: `InTransit_CustomsProcessing`.
        let main = e.sub_status.split('_').next().unwrap_or_default();
        let Some(status) = from_17track(main, &e.sub_status) else { continue };
        let time = e.time_utc.or(e.time_iso).ok_or("an event has no time")?;
        out.push(TrackingEvent {
            tracking_no: number.clone(),
            source: "17track",
            carrier_code: e.sub_status.clone(),
            description: e.description,
            location: joined(&[e.location]),
            status,
            happened_at: parse_time(&time)?,
        });
    }
    Ok(out)
}

/// The secret a provider signs the operator's webhooks with (EasyPost's `webhook_secret`,
/// AfterShip's webhook secret, 17TRACK's API key).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TrackingSecret {
    pub webhook_secret: String,
}

/// Sets a provider's webhook secret. Admins and logistics staff.
pub async fn set_tracking_secret(
    app: &App,
    principal: &Principal,
    provider: &str,
    s: &TrackingSecret,
) -> AppResult<()> {
    principal.require(Permission::ManageCarriers)?;
    let provider = TrackingProvider::parse(provider).ok_or_else(|| unknown_provider(provider))?;
    let secret = s.webhook_secret.trim();
    if !(1..=200).contains(&secret.chars().count()) {
        return Err(crate::warehouse::invalid(
            "webhook_secret",
            "invalid_secret",
            "webhook_secret is required, as the provider shows it for the webhook (at most 200 characters)",
        ));
    }
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    tracking::set_secret_in_tx(&mut tx, operator, provider.as_str(), secret, app.now()).await?;
    let event = tradeport_store::events::NewEvent {
        data: serde_json::json!({ "provider": provider.as_str() }).to_string(),
        ..app.event(principal.actor, "tenant", operator, "tracking_secret_set")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// A provider's webhook for `operator_id`: refused (401, nothing kept) unless signed with the
/// operator's secret for it; its events ingested once.
pub async fn receive_tracking_hook(
    app: &App,
    provider: &str,
    operator_id: &str,
    signature: &str,
    body: &[u8],
) -> AppResult<Ingested> {
    let unsigned = || AppError::Access(tradeport_domain::access::AccessError::Unauthenticated);
    let provider = TrackingProvider::parse(provider).ok_or_else(unsigned)?;
    let operator: TenantId = operator_id.trim().parse().map_err(|_| unsigned())?;
    let mut conn = app.db().read().await?;
    let secret = tracking::secret(&mut conn, operator, provider.as_str()).await?.ok_or_else(unsigned)?;
    drop(conn);
    if !provider.signed(&secret, body, signature) {
        return Err(unsigned());
    }
    let events = provider
        .events(body)
        .map_err(|m| AppError::Invalid(vec![FieldError::new("body", "not_a_tracking_event", m)]))?;
    ingest(app, operator, &events).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradeport_domain::shipping::TrackingStatus;

    #[test]
    fn aftership_checkpoints_become_events_with_their_codes() {
        let body = br#"{"event":"tracking_update","msg":{"tracking_number":"rr473124829cn","tag":"InTransit",
            "checkpoints":[{"checkpoint_time":"2026-11-20T08:00:00+08:00","tag":"InTransit","subtag":"InTransit_006",
            "message":"Customs clearance started","location":"Frankfurt","country_iso3":"DEU"},
            {"checkpoint_time":"2026-11-21T09:30:00","tag":"Exception","subtag":"Exception_018","message":"Documents required"}]}}"#;
        let events = aftership_events(body).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].tracking_no, "RR473124829CN");
        assert_eq!(events[0].status, TrackingStatus::Customs);
        assert_eq!(events[0].location, "Frankfurt, DEU");
        assert_eq!(events[0].happened_at, parse_time("2026-11-20T00:00:00Z").unwrap());
        assert_eq!(events[1].carrier_code, "Exception/Exception_018");
        assert_eq!(
            events[1].happened_at,
            parse_time("2026-11-21T09:30:00Z").unwrap(),
            "no offset: read as UTC"
        );
    }

    #[test]
    fn seventeen_track_events_take_their_status_from_the_sub_status() {
        let body = br#"{"event":"TRACKING_UPDATED","data":{"number":"LX123456789CN","carrier":3011,
            "track_info":{"latest_status":{"status":"Delivered"},"tracking":{"providers":[{"events":[
            {"time_iso":"2026-11-22T14:58:11+08:00","time_utc":"2026-11-22T06:58:11Z","description":"Delivered",
             "location":"Berlin","stage":"Delivered","sub_status":"Delivered_Other"},
            {"time_utc":"2026-11-19T01:00:00Z","description":"Customs","sub_status":"InTransit_CustomsProcessing"}]}]}}}}"#;
        let events = seventeen_track_events(body).unwrap();
        assert_eq!(
            events.iter().map(|e| e.status).collect::<Vec<_>>(),
            [TrackingStatus::Delivered, TrackingStatus::Customs]
        );
        assert_eq!(events[0].happened_at, parse_time("2026-11-22T06:58:11Z").unwrap());
        assert!(seventeen_track_events(b"{}").is_err());
    }
}
