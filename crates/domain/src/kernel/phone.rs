//! Phone numbers checked for the destination country with libphonenumber's metadata.

/// The number in E.164 (`+441632960961`) if it is valid for `country` (ISO alpha-2) or, when
/// written with a leading `+`, valid anywhere.
pub fn normalise_phone(raw: &str, country: &str) -> Option<String> {
    let id = country.trim().to_ascii_uppercase().parse::<phonenumber::country::Id>().ok();
    let parsed = phonenumber::parse(id, raw.trim()).ok()?;
    if !phonenumber::is_valid(&parsed) {
        return None;
    }
    Some(parsed.format().mode(phonenumber::Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers_become_e164() {
        assert_eq!(normalise_phone("020 7946 0958", "GB").as_deref(), Some("+442079460958"));
        assert_eq!(normalise_phone("(415) 555-2671", "US").as_deref(), Some("+14155552671"));
        assert_eq!(normalise_phone("+49 30 901820", "US").as_deref(), Some("+4930901820"));
    }

    #[test]
    fn impossible_numbers_are_refused() {
        assert_eq!(normalise_phone("123", "US"), None);
        assert_eq!(normalise_phone("555-555-SHIP", "US"), None);
        assert_eq!(normalise_phone("(000) 000-0000", "US"), None);
    }
}
