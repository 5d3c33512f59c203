//! The durable job queue: every job runs once across processes, a job whose process died runs
//! again after its lease, failures back off into the dead letters, staff retry and cancel.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use tradeport_app::jobs::run_due;
use tradeport_domain::jobs::JobKind;
use tradeport_store::jobs::{NewJob, enqueue_in_tx};
use tradeport_testkit::{DbKind, Seeded, TestApp, db_tests};

use crate::helpers::{call, get};

db_tests!(
    a_job_whose_process_died_runs_again_after_its_lease,
    failing_jobs_back_off_into_the_dead_letters_where_staff_retry_them
);

/// A `tradeport worker` on the test's database, killed when dropped.
pub(crate) struct Worker(Child);

impl Worker {
    pub(crate) fn start(app: &TestApp, lease_seconds: u32) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_tradeport"))
            .args(["--database-url", &app.database_url, "worker"])
            .env("TRADEPORT_JOB_POLL_MS", "50")
            .env("TRADEPORT_JOB_LEASE_SECONDS", lease_seconds.to_string())
            .env("TRADEPORT_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("a worker starts");
        Self(child)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn enqueue_probes(app: &TestApp, s: &Seeded, payload: &str, n: usize) {
    let mut tx = app.app.db().begin().await.unwrap();
    for _ in 0..n {
        let job = NewJob {
            id: app.app.new_uuid(),
            tenant_id: Some(s.operator.id),
            kind: JobKind::Probe,
            payload,
            run_at: app.app.now(),
        };
        enqueue_in_tx(&mut tx, &job, app.app.now()).await.unwrap();
    }
    tradeport_store::commit(tx).await.unwrap();
}

/// `(state, attempts, claim_token)` of every job.
async fn jobs_now(app: &TestApp) -> Vec<(String, i64, Option<String>)> {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query_as("SELECT state, attempts, claim_token FROM jobs ORDER BY id")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
}

async fn wait_until(app: &TestApp, what: &str, done: impl Fn(&[(String, i64, Option<String>)]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let jobs = jobs_now(app).await;
        if done(&jobs) {
            return;
        }
        assert!(Instant::now() < deadline, "{what} never happened: {:?}", &jobs[..jobs.len().min(5)]);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_pg, ignore = "PostgreSQL is not installed")]
async fn two_workers_on_postgres_run_each_of_a_thousand_jobs_exactly_once() {
    let Some(app) = TestApp::spawn(DbKind::Postgres).await else {
        return;
    };
    let s = app.seed("acme").await;
    enqueue_probes(&app, &s, r#"{"sleep_ms": 2}"#, 1000).await;
    let (_a, _b) = (Worker::start(&app, 300), Worker::start(&app, 300));
    wait_until(&app, "all 1,000 jobs done", |jobs| jobs.iter().all(|j| j.0 == "done")).await;
    let jobs = jobs_now(&app).await;
    assert_eq!(jobs.len(), 1000);
    assert!(jobs.iter().all(|j| j.1 == 1), "every job was claimed exactly once");
    let workers: std::collections::BTreeSet<&str> =
        jobs.iter().filter_map(|j| j.2.as_deref()?.split('/').next()).collect();
    assert_eq!(workers.len(), 2, "both processes took part: {workers:?}");
}

async fn a_job_whose_process_died_runs_again_after_its_lease(app: TestApp) {
    let s = app.seed("acme").await;
    // The first attempt hangs; the second returns at once.
    enqueue_probes(&app, &s, r#"{"sleep_ms": 600000, "sleep_attempts": 1}"#, 1).await;
    let first = Worker::start(&app, 2);
    wait_until(&app, "the first worker's claim", |jobs| jobs[0].0 == "running").await;
    drop(first);
    let _second = Worker::start(&app, 300);
    wait_until(&app, "the job done by the second worker", |jobs| jobs[0].0 == "done").await;
    assert_eq!(jobs_now(&app).await[0].1, 2, "claimed again once the lease ended, and only then");
}

async fn failing_jobs_back_off_into_the_dead_letters_where_staff_retry_them(app: TestApp) {
    let s = app.seed("acme").await;
    enqueue_probes(&app, &s, r#"{"fail": true}"#, 1).await;
    let mut conn = app.app.db().read().await.unwrap();
    for attempt in 1..=JobKind::Probe.max_attempts() {
        let report = run_due(&app.app, "test", Duration::from_secs(60), 10).await.unwrap();
        assert_eq!((report.claimed, report.failed), (1, 1), "attempt {attempt}");
        let report = run_due(&app.app, "test", Duration::from_secs(60), 10).await.unwrap();
        assert_eq!(report.claimed, 0, "not due again before its back-off");
        sqlx::query("UPDATE jobs SET run_at = 0 WHERE state = 'queued'").execute(&mut *conn).await.unwrap();
    }
    let (status, dead) = get(&app, "/api/v1/jobs?state=dead", &s.admin_key).await;
    assert_eq!(status, StatusCode::OK, "{dead}");
    let job = &dead["items"][0];
    assert_eq!((job["attempts"].as_u64(), job["max_attempts"].as_u64()), (Some(3), Some(3)));
    assert_eq!(job["last_error"], "the probe was asked to fail");
    let id = job["id"].as_str().unwrap();

    let post = |path: String, key: String| {
        let app = &app;
        async move { call(app, Method::POST, &path, &key, None).await }
    };
    let (status, _) = post(format!("/api/v1/jobs/{id}/retry"), s.merchant_a_key.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "merchants do not run the operator's queue");
    let (status, _) = get(&app, "/api/v1/jobs?state=dead", &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, retried) = post(format!("/api/v1/jobs/{id}/retry"), s.admin_key.clone()).await;
    assert_eq!(status, StatusCode::OK, "{retried}");
    assert_eq!((retried["state"].as_str(), retried["attempts"].as_u64()), (Some("queued"), Some(0)));
    let (status, cancelled) = post(format!("/api/v1/jobs/{id}/cancel"), s.admin_key.clone()).await;
    assert_eq!((status, cancelled["state"].as_str()), (StatusCode::OK, Some("cancelled")));
    let (status, again) = post(format!("/api/v1/jobs/{id}/cancel"), s.admin_key.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert_eq!(run_due(&app.app, "test", Duration::from_secs(60), 10).await.unwrap().claimed, 0, "cancelled");
    let (status, _) = post(format!("/api/v1/jobs/{}/retry", uuid::Uuid::nil()), s.admin_key.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = get(&app, "/api/v1/jobs?state=sleeping", &s.admin_key).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}
