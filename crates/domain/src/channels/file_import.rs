//! Orders from a spreadsheet (ORD-1): columns mapped to the intake model (suggested from the
//! headers, in English and Chinese), amounts in major units as people type them (`45.99`), one
//! row per order line, the rows of one order together.
//!
//! Rows are read one at a time and an order is handed on as soon as its last row is read, so a
//! file of any length is never held whole. An order whose rows are not together (its id comes back
//! after another order's rows) is refused with the row numbers, not merged or dropped.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::kernel::{Address, Currency, FieldError, Money};
use crate::orders::{BuyerInput, DiscountInput, LineInput, OrderInput};

/// A column Tradeport reads, with the headers it is recognised by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportColumn {
    pub key: &'static str,
    /// Header names, compared ignoring case, spaces, `_` and `-`.
    pub synonyms: &'static [&'static str],
    pub required: bool,
}

/// Every column, in the order of the error file's explanation.
pub const IMPORT_COLUMNS: [ImportColumn; 25] = [
    col(
        "order_id",
        &["order id", "order number", "order no", "channel order id", "订单号", "订单编号", "平台订单号"],
        true,
    ),
    col(
        "buyer_name",
        &["buyer name", "name", "recipient", "customer", "收件人", "买家姓名", "客户姓名", "姓名"],
        true,
    ),
    col("phone", &["phone", "buyer phone", "telephone", "mobile", "电话", "手机", "联系电话"], false),
    col("email", &["email", "e-mail", "buyer email", "邮箱", "电子邮件"], false),
    col("language", &["language", "buyer language", "语言"], false),
    col("company", &["company", "公司"], false),
    col("line1", &["address", "address 1", "address line 1", "street", "地址", "地址1", "详细地址"], true),
    col("line2", &["address 2", "address line 2", "地址2"], false),
    col("city", &["city", "town", "城市"], true),
    col("state", &["state", "province", "region", "county", "省", "州", "省份", "省/州"], false),
    col("postcode", &["postcode", "zip", "zip code", "postal code", "邮编", "邮政编码"], false),
    col("country", &["country", "country code", "国家", "国家代码"], false),
    col("sku", &["sku", "seller sku", "item sku", "商品编码", "sku编码"], true),
    col("quantity", &["quantity", "qty", "数量"], true),
    col("unit_price", &["unit price", "price", "item price", "单价", "价格"], true),
    col("variant", &["variant", "option", "规格"], false),
    col("currency", &["currency", "币种", "货币"], false),
    col("shipping_fee", &["shipping", "shipping fee", "shipping price", "运费"], false),
    col("tax", &["tax", "vat", "税费", "税"], false),
    col("discount", &["discount", "折扣", "优惠"], false),
    col("total", &["total", "order total", "订单总额", "总价", "总金额"], false),
    col("paid", &["paid", "amount paid", "已付金额", "实付金额"], false),
    col("payment_status", &["payment status", "financial status", "支付状态", "付款状态"], false),
    col(
        "service_level",
        &["service level", "shipping service", "shipping method", "物流服务", "运输方式"],
        false,
    ),
    col("remarks", &["remarks", "note", "notes", "buyer note", "备注", "买家留言"], false),
];

const fn col(key: &'static str, synonyms: &'static [&'static str], required: bool) -> ImportColumn {
    ImportColumn { key, synonyms, required }
}

/// Values for columns the file does not have.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ImportDefaults {
    pub currency: String,
    pub country: String,
    pub service_level: String,
    /// `paid` (the paid amount is then the total), `unpaid`, …; empty means `paid`.
    pub payment_status: String,
}

/// Which header feeds which column, and the defaults; saved per merchant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ColumnMapping {
    /// Column key (`order_id`, `sku`, …) → the file's header.
    pub columns: BTreeMap<String, String>,
    pub defaults: ImportDefaults,
}

