//! A stand-in for eBay's identity service, Trading API and Sell Fulfillment API
//! ([`crate::ebay_sell`]) on 127.0.0.1, speaking their wire formats: `POST /identity/v1/oauth2/token` (Basic app credentials, `grant_type=refresh_token`)
//! gives a user token; `POST /ws/api.dll` takes it raw in `X-EBAY-API-IAF-TOKEN` and answers the
//! call named by `X-EBAY-API-CALL-NAME` (which must match the request's root element) with HTTP 200
//! and `Ack`: `GetMemberMessages` (a creation-time window or an item is required; pages of
//! `EntriesPerPage`), `AddMemberMessageRTQ` (the parent question becomes `Answered`). A bad token
//! is eBay's error 931.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use base64::Engine;
use quick_xml::escape::{escape, unescape};
use serde_json::json;

/// The app credentials and refresh token the fake takes.
pub const EBAY_CLIENT_ID: &str = "Acme-Tradepor-PRD-0123456789-abcdef01";
pub const EBAY_CLIENT_SECRET: &str = "PRD-0123456789ab-cdef-0123-4567-89ab";
pub const EBAY_REFRESH_TOKEN: &str = "v^1.1#i^1#r^1#p^3#I^3#f^0#t^Ul4xMF8x";
/// The token granted with scope `sell.fulfillment`.
pub(crate) const FULFILLMENT_TOKEN: &str = "v^1.1#i^1#f^0#p^3#I^3#r^0#t^SELLFULFILLMENTxQ";
const ACCESS_TOKEN: &str = "v^1.1#i^1#f^0#p^3#I^3#r^0#t^H4sIAAAAAAAAAOVY";

/// A buyer's message waiting at eBay.
#[derive(Clone, Debug)]
pub struct EbayQuestion {
    pub item_id: String,
    pub item_title: String,
    pub sender_id: String,
    pub recipient_id: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    /// ISO 8601 with milliseconds, UTC.
    pub created_at: String,
}

/// An answer the fake accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EbayAnswer {
    pub item_id: String,
    pub parent_message_id: String,
    pub recipient_id: String,
    pub body: String,
}

#[derive(Default)]
struct Account {
    questions: Vec<(EbayQuestion, Vec<String>)>,
    answers: Vec<EbayAnswer>,
    calls: Vec<String>,
}

/// The running fake; it stops when the test's runtime ends.
#[derive(Clone)]
pub struct EbayFake {
    /// `http://127.0.0.1:<port>`: a connection's `site_url`.
    pub base_url: String,
    account: Arc<Mutex<Account>>,
    sales: Arc<Mutex<crate::ebay_sell::Sales>>,
}

/// The text of the first `<tag>` in `xml`, unescaped.
fn value(xml: &str, tag: &str) -> Option<String> {
    let start = xml.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    unescape(&xml[start..end]).ok().map(|v| v.into_owned())
}

fn answer(call: &str, ack: &str, inner: &str) -> (StatusCode, String) {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{call}Response xmlns=\"urn:ebay:apis:eBLBaseComponents\">\
         <Timestamp>2026-11-27T10:00:00.000Z</Timestamp><Ack>{ack}</Ack>{inner}<Version>1349</Version>\
         <Build>E1349_CORE_API_6951498_R1</Build></{call}Response>"
    );
    (StatusCode::OK, xml)
}

fn failure(call: &str, code: u32, short: &str, long: &str) -> (StatusCode, String) {
    let errors = format!(
        "<Errors><ShortMessage>{}</ShortMessage><LongMessage>{}</LongMessage><ErrorCode>{code}</ErrorCode>\
         <SeverityCode>Error</SeverityCode><ErrorClassification>RequestError</ErrorClassification></Errors>",
        escape(short),
        escape(long)
    );
    answer(call, "Failure", &errors)
}

