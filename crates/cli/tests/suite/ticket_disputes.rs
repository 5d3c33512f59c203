//! Disputes (CS-5) over HTTP: opened from a contested ticket, evidence from both sides until the
//! deadline, mediation and a split decision by the arbitration group with its rule, the money back
//! through the refund rules once, a chargeback recorded without paying twice, and the review that
//! closes it; merchants reach only their own.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{code, field, get, post};

db_tests!(a_contested_ticket_is_argued_decided_with_its_rule_refunded_once_and_reviewed);

async fn a_contested_ticket_is_argued_decided_with_its_rule_refunded_once_and_reviewed(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let agent = app.staff_key(&s, "customer_service").await;
    let supervisor = app.staff_key(&s, "supervisor").await;
    let (_, o) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#dsp-1", 1)).await;
    let order = o["id"].as_str().unwrap().to_string();
    let (_, ticket) = crate::tickets::buyer_writes(
        &app,
        &s.merchant_a_key,
        &order,
        "The lamp arrived broken and you refused a refund",
        "dispute-form-1",
    )
    .await;

    let open = |body: Value| post(&app, "/api/v1/disputes", &agent, body);
    let (status, bad) =
        open(json!({"ticket_id": ticket, "kind": "buyer_contest", "claim": "refund", "claim_minor": 9999}))
            .await;
    assert_eq!((status, field(&bad)), (StatusCode::UNPROCESSABLE_ENTITY, "claim_minor"), "{bad}");
    assert!(bad.to_string().contains("33.00 GBP"), "what was paid is named: {bad}");
    let (status, d) =
        open(json!({"ticket_id": ticket, "kind": "buyer_contest", "claim": "a full refund for the lamp",
                                  "claim_minor": 2500}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!((d["order_id"].as_str(), d["status"].as_str()), (Some(order.as_str()), Some("open")), "{d}");
    assert!(
        d["evidence_due"].as_i64() > d["created_at"].as_i64()
            && d["decision_due"].as_i64() > d["evidence_due"].as_i64()
    );
    let id = d["id"].as_str().unwrap().to_string();
    let path = |step: &str| format!("/api/v1/disputes/{id}/{step}");
    // The same claim again (a retried request): one dispute, the open one named.
    let (status, again) =
        open(json!({"ticket_id": ticket, "kind": "buyer_contest", "claim": "a full refund for the lamp",
                                  "claim_minor": 2500}))
        .await;
    assert_eq!((status, code(&again)), (StatusCode::CONFLICT, "dispute.already_open"), "{again}");
    assert!(again.to_string().contains(&id), "{again}");

    // Both sides' evidence; another merchant sees none of it; an agent does not decide.
    let buyer = json!({"party": "buyer", "description": "photos of the broken base, taken at delivery"});
    let (status, _) = post(&app, &path("evidence"), &agent, buyer).await;
    assert_eq!(status, StatusCode::OK);
    let seller = json!({"party": "seller", "description": "packing photo and weight at dispatch"});
    let (status, with) = post(&app, &path("evidence"), &s.merchant_a_key, seller).await;
    assert_eq!((status, with["evidence"].as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{with}");
    let (status, _) = get(&app, &format!("/api/v1/disputes/{id}"), &s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let split = json!({"ruling": "split", "rule": "policy 4.2: damage shared with the carrier", "refund_minor": 1000});
    let (status, _) = post(&app, &path("decision"), &agent, split.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the arbitration group decides");

    // Mediation, then the split: 10.00 back through the refund rules, once.
    let (_, mediated) =
        post(&app, &path("mediation"), &supervisor, json!({"text": "Trade Mediation Ltd"})).await;
    assert_eq!(
        (mediated["status"].as_str(), mediated["mediator"].as_str()),
        (Some("mediation"), Some("Trade Mediation Ltd"))
    );
    let (status, bad) =
        post(&app, &path("decision"), &supervisor, json!({"ruling": "split", "rule": "x"})).await;
    assert_eq!((status, field(&bad)), (StatusCode::UNPROCESSABLE_ENTITY, "refund_minor"), "{bad}");
    let (status, decided) = post(&app, &path("decision"), &supervisor, split.clone()).await;
    assert_eq!((status, decided["status"].as_str()), (StatusCode::OK, Some("decided")), "{decided}");
    assert_eq!((decided["refund_minor"].as_i64(), decided["ruling"].as_str()), (Some(1000), Some("split")));
    assert!(decided["refund_id"].is_string(), "{decided}");
    let (status, again) = post(&app, &path("decision"), &supervisor, split).await;
    assert_eq!((status, code(&again)), (StatusCode::CONFLICT, "dispute.illegal_transition"), "{again}");
    let (_, refunds) = get(&app, &format!("/api/v1/orders/{order}/refunds"), &s.admin_key).await;
    let paid: Vec<i64> =
        refunds["items"].as_array().unwrap().iter().map(|r| r["amount_minor"].as_i64().unwrap()).collect();
    assert_eq!(paid, [1000], "{refunds}");

    // The review closes it.
    let (_, closed) =
        post(&app, &path("review"), &supervisor, json!({"text": "pack lamps with corner guards"})).await;
    assert_eq!(
        (closed["status"].as_str(), closed["review"].as_str()),
        (Some("closed"), Some("pack lamps with corner guards"))
    );

    // A chargeback: the bank took the money; deciding for the buyer records it, pays nothing.
    let (_, cb) = post(
        &app,
        "/api/v1/disputes",
        &agent,
        json!({"order_id": order, "kind": "chargeback",
                                                                "claim": "card holder says not received"}),
    )
    .await;
    assert_eq!(cb["claim_minor"], 3300, "left out, the claim is what was paid: {cb}");
    let cb_id = cb["id"].as_str().unwrap();
    {
        let mut tx = app.app.db().begin().await.unwrap();
        sqlx::query("UPDATE disputes SET evidence_due = 0 WHERE id = $1")
            .bind(cb_id)
            .execute(&mut *tx)
            .await
            .unwrap();
        tradeport_store::commit(tx).await.unwrap();
    }
    let late = json!({"party": "seller", "description": "proof of delivery"});
    let (status, body) = post(&app, &format!("/api/v1/disputes/{cb_id}/evidence"), &agent, late).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "dispute.evidence_closed"), "{body}");
    let ruling = json!({"ruling": "for_buyer", "rule": "no proof of delivery within the network's window"});
    let (_, lost) = post(&app, &format!("/api/v1/disputes/{cb_id}/decision"), &supervisor, ruling).await;
    assert_eq!((lost["refund_minor"].as_i64(), lost["refund_id"].as_str()), (Some(3300), None), "{lost}");
    let (_, refunds) = get(&app, &format!("/api/v1/orders/{order}/refunds"), &s.admin_key).await;
    assert_eq!(refunds["items"].as_array().map(Vec::len), Some(1), "nothing paid twice: {refunds}");
    let (_, mine) = get(&app, "/api/v1/disputes?status=decided", &s.merchant_a_key).await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(1), "{mine}");
    let (_, theirs) = get(&app, "/api/v1/disputes", &s.merchant_b_key).await;
    assert_eq!(theirs["items"], json!([]));
}
