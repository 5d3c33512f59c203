//! The error every use case returns. Each variant has a stable code; the web layer maps variants
//! to HTTP statuses in one place.

use thiserror::Error;
use tradeport_domain::access::AccessError;
use tradeport_domain::kernel::FieldError;
use tradeport_store::StoreError;

/// What a use case can fail with.
#[derive(Debug, Error)]
pub enum AppError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("{message}")]
    Conflict { code: &'static str, message: String, fields: Vec<FieldError> },
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A webhook whose signature does not verify: nothing of it is kept.
    #[error("{0}")]
    Unsigned(String),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error("this Idempotency-Key was used with a different request; use a new key for a new request")]
    IdempotencyMismatch,
    #[error("a request with this Idempotency-Key is still being processed; retry in a moment")]
    IdempotencyInProgress,
    #[error("storage failed")]
    Store(#[source] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

/// A unique constraint becomes a 409 naming the field to change (use cases that know a better
/// message map their own first); every other storage error stays internal.
impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict { constraint, field } => Self::duplicate(
                field,
                format!("{field}: this value is taken already ({constraint}); choose another"),
            ),
            other => Self::Store(other),
        }
    }
}

/// Result of a use case.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The stable code clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "validation_failed",
            Self::Conflict { code, .. } => code,
            Self::NotFound(_) => "not_found",
            Self::Unsigned(_) => "webhook.signature_invalid",
            Self::Access(a) => match a {
                AccessError::Invalid(_) => "validation_failed",
                AccessError::BadCredentials => "auth.bad_credentials",
                AccessError::Throttled { .. } => "auth.throttled",
                AccessError::Unauthenticated => "auth.unauthenticated",
                AccessError::Forbidden { .. } => "auth.forbidden",
                AccessError::NotFound(_) => "not_found",
            },
            Self::IdempotencyMismatch => "idempotency.key_reused",
            Self::IdempotencyInProgress => "idempotency.in_progress",
            Self::Store(_) | Self::Internal(_) => "internal",
        }
    }

    /// Field errors, when the failure is about input fields.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            Self::Invalid(f) | Self::Conflict { fields: f, .. } | Self::Access(AccessError::Invalid(f)) => f,
            _ => &[],
        }
    }

    /// A conflict on one field, from a unique constraint.
    pub fn duplicate(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Conflict {
            code: "duplicate",
            fields: vec![FieldError::new(field, "duplicate", message.clone())],
            message,
        }
    }
}

/// An id a caller sent: one that does not parse names nothing that exists, so it is answered as
/// not found (`what`), like an id of another tenant.
pub fn parse_id<T: std::str::FromStr>(raw: &str, what: &'static str) -> AppResult<T> {
    raw.trim().parse().map_err(|_| AppError::NotFound(what))
}
