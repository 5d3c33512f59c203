//! `tradeport`: the one binary. Parses the command line, builds the app, runs the command.

mod admin;
mod audit;
mod demo;
mod generate;
mod kpi;
mod orders;
mod serve;

use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use tradeport_app::{App, Db, DbOptions, SystemClock};

/// mimalloc rather than glibc's malloc: glibc keeps the 19 MiB buffers of Argon2 password hashing
/// (one per blocking thread that ever hashed) mapped for the life of the process, which left an
/// idle server at about 220 MiB after the demo's sign-ups; mimalloc returns them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tradeport: cross-border e-commerce operations, end to end.
#[derive(Parser)]
#[command(name = "tradeport", version, about)]
struct Cli {
    /// Database: a SQLite file path (created when missing) or postgres://user:pass@host/db.
    #[arg(
        long,
        global = true,
        env = "TRADEPORT_DATABASE_URL",
        hide_env_values = true,
        default_value = "tradeport.db"
    )]
    database_url: String,
    /// Directory of uploaded files (photos, evidence), kept under their SHA-256.
    #[arg(long, global = true, env = "TRADEPORT_BLOB_DIR", default_value = "tradeport-blobs")]
    blob_dir: std::path::PathBuf,
    /// Log format.
    #[arg(long, global = true, env = "TRADEPORT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// SMTP server for buyers' e-mail: smtp://host:25, smtp://user:pass@host:587?tls=required
    /// (STARTTLS) or smtps://host:465. Without it e-mail jobs wait (and retry) until one is set.
    #[arg(long, global = true, env = "TRADEPORT_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The sender of buyers' e-mail.
    #[arg(
        long,
        global = true,
        env = "TRADEPORT_MAIL_FROM",
        default_value = "Tradeport <no-reply@tradeport.localhost>"
    )]
    mail_from: String,
    /// The address buyers reach Tradeport at, for links in their messages (the tracking page).
    #[arg(long, global = true, env = "TRADEPORT_PUBLIC_URL", default_value = tradeport_app::DEFAULT_PUBLIC_URL)]
    public_url: String,
    #[command(flatten)]
    sms: SmsArgs,
    #[command(flatten)]
    easypost: EasyPostArgs,
    #[command(flatten)]
    payments: PaymentArgs,
    #[command(flatten)]
    secrets: SecretsArgs,
    #[command(subcommand)]
    command: Command,
}

/// Buyers' text messages through Twilio's Messages API; without an account SID, SMS jobs wait
/// (and retry) until one is set.
#[derive(clap::Args)]
struct SmsArgs {
    /// Twilio account SID (AC…).
    #[arg(long, global = true, env = "TRADEPORT_TWILIO_ACCOUNT_SID")]
    twilio_account_sid: Option<String>,
    /// Twilio auth token.
    #[arg(
        long,
        global = true,
        env = "TRADEPORT_TWILIO_AUTH_TOKEN",
        hide_env_values = true,
        default_value = ""
    )]
    twilio_auth_token: String,
    /// The sending number, in E.164 form.
    #[arg(long, global = true, env = "TRADEPORT_TWILIO_FROM", default_value = "")]
    twilio_from: String,
    /// Twilio's API address.
    #[arg(long, global = true, env = "TRADEPORT_TWILIO_BASE_URL", default_value = "https://api.twilio.com")]
    twilio_base_url: String,
}

/// Carrier labels bought through EasyPost (services numbered `easypost`); without an API key,
/// labelling such a service is refused with the reason.
#[derive(clap::Args)]
struct EasyPostArgs {
    /// EasyPost API key (production or test).
    #[arg(long, global = true, env = "TRADEPORT_EASYPOST_API_KEY", hide_env_values = true)]
    easypost_api_key: Option<String>,
    /// EasyPost's API address.
    #[arg(long, global = true, env = "TRADEPORT_EASYPOST_URL", default_value = "https://api.easypost.com")]
    easypost_url: String,
}

/// The payment providers' addresses, and the operator's Stripe key for card refunds of orders not
/// paid through a merchant's payment account (without it, such a refund is refused with the
/// reason; store credit and manual refunds still work).
#[derive(clap::Args)]
struct PaymentArgs {
    /// Stripe secret or restricted key (sk_… or rk_…).
    #[arg(long, global = true, env = "TRADEPORT_STRIPE_SECRET_KEY", hide_env_values = true)]
    stripe_secret_key: Option<String>,
    /// Stripe's API address.
    #[arg(long, global = true, env = "TRADEPORT_STRIPE_URL", default_value = "https://api.stripe.com")]
    stripe_url: String,
    /// PayPal's API address, for merchants' PayPal accounts (the sandbox:
    /// https://api-m.sandbox.paypal.com).
    #[arg(long, global = true, env = "TRADEPORT_PAYPAL_URL", default_value = "https://api-m.paypal.com")]
    paypal_url: String,
    /// Alipay's (Antom's) API address, for merchants' Alipay accounts (its region's host).
    #[arg(
        long,
        global = true,
        env = "TRADEPORT_ALIPAY_URL",
        default_value = "https://open-sea-global.alipay.com"
    )]
    alipay_url: String,
}

