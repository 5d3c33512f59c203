//! Operators' own wording of buyer messages (SLA-3): read every message with its values and
//! current wording, preview a wording with example values before keeping it, keep it, or go
//! back to the catalogue's. Each change is an event (`message_template_saved`, `_reset`).

use fluent_bundle::FluentValue;
use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{FieldError, TenantId};
use tradeport_domain::notifications::{BuyerMessage, TemplateInput};
use tradeport_store::AnyConnection;
use tradeport_store::message_templates;

use super::messages::BUYER_LANGUAGES;
use super::wording::{CustomWording, compile_wording, default_wording, render_buyer_message, sample_values};
use crate::{App, AppError, AppResult};

/// A wording as written: subject, e-mail body (paragraphs split by blank lines) and text
/// message, in Fluent (`{ $order_no }`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WordingInput {
    pub subject: String,
    pub body: String,
    pub sms: String,
}

impl From<&WordingInput> for TemplateInput {
    fn from(w: &WordingInput) -> Self {
        TemplateInput { subject: w.subject.clone(), body: w.body.clone(), sms: w.sms.clone() }
    }
}

impl From<TemplateInput> for WordingInput {
    fn from(t: TemplateInput) -> Self {
        WordingInput { subject: t.subject, body: t.body, sms: t.sms }
    }
}

/// A value a message's wording may use, with the example a preview shows (in the language).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateValue {
    pub name: &'static str,
    pub example: String,
}

/// One message in one language: what it is for, its values, its wording now, and whether the
/// operator wrote that wording.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateView {
    /// `order-confirmed`, `order-on-hold`, `order-cancelled`, `order-rejected`, `shipped`, `customs-cleared`,
    /// `out-for-delivery`, `delivered`, `delayed` or `refunded`.
    pub message: &'static str,
    /// The outbox topic it is sent for.
    pub topic: &'static str,
    /// Whether the product sends it today (the shipping and refund messages wait for those
    /// contexts).
    pub sent_today: bool,
    pub language: &'static str,
    pub values: Vec<TemplateValue>,
    pub customised: bool,
    pub wording: WordingInput,
    /// The catalogue's wording, to compare with or go back to.
    pub default_wording: WordingInput,
    pub updated_at: Option<i64>,
}

/// A wording rendered with example values.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PreviewView {
    pub language: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub sms: String,
    /// Characters of the text message (one segment holds 160 Latin or 70 other characters).
    pub sms_chars: usize,
}

fn parse_message(name: &str) -> AppResult<BuyerMessage> {
    BuyerMessage::parse(name).ok_or_else(|| {
        let known: Vec<&str> = BuyerMessage::ALL.iter().map(|m| m.as_str()).collect();
        AppError::Invalid(vec![FieldError::new(
            "message",
            "unknown_message",
            format!("no message is called '{name}'; use one of {}", known.join(", ")),
        )])
    })
}

fn parse_language(language: &str) -> AppResult<&'static str> {
    BUYER_LANGUAGES.iter().copied().find(|l| l.eq_ignore_ascii_case(language.trim())).ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new(
            "language",
            "unknown_language",
            format!("messages are written in {}; choose one of them", BUYER_LANGUAGES.join(", ")),
        )])
    })
}

fn view(
    message: BuyerMessage,
    language: &'static str,
    row: Option<&message_templates::TemplateRow>,
) -> TemplateView {
    let default = default_wording(message, language);
    let wording = match row {
        Some(r) => WordingInput { subject: r.subject.clone(), body: r.body.clone(), sms: r.sms.clone() },
        None => default.clone().into(),
    };
    TemplateView {
        message: message.as_str(),
        topic: message.topic(),
        sent_today: message.is_sent(),
        language,
        values: sample_values(message, language)
            .into_iter()
            .map(|(name, value)| TemplateValue {
                name,
                example: match value {
                    FluentValue::String(text) => text.into_owned(),
                    FluentValue::Number(n) => n.value.to_string(),
                    _ => String::new(),
                },
            })
            .collect(),
        customised: row.is_some(),
        wording,
        default_wording: default.into(),
        updated_at: row.map(|r| r.updated_at),
    }
}

/// Every message in every buyer language. Staff who see settings.
pub async fn list_templates(app: &App, principal: &Principal) -> AppResult<Vec<TemplateView>> {
    principal.require(Permission::ViewSettings)?;
    let mut conn = app.db().read().await?;
    let rows = message_templates::list(&mut conn, principal.scope.operator_id).await?;
    let mut out = Vec::new();
    for message in BuyerMessage::ALL {
        for language in BUYER_LANGUAGES {
            let row = rows.iter().find(|r| r.message == message.as_str() && r.language == language);
            out.push(view(message, language, row));
        }
    }
    Ok(out)
}

