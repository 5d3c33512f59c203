//! Reading an order file row by row: CSV (UTF-8, with or without the byte-order mark Excel
//! writes) or Excel `.xlsx` (the first worksheet, read cell by cell, never as a whole sheet). Each
//! row reaches the caller as text cells, numbers written as people typed them (`45.99`, not
//! `45.990000000000002`).

use std::io::{Read, Seek};

/// A file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetFormat {
    Csv,
    Xlsx,
}

impl SheetFormat {
    /// The format a file name says (`orders.csv`, `订单.xlsx`); `None` for anything else.
    pub fn of_file(name: &str) -> Option<Self> {
        let lower = name.trim().to_ascii_lowercase();
        if lower.ends_with(".csv") || lower.ends_with(".txt") {
            Some(Self::Csv)
        } else if lower.ends_with(".xlsx") {
            Some(Self::Xlsx)
        } else {
            None
        }
    }
}

/// Reads `source` and hands each row to `on_row` with its number (0 is the header row); stops
/// when `on_row` returns false. Returns the number of rows after the header.
pub fn read_rows<R: Read + Seek>(
    source: R,
    format: SheetFormat,
    mut on_row: impl FnMut(u64, Vec<String>) -> bool,
) -> Result<u64, String> {
    match format {
        SheetFormat::Csv => read_csv(source, &mut on_row),
        SheetFormat::Xlsx => read_xlsx(source, &mut on_row),
    }
}

fn read_csv<R: Read>(source: R, on_row: &mut impl FnMut(u64, Vec<String>) -> bool) -> Result<u64, String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(source);
    let mut n = 0u64;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => format!(
                        "row {n} is not UTF-8 text: save the file as \"CSV UTF-8\" (or upload the .xlsx file)"
                    ),
                    _ => format!("row {n} cannot be read: {e}"),
                });
            }
        }
        let mut cells: Vec<String> = record.iter().map(str::to_string).collect();
        if n == 0
            && let Some(first) = cells.first_mut()
        {
            *first = first.trim_start_matches('\u{feff}').to_string();
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if !on_row(n, cells) {
            break;
        }
        n += 1;
    }
    Ok(n.saturating_sub(1))
}

fn cell_text(value: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match value {
        DataRef::Int(i) => i.to_string(),
        // Rust prints the shortest text that reads back as the same float: 45.99, not 45.990000000000002.
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => format!("{f}"),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

fn read_xlsx<R: Read + Seek>(
    source: R,
    on_row: &mut impl FnMut(u64, Vec<String>) -> bool,
) -> Result<u64, String> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<R> = calamine::open_workbook_from_rs(source)
        .map_err(|e| format!("the file is not an Excel workbook: {e}"))?;
    let first = book.sheet_names().into_iter().next().ok_or("the workbook has no worksheet")?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|e| format!("the first worksheet cannot be read: {e}"))?;
    let (mut row_at, mut row, mut n) = (None::<u32>, Vec::<String>::new(), 0u64);
    let mut emit = |row: &mut Vec<String>, n: &mut u64| -> bool {
        let cells = std::mem::take(row);
        if cells.iter().all(|c| c.trim().is_empty()) {
            return true;
        }
        let go_on = on_row(*n, cells);
        *n += 1;
        go_on
    };
    while let Some(cell) = cells.next_cell().map_err(|e| format!("row {n} cannot be read: {e}"))? {
        let (r, c) = cell.get_position();
        if row_at != Some(r) {
            if row_at.is_some() && !emit(&mut row, &mut n) {
                return Ok(n.saturating_sub(1));
            }
            row_at = Some(r);
        }
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = cell_text(cell.get_value());
    }
    if row_at.is_some() {
        emit(&mut row, &mut n);
    }
    Ok(n.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8], format: SheetFormat) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        read_rows(std::io::Cursor::new(bytes), format, |_, r| {
            out.push(r);
            true
        })
        .unwrap();
        out
    }

    #[test]
    fn csv_rows_are_read_with_the_excel_bom_removed_and_blank_rows_skipped() {
        let file = "\u{feff}订单号,收件人,单价\r\nA1,\"Lovelace, Ada\",45.99\r\n,,\r\nA2,王芳,3\r\n";
        let read = rows(file.as_bytes(), SheetFormat::Csv);
        assert_eq!(
            read,
            [vec!["订单号", "收件人", "单价"], vec!["A1", "Lovelace, Ada", "45.99"], vec!["A2", "王芳", "3"]]
        );
        let err =
            read_rows(std::io::Cursor::new(b"a,b\n\xff\xfe,x\n".to_vec()), SheetFormat::Csv, |_, _| true)
                .unwrap_err();
        assert!(err.contains("UTF-8"), "{err}");
    }

    #[test]
    fn xlsx_rows_read_back_as_written_with_numbers_as_typed() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["Order ID", "SKU", "Qty", "Price"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "A1").unwrap();
        sheet.write_string(1, 1, "LAMP").unwrap();
        sheet.write_number(1, 2, 2.0).unwrap();
        sheet.write_number(1, 3, 45.99).unwrap();
        sheet.write_string(3, 0, "A2").unwrap();
        sheet.write_number(3, 3, 0.1 + 0.2).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let read = rows(&bytes, SheetFormat::Xlsx);
        assert_eq!(read[0], ["Order ID", "SKU", "Qty", "Price"]);
        assert_eq!(read[1], ["A1", "LAMP", "2", "45.99"]);
        assert_eq!(read[2], ["A2", "", "", "0.30000000000000004"], "a computed float is kept, not rounded");
        assert_eq!(SheetFormat::of_file("订单.XLSX"), Some(SheetFormat::Xlsx));
        assert_eq!(SheetFormat::of_file("orders.xls"), None);
    }
}
