//! Connecting a shop or marketplace account (ORD-1): its identity, its secrets sealed at rest, the
//! mapping of its shipping methods and SKUs, its health and its latest deliveries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::channels::{AmazonOrdersApi, ChannelKind, ChannelMapping, ConnectionStatus};
use tradeport_domain::kernel::FieldErrors;
use tradeport_store::channels::connections::ConnectionRow;
use tradeport_store::channels::{connections, deliveries};

use super::seal_context;
use crate::access::load_operator;
use crate::inventory::{check_merchant, merchant_for};
use crate::{App, AppError, AppResult};

/// A connection to create or change. On a change, an absent field keeps its value; a new
/// `webhook_secret` makes the current one the previous one, still accepted until
/// `forget_previous_secret` (the shop may sign with either for a while after a rotation).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectionRequest {
    /// The merchant (staff only; a merchant's connections are its own).
    pub merchant_id: Option<String>,
    /// `shopify`, `woocommerce`, `amazon`, `ebay`, `csv` or `manual` (on create only).
    pub kind: Option<ChannelKind>,
    pub name: Option<String>,
    /// Shopify: the shop's `name.myshopify.com`.
    pub shop_domain: Option<String>,
    /// WooCommerce: the site's address, `https://shop.example.com`.
    pub site_url: Option<String>,
    /// Amazon: the selling partner id; eBay: the seller's user name.
    pub seller_id: Option<String>,
    /// Amazon: the marketplace ids (`ATVPDKIKX0DER`, …).
    pub marketplace_ids: Option<Vec<String>>,
    /// Amazon: the Orders API polled, `v0` (the default) or `2026-01-01`.
    pub orders_api: Option<AmazonOrdersApi>,
    /// The secret the channel signs webhooks with (Shopify: the app's client secret;
    /// WooCommerce: the webhook's secret). Write-only.
    pub webhook_secret: Option<String>,
    /// Stop accepting the secret before the last rotation.
    pub forget_previous_secret: bool,
    /// API credentials by name (`refresh_token`, `client_id`, `client_secret`, `access_token`).
    /// Write-only; replaces the stored set when given.
    pub credentials: Option<BTreeMap<String, String>>,
    /// With `credentials`: set only those given (a blank value is left as stored), keeping the
    /// others, instead of replacing the set.
    pub keep_other_credentials: bool,
    pub mapping: Option<ChannelMapping>,
    pub status: Option<ConnectionStatus>,
}

/// How a connection is doing.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub last_delivery_at: Option<i64>,
    pub last_success_at: Option<i64>,
    /// The last failure's reason; empty after a success.
    pub last_error: String,
    /// Failed deliveries since the last success.
    pub failures: i64,
}

/// A connection as answered: never a secret, only whether one is set.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ConnectionView {
    pub id: String,
    pub merchant_id: String,
    pub kind: ChannelKind,
    pub name: String,
    pub shop_domain: String,
    pub site_url: String,
    pub seller_id: String,
    pub marketplace_ids: Vec<String>,
    /// Amazon: the Orders API polled; absent for other channels.
    pub orders_api: Option<AmazonOrdersApi>,
    /// Where the channel sends its webhooks (Shopify, WooCommerce); empty for the others.
    pub webhook_url: String,
    pub has_webhook_secret: bool,
    /// A previous secret is still accepted (a rotation under way).
    pub previous_secret_accepted: bool,
    /// The names of the stored credentials (their values are never answered).
    pub credential_names: Vec<String>,
    pub mapping: ChannelMapping,
    pub status: ConnectionStatus,
    pub health: Health,
    pub created_at: i64,
    /// The latest deliveries, newest first (in the detail only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<DeliveryView>,
}

/// One delivery in a connection's log.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub delivery_key: String,
    pub topic: String,
    pub external_id: String,
    pub received_at: i64,
    pub outcome: String,
    pub order_id: Option<String>,
    pub detail: String,
}

