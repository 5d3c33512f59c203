//! The buyer's satisfaction survey (CS-6): public, reached by the link sent when a ticket was
//! solved. One click on a score in the message records it (`?score=N`); the page then takes a
//! comment. The link takes one answer; a changed or guessed token is not found.

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
    error: Option<String>,
    thanked: bool,
}

fn language(survey: &Option<SurveyView>) -> Tr {
    let zh = survey.as_ref().is_some_and(|s| s.language.to_ascii_lowercase().starts_with("zh"));
    Tr::for_locale(if zh { "zh-CN" } else { "en" })
}

fn page(token: &str, found: tradeport_app::AppResult<SurveyView>, thanked: bool) -> Response {
    let (status, survey, error) = match found {
        Ok(s) => (StatusCode::OK, Some(s), None),
        Err(e) => (status_of(&e), None, Some(explain(&e))),
    };
    let t = language(&survey);
    render(t, status, &SurveyPage { t, token: token.to_string(), survey, error, thanked })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScoreQuery {
    score: Option<i64>,
}

/// GET /survey/{token}[?score=N]: the survey, or the score just given.
pub async fn show(
    State(app): State<App>,
    Path(token): Path<String>,
    Query(q): Query<ScoreQuery>,
) -> Response {
    match q.score {
        Some(score) => match tickets::answer_survey(&app, &token, score, "").await {
            Ok(s) => page(&token, Ok(s), false),
            // Answered before (a second click): show what was kept, and say so.
            Err(e @ tradeport_app::AppError::Conflict { .. }) => {
                let kept = tickets::survey_page(&app, &token).await;
                let status = status_of(&e);
                let mut response = page(&token, kept, false);
                *response.status_mut() = status;
                response
            }
            Err(e) => page(&token, Err(e), false),
        },
        None => page(&token, tickets::survey_page(&app, &token).await, false),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommentForm {
    comment: String,
}

/// POST /survey/{token}: the buyer's comment with the score given.
pub async fn comment(
    State(app): State<App>,
    Path(token): Path<String>,
    Form(f): Form<CommentForm>,
) -> Response {
    match tickets::comment_survey(&app, &token, &f.comment).await {
        Ok(s) => page(&token, Ok(s), true),
        Err(e) => page(&token, Err(e), false),
    }
}
