//! Sales channels (ORD-1, SYS-3): a merchant's shops and marketplace accounts, and their orders
//! read into the one intake model, so every channel ends in the same validation and review.
//!
//! The readers here are pure: bytes already verified go in, an [`OrderInput`] comes out. They
//! keep the channels' ids exact (64-bit integers, never floating point), read money from the
//! channels' decimal strings into exact minor units of the order's currency (a value with more
//! decimals than the currency has is refused, never rounded), and say which field is wrong when
//! a payload cannot be read.

mod amazon;
mod ebay;
mod file_import;
mod json;
mod mapping;
mod shopify;
mod woocommerce;

#[cfg(test)]
mod tests;

pub use amazon::{amazon_order, amazon_order_2026};
pub use ebay::ebay_order;
pub use file_import::{
    AssembledOrder, ColumnMapping, IMPORT_COLUMNS, ImportColumn, ImportDefaults, OrderAssembler, RowReader,
    suggest_mapping,
};
pub use mapping::{ChannelMapping, check_endpoint};
pub use shopify::shopify_order;
pub use woocommerce::woocommerce_order;

use serde::{Deserialize, Serialize};

use crate::orders::OrderInput;

/// The kind of a channel connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Shopify,
    Woocommerce,
    Amazon,
    Ebay,
    Csv,
    Manual,
    /// Not a sales channel: buyers' WhatsApp chats with customer service (CS-1). The seller id is
    /// the business number's phone number id, the webhook secret the Meta app secret, the
    /// credentials `access_token` (to reply) and `verify_token` (Meta's subscription check).
    Whatsapp,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 7] =
        [Self::Shopify, Self::Woocommerce, Self::Amazon, Self::Ebay, Self::Csv, Self::Manual, Self::Whatsapp];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shopify => "shopify",
            Self::Woocommerce => "woocommerce",
            Self::Amazon => "amazon",
            Self::Ebay => "ebay",
            Self::Csv => "csv",
            Self::Manual => "manual",
            Self::Whatsapp => "whatsapp",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// The order channel (`orders.channel`) of orders that come through this kind.
    pub fn order_channel(self) -> &'static str {
        match self {
            Self::Manual => "phone",
            other => other.as_str(),
        }
    }

    /// The order's page in the channel's back office, when the channel has one.
    pub fn order_url(self, shop_domain: &str, site_url: &str, external_id: &str) -> Option<String> {
        let id: String = external_id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        match self {
            Self::Shopify if !shop_domain.is_empty() => {
                Some(format!("https://{shop_domain}/admin/orders/{id}"))
            }
            Self::Woocommerce if !site_url.is_empty() => {
                Some(format!("{site_url}/wp-admin/post.php?post={id}&action=edit"))
            }
            Self::Amazon => Some(format!("https://sellercentral.amazon.com/orders-v3/order/{id}")),
            Self::Ebay => Some(format!("https://www.ebay.com/sh/ord/details?orderid={id}")),
            _ => None,
        }
    }

    /// The channel order id an order is kept under. Shopify and marketplace ids are unique across
    /// shops; a WooCommerce post id only within its site, so it is qualified by the site's host
    /// (`shop.example.com#727`): two sites of one merchant never meet on one order.
    pub fn order_key(self, site_url: &str, external_id: &str) -> String {
        if self != Self::Woocommerce {
            return external_id.to_string();
        }
        let host = site_url.split("://").nth(1).unwrap_or(site_url).split('/').next().unwrap_or_default();
        format!("{}#{external_id}", host.to_ascii_lowercase())
    }

    /// The API credentials a connection of this kind uses, by name.
    pub fn credential_names(self) -> &'static [&'static str] {
        match self {
            Self::Shopify => &["access_token"],
            Self::Woocommerce => &["consumer_key", "consumer_secret"],
            Self::Amazon => &["client_id", "client_secret", "refresh_token"],
            Self::Ebay => &["client_id", "client_secret", "refresh_token", "scopes"],
            Self::Whatsapp => &["access_token", "verify_token"],
            _ => &[],
        }
    }

    /// Whether the channel pushes orders to a webhook, signed with a shared secret.
    pub fn takes_webhooks(self) -> bool {
        matches!(self, Self::Shopify | Self::Woocommerce)
    }
}

/// Whether a connection takes orders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    Active,
    /// Deliveries are answered but not taken in (the merchant stopped the connection).
    Paused,
}

