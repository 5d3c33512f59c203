//! A statement as CSV (one row per line, formula-guarded) and as a PDF, and a quote.

use serde::{Deserialize, Serialize};
use tradeport_connectors::pdf::{PdfLine, render_pdf};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::billing::{ExpectedVolumes, FeeSchedule, Line, money_text, quote, totals};
use tradeport_domain::kernel::spreadsheet_safe;

use super::statement::StatementView;
use crate::{AppError, AppResult};

/// The statement as CSV: kind, detail, quantity, unit price, amount, currency, sources.
pub fn statement_csv(s: &StatementView) -> AppResult<String> {
    let internal = |e: csv::Error| AppError::Internal(e.to_string());
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["kind", "detail", "quantity", "unit_price", "amount", "currency", "sources"])
        .map_err(internal)?;
    for l in &s.lines {
        let row = [
            l.kind.as_str().to_string(),
            l.detail.clone(),
            l.quantity.clone(),
            money_text(l.unit_price_minor, &l.currency),
            money_text(l.amount_minor, &l.currency),
            l.currency.clone(),
            l.sources.join(" "),
        ];
        out.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned())).map_err(internal)?;
    }
    for t in &s.totals {
        out.write_record(["total", t.as_str(), "", "", "", "", ""]).map_err(internal)?;
    }
    let bytes = out.into_inner().map_err(|e| AppError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
}

/// The statement as a PDF.
pub fn statement_pdf(s: &StatementView) -> AppResult<Vec<u8>> {
    let state = if s.draft {
        "draft, the month is not over".to_string()
    } else {
        format!("filed {}", s.filed_at.clone().unwrap_or_default())
    };
    let mut lines =
        vec![PdfLine::heading(format!("Statement {} · {}", s.month, s.merchant)), PdfLine::text(state)];
    for l in &s.lines {
        lines.push(PdfLine::text(format!(
            "{}: {} × {} = {}",
            l.detail,
            l.quantity,
            money_text(l.unit_price_minor, &l.currency),
            money_text(l.amount_minor, &l.currency)
        )));
    }
    lines.push(PdfLine::heading("Total"));
    lines.extend(s.totals.iter().map(|t| PdfLine::text(t.clone())));
    render_pdf(&format!("Statement {}", s.month), &lines).map_err(|e| AppError::Internal(e.to_string()))
}

/// What a quote asks: a schedule and the volumes expected in a month.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    pub fees: FeeSchedule,
    pub volumes: ExpectedVolumes,
}

/// A month's expected charges.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QuoteView {
    pub lines: Vec<Line>,
    pub totals: Vec<String>,
}

/// Prices expected volumes for a prospective merchant. Admins and finance.
pub fn quote_for(principal: &Principal, q: &QuoteRequest) -> AppResult<QuoteView> {
    principal.require(Permission::ManageBilling)?;
    q.fees.validate("fees.").map_err(AppError::Invalid)?;
    let lines = quote(&q.fees, &q.volumes);
    let totals = totals(&lines).iter().map(|(c, v)| money_text(*v, c)).collect();
    Ok(QuoteView { lines, totals })
}
