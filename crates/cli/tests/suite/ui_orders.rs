//! The order and inventory pages through HTTP, as a browser posts their forms.

use reqwest::StatusCode;
use serde_json::json;
use tradeport_testkit::{Seeded, TestApp, db_tests, lamp_order};

use crate::audit::count;
use crate::helpers::{page_token as csrf, post, signed_in};
use crate::orders::settings;

db_tests!(
    staff_enter_an_order_by_hand_and_see_every_problem_named,
    the_review_queue_approves_in_bulk_and_the_timeline_shows_who,
    the_settings_page_changes_the_order_rules,
    every_action_a_queue_or_an_order_offers_is_one_it_takes,
    staff_type_money_as_people_write_it_and_it_is_stored_exactly,
);

async fn staff_enter_an_order_by_hand_and_see_every_problem_named(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (client, token) = signed_in(&app, &s.admin_email).await;
    let form = |sku: &str, postcode: &str, total: &str| {
        vec![
            ("csrf_token", token.clone()),
            ("merchant_id", s.merchant_a.id.to_string()),
            ("channel", "phone".into()),
            ("channel_order_id", format!("PHONE-{sku}-{postcode}")),
            ("buyer_name", "Ada Lovelace".into()),
            ("buyer_phone", "020 7946 0958".into()),
            ("buyer_email", "ada@example.com".into()),
            ("line1", "1 Lovelace Way".into()),
            ("city", "London".into()),
            ("postcode", postcode.into()),
            ("country", "GB".into()),
            ("sku0", sku.into()),
            ("qty0", "2".into()),
            ("price0", "25.00".into()),
            ("shipping_fee", "8".into()),
            ("currency", "GBP".into()),
            ("total", total.into()),
            ("paid", total.into()),
            ("payment_method", "bank_transfer".into()),
            ("payment_status", "paid".into()),
            ("service_level", "standard".into()),
        ]
    };
    let res =
        client.post(app.url("/orders/new")).form(&form("NOPE", "EC1Y 8SY", "59.00")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("SKU &#39;NOPE&#39; is not in this merchant&#39;s catalogue"), "{page}");
    assert!(page.contains("value=\"Ada Lovelace\""), "what was typed is kept");

    let res = client.post(app.url("/orders/new")).form(&form("LAMP", "", "58.00")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.url().path().starts_with("/orders/"), "lands on the new order");
    let page = res.text().await.unwrap();
    assert!(page.contains("postcode is required for United Kingdom, e.g. EC1Y 8SY"), "the hold is shown");
    assert!(page.contains("Received, on hold"), "the timeline");
}

/// Posts the entry form for one line in `currency`, with `fields` overriding the defaults.
async fn enter(
    app: &TestApp,
    s: &Seeded,
    client: &reqwest::Client,
    token: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, String)> = vec![
        ("csrf_token", token.into()),
        ("merchant_id", s.merchant_a.id.to_string()),
        ("channel", "phone".into()),
        ("buyer_name", "Ada Lovelace".into()),
        ("buyer_phone", "020 7946 0958".into()),
        ("line1", "1 Lovelace Way".into()),
        ("city", "London".into()),
        ("postcode", "EC1Y 8SY".into()),
        ("country", "GB".into()),
        ("sku0", "LAMP".into()),
        ("qty0", "1".into()),
        ("payment_method", "bank_transfer".into()),
        ("payment_status", "paid".into()),
        ("service_level", "standard".into()),
    ];
    for (name, value) in fields {
        form.retain(|(n, _)| n != name);
        form.push((name, value.to_string()));
    }
    client.post(app.url("/orders/new")).form(&form).send().await.unwrap()
}

