//! Extractors that turn every malformed request into the documented error shape: JSON bodies,
//! query strings, ids in paths and the authenticated principal.

use std::str::FromStr;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tradeport_domain::access::Principal;

use crate::error::ApiError;

/// A JSON body; unknown fields, wrong types, bad syntax, a wrong content type and an oversized
/// body each get their own code.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.unsupported_media_type",
            "send the body as JSON with the header 'Content-Type: application/json'",
        ),
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.malformed_json",
            format!("the body is not valid JSON: {}", inner_text(&e.body_text())),
        ),
        JsonRejection::JsonDataError(e) => data_error(&e.body_text()),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
            "the body is larger than the limit of 1 MiB; send less data per request",
        ),
        other => ApiError::new(StatusCode::BAD_REQUEST, "request.unreadable_body", other.body_text()),
    }
}

/// serde's message after axum's prefix, e.g. "unknown field `x`, expected one of … at line 1".
fn inner_text(text: &str) -> String {
    text.split_once(": ").map_or(text, |(_, rest)| rest).to_string()
}

fn data_error(text: &str) -> ApiError {
    let detail = inner_text(text);
    let field = detail.split_once(": ").map(|(path, _)| path.to_string()).filter(|p| !p.contains(' '));
    let message = field
        .as_ref()
        .map_or(detail.clone(), |_| detail.split_once(": ").map_or(detail.clone(), |(_, m)| m.to_string()));
    if let Some(name) = message.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
        // serde_path_to_error's path already ends with the unknown field's name.
        let field_name = field.clone().unwrap_or_else(|| name.to_string());
        return ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.unknown_field",
            format!("unknown field '{name}'; remove it"),
        )
        .with_field(&field_name, "unknown_field", message.clone());
    }
    let missing = message.strip_prefix("missing field `").and_then(|r| r.split('`').next());
    let (field_name, code) = match (missing, &field) {
        (Some(name), Some(p)) => (format!("{p}.{name}"), "required"),
        (Some(name), None) => (name.to_string(), "required"),
        (None, Some(p)) => (p.clone(), "invalid_type"),
        (None, None) => ("body".to_string(), "invalid_type"),
    };
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        format!("the body does not match the schema: {message}"),
    )
    .with_field(&field_name, code, message)
}

/// A query string.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(Self(q.0)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                format!("the query string is invalid: {}", inner_text(&e.body_text())),
            )),
            Err(other) => Err(ApiError::new(StatusCode::BAD_REQUEST, "request.bad_query", other.body_text())),
        }
    }
}

/// Parses an id from a path; a malformed id is "not found", like an unknown one.
pub fn parse_id<T: FromStr>(raw: &str, what: &str) -> Result<T, ApiError> {
    T::from_str(raw).map_err(|_| ApiError::not_found(what))
}

/// The principal the API authentication middleware attached to the request.
pub struct Auth(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Principal>().copied().map(Self).ok_or_else(|| {
            ApiError::from(tradeport_app::AppError::Access(
                tradeport_domain::access::AccessError::Unauthenticated,
            ))
        })
    }
}

/// A JSON body that may be left out entirely (then `T::default()`).
pub struct OptionalJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let announced = req
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if announced == Some(0) || (announced.is_none() && !req.headers().contains_key("content-type")) {
            return Ok(Self(T::default()));
        }
        ApiJson::<T>::from_request(req, state).await.map(|ApiJson(v)| Self(v))
    }
}
