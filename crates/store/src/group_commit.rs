//! Group commit on SQLite (#15): one durable commit for many units of work.
//!
//! SQLite has one writer, and with `synchronous = FULL` every commit waits for the disk. So the
//! writer runs the units of work waiting for it one after the other inside one transaction, each
//! in its own savepoint, and commits them together: a unit that fails is rolled back to its
//! savepoint alone; the others commit. A unit's [`Unit::commit`] returns only once the shared
//! commit is on disk, so nothing is acknowledged before it is durable.
//!
//! A batch is committed when its last unit finds nobody else waiting for the writer, when it holds
//! [`GroupCommit::max_units`] units, or once it has been open [`GroupCommit::max_wait`]. Under
//! light load every unit commits alone, at once; under load the waiting units share commits.
//! Units waiting for a batch that nobody finishes (the next unit in line gave up) finish it
//! themselves after `max_wait` and a grace period.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use crate::{StoreError, StoreResult};

/// How many units one commit may carry and how long a batch may stay open.
#[derive(Clone, Copy, Debug)]
pub struct GroupCommit {
    /// 1 turns group commit off: every unit commits alone.
    pub max_units: usize,
    /// A batch this old commits when its current unit ends, and before another unit joins it.
    /// (A unit already running holds the batch until it ends: keep long units out of hot paths.)
    pub max_wait: Duration,
}

impl Default for GroupCommit {
    fn default() -> Self {
        Self { max_units: 64, max_wait: Duration::from_millis(10) }
    }
}

/// How a batch ended: `None` while it is open.
type Outcome = Option<Result<(), Arc<str>>>;

struct Batch {
    id: u64,
    conn: PoolConnection<Any>,
    /// Units released into the batch, waiting for its commit.
    units: usize,
    opened: Instant,
    outcome: watch::Sender<Outcome>,
}

#[derive(Default)]
struct WriterState {
    batch: Option<Batch>,
    /// A unit ended without committing: its savepoint is rolled back before anything else runs.
    rollback_pending: bool,
}

/// Commits and units so far, for the metrics page and the tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupCommitStats {
    pub commits: u64,
    pub units: u64,
}

/// The single writer of a SQLite database.
#[derive(Clone)]
pub(crate) struct Writer {
    pool: AnyPool,
    state: Arc<Mutex<WriterState>>,
    /// Tasks waiting for their turn at the writer.
    queued: Arc<AtomicUsize>,
    next_batch: Arc<AtomicU64>,
    commits: Arc<AtomicU64>,
    units: Arc<AtomicU64>,
    limits: GroupCommit,
    /// How long a unit waits for its turn before giving up (the pool's acquire timeout).
    acquire_timeout: Duration,
}

/// The writer, held by one task until it lets go.
type Turn = OwnedMutexGuard<WriterState>;

impl Writer {
    /// A writer over `pool`, a pool of one connection.
    pub(crate) fn new(pool: AnyPool, limits: GroupCommit, acquire_timeout: Duration) -> Self {
        Self {
            pool,
            state: Arc::default(),
            queued: Arc::default(),
            next_batch: Arc::default(),
            commits: Arc::default(),
            units: Arc::default(),
            limits: GroupCommit { max_units: limits.max_units.max(1), ..limits },
            acquire_timeout,
        }
    }

    pub(crate) fn stats(&self) -> GroupCommitStats {
        GroupCommitStats {
            commits: self.commits.load(Ordering::Relaxed),
            units: self.units.load(Ordering::Relaxed),
        }
    }

