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
