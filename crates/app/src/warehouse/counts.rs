//! Cycle counts (INV-6): the warehouse counts bins blind (the books' figures are not shown to
//! the counter), submits, and a supervisor approves the variances with a reason; only then do
//! the bins and on hand change, as `count` movements. A variance that would leave less on hand
//! than is reserved is refused: release or cancel those orders first.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::MovementKind;
use tradeport_domain::kernel::{SkuId, TenantId};
use tradeport_domain::warehouse::{CountAction, CountStatus, count_transition};
use tradeport_store::AnyConnection;
use tradeport_store::inventory::stock::{self, Movement};
use tradeport_store::warehouse::bins::{self, Slot};
use tradeport_store::warehouse::counters;
use tradeport_store::warehouse::counts::{self, CountRow};
use tradeport_store::warehouse::waves::PickLineRow;

use super::lots::lot_on_goods;
use super::{conflict, invalid, movement, rfc3339, sku_by_scan, warehouse_for};
use crate::{App, AppError, AppResult, parse_id};

/// Which bins to count.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CreateCount {
    pub warehouse_id: String,
    /// Bin codes to count; or
    pub bins: Vec<String>,
    /// every bin holding this SKU.
    pub sku_id: Option<String>,
}

/// One line of a count. `expected` and `variance` are shown to those who approve counts, and to
/// everyone once the count is approved; the counter counts blind.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CountLineView {
    pub bin_code: String,
    pub sku_id: String,
    pub sku: String,
    /// Empty for stock without a lot.
    pub lot: String,
    pub counted: Option<i64>,
    pub expected: Option<i64>,
    pub variance: Option<i64>,
}

/// A count.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CountView {
    pub id: String,
    pub count_no: String,
    pub warehouse_id: String,
    /// `counting`, `submitted`, `approved`.
    pub status: String,
    pub reason: Option<String>,
    pub created_at: String,
    pub lines: Vec<CountLineView>,
}

async fn view(conn: &mut AnyConnection, principal: &Principal, c: &CountRow) -> AppResult<CountView> {
    let sees_books = principal.role.can(Permission::ApproveCounts) || c.status == CountStatus::Approved;
    let lines = counts::lines(conn, principal.scope.operator_id, &c.id).await?;
    Ok(CountView {
        id: c.id.clone(),
        count_no: c.count_no.clone(),
        warehouse_id: c.warehouse_id.to_string(),
        status: c.status.as_str().into(),
        reason: c.reason.clone(),
        created_at: rfc3339(c.created_at),
        lines: lines
            .into_iter()
            .map(|l| CountLineView {
                bin_code: l.bin_code,
                sku_id: l.sku_id.to_string(),
                sku: l.sku,
                lot: l.lot,
                counted: l.counted,
                expected: l.expected.filter(|_| sees_books),
                variance: l.counted.zip(l.expected).map(|(c, e)| c - e).filter(|_| sees_books),
            })
            .collect(),
    })
}

/// Opens a count of the named bins (or of every bin holding a SKU): one line per SKU in them.
pub async fn create_count(app: &App, principal: &Principal, c: &CreateCount) -> AppResult<CountView> {
    principal.require(Permission::OperateWarehouse)?;
    let operator = principal.scope.operator_id;
    let sku: Option<SkuId> = c
        .sku_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse_id(s, "SKU"))
        .transpose()?;
    if c.bins.is_empty() && sku.is_none() {
        return Err(invalid(
            "bins",
            "required",
            "name the bins to count, or a sku_id to count every bin holding it",
        ));
    }
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, &c.warehouse_id).await?;
    let mut bin_ids = Vec::new();
    for (n, code) in c.bins.iter().enumerate() {
        let bin = bins::by_code(&mut conn, operator, wh.id, code).await?.ok_or_else(|| {
            invalid(&format!("bins[{n}]"), "unknown_bin", format!("no bin {} in {}", code.trim(), wh.code))
        })?;
        bin_ids.push(bin.id);
    }
    let held = bins::contents(&mut conn, operator, wh.id, None, sku.as_slice()).await?;
    drop(conn);
    let mut lines: Vec<Slot<'_>> = held
        .iter()
        .filter(|h| bin_ids.is_empty() || bin_ids.contains(&h.bin_id))
        .map(|h| Slot { sku_id: h.sku_id, bin_id: h.bin_id, lot: &h.lot })
        .collect();
    // A named bin the books hold nothing in is still counted: whatever is found there is a line.
    let now = app.now();
    let mut tx = app.begin().await?;
    let row = CountRow {
        id: app.new_uuid().to_string(),
        warehouse_id: wh.id,
        count_no: counters::next_number_in_tx(&mut tx, operator, "CC").await?,
        status: CountStatus::Counting,
        reason: None,
        created_at: now,
    };
    lines.dedup();
    counts::insert_in_tx(&mut tx, operator, &row, &lines).await?;
    let v = view(&mut tx, principal, &row).await?;
    tx.commit().await?;
    Ok(v)
}

