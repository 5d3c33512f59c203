//! SMS through a provider (SLA-3): Twilio's Messages API as Twilio documents it. A message is a
//! form-encoded `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with `To`, `From` and
//! `Body`, authenticated with HTTP Basic (account SID, auth token); Twilio answers 201 with the
//! message's `sid`, or an error object with `code` and `message`. The base URL is configurable so
//! tests (and a regional Twilio edge) can stand in.

/// A configured Twilio account.
#[derive(Clone)]
pub struct TwilioSms {
    client: reqwest::Client,
    base_url: String,
    account_sid: String,
    auth_token: String,
    from: String,
}

impl std::fmt::Debug for TwilioSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwilioSms")
            .field("base_url", &self.base_url)
            .field("account_sid", &self.account_sid)
            .finish()
    }
}

/// Checks an account before anything is sent: the SID, a token, a sender in E.164.
pub fn check_account(account_sid: &str, auth_token: &str, from: &str) -> Result<(), String> {
    if !(account_sid.starts_with("AC") && account_sid.len() == 34) {
        return Err(
            "the Twilio account SID is 34 characters starting with AC (Twilio console, Account Info)".into(),
        );
    }
    if auth_token.trim().is_empty() {
        return Err("the Twilio auth token is missing".into());
    }
    if !(from.starts_with('+') && from.len() > 7 && from[1..].chars().all(|c| c.is_ascii_digit())) {
        return Err(format!("the sender '{from}' must be a Twilio number in E.164 form, e.g. +15017122661"));
    }
    Ok(())
}

impl TwilioSms {
    /// `base_url` is `https://api.twilio.com` in production; `from` a Twilio number in E.164.
    pub fn new(base_url: &str, account_sid: &str, auth_token: &str, from: &str) -> Result<Self, String> {
        check_account(account_sid, auth_token, from)?;
        let client = crate::provider_client(10)?;
        Ok(Self {
            client,
            base_url: base_url.trim_end_matches('/').to_string(),
            account_sid: account_sid.into(),
            auth_token: auth_token.into(),
            from: from.into(),
        })
    }

    /// Sends `body` to `to` (E.164); returns Twilio's message SID, or why it was refused. Twilio's
    /// API takes no idempotency key: a retry after an answer was lost may send the text twice.
    pub async fn send(&self, to: &str, body: &str) -> Result<String, String> {
        let url = format!("{}/2010-04-01/Accounts/{}/Messages.json", self.base_url, self.account_sid);
        let res = self
            .client
            .post(url)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&[("To", to), ("From", self.from.as_str()), ("Body", body)])
            .send()
            .await
            .map_err(|e| format!("Twilio could not be reached: {e}"))?;
        let status = res.status();
        let answer: serde_json::Value = res.json().await.unwrap_or_default();
        if status.is_success() {
            return answer["sid"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| "Twilio answered without a message sid".into());
        }
        Err(format!(
            "Twilio refused the message ({status}, code {}): {}",
            answer["code"].as_i64().unwrap_or_default(),
            answer["message"].as_str().unwrap_or("no reason given")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check_account;

    #[test]
    fn an_account_is_checked_before_anything_is_sent() {
        let sid = "AC00000000000000000000000000000001";
        assert!(check_account(sid, "token", "+15017122661").is_ok());
        assert!(check_account("AC1", "token", "+15017122661").unwrap_err().contains("34"));
        assert!(check_account(sid, " ", "+15017122661").unwrap_err().contains("token"));
        assert!(check_account(sid, "token", "5017122661").unwrap_err().contains("E.164"));
    }
}
