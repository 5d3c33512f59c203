//! `tradeport orders import FILE --merchant CODE`: an order file imported from the terminal, with
//! a progress bar, through the same engine as the web upload.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Subcommand;
use tradeport_app::App;
use tradeport_app::access::{self, system_principal};
use tradeport_app::channels::{ImportSource, headers_and_count, import_file, suggested_mapping};
use tradeport_connectors::sheets::SheetFormat;
use tradeport_domain::channels::{ColumnMapping, RowReader};

#[derive(Subcommand)]
pub enum OrdersCommand {
    /// Import an order file (.csv in UTF-8, or .xlsx): one row per order line, the rows of one
    /// order together. Refused rows are written with their reasons to FILE.errors.csv.
    Import {
        file: PathBuf,
        /// The merchant's code.
        #[arg(long)]
        merchant: String,
        /// Check every row and report, without making any order.
        #[arg(long)]
        dry_run: bool,
        /// A JSON file with the column mapping (`{"columns": {"order_id": "Order No", …},
        /// "defaults": {"currency": "GBP"}}`); without it the merchant's last mapping or the one
        /// the headers suggest is used.
        #[arg(long)]
        mapping: Option<PathBuf>,
    },
}

pub async fn run(app: &App, cmd: OrdersCommand) -> anyhow::Result<()> {
    let OrdersCommand::Import { file, merchant, dry_run, mapping } = cmd;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let Some(format) = SheetFormat::of_file(&name) else {
        bail!("{}: import a .csv or .xlsx file", file.display())
    };
    let tenant =
        access::tenant_by_code(app, &merchant).await.map_err(|e| anyhow::anyhow!("--merchant: {e}"))?;
    let (headers, total) =
        headers_and_count(ImportSource::File(file.clone()), format).await.map_err(crate::admin::explain)?;
    let mapping: ColumnMapping = match mapping {
        Some(path) => {
            let text =
                std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{} is not a column mapping", path.display()))?
        }
        None => suggested_mapping(app, tenant.operator_id, tenant.id, &headers)
            .await
            .map_err(crate::admin::explain)?,
    };
    let reader = match RowReader::new(&mapping, &headers) {
        Ok(r) => r,
        Err(problems) => {
            for p in &problems {
                eprintln!("{}: {}", p.field, p.message);
            }
            bail!("the columns of {} are not all known: pass --mapping with a mapping file", file.display());
        }
    };
    let principal = system_principal(tenant.operator_id);
    let started = std::time::Instant::now();
    let outcome = import_file(
        app,
        &principal,
        tenant.id,
        (ImportSource::File(file.clone()), format),
        reader,
        dry_run,
        |p| progress_bar(p.rows_done, total),
    )
    .await
    .map_err(crate::admin::explain)?;
    eprintln!();
    let p = outcome.progress;
    let verb = if dry_run { "would be made" } else { "made" };
    println!(
        "{} rows in {:.1} s: {} orders {verb}, {} known already, {} rows refused",
        p.rows_done,
        started.elapsed().as_secs_f64(),
        p.orders_created,
        p.orders_existing,
        p.rows_refused
    );
    if !outcome.errors_csv.is_empty() {
        let errors = file.with_extension("errors.csv");
        std::fs::write(&errors, &outcome.errors_csv)
            .with_context(|| format!("cannot write {}", errors.display()))?;
        println!("refused rows with their reasons: {}", errors.display());
    }
    Ok(())
}

/// `[#####-----] 1200/10000 rows` on one terminal line.
fn progress_bar(done: i64, total: i64) {
    let width = 30;
    let filled = if total > 0 { (done.min(total) * width / total) as usize } else { 0 };
    eprint!("\r[{}{}] {done}/{total} rows", "#".repeat(filled), "-".repeat(width as usize - filled));
    let _ = std::io::stderr().flush();
}