/// Opens a blind count of a SKU's slots in a bin a picker found short, so the books are set
/// right by a supervisor's approval rather than planned from again; a count already open for it
/// is kept. Returns the count's number.
pub(super) async fn count_after_short_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    line: &PickLineRow,
) -> AppResult<String> {
    if let Some(open) = counts::open_count_of(conn, operator, line.bin_id, line.sku_id).await? {
        return Ok(open);
    }
    let held = bins::lots_in(conn, operator, line.sku_id, line.bin_id).await?;
    let mut slots: Vec<Slot<'_>> =
        held.iter().map(|(lot, _, _)| Slot { sku_id: line.sku_id, bin_id: line.bin_id, lot }).collect();
    if slots.is_empty() {
        slots.push(line_slot(line));
    }
    let row = CountRow {
        id: app.new_uuid().to_string(),
        warehouse_id: line.warehouse_id,
        count_no: counters::next_number_in_tx(conn, operator, "CC").await?,
        status: CountStatus::Counting,
        reason: None,
        created_at: app.now(),
    };
    counts::insert_in_tx(conn, operator, &row, &slots).await?;
    Ok(row.count_no)
}

fn line_slot(line: &PickLineRow) -> Slot<'_> {
    Slot { sku_id: line.sku_id, bin_id: line.bin_id, lot: &line.lot }
}

/// What a counter found in a bin.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CountEntry {
    pub bin: String,
    /// The item as scanned (barcode or SKU code).
    pub scan: String,
    /// For a lot-tracked SKU: the lot counted, unless the scan was a GS1 barcode carrying it.
    pub lot: String,
    #[schema(minimum = 0)]
    pub counted: i64,
}

async fn locked(conn: &mut AnyConnection, principal: &Principal, id: &str) -> AppResult<CountRow> {
    let c = counts::get(conn, principal.scope.operator_id, id.trim(), true)
        .await?
        .ok_or(AppError::NotFound("count"))?;
    super::check_warehouse(conn, principal, c.warehouse_id).await?;
    Ok(c)
}

/// Records the units of an item counted in a bin (again: the new figure replaces the old).
pub async fn record_count(
    app: &App,
    principal: &Principal,
    id: &str,
    e: &CountEntry,
) -> AppResult<CountView> {
    principal.require(Permission::OperateWarehouse)?;
    if !(0..=1_000_000).contains(&e.counted) {
        return Err(invalid("counted", "out_of_range", "counted must be 0 or more"));
    }
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let c = locked(&mut tx, principal, id).await?;
    if c.status != CountStatus::Counting {
        return Err(conflict(
            "count.not_counting",
            format!("{} is {}: only a count in progress takes figures", c.count_no, c.status.as_str()),
        ));
    }
    let bin = bins::by_code(&mut tx, operator, c.warehouse_id, &e.bin)
        .await?
        .ok_or_else(|| invalid("bin", "unknown_bin", format!("no bin {} in this warehouse", e.bin.trim())))?;
    let sku = sku_by_scan(&mut tx, operator, None, &e.scan, "scan").await?;
    let (lot, _) = lot_on_goods(&sku, &e.scan, &e.lot, "")?;
    let slot = Slot { sku_id: sku.id, bin_id: bin.id, lot: &lot };
    counts::upsert_counted_in_tx(&mut tx, operator, &c.id, slot, e.counted).await?;
    let v = view(&mut tx, principal, &c).await?;
    tx.commit().await?;
    Ok(v)
}

/// Submits a count once every line has a figure; the books' figures are taken now.
pub async fn submit_count(app: &App, principal: &Principal, id: &str) -> AppResult<CountView> {
    principal.require(Permission::OperateWarehouse)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let c = locked(&mut tx, principal, id).await?;
    let to = count_transition(c.status, CountAction::Submit).ok_or_else(|| {
        conflict(
            "count.illegal_transition",
            format!("{} is {}: it cannot be submitted", c.count_no, c.status.as_str()),
        )
    })?;
    let lines = counts::lines(&mut tx, operator, &c.id).await?;
    if let Some(l) = lines.iter().find(|l| l.counted.is_none()) {
        return Err(conflict(
            "count.not_all_counted",
            format!("{} in {} has no figure yet; count it (0 when empty)", l.sku, l.bin_code),
        ));
    }
    for l in &lines {
        let books = bins::qty_of(&mut tx, operator, l.slot()).await?;
        counts::set_line_in_tx(&mut tx, operator, &c.id, l.slot(), Some(books), l.counted).await?;
    }
    counts::set_status_in_tx(&mut tx, operator, &c.id, to, None, app.now()).await?;
    let after = CountRow { status: to, ..c };
    let v = view(&mut tx, principal, &after).await?;
    tx.commit().await?;
    Ok(v)
}

