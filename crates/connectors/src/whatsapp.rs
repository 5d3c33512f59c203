//! WhatsApp Business (Cloud API) as Meta documents it, for customer-service chat (CS-1). A reply
//! is `POST {graph}/{version}/{phone-number-id}/messages` with a bearer access token and
//! `{"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id, "type": "text",
//! "text": {"body": …}}`; Meta answers with the message's `wamid` in `messages[0].id`, or an
//! `error` object with `code`, `message` and `error_data.details`. The Graph address is
//! configurable so tests (and Meta's regional hosts) can stand in.

/// The Graph API version the product speaks.
pub const GRAPH_VERSION: &str = "v21.0";

/// Meta's Graph API.
#[derive(Clone, Debug)]
pub struct WhatsApp {
    client: reqwest::Client,
    graph_url: String,
}

impl WhatsApp {
    /// `graph_url` is `https://graph.facebook.com` in production.
    pub fn new(graph_url: &str) -> Result<Self, String> {
        Ok(Self {
            client: crate::provider_client(10)?,
            graph_url: graph_url.trim_end_matches('/').to_string(),
        })
    }

    /// Sends `body` as a text message from the business number `phone_number_id` to the buyer
    /// `wa_id`; returns Meta's message id, or why it was refused.
    pub async fn send_text(
        &self,
        phone_number_id: &str,
        access_token: &str,
        wa_id: &str,
        body: &str,
    ) -> Result<String, String> {
        if phone_number_id.is_empty() || !phone_number_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "the phone number id '{phone_number_id}' is not one (digits, from WhatsApp Manager)"
            ));
        }
        let url = format!("{}/{GRAPH_VERSION}/{phone_number_id}/messages", self.graph_url);
        let message = serde_json::json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": wa_id,
            "type": "text",
            "text": { "preview_url": false, "body": body },
        });
        let res = self
            .client
            .post(url)
            .bearer_auth(access_token)
            .json(&message)
            .send()
            .await
            .map_err(|e| format!("WhatsApp (Meta's Graph API) could not be reached: {e}"))?;
        let status = res.status();
        let answer: serde_json::Value = res.json().await.unwrap_or_default();
        if status.is_success() {
            return answer["messages"][0]["id"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| "WhatsApp answered without a message id".into());
        }
        let error = &answer["error"];
        Err(format!(
            "WhatsApp refused the message ({status}, code {}): {}{}",
            error["code"].as_i64().unwrap_or_default(),
            error["message"].as_str().unwrap_or("no reason given"),
            error["error_data"]["details"].as_str().map(|d| format!(" ({d})")).unwrap_or_default()
        ))
    }
}
