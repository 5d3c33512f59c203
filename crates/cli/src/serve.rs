//! `tradeport serve` and `tradeport worker`: the HTTP server with workers, shut down gracefully on
//! Ctrl-C or SIGTERM.

use std::time::Duration;

use anyhow::Context;
use clap::Args;
use tokio::sync::watch;
use tradeport_app::App;
use tradeport_web::{WebConfig, build_router, serve, spawn_metrics_upkeep};

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TRADEPORT_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Load the demo data set first (skipped when it is there already).
    #[arg(long)]
    pub(crate) demo: bool,
    /// Seconds a request may run before it is answered with 408.
    #[arg(long, env = "TRADEPORT_REQUEST_TIMEOUT", default_value_t = 30)]
    request_timeout: u64,
    /// The header your reverse proxy sets to the client's address, e.g. x-forwarded-for. Only
    /// set it behind such a proxy: otherwise clients could claim any address (sign-in throttling
    /// counts per address).
    #[arg(long, env = "TRADEPORT_TRUSTED_PROXY_HEADER")]
    trusted_proxy_header: Option<tradeport_web::HeaderName>,
    /// Served over HTTPS (by a proxy in front): cookies get `Secure` and responses HSTS.
    #[arg(long, env = "TRADEPORT_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Serve requests only, without the background workers (outbox, jobs, sweeps): for API nodes
    /// beside a `tradeport worker` process.
    #[arg(long, env = "TRADEPORT_NO_WORKERS")]
    no_workers: bool,
    /// Receive buyers' e-mail on this address over SMTP (e.g. 0.0.0.0:25, or a local port behind
    /// your mail server): messages to a support mailbox become tickets. Off when not set.
    #[arg(long, env = "TRADEPORT_MAIL_IN_BIND")]
    mail_in_bind: Option<String>,
    /// When set, /metrics answers only to `Authorization: Bearer <token>`.
    #[arg(long, env = "TRADEPORT_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

pub async fn run(app: App, args: ServeArgs) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let url = format!("http://{}", listener.local_addr()?);
    if args.demo {
        let summary = crate::demo::run(&app, &crate::demo::DemoArgs::default()).await?;
        println!("{}", summary.describe(&url));
    }
    println!("Tradeport is listening on {url} (database: {})", app.db().backend().as_str());
    spawn_metrics_upkeep();
    if let Some(bind) = &args.mail_in_bind {
        let smtp = tokio::net::TcpListener::bind(bind)
            .await
            .with_context(|| format!("cannot receive e-mail on {bind}"))?;
        println!("Receiving e-mail over SMTP on {}", smtp.local_addr()?);
        let handler = tradeport_app::tickets::mail_handler(app.clone());
        tokio::spawn(tradeport_connectors::mail_in::serve(smtp, "tradeport".into(), handler));
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let workers = (!args.no_workers).then(|| tokio::spawn(tradeport_jobs::run(app.clone(), stop_rx)));
    let config = WebConfig {
        request_timeout: Duration::from_secs(args.request_timeout),
        trusted_proxy_header: args.trusted_proxy_header.clone(),
        secure_cookies: args.secure_cookies,
        metrics_token: args.metrics_token.clone().filter(|t| !t.is_empty()),
    };
    serve(listener, build_router(app.clone(), &config), shutdown_signal()).await?;
    let _ = stop_tx.send(true);
    if let Some(workers) = workers {
        let _ = workers.await;
    }
    app.db().close().await;
    Ok(())
}

pub async fn run_workers_only(app: App) -> anyhow::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let workers = tokio::spawn(tradeport_jobs::run(app.clone(), stop_rx));
    shutdown_signal().await;
    let _ = stop_tx.send(true);
    let _ = workers.await;
    app.db().close().await;
    Ok(())
}
