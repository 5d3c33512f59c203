//! Customs declarations (SHP-3, SHP-4): what a parcel crossing a border declares, line by line
//! from its SKUs, and the checks customs would make before it leaves: an HS code of 6 to 10
//! digits, a value above zero, a description specific enough to classify ("gift" and "goods" are
//! refused), the importer numbers some destinations need for prepaid VAT. The form follows the
//! value: CN22 up to 300 SDR, CN23 above.

use crate::kernel::{Currency, FieldError};

/// Who pays duties and import taxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Incoterm {
    /// Delivered at place: the buyer pays them on arrival.
    Dap,
    /// Delivered duty paid: the sender has paid them.
    Ddp,
}

impl Incoterm {
    pub const ALL: [Incoterm; 2] = [Self::Dap, Self::Ddp];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dap => "DAP",
            Self::Ddp => "DDP",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// Why the goods cross the border (the category box of CN22 and CN23).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportReason {
    Sale,
    Gift,
    Sample,
    Documents,
    ReturnedGoods,
    Other,
}

impl ExportReason {
    pub const ALL: [ExportReason; 6] =
        [Self::Sale, Self::Gift, Self::Sample, Self::Documents, Self::ReturnedGoods, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sale => "sale",
            Self::Gift => "gift",
            Self::Sample => "sample",
            Self::Documents => "documents",
            Self::ReturnedGoods => "returned_goods",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// The words on the form.
    pub fn form_label(self) -> &'static str {
        match self {
            Self::Sale => "Sale of goods",
            Self::Gift => "Gift",
            Self::Sample => "Commercial sample",
            Self::Documents => "Documents",
            Self::ReturnedGoods => "Returned goods",
            Self::Other => "Other",
        }
    }
}

/// The declaration form a parcel needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CustomsForm {
    Cn22,
    Cn23,
}

impl CustomsForm {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cn22 => "CN22",
            Self::Cn23 => "CN23",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Cn22, Self::Cn23].into_iter().find(|v| v.as_str() == s)
    }
}

/// One line of a declaration: one SKU in the parcel (as stored and shown).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CustomsLine {
    pub sku: String,
    pub description: String,
    pub hs_code: String,
    pub origin_country: String,
    pub quantity: i64,
    /// The line's value (all its units), in the declaration's currency.
    pub value_minor: i64,
    /// The line's net weight (all its units).
    pub weight_g: i64,
}

/// A parcel's declaration, as it will be printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    pub destination: String,
    pub incoterm: Incoterm,
    pub reason: ExportReason,
    pub currency: Currency,
    pub lines: Vec<CustomsLine>,
    /// The EU Import One-Stop-Shop number the VAT was paid under (`IM` and 10 digits).
    pub ioss_number: Option<String>,
    /// The UK VAT number the VAT was paid under (`GB` and 9 or 12 digits).
    pub vat_number: Option<String>,
}

impl Declaration {
    pub fn total_value_minor(&self) -> i64 {
        self.lines.iter().map(|l| l.value_minor).sum()
    }

    pub fn total_weight_g(&self) -> i64 {
        self.lines.iter().map(|l| l.weight_g).sum()
    }
}

/// Descriptions customs refuse as too vague to classify (UPU and carriers' guidance).
const VAGUE: [&str; 24] = [
    "gift",
    "gifts",
    "goods",
    "sample",
    "samples",
    "merchandise",
    "item",
    "items",
    "stuff",
    "product",
    "products",
    "parts",
    "accessories",
    "misc",
    "miscellaneous",
    "other",
    "various",
    "general",
    "present",
    "commodity",
    "礼物",
    "礼品",
    "货物",
    "样品",
];

/// The EU's member states: consignments into them may carry VAT paid under IOSS.
const EU: [&str; 27] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
    "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// Whether goods from `origin` to `destination` cross a customs border (none inside the EU).
pub fn crosses_customs(origin: &str, destination: &str) -> bool {
    let (o, d) = (origin.trim().to_uppercase(), destination.trim().to_uppercase());
    o != d && !(EU.contains(&o.as_str()) && EU.contains(&d.as_str()))
}

/// Minor units of a currency worth 100 SDR: IMF rates of 2025 rounded, for choosing the form and
/// the VAT thresholds; a currency not listed is compared as if worth nothing (CN23, the safe side).
const PER_100_SDR: [(&str, i64); 12] = [
    ("USD", 13_600),
    ("EUR", 11_800),
    ("GBP", 10_200),
    ("CNY", 97_000),
    ("HKD", 106_000),
    ("JPY", 20_500),
    ("CAD", 18_900),
    ("AUD", 20_900),
    ("SGD", 17_600),
    ("CHF", 10_900),
    ("SEK", 129_000),
    ("PLN", 50_000),
];

