//! The after-sales desk (EXC-1, AFS-3, AFS-5, EXC-6): the department queues of open requests and
//! exception cases, a request decided in place (amount typed as money, within the person's limit,
//! else sent up), the returns desk (a parcel scanned in by its RMA number, then inspected and
//! restocked, repaired, destroyed or sent back).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::aftersales::{
    self, DecideRequest, DispositionRule, DispositionRules, InspectReturn, ReceiveReturn, RequestQuery,
    RequestView,
};
use tradeport_app::exceptions::{self, CaseQuery, CaseView};
use tradeport_app::{App, AppError};
use tradeport_domain::access::Permission;
use tradeport_domain::aftersales::ItemCondition;
use tradeport_domain::kernel::{Currency, FieldError, Money};

use super::shell::Shell;
use super::{SignedIn, Tr, explain, refused, render, status_of};

#[derive(Template)]
#[template(path = "aftersales.html")]
struct AftersalesPage {
    t: Tr,
    shell: Shell,
    /// The queue shown: a department, or every one (empty).
    department: String,
    requests: Vec<RequestView>,
    cases: Vec<CaseView>,
    can_decide: bool,
    can_operate: bool,
    /// A merchant's own standing disposition rules, by condition (merchants only).
    standing: Option<Vec<(&'static str, String)>>,
    error: Option<String>,
    notice: Option<String>,
}

impl AftersalesPage {
    fn dispositions(&self) -> [&'static str; 4] {
        ["restock", "repair", "destroy", "return_to_origin"]
    }

    fn departments(&self) -> [&'static str; 4] {
        ["customer_service", "logistics", "warehouse", "order_management"]
    }