/// The key that seals channel secrets (webhook secrets, API tokens) in the database. To rotate:
/// make a new key (`tradeport secrets new-key`), start with it as the key and the old one among
/// the previous keys, run `tradeport secrets reseal`, then drop the old key.
#[derive(clap::Args)]
struct SecretsArgs {
    /// 32 random bytes in base64 (`tradeport secrets new-key` or `openssl rand -base64 32`).
    #[arg(long, global = true, env = "TRADEPORT_SECRETS_KEY", hide_env_values = true)]
    secrets_key: Option<String>,
    /// Earlier keys, comma-separated: they still open what they sealed, and never seal.
    #[arg(
        long,
        global = true,
        env = "TRADEPORT_PREVIOUS_SECRETS_KEYS",
        hide_env_values = true,
        value_delimiter = ','
    )]
    previous_secrets_keys: Vec<String>,
    /// Login with Amazon's token endpoint, for Amazon connections' polls.
    #[arg(long, global = true, env = "TRADEPORT_AMAZON_TOKEN_URL", default_value = tradeport_app::AMAZON_TOKEN_URL)]
    amazon_token_url: String,
    /// Meta's Graph API, where answers to WhatsApp chats are sent.
    #[arg(long, global = true, env = "TRADEPORT_GRAPH_API_URL", default_value = tradeport_app::GRAPH_API_URL)]
    graph_api_url: String,
}

#[derive(Subcommand)]
enum SecretsCommand {
    /// Print a new random key for --secrets-key.
    NewKey,
    /// Seal every stored channel secret again with the current key (after a rotation).
    Reseal,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API and web UI, and run the background workers.
    Serve(serve::ServeArgs),
    /// Run the background workers only (beside `serve` processes on the same PostgreSQL).
    Worker,
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo data set into the database.
    Demo(demo::DemoArgs),
    /// Generate a large, realistic data set (orders with lines, events and stock) on top of the
    /// demo operator, for benchmarks: `tradeport generate --orders 1000000`.
    Generate(generate::GenerateArgs),
    /// Tenants, users and API keys.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Order files.
    #[command(subcommand)]
    Orders(orders::OrdersCommand),
    /// Stock checks.
    #[command(subcommand)]
    Inventory(InventoryCommand),
    /// The key that seals channel secrets.
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// The audit trail's hash chain.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The KPIs' daily roll-ups.
    #[command(subcommand)]
    Kpi(KpiCommand),
}

#[derive(Subcommand)]
enum KpiCommand {
    /// Recompute every operator's roll-ups from the events and compare them with the stored ones;
    /// exit with status 1 when they differ (with --replace, write the recomputed ones instead).
    Rebuild {
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every operator's chain link by link; name the first broken links and exit with
    /// status 1 when one is broken or an event older than an hour has no link.
    Verify,
    /// Seal every event that has no link yet, however old (the workers seal recent ones).
    Seal,
}

#[derive(Subcommand)]
enum InventoryCommand {
    /// Recompute every balance from the ledger and the orders' reservations; report any drift and
    /// exit with status 1 when there is one.
    Verify,
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TRADEPORT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).init(),
    }
}

