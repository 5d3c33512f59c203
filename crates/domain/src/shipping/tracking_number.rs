//! Tracking numbers (SHP-2): UPU S10 numbers for postal services (two letters for the service,
//! eight digits, a check digit, the country of the post), plain numbers from an operator's range
//! for the others, and the check of a number typed by hand.

/// The S10 check digit of eight digits: weights 8 6 4 2 3 5 9 7, eleven less the sum modulo 11,
/// 10 written 0 and 11 written 5.
pub fn s10_check_digit(serial: &str) -> Option<u32> {
    if serial.len() != 8 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in serial.chars().zip([8, 6, 4, 2, 3, 5, 9, 7]) {
        sum += c.to_digit(10)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 0,
        11 => 5,
        c => c,
    })
}

/// Why a typed tracking number is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TrackingNumberError {
    #[error("an S10 number is 2 letters, 8 digits, a check digit and 2 letters, e.g. RR473124829GB")]
    NotS10,
    #[error("the check digit is wrong (should be {expected}): type the number again from the label")]
    CheckDigit { expected: u32 },
    #[error("a tracking number is 6 to 40 letters and digits")]
    Malformed,
}

/// Makes the S10 number of a serial: `prefix` the service's two letters, `country` its post's.
pub fn make_s10(prefix: &str, serial: u32, country: &str) -> Option<String> {
    let digits = format!("{serial:08}");
    let check = s10_check_digit(&digits)?;
    let prefix = prefix.trim().to_uppercase();
    let country = country.trim().to_uppercase();
    let letters = |s: &str| s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase());
    (letters(&prefix) && letters(&country)).then(|| format!("{prefix}{digits}{check}{country}"))
}

/// Reads a typed tracking number: an S10 number must carry its right check digit; any other is
/// 6 to 40 letters and digits. Spaces are dropped, letters upper-cased.
pub fn read_tracking_number(raw: &str, s10: bool) -> Result<String, TrackingNumberError> {
    let n: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    if !s10 {
        let ok = (6..=40).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric());
        return if ok { Ok(n) } else { Err(TrackingNumberError::Malformed) };
    }
    let shaped = n.is_ascii()
        && n.len() == 13
        && n[..2].chars().all(|c| c.is_ascii_uppercase())
        && n[2..11].chars().all(|c| c.is_ascii_digit())
        && n[11..].chars().all(|c| c.is_ascii_uppercase());
    if !shaped {
        return Err(TrackingNumberError::NotS10);
    }
    let expected = s10_check_digit(&n[2..10]).ok_or(TrackingNumberError::NotS10)?;
    if n[10..11].parse::<u32>().ok() != Some(expected) {
        return Err(TrackingNumberError::CheckDigit { expected });
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_digit_follows_the_upu_weights() {
        assert_eq!(s10_check_digit("47312482"), Some(9), "the worked example: sum 200");
        // 11 - 0 = 11 is written 5; a remainder of 1 gives 10, written 0.
        assert_eq!(s10_check_digit("00000000"), Some(5));
        let ten = (0..100_000_000u32).map(|n| format!("{n:08}")).find(|d| {
            let sum: u32 =
                d.chars().zip([8, 6, 4, 2, 3, 5, 9, 7]).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
            sum % 11 == 1
        });
        assert_eq!(s10_check_digit(&ten.unwrap()), Some(0));
        assert_eq!(s10_check_digit("4731248"), None);
        assert_eq!(s10_check_digit("4731248x"), None);
    }

    #[test]
    fn made_numbers_read_back_and_a_wrong_check_digit_is_refused() {
        let n = make_s10("rr", 47_312_482, "gb").unwrap();
        assert_eq!(n, "RR473124829GB");
        assert_eq!(read_tracking_number(" rr 473124829 gb ", true), Ok(n));
        for serial in [0, 1, 99_999_999, 12_345_678] {
            let made = make_s10("LX", serial, "CN").unwrap();
            assert_eq!(read_tracking_number(&made, true), Ok(made.clone()));
        }
        assert_eq!(
            read_tracking_number("RR473124828GB", true),
            Err(TrackingNumberError::CheckDigit { expected: 9 })
        );
        assert_eq!(read_tracking_number("RR47312482GB", true), Err(TrackingNumberError::NotS10));
        assert_eq!(make_s10("R1", 1, "GB"), None);
        assert_eq!(read_tracking_number("1Z999AA10123456784", false).as_deref(), Ok("1Z999AA10123456784"));
        assert_eq!(read_tracking_number("12-34", false), Err(TrackingNumberError::Malformed));
        assert_eq!(
            read_tracking_number("RR47312482é", true),
            Err(TrackingNumberError::NotS10),
            "13 bytes, not 13 letters"
        );
    }
}
