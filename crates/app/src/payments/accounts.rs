//! Connecting a merchant's payment provider account (ORD-5): its API key and webhook secrets
//! sealed at rest, never answered, and the address its provider sends events to.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::channels::ConnectionStatus;
use tradeport_domain::kernel::{FieldError, FieldErrors};
use tradeport_domain::payments::PaymentProvider;
use tradeport_store::payments::accounts::{self, AccountRow};

use tradeport_connectors::rsa_sha256::{RsaPrivateKey, RsaPublicKey};

use super::seal_context;
use crate::inventory::{check_merchant, merchant_for};
use crate::{App, AppError, AppResult};

/// An account to connect or change. On a change an absent field keeps its value; a new
/// `webhook_secret` makes the current one the previous one, still accepted until
/// `forget_previous_secret` (Stripe signs with both while a secret is rolled).
///
/// What each provider needs:
/// - Stripe: `webhook_secret` (`whsec_…`); `api_key` (`sk_…`/`rk_…`) to create payments;
/// - PayPal: `client_id` and `webhook_id` (the webhook's id, part of what PayPal signs);
///   `api_key` (the app's client secret) to create payments;
/// - Alipay: `client_id` and `provider_public_key` (Alipay's RSA public key, base64 or PEM);
///   `api_key` (the merchant's RSA private key, PKCS #8) to create payments.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AccountRequest {
    /// The merchant (staff only; a merchant's accounts are its own).
    pub merchant_id: Option<String>,
    /// `stripe`, `paypal` or `alipay` (on create only).
    pub provider: Option<PaymentProvider>,
    pub name: Option<String>,
    /// The provider's secret: Stripe's API key, PayPal's client secret, the merchant's Alipay
    /// private key. Write-only.
    pub api_key: Option<String>,
    /// The secret Stripe signs events with (the endpoint's `whsec_…`). Write-only.
    pub webhook_secret: Option<String>,
    /// Stop accepting the secret before the last rotation.
    pub forget_previous_secret: bool,
    /// PayPal's or Alipay's client id.
    pub client_id: Option<String>,
    /// PayPal's webhook id.
    pub webhook_id: Option<String>,
    /// Alipay's public key, that its notifications are verified with.
    pub provider_public_key: Option<String>,
    pub status: Option<ConnectionStatus>,
}

/// An account as answered: never a secret, only whether one is set.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub id: String,
    pub merchant_id: String,
    pub provider: PaymentProvider,
    pub name: String,
    /// Where the provider sends its events.
    pub webhook_url: String,
    pub has_api_key: bool,
    pub has_webhook_secret: bool,
    pub previous_secret_accepted: bool,
    /// PayPal's or Alipay's client id; empty for Stripe.
    pub client_id: String,
    /// PayPal's webhook id; empty otherwise.
    pub webhook_id: String,
    pub has_provider_public_key: bool,
    pub status: ConnectionStatus,
    pub last_event_at: Option<i64>,
    pub created_at: i64,
}

fn view(app: &App, a: &AccountRow) -> AppResult<AccountView> {
    let corrupt =
        |what: &str| AppError::Internal(format!("stored payment account {} has an unknown {what}", a.id));
    Ok(AccountView {
        id: a.id.clone(),
        merchant_id: a.merchant_id.clone(),
        provider: PaymentProvider::parse(&a.provider).ok_or_else(|| corrupt("provider"))?,
        name: a.name.clone(),
        webhook_url: format!("{}/api/v1/payment-hooks/{}", app.public_url(), a.id),
        has_api_key: !a.api_key.is_empty(),
        has_webhook_secret: !a.webhook_secret.is_empty(),
        previous_secret_accepted: !a.previous_webhook_secret.is_empty(),
        client_id: a.client_id.clone(),
        webhook_id: a.webhook_id.clone(),
        has_provider_public_key: !a.provider_public_key.is_empty(),
        status: ConnectionStatus::parse(&a.status).ok_or_else(|| corrupt("status"))?,
        last_event_at: a.last_event_at,
        created_at: a.created_at,
    })
}

/// A plain (not secret) identifier: trimmed, printable, at most 200 characters.
fn plain_id(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty() && v.len() <= 200 && v.chars().all(|c| c.is_ascii_graphic())).then(|| v.to_string())
}