    /// Waits for the writer (first come, first served), counted as queued meanwhile.
    async fn turn(&self) -> Turn {
        struct Queued<'a>(&'a AtomicUsize);
        impl Drop for Queued<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        self.queued.fetch_add(1, Ordering::SeqCst);
        let _queued = Queued(&self.queued);
        self.state.clone().lock_owned().await
    }

    /// Starts a unit of work: joins the open batch or opens one (`BEGIN IMMEDIATE`). Runs as a
    /// task of its own, like every step that holds the writer, so a caller that stops waiting (a
    /// cancelled request) cannot leave the writer half-way: the unit it would have had is dropped,
    /// which rolls it back.
    pub(crate) async fn begin(&self) -> StoreResult<Unit> {
        let writer = self.clone();
        spawned(async move { writer.begin_here().await }).await
    }

    async fn begin_here(&self) -> StoreResult<Unit> {
        let mut turn = tokio::time::timeout(self.acquire_timeout, self.turn())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?;
        self.settle(&mut turn).await;
        // A batch past its age commits before another unit joins it.
        if turn.batch.as_ref().is_some_and(|b| b.opened.elapsed() >= self.limits.max_wait) {
            self.finish(&mut turn).await;
        }
        if turn.batch.is_none() {
            let mut conn = self.pool.acquire().await?;
            if let Err(err) = conn.execute("BEGIN IMMEDIATE").await {
                conn.close_on_drop();
                return Err(err.into());
            }
            let id = self.next_batch.fetch_add(1, Ordering::Relaxed);
            let (outcome, _) = watch::channel(None);
            turn.batch = Some(Batch { id, conn, units: 0, opened: Instant::now(), outcome });
        }
        let started = batch_conn(&mut turn).execute("SAVEPOINT unit").await;
        if let Err(err) = started {
            self.end_turn(turn).await;
            return Err(err.into());
        }
        Ok(Unit { turn: Some(turn), writer: self.clone() })
    }

    /// Releases a unit into its batch and lets go of the writer; returns the batch to wait for.
    async fn release(&self, mut turn: Turn) -> StoreResult<(u64, watch::Receiver<Outcome>)> {
        if let Err(err) = batch_conn(&mut turn).execute("RELEASE unit").await {
            turn.rollback_pending = true;
            self.end_turn(turn).await;
            return Err(err.into());
        }
        let batch = turn.batch.as_mut().unwrap_or_else(|| unreachable!("a unit runs inside an open batch"));
        batch.units += 1;
        let released = (batch.id, batch.outcome.subscribe());
        self.end_turn(turn).await;
        Ok(released)
    }

    /// Rolls back the savepoint of a unit that ended without committing. If that fails, the
    /// transaction is gone (SQLite aborts it on some errors): the whole batch fails.
    async fn settle(&self, turn: &mut Turn) {
        if !turn.rollback_pending {
            return;
        }
        turn.rollback_pending = false;
        let conn = batch_conn(turn);
        let rolled_back = match conn.execute("ROLLBACK TO unit").await {
            Ok(_) => conn.execute("RELEASE unit").await.map(|_| ()),
            Err(e) => Err(e),
        };
        if let Err(err) = rolled_back {
            self.fail(turn, &format!("a unit of work could not be rolled back alone: {err}")).await;
        }
    }

    /// Lets go of the writer, committing the batch first unless another unit is waiting to join.
    async fn end_turn(&self, mut turn: Turn) {
        self.settle(&mut turn).await;
        let Some(batch) = &turn.batch else { return };
        let full = batch.units >= self.limits.max_units || batch.opened.elapsed() >= self.limits.max_wait;
        if full || self.queued.load(Ordering::SeqCst) == 0 {
            self.finish(&mut turn).await;
        }
    }

    /// Commits the open batch and tells its units.
    async fn finish(&self, turn: &mut Turn) {
        let Some(mut batch) = turn.batch.take() else { return };
        let outcome = match batch.conn.execute("COMMIT").await {
            Ok(_) => Ok(()),
            Err(err) => {
                let _ = batch.conn.execute("ROLLBACK").await;
                batch.conn.close_on_drop();
                Err(Arc::from(format!("the shared commit failed: {err}")))
            }
        };
        self.commits.fetch_add(1, Ordering::Relaxed);
        self.units.fetch_add(batch.units as u64, Ordering::Relaxed);
        batch.outcome.send_replace(Some(outcome));
    }

    /// Rolls the open batch back and tells its units that nothing of theirs was saved.
    async fn fail(&self, turn: &mut Turn, why: &str) {
        let Some(mut batch) = turn.batch.take() else { return };
        let _ = batch.conn.execute("ROLLBACK").await;
        batch.conn.close_on_drop();
        tracing::error!(batch = batch.id, units = batch.units, "write batch rolled back: {why}");
        batch.outcome.send_replace(Some(Err(Arc::from(why))));
    }

    /// Waits until batch `id` has ended; finishes it when nobody else did in time.
    async fn outcome(&self, id: u64, mut rx: watch::Receiver<Outcome>) -> StoreResult<()> {
        let patience = self.limits.max_wait + Duration::from_millis(50);
        loop {
            let ended = match tokio::time::timeout(patience, rx.wait_for(Option::is_some)).await {
                Ok(Ok(ended)) => Some(ended.clone()),
                Ok(Err(_)) => Some(Some(Err(Arc::from("the writer stopped")))),
                Err(_) => None,
            };
            if let Some(ended) = ended {
                let ended = ended.unwrap_or_else(|| Err(Arc::from("the batch ended unseen")));
                return ended.map_err(|why| StoreError::NotSaved(why.to_string()));
            }
            // Nobody finished the batch in time (the unit next in line gave up): finish it here,
            // or, when it has ended meanwhile, let go of the writer as any turn does.
            let writer = self.clone();
            spawned(async move {
                let mut turn = writer.turn().await;
                if turn.batch.as_ref().is_some_and(|b| b.id == id) {
                    writer.settle(&mut turn).await;
                    writer.finish(&mut turn).await;
                } else {
                    writer.end_turn(turn).await;
                }
                Ok(())
            })
            .await?;
        }
    }

    /// Runs `sql` outside any transaction (after committing the open batch): `PRAGMA optimize`.
    pub(crate) async fn execute_alone(&self, sql: &'static str) -> StoreResult<()> {
        let writer = self.clone();
        spawned(async move {
            let mut turn = writer.turn().await;
            writer.settle(&mut turn).await;
            writer.finish(&mut turn).await;
            let mut conn = writer.pool.acquire().await?;
            conn.execute(sql).await?;
            Ok(())
        })
        .await
    }
}

