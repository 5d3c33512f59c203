//! How a connection's orders map onto the operator's catalogue: the channel's shipping methods to
//! service levels, the channel's SKUs (or product ids) to the merchant's SKU codes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A connection's mapping, set by the merchant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelMapping {
    /// The channel's shipping method (its code, id or title) → a service level code, e.g.
    /// `{"Free Shipping": "standard", "flat_rate": "standard"}`.
    pub services: BTreeMap<String, String>,
    /// The service level of an order whose shipping method is not in `services`.
    pub default_service: String,
    /// The channel's SKU → the merchant's SKU code, for codes that differ; a line without a SKU
    /// is looked up as `product:<id>` (and `variant:<id>` on Shopify). Unmapped SKUs are taken as
    /// they are.
    pub skus: BTreeMap<String, String>,
}

impl ChannelMapping {
    /// The service level for the first of `methods` that is mapped, else the default.
    pub fn service_for(&self, methods: &[&str]) -> String {
        methods
            .iter()
            .filter(|m| !m.is_empty())
            .find_map(|m| self.services.get(*m))
            .cloned()
            .unwrap_or_else(|| self.default_service.clone())
    }

    /// The merchant's SKU for a channel line: its SKU mapped or as it is, else the first of
    /// `fallbacks` (`product:93`) that is mapped; empty when none is known.
    pub fn sku_for(&self, sku: &str, fallbacks: &[String]) -> String {
        let sku = sku.trim();
        if !sku.is_empty() {
            return self.skus.get(sku).cloned().unwrap_or_else(|| sku.to_string());
        }
        fallbacks.iter().find_map(|k| self.skus.get(k)).cloned().unwrap_or_default()
    }
}

/// Whether `url` may be called on a merchant's behalf: HTTPS to a public host. A loopback,
/// private, link-local or unspecified address, or a `localhost`/`.local`/`.internal` name, would
/// let a merchant make the server reach its own network; `allow_private` (tests, a closed
/// installation) lifts that and allows plain HTTP.
pub fn check_endpoint(url: &str, allow_private: bool) -> Result<(), String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").ok_or("the address starts with https://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    }
    .to_ascii_lowercase();
    if host.is_empty() {
        return Err("the address names no host".into());
    }
    if allow_private {
        return if matches!(scheme, "https" | "http") {
            Ok(())
        } else {
            Err("the address starts with https://".into())
        };
    }
    if scheme != "https" {
        return Err("the address must use https://".into());
    }
    let private = match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            ip.is_loopback()
                || ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
        }
        Ok(std::net::IpAddr::V6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => {
            host == "localhost" || [".localhost", ".local", ".internal"].iter().any(|s| host.ends_with(s))
        }
    };
    if private { Err(format!("{host} is not a public address")) } else { Ok(()) }
}

#[cfg(test)]
mod endpoint_tests {
    use super::check_endpoint;

    #[test]
    fn only_public_https_addresses_are_called_unless_private_ones_are_allowed() {
        for ok in
            ["https://shop.example.com", "https://sellingpartnerapi-eu.amazon.com/", "https://1.2.3.4:8443/x"]
        {
            assert_eq!(check_endpoint(ok, false), Ok(()), "{ok}");
        }
        for bad in [
            "http://shop.example.com",
            "https://127.0.0.1",
            "https://10.0.0.5/wp-json",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]:8080",
            "https://localhost",
            "https://db.internal",
            "https://user@192.168.1.1",
            "ftp://shop.example.com",
            "shop.example.com",
            "https://",
        ] {
            assert!(check_endpoint(bad, false).is_err(), "{bad}");
        }
        assert_eq!(check_endpoint("http://127.0.0.1:4000", true), Ok(()));
        assert!(check_endpoint("ftp://127.0.0.1", true).is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_and_skus_map_with_fallbacks() {
        let m = ChannelMapping {
            services: [("flat_rate".to_string(), "standard".to_string())].into(),
            default_service: "economy".into(),
            skus: [
                ("OLD-1".to_string(), "NEW-1".to_string()),
                ("product:93".to_string(), "WOO-93".to_string()),
            ]
            .into(),
        };
        assert_eq!(m.service_for(&["flat_rate", "Flat Rate"]), "standard");
        assert_eq!(m.service_for(&["", "Flat Rate"]), "economy");
        assert_eq!(m.sku_for("OLD-1", &[]), "NEW-1");
        assert_eq!(m.sku_for(" LAMP ", &[]), "LAMP");
        assert_eq!(m.sku_for("", &["variant:1".into(), "product:93".into()]), "WOO-93");
        assert_eq!(m.sku_for("", &["product:94".into()]), "");
    }
}
