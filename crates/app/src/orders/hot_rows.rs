//! Intake's hot rows, touched last (#15 item 2). Every intake updates the same few rows: the
//! balance of a popular SKU and the operator's order-number counter of the day. On PostgreSQL a
//! row lock is held from the statement that takes it until the commit, so when intake took them
//! in the middle of its unit, every other intake of that SKU waited for the rest of the unit too.
//!
//! Intake therefore plans its reservation on balances read without a lock, writes its allocation
//! and ledger rows, starts its clocks, and only then reserves (conditional updates that check the
//! stock again), numbers the order and writes what carries the number (the order's state, its
//! events, the buyer's message). The locks are taken in the order every other path takes them
//! (stock rows in (SKU, warehouse) order, then the counter) and held for those few statements and
//! the commit. A reservation that finds the stock gone since it was read ends the unit: intake
//! does it again on fresh figures. On SQLite the unit runs under the single writer, so the read
//! is current and the check never fails; the same code runs on both.

use std::sync::Mutex;

use tradeport_domain::kernel::{Millis, SkuId, TenantId, WarehouseId};
use tradeport_store::AnyConnection;
use tradeport_store::events::NewEvent;
use tradeport_store::inventory::stock;
use tradeport_store::inventory::warehouses::WarehouseRow;
use tradeport_store::orders::allocations::AllocationRow;
use tradeport_store::orders::{OrderRow, counters};
use tradeport_store::outbox::NewMessage;
use uuid::Uuid;

use super::AllocationView;
use crate::{AppError, AppResult};

/// What a unit decided to do to the hot rows, done by [`HotRowsLast::take_in_tx`] at its end.
#[derive(Debug, Default)]
pub(crate) struct HotRowsLast {
    /// Units to reserve per SKU and warehouse.
    reservations: Mutex<Vec<(SkuId, WarehouseId, i64)>>,
    /// The day whose next number the order gets, and the event and message that carry it.
    number: Mutex<Option<Numbering>>,
    /// The allocation written, for the answer intake builds from what it wrote.
    allocations: Mutex<Vec<AllocationView>>,
    /// The operator's warehouses, as intake read them with its configuration before the unit.
    pub(crate) warehouses: Vec<WarehouseRow>,
}

#[derive(Debug)]
struct Numbering {
    day: String,
    event: Uuid,
    message: Option<Uuid>,
}

impl HotRowsLast {
    /// Nothing to do yet, for an operator with these warehouses.
    pub(crate) fn new(warehouses: Vec<WarehouseRow>) -> Self {
        Self { warehouses, ..Self::default() }
    }

    /// Reserves `qty` of `sku` at `warehouse` at the end.
    pub(crate) fn reserve_later(&self, sku: SkuId, warehouse: WarehouseId, qty: i64) {
        self.reservations.lock().unwrap_or_else(|e| e.into_inner()).push((sku, warehouse, qty));
    }

    /// Numbers the order with the next serial of `day` at the end, and writes the number into the
    /// event `event` and the message `message` (which carry `"order_no": null` until then).
    pub(crate) fn number_later(&self, day: String, event: Uuid, message: Option<Uuid>) {
        *self.number.lock().unwrap_or_else(|e| e.into_inner()) = Some(Numbering { day, event, message });
    }

    /// Notes the allocation rows written (in the order written).
    pub(crate) fn allocated(&self, rows: &[AllocationRow]) {
        let mut allocations = self.allocations.lock().unwrap_or_else(|e| e.into_inner());
        allocations.extend(rows.iter().map(|a| AllocationView {
            line_no: a.line_no,
            warehouse_id: a.warehouse_id.map(|w| w.to_string()),
            quantity: a.quantity,
        }));
    }

    /// The allocation written, as the order's page lists it (by line, then as written).
    pub(crate) fn allocations(&self) -> Vec<AllocationView> {
        let mut allocations = self.allocations.lock().unwrap_or_else(|e| e.into_inner()).clone();
        allocations.sort_by_key(|a| a.line_no);
        allocations
    }

    /// Reserves and numbers: false, with nothing reserved, when the stock of some line is no
    /// longer there (the caller rolls the unit back and does it again).
    pub(crate) async fn take_in_tx(
        &self,
        conn: &mut AnyConnection,
        operator: TenantId,
        now: Millis,
        order: &mut OrderRow,
        events: &mut [NewEvent<'_>],
        messages: &mut [NewMessage<'_>],
    ) -> AppResult<bool> {
        let mut reservations =
            std::mem::take(&mut *self.reservations.lock().unwrap_or_else(|e| e.into_inner()));
        // The one global order of stock locks (see `stock::lock_balances_in_tx`).
        reservations.sort_by_key(|(sku, warehouse, _)| (*sku, *warehouse));
        for (sku, warehouse, qty) in reservations {
            if !stock::reserve_in_tx(conn, operator, sku, warehouse, qty, now).await? {
                return Ok(false);
            }
        }
        let numbering = self.number.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(Numbering { day, event, message }) = numbering {
            let serial = counters::next_serial_in_tx(conn, operator, &day).await?;
            let number = super::review::order_number(&day, serial)?;
            for e in events.iter_mut().filter(|e| e.id == event) {
                e.data = with_order_no(&e.data, &number)?;
            }
            for m in messages.iter_mut().filter(|m| Some(m.id) == message) {
                m.payload = with_order_no(&m.payload, &number)?;
            }
            order.order_no = Some(number);
        }
        Ok(true)
    }
}

/// `json` (an object) with its `order_no` set to `number`.
fn with_order_no(json: &str, number: &str) -> AppResult<String> {
    let mut value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| AppError::Internal(format!("an event's data: {e}")))?;
    value["order_no"] = serde_json::Value::String(number.to_string());
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::with_order_no;

    #[test]
    fn the_number_replaces_the_placeholder_and_nothing_else() {
        let data = r#"{"from":"approved","to":"confirmed","allocation":"reserved","order_no":null}"#;
        let v: serde_json::Value =
            serde_json::from_str(&with_order_no(data, "20261127-00042").unwrap()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"from":"approved","to":"confirmed","allocation":"reserved","order_no":"20261127-00042"})
        );
        assert!(with_order_no("not json", "1").is_err());
    }
}