fn view(app: &App, c: &ConnectionRow) -> AppResult<ConnectionView> {
    let corrupt =
        |what: &str| AppError::Internal(format!("stored connection {} has an unknown {what}", c.id));
    let kind = ChannelKind::parse(&c.kind).ok_or_else(|| corrupt("kind"))?;
    let credential_names = if c.credentials.is_empty() {
        Vec::new()
    } else {
        let plain =
            app.keyring()?.open(&c.credentials, &seal_context(&c.id, "credentials")).map_err(|e| {
                AppError::Internal(format!("the credentials of connection {} do not open: {e}", c.id))
            })?;
        let map: BTreeMap<String, String> =
            serde_json::from_str(&plain).map_err(|e| AppError::Internal(e.to_string()))?;
        map.into_keys().collect()
    };
    Ok(ConnectionView {
        id: c.id.clone(),
        merchant_id: c.merchant_id.clone(),
        kind,
        name: c.name.clone(),
        shop_domain: c.shop_domain.clone(),
        site_url: c.site_url.clone(),
        seller_id: c.seller_id.clone(),
        marketplace_ids: c.marketplace_ids.split(',').filter(|m| !m.is_empty()).map(String::from).collect(),
        orders_api: (kind == ChannelKind::Amazon).then(|| AmazonOrdersApi::parse(&c.orders_api)).flatten(),
        webhook_url: if kind.takes_webhooks() {
            format!("{}/api/v1/channel-hooks/{}", app.public_url(), c.id)
        } else {
            String::new()
        },
        has_webhook_secret: !c.webhook_secret.is_empty(),
        previous_secret_accepted: !c.previous_webhook_secret.is_empty(),
        credential_names,
        mapping: serde_json::from_str(&c.mapping).map_err(|_| corrupt("mapping"))?,
        status: ConnectionStatus::parse(&c.status).ok_or_else(|| corrupt("status"))?,
        health: Health {
            last_delivery_at: c.last_delivery_at,
            last_success_at: c.last_success_at,
            last_error: c.last_error.clone(),
            failures: c.failures,
        },
        created_at: c.created_at,
        deliveries: Vec::new(),
    })
}

fn check_endpoint_if_set(url: &str, allow_private: bool) -> Result<(), String> {
    if url.is_empty() { Ok(()) } else { tradeport_domain::channels::check_endpoint(url, allow_private) }
}