/// A supervisor's decision: approved, every variance is applied to the bins and on hand as a
/// `count` movement with the reason; rejected, the count goes back to counting, its figures
/// cleared.
pub async fn decide_count(
    app: &App,
    principal: &Principal,
    id: &str,
    approve: bool,
    reason: &str,
) -> AppResult<CountView> {
    principal.require(Permission::ApproveCounts)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid(
            "reason",
            "required",
            "say why, e.g. 'damaged units removed' or 'recount: figures unclear'",
        ));
    }
    let operator = principal.scope.operator_id;
    let now = app.now();
    let mut tx = app.begin().await?;
    let c = locked(&mut tx, principal, id).await?;
    let action = if approve { CountAction::Approve } else { CountAction::Reject };
    let to = count_transition(c.status, action).ok_or_else(|| {
        conflict(
            "count.illegal_transition",
            format!("{} is {}: it cannot be given '{}'", c.count_no, c.status.as_str(), action.as_str()),
        )
    })?;
    let mut lines = counts::lines(&mut tx, operator, &c.id).await?;
    // Locks as every path takes them: the bins (in id order, as a move does), then each line's bin
    // balance before its stock row, lines in (SKU, bin) order.
    let mut bin_ids: Vec<_> = lines.iter().map(|l| l.bin_id).collect();
    bin_ids.sort();
    bin_ids.dedup();
    if approve {
        for b in &bin_ids {
            bins::lock_in_tx(&mut tx, operator, *b).await?;
        }
    }
    lines.sort_by(|a, b| (a.sku_id, a.bin_id, &a.lot).cmp(&(b.sku_id, b.bin_id, &b.lot)));
    for l in &lines {
        if !approve {
            counts::set_line_in_tx(&mut tx, operator, &c.id, l.slot(), None, None).await?;
            continue;
        }
        let variance = l.counted.unwrap_or(0) - l.expected.unwrap_or(0);
        if variance == 0 {
            continue;
        }
        let bin_ok = if variance > 0 {
            bins::add_in_tx(&mut tx, operator, l.slot(), c.warehouse_id, None, variance, now).await?;
            true
        } else {
            bins::take_in_tx(&mut tx, operator, l.slot(), -variance, now).await?
        };
        if !bin_ok {
            return Err(conflict(
                "count.changed",
                format!("{} changed since the count was submitted; count it again", l.bin_code),
            ));
        }
        stock::ensure_balance_in_tx(&mut tx, operator, l.sku_id, c.warehouse_id, now).await?;
        if !stock::count_adjust_in_tx(&mut tx, operator, l.sku_id, c.warehouse_id, variance, now).await? {
            return Err(conflict(
                "inventory.below_reserved",
                format!(
                    "{} units of {} are missing from {}, but orders hold them; release or cancel those orders first",
                    -variance, l.sku, l.bin_code
                ),
            ));
        }
        let m = Movement {
            on_hand_delta: variance,
            bin: Some((l.bin_id, &l.lot, variance)),
            ..movement(app, l.sku_id, c.warehouse_id, MovementKind::Count, principal.actor, Some(reason), now)
        };
        stock::record_in_tx(&mut tx, operator, &m).await?;
    }
    counts::set_status_in_tx(&mut tx, operator, &c.id, to, Some(reason), now).await?;
    let kind = if approve { "count_approved" } else { "count_rejected" };
    let data = serde_json::json!({ "count_no": c.count_no, "lines": lines.len() }).to_string();
    let event = tradeport_store::events::NewEvent {
        reason: Some(reason),
        data,
        ..app.event(principal.actor, "count", &c.id, kind)
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    let after = CountRow { status: to, reason: Some(reason.to_string()), ..c };
    let v = view(&mut tx, principal, &after).await?;
    tx.commit().await?;
    Ok(v)
}

/// One count (blind for those who do not approve counts).
pub async fn get_count(app: &App, principal: &Principal, id: &str) -> AppResult<CountView> {
    principal
        .require(Permission::OperateWarehouse)
        .or_else(|_| principal.require(Permission::ApproveCounts))?;
    let mut conn = app.db().read().await?;
    let c = counts::get(&mut conn, principal.scope.operator_id, id.trim(), false)
        .await?
        .ok_or(AppError::NotFound("count"))?;
    super::check_warehouse(&mut conn, principal, c.warehouse_id).await?;
    view(&mut conn, principal, &c).await
}
