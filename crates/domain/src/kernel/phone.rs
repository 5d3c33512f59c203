//! Phone numbers checked for the destination country as Google's libphonenumber checks them:
//! `rlibphonenumber` is a port of it and carries its metadata (9.0.42). The golden test
//! (`data/phone_golden.tsv`, made by `data/make_phone_golden.py` with the Python reference pinned
//! to the same metadata) holds it to the reference for every region.

use rlibphonenumber::{NumberLengthType, PhoneNumber, PhoneNumberFormat, PhoneNumberType, enums::Region};

/// The number in E.164 (`+441632960961`) if it is valid for `country` (ISO alpha-2) or, when
/// written with a leading `+`, valid where its calling code belongs.
pub fn normalise_phone(raw: &str, country: &str) -> Option<String> {
    let parsed = PhoneNumber::parse(raw.trim(), region(country)).ok()?;
    parsed.is_valid().then(|| parsed.format_as(PhoneNumberFormat::E164).into_owned())
}

/// What a good number for `country` looks like, for the message that asks the buyer for one:
/// how many digits numbers there have after the calling code, and an example in national and
/// international form (`10 digits after +7, e.g. 8 (912) 345-67-89 or +7 912 345-67-89`).
pub fn phone_example(country: &str) -> Option<String> {
    let region = region(country)?;
    let util = &*rlibphonenumber::PHONE_NUMBER_UTIL;
    let example = util
        .get_example_number_for_type_and_region(region, PhoneNumberType::Mobile)
        .or_else(|_| util.get_example_number(region))
        .ok()?;
    let digits = lengths_text(&possible_lengths(&example));
    Some(format!(
        "{digits} digits after +{}, e.g. {} or {}",
        example.country_code,
        example.format_as(PhoneNumberFormat::National),
        example.format_as(PhoneNumberFormat::International)
    ))
}

/// The lengths (digits after the calling code) a mobile or fixed-line number of the example's
/// country may have, as the metadata gives them: asked of the library with the example's digits
/// cut or repeated to each length.
fn possible_lengths(example: &PhoneNumber) -> Vec<usize> {
    let nsn = example.get_national_significant_number();
    (2..=17)
        .filter(|&len| {
            let digits: String = nsn.chars().cycle().take(len).collect();
            PhoneNumber::parse(format!("+{}{digits}", example.country_code), None).is_ok_and(|n| {
                [PhoneNumberType::Mobile, PhoneNumberType::FixedLine].into_iter().any(|t| {
                    let util = &*rlibphonenumber::PHONE_NUMBER_UTIL;
                    matches!(
                        util.is_possible_number_for_type_with_reason(&n, t),
                        Ok(NumberLengthType::IsPossible)
                    )
                })
            })
        })
        .collect()
}

/// `10`, `10–11`, `7, 9 or 10`.
fn lengths_text(lengths: &[usize]) -> String {
    match lengths {
        [] => "?".into(),
        [one] => one.to_string(),
        [first, .., last] if last - first + 1 == lengths.len() => format!("{first}–{last}"),
        [init @ .., last] => {
            format!("{} or {last}", init.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", "))
        }
    }
}

fn region(country: &str) -> Option<Region> {
    Region::from_code(&country.trim().to_ascii_uppercase()).ok()
}

#[cfg(test)]
#[path = "phone_tests.rs"]
mod tests;