/// Checks and applies `r` to `c` (a new connection or a stored one), sealing secrets.
async fn apply(
    app: &App,
    principal: &Principal,
    c: &mut ConnectionRow,
    r: &ConnectionRequest,
) -> AppResult<()> {
    let kind = ChannelKind::parse(&c.kind).ok_or(AppError::NotFound("connection"))?;
    let mut e = FieldErrors::new();
    let set = |target: &mut String, value: &Option<String>| {
        if let Some(v) = value {
            *target = v.trim().to_string();
        }
    };
    set(&mut c.name, &r.name);
    set(&mut c.shop_domain, &r.shop_domain);
    set(&mut c.site_url, &r.site_url);
    set(&mut c.seller_id, &r.seller_id);
    c.shop_domain = c.shop_domain.to_ascii_lowercase();
    c.site_url = c.site_url.trim_end_matches('/').to_string();
    if kind == ChannelKind::Amazon {
        let chosen = r.orders_api.or(AmazonOrdersApi::parse(&c.orders_api)).unwrap_or_default();
        c.orders_api = chosen.as_str().into();
    }
    if let Some(ids) = &r.marketplace_ids {
        c.marketplace_ids =
            ids.iter().map(|m| m.trim()).filter(|m| !m.is_empty()).collect::<Vec<_>>().join(",");
    }
    if c.name.is_empty() || c.name.chars().count() > 100 {
        e.add("name", "required", "name the connection (at most 100 characters), e.g. \"EU Shopify store\"");
    }
    // The server calls this address on the merchant's behalf (the shop's API, Amazon's endpoint).
    if let Err(why) = check_endpoint_if_set(&c.site_url, app.private_channel_hosts()) {
        e.add("site_url", "invalid_site_url", format!("site_url: {why}"));
    }
    match kind {
        ChannelKind::Shopify => {
            let shop = c.shop_domain.strip_suffix(".myshopify.com").unwrap_or_default();
            if shop.is_empty() || !shop.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
                e.add(
                    "shop_domain",
                    "invalid_shop_domain",
                    "shop_domain is the shop's admin domain, e.g. my-shop.myshopify.com",
                );
            }
        }
        ChannelKind::Woocommerce if c.site_url.is_empty() => {
            e.add("site_url", "required", "site_url is the shop's address, e.g. https://shop.example.com");
        }
        ChannelKind::Amazon | ChannelKind::Ebay => {
            if c.seller_id.is_empty() {
                e.add(
                    "seller_id",
                    "required",
                    "seller_id is the selling partner id (Amazon) or the seller's user name (eBay)",
                );
            }
            let unknown_site = c
                .marketplace_ids
                .split(',')
                .find(|m| !m.is_empty() && tradeport_connectors::ebay_trading::site_id(m).is_none());
            if let (ChannelKind::Ebay, Some(m)) = (kind, unknown_site) {
                e.add(
                    "marketplace_ids",
                    "unknown_marketplace",
                    format!("{m} is not an eBay marketplace id; use e.g. EBAY_US, EBAY_GB, EBAY_DE"),
                );
            }
            if kind == ChannelKind::Amazon && c.marketplace_ids.is_empty() {
                e.add(
                    "marketplace_ids",
                    "required",
                    "name at least one marketplace id, e.g. ATVPDKIKX0DER (amazon.com)",
                );
            }
        }
        ChannelKind::Whatsapp
            if c.seller_id.is_empty() || !c.seller_id.bytes().all(|b| b.is_ascii_digit()) =>
        {
            e.add(
                "seller_id",
                "invalid_phone_number_id",
                "seller_id is the business number's phone number id (digits, from WhatsApp Manager)",
            );
        }
        _ => {}
    }
    if let Some(mapping) = &r.mapping {
        let mut conn = app.db().read().await?;
        let settings = load_operator(&mut conn, principal.scope.operator_id).await?.settings;
        let known = |code: &str| code.is_empty() || settings.service_level(code).is_some();
        if !known(&mapping.default_service) {
            e.add(
                "mapping.default_service",
                "unknown_service_level",
                format!("'{}' is not one of the operator's service levels", mapping.default_service),
            );
        }
        for (method, level) in &mapping.services {
            if !known(level) {
                e.add(
                    &format!("mapping.services.{method}"),
                    "unknown_service_level",
                    format!("'{level}' is not one of the operator's service levels"),
                );
            }
        }
        c.mapping = serde_json::to_string(mapping).map_err(|e| AppError::Internal(e.to_string()))?;
    }
    if r.webhook_secret.as_ref().is_some_and(|secret| secret.trim().len() < 8) {
        e.add(
            "webhook_secret",
            "too_short",
            "webhook_secret is the secret the channel signs with (at least 8 characters)",
        );
    }
    if kind.takes_webhooks() && c.webhook_secret.is_empty() && r.webhook_secret.is_none() {
        e.add(
            "webhook_secret",
            "required",
            "give the secret the shop signs its webhooks with, so deliveries can be verified",
        );
    }
    e.into_result().map_err(AppError::Invalid)?;

    if let Some(status) = r.status {
        c.status = status.as_str().to_string();
    }
    let needs_key = r.webhook_secret.is_some() || r.credentials.is_some();
    if needs_key || r.forget_previous_secret {
        let keyring = app.keyring()?;
        if let Some(secret) = &r.webhook_secret {
            c.previous_webhook_secret = if c.webhook_secret.is_empty() {
                String::new()
            } else {
                let current =
                    keyring.open(&c.webhook_secret, &seal_context(&c.id, "webhook_secret")).map_err(|e| {
                        AppError::Internal(format!("connection {}'s secret does not open: {e}", c.id))
                    })?;
                keyring.seal(&current, &seal_context(&c.id, "previous_webhook_secret"))
            };
            c.webhook_secret = keyring.seal(secret.trim(), &seal_context(&c.id, "webhook_secret"));
        }
        if r.forget_previous_secret {
            c.previous_webhook_secret.clear();
        }
        if let Some(given) = &r.credentials {
            let mut credentials = BTreeMap::new();
            if r.keep_other_credentials && !c.credentials.is_empty() {
                let stored =
                    keyring.open(&c.credentials, &seal_context(&c.id, "credentials")).map_err(|e| {
                        AppError::Internal(format!("the credentials of connection {} do not open: {e}", c.id))
                    })?;
                credentials = serde_json::from_str(&stored).map_err(|e| AppError::Internal(e.to_string()))?;
            }
            for (name, value) in given {
                if !(r.keep_other_credentials && value.trim().is_empty()) {
                    credentials.insert(name.clone(), value.trim().to_string());
                }
            }
            let plain = serde_json::to_string(&credentials).map_err(|e| AppError::Internal(e.to_string()))?;
            c.credentials = if credentials.is_empty() {
                String::new()
            } else {
                keyring.seal(&plain, &seal_context(&c.id, "credentials"))
            };
        }
    }
    Ok(())
}

