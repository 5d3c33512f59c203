//! `/api/v1/tickets`: customer-service tickets for agents (the queue, one ticket, answers, notes,
//! phone notes, solving); `/api/v1/track/{token}/tickets`: the buyer's side, on the order's
//! tracking page (no account: the link is the buyer's key).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tradeport_app::App;
use tradeport_app::aftersales::FileRequest;
use tradeport_app::exceptions::OpenCase;
use tradeport_app::tickets::{
    self, AnswerRequest, BuyerMessageForm, CannedPreview, CannedReplyInput, CannedReplyView,
    ChatDeliveryAnswer, CreateMailbox, EscalateRequest, MailboxView, PromiseRequest, SatisfactionView,
    SubmittedMessage, SurveyView, TicketChange, TicketContext, TicketQuery, TicketView,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_tickets))
        .routes(routes!(get_ticket, update_ticket))
        .routes(routes!(escalate_ticket))
        .routes(routes!(promise_answer))
        .routes(routes!(file_aftersales))
        .routes(routes!(ticket_context))
        .routes(routes!(resend_tracking))
        .routes(routes!(open_case))
        .routes(routes!(preview_canned))
        .routes(routes!(viewing_ticket))
        .routes(routes!(satisfaction))
        .routes(routes!(list_canned, save_canned))
        .routes(routes!(delete_canned))
        .routes(routes!(answer_ticket))
        .routes(routes!(solve_ticket))
        .routes(routes!(ticket_attachment))
        .routes(routes!(list_mailboxes, create_mailbox))
        .routes(routes!(delete_mailbox))
}

/// The buyer's side (outside the API-key layer: the tracking link is the key).
pub(super) fn public() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(buyer_tickets, buyer_writes))
        .routes(routes!(chat_hook_check, chat_hook))
        .routes(routes!(get_survey, answer_survey))
}

#[derive(Serialize, ToSchema)]
struct TicketList {
    items: Vec<TicketView>,
}

#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", params(TicketQuery),
    description = "The latest 200 tickets that pass the filters, newest first (a merchant: those of its own orders), \
                   each with its conversation, suggested category and why, and clocks (`first_response_overdue`). \
                   Views: mine, unassigned, overdue, escalated, all; `q` searches subjects, buyers and messages. \
                   Admins, order managers, customer service, supervisors, merchants.",
    responses((status = 200, body = TicketList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_tickets(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<TicketQuery>,
) -> ApiResult<Json<TicketList>> {
    Ok(Json(TicketList { items: tickets::list_tickets(&app, &p, &q).await? }))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets", params(("id" = String, Path)),
    description = "One ticket with its whole conversation, internal notes included.",
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody)))]
async fn get_ticket(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(tickets::ticket_detail(&app, &p, &id).await?))
}

