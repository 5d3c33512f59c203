//! The import of an order file, shared by the web upload and `tradeport orders import`: rows read
//! on a blocking thread and handed over through a bounded channel (so a file of any size is never
//! held whole), orders put together from their rows, each taken through the same intake as every
//! other order (several at once, which SQLite's group commit writes together), and every refused
//! row written with its reasons to an error file the user can fix and upload again. An order the
//! merchant has already (the same file again) is counted, never made twice.

use std::path::PathBuf;

use tokio::task::JoinSet;
use tradeport_connectors::sheets::{SheetFormat, read_rows};
use tradeport_domain::access::Principal;
use tradeport_domain::channels::{AssembledOrder, OrderAssembler, RowReader};
use tradeport_domain::kernel::{TenantId, spreadsheet_safe};
use tradeport_store::channels::imports::Progress;

use super::take_order::refusal_text;
use crate::orders::{check_order, create_order};
use crate::{App, AppError, AppResult};

/// Orders taken in at once.
const IN_FLIGHT: usize = 8;

/// Where the file's bytes are.
#[derive(Clone, Debug)]
pub enum ImportSource {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// What a run did.
#[derive(Clone, Debug, Default)]
pub struct ImportOutcome {
    pub progress: Progress,
    /// The refused rows with their reasons (UTF-8 CSV with a byte-order mark, for Excel); empty
    /// when none was refused.
    pub errors_csv: Vec<u8>,
}

/// Reads the header row and counts the rows after it.
pub async fn headers_and_count(source: ImportSource, format: SheetFormat) -> AppResult<(Vec<String>, i64)> {
    tokio::task::spawn_blocking(move || {
        let mut headers = Vec::new();
        let rows = with_reader(&source, |r| {
            read_rows(r, format, |n, cells| {
                if n == 0 {
                    headers = cells;
                }
                true
            })
        })?;
        if headers.is_empty() {
            return Err("the file is empty: its first row names the columns".to_string());
        }
        Ok((headers, rows as i64))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|why| {
        AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new("file", "unreadable", why)])
    })
}

fn with_reader<T>(
    source: &ImportSource,
    read: impl FnOnce(Box<dyn ReadSeek + '_>) -> Result<T, String>,
) -> Result<T, String> {
    match source {
        ImportSource::Bytes(b) => read(Box::new(std::io::Cursor::new(b.as_slice()))),
        ImportSource::File(path) => {
            let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
            read(Box::new(std::io::BufReader::new(file)))
        }
    }
}

/// `Read + Seek` as one object.
trait ReadSeek: std::io::Read + std::io::Seek {}
impl<T: std::io::Read + std::io::Seek> ReadSeek for T {}

/// One order's result: its rows and why it was refused, or whether it was new.
type Taken = (AssembledOrder, Result<bool, String>);

/// Imports (or, on a dry run, only checks) every order of the file for `merchant`.
/// `on_progress` hears how far it got every few hundred rows.
pub async fn import_file(
    app: &App,
    principal: &Principal,
    merchant: TenantId,
    (source, format): (ImportSource, SheetFormat),
    reader: RowReader,
    dry_run: bool,
    mut on_progress: impl FnMut(Progress),
) -> AppResult<ImportOutcome> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(u64, Vec<String>)>(1024);
    let reading = tokio::task::spawn_blocking(move || {
        with_reader(&source, |r| read_rows(r, format, |n, cells| tx.blocking_send((n, cells)).is_ok()))
    });
    let mut errors = ErrorFile::default();
    let mut p = Progress::default();
    let mut assembler = OrderAssembler::new(reader);
    let mut running: JoinSet<Taken> = JoinSet::new();
    let mut last_report = 0;
    let merchant_id = merchant.to_string();
    loop {
        let row = rx.recv().await;
        let assembled = match &row {
            Some((0, headers)) => {
                errors.headers = headers.clone();
                continue;
            }
            Some((n, cells)) => assembler.push(*n, cells.clone()),
            None => assembler.finish(),
        };
        if let Some(order) = assembled {
            if running.len() >= IN_FLIGHT
                && let Some(done) = running.join_next().await
            {
                tally(&mut p, &mut errors, done.map_err(|e| AppError::Internal(e.to_string()))?)?;
            }
            let (app, principal, merchant_id) = (app.clone(), *principal, merchant_id.clone());
            running.spawn(async move { take(&app, &principal, &merchant_id, order, dry_run).await });
        }
        if p.rows_done - last_report >= 250 {
            last_report = p.rows_done;
            on_progress(p);
        }
        if row.is_none() {
            break;
        }
    }
    while let Some(done) = running.join_next().await {
        tally(&mut p, &mut errors, done.map_err(|e| AppError::Internal(e.to_string()))?)?;
    }
    reading.await.map_err(|e| AppError::Internal(e.to_string()))?.map_err(|why| {
        AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new("file", "unreadable", why)])
    })?;
    on_progress(p);
    Ok(ImportOutcome { progress: p, errors_csv: errors.finish()? })
}

