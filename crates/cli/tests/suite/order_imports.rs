//! Order files (ORD-1): a CSV or Excel upload through the API, a dry run, the import with its
//! progress, the error file of refused rows, and the same file again making nothing new; and the
//! same engine from the terminal (`tradeport orders import`).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_testkit::{Seeded, TestApp, db_tests};

use crate::helpers::{call, code, get, post};

db_tests!(
    ten_thousand_rows_with_37_bad_ones_import_the_rest_and_return_exactly_those_37,
    a_chinese_excel_file_is_mapped_from_its_headers_and_a_dry_run_makes_nothing,
    the_terminal_import_shows_progress_and_writes_the_error_file,
);

async fn catalogue(app: &TestApp, s: &Seeded) {
    for sku in ["LAMP", "PEN"] {
        let body = json!({"sku": sku, "name": sku, "weight_g": 300, "declared_value_minor": 1500, "declared_currency": "GBP",
                          "hs_code": "940520", "origin_country": "CN", "category": "home"});
        assert_eq!(post(app, "/api/v1/skus", &s.merchant_a_key, body).await.0, StatusCode::OK);
    }
}

/// `n` one-line orders; the rows in `bad` each break one rule, in turn: an unknown SKU, a
/// quantity that is not a number, a price with three decimals, an unknown country, no buyer.
fn orders_csv(prefix: &str, n: usize, bad: &[usize]) -> String {
    let mut out = String::from(
        "\u{feff}Order Number,Name,Phone,Email,Address 1,City,Zip,Country,SKU,Qty,Price,Shipping\r\n",
    );
    for i in 0..n {
        let mut row = [
            format!("{prefix}-{i:05}"),
            "Ada Lovelace".to_string(),
            "020 7946 0958".to_string(),
            format!("buyer{i}@example.com"),
            "1 Lovelace Way".to_string(),
            "London".to_string(),
            "EC1Y 8SY".to_string(),
            "GB".to_string(),
            if i % 2 == 0 { "LAMP" } else { "PEN" }.to_string(),
            "2".to_string(),
            "12.50".to_string(),
            "4.99".to_string(),
        ];
        if let Some(k) = bad.iter().position(|b| *b == i) {
            match k % 5 {
                0 => row[8] = "NO-SUCH-SKU".into(),
                1 => row[9] = "two".into(),
                2 => row[10] = "12.505".into(),
                3 => row[7] = "XX".into(),
                _ => row[1] = String::new(),
            }
        }
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

async fn upload(app: &TestApp, key: &str, file_name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/order-imports?file_name={file_name}")))
        .bearer_auth(key)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

/// Runs an uploaded file and waits for it to finish.
async fn run(app: &TestApp, key: &str, id: &str, body: Value) -> Value {
    let (status, started) = post(app, &format!("/api/v1/order-imports/{id}/run"), key, body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    for _ in 0..1200 {
        let (_, now) = get(app, &format!("/api/v1/order-imports/{id}"), key).await;
        if now["status"] != "running" {
            assert_eq!(now["status"], "done", "{now}");
            return now;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("the import did not finish in 5 minutes");
}

async fn ten_thousand_rows_with_37_bad_ones_import_the_rest_and_return_exactly_those_37(app: TestApp) {
    let s = app.seed("bulk").await;
    catalogue(&app, &s).await;
    let bad: Vec<usize> = (0..37).map(|k| 13 + k * 269).collect();
    let file = orders_csv("B", 10_000, &bad);
    let (status, uploaded) = upload(&app, &s.merchant_a_key, "orders.csv", file.clone().into_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    assert_eq!(
        (uploaded["rows_total"].as_i64(), uploaded["status"].as_str()),
        (Some(10_000), Some("mapping"))
    );
    assert_eq!(
        uploaded["mapping"]["columns"]["order_id"], "Order Number",
        "the byte-order mark is not part of the header"
    );
    // The file has no currency or service level: the answer names both until defaults are given.
    let problems: Vec<&str> = uploaded["mapping_problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(problems, ["defaults.currency", "defaults.service_level"], "{uploaded}");
    let id = uploaded["id"].as_str().unwrap();
    let mut mapping = uploaded["mapping"].clone();
    mapping["defaults"]["currency"] = json!("GBP");
    mapping["defaults"]["service_level"] = json!("standard");
    let done = run(&app, &s.merchant_a_key, id, json!({"mapping": mapping})).await;
    assert_eq!(
        [
            done["rows_done"].as_i64(),
            done["orders_created"].as_i64(),
            done["orders_existing"].as_i64(),
            done["rows_refused"].as_i64()
        ],
        [Some(10_000), Some(9_963), Some(0), Some(37)],
        "{done}"
    );
    let (_, orders) = get(&app, "/api/v1/orders?limit=1&q=B-00000", &s.merchant_a_key).await;
    assert_eq!(orders["items"][0]["total_minor"], 2999, "2 × 12.50 + 4.99: {orders}");

    let res = app
        .client
        .get(app.url(done["errors_url"].as_str().unwrap()))
        .bearer_auth(&s.merchant_a_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let errors = res.text().await.unwrap();
    assert!(errors.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let mut reader = csv::Reader::from_reader(errors.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!([&headers[0], &headers[1], &headers[2]], ["row", "errors", "Order Number"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let ids: Vec<String> = rows.iter().map(|r| r[2].to_string()).collect();
    let mut expected: Vec<String> = bad.iter().map(|i| format!("B-{i:05}")).collect();
    let mut got = ids.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "exactly the 37 bad rows come back");
    let reason = |id: &str| rows.iter().find(|r| &r[2] == id).unwrap()[1].to_string();
    assert!(reason("B-00013").contains("NO-SUCH-SKU"), "{}", reason("B-00013"));
    assert!(reason("B-00282").contains("quantity 'two'"), "{}", reason("B-00282"));
    assert!(reason("B-00551").contains("12.505"), "{}", reason("B-00551"));
    assert!(reason("B-00820").contains("country"), "{}", reason("B-00820"));
    assert!(reason("B-01089").contains("buyer.name"), "{}", reason("B-01089"));
    assert!(rows.iter().all(|r| r[0].parse::<u64>().is_ok()), "each with its row number");

    // The same file again makes nothing new; the merchant's mapping is kept for it.
    let (_, again) = upload(&app, &s.merchant_a_key, "orders.csv", file.into_bytes()).await;
    assert_eq!(again["mapping"]["defaults"]["currency"], "GBP", "the last mapping is suggested: {again}");
    let done = run(&app, &s.merchant_a_key, again["id"].as_str().unwrap(), json!({})).await;
    assert_eq!(
        (done["orders_created"].as_i64(), done["orders_existing"].as_i64()),
        (Some(0), Some(9_963)),
        "{done}"
    );
    // Another merchant sees neither the imports nor their error files.
    let (status, _) = get(&app, &format!("/api/v1/order-imports/{id}"), &s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = app
        .client
        .get(app.url(&format!("/api/v1/order-imports/{id}/errors")))
        .bearer_auth(&s.merchant_b_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn a_chinese_excel_file_is_mapped_from_its_headers_and_a_dry_run_makes_nothing(app: TestApp) {
    let s = app.seed("xlsx").await;
    catalogue(&app, &s).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let headers = [
        "订单号",
        "收件人",
        "电话",
        "邮箱",
        "地址",
        "城市",
        "邮编",
        "国家",
        "商品编码",
        "数量",
        "单价",
        "币种",
        "运费",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    // One order of two lines (its rows together), and one of one line.
    let rows = [("X-1", "LAMP", 1.0, 12.5), ("X-1", "PEN", 3.0, 1.99), ("X-2", "PEN", 1.0, 1.99)];
    for (r, (id, sku, qty, price)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, text) in [
            (0, *id),
            (1, "王芳"),
            (2, "020 7946 0958"),
            (3, "wang@example.com"),
            (4, "1 Lovelace Way"),
            (5, "London"),
            (6, "EC1Y 8SY"),
            (7, "GB"),
            (8, *sku),
            (11, "GBP"),
        ] {
            sheet.write_string(r, c, text).unwrap();
        }
        sheet.write_number(r, 9, *qty).unwrap();
        sheet.write_number(r, 10, *price).unwrap();
        sheet.write_number(r, 12, 3.0).unwrap();
    }
    let (status, uploaded) =
        upload(&app, &s.merchant_a_key, "订单.xlsx", book.save_to_buffer().unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    assert_eq!(uploaded["mapping"]["columns"]["sku"], "商品编码", "{uploaded}");
    let id = uploaded["id"].as_str().unwrap();
    let mut mapping = uploaded["mapping"].clone();
    mapping["defaults"]["service_level"] = json!("standard");
    let checked = run(&app, &s.merchant_a_key, id, json!({"mapping": mapping, "dry_run": true})).await;
    assert_eq!(
        (checked["dry_run"].as_bool(), checked["orders_created"].as_i64()),
        (Some(true), Some(2)),
        "{checked}"
    );
    let (_, none) = get(&app, "/api/v1/orders", &s.merchant_a_key).await;
    assert_eq!(none["items"], json!([]), "a dry run makes nothing");
    let done = run(&app, &s.merchant_a_key, id, json!({})).await;
    assert_eq!(done["orders_created"], 2, "{done}");
    let (_, orders) = get(&app, "/api/v1/orders?q=X-1", &s.merchant_a_key).await;
    let order_id = orders["items"][0]["id"].as_str().unwrap();
    let (_, order) = get(&app, &format!("/api/v1/orders/{order_id}"), &s.merchant_a_key).await;
    assert_eq!(
        (order["lines"].as_array().unwrap().len(), order["total_minor"].as_i64()),
        (2, Some(1250 + 597 + 300)),
        "{order}"
    );
    assert_eq!(order["buyer_name"], "王芳");
    // Refusals name the fix.
    let (status, body) = upload(&app, &s.merchant_a_key, "orders.pdf", b"%PDF".to_vec()).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"), "{body}");
    let wrong = json!({"mapping": {"columns": {"order_id": "No such header"}}});
    let (status, body) =
        call(&app, Method::POST, &format!("/api/v1/order-imports/{id}/run"), &s.merchant_a_key, Some(wrong))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["fields"].as_array().unwrap().iter().any(|f| f["code"] == "unknown_header"),
        "{body}"
    );
}

async fn the_terminal_import_shows_progress_and_writes_the_error_file(app: TestApp) {
    let s = app.seed("term").await;
    catalogue(&app, &s).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    std::fs::write(&path, orders_csv("T", 600, &[5])).unwrap();
    let mapping = dir.path().join("mapping.json");
    let columns = json!({"columns": {"order_id": "Order Number", "buyer_name": "Name", "phone": "Phone", "email": "Email",
        "line1": "Address 1", "city": "City", "postcode": "Zip", "country": "Country", "sku": "SKU", "quantity": "Qty",
        "unit_price": "Price", "shipping_fee": "Shipping"}, "defaults": {"currency": "GBP", "service_level": "standard"}});
    std::fs::write(&mapping, columns.to_string()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tradeport"))
        .args(["--database-url", &app.database_url, "--blob-dir"])
        .arg(dir.path().join("blobs"))
        .args(["orders", "import"])
        .arg(&path)
        .args(["--merchant", "term-a", "--mapping"])
        .arg(&mapping)
        .env("TRADEPORT_LOG", "warn")
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("] 600/600 rows"), "a progress bar: {stderr}");
    assert!(stdout.contains("599 orders made, 0 known already, 1 rows refused"), "{stdout}");
    let errors = std::fs::read_to_string(dir.path().join("orders.errors.csv")).unwrap();
    assert_eq!(errors.lines().count(), 2, "{errors}");
    assert!(errors.contains("T-00005") && errors.contains("NO-SUCH-SKU"), "{errors}");
    let (_, orders) = get(&app, "/api/v1/orders?limit=1&q=T-00599", &s.merchant_a_key).await;
    assert_eq!(orders["items"][0]["channel"], "csv", "{orders}");
}
