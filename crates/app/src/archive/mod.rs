//! Orders' archived files (DONE-2): a week after its completion each order's documents and records
//! are filed as one package in the blob store, with a manifest naming each file's checksum, and
//! the order is read-only from then on (a change is refused with 409 `order.archived`). The order
//! stays searchable and viewable; its package is downloadable and checked against its manifest.

mod file;
mod sweep;
mod view;

pub use sweep::{ArchiveRun, archive_due, archive_order};
pub use view::{ArchiveView, PackageFile, order_archive, order_package};

use tradeport_domain::kernel::{OrderId, TenantId};
use tradeport_store::AnyConnection;

use crate::{AppError, AppResult};

/// Refuses a change of an archived order (its file is read-only).
pub(crate) async fn refuse_if_archived(
    conn: &mut AnyConnection,
    operator: TenantId,
    id: OrderId,
) -> AppResult<()> {
    match tradeport_store::archives::archived_at(conn, operator, id).await? {
        None => Ok(()),
        Some(at) => Err(AppError::Conflict {
            code: "order.archived",
            message: format!(
                "the order's file was archived on {}: it is read-only; open a new order or a ticket instead",
                crate::warehouse::rfc3339(tradeport_domain::kernel::Millis(at))
            ),
            fields: Vec::new(),
        }),
    }
}
