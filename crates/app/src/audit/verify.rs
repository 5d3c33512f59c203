//! Verifying the chain: every link of an operator, in order, against its event as it is now
//! (changed, deleted, a link removed or rewritten: each named where it happened), and the events
//! older than an hour that still have no link (written past the application, or a sealer that has
//! not run).

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::audit::{Link, check};
use tradeport_domain::kernel::TenantId;
use tradeport_store::audit_chain;

use super::seal::id_floor;
use crate::{App, AppResult};

/// Links read per page.
const PAGE: i64 = 5_000;
/// At most this many breaks are named per operator.
const MOST_BREAKS: usize = 100;
/// Events younger than this may still wait for the sealer.
const SETTLE_MS: i64 = 3_600_000;

/// One operator's chain as verified.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ChainReport {
    pub operator_id: String,
    /// Links checked.
    pub links: u64,
    /// Where the chain is broken, in words, in chain order (at most 100).
    pub breaks: Vec<String>,
    /// Events older than an hour without a link.
    pub unsealed: i64,
    /// The oldest of them.
    pub first_unsealed: Option<String>,
    /// The last link: its number and hash (keep it outside the database to prove the past later).
    pub head_seq: i64,
    pub head_hash: String,
}

impl ChainReport {
    /// Whether nothing is wrong.
    pub fn intact(&self) -> bool {
        self.breaks.is_empty() && self.unsealed == 0
    }
}

/// Verifies the operator's whole chain.
pub async fn verify_operator(app: &App, operator: TenantId) -> AppResult<ChainReport> {
    let mut report = ChainReport { operator_id: operator.to_string(), ..ChainReport::default() };
    let mut before: Option<(i64, String)> = None;
    loop {
        let mut conn = app.db().read().await?;
        let rows =
            audit_chain::links_after(&mut conn, operator, before.as_ref().map_or(0, |b| b.0), PAGE).await?;
        drop(conn);
        let links: Vec<Link<'_>> = rows
            .iter()
            .map(|r| Link {
                seq: r.seq,
                event_id: &r.event_id,
                prev_hash: &r.prev_hash,
                hash: &r.hash,
                event: r.event.as_ref().map(|e| e.fields()),
            })
            .collect();
        let (breaks, last) = check(before.as_ref().map(|(seq, hash)| (*seq, hash.as_str())), &links);
        report.links += links.len() as u64;
        let room = MOST_BREAKS.saturating_sub(report.breaks.len());
        report.breaks.extend(breaks.iter().take(room).map(ToString::to_string));
        before = last.map(|(seq, hash)| (seq, hash.to_string()));
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    if let Some((seq, hash)) = before {
        (report.head_seq, report.head_hash) = (seq, hash);
    }
    let settled = id_floor((app.now().0 - SETTLE_MS).max(0) as u64);
    let mut conn = app.db().read().await?;
    (report.unsealed, report.first_unsealed) =
        audit_chain::count_unsealed_before(&mut conn, operator, &settled).await?;
    Ok(report)
}

/// Verifies every operator's chain (the `tradeport audit verify` command).
pub async fn verify_all(app: &App) -> AppResult<Vec<ChainReport>> {
    let mut conn = app.db().read().await?;
    let operators = tradeport_store::access::tenants::operator_ids(&mut conn).await?;
    drop(conn);
    let mut reports = Vec::with_capacity(operators.len());
    for id in operators {
        reports.push(verify_operator(app, crate::parse_id(&id, "operator")?).await?);
    }
    Ok(reports)
}

/// Verifies the principal's operator's chain. Admins and supervisors.
pub async fn verify_chain(app: &App, principal: &Principal) -> AppResult<ChainReport> {
    principal.require(Permission::SuperviseOperations)?;
    verify_operator(app, principal.scope.operator_id).await
}
