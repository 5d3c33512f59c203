//! Money and dates written the way a buyer's language writes them: the Fluent catalogues take
//! them as ready text (Fluent formats numbers for plurals, not amounts or calendar dates).

use jiff::civil::Date;

/// `major` (as `Money::major` writes it: `1234.56`, `-5`, `100`) with `currency`'s ISO code,
/// grouped and punctuated for `language`: `GBP 1,234.56` (English, Chinese, Japanese),
/// `1.234,56 GBP` (German), `1234,56 GBP` and `12.345,67 GBP` (Spanish groups from five
/// digits), `1 234,56 GBP` (French, with narrow no-break spaces).
pub fn format_money(language: &str, major: &str, currency: &str) -> String {
    let (sign, digits) = major.strip_prefix('-').map_or(("", major), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let (group, decimal, min_grouped, code_first) = match primary(language) {
        "de" => (".", ",", 4, false),
        "es" => (".", ",", 5, false),
        "fr" => ("\u{202f}", ",", 4, false),
        _ => (",", ".", 4, true),
    };
    let grouped = if whole.len() >= min_grouped { group_thousands(whole, group) } else { whole.to_string() };
    let number = match fraction {
        "" => format!("{sign}{grouped}"),
        f => format!("{sign}{grouped}{decimal}{f}"),
    };
    if code_first { format!("{currency} {number}") } else { format!("{number}\u{a0}{currency}") }
}

fn group_thousands(whole: &str, separator: &str) -> String {
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

/// A calendar date as a buyer reads it: `27 November 2026`, `2026年11月27日`,
/// `27 de noviembre de 2026`, `27. November 2026`, `27 novembre 2026`.
pub fn format_date(language: &str, date: Date) -> String {
    let (y, m, d) = (date.year(), date.month() as usize - 1, date.day());
    match primary(language) {
        "zh" | "ja" => format!("{y}年{}月{d}日", m + 1),
        "es" => format!("{d} de {} de {y}", SPANISH_MONTHS[m]),
        "de" => format!("{d}. {} {y}", GERMAN_MONTHS[m]),
        "fr" => format!("{d} {} {y}", FRENCH_MONTHS[m]),
        _ => format!("{d} {} {y}", ENGLISH_MONTHS[m]),
    }
}

fn primary(language: &str) -> &str {
    language.split(['-', '_']).next().unwrap_or_default()
}

const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const GERMAN_MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const FRENCH_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const SPANISH_MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_and_punctuated_per_language() {
        let table = [
            ("en", "1234.56", "GBP 1,234.56"),
            ("en", "45.99", "GBP 45.99"),
            ("en", "1234567", "GBP 1,234,567"),
            ("zh-CN", "1234.56", "GBP 1,234.56"),
            ("ja", "-1234.5", "GBP -1,234.5"),
            ("de", "1234.56", "1.234,56\u{a0}GBP"),
            ("de", "999.00", "999,00\u{a0}GBP"),
            ("es", "1234.56", "1234,56\u{a0}GBP"),
            ("es", "12345.67", "12.345,67\u{a0}GBP"),
            ("fr", "1234.56", "1\u{202f}234,56\u{a0}GBP"),
            ("fr-CA", "100", "100\u{a0}GBP"),
            ("pt", "1234.56", "GBP 1,234.56"),
        ];
        for (language, major, written) in table {
            assert_eq!(format_money(language, major, "GBP"), written, "{language} {major}");
        }
    }

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let date = Date::new(2026, 3, 7).unwrap();
        let table = [
            ("en", "7 March 2026"),
            ("zh-CN", "2026年3月7日"),
            ("ja", "2026年3月7日"),
            ("es-MX", "7 de marzo de 2026"),
            ("de", "7. März 2026"),
            ("fr", "7 mars 2026"),
            ("", "7 March 2026"),
        ];
        for (language, written) in table {
            assert_eq!(format_date(language, date), written, "{language}");
        }
        assert_eq!(format_date("de", Date::new(2026, 12, 31).unwrap()), "31. Dezember 2026");
    }
}
