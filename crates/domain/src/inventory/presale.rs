//! Pre-sale (INV-4): a SKU sold before its goods arrive, up to a limit, with the day the buyer is
//! promised. Its orders are approved with their units backordered whatever the shortage policy
//! (the buyer was told to wait), and the arriving goods fill them oldest first.

use crate::kernel::FieldError;

/// Most units a pre-sale may sell.
pub const MAX_PRESALE_UNITS: i64 = 1_000_000;

/// Checks a pre-sale's limit.
pub fn check_presale_limit(limit: i64, sold: i64) -> Result<(), FieldError> {
    if !(1..=MAX_PRESALE_UNITS).contains(&limit) {
        return Err(FieldError::new(
            "limit",
            "out_of_range",
            "limit is the units the pre-sale may sell, 1 to 1000000",
        ));
    }
    if limit < sold {
        return Err(FieldError::new(
            "limit",
            "below_sold",
            format!("{sold} units are sold already; the limit cannot be below that"),
        ));
    }
    Ok(())
}

/// The refusal of `qty` more units of a pre-sale with `left` units left.
pub fn sold_out(sku: &str, qty: i64, left: i64) -> FieldError {
    FieldError::new(
        "lines",
        "presale_sold_out",
        format!(
            "{sku} is on pre-sale with {} units left and the order asks {qty}; order at most {} or wait for the goods",
            left.max(0),
            left.max(0)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_is_positive_and_never_below_what_was_sold() {
        assert!(check_presale_limit(10, 0).is_ok());
        assert!(check_presale_limit(10, 10).is_ok());
        assert_eq!(check_presale_limit(9, 10).unwrap_err().code, "below_sold");
        assert_eq!(check_presale_limit(0, 0).unwrap_err().code, "out_of_range");
        assert_eq!(check_presale_limit(MAX_PRESALE_UNITS + 1, 0).unwrap_err().code, "out_of_range");
        assert!(sold_out("LAMP", 3, 2).message.contains("2 units left and the order asks 3"));
        assert!(sold_out("LAMP", 3, -1).message.contains("0 units left"));
    }
}
