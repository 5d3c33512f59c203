//! Releasing a hold checks the order again (ORD-10, #7): what still holds it keeps it on hold with
//! the reasons found now; otherwise it is released and approved, and stock decides the rest.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::post;
use crate::orders::settings;

db_tests!(releasing_a_hold_checks_the_order_again_and_approves_only_what_nothing_holds);

fn codes(order: &Value) -> Vec<String> {
    order["holds"].as_array().unwrap().iter().map(|h| h["code"].as_str().unwrap().to_string()).collect()
}

async fn releasing_a_hold_checks_the_order_again_and_approves_only_what_nothing_holds(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    settings(&app, &s.admin_key, json!({"auto_confirm": false})).await;
    let release = |id: String| {
        let (app, key) = (&app, s.admin_key.clone());
        async move { post(app, &format!("/api/v1/orders/{id}/release-hold"), &key, json!({})).await }
    };

    // No postcode: released by a person, still held for it, with the reason found now.
    let mut no_postcode = lamp_order("#no-postcode", 1);
    no_postcode["shipping_address"]["postcode"] = json!("");
    let (_, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, no_postcode).await;
    assert_eq!((held["status"].as_str(), codes(&held)), (Some("on_hold"), vec!["postcode_required".into()]));
    let (status, kept) = release(held["id"].as_str().unwrap().into()).await;
    assert_eq!(status, StatusCode::OK, "a release that finds a reason is not an error: {kept}");
    assert_eq!((kept["status"].as_str(), codes(&kept)), (Some("on_hold"), vec!["postcode_required".into()]));
    let last = kept["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "order_hold_kept", "{kept}");
    assert!(last["reason"].as_str().unwrap().contains("postcode"), "{last}");

    // Held by staff, and nothing else: the release is the judgement; approved, stock reserved.
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#staff", 4)).await;
    let id = order["id"].as_str().unwrap().to_string();
    let (_, held) =
        post(&app, &format!("/api/v1/orders/{id}/hold"), &s.admin_key, json!({"reason": "call the buyer"}))
            .await;
    assert_eq!(codes(&held), ["held_by_staff"]);
    let (_, released) = release(id).await;
    assert_eq!(
        (released["status"].as_str(), released["allocation"].as_str(), codes(&released).len()),
        (Some("approved"), Some("reserved"), 0),
        "{released}"
    );

    // Short of stock (4 of 10 reserved above, 7 asked, shortages held): released, approval finds
    // the shortage again, and the order is held for it.
    settings(&app, &s.admin_key, json!({"auto_approve": false, "shortage_policy": "hold"})).await;
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#short", 7)).await;
    let id = order["id"].as_str().unwrap().to_string();
    post(&app, &format!("/api/v1/orders/{id}/hold"), &s.admin_key, json!({"reason": "check stock"})).await;
    let (_, short) = release(id).await;
    assert_eq!(
        (short["status"].as_str(), codes(&short)),
        (Some("on_hold"), vec!["out_of_stock".into()]),
        "{short}"
    );
    // A rule added since intake that prohibits the goods: the release finds it and keeps the hold.
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#late-rule", 1)).await;
    let id = order["id"].as_str().unwrap().to_string();
    post(&app, &format!("/api/v1/orders/{id}/hold"), &s.admin_key, json!({"reason": "check the goods"}))
        .await;
    let rule = json!({"code": "no-lamps-gb", "hs_prefix": "9405", "destinations": ["GB"], "action": "block",
                      "message": "lamps may not be sent to GB"});
    let (status, body) = post(&app, "/api/v1/goods-rules", &s.admin_key, rule).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, blocked) = release(id).await;
    assert_eq!(
        (blocked["status"].as_str(), codes(&blocked)),
        (Some("on_hold"), vec!["prohibited_goods".into()]),
        "{blocked}"
    );
    let drifts = tradeport_app::inventory::verify_inventory(&app.app).await.unwrap();
    assert!(drifts.is_empty(), "{drifts:?}");
}
