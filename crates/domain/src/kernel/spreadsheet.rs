//! Text that leaves the product in a CSV file is opened in spreadsheets, which run a cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula ("CSV injection").
//! Such a cell is prefixed with `'`, which spreadsheets show as text and do not evaluate.

use std::borrow::Cow;

/// `cell`, made safe to open in a spreadsheet.
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_left_alone() {
        let cases = [
            ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
            ("+1-555", "'+1-555"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("Ada Lovelace", "Ada Lovelace"),
            ("#1001", "#1001"),
            ("", ""),
            ("a=b", "a=b"),
        ];
        for (cell, safe) in cases {
            assert_eq!(spreadsheet_safe(cell), safe, "{cell:?}");
        }
    }
}
