//! Working calendars (SLA-1): the operator's default, which the review steps' clocks count in, and
//! one per warehouse for the warehouse's steps. Staff write them, import closed days from an
//! iCalendar feed or a CSV, and ask when a limit started at some instant falls due.

use serde::{Deserialize, Serialize};
use tradeport_connectors::closed_days::{self, Imported};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{FieldError, Millis, TenantId, WarehouseId};
use tradeport_domain::sla::{Calendar, CalendarInput, ClosedDay, validate_calendar};
use tradeport_store::AnyConnection;
use tradeport_store::calendars::{self, CalendarRow};
use tradeport_store::inventory::warehouses;

use crate::{App, AppError, AppResult, parse_id};

/// Whose calendar: the operator's default or a warehouse's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalendarOwner {
    Default,
    Warehouse(WarehouseId),
}

impl CalendarOwner {
    /// `default`, or a warehouse id.
    pub fn parse(raw: &str) -> AppResult<Self> {
        match raw.trim() {
            "default" => Ok(Self::Default),
            other => Ok(Self::Warehouse(parse_id(other, "warehouse")?)),
        }
    }

    fn warehouse(self) -> Option<WarehouseId> {
        match self {
            Self::Default => None,
            Self::Warehouse(w) => Some(w),
        }
    }
}

/// A stored calendar ready to compute with.
#[derive(Clone, Debug)]
pub(crate) struct StoredCalendar {
    pub id: String,
    pub calendar: Calendar,
}

/// A calendar as the API shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarView {
    /// `default` or the warehouse's id.
    pub owner: String,
    /// The warehouse's code, for a warehouse's calendar.
    pub warehouse_code: Option<String>,
    pub timezone: String,
    /// Weekday → working intervals (`09:00-18:00`); a day left out does not work.
    #[schema(value_type = Object)]
    pub week: std::collections::BTreeMap<String, Vec<String>>,
    #[schema(value_type = Vec<Object>)]
    pub closed_days: Vec<ClosedDay>,
    pub updated_at: i64,
}

fn input_of(row: &CalendarRow) -> AppResult<CalendarInput> {
    let corrupt = |e: serde_json::Error| AppError::Internal(format!("stored calendar {}: {e}", row.id));
    Ok(CalendarInput {
        timezone: row.timezone.clone(),
        week: serde_json::from_str(&row.week).map_err(corrupt)?,
        closed_days: serde_json::from_str(&row.closed_days).map_err(corrupt)?,
    })
}

fn stored(row: &CalendarRow) -> AppResult<StoredCalendar> {
    let (calendar, _) = validate_calendar(&input_of(row)?)
        .map_err(|e| AppError::Internal(format!("stored calendar {} no longer valid: {e:?}", row.id)))?;
    Ok(StoredCalendar { id: row.id.clone(), calendar })
}

/// The operator's default calendar, if it has one.
pub(crate) async fn load_default(
    conn: &mut AnyConnection,
    operator: TenantId,
) -> AppResult<Option<StoredCalendar>> {
    calendars::get(conn, operator, None).await?.as_ref().map(stored).transpose()
}

/// A calendar by id (a clock's).
pub(crate) async fn load_by_id(
    conn: &mut AnyConnection,
    operator: TenantId,
    id: &str,
) -> AppResult<StoredCalendar> {
    let row = calendars::get_by_id(conn, operator, id).await?.ok_or(AppError::NotFound("calendar"))?;
    stored(&row)
}

async fn view(conn: &mut AnyConnection, operator: TenantId, row: &CalendarRow) -> AppResult<CalendarView> {
    let input = input_of(row)?;
    let warehouse_code = match row.warehouse_id {
        Some(w) => warehouses::list(conn, operator).await?.into_iter().find(|x| x.id == w).map(|x| x.code),
        None => None,
    };
    Ok(CalendarView {
        owner: row.warehouse_id.map_or_else(|| "default".to_string(), |w| w.to_string()),
        warehouse_code,
        timezone: input.timezone,
        week: input.week,
        closed_days: input.closed_days,
        updated_at: row.updated_at.0,
    })
}

/// The operator's calendars, the default first. Staff who see settings.
pub async fn list_calendars(app: &App, principal: &Principal) -> AppResult<Vec<CalendarView>> {
    principal.require(Permission::ViewSettings)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let rows = calendars::list(&mut conn, operator).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(view(&mut conn, operator, row).await?);
    }
    Ok(out)
}

/// One calendar.
pub async fn get_calendar(app: &App, principal: &Principal, owner: CalendarOwner) -> AppResult<CalendarView> {
    principal.require(Permission::ViewSettings)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let row = calendars::get(&mut conn, operator, owner.warehouse())
        .await?
        .ok_or(AppError::NotFound("calendar"))?;
    view(&mut conn, operator, &row).await
}

