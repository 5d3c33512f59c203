//! The monthly supervision report (KPI-1, EXC-7) of an operator: the KPIs against their targets
//! for the operation and per department, how the time limits of each step were kept
//! (timeliness), buyers' satisfaction, the worst steps and the people furthest off a target, and
//! the month's exception report with the improvement actions supervisors entered. Filed once per
//! month by the nightly job when the month is over (or by a supervisor), kept as a PDF and an
//! XLSX, and e-mailed to the supervision group (the operator's supervisors and admins).

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal, Role};
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_domain::sla::Step;
use tradeport_domain::supervision::{self, SATISFACTION_TARGET, StepTimeliness, TIMELINESS_TARGET};
use tradeport_store::supervision_reports::{self, SupervisionReportRow};

use super::exception_report::{ExceptionReport, ReportQuery, exception_report, month_bounds};
use super::kpis::{KpiFigure, KpiGroup, KpiQuery, kpis};
use crate::warehouse::{invalid, rfc3339};
use crate::{App, AppError, AppResult};

/// One step's time limits in the month.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StepLine {
    pub step: String,
    pub closed: i64,
    pub met: i64,
    pub overdue_open: i64,
    /// Percent in time; `None` without steps.
    pub rate: Option<f64>,
}

/// A figure held against its target.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TargetLine {
    pub value: Option<f64>,
    /// How many it counts (steps; survey answers).
    pub counted: i64,
    pub target: f64,
    pub meets: Option<bool>,
}

/// A person's figure that missed its target.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonLine {
    /// The user's name (`system` and API keys have no figures of their own).
    pub person: String,
    pub kpi: String,
    pub value: f64,
    pub target: f64,
}

/// The month's supervision report.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupervisionReport {
    /// `YYYY-MM`, in the operator's time zone.
    pub month: String,
    pub operator: String,
    /// The KPIs of the whole operation against their targets.
    pub kpis: Vec<KpiFigure>,
    pub by_department: Vec<KpiGroup>,
    /// Time limits met, per step and in all (target 98%).
    pub steps: Vec<StepLine>,
    pub timeliness: TargetLine,
    /// Survey answers scoring 4 or 5, percent (target 90%).
    pub satisfaction: TargetLine,
    /// The steps below the timeliness target, worst first.
    pub worst_steps: Vec<String>,
    /// The figures furthest off their targets, at most ten.
    pub worst_people: Vec<PersonLine>,
    pub exceptions: ExceptionReport,
}

/// A filed report as listed.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FiledReport {
    pub month: String,
    pub filed_at: String,
    /// Who it was e-mailed to.
    pub sent_to: Vec<String>,
    pub pdf: String,
    pub xlsx: String,
}

fn filed(row: &SupervisionReportRow) -> FiledReport {
    let path = format!("/api/v1/reports/supervision/{}", row.month);
    FiledReport {
        month: row.month.clone(),
        filed_at: rfc3339(Millis(row.filed_at)),
        sent_to: serde_json::from_str(&row.sent_to).unwrap_or_default(),
        pdf: format!("{path}/pdf"),
        xlsx: format!("{path}/xlsx"),
    }
}