/// Checks the provider's own fields of `r` against `a`'s provider, and keeps the plain ones.
fn apply_provider_fields(a: &mut AccountRow, r: &AccountRequest, e: &mut FieldErrors) {
    let provider = PaymentProvider::parse(&a.provider);
    let api_key = r.api_key.as_deref().map(str::trim);
    let not_used = |e: &mut FieldErrors, field: &str, given: bool| {
        if given {
            e.add(field, "not_used", format!("{field} is not used by {} accounts: leave it out", a.provider));
        }
    };
    let required = |e: &mut FieldErrors,
                    field: &str,
                    given: &Option<String>,
                    kept: &mut String,
                    hint: &str| match given.as_deref().map(plain_id) {
        Some(Some(v)) => *kept = v,
        Some(None) => e.add(field, "invalid", format!("{field} is {hint}")),
        None if kept.is_empty() => e.add(field, "required", format!("give {field}: {hint}")),
        None => {}
    };
    match provider {
        Some(PaymentProvider::Stripe) | None => {
            if api_key.is_some_and(|k| !(k.starts_with("sk_") || k.starts_with("rk_")) || k.len() < 12) {
                e.add(
                    "api_key",
                    "invalid_api_key",
                    "api_key is the Stripe secret (sk_…) or restricted (rk_…) key",
                );
            }
            let secret = r.webhook_secret.as_deref().map(str::trim);
            if secret.is_some_and(|s| s.len() < 8) {
                e.add(
                    "webhook_secret",
                    "too_short",
                    "webhook_secret is the endpoint's signing secret (whsec_…)",
                );
            }
            if a.webhook_secret.is_empty() && secret.is_none() {
                e.add(
                    "webhook_secret",
                    "required",
                    "give the endpoint's signing secret (whsec_…), so the provider's events can be verified",
                );
            }
            not_used(e, "client_id", r.client_id.is_some());
            not_used(e, "webhook_id", r.webhook_id.is_some());
            not_used(e, "provider_public_key", r.provider_public_key.is_some());
        }
        Some(PaymentProvider::Paypal) => {
            required(
                e,
                "client_id",
                &r.client_id,
                &mut a.client_id,
                "the REST app's client id from PayPal's developer dashboard",
            );
            required(
                e,
                "webhook_id",
                &r.webhook_id,
                &mut a.webhook_id,
                "the id PayPal gave the webhook that points here",
            );
            if api_key.is_some_and(|k| k.len() < 8) {
                e.add("api_key", "invalid_api_key", "api_key is the REST app's client secret");
            }
            not_used(e, "webhook_secret", r.webhook_secret.is_some());
            not_used(e, "provider_public_key", r.provider_public_key.is_some());
        }
        Some(PaymentProvider::Alipay) => {
            required(
                e,
                "client_id",
                &r.client_id,
                &mut a.client_id,
                "the client id Alipay gave the merchant",
            );
            match r.provider_public_key.as_deref().map(str::trim) {
                Some(k) => match RsaPublicKey::from_spki_text(k) {
                    Ok(_) => a.provider_public_key = k.to_string(),
                    Err(why) => e.add(
                        "provider_public_key",
                        "invalid_key",
                        format!("{why}: give Alipay's public key as shown in its console (base64 or PEM)"),
                    ),
                },
                None if a.provider_public_key.is_empty() => e.add(
                    "provider_public_key",
                    "required",
                    "give Alipay's public key, so its notifications can be verified",
                ),
                None => {}
            }
            if let Some(Err(why)) = api_key.map(RsaPrivateKey::from_pkcs8_text) {
                e.add(
                    "api_key",
                    "invalid_key",
                    format!("{why}: api_key is the merchant's RSA private key (PKCS #8), whose public key is registered with Alipay"),
                );
            }
            not_used(e, "webhook_secret", r.webhook_secret.is_some());
            not_used(e, "webhook_id", r.webhook_id.is_some());
        }
    }
}

/// Checks and applies `r` to `a` (new or stored), sealing secrets.
fn apply(app: &App, a: &mut AccountRow, r: &AccountRequest) -> AppResult<()> {
    let mut e = FieldErrors::new();
    if let Some(name) = &r.name {
        a.name = name.trim().to_string();
    }
    if a.name.is_empty() || a.name.chars().count() > 100 {
        e.add("name", "required", "name the account (at most 100 characters), e.g. \"Stripe UK\"");
    }
    apply_provider_fields(a, r, &mut e);
    e.into_result().map_err(AppError::Invalid)?;
    let api_key = r.api_key.as_deref().map(str::trim);
    let secret = r.webhook_secret.as_deref().map(str::trim);
    if let Some(status) = r.status {
        a.status = status.as_str().to_string();
    }
    if api_key.is_none() && secret.is_none() && !r.forget_previous_secret {
        return Ok(());
    }
    let keyring = app.keyring()?;
    if let Some(key) = api_key {
        a.api_key = keyring.seal(key, &seal_context(&a.id, "api_key"));
    }
    if let Some(secret) = secret {
        a.previous_webhook_secret = if a.webhook_secret.is_empty() {
            String::new()
        } else {
            let current =
                keyring.open(&a.webhook_secret, &seal_context(&a.id, "webhook_secret")).map_err(|e| {
                    AppError::Internal(format!("payment account {}'s secret does not open: {e}", a.id))
                })?;
            keyring.seal(&current, &seal_context(&a.id, "previous_webhook_secret"))
        };
        a.webhook_secret = keyring.seal(secret, &seal_context(&a.id, "webhook_secret"));
    }
    if r.forget_previous_secret {
        a.previous_webhook_secret.clear();
    }
    Ok(())
}

