//! E-mail in: an SMTP receiver (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) that
//! hands each accepted message to the product, and the reading of a message (RFC 5322 and MIME,
//! with `mail-parser`) into what a ticket needs: its Message-ID and the ids it answers, sender,
//! subject, plain text and attachments.
//!
//! The receiver answers the end of DATA only after the handler has kept the message (250), so a
//! message the sending server was told is delivered is never lost; a handler that cannot keep it
//! now answers 451 (the sender tries again later), one that never will 550.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// The largest message taken (announced with `SIZE`); a larger one is refused with 552.
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;
/// Most recipients of one message.
const MAX_RECIPIENTS: usize = 100;
/// How long the receiver waits for the sender's next line.
const IDLE: Duration = Duration::from_secs(300);

/// One message as delivered: the envelope and the raw bytes after DATA.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub raw: Vec<u8>,
}

/// Why a message was not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not now (the database is away): the sender tries again (451).
    Later(String),
    /// Never (no mailbox here): the sender gives up and tells its user (550).
    Never(String),
}

/// What keeps a delivered message.
pub type Handler =
    Arc<dyn Fn(Delivery) -> Pin<Box<dyn Future<Output = Result<(), Refusal>> + Send>> + Send + Sync>;

/// Most sessions at once; another sender is told to come back (421).
const MAX_SESSIONS: usize = 64;
/// The longest command line taken, and the longest line of a message (RFC 5321 asks for 512 and
/// 1000; senders that exceed them are common, so more is taken, never without bound).
const MAX_COMMAND: u64 = 2048;
const MAX_TEXT_LINE: u64 = 64 * 1024;

/// Accepts connections on `listener` until the task is dropped, one task per session.
pub async fn serve(listener: TcpListener, host: String, handler: Handler) {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_SESSIONS));
    while let Ok((mut socket, _)) = listener.accept().await {
        match slots.clone().try_acquire_owned() {
            Ok(slot) => {
                let (host, handler) = (host.clone(), handler.clone());
                tokio::spawn(async move {
                    session(socket, host, handler).await;
                    drop(slot);
                });
            }
            Err(_) => {
                let _ = socket.write_all(b"421 4.3.2 too many connections, try again later\r\n").await;
            }
        }
    }
}

/// One line of at most `limit` bytes into `line`; `None` when the connection ended or the line
/// was longer (the session is then closed: what follows cannot be read as SMTP).
async fn bounded_line(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    line: &mut Vec<u8>,
    limit: u64,
) -> Option<()> {
    use tokio::io::AsyncReadExt;
    line.clear();
    match tokio::time::timeout(IDLE, reader.take(limit).read_until(b'\n', line)).await {
        Ok(Ok(n)) if n > 0 && line.ends_with(b"\n") => Some(()),
        _ => None,
    }
}

/// The address inside `<…>` of a MAIL or RCPT argument (parameters after it ignored).
fn path_of(argument: &str) -> Option<String> {
    let argument = argument.trim();
    let inner = argument.strip_prefix('<')?.split('>').next()?;
    Some(inner.trim().to_string())
}

