//! The monthly supervision report (KPI-1, EXC-7): last month's orders, their clocks (one step
//! late) and a damaged case, filed by the nightly job's use case once, kept as a PDF and an XLSX
//! that read back with the figures, e-mailed with the PDF to the supervision group over SMTP, and
//! never shown to a merchant.

use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_connectors::mail::SmtpMailer;
use tradeport_connectors::sheets::{SheetFormat, read_rows};
use tradeport_testkit::{SmtpSink, TestApp, db_tests, lamp_order};

use crate::helpers::{code, get, pdf_text, post, signed_in};

db_tests!(last_months_report_is_filed_once_kept_as_pdf_and_xlsx_and_mailed_to_supervisors);

/// `YYYY-MM` of the month before this one in Shanghai (the seeded operator's zone), and how many
/// milliseconds ago its 15th at noon was.
fn last_month() -> (String, i64) {
    let zone = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let now = jiff::Timestamp::now().to_zoned(zone.clone());
    let first = now.date().first_of_month().checked_sub(jiff::Span::new().months(1)).unwrap();
    let mid = first.checked_add(jiff::Span::new().days(14)).unwrap().at(12, 0, 0, 0).to_zoned(zone).unwrap();
    (first.strftime("%Y-%m").to_string(), now.timestamp().as_millisecond() - mid.timestamp().as_millisecond())
}

async fn exec(app: &TestApp, statement: &str) {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).execute(&mut *conn).await.unwrap();
}

