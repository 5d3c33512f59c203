//! Shipping (SHP-1 … SHP-7): the carrier services an operator offers, and choosing one for a
//! parcel with the price and the reason for every service left out.

mod clearance;
mod customs;
mod quote;
mod service;
mod tracking;
mod tracking_number;
mod transit;

pub use clearance::{ClearanceStep, clearance_from_tracking, clearance_refusal};
pub use customs::{
    CustomsForm, CustomsLine, Declaration, ExportReason, Incoterm, convert, crosses_customs, form_for,
    validate_declaration,
};
pub use quote::{Ask, Exclusion, Parcel, Quote, Selection, Strategy, quote, select};
pub use service::{
    Bracket, CarrierService, Numbering, ServiceInput, ServiceKind, Zone, needs_permission, validate_service,
};
pub use tracking::{TrackingStatus, from_17track, from_aftership, from_easypost, moves_to};
pub use tracking_number::{TrackingNumberError, make_s10, read_tracking_number, s10_check_digit};
pub use transit::promised_by;
