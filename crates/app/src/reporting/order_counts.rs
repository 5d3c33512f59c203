//! Keeping the dashboard's orders-per-status rollup small: the changes the triggers append are
//! folded into the totals in batches, by the background jobs of every process.

use crate::{App, AppResult};

/// Most changes folded in one transaction.
const FOLD_BATCH: u32 = 10_000;

/// Folds the pending changes into the totals; returns how many were folded.
pub async fn fold_order_counts(app: &App) -> AppResult<u64> {
    let mut folded = 0;
    loop {
        let mut tx = app.db().begin().await?;
        let n = tradeport_store::orders::fold_counts_in_tx(&mut tx, FOLD_BATCH).await?;
        tradeport_store::commit(tx).await?;
        folded += n;
        if n < u64::from(FOLD_BATCH) {
            return Ok(folded);
        }
    }
}
