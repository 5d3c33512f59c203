//! Extractors that turn every malformed request into the documented error shape: JSON bodies,
//! query strings, ids in paths and the authenticated principal.

use std::str::FromStr;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tradeport_domain::access::Principal;

use crate::error::ApiError;

/// A JSON body; unknown fields, wrong types, bad syntax, a wrong content type and an oversized
/// body each get their own code, and data errors name the field by its path (`lines[0].sku`).
pub struct ApiJson<T>(pub T);

fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let content_type =
        headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "request.unsupported_media_type",
                "send the body as JSON with the header 'Content-Type: application/json'",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "request.too_large",
                    "the body is larger than the limit of 1 MiB; send less data per request",
                )
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "request.unreadable_body", e.body_text())
            }
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            json_error(&path, e.into_inner())
        })?;
        de.end().map_err(|e| json_error(".", e))?;
        Ok(Self(value))
    }
}

/// The error for a body serde refused: bad syntax is 400; wrong data is 422 naming the field.
fn json_error(path: &str, e: serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let message = e.to_string();
    if !matches!(e.classify(), Category::Data) {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.malformed_json",
            format!("the body is not valid JSON: {message}"),
        );
    }
    // At the top level the path is "."; serde names unknown and missing fields in its message.
    let at = (path != ".").then_some(path);
    let quoted =
        |prefix: &str| message.strip_prefix(prefix).and_then(|r| r.split('`').next()).map(str::to_string);
    if let Some(name) = quoted("unknown field `") {
        // The path of an unknown field already ends with its name.
        let field = at.map_or(name.clone(), str::to_string);
        return ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.unknown_field",
            format!("unknown field '{name}'; remove it"),
        )
        .with_field(&field, "unknown_field", message);
    }
    let (field, code) = match (quoted("missing field `"), at) {
        (Some(name), Some(p)) => (format!("{p}.{name}"), "required"),
        (Some(name), None) => (name, "required"),
        (None, Some(p)) => (p.to_string(), "invalid_type"),
        (None, None) => ("body".to_string(), "invalid_type"),
    };
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        format!("the body does not match the schema: {message}"),
    )
    .with_field(&field, code, message)
}

/// serde's message after axum's prefix, e.g. "invalid digit found in string".
fn inner_text(text: &str) -> String {
    text.split_once(": ").map_or(text, |(_, rest)| rest).to_string()
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

/// A file sent as the request's body (an order file, a settlement report): at most
/// [`crate::middleware::ORDER_FILE_LIMIT`] bytes, else 413.
pub async fn file_body(body: axum::body::Body) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, crate::middleware::ORDER_FILE_LIMIT).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
            "the file is larger than 64 MiB; split it",
        )
    })
}
