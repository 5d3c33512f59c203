//! The buyer's satisfaction survey (CS-6): public, reached by the link sent when a ticket was
//! solved. The score clicked in the message opens the page with it chosen (`?score=N`) and a
//! comment box; sending records both. The link takes one answer; a changed or guessed token is not
//! found.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::tickets::{self, SurveyView};

use super::{Tr, explain, render, status_of};

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    t: Tr,
    token: String,
    survey: Option<SurveyView>,
    /// The score clicked in the message, to confirm with an optional comment.
    chosen: Option<i64>,
    error: Option<String>,
}

fn language(survey: &Option<SurveyView>) -> Tr {
    let zh = survey.as_ref().is_some_and(|s| s.language.to_ascii_lowercase().starts_with("zh"));
    Tr::for_locale(if zh { "zh-CN" } else { "en" })
}

fn page(token: &str, found: tradeport_app::AppResult<SurveyView>, chosen: Option<i64>) -> Response {
    let (status, survey, refused) = match found {
        Ok(s) => (StatusCode::OK, Some(s), None),
        Err(e) => (status_of(&e), None, Some(e)),
    };
    let t = language(&survey);
    let error = refused.map(|e| explain(t, &e));
    let chosen = chosen.filter(|n| (1..=5).contains(n));
    render(t, status, &SurveyPage { t, token: token.to_string(), survey, chosen, error })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScoreQuery {
    score: Option<i64>,
}

/// GET /survey/{token}[?score=N]: the survey, the score clicked in the message ready to send
/// (a GET changes nothing: mail scanners open every link), or what was answered.
pub async fn show(
    State(app): State<App>,
    Path(token): Path<String>,
    Query(q): Query<ScoreQuery>,
) -> Response {
    page(&token, tickets::survey_page(&app, &token).await, q.score)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    score: i64,
    comment: String,
}

/// POST /survey/{token}: the buyer's score and comment, taken once.
pub async fn answer(
    State(app): State<App>,
    Path(token): Path<String>,
    Form(f): Form<AnswerForm>,
) -> Response {
    match tickets::answer_survey(&app, &token, f.score, &f.comment).await {
        Ok(s) => page(&token, Ok(s), None),
        Err(e @ tradeport_app::AppError::Conflict { .. }) => {
            let mut response = page(&token, tickets::survey_page(&app, &token).await, None);
            *response.status_mut() = status_of(&e);
            response
        }
        Err(e) => page(&token, Err(e), Some(f.score)),
    }
}