/// Connects, migrates and builds the app.
async fn open_app(
    database_url: &str,
    smtp_url: Option<&str>,
    mail_from: &str,
    sms: &SmsArgs,
    (easypost, payments): (&EasyPostArgs, &PaymentArgs),
    (blob_dir, public_url): (&std::path::Path, &str),
    secrets_key: Option<(&str, Vec<&str>)>,
) -> anyhow::Result<App> {
    let db = Db::connect(database_url, &DbOptions::default()).await.with_context(|| {
        format!("cannot open the database {}", tradeport_store::redacted_url(database_url))
    })?;
    db.migrate().await.context("cannot apply the database migrations")?;
    let mut app = App::new(db, Arc::new(SystemClock))
        .with_blobs(tradeport_connectors::blobs::LocalBlobStore::new(blob_dir))
        .with_public_url(public_url);
    if let Some(sid) = &sms.twilio_account_sid {
        let twilio = tradeport_connectors::sms::TwilioSms::new(
            &sms.twilio_base_url,
            sid,
            &sms.twilio_auth_token,
            &sms.twilio_from,
        )
        .map_err(|why| anyhow::anyhow!("cannot use the Twilio account: {why}"))?;
        app = app.with_sms(twilio);
    }
    if let Some(key) = &easypost.easypost_api_key {
        let client = tradeport_connectors::easypost::EasyPost::new(&easypost.easypost_url, key)
            .map_err(|why| anyhow::anyhow!("cannot use the EasyPost account: {why}"))?;
        app = app.with_easypost(client);
    }
    if let Some((current, previous)) = secrets_key {
        let keyring = tradeport_connectors::sealed::Keyring::new(current, &previous)
            .map_err(|why| anyhow::anyhow!("cannot use the secrets key: {why}"))?;
        app = app.with_keyring(keyring);
    }
    app = app
        .with_stripe_api_url(&payments.stripe_url)
        .with_paypal_api_url(&payments.paypal_url)
        .with_alipay_api_url(&payments.alipay_url);
    if let Some(key) = &payments.stripe_secret_key {
        let client = tradeport_connectors::stripe::Stripe::new(&payments.stripe_url, key)
            .map_err(|why| anyhow::anyhow!("cannot use the Stripe account: {why}"))?;
        app = app.with_stripe(client);
    }
    Ok(match smtp_url {
        Some(url) => {
            app.with_mailer(tradeport_connectors::mail::SmtpMailer::new(url, mail_from).with_context(
                || format!("cannot use the SMTP server {}", tradeport_store::redacted_url(url)),
            )?)
        }
        None => app,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // One TLS crypto provider for every client (sqlx, later mail and webhooks): ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    init_logging(cli.log_format);
    if let Command::Secrets(SecretsCommand::NewKey) = cli.command {
        println!("{}", tradeport_connectors::sealed::Keyring::generate_key());
        return Ok(());
    }
    // The demo runs without configuration: a key for this run only (secrets entered into a
    // demo do not open after a restart).
    let demo_key = match (&cli.secrets.secrets_key, &cli.command) {
        (None, Command::Serve(args)) if args.demo => {
            tracing::warn!("no --secrets-key: channel secrets are sealed with a key for this run only");
            Some(tradeport_connectors::sealed::Keyring::generate_key())
        }
        _ => None,
    };
    let secrets_key = cli.secrets.secrets_key.as_deref().or(demo_key.as_deref());
    let previous: Vec<&str> = cli.secrets.previous_secrets_keys.iter().map(String::as_str).collect();
    let amazon_token_url = cli.secrets.amazon_token_url.clone();
    let graph_api_url = cli.secrets.graph_api_url.clone();
    let app = open_app(
        &cli.database_url,
        cli.smtp_url.as_deref(),
        &cli.mail_from,
        &cli.sms,
        (&cli.easypost, &cli.payments),
        (&cli.blob_dir, &cli.public_url),
        secrets_key.map(|k| (k, previous)),
    )
    .await?
    .with_amazon(&amazon_token_url, std::time::Duration::from_secs(2))
    .with_graph_api_url(&graph_api_url);
    match cli.command {
        Command::Serve(args) => serve::run(app, args).await,
        Command::Worker => serve::run_workers_only(app).await,
        Command::Migrate => {
            eprintln!("migrations applied to {}", app.db().backend().as_str());
            Ok(())
        }
        Command::Demo(args) => {
            let summary = demo::run(&app, &args).await?;
            println!("{}", summary.describe("http://127.0.0.1:8080"));
            Ok(())
        }
        Command::Generate(args) => generate::run(&app, &args).await,
        Command::Admin(cmd) => admin::run(&app, cmd).await,
        Command::Orders(cmd) => orders::run(&app, cmd).await,
        Command::Inventory(InventoryCommand::Verify) => verify_inventory(&app).await,
        Command::Audit(AuditCommand::Verify) => audit::verify(&app).await,
        Command::Audit(AuditCommand::Seal) => audit::seal(&app).await,
        Command::Kpi(KpiCommand::Rebuild { replace }) => kpi::rebuild(&app, replace).await,
        Command::Secrets(SecretsCommand::Reseal) => {
            let moved =
                tradeport_app::channels::reseal_secrets(&app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            let accounts = tradeport_app::payments::reseal_payment_secrets(&app)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "secrets reseal: {moved} sealed values of channel connections and {accounts} payment accounts moved to the current key"
            );
            Ok(())
        }
        Command::Secrets(SecretsCommand::NewKey) => Ok(()),
    }
}

async fn verify_inventory(app: &App) -> anyhow::Result<()> {
    let drifts = tradeport_app::inventory::verify_inventory(app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if drifts.is_empty() {
        println!("inventory verify: every balance equals its ledger and its orders' reservations");
        return Ok(());
    }
    for d in &drifts {
        println!(
            "DRIFT sku {} warehouse {}: on hand {} (ledger {}), reserved {} (ledger {}, orders {}){}",
            d.sku_id,
            d.warehouse_id,
            d.balance_on_hand,
            d.ledger_on_hand,
            d.balance_reserved,
            d.ledger_reserved,
            d.orders_reserved,
            if d.stray_order_ids.is_empty() {
                String::new()
            } else {
                format!("; allocations of orders that hold no stock: {}", d.stray_order_ids.join(", "))
            }
        );
    }
    eprintln!("inventory verify: {} balances drift", drifts.len());
    std::process::exit(1);
}
