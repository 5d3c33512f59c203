//! Amazon's Selling Partner API, Orders v0, as Amazon documents it: an access token from Login
//! with Amazon (`POST /auth/o2/token`, `grant_type=refresh_token`), sent as `x-amz-access-token`;
//! `GET /orders/v0/orders` with `MarketplaceIds` and `LastUpdatedAfter`, paged by `NextToken`;
//! `GET /orders/v0/orders/{id}/orderItems` (paged the same way) and `…/address` for the shipping
//! address (restricted data: asked for with a restricted data token from the Tokens API,
//! `POST /tokens/2021-03-01/restrictedDataToken`); or, with the Orders API 2026-01-01,
//! `GET /orders/2026-01-01/orders` (`searchOrders`, paged by `paginationToken`), items, buyer and
//! recipient included (no restricted data token: the app's roles decide). A 429 ("QuotaExceeded": `getOrders` allows 0.0167 requests a second
//! with a burst of 20) is retried after a growing pause; after the last try the caller hears
//! `Throttled` and resumes later from its watermark. Base URLs are configuration, so tests stand a
//! local server in.

use std::time::Duration;

use serde_json::Value;
use tokio::sync::Mutex;

use crate::encode;

/// A selling partner's API access.
pub struct SpApi {
    client: reqwest::Client,
    api_url: String,
    token_url: String,
    client_id: String,
    client_secret: String,
    refresh_token: String,
    /// The first pause after a 429; doubled on each further one.
    backoff: Duration,
    retries: u32,
    access_token: Mutex<Option<String>>,
}

impl std::fmt::Debug for SpApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpApi").field("api_url", &self.api_url).finish()
    }
}

/// Why a call did not answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpApiError {
    #[error("Amazon throttled the calls (429) after {0} tries; the next poll resumes from the watermark")]
    Throttled(u32),
    #[error("Amazon refused: {0}")]
    Refused(String),
    #[error("Amazon could not be reached: {0}")]
    Unreachable(String),
}

/// One page of `getOrders`.
#[derive(Clone, Debug)]
pub struct OrdersPage {
    pub orders: Vec<Value>,
    pub next_token: Option<String>,
}

/// What a connection needs to call the API.
#[derive(Clone, Debug)]
pub struct SpApiAccess<'a> {
    /// The regional endpoint, e.g. `https://sellingpartnerapi-na.amazon.com`.
    pub api_url: &'a str,
    /// Login with Amazon's token endpoint, `https://api.amazon.com/auth/o2/token`.
    pub token_url: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub refresh_token: &'a str,
}

impl SpApi {
    pub fn new(access: &SpApiAccess<'_>, backoff: Duration, retries: u32) -> Result<Self, String> {
        if access.refresh_token.is_empty() || access.client_id.is_empty() || access.client_secret.is_empty() {
            return Err(
                "the connection needs the credentials refresh_token, client_id and client_secret".into()
            );
        }
        Ok(Self {
            client: crate::provider_client(30)?,
            api_url: access.api_url.trim_end_matches('/').to_string(),
            token_url: access.token_url.to_string(),
            client_id: access.client_id.into(),
            client_secret: access.client_secret.into(),
            refresh_token: access.refresh_token.into(),
            backoff,
            retries,
            access_token: Mutex::new(None),
        })
    }

