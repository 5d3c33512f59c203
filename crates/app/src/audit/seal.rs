//! Sealing: the operator's events that have no link yet, oldest first, each linked to the link
//! before. A run reads from an hour before its chain's last sealed event (a transaction that
//! committed late still gets its link; `--all` reads every event), writes a thousand links per
//! transaction, and stops without harm when another sealer wrote the same links first.

use serde::Serialize;
use tradeport_domain::audit::{GENESIS, link_hash};
use tradeport_domain::kernel::TenantId;
use tradeport_store::audit_chain::{self, NewLink};

use crate::{App, AppResult};

/// Links written per transaction.
const BATCH: i64 = 1_000;
/// How far before the last sealed event a run looks for events committed late.
const LATE_MS: u64 = 3_600_000;

/// What a sealing run did.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct SealRun {
    pub sealed: u64,
    /// The chain's last link after the run.
    pub head_seq: i64,
    pub head_hash: String,
}

/// The smallest UUIDv7 text of the millisecond `ms`: every event id made at or after it sorts at or
/// after it.
pub fn id_floor(ms: u64) -> String {
    format!("{:08x}-{:04x}-0000-0000-000000000000", ms >> 16, ms & 0xffff)
}

/// The millisecond a UUIDv7 text was made at, when it is one.
fn id_millis(id: &str) -> Option<u64> {
    let hex: String = id.chars().filter(|c| *c != '-').take(12).collect();
    u64::from_str_radix(&hex, 16).ok()
}

/// Seals the operator's unsealed events; `all` reads every event, not only the recent ones.
pub async fn seal_operator(app: &App, operator: TenantId, all: bool) -> AppResult<SealRun> {
    let mut run = SealRun::default();
    // Where the next batch starts reading: set by the first, then after each batch's last event.
    let mut from: Option<String> = None;
    loop {
        let mut conn = app.db().read().await?;
        let head = audit_chain::head(&mut conn, operator).await?;
        let start = from.clone().unwrap_or_else(|| match (&head, all) {
            (Some((_, _, event)), false) => {
                id_millis(event).map(|ms| id_floor(ms.saturating_sub(LATE_MS))).unwrap_or_default()
            }
            _ => String::new(),
        });
        let page = audit_chain::unsealed(&mut conn, operator, &start, BATCH).await?;
        from = page.last_id.clone().or(Some(start));
        let events = page.events;
        drop(conn);
        let (mut seq, mut prev) = head.map_or((0, GENESIS.to_string()), |(seq, hash, _)| (seq, hash));
        let mut links = Vec::with_capacity(events.len());
        for e in &events {
            seq += 1;
            let hash = link_hash(&prev, &e.fields());
            links.push(NewLink { seq, event_id: e.id.clone(), prev_hash: prev, hash: hash.clone() });
            prev = hash;
        }
        if !links.is_empty() {
            let mut tx = app.db().begin().await?;
            let written = audit_chain::insert_in_tx(&mut tx, operator, &links, app.now().0).await;
            match written {
                Ok(()) => tradeport_store::commit(tx).await?,
                Err(tradeport_store::StoreError::Conflict { .. }) => {
                    tracing::info!(%operator, "another sealer is at work on this chain; leaving it to them");
                    return Ok(SealRun { head_seq: seq - links.len() as i64, ..run });
                }
                Err(e) => return Err(e.into()),
            }
            run.sealed += links.len() as u64;
        }
        run.head_seq = seq;
        run.head_hash = prev;
        if page.read < BATCH {
            return Ok(run);
        }
    }
}

/// Seals every operator's recent events (the worker's round); the count sealed.
pub async fn seal_all(app: &App) -> AppResult<u64> {
    let mut conn = app.db().read().await?;
    let operators = tradeport_store::access::tenants::operator_ids(&mut conn).await?;
    drop(conn);
    let mut sealed = 0;
    for id in operators {
        // One operator's failure does not hold up the others'.
        match seal_operator(app, crate::parse_id(&id, "operator")?, false).await {
            Ok(run) => sealed += run.sealed,
            Err(e) => {
                tracing::warn!(operator = %id, error = %e, "sealing this operator's events failed; will retry")
            }
        }
    }
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_sorts_before_every_id_of_its_millisecond_and_after_those_before() {
        let ms: u64 = 1_764_230_400_123;
        let floor = id_floor(ms);
        let id_at = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
            uuid::NoContext,
            ms / 1000,
            ((ms % 1000) * 1_000_000) as u32,
        ));
        let id_before = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
            uuid::NoContext,
            (ms - 1) / 1000,
            (((ms - 1) % 1000) * 1_000_000) as u32,
        ));
        assert!(floor.as_str() <= id_at.to_string().as_str(), "{floor} {id_at}");
        assert!(floor.as_str() > id_before.to_string().as_str(), "{floor} {id_before}");
        assert_eq!(id_millis(&id_at.to_string()), Some(ms));
        assert_eq!(id_millis(&floor), Some(ms));
    }
}
