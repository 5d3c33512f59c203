//! Labels bought through EasyPost (SHP-2), as EasyPost documents its API: `POST /v2/shipments`
//! with the addresses and the parcel (inches and ounces) answers a shipment with its `rates`;
//! `POST /v2/shipments/{id}/buy` with one rate's id answers the shipment with its
//! `tracking_code` and `postage_label.label_url`. HTTP Basic with the API key as the user name.
//! Errors come as `{"error": {"code", "message", "errors": [{"field", "message"}]}}`. The base URL
//! is configurable so tests can stand a local server in.

use serde::{Deserialize, Serialize};
use serde_json::json;

/// A configured EasyPost account.
#[derive(Clone)]
pub struct EasyPost {
    client: reqwest::Client,
    base_url: String,
    api_key: String,
}

impl std::fmt::Debug for EasyPost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EasyPost").field("base_url", &self.base_url).finish()
    }
}

/// An address as EasyPost reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EasyPostAddress {
    pub name: String,
    pub street1: String,
    pub street2: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    /// ISO alpha-2.
    pub country: String,
    pub phone: String,
    pub email: String,
}

/// What a label is bought for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelRequest {
    pub to: EasyPostAddress,
    pub from: EasyPostAddress,
    pub dims_mm: [i64; 3],
    pub weight_g: i64,
    /// The carrier and service to buy, as EasyPost names them (`USPS`, `Priority`).
    pub carrier: String,
    pub service: String,
    /// Our reference, printed by some carriers (the package id).
    pub reference: String,
    /// The goods declared, for a parcel that crosses a customs border.
    pub customs: Option<EasyPostCustoms>,
    /// A return label: the addresses stay those of the original parcel and EasyPost swaps them.
    pub is_return: bool,
}

/// EasyPost's `customs_info` for a parcel abroad.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EasyPostCustoms {
    /// Who signs the declaration.
    pub signer: String,
    /// `merchandise`, `gift`, `sample`, `documents`, `returned_goods` or `other`.
    pub contents_type: String,
    pub items: Vec<EasyPostCustomsItem>,
}

/// One line of `customs_items`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EasyPostCustomsItem {
    pub description: String,
    pub hs_tariff_number: String,
    pub origin_country: String,
    pub quantity: i64,
    /// The line's value in major units as EasyPost reads it (`18.00`), and its currency.
    pub value: String,
    pub currency: String,
    pub weight_g: i64,
}

impl EasyPostCustoms {
    fn to_json(&self) -> serde_json::Value {
        let items: Vec<serde_json::Value> = self
            .items
            .iter()
            .map(|i| {
                json!({"description": i.description, "hs_tariff_number": i.hs_tariff_number, "origin_country": i.origin_country,
                       "quantity": i.quantity, "value": i.value, "currency": i.currency, "weight": ounces(i.weight_g)})
            })
            .collect();
        json!({"customs_certify": true, "customs_signer": self.signer, "contents_type": self.contents_type,
               "eel_pfc": "NOEEI 30.37(a)", "non_delivery_option": "return", "restriction_type": "none",
               "customs_items": items})
    }
}

/// A bought label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoughtLabel {
    pub shipment_id: String,
    pub tracking_code: String,
    pub label_url: String,
    /// The rate paid, as EasyPost wrote it (`7.58`), and its currency.
    pub rate: String,
    pub currency: String,
}

#[derive(Deserialize)]
struct Shipment {
    id: String,
    #[serde(default)]
    rates: Vec<Rate>,
    tracking_code: Option<String>,
    postage_label: Option<PostageLabel>,
    selected_rate: Option<Rate>,
}

#[derive(Deserialize)]
struct Rate {
    id: String,
    carrier: String,
    service: String,
    rate: String,
    currency: String,
}

#[derive(Deserialize)]
struct PostageLabel {
    label_url: Option<String>,
    label_pdf_url: Option<String>,
}

fn inches(mm: i64) -> f64 {
    ((mm as f64) / 25.4 * 10.0).ceil() / 10.0
}