    async fn token(&self) -> Result<String, SpApiError> {
        let mut held = self.access_token.lock().await;
        if let Some(t) = held.as_ref() {
            return Ok(t.clone());
        }
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", self.refresh_token.as_str()),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.as_str()),
        ];
        let res = self
            .client
            .post(&self.token_url)
            .form(&form)
            .send()
            .await
            .map_err(|e| SpApiError::Unreachable(e.to_string()))?;
        let status = res.status();
        let body: Value = res.json().await.map_err(|e| SpApiError::Unreachable(e.to_string()))?;
        let token = body["access_token"].as_str().filter(|_| status.is_success()).ok_or_else(|| {
            SpApiError::Refused(format!(
                "no access token ({}): {}",
                status,
                body["error_description"].as_str().or(body["error"].as_str()).unwrap_or("no reason given")
            ))
        })?;
        *held = Some(token.to_string());
        Ok(token.to_string())
    }

    /// A restricted data token for GET `path` (Tokens API 2021-03-01): what Amazon asks for
    /// before Orders v0 answers with a buyer's address. 429s and 5xx are retried after a growing
    /// pause like every other call (the Tokens API allows one request a second).
    async fn restricted_token(&self, path: &str) -> Result<String, SpApiError> {
        let token = self.token().await?;
        let body = serde_json::json!({"restrictedResources": [{"method": "GET", "path": path}]});
        let url = format!("{}/tokens/2021-03-01/restrictedDataToken", self.api_url);
        let make = || self.client.post(&url).header("x-amz-access-token", &token).json(&body);
        let res = crate::send_with_backoff(make, self.backoff, self.retries)
            .await
            .map_err(|e| SpApiError::Unreachable(e.to_string()))?
            .ok_or(SpApiError::Throttled(self.retries))?;
        let status = res.status();
        let answer: Value = res.json().await.map_err(|e| SpApiError::Unreachable(e.to_string()))?;
        answer["restrictedDataToken"].as_str().filter(|_| status.is_success()).map(str::to_string).ok_or_else(
            || {
                SpApiError::Refused(format!(
                    "no restricted data token ({status}): {}",
                    answer["errors"][0]["message"].as_str().unwrap_or("no reason given")
                ))
            },
        )
    }

    /// GET `path_and_query` with the access token.
    async fn get(&self, path_and_query: &str) -> Result<Value, SpApiError> {
        let token = self.token().await?;
        self.get_as(path_and_query, &token).await
    }

    /// GET `path_and_query` with `token`, retrying 429s and 5xx after a growing pause.
    async fn get_as(&self, path_and_query: &str, token: &str) -> Result<Value, SpApiError> {
        let url = format!("{}{path_and_query}", self.api_url);
        let make = || {
            self.client
                .get(&url)
                .header("x-amz-access-token", token)
                .header("user-agent", "Tradeport/0.1 (Language=Rust)")
        };
        let res = crate::send_with_backoff(make, self.backoff, self.retries)
            .await
            .map_err(|e| SpApiError::Unreachable(e.to_string()))?
            .ok_or(SpApiError::Throttled(self.retries))?;
        let status = res.status();
        let body: Value = res.json().await.map_err(|e| SpApiError::Unreachable(e.to_string()))?;
        if !status.is_success() {
            let e = &body["errors"][0];
            return Err(SpApiError::Refused(format!(
                "{} {}: {}",
                status,
                e["code"].as_str().unwrap_or("?"),
                e["message"].as_str().unwrap_or("no reason given")
            )));
        }
        Ok(body)
    }

    /// One page of orders changed after `updated_after` (ISO 8601) in the marketplaces.
    pub async fn get_orders(
        &self,
        marketplaces: &[String],
        updated_after: &str,
        next_token: Option<&str>,
    ) -> Result<OrdersPage, SpApiError> {
        let mut query = format!(
            "/orders/v0/orders?MarketplaceIds={}&LastUpdatedAfter={}&MaxResultsPerPage=100",
            encode(&marketplaces.join(",")),
            encode(updated_after)
        );
        if let Some(t) = next_token {
            query.push_str(&format!("&NextToken={}", encode(t)));
        }
        let body = self.get(&query).await?;
        let payload = &body["payload"];
        Ok(OrdersPage {
            orders: payload["Orders"].as_array().cloned().unwrap_or_default(),
            next_token: payload["NextToken"].as_str().filter(|t| !t.is_empty()).map(str::to_string),
        })
    }

    /// One order (`getOrder`): its payload, the same shape as one of `getOrders`' orders.
    pub async fn get_order(&self, order_id: &str) -> Result<Value, SpApiError> {
        let body = self.get(&format!("/orders/v0/orders/{}", encode(order_id))).await?;
        Ok(body["payload"].clone())
    }

    /// Every item of an order (all pages), as one `{"OrderItems": [...]}`.
    pub async fn get_order_items(&self, order_id: &str) -> Result<Value, SpApiError> {
        let mut items = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let mut path = format!("/orders/v0/orders/{}/orderItems", encode(order_id));
            if let Some(t) = &next {
                path.push_str(&format!("?NextToken={}", encode(t)));
            }
            let body = self.get(&path).await?;
            items.extend(body["payload"]["OrderItems"].as_array().cloned().unwrap_or_default());
            next = body["payload"]["NextToken"].as_str().filter(|t| !t.is_empty()).map(str::to_string);
            if next.is_none() {
                return Ok(serde_json::json!({ "OrderItems": items }));
            }
        }
    }

    /// One page of orders changed after `updated_after` through the Orders API 2026-01-01
    /// (`searchOrders`), with their items, buyer, recipient, proceeds and fulfilment. This API
    /// needs no restricted data token: the app's roles decide what personal data it answers.
    pub async fn search_orders(
        &self,
        marketplaces: &[String],
        updated_after: &str,
        next_token: Option<&str>,
    ) -> Result<OrdersPage, SpApiError> {
        let mut query = format!(
            "/orders/2026-01-01/orders?lastUpdatedAfter={}&marketplaceIds={}&maxResultsPerPage=100&includedData={}",
            encode(updated_after),
            encode(&marketplaces.join(",")),
            encode("BUYER,RECIPIENT,PROCEEDS,FULFILLMENT")
        );
        if let Some(t) = next_token {
            query.push_str(&format!("&paginationToken={}", encode(t)));
        }
        let body = self.get(&query).await?;
        Ok(OrdersPage {
            orders: body["orders"].as_array().cloned().unwrap_or_default(),
            next_token: body["pagination"]["nextToken"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        })
    }

    /// The order's shipping address, when Amazon releases it (under a restricted data token).
    pub async fn get_order_address(&self, order_id: &str) -> Result<Option<Value>, SpApiError> {
        let path = format!("/orders/v0/orders/{}/address", encode(order_id));
        let rdt = self.restricted_token(&path).await?;
        let body = self.get_as(&path, &rdt).await?;
        Ok(body["payload"]["ShippingAddress"].as_object().map(|a| Value::Object(a.clone())))
    }
}