impl ConnectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::Paused].into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// Which of Amazon's Orders APIs a connection is polled with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum AmazonOrdersApi {
    /// Orders v0: `getOrders`, then each order's items and address apart.
    #[default]
    #[serde(rename = "v0")]
    V0,
    /// Orders 2026-01-01: `searchOrders`, items, buyer and recipient in one answer.
    #[serde(rename = "2026-01-01")]
    V2026,
}

impl AmazonOrdersApi {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V0 => "v0",
            Self::V2026 => "2026-01-01",
        }
    }

    /// The stored value; empty (a connection made before the choice) is v0.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "" | "v0" => Some(Self::V0),
            "2026-01-01" => Some(Self::V2026),
            _ => None,
        }
    }
}

/// What became of one delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// Taken, not yet finished (a crash leaves it so; the channel's retry finishes it).
    Received,
    Created,
    /// The order was known already; nothing changed or the change was applied.
    Updated,
    Cancelled,
    /// The channel's order could not become an order; `detail` says why.
    Refused,
    /// Nothing to do (a ping, a paused connection, an order not ready yet, a topic not handled).
    Ignored,
    /// A fault on our side; the channel retries.
    Failed,
    /// Read, but the channel has not released what the order needs yet (Amazon's address): each
    /// poll asks again.
    Waiting,
}

impl DeliveryOutcome {
    pub const ALL: [DeliveryOutcome; 8] = [
        Self::Received,
        Self::Created,
        Self::Updated,
        Self::Cancelled,
        Self::Refused,
        Self::Ignored,
        Self::Failed,
        Self::Waiting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Cancelled => "cancelled",
            Self::Refused => "refused",
            Self::Ignored => "ignored",
            Self::Failed => "failed",
            Self::Waiting => "waiting",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Whether a retried delivery with this outcome is answered without processing it again.
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Received | Self::Failed | Self::Waiting)
    }
}

/// Where an order stands in its channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelState {
    /// To fulfil.
    Open,
    /// Not ready to take in yet (Amazon `Pending`: not paid, items may change).
    NotReady,
    Cancelled,
    /// Fulfilled elsewhere already (shipped by the seller or the marketplace).
    Fulfilled,
}

/// A channel's order read into the intake model.
#[derive(Clone, Debug)]
pub struct ChannelOrder {
    pub input: OrderInput,
    pub state: ChannelState,
    /// The channel's own id of the order (Shopify's numeric id, the Amazon order id).
    pub external_id: String,
    /// The reference people use (`#1001`, the WooCommerce number).
    pub display_ref: String,
    /// When the channel made this change (ISO 8601 as the channel wrote it); empty when the
    /// payload says not. A change older than one taken in already is not applied.
    pub changed_at: String,
}

#[cfg(test)]
mod kind_tests {
    use super::*;

    #[test]
    fn every_kind_status_and_outcome_reads_back_as_itself() {
        for k in ChannelKind::ALL {
            assert_eq!(ChannelKind::parse(k.as_str()), Some(k));
            let sells = k != ChannelKind::Whatsapp;
            assert_eq!(crate::orders::CHANNELS.contains(&k.order_channel()), sells, "{k:?}");
        }
        for o in DeliveryOutcome::ALL {
            assert_eq!(DeliveryOutcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(ConnectionStatus::parse("paused"), Some(ConnectionStatus::Paused));
        assert_eq!(ChannelKind::parse("Shopify"), None);
        assert_eq!(
            ChannelKind::Woocommerce.order_key("https://Shop.Example.com/store", "727"),
            "shop.example.com#727"
        );
        assert_eq!(ChannelKind::Shopify.order_key("", "450789469"), "450789469");
        let urls = [
            ChannelKind::Shopify.order_url("a.myshopify.com", "", "450789469"),
            ChannelKind::Woocommerce.order_url("", "https://shop.example", "727"),
            ChannelKind::Amazon.order_url("", "", "902-1845936-5435065"),
            ChannelKind::Shopify.order_url("a.myshopify.com", "", "1\"><script>"),
            ChannelKind::Csv.order_url("", "", "1"),
        ];
        assert_eq!(
            urls,
            [
                Some("https://a.myshopify.com/admin/orders/450789469".to_string()),
                Some("https://shop.example/wp-admin/post.php?post=727&action=edit".to_string()),
                Some("https://sellercentral.amazon.com/orders-v3/order/902-1845936-5435065".to_string()),
                Some("https://a.myshopify.com/admin/orders/1script".to_string()),
                None,
            ]
        );
        let not_final: Vec<_> = DeliveryOutcome::ALL.into_iter().filter(|o| !o.is_final()).collect();
        assert_eq!(not_final, [DeliveryOutcome::Received, DeliveryOutcome::Failed, DeliveryOutcome::Waiting]);
    }
}