/// One message in one language.
pub async fn get_template(
    app: &App,
    principal: &Principal,
    message: &str,
    language: &str,
) -> AppResult<TemplateView> {
    principal.require(Permission::ViewSettings)?;
    let (message, language) = (parse_message(message)?, parse_language(language)?);
    let mut conn = app.db().read().await?;
    let row =
        message_templates::get(&mut conn, principal.scope.operator_id, message.as_str(), language).await?;
    Ok(view(message, language, row.as_ref()))
}

/// Renders a wording (the one kept, when `wording` is `None`) with example values, without
/// keeping anything; a wording that would not render says why, per part.
pub async fn preview_template(
    app: &App,
    principal: &Principal,
    message: &str,
    language: &str,
    wording: Option<&WordingInput>,
) -> AppResult<PreviewView> {
    let current = get_template(app, principal, message, language).await?;
    let message = parse_message(current.message)?;
    let language = current.language;
    let input: TemplateInput = wording.unwrap_or(&current.wording).into();
    let compiled = compile_wording(message, language, &input).map_err(AppError::Invalid)?;
    let samples = sample_values(message, language);
    let r = render_buyer_message(message, language, &samples, Some(&compiled));
    Ok(PreviewView {
        language: r.email.language,
        subject: r.email.subject,
        text: r.email.text,
        html: r.email.html,
        sms_chars: r.sms.chars().count(),
        sms: r.sms,
    })
}

/// Keeps the operator's wording of one message in one language, once it renders. Admins.
pub async fn save_template(
    app: &App,
    principal: &Principal,
    message: &str,
    language: &str,
    wording: &WordingInput,
) -> AppResult<TemplateView> {
    principal.require(Permission::ManageSettings)?;
    let (message, language) = (parse_message(message)?, parse_language(language)?);
    let compiled = compile_wording(message, language, &wording.into()).map_err(AppError::Invalid)?;
    let kept = compiled.input();
    let operator = principal.scope.operator_id;
    let actor = serde_json::to_string(&principal.actor).unwrap_or_default();
    let mut tx = app.db().begin().await?;
    message_templates::put_in_tx(&mut tx, operator, message.as_str(), language, kept, &actor, app.now())
        .await?;
    record_change(app, &mut tx, principal, operator, message, language, "message_template_saved").await?;
    let row = message_templates::get(&mut tx, operator, message.as_str(), language).await?;
    tx.commit().await?;
    Ok(view(message, language, row.as_ref()))
}

/// Goes back to the catalogue's wording of one message in one language. Admins.
pub async fn reset_template(
    app: &App,
    principal: &Principal,
    message: &str,
    language: &str,
) -> AppResult<TemplateView> {
    principal.require(Permission::ManageSettings)?;
    let (message, language) = (parse_message(message)?, parse_language(language)?);
    let operator = principal.scope.operator_id;
    let mut tx = app.db().begin().await?;
    if message_templates::remove_in_tx(&mut tx, operator, message.as_str(), language).await? {
        record_change(app, &mut tx, principal, operator, message, language, "message_template_reset").await?;
    }
    tx.commit().await?;
    Ok(view(message, language, None))
}

async fn record_change(
    app: &App,
    conn: &mut AnyConnection,
    principal: &Principal,
    operator: TenantId,
    message: BuyerMessage,
    language: &str,
    kind: &'static str,
) -> AppResult<()> {
    let event =
        app.event(principal.actor, "message_template", format!("{}/{language}", message.as_str()), kind);
    tradeport_store::events::append_in_tx(conn, operator, &event).await?;
    Ok(())
}

/// The operator's wording of `message` for a buyer who reads `language`, if it wrote one. A
/// kept wording that no longer renders (it was checked when kept) is logged and the catalogue's
/// is used: the buyer is still told.
pub(crate) async fn custom_wording(
    conn: &mut AnyConnection,
    operator: TenantId,
    message: BuyerMessage,
    language: &str,
) -> AppResult<Option<CustomWording>> {
    let language = super::wording::buyer_language(language);
    let Some(row) = message_templates::get(conn, operator, message.as_str(), language).await? else {
        return Ok(None);
    };
    let input = TemplateInput { subject: row.subject, body: row.body, sms: row.sms };
    match compile_wording(message, language, &input) {
        Ok(w) => Ok(Some(w)),
        Err(problems) => {
            tracing::warn!(
                message = message.as_str(),
                language,
                ?problems,
                "a kept wording no longer renders; the catalogue's is used"
            );
            Ok(None)
        }
    }
}