/// Connects a shop or marketplace account. Admins, order managers, merchants (their own).
pub async fn create_connection(
    app: &App,
    principal: &Principal,
    r: &ConnectionRequest,
) -> AppResult<ConnectionView> {
    principal.require(Permission::ManageChannels)?;
    let merchant = merchant_for(principal, r.merchant_id.as_deref())?;
    check_merchant(app, principal, merchant).await?;
    let Some(kind) = r.kind else {
        let kinds: Vec<&str> = ChannelKind::ALL.iter().map(|k| k.as_str()).collect();
        return Err(AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new(
            "kind",
            "required",
            format!("kind is one of: {}", kinds.join(", ")),
        )]));
    };
    let now = app.now();
    let mut c = ConnectionRow {
        id: app.new_uuid().to_string(),
        tenant_id: principal.scope.operator_id.to_string(),
        merchant_id: merchant.to_string(),
        kind: kind.as_str().into(),
        name: String::new(),
        shop_domain: String::new(),
        site_url: String::new(),
        seller_id: String::new(),
        marketplace_ids: String::new(),
        orders_api: String::new(),
        webhook_secret: String::new(),
        previous_webhook_secret: String::new(),
        credentials: String::new(),
        mapping: "{}".into(),
        status: ConnectionStatus::Active.as_str().into(),
        watermark: String::new(),
        last_delivery_at: None,
        last_success_at: None,
        last_error: String::new(),
        failures: 0,
        created_at: now.0,
        updated_at: now.0,
    };
    apply(app, principal, &mut c, r).await?;
    let mut tx = app.begin().await?;
    connections::insert_in_tx(&mut tx, &c).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(merchant),
        data: serde_json::json!({ "kind": c.kind, "name": c.name }).to_string(),
        ..app.event(principal.actor, "channel_connection", &c.id, "channel_connected")
    };
    tradeport_store::events::append_many_in_tx(&mut tx, principal.scope.operator_id, &[event]).await?;
    if matches!(kind, ChannelKind::Amazon | ChannelKind::Ebay) {
        super::schedule_polls_in_tx(app, &mut tx, principal.scope.operator_id).await?;
    }
    tx.commit().await?;
    view(app, &c)
}

/// Changes a connection: its identity, secrets (a rotation), mapping or status.
pub async fn update_connection(
    app: &App,
    principal: &Principal,
    id: &str,
    r: &ConnectionRequest,
) -> AppResult<ConnectionView> {
    principal.require(Permission::ManageChannels)?;
    if r.kind.is_some() || r.merchant_id.is_some() {
        return Err(AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new(
            "kind",
            "not_changeable",
            "a connection's kind and merchant stay as made; connect another account instead",
        )]));
    }
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let mut c = connections::get(&mut conn, operator, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("connection"))?;
    drop(conn);
    let read_at = c.updated_at;
    apply(app, principal, &mut c, r).await?;
    c.updated_at = app.now().0.max(read_at + 1);
    let mut tx = app.begin().await?;
    if !connections::update_in_tx(&mut tx, &c, read_at).await? {
        tx.end_unwritten().await?;
        return Err(AppError::Conflict {
            code: "connection.changed_concurrently",
            message: "the connection changed while this change was made; reload it and try again".into(),
            fields: Vec::new(),
        });
    }
    tx.commit().await?;
    view(app, &c)
}

