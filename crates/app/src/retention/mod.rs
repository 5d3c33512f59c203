//! Retention and personal data (DONE-3): legal holds, deletion proposals reviewed by an admin, the
//! erasure of an order's personal data, and buyers' requests to see or erase what is held about
//! them. Every step is an event; an erased string keeps its digest, so the audit chain still proves it.

mod buyer;
mod erase;
mod holds;
mod proposals;

pub use buyer::{
    BuyerRequest, ErasureReport, KeptOrder, PersonalDataFile, erase_personal_data, export_personal_data,
};
pub use erase::OrderErasure;
pub use holds::{LegalHoldView, legal_holds, place_legal_hold, release_legal_hold};
pub(crate) use proposals::propose_nightly;
pub use proposals::{
    ProposalItem, ProposalView, WHAT_GOES, decide_deletion, deletion_proposal, deletion_proposals,
    propose_deletion,
};
pub use tradeport_domain::retention::{Decision, ProposalStatus};
