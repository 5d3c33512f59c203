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
    assert_eq!(normalise_phone("020 7946 0958", "XQ"), None, "no region, no + : nothing to read it by");
}

#[test]
fn the_numbers_the_old_library_got_wrong() {
    let cases = [
        ("+78123456789", "RU", Some("+78123456789")),
        ("8 (812) 345-67-89", "RU", Some("+78123456789")),
        ("(55) 96123-4567", "BR", Some("+5555961234567")),
        ("392 345 6789", "IT", Some("+393923456789")),
        ("010 1234 567", "CN", None),
        ("+8610123456787", "CN", None),
        ("+34400123456", "ES", Some("+34400123456")),
        ("+46781234567", "SE", Some("+46781234567")),
    ];
    for (raw, country, e164) in cases {
        assert_eq!(normalise_phone(raw, country).as_deref(), e164, "{raw} for {country}");
    }
}

#[test]
fn the_example_says_how_many_digits_and_shows_both_forms() {
    assert_eq!(
        phone_example("ru").as_deref(),
        Some("10 digits after +7, e.g. 8 (912) 345-67-89 or +7 912 345-67-89")
    );
    assert_eq!(
        phone_example("CN").as_deref(),
        Some("7–11 digits after +86, e.g. 131 2345 6789 or +86 131 2345 6789")
    );
    assert_eq!(phone_example("XQ"), None);
    assert_eq!(lengths_text(&[7, 9, 10]), "7, 9 or 10");
    assert_eq!(lengths_text(&[10, 11]), "10–11");
}

/// The golden test: the product gives the reference's verdict and E.164 form for every number
/// in `data/phone_golden.tsv` (about 30 per region, every region libphonenumber knows).
#[test]
fn every_verdict_agrees_with_the_reference() {
    let golden = include_str!("../../data/phone_golden.tsv");
    let mut checked = 0;
    let mut differ = Vec::new();
    for line in golden.lines().filter(|l| !l.starts_with('#')) {
        let [region, raw, valid, e164, why] = line.split('\t').collect::<Vec<_>>()[..] else {
            panic!("a golden line has five fields: {line:?}");
        };
        let expected = (valid == "1").then_some(e164);
        let got = normalise_phone(raw, region);
        if got.as_deref() != expected {
            differ.push(format!("{region} {raw:?} ({why}): reference {expected:?}, product {got:?}"));
        }
        checked += 1;
    }
    assert!(checked > 22_000, "{checked}");
    assert!(
        differ.is_empty(),
        "{} of {checked} differ:\n{}",
        differ.len(),
        differ[..differ.len().min(30)].join("\n")
    );
}
