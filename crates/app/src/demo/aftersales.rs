//! The demo's after-sales policies: 30 days for everything, home goods in the UK and Germany with
//! a local return point, outdoor gear for 60 days, and electronics with a restocking fee on a
//! change of mind; so the tracking page publishes a policy and a buyer can file a request on the
//! first visit.

use tradeport_domain::access::Principal;

use crate::aftersales::{PolicyInput, save_policy};
use crate::{App, AppResult};

pub(super) async fn load_aftersales(app: &App, admin: &Principal) -> AppResult<()> {
    let all = ["refund_only", "return_and_refund", "exchange", "repair", "partial_refund"].map(String::from);
    let policies = [
        PolicyInput {
            window_days: 30,
            allowed: all.to_vec(),
            returnless_below_minor: 500,
            ..PolicyInput::default()
        },
        PolicyInput {
            category: "home".into(),
            market: "GB".into(),
            window_days: 30,
            allowed: all.to_vec(),
            returnless_below_minor: 1_000,
            return_point: "Tradeport Returns, Unit 4 Trafford Park, Manchester M17 1AA".into(),
            ..PolicyInput::default()
        },
        PolicyInput {
            category: "home".into(),
            market: "DE".into(),
            window_days: 30,
            allowed: all.to_vec(),
            return_point: "Tradeport Retouren, Hafenstraße 12, 60327 Frankfurt am Main".into(),
            ..PolicyInput::default()
        },
        PolicyInput {
            category: "electronics".into(),
            window_days: 30,
            allowed: all.to_vec(),
            restocking_fee_bp: 1_500,
            warranty_days: 365,
            force_majeure:
                "Delays caused by natural disasters, strikes or customs closures are not compensated.".into(),
            ..PolicyInput::default()
        },
        PolicyInput {
            category: "outdoor".into(),
            window_days: 60,
            allowed: all.to_vec(),
            ..PolicyInput::default()
        },
    ];
    for p in policies {
        save_policy(app, admin, &p).await?;
    }
    Ok(())
}
