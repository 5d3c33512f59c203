//! eBay's Trading API for member messages, as eBay documents it: the seller's OAuth user token
//! ([`crate::ebay_oauth`]), sent raw in `X-EBAY-API-IAF-TOKEN`; calls are XML `POST`s to
//! `/ws/api.dll` named by `X-EBAY-API-CALL-NAME`, answered HTTP 200 with `Ack` saying whether they
//! worked. `GetMemberMessages` (type `All`: eBay returns nothing for `AskSellerQuestion`; the
//! caller tells buyers' messages from the seller's own by sender) reads the messages;
//! `AddMemberMessageRTQ` answers one. The answer's namespace is a default one: elements are
//! matched by local name.

use std::time::Duration;

use crate::ebay_oauth::EbayOAuth;
use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::Event;

/// The schema version the requests are written against.
const COMPATIBILITY_LEVEL: &str = "1349";
/// How many exchanges a page holds (eBay takes 25, 50, 100 or 200).
pub const PAGE_SIZE: u32 = 100;
/// The scope asked for when the connection names none.
const DEFAULT_SCOPE: &str = "https://api.ebay.com/oauth/api_scope";

/// eBay's sites by marketplace id, with their Trading API site ids.
pub const SITES: [(&str, u32); 19] = [
    ("EBAY_US", 0),
    ("EBAY_CA", 2),
    ("EBAY_GB", 3),
    ("EBAY_AU", 15),
    ("EBAY_AT", 16),
    ("EBAY_BE", 23),
    ("EBAY_FR", 71),
    ("EBAY_DE", 77),
    ("EBAY_IT", 101),
    ("EBAY_NL", 146),
    ("EBAY_ES", 186),
    ("EBAY_CH", 193),
    ("EBAY_HK", 201),
    ("EBAY_IN", 203),
    ("EBAY_IE", 205),
    ("EBAY_MY", 207),
    ("EBAY_PH", 211),
    ("EBAY_PL", 212),
    ("EBAY_SG", 216),
];

/// The Trading API site id of marketplace `id` (`EBAY_GB`, …).
pub fn site_id(id: &str) -> Option<u32> {
    SITES.iter().find(|(m, _)| m.eq_ignore_ascii_case(id.trim())).map(|(_, site)| *site)
}

pub use crate::ebay_oauth::EbayAccess;

/// A buyer's message to the seller, as `GetMemberMessages` returns it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberMessage {
    pub item_id: String,
    pub item_title: String,
    /// `AskSellerQuestion`, `ContactTransactionPartner`, `ContactEbayMember`, …
    pub message_type: String,
    pub question_type: String,
    /// The buyer's eBay user id.
    pub sender_id: String,
    /// eBay's relay address for the buyer, when given.
    pub sender_email: String,
    pub recipient_id: String,
    pub subject: String,
    pub body: String,
    /// What `AddMemberMessageRTQ` answers (`ParentMessageID`).
    pub message_id: String,
    /// `Answered` or `Unanswered`.
    pub status: String,
    /// ISO 8601, UTC.
    pub created_at: String,
}

/// One page of messages.
#[derive(Clone, Debug, Default)]
pub struct MessagesPage {
    pub messages: Vec<MemberMessage>,
    pub has_more: bool,
}

/// The client of one seller's account.
pub struct EbayTrading {
    oauth: EbayOAuth,
    site_id: u32,
}

impl std::fmt::Debug for EbayTrading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EbayTrading").field("base_url", &self.oauth.base_url).finish_non_exhaustive()
    }
}

impl EbayTrading {
    pub fn new(access: &EbayAccess<'_>) -> Result<Self, String> {
        Ok(Self { oauth: EbayOAuth::new(access, DEFAULT_SCOPE)?, site_id: access.site_id })
    }

