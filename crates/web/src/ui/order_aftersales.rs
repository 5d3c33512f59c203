//! The order page's after-sales panel (EXC-1, EXC-7, AFS-4): the order's exception cases, each
//! worked in place (cause from the operator's list, an action, the result, closing), a form to
//! open one, and the refunds with what is left to refund and a form to refund (money typed as
//! money; the form's request key makes a double submit one refund).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use tradeport_app::aftersales::{self, OrderRefunds, RefundRequest};
use tradeport_app::exceptions::{self, CaseCause, CaseQuery, CaseView, CaseWork, OpenCase};
use tradeport_app::{App, AppError};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Currency, Money, OrderId};

use super::SignedIn;
use super::order_shipping::done;

/// What the panel shows and offers.
#[derive(Default)]
pub struct AftersalesPanel {
    pub cases: Vec<CaseView>,
    pub causes: Vec<CaseCause>,
    pub refunds: Option<OrderRefunds>,
    /// The order's after-sales requests (returns, refunds, exchanges).
    pub requests: Vec<tradeport_app::aftersales::RequestView>,
    pub can_work: bool,
    pub can_refund: bool,
    /// The order has left and the person may ask for a recall.
    pub can_recall: bool,
    /// The order may still be cancelled and the person may tell the buyer it cannot be fulfilled.
    pub can_offer: bool,
    /// A fresh key for the refund form: submitted twice, it is one refund.
    pub refund_key: String,
}

impl AftersalesPanel {
    /// Minor units written in the order's currency.
    pub fn money(&self, minor: &i64) -> String {
        let currency = self.refunds.as_ref().map_or("", |r| r.currency.as_str());
        Currency::parse_stored(currency).map_or_else(|| minor.to_string(), |c| c.format(*minor))
    }
}

