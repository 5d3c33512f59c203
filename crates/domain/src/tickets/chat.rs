//! Buyers' chat messages as WhatsApp's webhook delivers them (CS-1): every `messages` change of
//! every entry, read into what a ticket keeps. Delivery receipts (`statuses`) carry no message and
//! give none. A message that is not text (an image, a location) is kept by its caption or as what
//! it is, so the agent knows the buyer sent something.

use serde_json::Value;

/// A buyer's chat message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatMessage {
    /// The business number it was sent to (`metadata.phone_number_id`).
    pub phone_number_id: String,
    /// WhatsApp's message id (`wamid.…`): the same message delivered twice is kept once.
    pub id: String,
    /// The buyer's WhatsApp id (their number, digits only).
    pub from: String,
    /// The buyer's profile name, when given.
    pub name: String,
    pub text: String,
    /// When the buyer sent it (epoch ms).
    pub sent_at: i64,
}

/// The text of a message of `kind`: its own words where it has them.
fn text_of(m: &Value, kind: &str) -> String {
    let words = match kind {
        "text" => m["text"]["body"].as_str(),
        "button" => m["button"]["text"].as_str(),
        "interactive" => m["interactive"]["button_reply"]["title"]
            .as_str()
            .or_else(|| m["interactive"]["list_reply"]["title"].as_str()),
        _ => m[kind]["caption"].as_str(),
    };
    match words.map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => w.to_string(),
        None => format!("[{kind}]"),
    }
}

/// The buyers' messages of a delivery; the error names what is missing.
pub fn whatsapp_messages(body: &Value) -> Result<Vec<ChatMessage>, String> {
    if body["object"] != "whatsapp_business_account" {
        return Err("object is not whatsapp_business_account".into());
    }
    let entries = body["entry"].as_array().ok_or("the delivery has no entry list")?;
    let mut out = Vec::new();
    for change in entries.iter().filter_map(|e| e["changes"].as_array()).flatten() {
        let value = &change["value"];
        let Some(messages) = value["messages"].as_array() else { continue };
        let phone_number_id = value["metadata"]["phone_number_id"]
            .as_str()
            .ok_or("a change has no metadata.phone_number_id")?;
        let contacts = value["contacts"].as_array().cloned().unwrap_or_default();
        for m in messages {
            let (Some(id), Some(from)) = (m["id"].as_str(), m["from"].as_str()) else {
                return Err("a message has no id or from".into());
            };
            let name = contacts
                .iter()
                .find(|c| c["wa_id"].as_str() == Some(from))
                .and_then(|c| c["profile"]["name"].as_str())
                .unwrap_or_default();
            let seconds = m["timestamp"].as_str().and_then(|t| t.parse::<i64>().ok()).unwrap_or_default();
            out.push(ChatMessage {
                phone_number_id: phone_number_id.to_string(),
                id: id.to_string(),
                from: from.chars().filter(char::is_ascii_digit).collect(),
                name: name.trim().to_string(),
                text: text_of(m, m["type"].as_str().unwrap_or("unknown")),
                sent_at: seconds.saturating_mul(1000),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Value {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/chat/whatsapp/text_and_status.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn messages_are_read_with_their_sender_and_receipts_give_none() {
        let got = whatsapp_messages(&fixture()).unwrap();
        assert_eq!(got.len(), 2, "two messages; the delivery receipt is no message");
        assert_eq!(got[0].phone_number_id, "106540352242922");
        assert_eq!(got[0].id, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
        assert_eq!((got[0].from.as_str(), got[0].name.as_str()), ("16505551234", "Sheena Nelson"));
        assert!(got[0].text.starts_with("Where is my order #1001?"));
        assert_eq!(got[0].sent_at, 1_749_416_383_000);
        assert_eq!(got[1].text, "The label on the box", "an image is kept by its caption");
        let location = serde_json::json!({"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {
            "metadata": {"phone_number_id": "1"},
            "messages": [{"id": "wamid.x", "from": "+44 7700", "type": "location", "location": {}}]}}]}]});
        let got = whatsapp_messages(&location).unwrap();
        assert_eq!(
            (got[0].text.as_str(), got[0].from.as_str(), got[0].name.as_str()),
            ("[location]", "447700", "")
        );
    }

    #[test]
    fn what_is_not_a_whatsapp_delivery_is_refused_with_the_reason() {
        assert!(whatsapp_messages(&serde_json::json!({"object": "page"})).unwrap_err().contains("object"));
        let no_id = serde_json::json!({"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {
            "metadata": {"phone_number_id": "1"}, "messages": [{"from": "1"}]}}]}]});
        assert!(whatsapp_messages(&no_id).unwrap_err().contains("no id"));
    }
}