async fn staff_type_money_as_people_write_it_and_it_is_stored_exactly(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (client, token) = signed_in(&app, &s.admin_email).await;
    let suggested = client
        .get(app.url("/orders/new/suggested-total?currency=GBP&sku0=LAMP&qty0=2&price0=45.99&discount=1.50&shipping_fee=7.99"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // 2 × 45.99 − 1.50 + 7.99 = 98.47
    assert_eq!(suggested, "Suggested total: 98.47 GBP");

    // 45.99 + 7.99 shipping, the total left empty: the suggested 53.98 is taken, exactly.
    let gbp = [
        ("channel_order_id", "PHONE-GBP"),
        ("currency", "GBP"),
        ("price0", "45.99"),
        ("shipping_fee", "7.99"),
    ];
    let res = enter(&app, &s, &client, &token, &gbp).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let yen = [("channel_order_id", "PHONE-JPY"), ("currency", "JPY"), ("price0", "1500"), ("total", "1500")];
    let res = enter(&app, &s, &client, &token, &yen).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let stored =
        |column: &str, no: &str| format!("SELECT {column} FROM orders WHERE channel_order_id = '{no}'");
    for (column, gbp, jpy) in
        [("total_minor", 5398, 1500), ("paid_minor", 5398, 1500), ("shipping_fee_minor", 799, 0)]
    {
        assert_eq!(count(&app, &stored(column, "PHONE-GBP")).await, gbp, "{column}");
        assert_eq!(count(&app, &stored(column, "PHONE-JPY")).await, jpy, "{column}");
    }
    // Every unreadable number named at once, with the fix; nothing is stored.
    let bad = [
        ("channel_order_id", "PHONE-BAD"),
        ("currency", "GBP"),
        ("price0", "45.999"),
        ("qty0", "abc"),
        ("shipping_fee", "seven"),
    ];
    let res = enter(&app, &s, &client, &token, &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("45.999 has more decimals than GBP allows"), "{page}");
    assert!(page.contains("&#39;abc&#39; is not a number of items"), "{page}");
    assert!(page.contains("&#39;seven&#39; is not an amount; write it like 45.99"), "{page}");
    assert!(page.contains("value=\"45.999\""), "what was typed is kept");
    let yen_decimals = [("channel_order_id", "PHONE-BAD"), ("currency", "JPY"), ("price0", "1500.5")];
    let page = enter(&app, &s, &client, &token, &yen_decimals).await.text().await.unwrap();
    assert!(page.contains("1500.5 has more decimals than JPY allows"), "{page}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders WHERE channel_order_id = 'PHONE-BAD'").await, 0);
}

async fn the_review_queue_approves_in_bulk_and_the_timeline_shows_who(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    settings(&app, &s.admin_key, json!({"auto_approve": false})).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let (_, o) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order(&format!("#q{n}"), 1)).await;
        ids.push(o["id"].as_str().unwrap().to_string());
    }
    let (client, _) = signed_in(&app, &s.admin_email).await;
    let queue = client.get(app.url("/orders/queue/first")).send().await.unwrap().text().await.unwrap();
    let token = csrf(&queue);
    assert!(ids.iter().all(|id| queue.contains(id.as_str())));
    let body = format!(
        "csrf_token={token}&back=%2Forders%2Fqueue%2Ffirst&ids={}&ids={}&ids=no-such-order",
        ids[0], ids[1]
    );
    let res = client
        .post(app.url("/orders/bulk-approve"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("2 orders approved"), "{page}");
    // Per order, what happened: two approved, one refused with the reason.
    let results = &page[page.find("id=\"bulk-results\"").expect("a table of outcomes")..];
    let results = &results[..results.find("</table>").unwrap()];
    assert!(
        results.contains(">#q0</a></td><td>Approved</td>")
            && results.contains(">#q1</a></td><td>Approved</td>"),
        "{results}"
    );
    assert!(
        results.contains("class=\"error\"><td><a href=\"/orders/no-such-order\">no-such-order</a>"),
        "{results}"
    );
    let queue = &page[page.find("id=\"orders\"").unwrap()..];
    assert!(
        !queue.contains(ids[0].as_str()) && queue.contains(ids[2].as_str()),
        "approved orders leave the queue"
    );

    let res = client
        .post(app.url(&format!("/orders/{}/act", ids[2])))
        .form(&[
            ("csrf_token", token.as_str()),
            ("action", "reject"),
            ("reason", ""),
            ("back", "/orders/queue/first"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a rejection without a reason is refused");
    let res = client
        .post(app.url(&format!("/orders/{}/act", ids[2])))
        .form(&[
            ("csrf_token", token.as_str()),
            ("action", "reject"),
            ("reason", "duplicate of an earlier order"),
            ("back", &format!("/orders/{}", ids[2])),
        ])
        .send()
        .await
        .unwrap();
    let detail = res.text().await.unwrap();
    assert!(
        detail.contains("duplicate of an earlier order") && detail.contains("<td>Rejected</td>"),
        "the timeline has what and why, in words: {detail}"
    );
    assert!(detail.contains(">Test User</td>"), "who, by name: {detail}");
    assert!(detail.contains("API key “merchant key”"), "an API key by its name: {detail}");
    let merchant_key_id =
        text_of(&app, "SELECT MIN(actor_id) FROM events WHERE kind = 'order_received'").await;
    assert!(detail.contains(&format!("title=\"{merchant_key_id}\"")), "the id on hover");
    // The operator works in Asia/Shanghai: its times are shown there, with the zone named.
    assert!(detail.contains(" Asia/Shanghai</td>") && !detail.contains(" UTC<"), "{detail}");
}

async fn text_of(app: &TestApp, sql: &str) -> String {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut *conn).await.unwrap()
}

async fn the_settings_page_changes_the_order_rules(app: TestApp) {
    let s = app.seed("acme").await;
    let (client, token) = signed_in(&app, &s.admin_email).await;
    let form = [
        ("csrf_token", token.as_str()),
        ("default_locale", "en"),
        ("session_hours", "8"),
        ("login_max_failures", "5"),
        ("login_window_minutes", "15"),
        ("second_review_threshold_minor", "50000"),
        ("auto_confirm", "1"),
        ("allocation_policy", "single_warehouse"),
        ("shortage_policy", "hold"),
        ("second_review_thresholds", "GBP=70000, VND=30000000"),
    ];
    let res = client.post(app.url("/settings")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Settings saved."));
    assert!(page.contains("value=\"GBP=70000, VND=30000000\""), "the page shows what was saved");
    let (_, saved) = crate::helpers::get(&app, "/api/v1/settings", &s.admin_key).await;
    assert_eq!(saved["auto_approve"], false, "an unticked box turns auto-approval off");
    assert_eq!(
        (saved["second_review_threshold_minor"].as_i64(), saved["shortage_policy"].as_str()),
        (Some(50000), Some("hold"))
    );
    assert_eq!(saved["second_review_thresholds"], serde_json::json!({"GBP": 70000, "VND": 30000000}));
    assert_eq!(saved["service_levels"].as_array().map(Vec::len), Some(5), "no rows sent: levels kept");

    // The service levels: edit one, remove one (code cleared), add one in the empty row.
    let page = client.get(app.url("/settings")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("name=\"level5_code\" value=\"\""), "an empty row to add a level");
    let mut levels = form.to_vec();
    levels.extend([
        ("level0_code", "standard"),
        ("level0_fee", "500"),
        ("level0_fees", "GBP=400, JPY=900"),
        ("level1_code", ""),
        ("level1_fee", "1500"),
        ("level2_code", "special"),
        ("level2_fee", "3000"),
        ("level2_special", "1"),
        ("level3_code", "economy"),
        ("level3_fee", "0"),
    ]);
    let res = client.post(app.url("/settings")).form(&levels).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, saved) = crate::helpers::get(&app, "/api/v1/settings", &s.admin_key).await;
    let codes: Vec<&str> =
        saved["service_levels"].as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["standard", "special", "economy"]);
    assert_eq!(saved["service_levels"][0]["min_shipping_fees"], serde_json::json!({"GBP": 400, "JPY": 900}));
    assert_eq!(
        (saved["service_levels"][1]["special"].as_bool(), saved["service_levels"][2]["special"].as_bool()),
        (Some(true), Some(false))
    );
    levels[12] = ("level0_fees", "GBP=cheap");
    let res = client.post(app.url("/settings")).form(&levels).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("service level &#39;standard&#39;, GBP: use an ISO 4217 code"), "{page}");
    // The refused form shows what is saved with what was typed, never the defaults.
    assert!(
        page.contains("name=\"level1_code\" value=\"special\"")
            && page.contains("name=\"level0_fees\" value=\"GBP=-1\""),
        "{page}"
    );
    assert!(!page.contains("value=\"express\""), "the removed level stays removed");

    let mut bad = form.to_vec();
    bad[5] = ("second_review_threshold_minor", "lots");
    let res = client.post(app.url("/settings")).form(&bad).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("second_review_threshold_minor must be zero or more"));
}

