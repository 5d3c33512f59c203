//! Static assets, embedded in the binary and cached by browsers for a year (names carry versions).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const ASSETS: &[(&str, &str, &[u8])] = &[
    ("htmx-2.0.11.min.js", "text/javascript", include_bytes!("../../assets/htmx-2.0.11.min.js")),
    ("app.css", "text/css", include_bytes!("../../assets/app.css")),
    ("service.js", "text/javascript", include_bytes!("../../assets/service.js")),
];

pub async fn serve(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, bytes)) => {
            let cache = if file == "app.css" || file == "service.js" {
                "public, max-age=300"
            } else {
                "public, max-age=31536000, immutable"
            };
            ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, cache)], *bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
