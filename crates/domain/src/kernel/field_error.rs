//! Field-level validation errors: what is wrong with which input field and how to fix it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One problem with one input field. `code` is stable (clients may match on it); `message` is
/// for people and says how to fix the problem, in English. `params` are the values the message
/// names (a postcode, an amount), so a screen can say the same in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into(), params: BTreeMap::new() }
    }

    /// The same error, naming `value` as `name` for other languages' messages.
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.params.insert(name.to_string(), value.to_string());
        self
    }
}

/// A collection of field errors gathered while validating one input, so that a caller learns
/// about every problem at once instead of one per attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Records an error for `field`.
    pub fn add(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.push(FieldError::new(field, code, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(())` when nothing was recorded, else the errors.
    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }
}
