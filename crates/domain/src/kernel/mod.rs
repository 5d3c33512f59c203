//! Value types shared by every context: ids, e-mail addresses, field errors, instants.

mod email;
mod field_error;
mod ids;
mod time;

pub use email::Email;
pub use field_error::{FieldError, FieldErrors};
pub use ids::{ApiKeyId, EntityId, TenantId, UserId};
pub use time::{Millis, is_known_timezone};