fn squash(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The mapping the headers suggest: each column the first header among its synonyms.
pub fn suggest_mapping(headers: &[String]) -> ColumnMapping {
    let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
    let mut columns = BTreeMap::new();
    for c in IMPORT_COLUMNS {
        let found = c
            .synonyms
            .iter()
            .chain(std::iter::once(&c.key))
            .find_map(|s| squashed.iter().position(|h| *h == squash(s)));
        if let Some(at) = found {
            columns.insert(c.key.to_string(), headers[at].trim().trim_start_matches('\u{feff}').to_string());
        }
    }
    ColumnMapping { columns, defaults: ImportDefaults::default() }
}

/// A mapping resolved against a file's headers: column key → cell index.
#[derive(Clone, Debug)]
pub struct RowReader {
    at: BTreeMap<&'static str, usize>,
    defaults: ImportDefaults,
}

impl RowReader {
    /// Resolves `mapping` against `headers`; names every required column that is missing.
    pub fn new(mapping: &ColumnMapping, headers: &[String]) -> Result<Self, Vec<FieldError>> {
        let mut at = BTreeMap::new();
        let mut missing = Vec::new();
        for c in IMPORT_COLUMNS {
            let header = mapping.columns.get(c.key).map(|h| squash(h));
            let index = header.and_then(|h| headers.iter().position(|x| squash(x) == h));
            match index {
                Some(i) => {
                    at.insert(c.key, i);
                }
                None if mapping.columns.contains_key(c.key) => missing.push(FieldError::new(
                    format!("columns.{}", c.key),
                    "unknown_header",
                    format!("the file has no column '{}'; choose one of its headers", mapping.columns[c.key]),
                )),
                None if c.required => missing.push(FieldError::new(
                    format!("columns.{}", c.key),
                    "required",
                    format!(
                        "say which column holds {} (headers such as: {})",
                        c.key,
                        c.synonyms[..2].join(", ")
                    ),
                )),
                None => {}
            }
        }
        let d = &mapping.defaults;
        if !at.contains_key("currency") && Currency::parse(&d.currency).is_none() {
            missing.push(FieldError::new(
                "defaults.currency",
                "required",
                "the file has no currency column: give the currency of its amounts (an ISO 4217 code such as GBP)",
            ));
        }
        if !at.contains_key("service_level") && d.service_level.trim().is_empty() {
            missing.push(FieldError::new(
                "defaults.service_level",
                "required",
                "the file has no service level column: give the service level of its orders, e.g. standard",
            ));
        }
        if missing.is_empty() { Ok(Self { at, defaults: d.clone() }) } else { Err(missing) }
    }

    fn cell<'a>(&self, cells: &'a [String], key: &str) -> &'a str {
        self.at.get(key).and_then(|i| cells.get(*i)).map(|c| c.trim()).unwrap_or_default()
    }
}

/// An order put together from its rows.
#[derive(Clone, Debug)]
pub struct AssembledOrder {
    /// The 1-based row numbers (after the header) of its rows.
    pub rows: Vec<u64>,
    /// Its rows' cells, as read (for the error file).
    pub cells: Vec<Vec<String>>,
    /// The order, or why its rows cannot make one.
    pub order: Result<OrderInput, Vec<String>>,
}

/// Puts orders together from rows in file order.
#[derive(Debug)]
pub struct OrderAssembler {
    reader: RowReader,
    current: Option<(String, Vec<u64>, Vec<Vec<String>>)>,
    /// Order ids already handed on (a later row with one of them is out of place).
    done: HashSet<String>,
}

impl OrderAssembler {
    pub fn new(reader: RowReader) -> Self {
        Self { reader, current: None, done: HashSet::new() }
    }

    /// Takes row `number`; hands on the previous order when this row starts another.
    pub fn push(&mut self, number: u64, cells: Vec<String>) -> Option<AssembledOrder> {
        let id = self.reader.cell(&cells, "order_id").to_string();
        if let Some((current, rows, cells_of)) = &mut self.current
            && *current == id
        {
            rows.push(number);
            cells_of.push(cells);
            return None;
        }
        let finished = self.finish();
        self.current = Some((id, vec![number], vec![cells]));
        finished
    }

    /// Hands on the last order.
    pub fn finish(&mut self) -> Option<AssembledOrder> {
        let (id, rows, cells) = self.current.take()?;
        if !id.is_empty() && !self.done.insert(id.clone()) {
            let why = format!("order {id} appeared earlier in the file: keep the rows of one order together");
            return Some(AssembledOrder { rows, cells, order: Err(vec![why]) });
        }
        Some(AssembledOrder { order: assemble(&self.reader, &cells), rows, cells })
    }
}

