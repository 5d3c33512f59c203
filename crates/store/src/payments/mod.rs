//! Payment accounts, the payments at them and their providers' events (migration 0040).

pub mod accounts;
pub mod events;
pub mod rows;
pub mod settlements;
