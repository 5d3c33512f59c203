//! An operator's own wording of a buyer message: a subject, an e-mail body (paragraphs split by
//! blank lines) and a text message, each in Fluent syntax (`{ $order_no }`). Here: the limits
//! every part must keep; whether the Fluent parses and names only known values is checked where
//! the catalogue lives.

use crate::kernel::{FieldError, FieldErrors};

/// Longest subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// Longest e-mail body, in characters.
pub const MAX_BODY_CHARS: usize = 10_000;
/// Longest text message, in characters: two segments of Latin text, four or five of Chinese
/// or Japanese.
pub const MAX_SMS_CHARS: usize = 320;

/// What an operator writes for one message in one language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TemplateInput {
    pub subject: String,
    pub body: String,
    pub sms: String,
}

/// Trims the parts and checks each is there, within its limit and (subject and text message)
/// on one line; every problem names the part and the fix.
pub fn validate_template_shape(input: &TemplateInput) -> Result<TemplateInput, Vec<FieldError>> {
    let mut errors = FieldErrors::new();
    let body = input.body.replace("\r\n", "\n");
    let trimmed = TemplateInput {
        subject: input.subject.trim().to_string(),
        body: body.trim_matches('\n').trim_end().to_string(),
        sms: input.sms.trim().to_string(),
    };
    for (field, value, limit) in [
        ("subject", &trimmed.subject, MAX_SUBJECT_CHARS),
        ("body", &trimmed.body, MAX_BODY_CHARS),
        ("sms", &trimmed.sms, MAX_SMS_CHARS),
    ] {
        let chars = value.chars().count();
        if chars == 0 {
            errors.add(
                field,
                "required",
                format!("{field} is empty; write it, or reset the message to the default"),
            );
        } else if chars > limit {
            errors.add(field, "too_long", format!("{field} has {chars} characters; keep it to {limit}"));
        }
    }
    for (field, value) in [("subject", &trimmed.subject), ("sms", &trimmed.sms)] {
        if value.contains('\n') {
            errors.add(field, "one_line", format!("{field} must be one line; remove the line breaks"));
        }
    }
    errors.into_result().map(|()| trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(subject: &str, body: &str, sms: &str) -> TemplateInput {
        TemplateInput { subject: subject.into(), body: body.into(), sms: sms.into() }
    }

    #[test]
    fn parts_are_trimmed_and_kept_within_their_limits() {
        let ok = validate_template_shape(&input(" Hi { $order_no } ", "\r\nOne.\r\n\r\nTwo.\r\n\n", " Sms "))
            .unwrap();
        assert_eq!(ok, input("Hi { $order_no }", "One.\n\nTwo.", "Sms"));
        let codes = |i: TemplateInput| -> Vec<(String, String)> {
            validate_template_shape(&i).unwrap_err().into_iter().map(|e| (e.field, e.code)).collect()
        };
        let pair = |f: &str, c: &str| (f.to_string(), c.to_string());
        assert_eq!(codes(input("", " ", "x")), [pair("subject", "required"), pair("body", "required")]);
        assert_eq!(codes(input("a\nb", "x", "y\nz")), [pair("subject", "one_line"), pair("sms", "one_line")]);
        let long = "字".repeat(MAX_SMS_CHARS + 1);
        assert_eq!(codes(input("x", "x", &long)), [pair("sms", "too_long")]);
        assert!(
            validate_template_shape(&input("x", "x", &"字".repeat(MAX_SMS_CHARS))).is_ok(),
            "characters, not bytes"
        );
        assert_eq!(codes(input(&"s".repeat(201), "x", "x")), [pair("subject", "too_long")]);
    }
}
