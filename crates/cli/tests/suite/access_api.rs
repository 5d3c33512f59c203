//! Tenancy, roles and API keys through the API (SYS-2).

use reqwest::{Method, StatusCode};
use serde_json::json;
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{call, code, get, post};

db_tests!(
    a_merchant_key_reaches_nothing_of_another_merchant_or_the_operator,
    a_revoked_key_is_refused_at_once,
    admins_create_users_and_duplicates_name_the_field,
    a_retried_request_with_the_same_idempotency_key_returns_the_first_response,
    lists_are_paginated_with_a_cursor,
    staff_roles_cannot_manage_users_or_settings,
);

async fn a_merchant_key_reaches_nothing_of_another_merchant_or_the_operator(app: TestApp) {
    let s = app.seed("acme").await;
    let a = &s.merchant_a_key;
    let (b_id, op_id) = (s.merchant_b.id.to_string(), s.operator.id.to_string());

    let (status, body) = get(&app, "/api/v1/tenants", a).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> =
        body["items"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [s.merchant_a.id.to_string()]);

    for path in [
        format!("/api/v1/tenants/{b_id}"),
        format!("/api/v1/tenants/{op_id}"),
        "/api/v1/tenants/not-a-uuid".into(),
    ] {
        let (status, body) = get(&app, &path, a).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(code(&body), "not_found");
    }
    // Another operator's merchant is as invisible to an admin as a missing one.
    let other = app.seed("other").await;
    let (status, _) = get(&app, &format!("/api/v1/tenants/{}", other.merchant_a.id), &s.admin_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for path in ["/api/v1/users", "/api/v1/settings"] {
        let (status, body) = get(&app, path, a).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(code(&body), "auth.forbidden");
    }
    let settings = json!({"session_hours": 1});
    let (status, _) = call(&app, Method::PATCH, "/api/v1/settings", a, Some(settings)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        post(&app, "/api/v1/tenants", a, json!({"name": "X", "code": "x-co", "timezone": "UTC"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Keys: a merchant lists only its own, cannot revoke another's, cannot create one for another.
    let (_, all) = get(&app, "/api/v1/api-keys", &s.admin_key).await;
    let b_key = all["items"].as_array().unwrap().iter().find(|k| k["tenant_id"] == b_id).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, own) = get(&app, "/api/v1/api-keys", a).await;
    assert_eq!(status, StatusCode::OK);
    assert!(own["items"].as_array().unwrap().iter().all(|k| k["tenant_id"] == s.merchant_a.id.to_string()));
    assert_eq!(own["items"].as_array().unwrap().len(), 1);
    let (status, _) = call(&app, Method::DELETE, &format!("/api/v1/api-keys/{b_key}"), a, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) =
        post(&app, "/api/v1/api-keys", a, json!({"tenant_id": b_id, "name": "sneaky", "role": "merchant"}))
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&app, "/api/v1/me", &s.merchant_b_key).await;
    assert_eq!(status, StatusCode::OK, "B's key still works: nothing was revoked");
}

async fn a_revoked_key_is_refused_at_once(app: TestApp) {
    let s = app.seed("acme").await;
    let (status, created) =
        post(&app, "/api/v1/api-keys", &s.admin_key, json!({"name": "sync", "role": "order_manager"})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("tpk_") && secret.starts_with(created["prefix"].as_str().unwrap()));
    let (status, me) = get(&app, "/api/v1/me", secret).await;
    assert_eq!((status, me["role"].as_str()), (StatusCode::OK, Some("order_manager")));

    let id = created["id"].as_str().unwrap();
    let (status, revoked) =
        call(&app, Method::DELETE, &format!("/api/v1/api-keys/{id}"), &s.admin_key, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(revoked["revoked_at"].is_i64());
    let (status, body) = get(&app, "/api/v1/me", secret).await;
    assert_eq!((status, code(&body)), (StatusCode::UNAUTHORIZED, "auth.unauthenticated"));
    let (_, listed) = get(&app, "/api/v1/api-keys", &s.admin_key).await;
    let used = listed["items"].as_array().unwrap().iter().find(|k| k["id"] == id).unwrap();
    assert!(used["last_used_at"].is_i64(), "use was recorded: {used}");
    assert!(!listed.to_string().contains(secret), "the secret is never listed");
}

async fn admins_create_users_and_duplicates_name_the_field(app: TestApp) {
    let s = app.seed("acme").await;
    let user = json!({"email": "Li.Wei@Acme.example", "display_name": "Li Wei", "role": "reviewer", "password": "long enough secret"});
    let (status, created) = post(&app, "/api/v1/users", &s.admin_key, user.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["email"], "li.wei@acme.example");
    assert!(created.get("password_hash").is_none());
    let (status, body) = post(&app, "/api/v1/users", &s.admin_key, user).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "duplicate"));
    assert_eq!(body["error"]["fields"][0]["field"], "email");

    let merchant_user = json!({"tenant_id": s.merchant_a.id, "email": "x@a.example", "display_name": "X", "role": "admin", "password": "long enough secret"});
    let (status, body) = post(&app, "/api/v1/users", &s.admin_key, merchant_user).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "role_not_allowed_for_tenant");

    let id = created["id"].as_str().unwrap();
    let (status, off) = post(&app, &format!("/api/v1/users/{id}/deactivate"), &s.admin_key, json!({})).await;
    assert_eq!((status, off["active"].as_bool()), (StatusCode::OK, Some(false)));
}

async fn a_retried_request_with_the_same_idempotency_key_returns_the_first_response(app: TestApp) {
    let s = app.seed("acme").await;
    let send = |body: serde_json::Value| {
        app.client
            .post(app.url("/api/v1/api-keys"))
            .bearer_auth(&s.admin_key)
            .header("Idempotency-Key", "retry-7f3a")
            .json(&body)
            .send()
    };
    let body = json!({"name": "once", "role": "finance"});
    let first = send(body.clone()).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: serde_json::Value = first.json().await.unwrap();
    let again = send(body).await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    let (_, listed) = get(&app, "/api/v1/api-keys", &s.admin_key).await;
    let named_once = listed["items"].as_array().unwrap().iter().filter(|k| k["name"] == "once").count();
    assert_eq!(named_once, 1, "the retry created nothing");

    let other = send(json!({"name": "different", "role": "finance"})).await.unwrap();
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let other: serde_json::Value = other.json().await.unwrap();
    assert_eq!(code(&other), "idempotency.key_reused");

    // A failed request frees its key: a corrected retry runs.
    let bad = app
        .client
        .post(app.url("/api/v1/api-keys"))
        .bearer_auth(&s.admin_key)
        .header("Idempotency-Key", "k2")
        .json(&json!({"name": "", "role": "finance"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fixed = app
        .client
        .post(app.url("/api/v1/api-keys"))
        .bearer_auth(&s.admin_key)
        .header("Idempotency-Key", "k2")
        .json(&json!({"name": "fixed", "role": "finance"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fixed.status(), StatusCode::CREATED);
}

async fn lists_are_paginated_with_a_cursor(app: TestApp) {
    let s = app.seed("acme").await;
    for i in 0..3 {
        let user = json!({"email": format!("u{i}@acme.example"), "display_name": "U", "role": "warehouse", "password": "long enough secret"});
        assert_eq!(post(&app, "/api/v1/users", &s.admin_key, user).await.0, StatusCode::CREATED);
    }
    // 1 admin + 2 merchant users + 3 = 6 users.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = if cursor.is_empty() {
            "/api/v1/users?limit=4".to_string()
        } else {
            format!("/api/v1/users?limit=4&cursor={cursor}")
        };
        let (status, page) = get(&app, &path, &s.admin_key).await;
        assert_eq!(status, StatusCode::OK);
        seen.extend(page["items"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    let unique: std::collections::BTreeSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (6, 6));
    let (status, body) = get(&app, "/api/v1/users?limit=0", &s.admin_key).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "limit");
    for path in ["/api/v1/users?cursor=zz", "/api/v1/api-keys?cursor=zz"] {
        let (status, body) = get(&app, path, &s.admin_key).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
        assert_eq!(body["error"]["fields"][0]["field"], "cursor");
    }
}

async fn staff_roles_cannot_manage_users_or_settings(app: TestApp) {
    let s = app.seed("acme").await;
    let (_, created) =
        post(&app, "/api/v1/api-keys", &s.admin_key, json!({"name": "wh", "role": "warehouse"})).await;
    let wh = created["secret"].as_str().unwrap();
    let (status, body) = get(&app, "/api/v1/users", wh).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"]["message"].as_str().unwrap().contains("warehouse"));
    let (status, _) = get(&app, "/api/v1/settings", wh).await;
    assert_eq!(status, StatusCode::OK, "staff may read the operator's settings");
    let settings = json!({"default_locale": "zh-CN", "session_hours": 8});
    let (status, _) = call(&app, Method::PATCH, "/api/v1/settings", wh, Some(settings.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, saved) = call(&app, Method::PATCH, "/api/v1/settings", &s.admin_key, Some(settings)).await;
    let figures = (status, saved["session_hours"].as_u64(), saved["login_max_failures"].as_u64());
    assert_eq!(figures, (StatusCode::OK, Some(8), Some(5)), "named settings change, the others stay");
    let bad = json!({"session_hours": 0, "colour": 1});
    let (status, body) = call(&app, Method::PATCH, "/api/v1/settings", &s.admin_key, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, now) = get(&app, "/api/v1/settings", &s.admin_key).await;
    assert_eq!(now["session_hours"], 8, "a refused change changes nothing");
    let bad = json!({"allocation_policy": "nearest"});
    let (status, body) = call(&app, Method::PATCH, "/api/v1/settings", &s.admin_key, Some(bad)).await;
    let field = body["error"]["fields"][0]["field"].as_str();
    assert_eq!((status, field), (StatusCode::UNPROCESSABLE_ENTITY, Some("allocation_policy")), "{body}");
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("single_warehouse"), "{body}");
}