fn ounces(g: i64) -> f64 {
    ((g as f64) / 28.349_523_125 * 10.0).ceil() / 10.0
}

impl EasyPost {
    /// `base_url` is `https://api.easypost.com` in production.
    pub fn new(base_url: &str, api_key: &str) -> Result<Self, String> {
        if api_key.trim().is_empty() {
            return Err("the EasyPost API key is missing".into());
        }
        let client = crate::provider_client(20)?;
        Ok(Self {
            client,
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key: api_key.trim().into(),
        })
    }

    async fn post(&self, path: &str, body: serde_json::Value) -> Result<Shipment, String> {
        let res = self
            .client
            .post(format!("{}{path}", self.base_url))
            .basic_auth(&self.api_key, Some(""))
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("EasyPost could not be reached: {e}"))?;
        let status = res.status();
        let text = res.text().await.map_err(|e| format!("EasyPost's answer could not be read: {e}"))?;
        if !status.is_success() {
            let answer: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let e = &answer["error"];
            let mut why = e["message"].as_str().unwrap_or("no reason given").to_string();
            for f in e["errors"].as_array().into_iter().flatten() {
                why.push_str(&format!(
                    "; {}: {}",
                    f["field"].as_str().unwrap_or("?"),
                    f["message"].as_str().unwrap_or("")
                ));
            }
            return Err(format!("EasyPost refused ({status}, {}): {why}", e["code"].as_str().unwrap_or("?")));
        }
        serde_json::from_str(&text).map_err(|e| format!("EasyPost answered with no shipment: {e}"))
    }

    /// Rates the parcel and buys the label of the requested carrier and service.
    pub async fn buy_label(&self, r: &LabelRequest) -> Result<BoughtLabel, String> {
        let [l, w, h] = r.dims_mm;
        let mut body = json!({ "shipment": {
            "to_address": r.to, "from_address": r.from,
            "parcel": { "length": inches(l), "width": inches(w), "height": inches(h), "weight": ounces(r.weight_g) },
            "reference": r.reference,
            "options": { "label_format": "PDF" },
        }});
        if let Some(customs) = &r.customs {
            body["shipment"]["customs_info"] = customs.to_json();
        }
        if r.is_return {
            body["shipment"]["is_return"] = json!(true);
        }
        let rated = self.post("/v2/shipments", body).await?;
        let rate = rated
            .rates
            .iter()
            .find(|x| {
                x.carrier.eq_ignore_ascii_case(&r.carrier) && x.service.eq_ignore_ascii_case(&r.service)
            })
            .ok_or_else(|| {
                let offered: Vec<String> =
                    rated.rates.iter().map(|x| format!("{} {}", x.carrier, x.service)).collect();
                format!(
                    "EasyPost has no {} {} rate for this parcel (offered: {})",
                    r.carrier,
                    r.service,
                    offered.join(", ")
                )
            })?;
        let bought = self
            .post(&format!("/v2/shipments/{}/buy", rated.id), json!({ "rate": { "id": rate.id } }))
            .await?;
        let tracking_code = bought
            .tracking_code
            .filter(|t| !t.trim().is_empty())
            .ok_or("EasyPost bought a label without a tracking code")?;
        let label = bought.postage_label.ok_or("EasyPost bought a label without a postage label")?;
        let label_url =
            label.label_pdf_url.or(label.label_url).ok_or("EasyPost's postage label has no URL")?;
        let paid = bought.selected_rate.unwrap_or(Rate {
            id: rate.id.clone(),
            carrier: rate.carrier.clone(),
            service: rate.service.clone(),
            rate: rate.rate.clone(),
            currency: rate.currency.clone(),
        });
        Ok(BoughtLabel {
            shipment_id: bought.id,
            tracking_code,
            label_url,
            rate: paid.rate,
            currency: paid.currency,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_go_up_to_the_next_tenth_of_an_inch_and_ounce() {
        assert_eq!(inches(254), 10.0);
        assert_eq!(inches(100), 4.0);
        assert_eq!(ounces(1000), 35.3);
        assert_eq!(ounces(20), 0.8);
    }
}
