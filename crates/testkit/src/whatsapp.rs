//! A stand-in for Meta's Graph API (WhatsApp Business messages) on 127.0.0.1, speaking its wire
//! format: `POST /{version}/{phone-number-id}/messages` with a bearer access token and a JSON text
//! message; 200 with `messaging_product`, `contacts` and `messages[0].id` (a `wamid`), or Meta's
//! `error` object (`message`, `type`, `code`, `error_data.details`) when it refuses.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};

/// A message the fake accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatSent {
    pub phone_number_id: String,
    pub to: String,
    pub body: String,
}

/// The running fake; it stops when the test's runtime ends.
#[derive(Clone)]
pub struct WhatsAppFake {
    /// `http://127.0.0.1:<port>`, for `App::with_graph_api_url`.
    pub graph_url: String,
    /// The access token it takes.
    pub access_token: String,
    sent: Arc<Mutex<Vec<ChatSent>>>,
}

const TOKEN: &str = "EAAtest-access-token";

fn error(status: StatusCode, code: i64, message: &str, details: &str) -> (StatusCode, axum::Json<Value>) {
    let body = json!({ "error": { "message": message, "type": "OAuthException", "code": code,
                                  "error_data": { "messaging_product": "whatsapp", "details": details },
                                  "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam" } });
    (status, axum::Json(body))
}

async fn send(
    State(sent): State<Arc<Mutex<Vec<ChatSent>>>>,
    Path((version, phone_number_id)): Path<(String, String)>,
    headers: HeaderMap,
    axum::Json(m): axum::Json<Value>,
) -> (StatusCode, axum::Json<Value>) {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {TOKEN}")) {
        return error(StatusCode::UNAUTHORIZED, 190, "Invalid OAuth access token.", "the token is not valid");
    }
    if !version.starts_with('v') || m["messaging_product"] != "whatsapp" || m["type"] != "text" {
        return error(
            StatusCode::BAD_REQUEST,
            100,
            "Invalid parameter",
            "messaging_product and type are required",
        );
    }
    let (Some(to), Some(body)) = (m["to"].as_str(), m["text"]["body"].as_str()) else {
        return error(StatusCode::BAD_REQUEST, 100, "Invalid parameter", "to and text.body are required");
    };
    let mut all = sent.lock().unwrap();
    all.push(ChatSent { phone_number_id, to: to.into(), body: body.into() });
    let id = format!("wamid.fake{:06}", all.len());
    (
        StatusCode::OK,
        axum::Json(json!({ "messaging_product": "whatsapp", "contacts": [{ "input": to, "wa_id": to }],
                           "messages": [{ "id": id }] })),
    )
}

impl WhatsAppFake {
    pub async fn start() -> Self {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let router =
            axum::Router::new().route("/{version}/{phone}/messages", post(send)).with_state(sent.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let graph_url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { graph_url, access_token: TOKEN.into(), sent }
    }

    /// The messages accepted so far, in order.
    pub fn sent(&self) -> Vec<ChatSent> {
        self.sent.lock().unwrap().clone()
    }
}