/// Takes one order in (or checks it): `Ok(true)` made, `Ok(false)` known already.
async fn take(
    app: &App,
    principal: &Principal,
    merchant: &str,
    order: AssembledOrder,
    dry_run: bool,
) -> Taken {
    let mut input = match &order.order {
        Ok(input) => input.clone(),
        Err(reasons) => {
            let why = reasons.join("; ");
            return (order, Err(why));
        }
    };
    input.merchant_id = Some(merchant.to_string());
    let result = if dry_run {
        match check_order(app, principal, &input).await {
            Ok(_) => known(app, principal, &input).await.map(|k| !k),
            Err(e) => Err(e),
        }
    } else {
        create_order(app, principal, &input).await.map(|intake| intake.created)
    };
    let result = result.map_err(|e| refusal_text(&e));
    (order, result)
}

/// Whether the merchant has this order already (for a dry run's count).
async fn known(
    app: &App,
    principal: &Principal,
    input: &tradeport_domain::orders::OrderInput,
) -> AppResult<bool> {
    let merchant: TenantId = crate::parse_id(input.merchant_id.as_deref().unwrap_or_default(), "merchant")?;
    let mut conn = app.db().read().await?;
    let found = tradeport_store::orders::find_by_channel_id(
        &mut conn,
        principal.scope.operator_id,
        merchant,
        &input.channel,
        input.channel_order_id.trim(),
    )
    .await?;
    Ok(found.is_some())
}

fn tally(p: &mut Progress, errors: &mut ErrorFile, (order, result): Taken) -> AppResult<()> {
    p.rows_done += order.rows.len() as i64;
    match result {
        Ok(true) => p.orders_created += 1,
        Ok(false) => p.orders_existing += 1,
        Err(why) => {
            p.rows_refused += order.rows.len() as i64;
            for (row, cells) in order.rows.iter().zip(&order.cells) {
                errors.add(*row, &why, cells)?;
            }
        }
    }
    Ok(())
}

/// The refused rows: row number, reasons, then the row as it was.
#[derive(Default)]
struct ErrorFile {
    headers: Vec<String>,
    writer: Option<csv::Writer<Vec<u8>>>,
}

impl ErrorFile {
    fn add(&mut self, row: u64, why: &str, cells: &[String]) -> AppResult<()> {
        let internal = |e: csv::Error| AppError::Internal(format!("the error file: {e}"));
        if self.writer.is_none() {
            let mut w = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
            let header: Vec<&str> =
                ["row", "errors"].into_iter().chain(self.headers.iter().map(String::as_str)).collect();
            w.write_record(&header).map_err(internal)?;
            self.writer = Some(w);
        }
        let row = row.to_string();
        let mut record: Vec<String> = vec![row, spreadsheet_safe(why).into_owned()];
        record.extend(cells.iter().map(|c| spreadsheet_safe(c).into_owned()));
        self.writer.as_mut().map(|w| w.write_record(&record)).transpose().map_err(internal)?;
        Ok(())
    }

    fn finish(self) -> AppResult<Vec<u8>> {
        match self.writer {
            None => Ok(Vec::new()),
            Some(w) => w.into_inner().map_err(|e| AppError::Internal(format!("the error file: {e}"))),
        }
    }
}
