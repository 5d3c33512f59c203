//! Tradeport's use cases: one file per use case, each owning its transaction and its
//! permission check. The web layer and the command line call these and nothing below them.

pub mod access;
pub mod aftersales;
mod app;
pub mod archive;
pub mod audit;
pub mod billing;
pub mod channels;
pub mod code_lists;
pub mod demo;
mod error;
mod evidence;
pub mod exceptions;
pub mod i18n;
pub mod idempotency;
pub mod inventory;
pub mod jobs;
pub mod notifications;
pub mod orders;
mod page;
pub mod payments;
mod ports;
pub mod reporting;
pub mod retention;
pub mod shipping;
pub mod sla;
pub mod tickets;
mod unit_of_work;
pub mod warehouse;
mod words;

pub use app::{AMAZON_TOKEN_URL, App, DEFAULT_PUBLIC_URL, GRAPH_API_URL, STRIPE_API_URL};
pub use error::{AppError, AppResult, parse_id};
pub use page::{Page, PageRequest};
pub use ports::{Clock, SystemClock};
pub use tradeport_store::{Backend, Db, DbOptions};
pub use unit_of_work::{KeyLease, RequestScope, UnitOfWork, request_committed};
