//! Sales-channel connections, the deliveries they made and the orders they brought (migration
//! 0038).

pub mod connections;
pub mod deliveries;
pub mod imports;
pub mod links;
