//! Warehouse operations (WMS-1 … WMS-8, INV-1): inbound notices, counting and discrepancies,
//! bins and put-away, waves and scan-checked picking, trait-based packing, packages to hand-over.
//!
//! Invariants the store keeps with these rules: every unit on hand in a warehouse is in exactly
//! one place: a bin, the dock (received or returned, not yet put away), or picked for an order
//! (between the bin and the carrier). `on_hand = located + picked + on the dock`, and the ledger
//! sums give each of them.

mod asn;
mod barcode;
mod bins;
mod counts;
mod inserts;
mod lots;
mod package;
mod packing;
mod picking;
mod receiving;

pub use asn::{
    AsnAction, AsnCartonInput, AsnCartons, AsnInput, AsnStatus, MAX_CARTON_GROUPS, NewAsn, OverCapacity,
    Space, TransportMode, asn_transition, capacity_allows, parse_arrival, validate_asn,
};
pub use barcode::{Scan, ScanError, gtin_check_digit, read_scan};
pub use bins::{
    BinInput, BinSpace, NewBin, PutAwayRule, bin_accepts, is_restricted, suggest_put_away, validate_bin,
};
pub use counts::{CountAction, CountStatus, count_transition};
pub use inserts::{InsertInput, InsertKind, NewInsert, validate_insert};
pub use lots::{Gs1Item, LotError, MAX_LOT_LEN, normalise_lot, parse_expiry, read_gs1};
pub use package::{PackageAction, PackageStatus, package_transition};
pub use packing::{
    BoxType, PackItem, PackageMark, PlannedPackage, plan_packages, selected_for_spot_check,
    weight_within_tolerance,
};
pub use picking::{
    BinStock, LeftOut, PickLineStatus, PickScanError, PickTarget, PlannedPick, WaveFilter, WaveOrder,
    WavePlan, check_pick, plan_wave,
};
pub use receiving::{CountedLine, Discrepancy, discrepancy_lines};