/// Writes a calendar over the owner's one (new clocks count in it; running ones keep the due
/// time they have until they resume from a pause). Admins.
pub async fn put_calendar(
    app: &App,
    principal: &Principal,
    owner: CalendarOwner,
    input: &CalendarInput,
) -> AppResult<CalendarView> {
    principal.require(Permission::ManageSettings)?;
    let operator = principal.scope.operator_id;
    let (_, normal) = validate_calendar(input).map_err(AppError::Invalid)?;
    if let Some(w) = owner.warehouse() {
        let mut conn = app.db().read().await?;
        if !warehouses::list(&mut conn, operator).await?.iter().any(|x| x.id == w) {
            return Err(AppError::NotFound("warehouse"));
        }
    }
    let row = CalendarRow {
        id: app.new_uuid().to_string(),
        warehouse_id: owner.warehouse(),
        timezone: normal.timezone.clone(),
        week: crate::orders::to_json(&normal.week)?,
        closed_days: crate::orders::to_json(&normal.closed_days)?,
        updated_at: app.now(),
    };
    let mut tx = app.begin().await?;
    let id = calendars::upsert_in_tx(&mut tx, operator, &row).await?;
    let data = serde_json::json!({ "owner": row.warehouse_id.map(|w| w.to_string()), "timezone": row.timezone, "closed_days": normal.closed_days.len() }).to_string();
    let event = tradeport_store::events::NewEvent {
        data,
        ..app.event(principal.actor, "calendar", &id, "calendar_changed")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    get_calendar(app, principal, owner).await
}

/// The file formats closed days are imported from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ClosedDaysFormat {
    Ics,
    Csv,
}

/// What an import did.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Days added to the calendar.
    pub added: usize,
    /// Days the calendar had closed already.
    pub already_closed: usize,
    /// What the file held that was left out, and why.
    pub skipped: Vec<String>,
    pub calendar: CalendarView,
}

/// Adds the closed days of an iCalendar feed or a CSV file to the owner's calendar. Admins.
pub async fn import_closed_days(
    app: &App,
    principal: &Principal,
    owner: CalendarOwner,
    format: ClosedDaysFormat,
    text: &str,
) -> AppResult<ImportReport> {
    principal.require(Permission::ManageSettings)?;
    let operator = principal.scope.operator_id;
    let Imported { days, skipped } = match format {
        ClosedDaysFormat::Ics => closed_days::from_ics(text)
            .map_err(|why| AppError::Invalid(vec![FieldError::new("file", "unreadable", why)]))?,
        ClosedDaysFormat::Csv => closed_days::from_csv(text),
    };
    let mut conn = app.db().read().await?;
    let row =
        calendars::get(&mut conn, operator, owner.warehouse()).await?.ok_or_else(|| AppError::Conflict {
            code: "calendar.missing",
            message: "this calendar does not exist yet: set its time zone and working hours first".into(),
            fields: Vec::new(),
        })?;
    drop(conn);
    let mut input = input_of(&row)?;
    let before = input.closed_days.len();
    let offered = days.len();
    input.closed_days.extend(days);
    let (_, normal) = validate_calendar(&input).map_err(AppError::Invalid)?;
    let added = normal.closed_days.len() - before;
    let calendar = put_calendar(app, principal, owner, &normal).await?;
    Ok(ImportReport { added, already_closed: offered - added, skipped, calendar })
}

/// When a limit falls due.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DuePreview {
    /// Milliseconds since the epoch.
    pub due_at: i64,
    /// The same instant in the calendar's time zone (RFC 3339 with offset and zone).
    pub due_local: String,
}

/// When a limit of `minutes` of working time started at `from` (RFC 3339) falls due in the
/// owner's calendar.
pub async fn due_in_calendar(
    app: &App,
    principal: &Principal,
    owner: CalendarOwner,
    from: &str,
    minutes: i64,
) -> AppResult<DuePreview> {
    let from: jiff::Timestamp = from.trim().parse().map_err(|_| {
        AppError::Invalid(vec![FieldError::new(
            "from",
            "bad_instant",
            format!("'{from}' is not an instant; write it as RFC 3339, e.g. 2026-03-20T17:30:00+01:00"),
        )])
    })?;
    principal.require(Permission::ViewSettings)?;
    if !(0..=60 * 24 * 366).contains(&minutes) {
        return Err(AppError::Invalid(vec![FieldError::new(
            "minutes",
            "out_of_range",
            "minutes must be between 0 and 527040 (a year)",
        )]));
    }
    let mut conn = app.db().read().await?;
    let row = calendars::get(&mut conn, principal.scope.operator_id, owner.warehouse())
        .await?
        .ok_or(AppError::NotFound("calendar"))?;
    let calendar = stored(&row)?.calendar;
    let due = working_due(&calendar, Millis(from.as_millisecond()), minutes * 60_000)?;
    let local = jiff::Timestamp::from_millisecond(due.0)
        .map_err(|e| AppError::Internal(format!("due instant: {e}")))?
        .to_zoned(calendar.timezone.clone());
    Ok(DuePreview { due_at: due.0, due_local: local.to_string() })
}

/// `from` plus `limit_ms` of working time.
pub(crate) fn working_due(calendar: &Calendar, from: Millis, limit_ms: i64) -> AppResult<Millis> {
    let start = jiff::Timestamp::from_millisecond(from.0).map_err(|_| {
        AppError::Invalid(vec![FieldError::new("from", "out_of_range", "not a representable instant")])
    })?;
    let due = calendar.add(start, limit_ms).map_err(|e| AppError::Internal(format!("calendar: {e}")))?;
    Ok(Millis(due.as_millisecond()))
}

/// Working time left between a pause and the due time, counted again from `now`.
pub(crate) fn resumed_due(
    calendar: &Calendar,
    paused_at: Millis,
    due_at: Millis,
    now: Millis,
) -> AppResult<Millis> {
    let ts = |m: Millis| jiff::Timestamp::from_millisecond(m.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let left = calendar.between(ts(paused_at), ts(due_at));
    working_due(calendar, now, left)
}
