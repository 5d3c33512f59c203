//! Tradeport's storage: one set of portable SQL for SQLite and PostgreSQL through sqlx's `Any`
//! driver, migrations for both, pools, transactions and a module per context.
//!
//! Invariants: every store function takes the tenant id as its first argument after the
//! connection; writes happen in transactions opened by [`Db::begin`]; unique constraints are
//! reported by name ([`StoreError::Conflict`]) so the app can turn them into field errors.

pub mod access;
pub mod aftersales;
pub mod archives;
pub mod audit_chain;
pub mod billing;
pub mod calendars;
pub mod channels;
pub mod config_versions;
mod db;
pub mod disputes;
mod error;
pub mod events;
pub mod evidence;
pub mod exceptions;
pub mod follow_up;
mod group_commit;
pub mod idempotency;
pub mod inventory;
pub mod jobs;
pub mod kpi_rollups;
pub mod message_templates;
pub mod notification_lags;
pub mod opt_outs;
pub mod orders;
pub mod outbox;
pub mod payments;
pub mod retention;
pub mod schema;
pub mod shipping;
pub mod sla;
mod sql;
pub mod supervision_reports;
pub mod surveys;
pub mod ticket_links;
pub mod tickets;
mod values;
pub mod warehouse;
pub mod webhooks;

pub use db::{Backend, Db, DbOptions, Tx, commit, redacted_url};
pub use error::{StoreError, UNIQUE_CONSTRAINTS};
pub use group_commit::{GroupCommit, GroupCommitStats};
pub use sqlx::AnyConnection;

/// Result of a store function.
pub type StoreResult<T> = Result<T, StoreError>;

/// The value bound to `($n = '' OR merchant_id = $n)`: a merchant's id, or empty for all of the
/// operator's rows.
pub(crate) fn merchant_filter(merchant_id: Option<tradeport_domain::kernel::TenantId>) -> String {
    merchant_id.map(|m| m.to_string()).unwrap_or_default()
}

/// The clause that locks the selected rows until the transaction ends: `FOR UPDATE` on
/// PostgreSQL; nothing on SQLite, whose write transactions already hold the single writer lock.
pub(crate) fn row_lock(conn: &AnyConnection) -> &'static str {
    if is_postgres(conn) { " FOR UPDATE" } else { "" }
}

/// Whether the connection is to PostgreSQL (else SQLite).
pub(crate) fn is_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME
}
