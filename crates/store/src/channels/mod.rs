//! Sales-channel connections, the deliveries they made, the orders they brought (migration 0038)
//! and the newest change of each taken in (0060).

pub mod connections;
pub mod deliveries;
pub mod imports;
pub mod links;
pub mod versions;
