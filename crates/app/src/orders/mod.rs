//! Order use cases: intake with validation and automatic approval, review and confirmation,
//! changes to what the buyer asked for, lists, exports and the confirmation document.

mod changes;
mod confirmation;
mod create_order;
mod export;
mod hot_rows;
pub(crate) use hot_rows::HotRowsLast;
mod presale;
pub(crate) use presale::reservation_settings;
mod queries;
mod release_hold;
mod review;
mod risk_outcomes;
mod screening;
mod view;

pub use changes::{AddressChange, ServiceChange, change_service_level, change_shipping_address};
pub(crate) use changes::{line_goods, net_shipping_fee};
pub(crate) use confirmation::confirmation_of;
pub use confirmation::{ConfirmationDocument, confirmation_document};
pub(crate) use create_order::order_row;
pub use create_order::{Intake, check_order, create_order};
pub use export::{ExportFile, ExportFormat, export_orders};
pub use queries::{OrderQuery, get_order, list_orders};
pub(crate) use review::buyer_message;
pub use review::{BulkResult, ReviewAction, bulk_approve, review_order};
pub(crate) use review::{Step, apply_in_tx, approve_automatically_in_tx, decide_in_tx, record_in_tx};
use review::{move_clocks_promised_in_tx, write_in_tx};
pub use risk_outcomes::{RuleOutcome, risk_outcomes};
pub(crate) use screening::address_key;
pub(crate) use view::parse_holds;
pub use view::{AllocationView, EventView, LineView, OrderSummary, OrderView, PromisedView, RiskView};

use crate::{AppError, AppResult};

/// JSON text of a value the orders store as text (holds, addresses, discounts).
pub(crate) fn to_json(v: &impl serde::Serialize) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}
