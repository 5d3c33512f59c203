//! Writing workbooks (`.xlsx`) for reports: one worksheet per table, its first row the header
//! (bold, frozen), text and numbers as cells. Text that a spreadsheet would run as a formula is
//! written as text, never as a formula.

use rust_xlsxwriter::{Format, Workbook};

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<Option<f64>> for Cell {
    fn from(n: Option<f64>) -> Self {
        n.map_or(Cell::Empty, Cell::Number)
    }
}

/// One worksheet: a name (at most 31 characters, as Excel allows) and its rows, header first.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// The workbook's bytes.
pub fn write_workbook(sheets: &[Sheet]) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for sheet in sheets {
        let ws = book.add_worksheet();
        let name: String = sheet.name.chars().take(31).collect();
        ws.set_name(&name).map_err(|e| format!("sheet name {name}: {e}"))?;
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r).map_err(|_| "too many rows".to_string())?;
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| "too many columns".to_string())?;
                let written = match (cell, r) {
                    (Cell::Text(t), 0) => ws.write_string_with_format(r, c, t, &bold).map(|_| ()),
                    (Cell::Text(t), _) => ws.write_string(r, c, t).map(|_| ()),
                    (Cell::Number(n), _) => ws.write_number(r, c, *n).map(|_| ()),
                    (Cell::Empty, _) => Ok(()),
                };
                written.map_err(|e| format!("cell {r},{c} of {name}: {e}"))?;
            }
        }
        if !sheet.rows.is_empty() {
            ws.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
        }
    }
    book.save_to_buffer().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::{SheetFormat, read_rows};

    #[test]
    fn a_workbook_reads_back_cell_by_cell() {
        let sheets = [
            Sheet {
                name: "Summary".into(),
                rows: vec![
                    vec!["section".into(), "key".into(), "value".into()],
                    vec!["kpi".into(), "time_to_ship".into(), Cell::Number(47.5)],
                    vec!["note".into(), "=1+1".into(), Cell::Empty],
                ],
            },
            Sheet { name: "A name far longer than Excel's thirty-one characters".into(), rows: vec![] },
        ];
        let bytes = write_workbook(&sheets).unwrap();
        let mut rows = Vec::new();
        read_rows(std::io::Cursor::new(bytes), SheetFormat::Xlsx, |_, row| {
            rows.push(row);
            true
        })
        .unwrap();
        assert_eq!(
            rows,
            [vec!["section", "key", "value"], vec!["kpi", "time_to_ship", "47.5"], vec!["note", "=1+1"]],
            "a formula is kept as text"
        );
    }
}
