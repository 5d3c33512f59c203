//! What a scanner reads (WMS-2, WMS-4): a GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) whose check digit
//! must be right, a GS1 element string carrying a GTIN with its lot and expiry, or a SKU or bin
//! code typed as printed.

use super::lots::{Gs1Item, read_gs1};

/// A scanned code, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scan {
    /// A GTIN with a correct check digit, as 14 digits (shorter ones padded with zeros).
    Gtin(String),
    /// A GS1-128 or GS1 DataMatrix element string: a GTIN with its lot and expiry.
    Gs1(Gs1Item),
    /// Anything else: a SKU code, a bin code, an ASN number; trimmed, upper case.
    Code(String),
}

/// Why a scan cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("nothing was scanned")]
    Empty,
    #[error("the barcode's check digit is wrong (should be {expected}): scan it again, or type the SKU code")]
    CheckDigit { expected: u32 },
}

/// The GTIN check digit of `body` (the digits before it): weights 3 and 1 from the right.
pub fn gtin_check_digit(body: &str) -> Option<u32> {
    let mut sum = 0;
    for (i, c) in body.chars().rev().enumerate() {
        let d = c.to_digit(10)?;
        sum += if i % 2 == 0 { d * 3 } else { d };
    }
    Some((10 - sum % 10) % 10)
}

/// Reads a scan: all digits of a GTIN length (8, 12, 13, 14) must carry a right check digit.
pub fn read_scan(raw: &str) -> Result<Scan, ScanError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(ScanError::Empty);
    }
    if let Some(item) = read_gs1(s) {
        let (body, check) = item.gtin.split_at(13);
        let expected = gtin_check_digit(body).unwrap_or(0);
        if check.chars().next().and_then(|c| c.to_digit(10)) != Some(expected) {
            return Err(ScanError::CheckDigit { expected });
        }
        return Ok(Scan::Gs1(item));
    }
    let digits = s.chars().all(|c| c.is_ascii_digit());
    if digits && matches!(s.len(), 8 | 12 | 13 | 14) {
        let (body, check) = s.split_at(s.len() - 1);
        let expected = gtin_check_digit(body).unwrap_or(0);
        if check.chars().next().and_then(|c| c.to_digit(10)) != Some(expected) {
            return Err(ScanError::CheckDigit { expected });
        }
        return Ok(Scan::Gtin(format!("{s:0>14}")));
    }
    Ok(Scan::Code(s.to_uppercase()))
}

impl Scan {
    /// Whether this scan names the item with SKU code `sku` and barcode `barcode`.
    pub fn is_item(&self, sku: &str, barcode: &str) -> bool {
        match self {
            Self::Gtin(g) | Self::Gs1(Gs1Item { gtin: g, .. }) => {
                read_scan(barcode).is_ok_and(|b| b == Scan::Gtin(g.clone()))
            }
            Self::Code(c) => c.eq_ignore_ascii_case(sku.trim()) || c.eq_ignore_ascii_case(barcode.trim()),
        }
    }

    /// The ways a catalogue may have written this scan as a barcode: a GTIN in each of its
    /// shorter forms (leading zeros dropped to 13, 12 or 8 digits), a code as scanned.
    pub fn barcode_forms(&self) -> Vec<String> {
        match self {
            Self::Gtin(g) | Self::Gs1(Gs1Item { gtin: g, .. }) => [14, 13, 12, 8]
                .into_iter()
                .filter(|n| g[..14 - n].chars().all(|c| c == '0'))
                .map(|n| g[14 - n..].to_string())
                .collect(),
            Self::Code(c) => vec![c.clone()],
        }
    }

    /// The scan as text (what a list of codes is searched for).
    pub fn text(&self) -> &str {
        match self {
            Self::Gtin(g) | Self::Code(g) | Self::Gs1(Gs1Item { gtin: g, .. }) => g,
        }
    }

    /// The lot the scan carries (a GS1 element string with AI 10).
    pub fn lot(&self) -> Option<&str> {
        match self {
            Self::Gs1(item) => item.lot.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtins_of_every_length_are_checked() {
        // Real codes: an EAN-13, a UPC-A, an EAN-8 and a GTIN-14 from GS1's examples.
        for good in ["4006381333931", "036000291452", "96385074", "10614141000415"] {
            assert!(matches!(read_scan(good), Ok(Scan::Gtin(_))), "{good}");
        }
        assert_eq!(read_scan("4006381333932"), Err(ScanError::CheckDigit { expected: 1 }));
        assert_eq!(read_scan("036000291453"), Err(ScanError::CheckDigit { expected: 2 }));
        assert_eq!(read_scan("   "), Err(ScanError::Empty));
    }

    #[test]
    fn a_upc_and_its_ean_form_are_the_same_item() {
        let scan = read_scan("0036000291452").unwrap();
        assert!(scan.is_item("X", "036000291452"));
        assert!(!scan.is_item("X", "4006381333931"));
    }

    #[test]
    fn a_gtin_is_looked_up_in_every_form_a_catalogue_may_hold() {
        assert_eq!(
            read_scan("036000291452").unwrap().barcode_forms(),
            ["00036000291452", "0036000291452", "036000291452"]
        );
        assert_eq!(
            read_scan("96385074").unwrap().barcode_forms(),
            ["00000096385074", "0000096385074", "000096385074", "96385074"]
        );
    }

    #[test]
    fn a_gs1_element_string_is_its_gtin_with_a_lot() {
        let scan = read_scan("(01)00036000291452(10)L7(17)270101").unwrap();
        assert!(scan.is_item("X", "036000291452"));
        assert_eq!(scan.lot(), Some("L7"));
        assert_eq!(scan.text(), "00036000291452");
        assert_eq!(read_scan("(01)00036000291453(10)L7"), Err(ScanError::CheckDigit { expected: 2 }));
        assert_eq!(read_scan("036000291452").unwrap().lot(), None);
    }

    #[test]
    fn codes_match_sku_codes_without_regard_to_case() {
        let scan = read_scan(" lamp ").unwrap();
        assert_eq!(scan, Scan::Code("LAMP".into()));
        assert!(scan.is_item("LAMP", ""));
        assert!(!scan.is_item("LAMP-2", ""));
        assert!(read_scan("12345").unwrap().is_item("12345", ""), "digits of no GTIN length are a code");
    }
}