    /// One Trading API call; the answer's XML once `Ack` says it worked (or warned).
    async fn call(&self, name: &str, inner: &str) -> Result<String, String> {
        let token = self.oauth.token().await?;
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<{name}Request xmlns=\"urn:ebay:apis:eBLBaseComponents\">{inner}</{name}Request>"
        );
        let res = self
            .oauth
            .client
            .post(format!("{}/ws/api.dll", self.oauth.base_url))
            .header("x-ebay-api-call-name", name)
            .header("x-ebay-api-siteid", self.site_id.to_string())
            .header("x-ebay-api-compatibility-level", COMPATIBILITY_LEVEL)
            .header("x-ebay-api-iaf-token", token)
            .header("content-type", "text/xml")
            .timeout(Duration::from_secs(30))
            .body(body)
            .send()
            .await
            .map_err(|e| format!("eBay's Trading API is unreachable: {e}"))?;
        let status = res.status();
        let xml = res.text().await.map_err(|e| format!("eBay's answer could not be read: {e}"))?;
        if !status.is_success() {
            return Err(format!("eBay answered {status} to {name}"));
        }
        let fields = flat(&xml)?;
        match field(&fields, "Ack") {
            "Success" | "Warning" => Ok(xml),
            ack => {
                let code = field(&fields, "ErrorCode");
                let why = [field(&fields, "LongMessage"), field(&fields, "ShortMessage")]
                    .into_iter()
                    .find(|m| !m.is_empty())
                    .unwrap_or("no reason given");
                Err(format!("eBay refused {name} ({ack}, error {code}): {why}"))
            }
        }
    }

    /// Page `page` (from 1) of the messages created in `[from, to]` (ISO 8601, UTC).
    pub async fn member_messages(&self, from: &str, to: &str, page: u32) -> Result<MessagesPage, String> {
        let inner = format!(
            "<MailMessageType>All</MailMessageType><StartCreationTime>{}</StartCreationTime>\
             <EndCreationTime>{}</EndCreationTime><Pagination><EntriesPerPage>{PAGE_SIZE}</EntriesPerPage>\
             <PageNumber>{page}</PageNumber></Pagination>",
            escape(from),
            escape(to)
        );
        let xml = self.call("GetMemberMessages", &inner).await?;
        read_messages(&xml)
    }

    /// Answers question `parent_message_id` about item `item_id` to buyer `recipient` (plain text).
    pub async fn answer_question(
        &self,
        item_id: &str,
        parent_message_id: &str,
        recipient: &str,
        body: &str,
    ) -> Result<(), String> {
        let inner = format!(
            "<ItemID>{}</ItemID><MemberMessage><EmailCopyToSender>true</EmailCopyToSender>\
             <DisplayToPublic>false</DisplayToPublic><RecipientID>{}</RecipientID><Body>{}</Body>\
             <ParentMessageID>{}</ParentMessageID></MemberMessage>",
            escape(item_id),
            escape(recipient),
            escape(body),
            escape(parent_message_id)
        );
        self.call("AddMemberMessageRTQ", &inner).await.map(|_| ())
    }
}

