//! A catalogue, warehouses and stock for order tests.

use tradeport_app::access::system_principal;
use tradeport_app::inventory::{self, CreateWarehouse, StockAdjustment};
use tradeport_domain::inventory::SkuInput;

use crate::{Seeded, TestApp};

/// Ids of the seeded catalogue of merchant A.
pub struct Catalog {
    /// Overseas warehouse in the United Kingdom.
    pub uk_warehouse: String,
    /// Origin warehouse in China.
    pub cn_warehouse: String,
    /// A plain desk lamp with `lamp_stock` units in the UK warehouse.
    pub lamp: String,
    /// A power bank: lithium-ion battery shipped alone (UN3480).
    pub power_bank: String,
    /// A camera with a lithium-ion battery inside (UN3481).
    pub camera: String,
}

impl TestApp {
    /// Two warehouses and three SKUs of merchant A; `lamp_stock` lamps in the UK warehouse and
    /// 20 cameras in the Chinese one.
    pub async fn seed_catalog(&self, s: &Seeded, lamp_stock: i64) -> Catalog {
        let admin = system_principal(s.operator.id);
        let app = &self.app;
        let warehouse = |code: &str, country: &str, tz: &str, kind: &str| CreateWarehouse {
            code: code.into(),
            name: format!("{code} fulfilment centre"),
            country: country.into(),
            address: String::new(),
            timezone: tz.into(),
            kind: kind.into(),
        };
        let uk =
            inventory::create_warehouse(app, &admin, &warehouse("UK-MAN", "GB", "Europe/London", "overseas"))
                .await
                .expect("uk");
        let cn =
            inventory::create_warehouse(app, &admin, &warehouse("CN-SZX", "CN", "Asia/Shanghai", "origin"))
                .await
                .expect("cn");
        let merchant = s.merchant_a.id.to_string();
        let sku = |code: &str, name: &str, traits: &[&str], hs: &str| SkuInput {
            sku: code.into(),
            name: name.into(),
            weight_g: 800,
            declared_value_minor: 2500,
            declared_currency: "GBP".into(),
            hs_code: hs.into(),
            origin_country: "CN".into(),
            category: "home".into(),
            traits: traits.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        };
        let lamp = inventory::upsert_sku(
            app,
            &admin,
            Some(&merchant),
            &sku("LAMP", "Desk lamp", &["fragile"], "940520"),
        )
        .await
        .expect("lamp");
        let pb = inventory::upsert_sku(
            app,
            &admin,
            Some(&merchant),
            &sku("PB-20K", "Power bank 20000 mAh", &["un3480"], "850760"),
        )
        .await
        .expect("pb");
        let cam = inventory::upsert_sku(
            app,
            &admin,
            Some(&merchant),
            &sku("CAM-1", "Action camera", &["un3481"], "852580"),
        )
        .await
        .expect("cam");
        let add = |sku: &str, wh: &str, delta: i64| StockAdjustment {
            sku_id: sku.into(),
            warehouse_id: wh.into(),
            delta,
            reason: "opening stock".into(),
        };
        if lamp_stock > 0 {
            inventory::adjust_stock(app, &admin, &add(&lamp.id, &uk.id, lamp_stock)).await.expect("lamps");
        }
        inventory::adjust_stock(app, &admin, &add(&cam.id, &cn.id, 20)).await.expect("cameras");
        Catalog { uk_warehouse: uk.id, cn_warehouse: cn.id, lamp: lamp.id, power_bank: pb.id, camera: cam.id }
    }
}

/// A valid, paid order of merchant A to London for `qty` lamps at 25.00 with 8.00 shipping.
pub fn lamp_order(channel_order_id: &str, qty: i64) -> serde_json::Value {
    serde_json::json!({
        "channel": "shopify",
        "channel_order_id": channel_order_id,
        "buyer": {"name": "Ada Lovelace", "phone": "020 7946 0958", "email": "ada@example.com", "language": "en"},
        "shipping_address": {"name": "Ada Lovelace", "line1": "1 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"},
        "lines": [{"sku": "LAMP", "quantity": qty, "unit_price_minor": 2500}],
        "shipping_fee_minor": 800,
        "currency": "GBP",
        "total_minor": qty * 2500 + 800,
        "paid_minor": qty * 2500 + 800,
        "payment_method": "card",
        "payment_status": "paid",
        "service_level": "standard"
    })
}