/// The operator's connections (a merchant: its own).
pub async fn list_connections(app: &App, principal: &Principal) -> AppResult<Vec<ConnectionView>> {
    principal.require(Permission::ViewOrders)?;
    let mut conn = app.db().read().await?;
    let rows = connections::list(&mut conn, principal.scope.operator_id, principal.scope.merchant_id).await?;
    rows.iter().map(|c| view(app, c)).collect()
}

/// One connection with its latest 50 deliveries.
pub async fn connection_detail(app: &App, principal: &Principal, id: &str) -> AppResult<ConnectionView> {
    principal.require(Permission::ViewOrders)?;
    let mut conn = app.db().read().await?;
    let c = connections::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("connection"))?;
    let mut v = view(app, &c)?;
    v.deliveries = deliveries::recent(&mut conn, &c.id, 50)
        .await?
        .into_iter()
        .map(|d| DeliveryView {
            delivery_key: d.delivery_key,
            topic: d.topic,
            external_id: d.external_id,
            received_at: d.received_at,
            outcome: d.outcome,
            order_id: d.order_id,
            detail: d.detail,
        })
        .collect();
    Ok(v)
}

/// After a key rotation: every stored secret sealed again with the current key (those sealed
/// with it already are left alone). Returns how many values moved. Run by the operator's
/// administrator (`tradeport secrets reseal`).
pub async fn reseal_secrets(app: &App) -> AppResult<usize> {
    let keyring = app.keyring()?;
    let mut conn = app.db().read().await?;
    let rows = connections::all(&mut conn).await?;
    drop(conn);
    let mut moved = 0;
    for mut c in rows {
        let read_at = c.updated_at;
        let mut changed = 0;
        for (field, value) in [
            ("webhook_secret", &mut c.webhook_secret),
            ("previous_webhook_secret", &mut c.previous_webhook_secret),
            ("credentials", &mut c.credentials),
        ] {
            if value.is_empty() {
                continue;
            }
            let resealed = keyring
                .reseal(value, &seal_context(&c.id, field))
                .map_err(|e| AppError::Internal(format!("connection {} {field}: {e}", c.id)))?;
            if let Some(v) = resealed {
                *value = v;
                changed += 1;
            }
        }
        if changed == 0 {
            continue;
        }
        let mut tx = app.begin().await?;
        if !connections::reseal_in_tx(&mut tx, &c, read_at).await? {
            tx.end_unwritten().await?;
            return Err(AppError::Conflict {
                code: "connection.changed_concurrently",
                message: format!(
                    "connection {} changed while its secrets were resealed; run reseal again",
                    c.id
                ),
                fields: Vec::new(),
            });
        }
        tx.commit().await?;
        moved += changed;
    }
    Ok(moved)
}

/// One connection's health, for /metrics.
#[derive(Clone, Debug)]
pub struct ConnectionHealth {
    pub id: String,
    pub kind: String,
    pub failures: i64,
    /// Seconds since the last delivery or poll; `None` before the first.
    pub since_delivery_s: Option<i64>,
    /// Seconds since the last success (the lag of a poller); `None` before the first.
    pub since_success_s: Option<i64>,
}

/// Every connection's health (the operator's administrator reads /metrics for all tenants).
pub async fn connection_health(app: &App) -> AppResult<Vec<ConnectionHealth>> {
    let mut conn = app.db().read().await?;
    let now = app.now().0;
    Ok(connections::all(&mut conn)
        .await?
        .into_iter()
        .map(|c| ConnectionHealth {
            since_delivery_s: c.last_delivery_at.map(|t| (now - t) / 1000),
            since_success_s: c.last_success_at.map(|t| (now - t) / 1000),
            id: c.id,
            kind: c.kind,
            failures: c.failures,
        })
        .collect())
}