async fn token(headers: HeaderMap, body: String) -> (StatusCode, axum::Json<serde_json::Value>) {
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{EBAY_CLIENT_ID}:{EBAY_CLIENT_SECRET}"));
    let authorised =
        headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Basic {basic}"));
    let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or_default();
    if !authorised {
        let e = json!({"error": "invalid_client", "error_description": "client authentication failed"});
        return (StatusCode::UNAUTHORIZED, axum::Json(e));
    }
    if get("grant_type") != "refresh_token"
        || get("refresh_token") != EBAY_REFRESH_TOKEN
        || get("scope").is_empty()
    {
        let e = json!({"error": "invalid_grant", "error_description": "the provided authorization refresh token is invalid or was issued to another client"});
        return (StatusCode::BAD_REQUEST, axum::Json(e));
    }
    // A token is good for the scopes it was asked with: the Sell Fulfillment API takes only one
    // granted `sell.fulfillment`.
    let token = if get("scope").split(' ').any(|s| s.ends_with("/sell.fulfillment")) {
        FULFILLMENT_TOKEN
    } else {
        ACCESS_TOKEN
    };
    let ok = json!({"access_token": token, "expires_in": 7200, "token_type": "User Access Token"});
    (StatusCode::OK, axum::Json(ok))
}

async fn trading(
    State(account): State<Arc<Mutex<Account>>>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let call = header("x-ebay-api-call-name");
    if !body.contains(&format!("<{call}Request xmlns=\"urn:ebay:apis:eBLBaseComponents\">"))
        || call.is_empty()
    {
        return failure(
            &call,
            2,
            "Unsupported API call.",
            "The API call is not supported or does not match the request.",
        );
    }
    if ![ACCESS_TOKEN, FULFILLMENT_TOKEN].contains(&header("x-ebay-api-iaf-token").as_str()) {
        return failure(
            &call,
            931,
            "Auth token is invalid.",
            "Validation of the authentication token in API request failed.",
        );
    }
    if header("x-ebay-api-siteid").parse::<u32>().is_err()
        || header("x-ebay-api-compatibility-level").is_empty()
    {
        return failure(
            &call,
            10012,
            "Invalid value.",
            "The site id and the compatibility level are required.",
        );
    }
    let mut account = account.lock().unwrap();
    account.calls.push(call.clone());
    match call.as_str() {
        "GetMemberMessages" => get_member_messages(&account, &body),
        "AddMemberMessageRTQ" => {
            let (Some(item), Some(parent), Some(to), Some(text)) = (
                value(&body, "ItemID"),
                value(&body, "ParentMessageID"),
                value(&body, "RecipientID"),
                value(&body, "Body"),
            ) else {
                return failure(
                    &call,
                    37,
                    "Input data is invalid.",
                    "ItemID, ParentMessageID, RecipientID and Body are required.",
                );
            };
            let Some(q) =
                account.questions.iter_mut().find(|(q, _)| q.message_id == parent && q.item_id == item)
            else {
                return failure(
                    &call,
                    20134,
                    "Invalid message.",
                    "The parent message does not exist for this item.",
                );
            };
            q.1.push(text.clone());
            account.answers.push(EbayAnswer {
                item_id: item,
                parent_message_id: parent,
                recipient_id: to,
                body: text,
            });
            answer(&call, "Success", "")
        }
        _ => failure(
            &call,
            2,
            "Unsupported API call.",
            "The fake answers GetMemberMessages and AddMemberMessageRTQ.",
        ),
    }
}

