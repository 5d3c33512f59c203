//! Signing in with e-mail and password, with throttling of repeated failures, and signing out.

use tradeport_connectors::passwords::{decoy_hash, verify_password};
use tradeport_connectors::secrets::{random_token, sha256_hex};
use tradeport_domain::access::{AccessError, TenantSettings};
use tradeport_store::access::{login_attempts, sessions, tenants, users};

use crate::{App, AppError, AppResult};

/// A new session: the token goes into the cookie, the CSRF token into every form.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub session_token: String,
    pub csrf_token: String,
    pub max_age_secs: i64,
}

/// How many more failures than an account's own limit one client address may make across all
/// accounts (password spraying) and one account may take from all addresses (guessing from
/// many machines). Counting per account *and* address means a stranger guessing from one address
/// cannot lock a user out of the user's own machine; it takes failures from many addresses.
const ADDRESS_FACTOR: i64 = 4;
const ACCOUNT_FACTOR: i64 = 10;

/// Checks the password and opens a session. Every attempt is recorded as a failure before the
/// password is checked, serialised per account, so parallel guesses count one after another.
/// After `login_max_failures` failures on one account from one address within
/// `login_window_minutes` (operator settings; defaults 5 in 15 minutes), or 4 times as many
/// from one address, or 10 times as many on one account, attempts are refused without checking
/// the password until the window has passed.
pub async fn sign_in(app: &App, email: &str, password: &str, ip: &str) -> AppResult<SignedIn> {
    let email = email.trim().to_lowercase();
    let now = app.now();
    let mut conn = app.db().read().await?;
    let user = users::find_by_email(&mut conn, &email).await?;
    let settings = match &user {
        Some(u) => load_settings(&mut conn, u.tenant_id).await?,
        None => TenantSettings::default(),
    };
    drop(conn);
    let window = i64::from(settings.login_window_minutes);
    let max = i64::from(settings.login_max_failures);

    let attempt = app.new_uuid();
    let mut tx = app.db().begin().await?;
    login_attempts::lock_account_in_tx(&mut tx, &email).await?;
    let failures = login_attempts::recent_failures(&mut tx, &email, ip, now.minus_minutes(window)).await?;
    let limits = [
        (failures.account_from_address, max),
        (failures.from_address, max * ADDRESS_FACTOR),
        (failures.account, max * ACCOUNT_FACTOR),
    ];
    if let Some(((_, oldest), _)) = limits.iter().find(|((n, _), limit)| n >= limit) {
        let free_at = oldest.unwrap_or(now).plus_minutes(window);
        let retry_after_minutes = ((free_at.0 - now.0) / 60_000).max(1);
        return Err(AccessError::Throttled { retry_after_minutes }.into());
    }
    login_attempts::record(&mut tx, attempt, &email, ip, false, now).await?;
    tradeport_store::commit(tx).await?;

    let hash = user.as_ref().map_or_else(|| decoy_hash().to_string(), |u| u.password_hash.clone());
    let pw = password.to_string();
    let matches = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(user) = user.filter(|u| matches && u.active) else {
        return Err(AccessError::BadCredentials.into());
    };
    let mut tx = app.db().begin().await?;
    login_attempts::mark_succeeded(&mut tx, attempt).await?;
    let session_token = random_token(32);
    let csrf_token = random_token(24);
    let max_age_secs = i64::from(settings.session_hours) * 3600;
    let expires = tradeport_domain::kernel::Millis(now.0 + max_age_secs * 1000);
    sessions::insert(&mut tx, &sha256_hex(&session_token), user.id, &csrf_token, now, expires).await?;
    users::touch_login(&mut tx, user.tenant_id, user.id, now).await?;
    tradeport_store::commit(tx).await?;
    Ok(SignedIn { session_token, csrf_token, max_age_secs })
}

/// Ends the session of this token.
pub async fn sign_out(app: &App, session_token: &str) -> AppResult<()> {
    let mut tx = app.db().begin().await?;
    sessions::delete(&mut tx, &sha256_hex(session_token)).await?;
    tradeport_store::commit(tx).await?;
    Ok(())
}

/// An operator's settings and time zone: what order rules need.
#[derive(Clone, Debug)]
pub(crate) struct OperatorPolicy {
    pub id: tradeport_domain::kernel::TenantId,
    pub settings: TenantSettings,
    pub timezone: String,
    /// The default working calendar: the review steps' clocks count in it.
    pub calendar: Option<crate::sla::StoredCalendar>,
}

/// The operator's own tenant row (its name, time zone, settings, when it was set up).
pub(crate) async fn operator_row(
    conn: &mut tradeport_store::AnyConnection,
    operator_id: tradeport_domain::kernel::TenantId,
) -> AppResult<tenants::TenantRow> {
    tenants::get(conn, operator_id, operator_id).await?.ok_or(AppError::NotFound("tenant"))
}

/// The settings and time zone of an operator.
pub(crate) async fn load_operator(
    conn: &mut tradeport_store::AnyConnection,
    operator_id: tradeport_domain::kernel::TenantId,
) -> AppResult<OperatorPolicy> {
    let row = operator_row(conn, operator_id).await?;
    let settings = serde_json::from_str(&row.settings)
        .map_err(|e| AppError::Internal(format!("stored settings of {operator_id}: {e}")))?;
    let calendar = crate::sla::load_default(conn, operator_id).await?;
    Ok(OperatorPolicy { id: operator_id, settings, timezone: row.timezone, calendar })
}

/// The settings of an operator.
pub(crate) async fn load_settings(
    conn: &mut tradeport_store::AnyConnection,
    operator_id: tradeport_domain::kernel::TenantId,
) -> AppResult<TenantSettings> {
    Ok(load_operator(conn, operator_id).await?.settings)
}

/// A token for a form shown before sign-in (double-submit CSRF protection of the sign-in form).
pub fn new_form_token() -> String {
    random_token(24)
}
