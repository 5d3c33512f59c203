//! The one way to run a write: [`App::begin`] opens a [`UnitOfWork`]; the use case locks its
//! subject row first ([`UnitOfWork::lock_order`]), does the work, appends its events and outbox
//! messages (`store::events::append_in_tx`, `store::outbox::enqueue_in_tx`, on the unit as a
//! connection), and [`UnitOfWork::commit`] commits once. When the request carries an
//! `Idempotency-Key`, the commit also marks the key's write as done in the same transaction, so
//! a retried request either replays the first answer or finds that nothing was written.
//!
//! The request's idempotency claim and whether anything committed travel with the request as a
//! task-local [`RequestScope`] (set by the web layer's middleware around the handler), so use
//! cases need no extra argument and cannot forget them.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use tradeport_domain::kernel::{OrderId, TenantId};
use tradeport_store::orders::{self, OrderRow};
use tradeport_store::{AnyConnection, Tx};

use crate::{App, AppError, AppResult};

/// An idempotency key claimed by the running request.
#[derive(Clone, Debug)]
pub struct KeyLease {
    pub principal: String,
    pub key: String,
    pub token: String,
}

/// What the running request has done to the database.
#[derive(Debug, Default)]
pub struct RequestScope {
    /// The request's id (`x-request-id`), for messages that point to the log.
    request_id: String,
    lease: Mutex<Option<KeyLease>>,
    committed: AtomicBool,
}

tokio::task_local! {
    static REQUEST: Arc<RequestScope>;
}

impl RequestScope {
    /// Runs `work` (a request's handling) with a fresh scope; returns its output and the scope.
    pub async fn run<F: Future>(request_id: &str, work: F) -> (F::Output, Arc<RequestScope>) {
        let scope = Arc::new(RequestScope { request_id: request_id.to_string(), ..RequestScope::default() });
        let out = REQUEST.scope(scope.clone(), work).await;
        (out, scope)
    }

    /// The scope of the running request, if any.
    pub fn current() -> Option<Arc<RequestScope>> {
        REQUEST.try_with(Arc::clone).ok()
    }

    /// Attaches the request's claimed idempotency key.
    pub fn set_lease(&self, lease: KeyLease) {
        *self.lease.lock().unwrap_or_else(|e| e.into_inner()) = Some(lease);
    }

    fn lease(&self) -> Option<KeyLease> {
        self.lease.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The request's id.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Whether any write of this request committed.
    pub fn committed(&self) -> bool {
        self.committed.load(Ordering::SeqCst)
    }
}

/// Whether the running request has committed a write (so an error now must not claim that
/// nothing changed).
pub fn request_committed() -> bool {
    RequestScope::current().is_some_and(|s| s.committed())
}

/// An open write transaction of one use case. Dropping it rolls back.
pub struct UnitOfWork {
    tx: Tx,
    app: App,
}

impl std::fmt::Debug for UnitOfWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnitOfWork")
    }
}

impl Deref for UnitOfWork {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for UnitOfWork {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl App {
    /// Opens the write transaction of a use case (on SQLite this takes the writer lock).
    pub async fn begin(&self) -> AppResult<UnitOfWork> {
        Ok(UnitOfWork { tx: self.db().begin().await?, app: self.clone() })
    }
}

impl UnitOfWork {
    /// Reads and locks an order for the rest of the transaction (`FOR UPDATE` on PostgreSQL; on
    /// SQLite the transaction already holds the single writer lock). Every use case that changes
    /// an order calls this before anything else and decides on the row it returns.
    pub async fn lock_order(
        &mut self,
        operator: TenantId,
        merchant: Option<TenantId>,
        id: OrderId,
    ) -> AppResult<OrderRow> {
        let order = orders::lock_in_tx(&mut self.tx, operator, merchant, id)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        // An archived order's file is read-only (DONE-2).
        crate::archive::refuse_if_archived(&mut self.tx, operator, id).await?;
        Ok(order)
    }

    /// Like [`Self::lock_order`], for what must be recorded even about an archived order (a
    /// provider's payment event): the order and whether it is archived (then it must not change).
    pub async fn lock_order_archived_too(
        &mut self,
        operator: TenantId,
        merchant: Option<TenantId>,
        id: OrderId,
    ) -> AppResult<(OrderRow, bool)> {
        let order = orders::lock_in_tx(&mut self.tx, operator, merchant, id)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        let archived = tradeport_store::archives::archived_at(&mut self.tx, operator, id).await?.is_some();
        Ok((order, archived))
    }

    /// Ends a unit that wrote nothing once every write before it is durable: on SQLite a row this
    /// unit met (a duplicate) may belong to a group commit still under way. Marks no idempotency
    /// key: the request wrote nothing.
    pub async fn end_unwritten(self) -> AppResult<()> {
        Ok(self.tx.commit().await?)
    }

    /// Commits: first marks the request's idempotency key as written, in this transaction. If a
    /// retry took the key over meanwhile (this request outlived its lease), nothing is committed.
    pub async fn commit(mut self) -> AppResult<()> {
        let scope = RequestScope::current();
        if let Some(lease) = scope.as_ref().and_then(|s| s.lease()) {
            let now = self.app.now();
            let ours = tradeport_store::idempotency::mark_committed_in_tx(
                &mut self.tx,
                &lease.principal,
                &lease.key,
                &lease.token,
                now,
            )
            .await?;
            if !ours {
                return Err(AppError::IdempotencyInProgress);
            }
        }
        self.tx.commit().await?;
        if let Some(scope) = scope {
            scope.committed.store(true, Ordering::SeqCst);
        }
        Ok(())
    }
}