impl SpApi {
    /// Confirms the shipment of one package (its reference, carrier and tracking number) holding
    /// `items` (order item ids and quantities) (`POST /orders/v0/orders/{id}/shipmentConfirmation`,
    /// answered 204).
    pub async fn confirm_shipment(
        &self,
        order_id: &str,
        marketplace_id: &str,
        (package_ref, carrier, tracking_no): (String, &str, &str),
        ship_date: &str,
        items: &[(String, i64)],
    ) -> Result<(), SpApiError> {
        let token = self.token().await?;
        let order_items: Vec<Value> =
            items.iter().map(|(id, qty)| serde_json::json!({"orderItemId": id, "quantity": qty})).collect();
        let body = serde_json::json!({
            "marketplaceId": marketplace_id,
            "packageDetail": {
                "packageReferenceId": package_ref,
                "carrierCode": carrier,
                "trackingNumber": tracking_no,
                "shipDate": ship_date,
                "orderItems": order_items,
            }
        });
        let res = self
            .client
            .post(format!("{}/orders/v0/orders/{}/shipmentConfirmation", self.api_url, encode(order_id)))
            .header("x-amz-access-token", &token)
            .json(&body)
            .send()
            .await
            .map_err(|e| SpApiError::Unreachable(e.to_string()))?;
        let status = res.status();
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(SpApiError::Throttled(1));
        }
        if !status.is_success() {
            let body: Value = res.json().await.unwrap_or(Value::Null);
            return Err(SpApiError::Refused(format!(
                "{status}: {}",
                body["errors"][0]["message"].as_str().unwrap_or("?")
            )));
        }
        Ok(())
    }
}
