//! Value types shared by every context: ids, e-mail addresses, field errors, instants.

mod address;
mod email;
mod field_error;
mod ids;
mod money;
mod phone;
mod region;
mod spreadsheet;
mod time;
mod upload;

pub use address::{Address, address_problems, country_rule, is_known_country};
pub use email::Email;
pub use field_error::{FieldError, FieldErrors};
#[cfg(test)]
pub(crate) use ids::named;
pub use ids::{
    ApiKeyId, AsnId, BinId, EntityId, HandoverId, OrderId, PackageId, PickLineId, SkuId, TenantId, UserId,
    WarehouseId, WaveId,
};
pub use money::{Currency, MAX_AMOUNT_MINOR, Money, MoneyError, check_minor};
pub use phone::{normalise_phone, phone_example};
pub use region::{StateMatch, Subregion, find_state};
pub use spreadsheet::spreadsheet_safe;
pub use time::{Millis, is_known_timezone};
pub use upload::{EvidenceKind, MAX_EVIDENCE_BYTES, check_evidence};
