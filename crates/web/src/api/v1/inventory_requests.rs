//! The bodies of `POST /api/v1/skus` and `POST /api/v1/goods-rules` as the API document teaches
//! them (#7 item 6). The domain validates; these types describe the contract and are turned
//! into the domain's inputs unchanged.

use serde::{Deserialize, Serialize};
use tradeport_app::code_lists::TraitCode;
use tradeport_domain::inventory::{SkuInput, Trait};
use tradeport_domain::orders::{GoodsAction, GoodsRule};
use utoipa::ToSchema;

/// A SKU of a merchant's catalogue; a code already there is updated.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
#[schema(example = json!({"sku": "LMP-DESK-01", "name": "Desk lamp, brass", "weight_g": 1200, "length_mm": 400,
    "width_mm": 200, "height_mm": 150, "declared_value_minor": 2500, "declared_currency": "GBP", "hs_code": "851310",
    "origin_country": "CN", "category": "electronics", "traits": ["fragile"]}))]
pub struct SkuRequest {
    /// The merchant's code: 1 to 64 characters without spaces.
    #[schema(required = true, min_length = 1, max_length = 64, pattern = "^\\S+$", example = "LMP-DESK-01")]
    pub sku: String,
    #[schema(required = true, min_length = 1, example = "Desk lamp, brass")]
    pub name: String,
    /// EAN, UPC or the merchant's own barcode, scanned at receiving and packing.
    #[schema(example = "5012345678900")]
    pub barcode: String,
    #[schema(minimum = 0, example = 1200)]
    pub weight_g: i64,
    #[schema(minimum = 0)]
    pub length_mm: i64,
    #[schema(minimum = 0)]
    pub width_mm: i64,
    #[schema(minimum = 0)]
    pub height_mm: i64,
    /// The value declared to customs per unit, in minor units of `declared_currency`.
    #[schema(minimum = 0)]
    pub declared_value_minor: i64,
    /// ISO 4217 of the declared value; USD when left empty.
    #[schema(pattern = "^([A-Za-z]{3})?$", example = "GBP")]
    pub declared_currency: String,
    /// 6 to 10 digits (dots allowed), or empty.
    #[schema(example = "851310")]
    pub hs_code: String,
    /// ISO 3166-1 alpha-2 country of origin, or empty.
    #[schema(pattern = "^([A-Za-z]{2})?$", example = "CN")]
    pub origin_country: String,
    /// After-sales policy category, e.g. `apparel`, `electronics`, `food`.
    pub category: String,
    #[schema(value_type = Vec<TraitCode>)]
    pub traits: Vec<String>,
    /// Whether it may be ordered; left out: true.
    pub active: Option<bool>,
    /// Stock kept by lot and expiry: put-away asks for the lot, picks go earliest expiry first.
    /// Left out: unchanged (false for a new SKU).
    pub lot_tracked: Option<bool>,
}

impl From<SkuRequest> for SkuInput {
    fn from(r: SkuRequest) -> Self {
        Self {
            sku: r.sku,
            name: r.name,
            barcode: r.barcode,
            weight_g: r.weight_g,
            length_mm: r.length_mm,
            width_mm: r.width_mm,
            height_mm: r.height_mm,
            declared_value_minor: r.declared_value_minor,
            declared_currency: r.declared_currency,
            hs_code: r.hs_code,
            origin_country: r.origin_country,
            category: r.category,
            traits: r.traits,
            active: r.active,
            lot_tracked: r.lot_tracked,
        }
    }
}

/// What a goods rule does to an order it matches.
#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// The order is refused (422) naming the rule.
    Block,
    /// The order is held until a person confirms it may ship.
    Hold,
}

/// A restricted-goods rule: it matches SKUs with `trait` and/or an HS code starting with
/// `hs_prefix`, going to one of `destinations` (any when empty).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "no-lithium-air-us", "trait": "un3480", "destinations": ["US"], "action": "block",
    "message": "lithium-ion batteries alone cannot fly to the US; ship by sea or remove the battery"}))]
pub struct GoodsRuleRequest {
    /// The rule's name, unique per operator.
    #[schema(min_length = 1, example = "no-lithium-air-us")]
    pub code: String,
    #[serde(rename = "trait", default)]
    #[schema(value_type = Option<TraitCode>)]
    pub trait_: Option<Trait>,
    /// The start of the HS codes it matches, e.g. `8507`.
    #[serde(default)]
    pub hs_prefix: Option<String>,
    /// ISO 3166-1 alpha-2 codes; empty: every destination.
    pub destinations: Vec<String>,
    pub action: RuleAction,
    /// Why, and what to do instead: shown with the refusal or the hold.
    #[schema(min_length = 1)]
    pub message: String,
}

impl From<GoodsRuleRequest> for GoodsRule {
    fn from(r: GoodsRuleRequest) -> Self {
        Self {
            code: r.code,
            trait_: r.trait_,
            hs_prefix: r.hs_prefix,
            destinations: r.destinations,
            action: match r.action {
                RuleAction::Block => GoodsAction::Block,
                RuleAction::Hold => GoodsAction::Hold,
            },
            message: r.message,
        }
    }
}