async fn last_months_report_is_filed_once_kept_as_pdf_and_xlsx_and_mailed_to_supervisors(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 20).await;
    let supervisor = json!({"email": "mei@acme.example", "display_name": "Mei", "role": "supervisor", "password": "long enough secret"});
    let (status, body) = post(&app, "/api/v1/users", &s.admin_key, supervisor).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut orders = Vec::new();
    for n in 1..=3 {
        let (status, order) =
            post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order(&format!("#sv-{n}"), 1)).await;
        assert_eq!((status, order["status"].as_str()), (StatusCode::CREATED, Some("confirmed")), "{order}");
        orders.push(order["id"].as_str().unwrap().to_string());
    }
    let case =
        json!({"order_id": orders[0], "case_type": "damaged", "description": "the lamp arrived in pieces"});
    let (status, body) = post(&app, "/api/v1/exception-cases", &s.admin_key, case).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // All of it happened last month; one order's confirmation came an hour past its limit.
    let (month, ago) = last_month();
    let operator = s.operator.id;
    exec(&app, &format!("UPDATE events SET at = at - {ago} WHERE tenant_id = '{operator}'")).await;
    exec(
        &app,
        &format!("UPDATE exception_cases SET opened_at = opened_at - {ago} WHERE tenant_id = '{operator}'"),
    )
    .await;
    exec(&app, &format!(
        "UPDATE sla_clocks SET started_at = started_at - {ago}, due_at = due_at - {ago}, stopped_at = stopped_at - {ago} \
         WHERE tenant_id = '{operator}'"
    ))
    .await;
    exec(&app, &format!(
        "UPDATE sla_clocks SET stopped_at = due_at + 3600000 WHERE subject_id = '{}' AND step = 'confirmation'",
        orders[2]
    ))
    .await;
    tradeport_app::audit::seal_operator(&app.app, operator, false).await.unwrap();
    tradeport_app::reporting::roll_up(&app.app, operator).await.unwrap();

    let (status, body) =
        post(&app, &format!("/api/v1/reports/supervision/{month}"), &s.merchant_a_key, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a merchant files nothing: {body}");
    let this_month = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .strftime("%Y-%m")
        .to_string();
    let (status, body) =
        post(&app, &format!("/api/v1/reports/supervision/{this_month}"), &s.admin_key, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"), "{body}");
    assert_eq!(body["error"]["fields"][0]["code"], "month_not_over");

    // The nightly job's use case files last month's report, once, if the operator existed then.
    let filed = tradeport_app::reporting::file_last_month(&app.app, operator).await.unwrap();
    assert_eq!(filed, None, "an operator set up this month has no last month");
    exec(&app, &format!("UPDATE tenants SET created_at = created_at - {ago} WHERE id = '{operator}'")).await;
    assert_eq!(
        tradeport_app::reporting::file_last_month(&app.app, operator).await.unwrap(),
        Some(month.clone())
    );
    assert_eq!(tradeport_app::reporting::file_last_month(&app.app, operator).await.unwrap(), None);
    let (status, filed) =
        post(&app, &format!("/api/v1/reports/supervision/{month}"), &s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    let (_, listed) = get(&app, "/api/v1/reports/supervision", &s.admin_key).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "filed once: {listed}");
    assert_eq!(listed[0]["filed_at"], filed["filed_at"]);
    let mut sent_to: Vec<&str> =
        filed["sent_to"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    sent_to.sort();
    assert_eq!(sent_to, [s.admin_email.as_str(), "mei@acme.example"]);

    let (status, r) = get(&app, &format!("/api/v1/reports/supervision/{month}"), &s.admin_key).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let confirmation = r["steps"].as_array().unwrap().iter().find(|l| l["step"] == "confirmation").unwrap();
    assert_eq!((confirmation["closed"].as_i64(), confirmation["met"].as_i64()), (Some(3), Some(2)), "{r}");
    assert_eq!(confirmation["rate"], 66.7);
    assert_eq!(r["worst_steps"], json!(["confirmation"]));
    assert_eq!(r["timeliness"]["meets"], false);
    let kpi = |key: &str| -> Value {
        r["kpis"].as_array().unwrap().iter().find(|k| k["key"] == key).unwrap().clone()
    };
    assert_eq!(kpi("completion_rate")["denominator"], 3, "three orders received last month");
    assert_eq!(r["exceptions"]["cases_opened"], 1);
    assert_eq!(r["exceptions"]["by_type"][0]["key"], "damaged");

    // The PDF and the workbook say the same.
    let pdf = app
        .client
        .get(app.url(&format!("/api/v1/reports/supervision/{month}/pdf")))
        .bearer_auth(&s.admin_key)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let text = pdf_text(&pdf.bytes().await.unwrap());
    for expected in [
        format!("Supervision report {month}"),
        "confirmation: 2 in time of 3 done".into(),
        "Worst steps".into(),
        "cause unset: 1".into(),
    ] {
        assert!(text.contains(&expected), "{expected} in {text}");
    }
    let xlsx = app
        .client
        .get(app.url(&format!("/api/v1/reports/supervision/{month}/xlsx")))
        .bearer_auth(&s.admin_key)
        .send()
        .await
        .unwrap();
    assert!(
        xlsx.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("supervision-report-{month}.xlsx"))
    );
    let mut rows = Vec::new();
    read_rows(std::io::Cursor::new(xlsx.bytes().await.unwrap().to_vec()), SheetFormat::Xlsx, |_, row| {
        rows.push(row);
        true
    })
    .unwrap();
    assert_eq!(rows[0], ["section", "item", "value", "target", "met"]);
    assert!(rows.contains(&vec!["worst_step".to_string(), "confirmation".to_string()]), "{rows:?}");
    let timeliness = rows.iter().find(|r| r[1] == "timeliness").unwrap();
    assert_eq!((timeliness[3].as_str(), timeliness[4].as_str()), ("98", "MISSED"), "{timeliness:?}");

    // The reports page lists it with both downloads, and supervisors may file a month there.
    let (client, _) = signed_in(&app, &s.admin_email).await;
    let page = client.get(app.url("/reports")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/api/v1/reports/supervision/{month}/xlsx")), "{page}");
    assert!(page.contains("id=\"file-supervision\"") && page.contains("mei@acme.example"));

    // A merchant sees no report of the operator's.
    let (status, _) = get(&app, &format!("/api/v1/reports/supervision/{month}"), &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The supervision group gets it by e-mail, the PDF attached, once.
    let sink = SmtpSink::start().await;
    let mailer =
        app.app.clone().with_mailer(SmtpMailer::new(&sink.url, "Tradeport <ops@acme.example>").unwrap());
    tradeport_app::notifications::relay_outbox(&mailer).await.unwrap();
    let report =
        tradeport_app::jobs::run_due(&mailer, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    let received = sink.messages();
    let to_mei =
        received.iter().find(|m| m.to.iter().any(|t| t.contains("mei@acme.example"))).expect("mailed to Mei");
    assert_eq!(received.iter().filter(|m| m.to.iter().any(|t| t.contains("mei@acme.example"))).count(), 1);
    let mail = MessageParser::default().parse(to_mei.data.as_bytes()).unwrap();
    assert_eq!(mail.subject(), Some(format!("Supervision report {month}").as_str()));
    let timeliness = format!("timeliness {}%", r["timeliness"]["value"]);
    assert!(mail.body_text(0).unwrap().contains(&timeliness), "{timeliness} in {:?}", mail.body_text(0));
    let attached = mail.attachments().next().expect("the PDF is attached");
    assert_eq!(attached.attachment_name(), Some(format!("supervision-report-{month}.pdf").as_str()));
    assert!(pdf_text(attached.contents()).contains(&format!("Supervision report {month}")));
}
