//! After-sales policies (AFS-1, AFS-7) through the API: the same SKU asked about in Germany and in
//! the United States gets each market's policy, with the rules that decided it in words.

use reqwest::StatusCode;
use serde_json::json;
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{field, get, post};
use crate::warehouse::{confirmed_order_from, floor, order};

db_tests!(each_market_gets_its_own_policy_with_the_rules_that_decided);

async fn each_market_gets_its_own_policy_with_the_rules_that_decided(app: TestApp) {
    let f = floor(&app).await;
    let policy = |market: &str, fee: i64| {
        json!({"category": "home", "market": market, "window_days": 7, "allowed": ["return_and_refund", "refund_only"],
               "returnless_below_minor": 500, "restocking_fee_bp": fee})
    };
    let (status, body) = post(
        &app,
        "/api/v1/aftersales-policies",
        &f.s.admin_key,
        json!({"market": "Germany", "allowed": ["swap"]}),
    )
    .await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "allowed[0]"), "{body}");
    for (market, fee) in [("US", 1_500), ("de", 0)] {
        let (status, body) =
            post(&app, "/api/v1/aftersales-policies", &f.s.admin_key, policy(market, fee)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let berlin = crate::customs::order_to_berlin(&app, &f, "#p1", 1, 2_000).await;
    let mut us = order("#p2", &[("PEN", 1)]);
    us["buyer"]["phone"] = json!("+1 408 996 1010");
    us["shipping_address"] = json!({"name": "Ada Lovelace", "line1": "1 Infinite Loop", "city": "Cupertino", "state": "CA", "postcode": "95014", "country": "US"});
    let us = confirmed_order_from(&app, &f, us).await;
    let ask = json!({"sku": "PEN", "request_type": "return_and_refund", "reason": "changed_mind"});
    let (status, de_answer) =
        post(&app, &format!("/api/v1/orders/{berlin}/aftersales-check"), &f.s.merchant_a_key, ask.clone())
            .await;
    assert_eq!(status, StatusCode::OK, "{de_answer}");
    let (_, us_answer) =
        post(&app, &format!("/api/v1/orders/{us}/aftersales-check"), &f.s.merchant_a_key, ask.clone()).await;
    let rules = |a: &serde_json::Value| {
        a["rules"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert!(rules(&de_answer)[0].contains("the law in DE gives 14 days to change your mind"), "{de_answer}");
    assert!(rules(&de_answer).iter().any(|r| r.contains("within the 14 days")), "{de_answer}");
    assert!(
        rules(&us_answer)
            .iter()
            .any(|r| r.contains("within the 7 days after delivery allowed for home goods, deliveries to US")),
        "{us_answer}"
    );
    assert_eq!(
        (us_answer["restocking_fee_minor"].as_i64(), de_answer["restocking_fee_minor"].as_i64()),
        (Some(150), Some(0)),
        "each market's fee"
    );
    assert_eq!(
        (de_answer["eligible"].as_bool(), de_answer["freight_payer"].as_str()),
        (Some(true), Some("buyer"))
    );
    let exchange = json!({"sku": "PEN", "request_type": "exchange", "reason": "quality"});
    let (_, refused) =
        post(&app, &format!("/api/v1/orders/{us}/aftersales-check"), &f.s.merchant_a_key, exchange).await;
    assert_eq!(refused["eligible"].as_bool(), Some(false));
    assert!(
        rules(&refused).iter().any(|r| r == "exchange is not offered for home goods, deliveries to US"),
        "{refused}"
    );
    let (status, _) =
        post(&app, &format!("/api/v1/orders/{us}/aftersales-check"), &f.s.merchant_b_key, ask).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another merchant's order");
    let nowhere = json!({"sku": "MUG", "request_type": "refund_only", "reason": "quality"});
    let (status, body) =
        post(&app, &format!("/api/v1/orders/{us}/aftersales-check"), &f.s.merchant_a_key, nowhere).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "sku"), "not on the order");
    let (_, listed) = get(&app, "/api/v1/aftersales-policies", &f.s.merchant_b_key).await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        2,
        "policies for every merchant are in every merchant's reach"
    );

    // A warranty and force majeure terms: checked, kept, and published on the buyer's page.
    let mut warranty = policy("US", 0);
    warranty["warranty_days"] = json!(4000);
    let (status, body) = post(&app, "/api/v1/aftersales-policies", &f.s.admin_key, warranty.clone()).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "warranty_days"), "{body}");
    warranty["warranty_days"] = json!(365);
    warranty["force_majeure"] = json!("Delays caused by strikes are not compensated.");
    let (status, kept) = post(&app, "/api/v1/aftersales-policies", &f.s.admin_key, warranty).await;
    assert_eq!((status, kept["warranty_days"].as_i64()), (StatusCode::OK, Some(365)), "{kept}");
    let (_, link) = get(&app, &format!("/api/v1/orders/{us}/tracking-link"), &f.s.admin_key).await;
    let page =
        app.client.get(app.url(link["url"].as_str().unwrap())).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("repaired for 365 days after delivery") && page.contains("Delays caused by strikes"),
        "published to the buyer"
    );
}
