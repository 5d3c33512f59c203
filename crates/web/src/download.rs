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

/// A ZIP package as an attachment named `file_name`.
pub(crate) fn zip_attachment(file_name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file_name.replace('"', ""));
    (
        [(header::CONTENT_TYPE, "application/zip".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response()
}

/// A file someone sent (a ticket's attachment), always saved rather than shown: only images and
/// PDFs keep their type, anything else is plain bytes, so a sent page never runs in our origin.
pub(crate) fn sent_file(file_name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    const SAFE: [&str; 5] = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"];
    let kind = if SAFE.contains(&content_type) { content_type } else { "application/octet-stream" };
    let name: String = file_name.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\\')).collect();
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}

/// A filed report (`….pdf` shown inline, `….xlsx` saved) under its name.
pub(crate) fn report_file(file_name: &str, bytes: Vec<u8>) -> Response {
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let name = file_name.replace('"', "");
    let (kind, disposition) = if name.ends_with(".pdf") {
        ("application/pdf", format!("inline; filename=\"{name}\""))
    } else {
        (XLSX, format!("attachment; filename=\"{name}\""))
    };
    ([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}

/// An export (CSV or XLSX) saved under its name.
pub(crate) fn export_file(f: tradeport_app::orders::ExportFile) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", f.file_name);
    (
        [(header::CONTENT_TYPE, f.content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)],
        f.bytes,
    )
        .into_response()
}