pub async fn aftersales_panel(
    app: &App,
    p: &Principal,
    order: OrderId,
    status: &str,
) -> Result<AftersalesPanel, AppError> {
    let q = CaseQuery { order_id: Some(order.to_string()), ..CaseQuery::default() };
    Ok(AftersalesPanel {
        cases: exceptions::list_cases(app, p, &q).await?.items,
        causes: exceptions::list_causes(app, p).await?,
        refunds: Some(aftersales::refunds_of_order(app, p, &order.to_string()).await?),
        requests: aftersales::list_requests(
            app,
            p,
            &aftersales::RequestQuery { order_id: Some(order.to_string()), ..Default::default() },
        )
        .await?,
        can_work: p.role.can(Permission::HandleExceptions),
        can_refund: p.role.can(Permission::IssueRefunds),
        can_recall: status == "handed_over" && p.role.can(Permission::ChangeOrders),
        can_offer: p.role.can(Permission::ChangeOrders)
            && tradeport_domain::orders::OrderStatus::parse(status).is_some_and(|s| {
                tradeport_domain::orders::transition(s, tradeport_domain::orders::OrderAction::Cancel)
                    .is_some()
            }),
        refund_key: app.new_uuid().to_string(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OpenCaseForm {
    csrf_token: String,
    case_type: String,
    description: String,
}

/// POST /orders/{id}/cases
pub async fn open(
    State(app): State<App>,
    user: SignedIn,
    Path(order): Path<String>,
    Form(f): Form<OpenCaseForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let input = OpenCase {
        order_id: order.clone(),
        case_type: f.case_type,
        description: f.description,
        ..OpenCase::default()
    };
    let outcome = exceptions::open_case(&app, &user.session.principal, &input).await.map(|_| ());
    done(&app, &user, &order, outcome).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WorkCaseForm {
    csrf_token: String,
    cause_code: String,
    action: String,
    result: String,
    new_estimate: String,
    close: String,
}

fn optional(v: String) -> Option<String> {
    Some(v).filter(|v| !v.trim().is_empty())
}

/// POST /orders/{id}/cases/{case}
pub async fn work(
    State(app): State<App>,
    user: SignedIn,
    Path((order, case)): Path<(String, String)>,
    Form(f): Form<WorkCaseForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let w = CaseWork {
        cause_code: optional(f.cause_code),
        action: optional(f.action),
        result: optional(f.result),
        new_estimate: optional(f.new_estimate),
        close: f.close == "1",
        ..CaseWork::default()
    };
    let outcome = exceptions::work_case(&app, &user.session.principal, &case, &w).await.map(|_| ());
    done(&app, &user, &order, outcome).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf_token: String,
}

/// POST /orders/{id}/cases/{case}/loss-claim
pub async fn claim_loss(
    State(app): State<App>,
    user: SignedIn,
    Path((order, case)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let outcome = exceptions::claim_loss(&app, &user.session.principal, &case).await.map(|_| ());
    done(&app, &user, &order, outcome).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RefundForm {
    csrf_token: String,
    /// In the order's currency, as written: `12.50`.
    amount: String,
    method: String,
    reason: String,
    request_key: String,
    manual_reference: String,
}

/// POST /orders/{id}/refunds
pub async fn refund(
    State(app): State<App>,
    user: SignedIn,
    Path(order): Path<String>,
    Form(f): Form<RefundForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let p = &user.session.principal;
    let currency = match aftersales::refunds_of_order(&app, p, &order).await {
        Ok(r) => Currency::parse_stored(&r.currency),
        Err(e) => return done(&app, &user, &order, Err(e)).await,
    };
    let amount = currency.and_then(|c| Money::parse_major(f.amount.trim(), c).ok());
    let Some(amount) = amount else {
        let e = AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new(
            "amount",
            "invalid_amount",
            "type the amount in the order's currency, e.g. 12.50",
        )]);
        return done(&app, &user, &order, Err(e)).await;
    };
    let r = RefundRequest {
        amount_minor: amount.minor(),
        method: f.method,
        reason: f.reason,
        request_key: f.request_key,
        manual_reference: optional(f.manual_reference),
    };
    let outcome = aftersales::refund_order(&app, p, &order, &r).await.map(|_| ());
    done(&app, &user, &order, outcome).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CannotServeForm {
    csrf_token: String,
    reason: String,
    /// One alternative per line.
    alternatives: String,
}

/// POST /orders/{id}/cannot-serve
pub async fn cannot_serve(
    State(app): State<App>,
    user: SignedIn,
    Path(order): Path<String>,
    Form(f): Form<CannotServeForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let input = exceptions::CannotServe {
        reason: f.reason,
        alternatives: f.alternatives.lines().map(str::to_string).collect(),
    };
    let outcome = exceptions::cannot_serve(&app, &user.session.principal, &order, &input).await.map(|_| ());
    done(&app, &user, &order, outcome).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RecallForm {
    csrf_token: String,
    reason: String,
    /// In the order's currency, as written: `3.00`; empty: no fee.
    fee: String,
    buyer_pays_fee: String,
    buyer_agreed: String,
}

/// POST /orders/{id}/recall
pub async fn recall(
    State(app): State<App>,
    user: SignedIn,
    Path(order): Path<String>,
    Form(f): Form<RecallForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let p = &user.session.principal;
    let fee_minor = if f.fee.trim().is_empty() {
        0
    } else {
        let currency = match aftersales::refunds_of_order(&app, p, &order).await {
            Ok(r) => Currency::parse_stored(&r.currency),
            Err(e) => return done(&app, &user, &order, Err(e)).await,
        };
        match currency.and_then(|c| Money::parse_major(f.fee.trim(), c).ok()) {
            Some(m) => m.minor(),
            None => {
                let e = AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new(
                    "fee",
                    "invalid_amount",
                    "type the fee in the order's currency, e.g. 3.00",
                )]);
                return done(&app, &user, &order, Err(e)).await;
            }
        }
    };
    let r = exceptions::RecallRequest {
        reason: f.reason,
        fee_minor,
        buyer_pays_fee: f.buyer_pays_fee == "1",
        buyer_agreed: f.buyer_agreed == "1",
    };
    let outcome = exceptions::request_recall(&app, p, &order, &r).await.map(|_| ());
    done(&app, &user, &order, outcome).await
}