/// Every element's text by its path of local names (`MemberMessage/MemberMessageExchange/…`), in
/// document order; an error when the XML is not well formed.
fn walk(xml: &str) -> Result<Vec<(String, String)>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event().map_err(|e| format!("eBay's answer is not XML: {e}"))? {
            Event::Start(e) => {
                path.push(e.local_name().as_ref().to_string());
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else {
                    text.push_str(resolve_predefined_entity(&r.xml10_content()).unwrap_or_default());
                }
            }
            Event::End(_) => {
                out.push((path.join("/"), std::mem::take(&mut text)));
                path.pop();
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The top-level fields of an answer (the header), by local name.
fn flat(xml: &str) -> Result<Vec<(String, String)>, String> {
    Ok(walk(xml)?
        .into_iter()
        .filter_map(|(path, text)| {
            let mut parts = path.split('/');
            let (_root, name) = (parts.next()?, parts.next()?);
            let rest: Vec<&str> = parts.collect();
            match (name, rest.as_slice()) {
                (n, []) => Some((n.to_string(), text)),
                ("Errors", [n]) => Some((n.to_string(), text)),
                _ => None,
            }
        })
        .collect())
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.trim())
}

/// The exchanges of a `GetMemberMessages` answer.
fn read_messages(xml: &str) -> Result<MessagesPage, String> {
    const EXCHANGE: &str = "GetMemberMessagesResponse/MemberMessage/MemberMessageExchange";
    let mut page = MessagesPage::default();
    let mut current: Option<MemberMessage> = None;
    for (path, text) in walk(xml)? {
        if path == "GetMemberMessagesResponse/HasMoreItems" {
            page.has_more = text.trim() == "true";
        }
        if path == EXCHANGE {
            page.messages.extend(current.take());
            continue;
        }
        let Some(rest) = path.strip_prefix(EXCHANGE).and_then(|r| r.strip_prefix('/')) else { continue };
        let m = current.get_or_insert_with(MemberMessage::default);
        let value = text.trim().to_string();
        match rest {
            "Item/ItemID" => m.item_id = value,
            "Item/Title" => m.item_title = value,
            "Question/MessageType" => m.message_type = value,
            "Question/QuestionType" => m.question_type = value,
            "Question/SenderID" => m.sender_id = value,
            "Question/SenderEmail" => m.sender_email = value,
            "Question/RecipientID" => m.recipient_id = value,
            "Question/Subject" => m.subject = value,
            "Question/Body" => m.body = text.trim().to_string(),
            "Question/MessageID" => m.message_id = value,
            "MessageStatus" => m.status = value,
            "CreationDate" => m.created_at = value,
            _ => {}
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<GetMemberMessagesResponse xmlns="urn:ebay:apis:eBLBaseComponents">
  <Timestamp>2026-11-20T10:15:30.123Z</Timestamp><Ack>Success</Ack><Version>1349</Version>
  <MemberMessage>
    <MemberMessageExchange>
      <Item><ItemID>110551234567</ItemID><Title>Brass desk lamp</Title></Item>
      <Question>
        <MessageType>AskSellerQuestion</MessageType><QuestionType>Shipping</QuestionType>
        <SenderID>buyer_jane</SenderID><SenderEmail>buyer_jane@members.ebay.com</SenderEmail>
        <RecipientID>acme_seller</RecipientID><Subject>Shipping</Subject>
        <Body>Can you ship to Canada &amp; combine postage? &#x263A;</Body><MessageID>1234567890</MessageID>
      </Question>
      <MessageStatus>Unanswered</MessageStatus><CreationDate>2026-11-19T18:02:11.000Z</CreationDate>
    </MemberMessageExchange>
    <MemberMessageExchange>
      <Item><ItemID>110559876543</ItemID></Item>
      <Question><MessageType>ContactTransactionPartner</MessageType><SenderID>bob_b</SenderID>
        <Body><![CDATA[Where is <my> parcel?]]></Body><MessageID>1234567999</MessageID></Question>
      <Response>On its way.</Response><MessageStatus>Answered</MessageStatus>
    </MemberMessageExchange>
  </MemberMessage>
  <HasMoreItems>true</HasMoreItems>
</GetMemberMessagesResponse>"#;

    #[test]
    fn a_page_of_exchanges_reads_field_by_field_with_entities_and_cdata() {
        let page = read_messages(PAGE).unwrap();
        assert!(page.has_more);
        assert_eq!(page.messages.len(), 2);
        let jane = &page.messages[0];
        assert_eq!(
            (jane.item_id.as_str(), jane.item_title.as_str(), jane.sender_id.as_str()),
            ("110551234567", "Brass desk lamp", "buyer_jane")
        );
        assert_eq!(jane.body, "Can you ship to Canada & combine postage? ☺");
        assert_eq!((jane.message_id.as_str(), jane.status.as_str()), ("1234567890", "Unanswered"));
        assert_eq!(jane.created_at, "2026-11-19T18:02:11.000Z");
        let bob = &page.messages[1];
        assert_eq!(
            (bob.message_type.as_str(), bob.body.as_str()),
            ("ContactTransactionPartner", "Where is <my> parcel?")
        );
    }

    #[test]
    fn an_empty_answer_has_no_messages_and_a_failure_names_the_reason() {
        let empty = "<GetMemberMessagesResponse xmlns=\"urn:ebay:apis:eBLBaseComponents\"><Ack>Success</Ack>\
                     <HasMoreItems>false</HasMoreItems></GetMemberMessagesResponse>";
        let page = read_messages(empty).unwrap();
        assert!(page.messages.is_empty() && !page.has_more);
        let failed = "<GetMemberMessagesResponse xmlns=\"urn:ebay:apis:eBLBaseComponents\"><Ack>Failure</Ack>\
                      <Errors><ShortMessage>Auth token is invalid.</ShortMessage><ErrorCode>931</ErrorCode>\
                      </Errors></GetMemberMessagesResponse>";
        let fields = flat(failed).unwrap();
        assert_eq!((field(&fields, "Ack"), field(&fields, "ErrorCode")), ("Failure", "931"));
        assert_eq!(field(&fields, "ShortMessage"), "Auth token is invalid.");
        assert!(walk("<a><b></a>").is_err(), "broken XML is refused");
    }
}
