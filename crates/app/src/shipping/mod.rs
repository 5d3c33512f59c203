//! Shipping (SHP-1 …): the carrier-service catalogue and quotes that explain themselves. One use
//! case per file.

mod buyer_page;
mod carrier_labels;
mod chosen_service;
mod clearance;
mod customs;
mod handover;
mod import;
mod labels;
mod manifest;
mod performance;
mod quote;
mod services;
mod shipments;
mod tracking;
mod tracking_hooks;

pub(crate) use buyer_page::link_in_tx;
pub use buyer_page::{
    PublicEvent, PublicParcel, PublicTracking, find_tracking, public_tracking, tracking_link, tracking_target,
};
pub(crate) use carrier_labels::label_request;
pub use clearance::{ClearanceInput, ClearanceView, clearance_of, record_clearance};
pub use customs::{CustomsRequest, CustomsView, customs_of, customs_pdf, declare_customs, invoice_pdf};
pub(crate) use handover::{check_labels_in_tx, read_scans, shipped_in_tx};
pub use import::{COLUMNS, cells_of, import_services_csv, input_from_cells};
pub use labels::{label_pdf, label_zpl};
pub(crate) use manifest::shipments_of_packages;
pub use manifest::{ManifestEntry, manifest_csv, manifest_history};
pub use performance::{LanePerformance, PerformanceQuery, carrier_performance};
pub use quote::{ExcludedView, OptionView, QuoteRequest, QuoteView, quote_parcel};
pub use services::{ServiceView, list_services, save_service};
pub(crate) use shipments::package_parcel;
pub use shipments::{
    ShipmentQuery, ShipmentRequest, ShipmentView, create_shipment, list_shipments, shipments_of_order,
};
pub use tracking::{Ingested, import_tracking_csv};
pub use tracking_hooks::{TrackingProvider, TrackingSecret, receive_tracking_hook, set_tracking_secret};
