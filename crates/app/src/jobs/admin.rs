//! What staff see of the job queue: jobs by state (dead ones with their last error), and retry
//! or cancel.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::jobs::JobState;
use tradeport_domain::kernel::FieldError;
use tradeport_store::jobs::{self, JobRow};

use crate::{App, AppError, AppResult, Page, PageRequest, parse_id};

/// A job as staff see it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    pub id: String,
    /// deliver_email, deliver_webhook, probe.
    pub kind: String,
    /// queued, running, done, dead, cancelled.
    pub state: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub attempts: u32,
    pub max_attempts: u32,
    /// When it runs next (queued) or last ran.
    pub run_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// What a job carries for the buyer's eyes only (a survey's links) is not shown to staff: no one
/// may answer a buyer's survey for them.
fn redacted(mut payload: serde_json::Value) -> serde_json::Value {
    for key in ["survey_token", "body"] {
        if let Some(v) = payload.get_mut(key).filter(|v| !v.is_null()) {
            *v = serde_json::Value::from("[the buyer's alone]");
        }
    }
    payload
}

impl From<JobRow> for JobView {
    fn from(j: JobRow) -> Self {
        Self {
            id: j.id.to_string(),
            kind: j.kind.as_str().into(),
            state: j.state.as_str().into(),
            payload: redacted(serde_json::from_str(&j.payload).unwrap_or(serde_json::Value::Null)),
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: j.run_at.0,
            last_error: j.last_error,
            created_at: j.created_at.0,
            finished_at: j.finished_at.map(|m| m.0),
        }
    }
}

fn state_of(raw: &str) -> AppResult<JobState> {
    JobState::parse(raw.trim()).ok_or_else(|| {
        let all: Vec<&str> = JobState::ALL.iter().map(|s| s.as_str()).collect();
        AppError::Invalid(vec![FieldError::new(
            "state",
            "unknown_state",
            format!("state must be one of: {}", all.join(", ")),
        )])
    })
}

/// The operator's jobs in one state, newest first.
pub async fn list_jobs(
    app: &App,
    principal: &Principal,
    state: &str,
    page: &PageRequest,
) -> AppResult<Page<JobView>> {
    principal.require(Permission::ManageSettings)?;
    let state = state_of(state)?;
    let limit = page.limit().map_err(|e| AppError::Invalid(vec![e]))?;
    let before = page.id_cursor().map_err(|e| AppError::Invalid(vec![e]))?;
    let mut conn = app.db().read().await?;
    let rows = jobs::list(&mut conn, principal.scope.operator_id, state, before, limit + 1).await?;
    Ok(Page::from_rows(rows.into_iter().map(JobView::from).collect(), limit, |j: &JobView| j.id.clone()))
}

/// Puts a dead, cancelled or parked job back in the queue, to run now with all its attempts.
pub async fn retry_job(app: &App, principal: &Principal, id: &str) -> AppResult<JobView> {
    let from: Vec<JobState> = JobState::ALL.into_iter().filter(|s| s.can_retry()).collect();
    change(app, principal, id, &from, JobState::Queued).await
}

/// Cancels a queued or parked job.
pub async fn cancel_job(app: &App, principal: &Principal, id: &str) -> AppResult<JobView> {
    let from: Vec<JobState> = JobState::ALL.into_iter().filter(|s| s.can_cancel()).collect();
    change(app, principal, id, &from, JobState::Cancelled).await
}

async fn change(
    app: &App,
    principal: &Principal,
    id: &str,
    from: &[JobState],
    to: JobState,
) -> AppResult<JobView> {
    principal.require(Permission::ManageSettings)?;
    let id = parse_id(id, "job")?;
    let operator = Some(principal.scope.operator_id);
    let mut tx = app.begin().await?;
    let job = jobs::get(&mut tx, operator, id).await?.ok_or(AppError::NotFound("job"))?;
    if !jobs::set_state(&mut tx, operator, id, from, to, app.now()).await? {
        return Err(AppError::Conflict {
            code: "job.wrong_state",
            message: format!(
                "the job is {}; only {} jobs can be {}",
                job.state.as_str(),
                from.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" or "),
                if to == JobState::Queued { "retried" } else { "cancelled" }
            ),
            fields: Vec::new(),
        });
    }
    let after = jobs::get(&mut tx, operator, id).await?.ok_or(AppError::NotFound("job"))?;
    tx.commit().await?;
    Ok(after.into())
}