/// The actions whose buttons `page` offers for order `id`, in order.
fn offered_in(page: &str, id: &str) -> Vec<String> {
    let form = page
        .split(&format!("action=\"/orders/{id}/act\""))
        .nth(1)
        .and_then(|f| f.split("</form>").next())
        .unwrap();
    form.split("name=\"action\" value=\"")
        .skip(1)
        .filter_map(|b| b.split('"').next())
        .map(str::to_string)
        .collect()
}

async fn every_action_a_queue_or_an_order_offers_is_one_it_takes(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let mut held = lamp_order("#held", 1);
    held["shipping_address"]["postcode"] = json!("");
    let (_, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, held).await;
    let held_id = held["id"].as_str().unwrap();
    let (_, confirmed) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#done", 1)).await;
    let confirmed_id = confirmed["id"].as_str().unwrap();
    let (client, _) = signed_in(&app, &s.admin_email).await;

    let queue = client.get(app.url("/orders/queue/hold")).send().await.unwrap().text().await.unwrap();
    assert!(!queue.contains("id=\"bulk\""), "held orders are not approved in bulk");
    let offered = offered_in(&queue, held_id);
    assert_eq!(offered, ["release-hold", "reject", "cancel"], "no approve on hold");
    let row = &queue[queue.find(&format!("id=\"order-{held_id}\"")).unwrap()..];
    assert!(
        row[..row.find("</tr>").unwrap()]
            .contains("<li>postcode is required for United Kingdom, e.g. EC1Y 8SY"),
        "the queue says why it is held, in words: {row}"
    );
    let detail =
        client.get(app.url(&format!("/orders/{confirmed_id}"))).send().await.unwrap().text().await.unwrap();
    let offered = offered_in(&detail, confirmed_id);
    assert_eq!(offered, ["hold", "cancel"], "a confirmed order is neither approved nor confirmed again");

    // Each offered action is taken: none answers 409.
    for (id, action) in [(confirmed_id, "hold"), (held_id, "release-hold"), (held_id, "reject")] {
        let page = client.get(app.url(&format!("/orders/{id}"))).send().await.unwrap().text().await.unwrap();
        let body = format!("csrf_token={}&back=%2Forders&reason=checked&action={action}", csrf(&page));
        let res = client
            .post(app.url(&format!("/orders/{id}/act")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "{action} on {id}: {}",
            res.status()
        );
    }
}
