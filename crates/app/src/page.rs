//! Cursor pagination: a page of items and the cursor of the next page.

use serde::Serialize;
use tradeport_domain::kernel::FieldError;

/// Largest page a client may ask for.
pub const MAX_LIMIT: u32 = 200;
/// Page size when the client does not say.
pub const DEFAULT_LIMIT: u32 = 50;

/// What page a client asks for: at most `limit` items after `cursor` (opaque to clients).
#[derive(Clone, Debug, Default)]
pub struct PageRequest {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

impl PageRequest {
    /// The checked limit.
    pub fn limit(&self) -> Result<u32, FieldError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(FieldError::new(
                "limit",
                "out_of_range",
                format!("limit must be between 1 and {MAX_LIMIT}"),
            )),
        }
    }

    /// The cursor as the id it carries (keyset lists by id); `None` for the first page.
    pub fn id_cursor<T: std::str::FromStr>(&self) -> Result<Option<T>, FieldError> {
        let raw = self.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty());
        raw.map(|c| {
            c.parse().map_err(|_| {
                FieldError::new(
                    "cursor",
                    "invalid_cursor",
                    "cursor must be the next_cursor of a previous page; leave it out for the first page",
                )
            })
        })
        .transpose()
    }
}

/// One page of a list.
#[derive(Clone, Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Cuts `rows` (fetched with one extra row) to `limit`, taking the cursor from the last kept
    /// item.
    pub fn from_rows(mut rows: Vec<T>, limit: u32, cursor_of: impl Fn(&T) -> String) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = if more { rows.last().map(cursor_of) } else { None };
        Self { items: rows, next_cursor }
    }
}
