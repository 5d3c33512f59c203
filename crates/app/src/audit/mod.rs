//! The audit trail (SYS-1): every committed event is sealed into its operator's hash chain by a
//! background sealer (outside the writers' transactions, so no use case waits on it), the chain is
//! verified link by link, and an order's trail is exported with each event's link as its proof.

mod seal;
mod trail;
mod verify;

pub use seal::{SealRun, id_floor, seal_all, seal_operator};
pub use trail::{OrderAudit, TrailEvent, order_audit};
pub use verify::{ChainReport, verify_all, verify_chain, verify_operator};
