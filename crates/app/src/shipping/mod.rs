//! Shipping (SHP-1 …): the carrier-service catalogue and quotes that explain themselves. One use
//! case per file.

mod import;
mod quote;
mod services;

pub use import::{import_services_csv, input_from_cells};
pub use quote::{ExcludedView, OptionView, QuoteRequest, QuoteView, quote_parcel};
pub use services::{ServiceView, list_services, save_service};
