//! E-mail over SMTP (lettre): a message with a plain-text and an HTML part and an optional
//! attachment. The server is given as a URL: `smtp://host:25` (plain, for a local relay),
//! `smtp://host:587?tls=required` (STARTTLS), `smtps://host:465` (TLS), with
//! `user:password@` when the server wants a login.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// One e-mail to send.
#[derive(Clone, Debug, Default)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The `Message-ID` without brackets: the same for every attempt of one message, so the
    /// receiving side can drop a repeat.
    pub message_id: String,
    /// File name, MIME type and content.
    pub attachment: Option<(String, String, Vec<u8>)>,
    /// Where the buyer's answer should go (a support mailbox), when not to the sender.
    pub reply_to: Option<String>,
    /// The ids (without brackets) of the message this answers, newest first: `In-Reply-To` is the
    /// first, `References` all of them, so the buyer's mail program threads the conversation.
    pub answers: Vec<String>,
    /// Written by the product on its own (an acknowledgement): marked `Auto-Submitted:
    /// auto-replied` (RFC 3834), so other robots do not answer it.
    pub auto_reply: bool,
}

/// `Auto-Submitted` (RFC 3834).
#[derive(Clone)]
struct AutoSubmitted;

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "auto-replied".into())
    }
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the SMTP server URL is not usable: {0}")]
    BadUrl(String),
    #[error("the address {0} is not usable: {1}")]
    BadAddress(String, String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the SMTP server did not accept the message: {0}")]
    Send(String),
}

/// How long one message may take, from connecting to the server's last answer.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends through one SMTP server, from one sender address, over a pool of connections.
#[derive(Clone)]
pub struct SmtpMailer {
    url: String,
    /// Replaced by a fresh pool when an exchange times out (see [`SmtpMailer::send`]).
    transport: Arc<RwLock<AsyncSmtpTransport<Tokio1Executor>>>,
    from: Mailbox,
    timeout: Duration,
}

fn transport_for(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| MailError::BadUrl(e.to_string()))?
        .timeout(Some(SEND_TIMEOUT))
        .build())
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from.to_string()).finish()
    }
}

impl SmtpMailer {
    /// A mailer for the server at `url` sending as `from` (`Name <address>` or an address).
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        let transport = Arc::new(RwLock::new(transport_for(url)?));
        let from = from.parse().map_err(|e: lettre::address::AddressError| {
            MailError::BadAddress(from.to_string(), e.to_string())
        })?;
        Ok(Self { url: url.to_string(), transport, from, timeout: SEND_TIMEOUT })
    }

    /// The domain of the sender's address: every Message-ID sent is `<id@domain>`.
    pub fn domain(&self) -> String {
        self.from.email.domain().to_string()
    }

    /// The same mailer with another limit on one message (tests use a short one).
    pub fn with_timeout(self, timeout: Duration) -> Self {
        Self { timeout, ..self }
    }

    /// Sends one message.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let to: Mailbox = mail.to.parse().map_err(|e: lettre::address::AddressError| {
            MailError::BadAddress(mail.to.clone(), e.to_string())
        })?;
        let domain = self.from.email.domain().to_string();
        let body = MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone());
        let body = match &mail.attachment {
            Some((name, mime, bytes)) => {
                let mime = ContentType::parse(mime).map_err(|e| MailError::Build(e.to_string()))?;
                let file: SinglePart = Attachment::new(name.clone()).body(bytes.clone(), mime);
                MultiPart::mixed().multipart(body).singlepart(file)
            }
            None => body,
        };
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", mail.message_id)));
        if let Some(reply_to) = &mail.reply_to {
            let mailbox = reply_to.parse().map_err(|e: lettre::address::AddressError| {
                MailError::BadAddress(reply_to.clone(), e.to_string())
            })?;
            message = message.reply_to(mailbox);
        }
        if let Some(first) = mail.answers.first() {
            message = message.in_reply_to(format!("<{first}>"));
            let all: Vec<String> = mail.answers.iter().rev().map(|id| format!("<{id}>")).collect();
            message = message.references(all.join(" "));
        }
        if mail.auto_reply {
            message = message.header(AutoSubmitted);
        }
        let message = message.multipart(body).map_err(|e| MailError::Build(e.to_string()))?;
        // lettre's own timeout bounds connecting, not a server that accepts the connection and
        // never answers: the whole exchange is bounded here. A connection cut off mid-exchange
        // would go back to lettre's pool as if it were sound, so the pool is replaced (the old
        // one closes its connections once the last exchange on it ends).
        let transport = self.transport.read().unwrap_or_else(|e| e.into_inner()).clone();
        match tokio::time::timeout(self.timeout, transport.send(message)).await {
            Ok(sent) => sent.map(|_| ()).map_err(|e| MailError::Send(e.to_string())),
            Err(_) => {
                if let Ok(fresh) = transport_for(&self.url) {
                    *self.transport.write().unwrap_or_else(|e| e.into_inner()) = fresh;
                }
                Err(MailError::Send(format!(
                    "the server did not finish the exchange within {} s",
                    self.timeout.as_secs_f64()
                )))
            }
        }
    }
}