async fn session(socket: TcpStream, host: String, handler: Handler) {
    let (read, mut write) = socket.into_split();
    let mut reader = BufReader::new(read);
    let greeting = format!("220 {host} ESMTP Tradeport\r\n");
    if write.write_all(greeting.as_bytes()).await.is_err() {
        return;
    }
    let (mut from, mut to): (Option<String>, Vec<String>) = (None, Vec::new());
    let mut line = Vec::new();
    loop {
        if bounded_line(&mut reader, &mut line, MAX_COMMAND).await.is_none() {
            let _ = write.write_all(b"500 5.5.2 line too long or connection idle; closing\r\n").await;
            return;
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let answer: String = if upper.starts_with("EHLO") {
            format!(
                "250-{host}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-PIPELINING\r\n250 SIZE {MAX_MESSAGE_BYTES}\r\n"
            )
        } else if upper.starts_with("HELO") {
            format!("250 {host}\r\n")
        } else if upper.starts_with("NOOP") {
            "250 2.0.0 OK\r\n".into()
        } else if upper.starts_with("QUIT") {
            let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
            return;
        } else if upper.starts_with("RSET") {
            (from, to) = (None, Vec::new());
            "250 2.0.0 OK\r\n".into()
        } else if let Some(argument) = upper.starts_with("MAIL FROM:").then(|| &command[10..]) {
            match path_of(argument) {
                Some(path) => {
                    (from, to) = (Some(path), Vec::new());
                    "250 2.1.0 OK\r\n".into()
                }
                None => "501 5.5.4 write MAIL FROM:<address>\r\n".into(),
            }
        } else if let Some(argument) = upper.starts_with("RCPT TO:").then(|| &command[8..]) {
            match path_of(argument) {
                _ if from.is_none() => "503 5.5.1 MAIL first\r\n".into(),
                _ if to.len() >= MAX_RECIPIENTS => "452 4.5.3 too many recipients\r\n".into(),
                Some(path) if !path.is_empty() => {
                    to.push(path);
                    "250 2.1.5 OK\r\n".into()
                }
                _ => "501 5.5.4 write RCPT TO:<address>\r\n".into(),
            }
        } else if upper == "DATA" {
            if from.is_none() || to.is_empty() {
                "503 5.5.1 MAIL and RCPT first\r\n".into()
            } else {
                if write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await.is_err() {
                    return;
                }
                let Some(raw) = read_data(&mut reader).await else { return };
                let delivery = Delivery {
                    mail_from: from.take().unwrap_or_default(),
                    rcpt_to: std::mem::take(&mut to),
                    raw: raw.unwrap_or_default(),
                };
                match raw_size_ok(&delivery) {
                    false => format!("552 5.3.4 a message is at most {MAX_MESSAGE_BYTES} bytes\r\n"),
                    true => match handler(delivery).await {
                        Ok(()) => "250 2.0.0 kept\r\n".into(),
                        Err(Refusal::Later(why)) => format!("451 4.3.0 {}\r\n", one_line(&why)),
                        Err(Refusal::Never(why)) => format!("550 5.1.1 {}\r\n", one_line(&why)),
                    },
                }
            }
        } else {
            "502 5.5.1 not a command this server knows\r\n".into()
        };
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn raw_size_ok(d: &Delivery) -> bool {
    !d.raw.is_empty() && d.raw.len() <= MAX_MESSAGE_BYTES
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// The message after DATA up to the lone dot, dot-unstuffed; `Some(None)` when it was larger than
/// [`MAX_MESSAGE_BYTES`] (read to its end all the same); `None` when the connection ended.
async fn read_data(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<Option<Vec<u8>>> {
    let mut data = Vec::new();
    let mut too_large = false;
    let mut line = Vec::new();
    loop {
        bounded_line(reader, &mut line, MAX_TEXT_LINE).await?;
        // Only CRLF.CRLF ends the data: a bare LF dot is text (no smuggling past a relay).
        if line == b".\r\n" {
            return Some((!too_large).then_some(data));
        }
        let content = if line.starts_with(b"..") { &line[1..] } else { &line[..] };
        if data.len() + content.len() > MAX_MESSAGE_BYTES {
            too_large = true;
            data.clear();
        } else if !too_large {
            data.extend_from_slice(content);
        }
    }
}

/// A file attached to a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailAttachment {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What a ticket needs of an e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundMail {
    /// Without brackets; made from the content when the message has none, so a message sent
    /// twice is still one.
    pub message_id: String,
    /// The ids this message answers: `In-Reply-To` first, then `References` newest first.
    pub answers: Vec<String>,
    pub from_address: String,
    pub from_name: String,
    pub subject: String,
    /// The plain-text body (from the HTML part when there is no plain one).
    pub text: String,
    /// Sent by a machine (`Auto-Submitted` other than `no`, `Precedence: bulk|list|junk`, a
    /// mailer daemon): never answered automatically, so two robots do not write to each other.
    pub automatic: bool,
    pub attachments: Vec<MailAttachment>,
}

/// Reads a raw message; `None` when it is not one (no sender address).
pub fn read_mail(raw: &[u8]) -> Option<InboundMail> {
    use mail_parser::{HeaderValue, MimeHeaders};
    let message = mail_parser::MessageParser::default().parse(raw)?;
    let sender = message.from().and_then(|a| a.first())?;
    let from_address = sender.address()?.trim().to_ascii_lowercase();
    let ids = |v: &HeaderValue| -> Vec<String> {
        match v {
            HeaderValue::Text(t) => vec![t.to_string()],
            HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
            _ => Vec::new(),
        }
    };
    let mut answers = ids(message.in_reply_to());
    answers.extend(ids(message.references()).into_iter().rev());
    answers.dedup();
    let message_id = match message.message_id() {
        Some(id) if !id.trim().is_empty() => id.trim().to_string(),
        _ => {
            use sha2::Digest;
            format!("sha256-{}@tradeport.invalid", hex::encode(sha2::Sha256::digest(raw)))
        }
    };
    let header_text = |name: &str| message.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    let automatic = header_text("Auto-Submitted").is_some_and(|v| v != "no")
        || header_text("Precedence").is_some_and(|v| ["bulk", "list", "junk"].contains(&v.as_str()))
        || from_address.starts_with("mailer-daemon@")
        || from_address.starts_with("postmaster@");
    let attachments = message
        .attachments()
        .map(|part| MailAttachment {
            file_name: part.attachment_name().unwrap_or("attachment").to_string(),
            content_type: part
                .content_type()
                .map(|c| match c.subtype() {
                    Some(sub) => format!("{}/{sub}", c.ctype()),
                    None => c.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into()),
            bytes: part.contents().to_vec(),
        })
        .collect();
    Some(InboundMail {
        message_id,
        answers,
        from_name: sender.name().unwrap_or_default().trim().to_string(),
        from_address,
        subject: message.subject().unwrap_or_default().trim().to_string(),
        text: message.body_text(0).map(|t| t.trim().to_string()).unwrap_or_default(),
        automatic,
        attachments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = "From: Ada Lovelace <Ada@Example.com>\r\nTo: support@shop.example\r\n\
        Subject: Re: your order\r\nMessage-ID: <m2@example.com>\r\nIn-Reply-To: <t1@shop.example>\r\n\
        References: <t0@shop.example> <t1@shop.example>\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
        Where is order TP-000123?\r\n--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"box.png\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n--b--\r\n";

    #[test]
    fn a_reply_gives_its_id_what_it_answers_its_sender_text_and_files() {
        let m = read_mail(REPLY.as_bytes()).expect("a message");
        assert_eq!(m.message_id, "m2@example.com");
        assert_eq!(m.answers, ["t1@shop.example", "t0@shop.example"]);
        assert_eq!((m.from_address.as_str(), m.from_name.as_str()), ("ada@example.com", "Ada Lovelace"));
        assert_eq!(m.subject, "Re: your order");
        assert_eq!(m.text, "Where is order TP-000123?");
        assert!(!m.automatic);
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].file_name, "box.png");
        assert_eq!(m.attachments[0].content_type, "image/png");
        assert_eq!(m.attachments[0].bytes, [0x89, b'P', b'N', b'G', 0x0d, 0x0a]);
    }

    #[test]
    fn machines_are_recognised_and_a_message_without_id_gets_one_from_its_content() {
        let auto = "From: robot@x.example\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\n\r\nAway.\r\n";
        let m = read_mail(auto.as_bytes()).expect("a message");
        assert!(m.automatic);
        assert!(m.message_id.starts_with("sha256-"));
        assert_eq!(read_mail(auto.as_bytes()).map(|m| m.message_id), Some(m.message_id));
        let bulk = "From: news@x.example\r\nPrecedence: bulk\r\n\r\nNews\r\n";
        assert!(read_mail(bulk.as_bytes()).is_some_and(|m| m.automatic));
        let person = "From: b@x.example\r\nAuto-Submitted: no\r\n\r\nHi\r\n";
        assert!(read_mail(person.as_bytes()).is_some_and(|m| !m.automatic));
        assert_eq!(read_mail(b"Subject: no sender\r\n\r\nx\r\n"), None);
    }

    #[test]
    fn paths_are_read_from_their_brackets() {
        assert_eq!(path_of(" <a@b.example> SIZE=100"), Some("a@b.example".into()));
        assert_eq!(path_of("<>"), Some(String::new()));
        assert_eq!(path_of("a@b.example"), None);
    }
}
