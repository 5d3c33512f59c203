//! Exception cases worked by people (EXC-1, EXC-7): opened on an order, a cause from the
//! operator's list, actions, photos, the buyer's feedback, and closed only with cause, handling
//! and result; the merchant's webhooks hear of it; another merchant sees nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{call, code, field, get, post};
use crate::warehouse::{confirmed_order, floor};

db_tests!(a_case_is_worked_until_it_closes_with_cause_handling_and_result);

fn fields(body: &Value) -> Vec<&str> {
    body["error"]["fields"]
        .as_array()
        .map_or(Vec::new(), |f| f.iter().filter_map(|e| e["field"].as_str()).collect())
}

async fn a_case_is_worked_until_it_closes_with_cause_handling_and_result(app: TestApp) {
    let f = floor(&app).await;
    let cs = app.staff_key(&f.s, "customer_service").await;
    let order = confirmed_order(&app, &f, "#x9", &[("PEN", 1)]).await;

    // The operator's causes.
    let cause = json!({"code": "carrier_damage", "label": "Damaged by the carrier"});
    assert_eq!(
        post(&app, "/api/v1/case-causes", &cs, cause.clone()).await.0,
        StatusCode::FORBIDDEN,
        "admins keep the list"
    );
    let (status, body) =
        post(&app, "/api/v1/case-causes", &f.s.admin_key, json!({"code": "Carrier Damage", "label": "x"}))
            .await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "code"));
    assert_eq!(post(&app, "/api/v1/case-causes", &f.s.admin_key, cause).await.0, StatusCode::OK);

    // Opened by customer service: its department by type, the merchant's webhooks told.
    let (status, opened) = post(
        &app,
        "/api/v1/exception-cases",
        &cs,
        json!({"order_id": order, "case_type": "damaged",
        "description": "the mug arrived broken"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    assert_eq!(
        (opened["case"]["department"].as_str(), opened["case"]["status"].as_str()),
        (Some("customer_service"), Some("open"))
    );
    let id = opened["case"]["id"].as_str().unwrap().to_string();
    let mut conn = app.app.db().read().await.unwrap();
    let told: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE topic = 'exception.opened' AND merchant_id = $1",
    )
    .bind(f.s.merchant_a.id.to_string())
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    assert_eq!(told, 1, "the merchant's webhooks hear of it");
    let (status, _) = get(&app, &format!("/api/v1/exception-cases/{id}"), &f.s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another merchant's case");
    let (status, _) = get(&app, &format!("/api/v1/exception-cases/{id}"), &f.s.merchant_a_key).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(
        &app,
        "/api/v1/exception-cases",
        &f.s.merchant_a_key,
        json!({"order_id": order, "case_type": "lost", "description": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff open cases");

    // Not closed without cause, handling and result; the cause must be on the list.
    let path = format!("/api/v1/exception-cases/{id}");
    let work = |body: Value| call(&app, Method::PATCH, &path, &cs, Some(body));
    let (status, body) = work(json!({"close": true})).await;
    assert_eq!(
        (status, fields(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["cause_code", "action", "result"]),
        "{body}"
    );
    let (status, body) = work(json!({"cause_code": "weather"})).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_cause"))
    );
    let (status, body) =
        work(json!({"cause_code": "carrier_damage", "action": "asked the buyer for photos"})).await;
    assert_eq!((status, body["actions"].as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "{body}");

    // A photo kept with it, read back; a file that is not one refused.
    let png = b"\x89PNG\r\n\x1a\n-----".to_vec();
    let upload = |name: &str, bytes: Vec<u8>| {
        app.client
            .post(app.url(&format!("/api/v1/exception-cases/{id}/evidence?file_name={name}")))
            .bearer_auth(&cs)
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
    };
    assert_eq!(
        upload("notes.txt", b"just words".to_vec()).await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let res = upload("broken-mug.png", png.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let detail: Value = res.json().await.unwrap();
    let url = detail["evidence"][0]["url"].as_str().unwrap().to_string();
    let res = app.client.get(app.url(&url)).bearer_auth(&f.s.merchant_a_key).send().await.unwrap();
    assert_eq!(
        (res.status(), res.headers()["content-type"].to_str().unwrap().to_string()),
        (StatusCode::OK, "image/png".into())
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), png);

    // Closed with its result and the buyer's feedback; closed stays closed.
    let (status, body) =
        work(json!({"result": "refunded 9.20 GBP", "buyer_feedback": "satisfied", "close": true})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["case"]["status"].as_str(),
            body["case"]["result"].as_str(),
            body["case"]["buyer_feedback"].as_str()
        ),
        (Some("closed"), Some("refunded 9.20 GBP"), Some("satisfied"))
    );
    let (status, body) = work(json!({"action": "one more"})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "case.closed"));
    let (_, o) = get(&app, &format!("/api/v1/orders/{order}"), &f.s.admin_key).await;
    let kinds: Vec<&str> =
        o["events"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    for kind in [
        "order_exception_opened",
        "order_exception_worked",
        "order_exception_evidence",
        "order_exception_closed",
    ] {
        assert!(kinds.contains(&kind), "{kind} on the timeline: {kinds:?}");
    }
    let (_, queue) =
        get(&app, "/api/v1/exception-cases?department=customer_service&status=closed", &cs).await;
    assert_eq!(queue["items"][0]["id"], id.as_str(), "the department's queue");

    // The order page: the cases, a case opened and refused closing from the page, a refund typed as
    // money and submitted twice (one refund: the form's key).
    let (client, token) = crate::helpers::signed_in(&app, &f.s.admin_email).await;
    let page = client.get(app.url(&format!("/orders/{order}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Cases and refunds")
            && page.contains("the mug arrived broken")
            && page.contains("id=\"refund-form\"")
    );
    let form = [
        ("csrf_token", token.as_str()),
        ("case_type", "missing_item"),
        ("description", "the pen was not in the box"),
    ];
    let res = client.post(app.url(&format!("/orders/{order}/cases"))).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("the pen was not in the box"), "the new case on the page");
    let (_, open) =
        get(&app, &format!("/api/v1/exception-cases?status=open&order_id={order}"), &f.s.admin_key).await;
    let new_case = open["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(open["items"][0]["department"], "warehouse", "a missing item is the warehouse's");
    let close = [("csrf_token", token.as_str()), ("action", "checked the packing video"), ("close", "1")];
    let res =
        client.post(app.url(&format!("/orders/{order}/cases/{new_case}"))).form(&close).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("set the cause"), "the page says what is missing");
    let key = crate::helpers::page_token(&page);
    let marker = "name=\"request_key\" value=\"";
    let request_key =
        page[page.find(marker).unwrap() + marker.len()..].split('"').next().unwrap().to_string();
    let refund = [
        ("csrf_token", key.as_str()),
        ("amount", "1.50"),
        ("method", "store_credit"),
        ("reason", "pen missing"),
        ("request_key", request_key.as_str()),
    ];
    for _ in 0..2 {
        let res =
            client.post(app.url(&format!("/orders/{order}/refunds"))).form(&refund).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let (_, refunds) = get(&app, &format!("/api/v1/orders/{order}/refunds"), &f.s.admin_key).await;
    assert_eq!(
        (refunds["items"].as_array().unwrap().len(), refunds["refunded_minor"].as_i64()),
        (1, Some(150)),
        "{refunds}"
    );
    let bad = [
        ("csrf_token", key.as_str()),
        ("amount", "1,5x"),
        ("method", "store_credit"),
        ("reason", "x"),
        ("request_key", "other"),
    ];
    let res = client.post(app.url(&format!("/orders/{order}/refunds"))).form(&bad).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
