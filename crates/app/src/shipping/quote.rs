//! A quote for a parcel (SHP-1, SYS-4): every service's price and transit time, or why it cannot
//! carry the parcel, and the one chosen by the strategy (or the service asked for, when it can).

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::Trait;
use tradeport_domain::kernel::{Currency, FieldErrors, Money, is_known_country};
use tradeport_domain::shipping::{Ask, CarrierService, Exclusion, Parcel, Quote, Strategy, select};
use tradeport_store::shipping::services;

use crate::{App, AppError, AppResult};

/// A parcel to quote.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ShippingQuoteRequest)]
pub struct QuoteRequest {
    /// The warehouse it leaves from.
    pub warehouse_id: String,
    pub country: String,
    pub postcode: String,
    pub weight_g: i64,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    /// The goods' traits, e.g. `un3481`, `liquid`.
    pub traits: Vec<String>,
    /// Declared value in `currency`'s minor units; 0: not declared.
    pub declared_value_minor: i64,
    /// The currency prices are compared in; may be left out when every service prices in one.
    pub currency: String,
    /// `cheapest` (when left out), `fastest` or `best_value`.
    pub strategy: String,
    /// Working days within which it must arrive (best value chooses the cheapest in time).
    pub deadline_days: Option<u32>,
    /// The code of the service the buyer or merchant chose.
    pub service: String,
}

/// A service that can carry the parcel, with its price.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OptionView {
    pub code: String,
    pub name: String,
    pub carrier: String,
    pub kind: String,
    pub price_minor: i64,
    pub currency: String,
    /// The price written out, e.g. `27.00 GBP`.
    pub price: String,
    /// The greater of the actual and the volumetric weight.
    pub chargeable_g: i64,
    pub freight_minor: i64,
    pub fuel_minor: i64,
    pub remote_minor: i64,
    pub oversize_minor: i64,
    pub transit_days_min: u32,
    pub transit_days_max: u32,
}

/// A service that cannot carry the parcel, and why.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ExcludedView {
    pub code: String,
    pub name: String,
    /// In words, e.g. "max 2 kg, the parcel weighs 2.4 kg".
    pub reason: String,
}

/// The quote: the choice, every option (cheapest first) and every service left out.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QuoteView {
    pub strategy: String,
    pub choice: Option<OptionView>,
    pub options: Vec<OptionView>,
    pub excluded: Vec<ExcludedView>,
    /// The service asked for, when it cannot carry the parcel: nothing is chosen in its place.
    pub chosen_refused: Option<ExcludedView>,
}

fn option_view(s: &CarrierService, q: &Quote) -> OptionView {
    OptionView {
        code: s.code.clone(),
        name: s.name.clone(),
        carrier: s.carrier.clone(),
        kind: s.kind.as_str().into(),
        price_minor: q.price.minor(),
        currency: q.price.currency().code().into(),
        price: q.price.to_string(),
        chargeable_g: q.chargeable_g,
        freight_minor: q.freight_minor,
        fuel_minor: q.fuel_minor,
        remote_minor: q.remote_minor,
        oversize_minor: q.oversize_minor,
        transit_days_min: q.transit_days.0,
        transit_days_max: q.transit_days.1,
    }
}

fn excluded_view(services: &[CarrierService], code: &str, why: &Exclusion) -> ExcludedView {
    let name = services.iter().find(|s| s.code == code).map(|s| s.name.clone()).unwrap_or_default();
    ExcludedView { code: code.to_string(), name, reason: why.to_string() }
}

/// The currency to compare in: the one asked for, or the catalogue's only one.
pub(super) fn comparing(asked: &str, services: &[CarrierService]) -> Result<Currency, String> {
    if !asked.trim().is_empty() {
        return Currency::parse(asked)
            .ok_or_else(|| "currency must be an ISO 4217 code, e.g. GBP".to_string());
    }
    let mut all: Vec<&str> = services.iter().map(|s| s.currency.code()).collect();
    all.sort();
    all.dedup();
    match all[..] {
        [one] => Ok(Currency::parse(one).unwrap_or_else(|| unreachable!("a stored currency"))),
        [] => Err("there are no carrier services yet; add one first".into()),
        _ => Err(format!("the services are priced in {}: name the currency to compare in", all.join(", "))),
    }
}