#[utoipa::path(patch, path = "/api/v1/tickets/{id}", tag = "tickets", params(("id" = String, Path)),
    request_body = TicketChange,
    description = "Sets what the words could only suggest: the order the ticket is about (its merchant comes with \
                   it), the category (CS-2), the priority, and the agent who works it (`me`, a user id, or empty).",
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_ticket(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TicketChange>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(tickets::update_ticket(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/escalate", tag = "tickets", params(("id" = String, Path)),
    request_body = EscalateRequest,
    description = "Sends the ticket up to a supervisor with the reason (CS-4); supervisors see escalated tickets and \
                   how long they have waited (`escalated_minutes`).",
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn escalate_ticket(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EscalateRequest>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(tickets::escalate_ticket(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/promise", tag = "tickets", params(("id" = String, Path)),
    request_body = PromiseRequest,
    description = "For a question that cannot be answered at once (CS-3): tells the buyer when they will hear back \
                   (`within_hours` working hours on the operator's calendar) and notes what is to be found out. Past \
                   that time with no answer since, the ticket is overdue (queue and sweep); the next answer keeps it.",
    responses((status = 200, body = TicketView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn promise_answer(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PromiseRequest>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(tickets::promise_answer(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/aftersales", tag = "tickets", params(("id" = String, Path)),
    request_body = FileRequest,
    description = "Files an after-sales request for the ticket's order (as `POST /api/v1/aftersales-requests`, \
                   `order_id` taken from the ticket) and links it: a decision above the deciding agent's limit sends \
                   the ticket up to a supervisor with the reason; the supervisor's decision gives it back.",
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn file_aftersales(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<FileRequest>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(tickets::file_from_ticket(&app, &p, &id, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/context", tag = "tickets", params(("id" = String, Path)),
    description = "What the agent's screen shows beside the conversation (SLA-4): the linked order with its timeline \
                   (`events`) and time limits (`clocks`), its parcels with tracking, exception cases, after-sales \
                   requests, the after-sales policy per kind of goods (with the days left of its window), and which \
                   of the common actions the agent may take. All empty while the ticket names no order.",
    responses((status = 200, body = TicketContext), (status = 404, body = ErrorBody)))]
async fn ticket_context(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<TicketContext>> {
    Ok(Json(tickets::ticket_context(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/resend-tracking", tag = "tickets", params(("id" = String, Path)),
    description = "Answers the buyer with the order's number, state, estimate and tracking link in their language \
                   (the agent's \"resend tracking\"), sent and kept like any answer.",
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn resend_tracking(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(tickets::resend_tracking(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/cases", tag = "tickets", params(("id" = String, Path)),
    request_body = OpenCase,
    description = "Opens an exception case on the ticket's order (as `POST /api/v1/exception-cases`, `order_id` taken from the \
                   ticket) and notes it on the ticket.",
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn open_case(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OpenCase>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(tickets::open_case_from_ticket(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/messages", tag = "tickets", params(("id" = String, Path)),
    request_body = AnswerRequest,
    description = "Adds to the ticket: `reply` (to the buyer; the first one stops the first-response clock; the \
                   ticket waits for the buyer), `note` (internal, never shown to the buyer) or `phone` (what the buyer \
                   said on the phone; the ticket needs an answer again). 409 `ticket.illegal_transition` on a closed \
                   ticket.",
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn answer_ticket(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AnswerRequest>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(tickets::answer_ticket(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/solve", tag = "tickets", params(("id" = String, Path)),
    description = "Marks the ticket solved; the buyer writing again opens it.",
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn solve_ticket(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(tickets::solve_ticket(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments/{attachment}", tag = "tickets",
    params(("id" = String, Path), ("attachment" = String, Path)),
    description = "A file that came with a message, to save (images and PDFs keep their type; anything else is \
                   sent as bytes).",
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
async fn ticket_attachment(
    State(app): State<App>,
    Auth(p): Auth,
    Path((id, attachment)): Path<(String, String)>,
) -> ApiResult<axum::response::Response> {
    let f = tickets::ticket_attachment(&app, &p, &id, &attachment).await?;
    Ok(crate::download::sent_file(&f.file_name, &f.content_type, f.bytes))
}

#[utoipa::path(get, path = "/api/v1/track/{token}/tickets", tag = "tickets", security(()), params(("token" = String, Path)),
    description = "The buyer's conversation about the order of a tracking link (agents' internal notes left out).",
    responses((status = 200, body = TicketList), (status = 404, body = ErrorBody)))]
async fn buyer_tickets(State(app): State<App>, Path(token): Path<String>) -> ApiResult<Json<TicketList>> {
    Ok(Json(TicketList { items: tickets::buyer_tickets(&app, &token).await? }))
}

#[utoipa::path(post, path = "/api/v1/track/{token}/tickets", tag = "tickets", security(()), params(("token" = String, Path)),
    request_body = BuyerMessageForm,
    description = "The buyer writes about the order of a tracking link: the message joins the order's ticket still \
                   being worked, or opens one (category suggested, clocks started in the operator's calendar). The \
                   same `submission_key` again is the same message (`duplicate: true`).",
    responses((status = 201, body = SubmittedMessage), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn buyer_writes(
    State(app): State<App>,
    Path(token): Path<String>,
    ApiJson(form): ApiJson<BuyerMessageForm>,
) -> ApiResult<(StatusCode, Json<SubmittedMessage>)> {
    Ok((StatusCode::CREATED, Json(tickets::submit_from_tracking(&app, &token, &form).await?)))
}

#[derive(Serialize, ToSchema)]
struct MailboxList {
    items: Vec<MailboxView>,
}

#[utoipa::path(get, path = "/api/v1/support-mailboxes", tag = "tickets",
    description = "The addresses buyers write to (a merchant: its own). Admins, order managers, merchants.",
    responses((status = 200, body = MailboxList), (status = 403, body = ErrorBody)))]
async fn list_mailboxes(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<MailboxList>> {
    Ok(Json(MailboxList { items: tickets::list_mailboxes(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/support-mailboxes", tag = "tickets", request_body = CreateMailbox,
    description = "Adds a support mailbox: e-mail to it (through `tradeport serve --mail-in-bind`) opens and threads \
                   tickets. With `merchant_id` (staff) or from a merchant, its tickets are the merchant's. 409 \
                   `conflict.address` when the address is kept already.",
    responses((status = 201, body = MailboxView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_mailbox(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CreateMailbox>,
) -> ApiResult<(StatusCode, Json<MailboxView>)> {
    Ok((StatusCode::CREATED, Json(tickets::create_mailbox(&app, &p, &body).await?)))
}

#[utoipa::path(delete, path = "/api/v1/support-mailboxes/{address}", tag = "tickets", params(("address" = String, Path)),
    description = "Removes a support mailbox: mail to it is refused from now on.",
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_mailbox(
    State(app): State<App>,
    Auth(p): Auth,
    Path(address): Path<String>,
) -> ApiResult<StatusCode> {
    tickets::delete_mailbox(&app, &p, &address).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct HubCheck {
    #[serde(rename = "hub.mode", default)]
    #[param(rename = "hub.mode")]
    mode: String,
    #[serde(rename = "hub.verify_token", default)]
    #[param(rename = "hub.verify_token")]
    verify_token: String,
    #[serde(rename = "hub.challenge", default)]
    #[param(rename = "hub.challenge")]
    challenge: String,
}

#[utoipa::path(get, path = "/api/v1/chat-hooks/{id}", tag = "tickets", security(()), params(("id" = String, Path), HubCheck),
    description = "Meta's subscription check for a WhatsApp connection: answers `hub.challenge` when `hub.mode` is \
                   `subscribe` and `hub.verify_token` is the connection's `verify_token` credential; 401 otherwise.",
    responses((status = 200, body = String), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn chat_hook_check(
    State(app): State<App>,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<HubCheck>,
) -> ApiResult<String> {
    Ok(tickets::verify_chat_hook(&app, &id, &q.mode, &q.verify_token, &q.challenge).await?)
}

#[utoipa::path(post, path = "/api/v1/chat-hooks/{id}", tag = "tickets", security(()), params(("id" = String, Path)),
    request_body(content = String, content_type = "application/json"),
    description = "Where Meta delivers a WhatsApp connection's `messages` webhook. `X-Hub-Signature-256` is checked \
                   over the raw body first (the connection's webhook secret is the Meta app secret; the previous one \
                   too during a rotation): 401 and nothing kept unless it matches. Each buyer's message joins their \
                   chat ticket still being worked or opens one, linked to the order its words name; a message \
                   delivered again is kept once (`duplicates`). Delivery receipts are answered 200 and keep nothing.",
    responses((status = 200, body = ChatDeliveryAnswer), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn chat_hook(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<ChatDeliveryAnswer>> {
    let signature = headers.get("x-hub-signature-256").and_then(|v| v.to_str().ok()).unwrap_or_default();
    Ok(Json(tickets::receive_chat_hook(&app, &id, signature, &body).await?))
}

#[derive(Serialize, ToSchema)]
struct CannedList {
    items: Vec<CannedReplyView>,
}

#[utoipa::path(get, path = "/api/v1/canned-replies", tag = "tickets",
    description = "The operator's canned replies, by name and language.",
    responses((status = 200, body = CannedList), (status = 403, body = ErrorBody)))]
async fn list_canned(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<CannedList>> {
    Ok(Json(CannedList { items: tickets::list_canned(&app, &p).await? }))
}

#[utoipa::path(put, path = "/api/v1/canned-replies", tag = "tickets", request_body = CannedReplyInput,
    description = "Saves a canned reply in one language (the same name and language again: new words). Placeholders \
                   in braces: {buyer_name}, {order_no}, {order_state}, {tracking_no}, {tracking_link}, {estimate}, \
                   {agent}; any other is refused naming it. The operator's agents keep them; merchants use them.",
    responses((status = 200, body = CannedReplyView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_canned(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CannedReplyInput>,
) -> ApiResult<Json<CannedReplyView>> {
    Ok(Json(tickets::save_canned(&app, &p, &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/canned-replies/{name}", tag = "tickets", params(("name" = String, Path)),
    description = "Removes a canned reply in every language.",
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_canned(
    State(app): State<App>,
    Auth(p): Auth,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    tickets::delete_canned(&app, &p, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/canned/{name}", tag = "tickets",
    params(("id" = String, Path), ("name" = String, Path)),
    description = "A canned reply filled for the ticket: in the buyer's language (else its family, else English), \
                   with the order's number, state, tracking numbers and link, the estimate and the agent's name.",
    responses((status = 200, body = CannedPreview), (status = 404, body = ErrorBody)))]
async fn preview_canned(
    State(app): State<App>,
    Auth(p): Auth,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Json<CannedPreview>> {
    Ok(Json(tickets::preview_canned(&app, &p, &id, &name).await?))
}

#[derive(Serialize, ToSchema)]
struct Viewing {
    /// Who else has the ticket open now (their names), for the collision warning.
    others: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/viewing", tag = "tickets", params(("id" = String, Path)),
    description = "Says the caller has the ticket open (call it every 15 s while it is); answers who else has it \
                   open within the last minute, so two agents do not answer at once.",
    responses((status = 200, body = Viewing), (status = 404, body = ErrorBody)))]
async fn viewing_ticket(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Viewing>> {
    Ok(Json(Viewing { others: tickets::viewing_ticket(&app, &p, &id).await? }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SurveyAnswer {
    /// 1 (poor) to 5 (excellent).
    #[schema(minimum = 1, maximum = 5)]
    score: i64,
    #[serde(default)]
    comment: String,
}

#[utoipa::path(get, path = "/api/v1/surveys/{token}", tag = "tickets", security(()), params(("token" = String, Path)),
    description = "The satisfaction survey of a solved ticket, by the token of the link the buyer was sent.",
    responses((status = 200, body = SurveyView), (status = 404, body = ErrorBody)))]
async fn get_survey(State(app): State<App>, Path(token): Path<String>) -> ApiResult<Json<SurveyView>> {
    Ok(Json(tickets::survey_page(&app, &token).await?))
}

#[utoipa::path(post, path = "/api/v1/surveys/{token}", tag = "tickets", security(()), params(("token" = String, Path)),
    request_body = SurveyAnswer,
    description = "The buyer's answer (CS-6): a score of 1 to 5 and a comment. The link takes one answer: again, \
                   409 `survey.answered`. A score of 2 or less opens the ticket again as a follow-up.",
    responses((status = 200, body = SurveyView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn answer_survey(
    State(app): State<App>,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<SurveyAnswer>,
) -> ApiResult<Json<SurveyView>> {
    Ok(Json(tickets::answer_survey(&app, &token, body.score, &body.comment).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct Period {
    /// Start (epoch ms); left out: 30 days ago.
    from: Option<i64>,
    /// End (epoch ms, not included); left out: now.
    to: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/tickets/satisfaction", tag = "tickets", params(Period),
    description = "Satisfaction of a period (CS-6, KPI-3): answers, average score, share scoring 4 or 5, per agent \
                   and per category (a merchant: its own tickets).",
    responses((status = 200, body = SatisfactionView), (status = 403, body = ErrorBody)))]
async fn satisfaction(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<Period>,
) -> ApiResult<Json<SatisfactionView>> {
    let now = app.now().0;
    let (from, to) = (q.from.unwrap_or(now - 30 * 86_400_000), q.to.unwrap_or(now + 1));
    Ok(Json(tickets::satisfaction(&app, &p, from, to).await?))
}
