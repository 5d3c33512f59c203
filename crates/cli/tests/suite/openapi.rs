//! The OpenAPI document is complete and well-formed: every route documented, every response
//! described, every path parameter in its path (checks an OpenAPI validator makes).

use serde_json::Value;
use tradeport_testkit::{DbKind, TestApp};

#[tokio::test]
async fn the_openapi_document_describes_every_route_correctly() {
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let doc: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for route in [
        "/api/v1/orders",
        "/api/v1/orders/{id}/{action}",
        "/api/v1/skus/import",
        "/api/v1/api-keys/{id}",
        "/api/v1/settings",
    ] {
        assert!(paths.contains_key(route), "{route} is documented");
    }
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                let described = response["description"].as_str().is_some_and(|d| !d.is_empty());
                assert!(described, "{method} {path} {status} has a description");
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                if p["in"] == "path" {
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: path parameter {name} is in the path"
                    );
                } else {
                    assert_eq!(p["in"], "query", "{method} {path}: {name}");
                }
            }
        }
    }
    // The most important bodies are typed, with the domain's code lists and limits.
    let schemas = &doc["components"]["schemas"];
    for (path, method, schema) in [
        ("/api/v1/orders", "post", "OrderRequest"),
        ("/api/v1/skus", "post", "SkuRequest"),
        ("/api/v1/goods-rules", "post", "GoodsRuleRequest"),
        ("/api/v1/settings", "patch", "SettingsBody"),
    ] {
        let body = &paths[path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(body, &format!("#/components/schemas/{schema}"), "{method} {path}");
        assert!(
            schemas[schema]["properties"].as_object().is_some_and(|p| p.len() >= 6),
            "{schema} has its fields"
        );
    }
    let order = &schemas["OrderRequest"]["properties"];
    assert_eq!(order["lines"]["minItems"], 1);
    assert_eq!(schemas["LineRequest"]["properties"]["quantity"]["minimum"], 1);
    assert!(schemas["ChannelCode"]["enum"].as_array().unwrap().contains(&"shopify".into()), "{order}");
    assert!(schemas["OrderRequest"]["required"].as_array().unwrap().contains(&"lines".into()));
    // Code lists come from the domain's own lists.
    for (list, code) in
        [("RoleCode", "warehouse"), ("RefundMethodCode", "store_credit"), ("CaseTypeCode", "lost")]
    {
        assert!(
            schemas[list]["enum"].as_array().is_some_and(|e| e.contains(&code.into())),
            "{list}: {}",
            schemas[list]
        );
    }
    assert_eq!(
        schemas["RefundRequest"]["properties"]["method"]["$ref"],
        "#/components/schemas/RefundMethodCode"
    );
    // A buyer's survey link and a provider's webhook need no API key.
    for (path, method) in [("/api/v1/surveys/{token}", "post"), ("/api/v1/payment-hooks/{id}", "post")] {
        assert_eq!(paths[path][method]["security"], serde_json::json!([{}]), "{method} {path} is public");
    }
    let docs = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), reqwest::StatusCode::OK, "the viewer is served from the binary");
}
