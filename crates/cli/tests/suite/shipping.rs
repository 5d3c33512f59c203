//! The carrier-service catalogue and quotes through the API (SHP-1, SYS-4): who may change it,
//! every field checked, CSV all or nothing, and a quote that names the reason for every service
//! left out.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{code, field, get, post};

db_tests!(
    the_catalogue_is_kept_by_logistics_checked_field_by_field_and_imported_all_or_nothing,
    a_quote_chooses_by_strategy_and_says_why_each_other_service_was_left_out,
);

fn express() -> Value {
    json!({"code": "dhl-exp", "name": "Express worldwide", "carrier": "DHL", "kind": "international_express",
           "zones": [{"country": "US"}], "currency": "GBP",
           "brackets": [{"up_to_g": 30000, "first_g": 500, "first_minor": 2000, "additional_g": 500, "additional_minor": 400}],
           "volumetric_divisor": 5000, "fuel_surcharge_bp": 1250, "max_weight_g": 30000, "allowed_traits": ["un3481"],
           "transit_days_min": 2, "transit_days_max": 4, "cutoff": "17:00"})
}

const CSV: &str = "code,name,carrier,kind,origins,zones,currency,brackets,min_charge_minor,remote_surcharge_minor,remote_zones,max_weight_g,max_length_mm,max_girth_mm,transit_days_min,transit_days_max,cutoff\n\
    RM-IPP,International small packet,Royal Mail,postal_small_packet,UK-MAN,US,GBP,500/100/400/100/50|2000/100/450/100/60,500,300,US:995,2000,600,900,6,10,15:30\n\
    UPS-GND,Ground,UPS,local_delivery,UK-MAN,US:9,USD,10000/1000/900/1000/150,0,0,,10000,,,1,3,18:00\n";

async fn the_catalogue_is_kept_by_logistics_checked_field_by_field_and_imported_all_or_nothing(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 0).await;
    let logistics = app.staff_key(&s, "logistics").await;
    let warehouse = app.staff_key(&s, "warehouse").await;
    let (status, body) = post(&app, "/api/v1/carrier-services", &warehouse, express()).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "auth.forbidden"), "{body}");
    let mut bad = express();
    bad["brackets"][0]["first_g"] = json!(40_000);
    bad["cutoff"] = json!("5pm");
    bad["zones"][0]["country"] = json!("XX");
    let (status, body) = post(&app, "/api/v1/carrier-services", &logistics, bad).await;
    let fields: Vec<&str> =
        body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(
        (status, fields),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["zones[0].country", "brackets[0].up_to_g", "cutoff"]),
        "{body}"
    );
    let (status, saved) = post(&app, "/api/v1/carrier-services", &logistics, express()).await;
    assert_eq!(
        (status, saved["code"].as_str(), saved["cutoff"].as_str()),
        (StatusCode::OK, Some("DHL-EXP"), Some("17:00")),
        "{saved}"
    );

    let import = |key: &str, csv: &str| {
        app.client
            .post(app.url("/api/v1/carrier-services/import"))
            .bearer_auth(key)
            .header("content-type", "text/csv")
            .body(csv.to_string())
            .send()
    };
    let broken =
        CSV.replace("500/100/400/100/50", "500/100/four/100/50").replace("local_delivery", "teleport");
    let res = import(&logistics, &broken).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let report: Value = res.json().await.unwrap();
    let problems: Vec<(i64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(problems, [(1, "brackets"), (2, "kind")], "{report}");
    let res = import(&logistics, &CSV.replace("UK-MAN,US:9", "US-LAX,US:9")).await.unwrap();
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["errors"][0]["field"], "origins[0]", "no such warehouse: {report}");
    let res = import(&logistics, &CSV.replace("cutoff\n", "cut_off\n")).await.unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(code(&body), "validation_failed", "an unknown column is not ignored: {body}");
    let (_, listed) = get(&app, "/api/v1/carrier-services", &s.merchant_a_key).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "nothing of the broken file was kept");
    let res = import(&logistics, CSV).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let (_, listed) = get(&app, "/api/v1/carrier-services", &s.merchant_a_key).await;
    let codes: Vec<&str> =
        listed["items"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["DHL-EXP", "RM-IPP", "UPS-GND"], "a merchant reads the catalogue to choose from it");
    let packet = listed["items"].as_array().unwrap().iter().find(|s| s["code"] == "RM-IPP").unwrap();
    assert_eq!(packet["brackets"][1]["additional_minor"], 60, "brackets read from the cell: {packet}");
    assert_eq!(packet["remote_zones"][0]["postcode_prefixes"], json!(["995"]));
}

async fn a_quote_chooses_by_strategy_and_says_why_each_other_service_was_left_out(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 0).await;
    let logistics = app.staff_key(&s, "logistics").await;
    assert_eq!(post(&app, "/api/v1/carrier-services", &logistics, express()).await.0, StatusCode::OK);
    let res = app
        .client
        .post(app.url("/api/v1/carrier-services/import"))
        .bearer_auth(&logistics)
        .header("content-type", "text/csv")
        .body(CSV.replace(",USD,", ",GBP,"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let quote = |body: Value| post(&app, "/api/v1/shipping/quote", &s.merchant_a_key, body);
    let parcel = |weight: i64, traits: Value, postcode: &str| {
        json!({"warehouse_id": c.uk_warehouse, "country": "US", "postcode": postcode, "weight_g": weight,
               "length_mm": 200, "width_mm": 150, "height_mm": 100, "traits": traits})
    };

    let (status, q) = quote(parcel(350, json!([]), "10001")).await;
    assert_eq!(status, StatusCode::OK, "{q}");
    assert_eq!(
        (q["choice"]["code"].as_str(), q["choice"]["price_minor"].as_i64()),
        (Some("RM-IPP"), Some(550)),
        "{q}"
    );
    let excluded: Vec<(&str, &str)> = q["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["code"].as_str().unwrap(), x["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(excluded, [("UPS-GND", "does not deliver to US 10001")]);

    let mut west = parcel(350, json!([]), "94105");
    west["strategy"] = json!("fastest");
    let (_, fastest) = quote(west).await;
    assert_eq!(fastest["choice"]["code"], "UPS-GND", "local delivery on the west coast, 1-3 days: {fastest}");

    let (_, battery) = quote(parcel(2_400, json!(["un3481"]), "99501")).await;
    let reasons: Vec<&str> =
        battery["excluded"].as_array().unwrap().iter().map(|x| x["reason"].as_str().unwrap()).collect();
    assert_eq!(battery["choice"]["code"], "DHL-EXP", "{battery}");
    assert!(reasons.contains(&"no UN3481 on this service"), "{reasons:?}");

    let mut asked = parcel(2_400, json!([]), "10001");
    asked["service"] = json!("rm-ipp");
    let (_, refused) = quote(asked).await;
    assert!(refused["choice"].is_null(), "the service asked for is not quietly replaced: {refused}");
    assert_eq!(refused["chosen_refused"]["reason"], "max 2 kg, the parcel weighs 2.4 kg");
    let mut unknown = parcel(350, json!([]), "10001");
    unknown["service"] = json!("NOPE");
    let (status, body) = quote(unknown).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "service"));

    let (status, body) =
        quote(json!({"warehouse_id": "nope", "country": "ZZ", "weight_g": 0, "strategy": "slowest"})).await;
    let fields: Vec<&str> =
        body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields,
        ["warehouse_id", "country", "weight_g", "length_mm", "width_mm", "height_mm", "strategy"],
        "{body}"
    );
    assert_eq!(field(&body), "warehouse_id");
}
