//! The demo data set: a realistic operator with two merchants, a user for every role, API keys,
//! four warehouses, a catalogue with stock and several hundred orders, created through the same use cases as real data. Loading it twice changes nothing.

use tradeport_domain::access::Role;

mod aftersales;
pub mod generate;
mod orders;
mod shipping;
mod warehouse;

use crate::access::{self, CreateApiKey, CreateTenant, CreateUser, system_principal};
use crate::{App, AppError, AppResult};

/// Password of every demo user.
pub const DEMO_PASSWORD: &str = "tradeport-demo";
/// E-mail of the demo operator's administrator.
pub const DEMO_ADMIN_EMAIL: &str = "admin@pacific-bridge.example";
const OPERATOR_CODE: &str = "pacific-bridge";

/// What the demo loader did.
#[derive(Clone, Debug)]
pub struct DemoSummary {
    /// False when the demo data was there already.
    pub created: bool,
    /// `(tenant code, role, key)` of each API key made by this load.
    pub api_keys: Vec<(String, Role, String)>,
    /// Orders the load created.
    pub orders: usize,
}

const STAFF: [(&str, &str, Role); 8] = [
    ("admin", "Chen Jing", Role::Admin),
    ("orders", "Liu Yang", Role::OrderManager),
    ("reviewer", "Zhao Min", Role::Reviewer),
    ("warehouse", "Sam Porter", Role::Warehouse),
    ("logistics", "Wang Lei", Role::Logistics),
    ("service", "Maria Lopez", Role::CustomerService),
    ("finance", "Huang Rui", Role::Finance),
    ("supervisor", "Olivia Grant", Role::Supervisor),
];

const MERCHANTS: [(&str, &str, &str, &str); 2] = [
    ("Lumen Home Goods", "lumen-home", "Europe/London", "ops@lumen-home.example"),
    ("Northwind Outdoor", "northwind-outdoor", "America/Los_Angeles", "ops@northwind-outdoor.example"),
];

/// Loads the demo data set unless it is there already.
pub async fn load_demo(app: &App) -> AppResult<DemoSummary> {
    match access::tenant_by_code(app, OPERATOR_CODE).await {
        Ok(_) => {
            return Ok(DemoSummary { created: false, api_keys: Vec::new(), orders: 0 });
        }
        Err(AppError::NotFound(_)) => {}
        Err(e) => return Err(e),
    }
    let operator = access::create_operator(
        app,
        &CreateTenant {
            name: "Pacific Bridge Fulfilment".into(),
            code: OPERATOR_CODE.into(),
            timezone: "Asia/Shanghai".into(),
        },
    )
    .await?;
    let admin = system_principal(operator.id);
    for (local, name, role) in STAFF {
        let input = CreateUser {
            tenant_id: None,
            email: format!("{local}@pacific-bridge.example"),
            display_name: name.into(),
            role: role.as_str().into(),
            password: DEMO_PASSWORD.into(),
        };
        access::create_user(app, &admin, &input).await?;
    }
    let key = CreateApiKey {
        tenant_id: None,
        name: "operator integration".into(),
        role: Role::Admin.as_str().into(),
    };
    let mut api_keys = vec![(
        OPERATOR_CODE.to_string(),
        Role::Admin,
        access::create_api_key(app, &admin, &key).await?.secret,
    )];
    let mut merchant_ids = Vec::new();
    for (name, code, timezone, email) in MERCHANTS {
        let merchant = access::create_merchant(
            app,
            &admin,
            &CreateTenant { name: name.into(), code: code.into(), timezone: timezone.into() },
        )
        .await?;
        let user = CreateUser {
            tenant_id: Some(merchant.id),
            email: email.into(),
            display_name: format!("{name} operations"),
            role: Role::Merchant.as_str().into(),
            password: DEMO_PASSWORD.into(),
        };
        access::create_user(app, &admin, &user).await?;
        merchant_ids.push(merchant.id);
        let key = CreateApiKey {
            tenant_id: Some(merchant.id),
            name: "shop sync".into(),
            role: Role::Merchant.as_str().into(),
        };
        api_keys.push((
            code.to_string(),
            Role::Merchant,
            access::create_api_key(app, &admin, &key).await?.secret,
        ));
    }
    let merchants = [merchant_ids[0], merchant_ids[1]];
    let orders = orders::load_orders(app, &admin, merchants).await?;
    warehouse::load_warehouse(app, &admin, merchants[0]).await?;
    shipping::load_shipping(app, &admin).await?;
    aftersales::load_aftersales(app, &admin).await?;
    Ok(DemoSummary { created: true, api_keys, orders })
}
