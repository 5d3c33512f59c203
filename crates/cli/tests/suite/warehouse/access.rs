//! Who reaches what in the warehouse (SYS-2): merchants their own notices and goods, staff the
//! warehouses they work in.

use reqwest::StatusCode;
use serde_json::json;
use tradeport_testkit::{TestApp, db_tests};

use super::*;
use crate::helpers::{code, get, post};

db_tests!(
    merchants_see_only_their_own_notices_and_goods_and_cannot_run_the_warehouse,
    a_warehouse_user_limited_to_one_warehouse_cannot_work_in_another,
);

async fn merchants_see_only_their_own_notices_and_goods_and_cannot_run_the_warehouse(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 3, "A-01-01-1-1").await;
    let (_, page) = get(&app, "/api/v1/asns", &f.s.merchant_a_key).await;
    let id = page["items"][0]["id"].as_str().unwrap().to_string();
    let (status, _) = get(&app, &format!("/api/v1/asns/{id}"), &f.s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "B cannot read A's notice");
    let (_, theirs) = get(&app, "/api/v1/asns", &f.s.merchant_b_key).await;
    assert_eq!(theirs["items"], json!([]));
    let (_, contents) =
        get(&app, &format!("/api/v1/warehouses/{}/bin-contents", f.uk), &f.s.merchant_b_key).await;
    assert_eq!(contents["items"], json!([]), "B sees none of A's goods in the bins");
    let (_, mine) =
        get(&app, &format!("/api/v1/warehouses/{}/bin-contents", f.uk), &f.s.merchant_a_key).await;
    assert_eq!(mine["items"][0]["units"], 3);
    for (path, body) in [
        (format!("/api/v1/asns/{id}/close"), json!({})),
        (format!("/api/v1/asns/{id}/receipts"), json!({"scan": "MUG"})),
        ("/api/v1/waves".to_string(), json!({"warehouse_id": f.uk})),
        (
            "/api/v1/put-away".to_string(),
            json!({"warehouse_id": f.uk, "scan": "MUG", "bin": "A-01-01-1-1", "quantity": 1}),
        ),
        (
            format!("/api/v1/warehouses/{}/bins", f.uk),
            json!({"zone": "Z", "aisle": "1", "rack": "1", "level": "1", "position": "1"}),
        ),
    ] {
        let (status, body) = post(&app, &path, &f.s.merchant_a_key, body).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "auth.forbidden"), "{path}");
    }
    let (status, body) = post(&app, "/api/v1/asns", &f.s.merchant_b_key, asn(&f.uk, &[("MUG", 1, 1)])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "B has no SKU MUG: {body}");
    // The merchant's portal: its notice, and the notice's carton labels to print.
    let (client, token) = crate::helpers::signed_in(&app, &f.s.merchant_a_email).await;
    let page = client.get(app.url("/warehouse")).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("ASN-000001") && page.contains("id=\"asn-form\""),
        "the portal lists the notice and offers a new one"
    );
    assert!(!page.contains("id=\"wave-form\""), "but no warehouse work");
    let res = client.get(app.url(&format!("/warehouse/asns/{id}/carton-labels.pdf"))).send().await.unwrap();
    assert_eq!(
        (res.status(), res.headers()["content-type"].to_str().unwrap()),
        (StatusCode::OK, "application/pdf")
    );
    // Its packing inserts, with the order value typed as money.
    let insert = |min: &'static str| {
        let form = [
            ("csrf_token", token.clone()),
            ("code", "thanks".into()),
            ("name", "Thank-you card".into()),
            ("kind", "card".into()),
            ("weight_g", "12".into()),
            ("min_order", min.into()),
            ("currency", "GBP".into()),
        ];
        client.post(app.url("/warehouse/inserts")).form(&form).send()
    };
    let res = insert("49,9x").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "an amount that is not money is refused");
    let page = insert("49.90").await.unwrap().text().await.unwrap();
    assert!(page.contains("THANKS · Thank-you card"), "saved: {page}");
    let (_, mine) = get(&app, "/api/v1/packing-inserts", &f.s.merchant_a_key).await;
    assert_eq!(
        (mine["items"][0]["min_order_minor"].as_i64(), mine["items"][0]["currency"].as_str()),
        (Some(4990), Some("GBP"))
    );
    let (_, theirs) = get(&app, "/api/v1/packing-inserts", &f.s.merchant_b_key).await;
    assert_eq!(theirs["items"], json!([]), "another merchant does not see it");
}

async fn a_warehouse_user_limited_to_one_warehouse_cannot_work_in_another(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "PEN", 3, "A-01-01-1-1").await;
    let id = arrived_asn(&app, &f, &[("MUG", 1, 2)]).await;
    let email = app.staff_user(&f.s, "warehouse").await;
    let (_, users) = get(&app, "/api/v1/users?limit=200", &f.s.admin_key).await;
    let user =
        users["items"].as_array().unwrap().iter().find(|u| u["email"] == email.as_str()).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
    let (_, warehouses) = get(&app, "/api/v1/warehouses", &f.s.admin_key).await;
    let cn = warehouses["items"].as_array().unwrap().iter().find(|w| w["code"] == "CN-SZX").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let put = |body: Value| {
        app.client
            .put(app.url(&format!("/api/v1/users/{user}/warehouses")))
            .bearer_auth(&f.s.admin_key)
            .json(&body)
            .send()
    };
    assert_eq!(put(json!({"warehouse_ids": ["nope"]})).await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(put(json!({"warehouse_ids": [cn]})).await.unwrap().status(), StatusCode::OK);

    let (client, token) = crate::helpers::signed_in(&app, &email).await;
    let page = client.get(app.url("/warehouse")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("CN-SZX") && !page.contains("UK-MAN"), "only the Shenzhen warehouse");
    assert!(!page.contains("ASN-00000"), "nor the Manchester notices");
    let inventory = client.get(app.url("/inventory")).send().await.unwrap().text().await.unwrap();
    let stock_table = inventory.split("id=\"stock\"").nth(1).unwrap().split("</table>").next().unwrap();
    let (_, all) = get(&app, "/api/v1/stock?limit=200", &f.s.admin_key).await;
    assert!(all["items"].as_array().unwrap().iter().any(|b| b["warehouse_code"] == "UK-MAN"), "{all}");
    assert!(!stock_table.contains("UK-MAN"), "nor the Manchester stock: {stock_table}");
    let res = client.get(app.url(&format!("/warehouse/receive?asn={id}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "the Manchester notice cannot be counted");
    let form = [("csrf_token", token.as_str()), ("asn", id.as_str()), ("scan", "MUG"), ("quantity", "1")];
    let res = client.post(app.url("/warehouse/receive")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "nor scanned into");
    let (_, a) = get(&app, &format!("/api/v1/asns/{id}"), &f.s.admin_key).await;
    assert_eq!(a["lines"][0]["good"], 0, "nothing was counted");
    let adjust = [
        ("csrf_token", token.as_str()),
        ("sku_id", f.mug.as_str()),
        ("warehouse_id", f.uk.as_str()),
        ("delta", "5"),
        ("reason", "found"),
    ];
    let res = client.post(app.url("/inventory/adjust")).form(&adjust).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "nor its stock adjusted");
    assert_eq!(balance(&app, &f, &f.mug).await, (0, 0));
}