/// Connects a payment provider account. Admins, finance, merchants (their own).
pub async fn create_account(app: &App, principal: &Principal, r: &AccountRequest) -> AppResult<AccountView> {
    principal.require(Permission::ManagePayments)?;
    let merchant = merchant_for(principal, r.merchant_id.as_deref())?;
    check_merchant(app, principal, merchant).await?;
    let Some(provider) = r.provider else {
        let all: Vec<&str> = PaymentProvider::ALL.iter().map(|p| p.as_str()).collect();
        return Err(AppError::Invalid(vec![FieldError::new(
            "provider",
            "required",
            format!("provider is one of: {}", all.join(", ")),
        )]));
    };
    let now = app.now();
    let mut a = AccountRow {
        id: app.new_uuid().to_string(),
        tenant_id: principal.scope.operator_id.to_string(),
        merchant_id: merchant.to_string(),
        provider: provider.as_str().into(),
        name: String::new(),
        api_key: String::new(),
        webhook_secret: String::new(),
        previous_webhook_secret: String::new(),
        client_id: String::new(),
        webhook_id: String::new(),
        provider_public_key: String::new(),
        status: ConnectionStatus::Active.as_str().into(),
        last_event_at: None,
        created_at: now.0,
        updated_at: now.0,
    };
    apply(app, &mut a, r)?;
    let mut tx = app.begin().await?;
    accounts::insert_in_tx(&mut tx, &a).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(merchant),
        data: serde_json::json!({ "provider": a.provider, "name": a.name }).to_string(),
        ..app.event(principal.actor, "payment_account", &a.id, "payment_account_connected")
    };
    tradeport_store::events::append_many_in_tx(&mut tx, principal.scope.operator_id, &[event]).await?;
    tx.commit().await?;
    view(app, &a)
}

/// Changes an account: its name, key, secret (a rotation) or status.
pub async fn update_account(
    app: &App,
    principal: &Principal,
    id: &str,
    r: &AccountRequest,
) -> AppResult<AccountView> {
    principal.require(Permission::ManagePayments)?;
    if r.provider.is_some() || r.merchant_id.is_some() {
        return Err(AppError::Invalid(vec![FieldError::new(
            "provider",
            "not_changeable",
            "an account's provider and merchant stay as made; connect another account instead",
        )]));
    }
    let mut conn = app.db().read().await?;
    let mut a = accounts::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("payment account"))?;
    drop(conn);
    let read_at = a.updated_at;
    apply(app, &mut a, r)?;
    a.updated_at = app.now().0.max(read_at + 1);
    let mut tx = app.begin().await?;
    if !accounts::update_in_tx(&mut tx, &a, read_at).await? {
        tx.end_unwritten().await?;
        return Err(AppError::Conflict {
            code: "payment_account.changed_concurrently",
            message: "the account changed while this change was made; reload it and try again".into(),
            fields: Vec::new(),
        });
    }
    tx.commit().await?;
    view(app, &a)
}

/// The operator's payment accounts (a merchant: its own).
pub async fn list_accounts(app: &App, principal: &Principal) -> AppResult<Vec<AccountView>> {
    principal.require(Permission::ManagePayments)?;
    let mut conn = app.db().read().await?;
    let rows = accounts::list(&mut conn, principal.scope.operator_id, principal.scope.merchant_id).await?;
    rows.iter().map(|a| view(app, a)).collect()
}

/// One payment account.
pub async fn account_detail(app: &App, principal: &Principal, id: &str) -> AppResult<AccountView> {
    principal.require(Permission::ManagePayments)?;
    let mut conn = app.db().read().await?;
    let a = accounts::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("payment account"))?;
    view(app, &a)
}

/// Seals every account's secrets again under the current key (after a key rotation); how many
/// accounts changed. An account changed meanwhile stops the run: run it again.
pub async fn reseal_payment_secrets(app: &App) -> AppResult<usize> {
    let keyring = app.keyring()?;
    let mut conn = app.db().read().await?;
    let all = accounts::all(&mut conn).await?;
    drop(conn);
    let mut moved = 0;
    for mut a in all {
        let read_at = a.updated_at;
        let mut changed = false;
        for (field, value) in [
            ("api_key", &mut a.api_key),
            ("webhook_secret", &mut a.webhook_secret),
            ("previous_webhook_secret", &mut a.previous_webhook_secret),
        ] {
            if value.is_empty() {
                continue;
            }
            let resealed = keyring
                .reseal(value, &seal_context(&a.id, field))
                .map_err(|e| AppError::Internal(format!("payment account {} {field}: {e}", a.id)))?;
            if let Some(v) = resealed {
                *value = v;
                changed = true;
            }
        }
        if !changed {
            continue;
        }
        let mut tx = app.begin().await?;
        if !accounts::reseal_in_tx(&mut tx, &a, read_at).await? {
            tx.end_unwritten().await?;
            return Err(AppError::Conflict {
                code: "payment_account.changed_concurrently",
                message: format!(
                    "payment account {} changed while its secrets were resealed; run reseal again",
                    a.id
                ),
                fields: Vec::new(),
            });
        }
        tx.commit().await?;
        moved += 1;
    }
    Ok(moved)
}