/// One order from its rows: order fields from the first row, a line from each.
fn assemble(r: &RowReader, rows: &[Vec<String>]) -> Result<OrderInput, Vec<String>> {
    let first = &rows[0];
    let cell = |key: &str| r.cell(first, key);
    let mut errors = Vec::new();
    let or_default =
        |value: &str, default: &str| if value.is_empty() { default.to_string() } else { value.to_string() };
    let currency_code = or_default(cell("currency"), &r.defaults.currency).to_ascii_uppercase();
    let currency = Currency::parse(&currency_code);
    if currency.is_none() {
        errors.push(format!("currency '{currency_code}' is not an ISO 4217 code such as GBP or USD; fill the column or set a default"));
    }
    let amount = |errors: &mut Vec<String>, key: &str, text: &str| -> i64 {
        if text.is_empty() {
            return 0;
        }
        let Some(c) = currency else { return 0 };
        Money::parse_major(text, c).map(Money::minor).unwrap_or_else(|e| {
            errors.push(format!("{key} '{text}' {e}"));
            0
        })
    };
    let mut lines = Vec::new();
    for row in rows {
        let quantity_text = r.cell(row, "quantity");
        let quantity = quantity_text.parse::<i64>().unwrap_or_else(|_| {
            errors.push(format!("quantity '{quantity_text}' is not a whole number"));
            0
        });
        lines.push(LineInput {
            sku: r.cell(row, "sku").to_string(),
            quantity,
            unit_price_minor: amount(&mut errors, "unit_price", r.cell(row, "unit_price")),
            variant: r.cell(row, "variant").to_string(),
        });
    }
    let shipping = amount(&mut errors, "shipping_fee", cell("shipping_fee"));
    let tax = amount(&mut errors, "tax", cell("tax"));
    let discount = amount(&mut errors, "discount", cell("discount"));
    let lines_total: i64 = lines.iter().map(|l| l.unit_price_minor.saturating_mul(l.quantity)).sum();
    // No total column: what the rows come to (a total that is given is checked by intake).
    let total = if cell("total").is_empty() {
        lines_total - discount + shipping + tax
    } else {
        amount(&mut errors, "total", cell("total"))
    };
    let payment_status = or_default(cell("payment_status"), &r.defaults.payment_status).to_ascii_lowercase();
    let payment_status = if payment_status.is_empty() { "paid".to_string() } else { payment_status };
    let paid = if !cell("paid").is_empty() {
        amount(&mut errors, "paid", cell("paid"))
    } else if payment_status == "paid" {
        total
    } else {
        0
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(OrderInput {
        merchant_id: None,
        channel: "csv".into(),
        channel_order_id: cell("order_id").to_string(),
        buyer: BuyerInput {
            name: cell("buyer_name").to_string(),
            phone: cell("phone").to_string(),
            email: cell("email").to_string(),
            language: cell("language").to_string(),
        },
        shipping_address: Address {
            name: cell("buyer_name").to_string(),
            company: cell("company").to_string(),
            line1: cell("line1").to_string(),
            line2: cell("line2").to_string(),
            city: cell("city").to_string(),
            state: cell("state").to_string(),
            postcode: cell("postcode").to_string(),
            country: or_default(cell("country"), &r.defaults.country),
        },
        lines,
        discounts: if discount > 0 {
            vec![DiscountInput { code: "import".into(), amount_minor: discount }]
        } else {
            Vec::new()
        },
        shipping_fee_minor: shipping,
        tax_minor: tax,
        currency: currency_code,
        total_minor: total,
        paid_minor: paid,
        payment_method: "import".into(),
        payment_status,
        service_level: or_default(cell("service_level"), &r.defaults.service_level),
        carrier_service: String::new(),
        payment_reference: String::new(),
        urgent: false,
        remarks: cell("remarks").to_string(),
        billing_country: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn headers_in_english_and_chinese_suggest_the_mapping() {
        let english = strings(&[
            "\u{feff}Order Number",
            "Name",
            "Address 1",
            "City",
            "Zip",
            "Country",
            "SKU",
            "Qty",
            "Price",
            "Currency",
        ]);
        let m = suggest_mapping(&english);
        assert_eq!(m.columns["order_id"], "Order Number");
        assert_eq!(m.columns["postcode"], "Zip");
        assert_eq!(m.columns["unit_price"], "Price");
        assert!(!m.columns.contains_key("tax"));
        let chinese = strings(&[
            "订单号",
            "收件人",
            "电话",
            "地址",
            "城市",
            "邮编",
            "国家",
            "商品编码",
            "数量",
            "单价",
            "币种",
            "运费",
            "备注",
        ]);
        let m = suggest_mapping(&chinese);
        let keys: Vec<&str> = m.columns.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "buyer_name",
                "city",
                "country",
                "currency",
                "line1",
                "order_id",
                "phone",
                "postcode",
                "quantity",
                "remarks",
                "shipping_fee",
                "sku",
                "unit_price"
            ]
        );
        assert_eq!(RowReader::new(&m, &chinese).unwrap_err()[0].field, "defaults.service_level");
    }

    #[test]
    fn a_missing_required_column_or_an_unknown_header_is_named() {
        let headers = strings(&["order", "sku"]);
        let mut m = suggest_mapping(&headers);
        m.columns.insert("quantity".into(), "Menge".into());
        let errors = RowReader::new(&m, &headers).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "columns.order_id",
                "columns.buyer_name",
                "columns.line1",
                "columns.city",
                "columns.quantity",
                "columns.unit_price",
                "defaults.currency",
                "defaults.service_level"
            ]
        );
        assert_eq!(errors[4].code, "unknown_header");
    }

    #[test]
    fn rows_of_one_order_become_its_lines_and_amounts_are_read_in_major_units() {
        let headers = strings(&[
            "order id", "name", "address", "city", "postcode", "country", "sku", "qty", "price", "shipping",
            "tax",
        ]);
        let mut m = suggest_mapping(&headers);
        m.defaults.currency = "GBP".into();
        m.defaults.service_level = "standard".into();
        let mut a = OrderAssembler::new(RowReader::new(&m, &headers).unwrap());
        let row = |id: &str, sku: &str, qty: &str, price: &str| {
            strings(&[id, "Ada", "1 Way", "London", "EC1Y 8SY", "GB", sku, qty, price, "4.50", "1.00"])
        };
        assert!(a.push(1, row("A1", "LAMP", "2", "25.00")).is_none());
        assert!(a.push(2, row("A1", "PEN", "1", "3")).is_none());
        let first = a.push(3, row("B2", "LAMP", "x", "25.005")).unwrap();
        assert_eq!(first.rows, [1, 2]);
        let o = first.order.unwrap();
        let lines: Vec<(&str, i64, i64)> =
            o.lines.iter().map(|l| (l.sku.as_str(), l.quantity, l.unit_price_minor)).collect();
        assert_eq!(lines, [("LAMP", 2, 2500), ("PEN", 1, 300)]);
        assert_eq!((o.shipping_fee_minor, o.tax_minor, o.total_minor, o.paid_minor), (450, 100, 5850, 5850));
        assert_eq!((o.payment_status.as_str(), o.channel.as_str()), ("paid", "csv"));
        assert!(a.push(4, row("A1", "LAMP", "1", "25")).is_some());
        let bad = a.finish().unwrap();
        assert_eq!(bad.rows, [4]);
        assert!(bad.order.unwrap_err()[0].contains("appeared earlier"), "rows of one order apart");
    }

    #[test]
    fn bad_cells_are_all_named() {
        let headers = strings(&["order id", "name", "address", "city", "sku", "qty", "price", "currency"]);
        let mut m = suggest_mapping(&headers);
        m.defaults.service_level = "standard".into();
        let mut a = OrderAssembler::new(RowReader::new(&m, &headers).unwrap());
        a.push(1, strings(&["X", "Ada", "1 Way", "London", "LAMP", "two", "1.234", "GBP"]));
        let errors = a.finish().unwrap().order.unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].contains("quantity 'two'") && errors[1].contains("unit_price '1.234'"),
            "{errors:?}"
        );
    }
}
