//! Delivering one e-mail job: a buyer's message in the buyer's language (with the confirmation
//! PDF when it is the confirmation) or a staff message, sent over SMTP; a buyer's is noted on the
//! order's timeline and the lag since the event recorded.

use serde::Deserialize;
use tradeport_connectors::mail::OutgoingMail;
use tradeport_domain::kernel::OrderId;
use tradeport_store::jobs::JobRow;

use super::relay::{SLA_OVERDUE, SUPERVISION_REPORT};
use crate::App;

/// What the relay put in an e-mail job.
#[derive(Deserialize)]
struct EmailJob {
    outbox_id: String,
    topic: String,
    /// The order a buyer's message is about.
    #[serde(default)]
    order_id: String,
    to: String,
    language: String,
    event_at: i64,
    /// A staff message's content (the outbox payload).
    #[serde(default)]
    details: serde_json::Value,
    /// What the message tells of besides the order.
    #[serde(flatten)]
    about: super::buyer::About,
}

impl EmailJob {
    /// The e-mail of `message` to the job's recipient, under the outbox id as its Message-ID.
    fn mail(
        &self,
        message: super::RenderedMessage,
        attachment: Option<(String, String, Vec<u8>)>,
    ) -> OutgoingMail {
        OutgoingMail {
            to: self.to.clone(),
            subject: message.subject,
            text: message.text,
            html: message.html,
            message_id: self.outbox_id.clone(),
            attachment,
            ..OutgoingMail::default()
        }
    }
}

/// Sends the job's e-mail; the error says what to fix.
pub(crate) async fn deliver_email(app: &App, job: &JobRow) -> Result<(), String> {
    let p: EmailJob = serde_json::from_str(&job.payload).map_err(|e| format!("the job's payload: {e}"))?;
    let mailer = app
        .mailer()
        .ok_or("no SMTP server is configured (tradeport serve --smtp-url); retry the job once it is")?;
    let operator = job.tenant_id.ok_or("the job names no operator")?;
    if p.topic == SLA_OVERDUE {
        let d = &p.details;
        let orders: Vec<&str> =
            d["orders"].as_array().map(|a| a.iter().filter_map(|o| o.as_str()).collect()).unwrap_or_default();
        let m = super::render_sla_overdue(
            &p.language,
            d["department"].as_str().unwrap_or_default(),
            d["place"].as_str().unwrap_or_default(),
            d["overdue"].as_i64().unwrap_or_default(),
            &orders,
        );
        mailer.send(&p.mail(m, None)).await.map_err(|e| e.to_string())?;
        metrics::histogram!("tradeport_notification_lag_seconds", "channel" => "email")
            .record((app.now().0 - p.event_at).max(0) as f64 / 1000.0);
        return Ok(());
    }
    if p.topic == SUPERVISION_REPORT {
        let (message, pdf) = supervision_report_mail(app, operator, &p).await?;
        mailer.send(&p.mail(message, Some(pdf))).await.map_err(|e| e.to_string())?;
        return Ok(());
    }
    let order_id: OrderId = p.order_id.parse().map_err(|_| format!("order id {}", p.order_id))?;
    let Some(letter) =
        super::buyer::letter_for_buyer(app, operator, &p.topic, (order_id, &p.about), &p.language, true)
            .await?
    else {
        tracing::info!(order = %order_id, topic = p.topic, "the news is stale; no e-mail is sent");
        return Ok(());
    };
    mailer.send(&p.mail(letter.message.email, letter.attachment)).await.map_err(|e| e.to_string())?;
    let data =
        serde_json::json!({ "channel": "email", "to": p.to, "topic": p.topic, "message_id": p.outbox_id });
    super::note_buyer_notified(app, operator, order_id, p.event_at, data).await;
    Ok(())
}

/// The supervision report's e-mail to one of the group, with the report's PDF attached (read
/// from the blob store: the e-mail carries the filed report, never a newer reading).
async fn supervision_report_mail(
    app: &App,
    operator: tradeport_domain::kernel::TenantId,
    p: &EmailJob,
) -> Result<(super::RenderedMessage, (String, String, Vec<u8>)), String> {
    let month = p.details["month"].as_str().unwrap_or_default();
    let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
    let row = tradeport_store::supervision_reports::get(&mut conn, operator, month)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("the supervision report of {month} is not filed"))?;
    drop(conn);
    let report: crate::reporting::SupervisionReport =
        serde_json::from_str(&row.report).map_err(|e| format!("report {month}: {e}"))?;
    let pdf = crate::evidence::get_blob(app, &row.pdf_sha256)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("the PDF of report {month} is missing from the blob store"))?;
    let percent = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v}%"));
    let missed = report.kpis.iter().filter(|k| k.meets == Some(false)).count() as i64;
    let message = super::render_supervision_report(
        &p.language,
        month,
        &percent(report.timeliness.value),
        &percent(report.satisfaction.value),
        missed,
    );
    Ok((message, (format!("supervision-report-{month}.pdf"), "application/pdf".to_string(), pdf)))
}