/// An amount converted between two listed currencies through the SDR, rounded down; `None` when
/// either is not listed.
pub fn convert(minor: i64, from: Currency, to: Currency) -> Option<i64> {
    let rate = |c: Currency| PER_100_SDR.iter().find(|(code, _)| *code == c.code()).map(|(_, r)| *r);
    let (a, b) = (rate(from)?, rate(to)?);
    i64::try_from(i128::from(minor) * i128::from(b) / i128::from(a)).ok()
}

/// CN22 up to 300 SDR of goods, CN23 above (and for a currency without a rate).
pub fn form_for(value_minor: i64, currency: Currency) -> CustomsForm {
    let limit = PER_100_SDR.iter().find(|(code, _)| *code == currency.code()).map(|(_, r)| r * 3);
    match limit {
        Some(limit) if value_minor <= limit => CustomsForm::Cn22,
        _ => CustomsForm::Cn23,
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// Every reason the declaration would be refused, each naming its field and the fix.
pub fn validate_declaration(d: &Declaration) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if d.lines.is_empty() {
        errors.push(FieldError::new("lines", "no_goods", "the parcel holds no goods to declare"));
    }
    for (i, l) in d.lines.iter().enumerate() {
        let field = |name: &str| format!("lines[{i}].{name}");
        let description = l.description.trim().to_lowercase();
        if description.chars().count() < 3 || VAGUE.contains(&description.as_str()) {
            errors.push(FieldError::new(
                field("description"),
                "vague_description",
                format!(
                    "{}: \"{}\" does not say what the goods are; describe them, e.g. \"cotton T-shirt\" or \"ceramic mug\"",
                    l.sku, l.description
                ),
            ));
        }
        let hs = l.hs_code.replace('.', "");
        if !(6..=10).contains(&hs.len()) || !all_digits(&hs) {
            errors.push(FieldError::new(
                field("hs_code"),
                "invalid_hs_code",
                format!(
                    "{}: the HS code must be 6 to 10 digits (it is \"{}\"); set it on the SKU",
                    l.sku, l.hs_code
                ),
            ));
        }
        if l.origin_country.len() != 2 || !l.origin_country.chars().all(|c| c.is_ascii_uppercase()) {
            errors.push(FieldError::new(
                field("origin_country"),
                "invalid_origin",
                format!("{}: the country of origin must be an ISO code such as CN; set it on the SKU", l.sku),
            ));
        }
        if l.quantity <= 0 {
            errors.push(FieldError::new(
                field("quantity"),
                "invalid_quantity",
                "the quantity must be 1 or more",
            ));
        }
        if l.value_minor <= 0 {
            errors.push(FieldError::new(
                field("value"),
                "value_not_positive",
                format!("{}: the declared value must be above zero, even for a free item", l.sku),
            ));
        }
        if l.weight_g <= 0 {
            errors.push(FieldError::new(
                field("weight"),
                "weight_not_positive",
                format!("{}: the net weight must be above zero; set the SKU's weight", l.sku),
            ));
        }
    }
    errors.extend(importer_number_errors(d));
    errors
}

/// The prepaid-VAT numbers: IOSS for the EU up to 150 EUR, a UK VAT number up to 135 GBP, needed
/// when the duties are paid by the sender (DDP) and checked for form whenever given.
fn importer_number_errors(d: &Declaration) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let value = d.total_value_minor();
    let upto = |code: &str, limit_major: i64| {
        Currency::parse_stored(code)
            .and_then(|c| convert(value, d.currency, c).map(|v| v <= limit_major * 10_i64.pow(c.decimals())))
            .unwrap_or(false)
    };
    let ddp = d.incoterm == Incoterm::Ddp;
    let ioss = d.ioss_number.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(n) = ioss.filter(|n| !(n.len() == 12 && n.starts_with("IM") && all_digits(&n[2..]))) {
        errors.push(FieldError::new(
            "ioss_number",
            "invalid_ioss_number",
            format!("{n} is not an IOSS number: IM followed by 10 digits, e.g. IM2760000742"),
        ));
    } else if ioss.is_none() && ddp && EU.contains(&d.destination.as_str()) && upto("EUR", 150) {
        errors.push(FieldError::new(
            "ioss_number",
            "ioss_number_required",
            "goods up to 150 EUR sent duty paid into the EU need the IOSS number the VAT was paid under",
        ));
    }
    let vat = d.vat_number.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(n) =
        vat.filter(|n| !(n.starts_with("GB") && [11, 14].contains(&n.len()) && all_digits(&n[2..])))
    {
        errors.push(FieldError::new(
            "vat_number",
            "invalid_vat_number",
            format!("{n} is not a UK VAT number: GB followed by 9 or 12 digits, e.g. GB123456789"),
        ));
    } else if vat.is_none() && ddp && d.destination == "GB" && upto("GBP", 135) {
        errors.push(FieldError::new(
            "vat_number",
            "vat_number_required",
            "goods up to 135 GBP sent duty paid into the UK need the seller's UK VAT number",
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currency(code: &str) -> Currency {
        Currency::parse_stored(code).unwrap()
    }

    fn line(description: &str, hs: &str, value_minor: i64) -> CustomsLine {
        CustomsLine {
            sku: "MUG-1".into(),
            description: description.into(),
            hs_code: hs.into(),
            origin_country: "CN".into(),
            quantity: 2,
            value_minor,
            weight_g: 700,
        }
    }

    fn declaration(destination: &str, incoterm: Incoterm, lines: Vec<CustomsLine>) -> Declaration {
        Declaration {
            destination: destination.into(),
            incoterm,
            reason: ExportReason::Sale,
            currency: currency("EUR"),
            lines,
            ioss_number: None,
            vat_number: None,
        }
    }

    /// Each error as `field: code`.
    fn codes(d: &Declaration) -> Vec<String> {
        validate_declaration(d).into_iter().map(|e| format!("{}: {}", e.field, e.code)).collect()
    }

    #[test]
    fn a_proper_declaration_passes() {
        let d = declaration("US", Incoterm::Dap, vec![line("Ceramic mug", "6912.00", 1_800)]);
        assert!(codes(&d).is_empty());
        assert_eq!(d.total_value_minor(), 1_800);
        assert_eq!(d.total_weight_g(), 700);
    }

    #[test]
    fn each_fault_names_its_line_and_field() {
        let table: [(CustomsLine, &str, &str); 6] = [
            (line("Gift", "691200", 100), "lines[0].description", "vague_description"),
            (line("货物", "691200", 100), "lines[0].description", "vague_description"),
            (line("Ceramic mug", "6912", 100), "lines[0].hs_code", "invalid_hs_code"),
            (line("Ceramic mug", "69120A", 100), "lines[0].hs_code", "invalid_hs_code"),
            (line("Ceramic mug", "691200", 0), "lines[0].value", "value_not_positive"),
            (
                CustomsLine { origin_country: "China".into(), ..line("Ceramic mug", "691200", 100) },
                "lines[0].origin_country",
                "invalid_origin",
            ),
        ];
        for (l, field, code) in table {
            let d = declaration("US", Incoterm::Dap, vec![l.clone()]);
            assert_eq!(codes(&d), [format!("{field}: {code}")], "{l:?}");
        }
        assert_eq!(codes(&declaration("US", Incoterm::Dap, vec![])), ["lines: no_goods"]);
    }

    #[test]
    fn duty_paid_parcels_into_the_eu_and_the_uk_need_the_vat_numbers_up_to_the_thresholds() {
        let small = vec![line("Ceramic mug", "691200", 14_000)];
        let large = vec![line("Ceramic mug", "691200", 16_000)];
        assert_eq!(
            codes(&declaration("DE", Incoterm::Ddp, small.clone())),
            ["ioss_number: ioss_number_required"]
        );
        assert!(codes(&declaration("DE", Incoterm::Dap, small.clone())).is_empty(), "the buyer pays the VAT");
        assert!(
            codes(&declaration("DE", Incoterm::Ddp, large)).is_empty(),
            "above 150 EUR the VAT is paid at import"
        );
        let with = Declaration {
            ioss_number: Some("IM2760000742".into()),
            ..declaration("DE", Incoterm::Ddp, small.clone())
        };
        assert!(codes(&with).is_empty());
        let wrong = Declaration { ioss_number: Some("IM27600".into()), ..with };
        assert_eq!(codes(&wrong), ["ioss_number: invalid_ioss_number"]);
        // 140 EUR is about 121 GBP: under the UK's 135 GBP.
        assert_eq!(
            codes(&declaration("GB", Incoterm::Ddp, small.clone())),
            ["vat_number: vat_number_required"]
        );
        let uk =
            Declaration { vat_number: Some("GB123456789".into()), ..declaration("GB", Incoterm::Ddp, small) };
        assert!(codes(&uk).is_empty());
    }

    #[test]
    fn the_form_follows_the_value_in_sdr() {
        assert_eq!(form_for(40_800, currency("USD")), CustomsForm::Cn22, "300 SDR is about 408 USD");
        assert_eq!(form_for(40_801, currency("USD")), CustomsForm::Cn23);
        assert_eq!(form_for(35_000, currency("EUR")), CustomsForm::Cn22);
        assert_eq!(form_for(1, currency("BRL")), CustomsForm::Cn23, "no rate: the full form");
        assert_eq!(convert(11_800, currency("EUR"), currency("USD")), Some(13_600));
    }

    #[test]
    fn only_borders_outside_the_eu_need_customs() {
        assert!(crosses_customs("CN", "DE"));
        assert!(crosses_customs("DE", "GB"));
        assert!(!crosses_customs("DE", "FR"));
        assert!(!crosses_customs("US", "US"));
    }

    #[test]
    fn names_read_back() {
        for r in ExportReason::ALL {
            assert_eq!(ExportReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(Incoterm::parse("ddp"), Some(Incoterm::Ddp));
        assert_eq!(CustomsForm::parse("CN23"), Some(CustomsForm::Cn23));
    }
}
