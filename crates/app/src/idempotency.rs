//! The `Idempotency-Key` convention for API writes: the first request with a key runs and its
//! successful response is kept for 24 hours; a retry with the same key and the same request gets
//! that response again without running; the same key with a different request is refused. A
//! failed request frees its key, so a corrected retry can run.

use tradeport_connectors::secrets::sha256_hex;
use tradeport_domain::access::{Actor, Principal};
use tradeport_domain::kernel::FieldError;
use tradeport_store::idempotency::{self, Claim};

use crate::{App, AppError, AppResult};

/// How long a key is remembered, in minutes.
pub const RETENTION_MINUTES: i64 = 24 * 60;

/// A claimed key: finish it with the response, or release it on failure.
#[derive(Clone, Debug)]
pub struct ClaimedKey {
    principal: String,
    key: String,
}

/// What to do with a request that carries a key.
#[derive(Clone, Debug)]
pub enum Idempotent {
    /// Run the request, then call [`finish`] or [`release`].
    Run(ClaimedKey),
    /// Answer with this stored response.
    Replay { status: u16, body: String },
}

fn principal_key(p: &Principal) -> String {
    match p.actor {
        Actor::User(id) => format!("user:{id}"),
        Actor::ApiKey(id) => format!("api_key:{id}"),
        Actor::System => format!("system:{}", p.scope.operator_id),
    }
}

/// Checks the key and claims it for this request (`fingerprint`: method, path and body).
pub async fn claim(app: &App, principal: &Principal, key: &str, fingerprint: &[u8]) -> AppResult<Idempotent> {
    let key_ok = !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic());
    if !key_ok {
        return Err(AppError::Invalid(vec![FieldError::new(
            "Idempotency-Key",
            "invalid_idempotency_key",
            "the Idempotency-Key header must be 1-255 visible ASCII characters, e.g. a UUID",
        )]));
    }
    let hash = sha256_hex(fingerprint);
    let pk = principal_key(principal);
    let mut tx = app.db().begin().await?;
    let claim = idempotency::claim(&mut tx, principal.scope.operator_id, &pk, key, &hash, app.now()).await?;
    tradeport_store::commit(tx).await?;
    match claim {
        Claim::Claimed => Ok(Idempotent::Run(ClaimedKey { principal: pk, key: key.to_string() })),
        Claim::Replay { status, body } => Ok(Idempotent::Replay { status, body }),
        Claim::Mismatch => Err(AppError::IdempotencyMismatch),
        Claim::InProgress => Err(AppError::IdempotencyInProgress),
    }
}

/// Stores the response of a successful request.
pub async fn finish(app: &App, claimed: &ClaimedKey, status: u16, body: &str) -> AppResult<()> {
    let mut tx = app.db().begin().await?;
    idempotency::complete(&mut tx, &claimed.principal, &claimed.key, status, body).await?;
    tradeport_store::commit(tx).await?;
    Ok(())
}

/// Frees the key of a failed request.
pub async fn release(app: &App, claimed: &ClaimedKey) -> AppResult<()> {
    let mut tx = app.db().begin().await?;
    idempotency::release(&mut tx, &claimed.principal, &claimed.key).await?;
    tradeport_store::commit(tx).await?;
    Ok(())
}
