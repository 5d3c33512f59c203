//! A stand-in for Twilio's Messages API on 127.0.0.1, speaking its wire format: HTTP Basic with
//! the account SID and auth token, a form-encoded `To`/`From`/`Body`, 201 with the message's
//! `sid`, and Twilio's error object (`code`, `message`, `status`) when it refuses. It can be told
//! to fail the next messages, as Twilio does when it is down.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use serde_json::{Value, json};

/// A message the fake accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsReceived {
    pub to: String,
    pub from: String,
    pub body: String,
}

#[derive(Default)]
struct Inbox {
    accepted: Mutex<Vec<SmsReceived>>,
    fail_next: AtomicUsize,
}

/// The running fake; it stops when the test's runtime ends.
#[derive(Clone)]
pub struct TwilioFake {
    /// `http://127.0.0.1:<port>`, to give as the Twilio base URL.
    pub base_url: String,
    pub account_sid: String,
    pub auth_token: String,
    inbox: Arc<Inbox>,
}

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "test-auth-token";

fn error(status: StatusCode, code: i64, message: &str) -> (StatusCode, axum::Json<Value>) {
    (status, axum::Json(json!({ "code": code, "message": message, "status": status.as_u16() })))
}

async fn create_message(
    State(inbox): State<Arc<Inbox>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> (StatusCode, axum::Json<Value>) {
    let expected =
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}")));
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) || account != SID
    {
        return error(StatusCode::UNAUTHORIZED, 20003, "Authenticate");
    }
    if inbox.fail_next.load(Ordering::SeqCst) > 0 {
        inbox.fail_next.fetch_sub(1, Ordering::SeqCst);
        return error(StatusCode::INTERNAL_SERVER_ERROR, 20500, "Internal Server Error");
    }
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (to, from, body) = (field("To"), field("From"), field("Body"));
    if !(to.starts_with('+') && to[1..].chars().all(|c| c.is_ascii_digit()) && to.len() > 7) {
        return error(
            StatusCode::BAD_REQUEST,
            21211,
            &format!("The 'To' number {to} is not a valid phone number."),
        );
    }
    if body.is_empty() {
        return error(StatusCode::BAD_REQUEST, 21602, "Message body is required.");
    }
    let mut accepted = inbox.accepted.lock().unwrap();
    accepted.push(SmsReceived { to: to.clone(), from: from.clone(), body: body.clone() });
    let sid = format!("SM{:032x}", accepted.len());
    (
        StatusCode::CREATED,
        axum::Json(
            json!({ "sid": sid, "account_sid": SID, "to": to, "from": from, "body": body, "status": "queued" }),
        ),
    )
}

impl TwilioFake {
    pub async fn start() -> Self {
        let inbox = Arc::new(Inbox::default());
        let router = axum::Router::new()
            .route("/2010-04-01/Accounts/{account}/Messages.json", post(create_message))
            .with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { base_url, account_sid: SID.into(), auth_token: TOKEN.into(), inbox }
    }

    /// The messages accepted so far, in order.
    pub fn messages(&self) -> Vec<SmsReceived> {
        self.inbox.accepted.lock().unwrap().clone()
    }

    /// Refuses the next `n` messages with Twilio's 500.
    pub fn fail_next(&self, n: usize) {
        self.inbox.fail_next.store(n, Ordering::SeqCst);
    }
}
