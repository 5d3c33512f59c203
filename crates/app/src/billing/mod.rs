//! Merchant agreements and monthly billing (#14; source document 001): agreements with validity
//! dates, promised time limits and a fee schedule; the daily stock snapshot storage is charged
//! from; monthly statements filed once per merchant and month, traced to their facts and corrected
//! only by credit lines; and quotes for prospective merchants.

mod agreements;
mod documents;
mod snapshot;
mod statement;

pub use agreements::{AgreementView, NewAgreement, create_agreement, list_agreements};
pub(crate) use agreements::{promised_policy, promised_policy_among};
pub use documents::{QuoteRequest, QuoteView, quote_for, statement_csv, statement_pdf};
pub(crate) use snapshot::take_yesterday;
pub(crate) use statement::file_last_month;
pub use statement::{NewCredit, StatementView, add_credit, file_statement, statement};
