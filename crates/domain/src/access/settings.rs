//! The operator's configuration. Every business number lives here with the requirement's value as
//! its default; stored as JSON so that a missing field takes its default.

use serde::{Deserialize, Serialize};

use crate::kernel::FieldError;
use crate::kernel::FieldErrors;

/// Languages the UI and messages are written in.
pub const LOCALES: [&str; 2] = ["en", "zh-CN"];

/// An operator's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantSettings {
    /// Language of the UI for users who have not chosen one.
    pub default_locale: String,
    /// Hours a web session lasts after sign-in.
    pub session_hours: u32,
    /// Failed sign-ins within `login_window_minutes` after which an account is throttled.
    pub login_max_failures: u32,
    pub login_window_minutes: u32,
}

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            default_locale: "en".into(),
            session_hours: 12,
            login_max_failures: 5,
            login_window_minutes: 15,
        }
    }
}

impl TenantSettings {
    /// Checks every field and says how to fix it.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = FieldErrors::new();
        if !LOCALES.contains(&self.default_locale.as_str()) {
            errors.add(
                "default_locale",
                "unknown_locale",
                format!("default_locale must be one of: {}", LOCALES.join(", ")),
            );
        }
        if !(1..=720).contains(&self.session_hours) {
            errors.add(
                "session_hours",
                "out_of_range",
                "session_hours must be between 1 and 720",
            );
        }
        if !(3..=100).contains(&self.login_max_failures) {
            errors.add(
                "login_max_failures",
                "out_of_range",
                "login_max_failures must be between 3 and 100",
            );
        }
        if !(1..=1440).contains(&self.login_window_minutes) {
            errors.add(
                "login_window_minutes",
                "out_of_range",
                "login_window_minutes must be between 1 and 1440",
            );
        }
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_take_their_defaults() {
        let s: TenantSettings = serde_json::from_str(r#"{"session_hours": 4}"#).unwrap();
        assert_eq!(s.session_hours, 4);
        assert_eq!(s.login_max_failures, 5);
        assert!(s.validate().is_ok());
    }

    #[test]
    fn out_of_range_values_are_named() {
        let s = TenantSettings {
            default_locale: "fr".into(),
            session_hours: 0,
            ..Default::default()
        };
        let codes: Vec<String> = s
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(codes, ["default_locale", "session_hours"]);
    }
}
