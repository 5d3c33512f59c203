//! Files answered for download: a PDF shown inline, a CSV saved under its name.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use tradeport_app::warehouse::Document;

/// A document as a PDF, shown inline under its file name.
pub(crate) fn pdf_response(d: Document) -> Response {
    let disposition = format!("inline; filename=\"{}\"", d.file_name.replace('"', ""));
    (
        [(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        d.pdf,
    )
        .into_response()
}

/// CSV text as an attachment named `file_name`.
pub(crate) fn csv_attachment(file_name: &str, csv: String) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file_name.replace('"', ""));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
    )
        .into_response()
}