/// Runs `work` as a task of its own: it finishes even if the caller stops waiting for it.
async fn spawned<T: Send + 'static>(
    work: impl Future<Output = StoreResult<T>> + Send + 'static,
) -> StoreResult<T> {
    tokio::spawn(work).await.map_err(|e| StoreError::NotSaved(format!("the writer's task failed: {e}")))?
}

fn batch_conn(turn: &mut Turn) -> &mut AnyConnection {
    &mut turn.batch.as_mut().unwrap_or_else(|| unreachable!("a unit runs inside an open batch")).conn
}

/// One unit of work in the open batch. Dropping it without [`Unit::commit`] rolls back its
/// writes alone.
pub struct Unit {
    turn: Option<Turn>,
    writer: Writer,
}

impl Unit {
    /// Releases the unit into the batch and waits until the batch is committed.
    pub async fn commit(mut self) -> StoreResult<()> {
        let Some(turn) = self.turn.take() else {
            unreachable!("a unit holds its turn until it commits or drops")
        };
        let writer = self.writer.clone();
        let (id, rx) = spawned(async move { writer.release(turn).await }).await?;
        self.writer.outcome(id, rx).await
    }
}

impl Drop for Unit {
    fn drop(&mut self) {
        let Some(mut turn) = self.turn.take() else { return };
        turn.rollback_pending = true;
        // Roll back now, and commit what the batch holds if nobody else is coming; without a
        // runtime (at shutdown) the next unit rolls it back first.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let writer = self.writer.clone();
            runtime.spawn(async move { writer.end_turn(turn).await });
        }
    }
}

impl Deref for Unit {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        let turn = self.turn.as_ref().unwrap_or_else(|| unreachable!("a unit holds its turn until it ends"));
        &turn.batch.as_ref().unwrap_or_else(|| unreachable!("a unit runs inside an open batch")).conn
    }
}

impl DerefMut for Unit {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        batch_conn(self.turn.as_mut().unwrap_or_else(|| unreachable!("a unit holds its turn until it ends")))
    }
}
