//! Errors as HTTP responses, in one shape everywhere:
//! `{"error":{"code":"…","message":"…","fields":[{"field":"…","code":"…","message":"…"}]}}`.
//! The status follows from the error in one table (`status_of`). A 5xx says nothing of its cause
//! to the client; the cause is logged with the request id.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tradeport_app::AppError;
use tradeport_domain::access::AccessError;
use tradeport_domain::kernel::FieldError;

/// An error response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ErrorDetail {
    /// Stable code, e.g. `validation_failed`, `auth.forbidden`, `not_found`.
    code: &'static str,
    message: String,
    fields: Vec<FieldErrorBody>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct FieldErrorBody {
    field: String,
    code: String,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), fields: Vec::new() }
    }

    pub fn with_field(mut self, field: &str, code: &str, message: impl Into<String>) -> Self {
        self.fields.push(FieldError::new(field, code, message));
        self
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }
}

pub fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Invalid(_) | AppError::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } | AppError::IdempotencyInProgress => StatusCode::CONFLICT,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Unsigned(_) => StatusCode::UNAUTHORIZED,
        AppError::Access(a) => match a {
            AccessError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AccessError::BadCredentials | AccessError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AccessError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AccessError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AccessError::NotFound(_) => StatusCode::NOT_FOUND,
        },
        AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Logs a 5xx's cause with its whole source chain (the request id is on the log line's span).
pub fn log_internal(err: &AppError) {
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    tracing::error!(error = %chain, "request failed");
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        let status = status_of(&err);
        if status.is_server_error() {
            log_internal(&err);
            let message = if tradeport_app::request_committed() {
                "an internal error occurred after the change was saved; it was logged: reload to see the result before retrying"
            } else {
                "an internal error occurred; it was logged, and nothing was changed"
            };
            return Self::new(status, "internal", message);
        }
        Self { status, code: err.code(), message: err.to_string(), fields: err.fields().to_vec() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let fields = self
            .fields
            .into_iter()
            .map(|f| FieldErrorBody { field: f.field, code: f.code, message: f.message })
            .collect();
        let body = ErrorBody { error: ErrorDetail { code: self.code, message: self.message, fields } };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert("www-authenticate", axum::http::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Result of an API handler.
pub type ApiResult<T> = Result<T, ApiError>;