/// The report of `month` (`YYYY-MM`, over) for `operator`, from the roll-ups, clocks, surveys and
/// cases as they are now.
pub async fn build_report(app: &App, operator: TenantId, month: &str) -> AppResult<SupervisionReport> {
    let system = crate::access::system_principal(operator);
    let mut conn = app.db().read().await?;
    let tenant = crate::access::operator_row(&mut conn, operator).await?;
    let (month, from, to) = month_bounds(Some(month), &tenant.timezone, app.now())?;
    let clocks = supervision_reports::step_clocks(&mut conn, operator, (from.0, to.0)).await?;
    drop(conn);
    let first = format!("{month}-01");
    let last = jiff::civil::Date::strptime("%Y-%m-%d", &first)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .last_of_month()
        .to_string();
    let period = |by: &str| KpiQuery {
        from: Some(first.clone()),
        to: Some(last.clone()),
        by: Some(by.into()),
        merchant_id: None,
    };
    let by_department = kpis(app, &system, &period("department")).await?;
    let by_person = kpis(app, &system, &period("person")).await?;
    let satisfaction = crate::tickets::satisfaction(app, &system, from.0, to.0).await?;
    let exceptions =
        exception_report(app, &system, &ReportQuery { month: Some(month.clone()), merchant_id: None })
            .await?;

    let steps: Vec<StepTimeliness> = clocks
        .iter()
        .filter_map(|c| {
            let step = Step::parse(&c.step)?;
            Some(StepTimeliness { step, closed: c.closed, met: c.met, overdue_open: c.overdue_open })
        })
        .collect();
    let overall = supervision::overall(&steps);
    let people = person_names(app, operator, by_person.groups.iter().map(|g| g.key.as_str())).await?;
    let named = by_person
        .groups
        .iter()
        .filter(|g| !g.key.is_empty())
        .map(|g| (people.get(&g.key).map_or(g.key.as_str(), String::as_str), figures_of(g)));
    Ok(SupervisionReport {
        month,
        operator: tenant.name,
        kpis: by_department.figures,
        by_department: by_department.groups,
        steps: steps
            .iter()
            .map(|s| StepLine {
                step: s.step.as_str().into(),
                closed: s.closed,
                met: s.met,
                overdue_open: s.overdue_open,
                rate: s.rate(),
            })
            .collect(),
        timeliness: TargetLine {
            value: overall.rate,
            counted: overall.counted,
            target: TIMELINESS_TARGET,
            meets: overall.meets(),
        },
        satisfaction: TargetLine {
            value: satisfaction.satisfied_pct,
            counted: satisfaction.answers as i64,
            target: SATISFACTION_TARGET,
            meets: satisfaction.satisfied_pct.map(|p| p >= SATISFACTION_TARGET),
        },
        worst_steps: supervision::worst_steps(&steps).iter().map(|s| s.step.as_str().to_string()).collect(),
        worst_people: supervision::worst_people(named, 10)
            .into_iter()
            .map(|m| PersonLine { person: m.person, kpi: m.kpi, value: m.value, target: m.target })
            .collect(),
        exceptions,
    })
}

/// A person's figures as the domain judges them.
fn figures_of(g: &KpiGroup) -> Vec<supervision::PersonFigure<'_>> {
    g.figures
        .iter()
        .map(|f| (f.key.as_str(), f.value, f.target, f.direction.as_deref() == Some("at_least")))
        .collect()
}

/// The names of the users among `keys` (user ids), by id.
async fn person_names<'a>(
    app: &App,
    operator: TenantId,
    keys: impl Iterator<Item = &'a str>,
) -> AppResult<std::collections::HashMap<String, String>> {
    let mut conn = app.db().read().await?;
    let mut out = std::collections::HashMap::new();
    for key in keys {
        let Ok(id) = key.parse() else { continue };
        if let Some(u) = tradeport_store::access::users::get(&mut conn, operator, id).await? {
            let name = if u.display_name.trim().is_empty() { u.email } else { u.display_name };
            out.insert(key.to_string(), name);
        }
    }
    Ok(out)
}

/// The month before the one `now` falls in, in the operator's time zone: the one due for filing.
fn last_month(timezone: &str, now: Millis) -> AppResult<String> {
    let tz = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = jiff::Timestamp::from_millisecond(now.0).map_err(|e| AppError::Internal(e.to_string()))?;
    let first = today.to_zoned(tz).date().first_of_month();
    let previous =
        first.checked_sub(jiff::Span::new().months(1)).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(previous.strftime("%Y-%m").to_string())
}

/// Files last month's report if it is not filed yet and the operator existed then (the nightly
/// job); the month filed, if any.
pub async fn file_last_month(app: &App, operator: TenantId) -> AppResult<Option<String>> {
    let mut conn = app.db().read().await?;
    let tenant = crate::access::operator_row(&mut conn, operator).await?;
    let month = last_month(&tenant.timezone, app.now())?;
    let (_, _, month_end) = month_bounds(Some(&month), &tenant.timezone, app.now())?;
    // An operator set up since has no such month to report on.
    if tenant.created_at.0 >= month_end.0
        || supervision_reports::get(&mut conn, operator, &month).await?.is_some()
    {
        return Ok(None);
    }
    drop(conn);
    Ok(file_month(app, operator, &month).await?.then_some(month))
}