    /// Minor units in the request's currency, as people write them.
    fn money(&self, minor: &i64, currency: &str) -> String {
        Currency::parse_stored(currency).map_or_else(|| minor.to_string(), |c| c.format(*minor))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeskQuery {
    department: String,
    notice: String,
}

async fn page(
    app: &App,
    user: &SignedIn,
    status: StatusCode,
    department: String,
    (error, notice): (Option<String>, Option<String>),
) -> Response {
    let p = &user.session.principal;
    let wanted = Some(department.clone()).filter(|d| !d.is_empty());
    let rq = RequestQuery { department: wanted.clone(), ..RequestQuery::default() };
    let cq = CaseQuery {
        status: Some("open".into()),
        department: wanted,
        limit: Some(100),
        ..CaseQuery::default()
    };
    let (requests, cases) =
        match (aftersales::list_requests(app, p, &rq).await, exceptions::list_cases(app, p, &cq).await) {
            (Ok(r), Ok(c)) => (r, c.items),
            (Err(e), _) | (_, Err(e)) => return refused(user, &e),
        };
    let standing = match p.scope.merchant_id {
        Some(_) if p.role.can(Permission::FileAftersales) => {
            let rules =
                aftersales::disposition_rules(app, p, None).await.map(|r| r.rules).unwrap_or_default();
            let of = |c: &str| rules.iter().find(|r| r.condition == c).map(|r| r.disposition.clone());
            Some(
                ItemCondition::ALL.iter().map(|c| (c.as_str(), of(c.as_str()).unwrap_or_default())).collect(),
            )
        }
        _ => None,
    };
    let page = AftersalesPage {
        t: user.t,
        shell: Shell::new(user, "/aftersales"),
        department,
        requests,
        cases,
        can_decide: p.role.can(Permission::ApproveAftersales),
        can_operate: p.role.can(Permission::OperateWarehouse),
        standing,
        error,
        notice,
    };
    render(user.t, status, &page)
}

/// GET /aftersales?department=…
pub async fn show(State(app): State<App>, user: SignedIn, Query(q): Query<DeskQuery>) -> Response {
    let notice = Some(q.notice).filter(|n| !n.is_empty());
    page(&app, &user, StatusCode::OK, q.department, (None, notice)).await
}

/// Back to the queue with what happened, or the page again with why not.
async fn done(
    app: &App,
    user: &SignedIn,
    department: String,
    outcome: Result<RequestView, AppError>,
) -> Response {
    match outcome {
        Ok(r) => {
            let notice = format!("{} · {}", r.rma_no, user.t.get(&format!("request_status.{}", r.status)));
            let (department, notice) = (super::percent_encode(&department), super::percent_encode(&notice));
            Redirect::to(&format!("/aftersales?department={department}&notice={notice}")).into_response()
        }
        Err(e) => page(app, user, status_of(&e), department, (Some(explain(user.t, &e)), None)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecideForm {
    csrf_token: String,
    department: String,
    decision: String,
    /// In the request's currency, as written: `12.50`; empty: the most it may refund.
    amount: String,
    note: String,
}

/// POST /aftersales/requests/{id}/decision
pub async fn decide(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<DecideForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let p = &user.session.principal;
    let amount_minor = if f.amount.trim().is_empty() {
        None
    } else {
        let currency = match aftersales::get_request(&app, p, &id).await {
            Ok(r) => Currency::parse_stored(&r.currency),
            Err(e) => return done(&app, &user, f.department, Err(e)).await,
        };
        match currency.and_then(|c| Money::parse_major(f.amount.trim(), c).ok()) {
            Some(m) => Some(m.minor()),
            None => {
                let e = AppError::Invalid(vec![FieldError::new(
                    "amount",
                    "invalid_amount",
                    "type the amount in the order's currency, e.g. 12.50",
                )]);
                return done(&app, &user, f.department, Err(e)).await;
            }
        }
    };
    let d = DecideRequest { decision: f.decision, amount_minor, note: f.note };
    let outcome = aftersales::decide_request(&app, p, &id, &d).await;
    done(&app, &user, f.department, outcome).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReceiveForm {
    csrf_token: String,
    department: String,
    rma_no: String,
}

/// POST /aftersales/returns/receive
pub async fn receive(State(app): State<App>, user: SignedIn, Form(f): Form<ReceiveForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let outcome =
        aftersales::receive_return(&app, &user.session.principal, &ReceiveReturn { rma_no: f.rma_no }).await;
    done(&app, &user, f.department, outcome).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InspectForm {
    csrf_token: String,
    department: String,
    intact: String,
    original_item: String,
    resaleable: String,
    notes: String,
    disposition: String,
    bin: String,
    reason: String,
}

/// POST /aftersales/requests/{id}/inspection
pub async fn inspect(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<InspectForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let i = InspectReturn {
        intact: f.intact == "1",
        original_item: f.original_item == "1",
        resaleable: f.resaleable == "1",
        notes: f.notes,
        disposition: f.disposition,
        bin: f.bin,
        reason: f.reason,
    };
    let outcome = aftersales::inspect_return(&app, &user.session.principal, &id, &i).await;
    done(&app, &user, f.department, outcome).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RulesForm {
    csrf_token: String,
    resaleable: String,
    damaged: String,
    not_original: String,
}

/// POST /aftersales/disposition-rules: the merchant's standing rules (an empty choice: none).
pub async fn save_rules(State(app): State<App>, user: SignedIn, Form(f): Form<RulesForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let rules = [("resaleable", f.resaleable), ("damaged", f.damaged), ("not_original", f.not_original)]
        .into_iter()
        .filter(|(_, d)| !d.trim().is_empty())
        .map(|(c, d)| DispositionRule { condition: c.into(), disposition: d })
        .collect();
    let input = DispositionRules { merchant_id: None, rules };
    match aftersales::set_disposition_rules(&app, &user.session.principal, &input).await {
        Ok(_) => {
            let notice = super::percent_encode(user.t.get("desk.rules_saved").as_str());
            Redirect::to(&format!("/aftersales?notice={notice}")).into_response()
        }
        Err(e) => page(&app, &user, status_of(&e), String::new(), (Some(explain(user.t, &e)), None)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LabelForm {
    csrf_token: String,
    department: String,
}

/// POST /aftersales/requests/{id}/return-label
pub async fn return_label(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<LabelForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let outcome = aftersales::buy_return_label(&app, &user.session.principal, &id).await;
    done(&app, &user, f.department, outcome).await
}