fn get_member_messages(account: &Account, body: &str) -> (StatusCode, String) {
    let call = "GetMemberMessages";
    let (from, to, item) =
        (value(body, "StartCreationTime"), value(body, "EndCreationTime"), value(body, "ItemID"));
    if value(body, "MailMessageType").is_none() || (item.is_none() && (from.is_none() || to.is_none())) {
        return failure(
            call,
            37,
            "Input data is invalid.",
            "MailMessageType and an ItemID or a creation time range are required.",
        );
    }
    let per_page: usize = value(body, "EntriesPerPage").and_then(|v| v.parse().ok()).unwrap_or(25);
    let page: usize = value(body, "PageNumber").and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
    if per_page == 0 || per_page > 200 {
        return failure(call, 37, "Input data is invalid.", "EntriesPerPage is 25, 50, 100 or 200.");
    }
    let matching: Vec<&(EbayQuestion, Vec<String>)> = account
        .questions
        .iter()
        .filter(|(q, _)| item.as_ref().is_none_or(|i| *i == q.item_id))
        .filter(|(q, _)| from.as_ref().is_none_or(|f| q.created_at.as_str() >= f.as_str()))
        .filter(|(q, _)| to.as_ref().is_none_or(|t| q.created_at.as_str() <= t.as_str()))
        .collect();
    let pages = matching.len().div_ceil(per_page).max(1);
    let shown: Vec<String> = matching
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|(q, responses)| {
            let answered: String =
                responses.iter().map(|r| format!("<Response>{}</Response>", escape(r))).collect();
            format!(
                "<MemberMessageExchange><Item><ItemID>{}</ItemID><Title>{}</Title></Item><Question>\
                 <MessageType>AskSellerQuestion</MessageType><QuestionType>General</QuestionType>\
                 <DisplayToPublic>false</DisplayToPublic><SenderID>{}</SenderID>\
                 <SenderEmail>{}@members.ebay.com</SenderEmail><RecipientID>{}</RecipientID>\
                 <Subject>{}</Subject><Body>{}</Body><MessageID>{}</MessageID></Question>{answered}\
                 <MessageStatus>{}</MessageStatus><CreationDate>{}</CreationDate></MemberMessageExchange>",
                escape(&q.item_id),
                escape(&q.item_title),
                escape(&q.sender_id),
                escape(&q.sender_id),
                escape(&q.recipient_id),
                escape(&q.subject),
                escape(&q.body),
                escape(&q.message_id),
                if responses.is_empty() { "Unanswered" } else { "Answered" },
                escape(&q.created_at),
            )
        })
        .collect();
    let exchanges = if shown.is_empty() {
        String::new()
    } else {
        format!("<MemberMessage>{}</MemberMessage>", shown.join(""))
    };
    let inner = format!(
        "{exchanges}<PaginationResult><TotalNumberOfPages>{pages}</TotalNumberOfPages>\
         <TotalNumberOfEntries>{}</TotalNumberOfEntries></PaginationResult><HasMoreItems>{}</HasMoreItems>",
        matching.len(),
        page < pages
    );
    answer(call, "Success", &inner)
}

impl EbayFake {
    pub async fn start() -> Self {
        use crate::ebay_sell::{create_fulfillment, get_order, get_orders, list_fulfillments};
        let account = Arc::new(Mutex::new(Account::default()));
        let sales = Arc::new(Mutex::new(crate::ebay_sell::Sales::default()));
        let sell = axum::Router::new()
            .route("/sell/fulfillment/v1/order", get(get_orders))
            .route("/sell/fulfillment/v1/order/{id}", get(get_order))
            .route(
                "/sell/fulfillment/v1/order/{id}/shipping_fulfillment",
                get(list_fulfillments).post(create_fulfillment),
            )
            .with_state(sales.clone());
        let router = axum::Router::new()
            .route("/identity/v1/oauth2/token", post(token))
            .route("/ws/api.dll", post(trading))
            .with_state(account.clone())
            .merge(sell);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { base_url, account, sales }
    }

    /// The seller's orders as `getOrders` serves them.
    pub fn set_orders(&self, orders: Vec<serde_json::Value>) {
        self.sales.lock().unwrap().orders = orders;
    }

    /// Answers the next `n` `getOrders` calls at `offset` with 429.
    pub fn throttle(&self, offset: u64, n: usize) {
        self.sales.lock().unwrap().throttle = (offset, n);
    }

    /// When the page at `offset` is asked for, order `id` changes first, to `time`.
    pub fn touch_on_page(&self, offset: u64, id: &str, time: &str) {
        self.sales.lock().unwrap().touch = Some((offset, id.into(), time.into()));
    }

    /// How many `getOrders` calls were answered 429.
    pub fn throttled(&self) -> usize {
        self.sales.lock().unwrap().throttled
    }

    /// Each `getOrders` call answered: its filter and offset.
    pub fn order_calls(&self) -> Vec<(String, u64)> {
        self.sales.lock().unwrap().order_calls.clone()
    }

    /// Each shipping fulfillment created: the order id and the body.
    pub fn fulfillments(&self) -> Vec<(String, serde_json::Value)> {
        self.sales.lock().unwrap().fulfillments.clone()
    }

    /// A buyer asks a question (it waits at eBay until read).
    pub fn ask(&self, q: EbayQuestion) {
        self.account.lock().unwrap().questions.push((q, Vec::new()));
    }

    /// The answers accepted so far, in order.
    pub fn answers(&self) -> Vec<EbayAnswer> {
        self.account.lock().unwrap().answers.clone()
    }

    /// The calls answered so far, by name.
    pub fn calls(&self) -> Vec<String> {
        self.account.lock().unwrap().calls.clone()
    }
}