/// Files the report of `month`: renders it, keeps both files, and records it with the e-mail to
/// the supervision group in one transaction; `false` when another worker filed it first.
async fn file_month(app: &App, operator: TenantId, month: &str) -> AppResult<bool> {
    let report = build_report(app, operator, month).await?;
    let pdf = super::supervision_render::pdf(&report)?;
    let xlsx = super::supervision_render::xlsx(&report)?;
    let pdf_sha256 = crate::evidence::put_blob(app, pdf).await?;
    let xlsx_sha256 = crate::evidence::put_blob(app, xlsx).await?;
    let mut conn = app.db().read().await?;
    let group = tradeport_store::access::users::staff_with_roles(
        &mut conn,
        operator,
        &[Role::Supervisor, Role::Admin],
    )
    .await?;
    let policy = crate::access::load_operator(&mut conn, operator).await?;
    drop(conn);
    let sent_to: Vec<String> = group.into_iter().map(|u| u.email).collect();
    let row = SupervisionReportRow {
        tenant_id: operator.to_string(),
        month: report.month.clone(),
        report: serde_json::to_string(&report).map_err(|e| AppError::Internal(e.to_string()))?,
        pdf_sha256,
        xlsx_sha256,
        sent_to: serde_json::to_string(&sent_to).map_err(|e| AppError::Internal(e.to_string()))?,
        filed_at: app.now().0,
    };
    let mut tx = app.begin().await?;
    if !supervision_reports::insert_in_tx(&mut tx, &row).await? {
        return Ok(false);
    }
    let payload = serde_json::json!({
        "month": report.month,
        "recipients": sent_to,
        "language": policy.settings.default_locale,
        "pdf_sha256": row.pdf_sha256,
    });
    let message = tradeport_store::outbox::NewMessage {
        id: app.new_uuid(),
        merchant_id: None,
        topic: crate::notifications::SUPERVISION_REPORT,
        subject_type: "supervision_report",
        subject_id: report.month.clone(),
        payload: payload.to_string(),
        at: app.now(),
    };
    tradeport_store::outbox::enqueue_in_tx(&mut tx, operator, &message).await?;
    let event = tradeport_store::events::NewEvent {
        data: serde_json::json!({ "month": report.month, "sent_to": sent_to.len() }).to_string(),
        ..app.event(
            tradeport_domain::access::Actor::System,
            "supervision_report",
            &report.month,
            "supervision_report_filed",
        )
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(true)
}

/// Files the report of a month that is over now, for a supervisor who will not wait for the
/// night; the filed report (the one filed before, if any: a month is filed once).
pub async fn file_report(app: &App, principal: &Principal, month: &str) -> AppResult<FiledReport> {
    principal.require(Permission::SuperviseOperations)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let timezone = crate::access::operator_row(&mut conn, operator).await?.timezone;
    let (month, _, to) = month_bounds(Some(month), &timezone, app.now())?;
    if to.0 > app.now().0 {
        return Err(invalid(
            "month",
            "month_not_over",
            format!("{month} is not over yet; its report is filed once it is"),
        ));
    }
    if supervision_reports::get(&mut conn, operator, &month).await?.is_none() {
        drop(conn);
        file_month(app, operator, &month).await?;
        conn = app.db().read().await?;
    }
    let row =
        supervision_reports::get(&mut conn, operator, &month).await?.ok_or(AppError::NotFound("report"))?;
    Ok(filed(&row))
}

/// The operator's filed reports, newest first. Staff who see the dashboard.
pub async fn list_reports(app: &App, principal: &Principal) -> AppResult<Vec<FiledReport>> {
    supervision_staff(principal)?;
    let mut conn = app.db().read().await?;
    Ok(supervision_reports::list(&mut conn, principal.scope.operator_id).await?.iter().map(filed).collect())
}

/// A filed report's figures.
pub async fn get_report(app: &App, principal: &Principal, month: &str) -> AppResult<SupervisionReport> {
    let row = filed_row(app, principal, month).await?;
    serde_json::from_str(&row.report).map_err(|e| AppError::Internal(format!("report {month}: {e}")))
}

/// A filed report's PDF or XLSX (`pdf`, `xlsx`): file name and bytes.
pub async fn report_file(
    app: &App,
    principal: &Principal,
    month: &str,
    format: &str,
) -> AppResult<(String, Vec<u8>)> {
    let row = filed_row(app, principal, month).await?;
    let sha = match format {
        "pdf" => &row.pdf_sha256,
        "xlsx" => &row.xlsx_sha256,
        _ => return Err(AppError::NotFound("report format")),
    };
    let bytes = crate::evidence::get_blob(app, sha).await?.ok_or_else(|| {
        AppError::Internal(format!("the {format} of report {month} is missing from the blob store"))
    })?;
    Ok((format!("supervision-report-{}.{format}", row.month), bytes))
}

async fn filed_row(app: &App, principal: &Principal, month: &str) -> AppResult<SupervisionReportRow> {
    supervision_staff(principal)?;
    let mut conn = app.db().read().await?;
    supervision_reports::get(&mut conn, principal.scope.operator_id, month.trim())
        .await?
        .ok_or(AppError::NotFound("report"))
}

/// The report is the operator's own: staff who see the dashboard, never a merchant.
fn supervision_staff(principal: &Principal) -> AppResult<()> {
    principal.require(Permission::ViewDashboard)?;
    if principal.is_merchant() {
        return Err(AppError::NotFound("report"));
    }
    Ok(())
}