/// Quotes a parcel on every service of the operator.
pub async fn quote_parcel(app: &App, principal: &Principal, r: &QuoteRequest) -> AppResult<QuoteView> {
    principal.require(Permission::ViewOrders)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let all: Vec<CarrierService> =
        services::list(&mut conn, operator).await?.into_iter().map(|r| r.service).collect();
    let warehouse = tradeport_store::inventory::warehouses::list(&mut conn, operator)
        .await?
        .into_iter()
        .find(|w| w.id.to_string() == r.warehouse_id.trim());
    drop(conn);
    let mut e = FieldErrors::new();
    if warehouse.is_none() {
        e.add("warehouse_id", "unknown_warehouse", "warehouse_id must be one of the operator's warehouses");
    }
    let country = r.country.trim().to_uppercase();
    if !is_known_country(&country) {
        e.add("country", "unknown_country", "country must be an ISO 3166-1 alpha-2 code, e.g. US");
    }
    if !(1..=1_000_000).contains(&r.weight_g) {
        e.add("weight_g", "out_of_range", "weight_g must be 1 to 1000000 grams");
    }
    for (field, v) in [("length_mm", r.length_mm), ("width_mm", r.width_mm), ("height_mm", r.height_mm)] {
        if !(1..=10_000).contains(&v) {
            e.add(field, "out_of_range", format!("{field} must be 1 to 10000 mm"));
        }
    }
    let mut traits = Vec::new();
    for (n, t) in r.traits.iter().enumerate() {
        match Trait::parse(t) {
            Some(t) => traits.push(t),
            None => e.add(
                &format!("traits[{n}]"),
                "unknown_trait",
                format!("trait '{t}' is unknown, e.g. un3481"),
            ),
        }
    }
    let strategy =
        if r.strategy.trim().is_empty() { Some(Strategy::Cheapest) } else { Strategy::parse(&r.strategy) };
    if strategy.is_none() {
        e.add("strategy", "unknown_strategy", "strategy must be cheapest, fastest or best_value");
    }
    let currency = comparing(&r.currency, &all).map_err(|m| e.add("currency", "currency_needed", m)).ok();
    let declared = match (currency, r.declared_value_minor) {
        (_, 0) => None,
        (Some(c), v) => Money::new(v, c)
            .map_err(|err| e.add("declared_value_minor", "invalid_amount", err.to_string()))
            .ok(),
        (None, _) => None,
    };
    e.into_result().map_err(AppError::Invalid)?;
    let (Some(warehouse), Some(strategy), Some(currency)) = (warehouse, strategy, currency) else {
        unreachable!("checked above")
    };
    let parcel = Parcel {
        origin: &warehouse.code,
        country: &country,
        postcode: r.postcode.trim(),
        weight_g: r.weight_g,
        dims_mm: [r.length_mm, r.width_mm, r.height_mm],
        traits: &traits,
        declared,
    };
    let chosen = Some(r.service.trim()).filter(|s| !s.is_empty());
    if let Some(code) = chosen.filter(|c| !all.iter().any(|s| s.code.eq_ignore_ascii_case(c))) {
        return Err(AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new(
            "service",
            "unknown_service",
            format!("there is no carrier service {code}"),
        )]));
    }
    let ask = Ask { strategy, currency, deadline_days: r.deadline_days, chosen };
    let s = select(&all, &parcel, &ask);
    Ok(QuoteView {
        strategy: strategy.as_str().into(),
        choice: s.choice.as_ref().map(|(svc, q)| option_view(svc, q)),
        options: s.options.iter().map(|(svc, q)| option_view(svc, q)).collect(),
        excluded: s.excluded.iter().map(|(svc, why)| excluded_view(&all, &svc.code, why)).collect(),
        chosen_refused: s.chosen_refused.as_ref().map(|(code, why)| excluded_view(&all, code, why)),
    })
}
