//! The `Idempotency-Key` convention for API writes (docs/API.md): the first request with a key
//! claims it under a short lease; the use case's own transaction marks the key as written
//! ([`crate::UnitOfWork::commit`]); the response is stored when the request ends and replayed to
//! a retry with the same key and request. The same key with a different request is refused. A
//! request that failed before writing frees its key; one that died (crash, time limit) leaves it
//! claimed until the lease ends, then a retry runs.

use tradeport_connectors::secrets::{random_token, sha256_hex};
use tradeport_domain::access::{Actor, Principal};
use tradeport_domain::kernel::{FieldError, Millis};
use tradeport_store::idempotency::{self, Claim, KeyClaim};

use crate::unit_of_work::KeyLease;
use crate::{App, AppError, AppResult};

/// How long a key is remembered, in minutes.
pub const RETENTION_MINUTES: i64 = 24 * 60;

/// How long a running request holds its key; longer than the default request time limit (30 s),
/// so a slow request is not overtaken by its own retry. A retry of a request that died waits at
/// most this long.
pub const LEASE_MS: i64 = 60_000;

/// What to do with a request that carries a key.
#[derive(Clone, Debug)]
pub enum Idempotent {
    /// Run the request under this lease, then call [`finish`].
    Run(KeyLease),
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

/// What identifies a request: method, full path with query, and body.
pub fn fingerprint(method: &str, path_and_query: &str, body: &[u8]) -> String {
    let mut bytes = format!("{method} {path_and_query}\n").into_bytes();
    bytes.extend_from_slice(body);
    sha256_hex(&bytes)
}

/// Checks the key and claims it for this request (`request_hash` from [`fingerprint`]).
pub async fn claim(app: &App, principal: &Principal, key: &str, request_hash: &str) -> AppResult<Idempotent> {
    let key_ok = !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic());
    if !key_ok {
        return Err(AppError::Invalid(vec![FieldError::new(
            "Idempotency-Key",
            "invalid_idempotency_key",
            "the Idempotency-Key header must be 1-255 visible ASCII characters, e.g. a UUID",
        )]));
    }
    let lease =
        KeyLease { principal: principal_key(principal), key: key.to_string(), token: random_token(16) };
    let now = app.now();
    let claim = KeyClaim {
        tenant_id: principal.scope.operator_id,
        principal: &lease.principal,
        key,
        request_hash,
        token: &lease.token,
        now,
        lease_until: Millis(now.0 + LEASE_MS),
    };
    let mut tx = app.db().begin().await?;
    let found = idempotency::claim(&mut tx, &claim).await?;
    tradeport_store::commit(tx).await?;
    match found {
        Claim::Claimed => Ok(Idempotent::Run(lease)),
        Claim::Replay { status, body } => Ok(Idempotent::Replay { status, body }),
        Claim::Mismatch => Err(AppError::IdempotencyMismatch),
        Claim::InProgress => Err(AppError::IdempotencyInProgress),
        Claim::CommittedWithoutResponse => Err(AppError::Conflict {
            code: "idempotency.answer_lost",
            message: "the first request with this Idempotency-Key was carried out, but its answer was lost \
                      (the server stopped); it will not run again: read the resource to see the result"
                .into(),
            fields: Vec::new(),
        }),
    }
}

/// Ends the request's claim: keeps `body` for replays when the request succeeded or wrote
/// something, and frees the key otherwise.
pub async fn finish(app: &App, lease: &KeyLease, succeeded: bool, status: u16, body: &str) -> AppResult<()> {
    let mut tx = app.db().begin().await?;
    idempotency::finish_in_tx(&mut tx, &lease.principal, &lease.key, &lease.token, succeeded, status, body)
        .await?;
    tradeport_store::commit(tx).await?;
    Ok(())
}
