//! Storage errors. A unique violation is reported with the constraint's name on both databases:
//! PostgreSQL names it; SQLite names the columns, which are mapped back to the name here.

use thiserror::Error;

/// Unique constraints by name, with the `table.column` text SQLite reports for each.
const UNIQUE_CONSTRAINTS: &[(&str, &str)] = &[
    ("tenants_code_key", "tenants.code"),
    ("users_email_key", "users.email"),
    ("api_keys_key_hash_key", "api_keys.key_hash"),
    ("idempotency_keys_pkey", "idempotency_keys.principal, idempotency_keys.idem_key"),
];

/// What can go wrong in storage.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A unique constraint refused the write.
    #[error("unique constraint {constraint} violated")]
    Conflict { constraint: &'static str },
    /// A stored value could not be read back (a bug or a hand-edited row).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.is_unique_violation()
        {
            let named = db.constraint().map(str::to_owned);
            let message = db.message().to_owned();
            let found = UNIQUE_CONSTRAINTS
                .iter()
                .find(|(name, columns)| named.as_deref() == Some(*name) || message.ends_with(columns));
            if let Some((name, _)) = found {
                return Self::Conflict { constraint: name };
            }
        }
        Self::Database(err)
    }
}

impl StoreError {
    /// Whether this is the named unique constraint.
    pub fn is_conflict_on(&self, constraint: &str) -> bool {
        matches!(self, Self::Conflict { constraint: c } if *c == constraint)
    }
}
