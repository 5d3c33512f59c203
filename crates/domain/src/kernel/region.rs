//! States, provinces and prefectures: the first-level sub-regions of each country in Google's
//! address data (bundled; `data/README.md`), found from any spelling people write.
//!
//! A region is found by its key, its local or Latin name, a language variant's name, or its
//! ISO 3166-2 code (`ZJ`, `CN-ZJ`), in any case, with or without accents, spaces, punctuation
//! and the administrative suffix people leave out (省, 市, 自治区, Sheng, Province, 都/府/県,
//! -do). What is stored is the region's key, the data's own identifier.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// One state, province or prefecture.
#[derive(Debug)]
pub struct Subregion {
    /// The form stored on an address (`浙江省`, `CA`, `東京都`).
    pub key: String,
    name: Option<String>,
    lname: Option<String>,
    /// ISO 3166-2 without the country (`ZJ`, `CA`), where the data has one.
    pub isoid: Option<String>,
    zip: Option<Regex>,
    /// An example postcode of the region.
    pub zip_example: Option<String>,
}

impl Subregion {
    /// The region as shown to people: its Latin name where there is one, with the key when that
    /// differs (`Zhejiang Sheng (浙江省)`, `California (CA)`).
    pub fn label(&self) -> String {
        let shown = self.lname.as_deref().or(self.name.as_deref()).unwrap_or(&self.key);
        if shown == self.key { shown.to_string() } else { format!("{shown} ({})", self.key) }
    }

    /// Whether `postcode` (upper case, already valid for the country) can belong to the region;
    /// true where the data gives no postcode range for it.
    pub fn takes_postcode(&self, postcode: &str) -> bool {
        self.zip.as_ref().is_none_or(|re| re.is_match(postcode))
    }
}

/// What a state written on an address is, for its country.
#[derive(Debug)]
pub enum StateMatch {
    /// The country lists no sub-regions: any state is taken as written.
    NotListed,
    Found(&'static Subregion),
    /// Not one of the country's regions; the nearest ones, best first (maybe none).
    Unknown {
        nearest: Vec<&'static Subregion>,
        listed: usize,
    },
}

/// Finds `state` among the sub-regions of `country` (ISO alpha-2).
pub fn find_state(country: &str, state: &str) -> StateMatch {
    let Some(regions) = all().get(&country.trim().to_ascii_uppercase()) else {
        return StateMatch::NotListed;
    };
    let written = spellings(state);
    for spelling in &written {
        if let Some(&Some(n)) = regions.by_spelling.get(spelling) {
            return StateMatch::Found(&regions.list[n]);
        }
    }
    StateMatch::Unknown { nearest: nearest(regions, &written), listed: regions.list.len() }
}

/// Up to three regions whose spellings are within a few edits of what was written.
fn nearest(regions: &'static Regions, written: &[String]) -> Vec<&'static Subregion> {
    let mut scored: Vec<(usize, usize)> = Vec::new();
    for (spelling, n) in &regions.by_spelling {
        let Some(n) = *n else { continue };
        let distance = written.iter().map(|w| strsim::levenshtein(w, spelling)).min().unwrap_or(usize::MAX);
        let allowed = (spelling.chars().count() / 3).max(1);
        if distance <= allowed {
            match scored.iter_mut().find(|(_, m)| *m == n) {
                Some(best) => best.0 = best.0.min(distance),
                None => scored.push((distance, n)),
            }
        }
    }
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| &regions.list[n]).collect()
}

struct Regions {
    list: Vec<Subregion>,
    /// Folded spelling → region; `None` where two regions share it (never a guess).
    by_spelling: HashMap<String, Option<usize>>,
}

#[derive(Deserialize)]
struct RawRegion {
    key: String,
    name: Option<String>,
    lname: Option<String>,
    isoid: Option<String>,
    zip: Option<String>,
    zipex: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

fn all() -> &'static HashMap<String, Regions> {
    static ALL: OnceLock<HashMap<String, Regions>> = OnceLock::new();
    ALL.get_or_init(|| {
        let raw: HashMap<String, Vec<RawRegion>> =
            serde_json::from_str(include_str!("../../data/i18n_address_subregions.json"))
                .expect("the bundled sub-regions are valid JSON");
        raw.into_iter().map(|(country, list)| (country.clone(), regions(&country, list))).collect()
    })
}

fn regions(country: &str, raw: Vec<RawRegion>) -> Regions {
    // Three tiers, each only filling what the one before left: keys (a key always finds its
    // own region), then names and codes, then names without their administrative suffix. A
    // spelling two regions share within a tier finds neither.
    let mut tiers: [Vec<(usize, String)>; 3] = Default::default();
    for (n, r) in raw.iter().enumerate() {
        let mut other = vec![r.name.clone(), r.lname.clone()];
        other.extend(r.aliases.iter().cloned().map(Some));
        if let Some(iso) = &r.isoid {
            other.extend([Some(iso.clone()), Some(format!("{country}-{iso}"))]);
        }
        if let Some(alpha) = cn_alpha_code(country, r.isoid.as_deref()) {
            other.extend([Some(alpha.to_string()), Some(format!("CN-{alpha}"))]);
        }
        let names = std::iter::once((0, r.key.clone())).chain(other.into_iter().flatten().map(|o| (1, o)));
        for (tier, name) in names {
            let mut forms = spellings(&name).into_iter();
            tiers[tier].extend(forms.next().map(|s| (n, s)));
            tiers[2].extend(forms.map(|s| (n, s)));
        }
    }
    let mut by_spelling: HashMap<String, Option<usize>> = HashMap::new();
    for tier in tiers {
        let mut this_tier: HashMap<String, Option<usize>> = HashMap::new();
        for (n, s) in tier {
            if by_spelling.contains_key(&s) {
                continue;
            }
            let entry = this_tier.entry(s).or_insert(Some(n));
            if *entry != Some(n) {
                *entry = None;
            }
        }
        by_spelling.extend(this_tier);
    }
    let list = raw
        .into_iter()
        .map(|r| Subregion {
            zip: r.zip.and_then(|z| Regex::new(&format!("^(?:{z})")).ok()),
            zip_example: r.zipex.and_then(|e| e.split(',').next().map(str::to_string)),
            key: r.key,
            name: r.name,
            lname: r.lname,
            isoid: r.isoid,
        })
        .collect();
    Regions { list, by_spelling }
}

/// Administrative words people add or leave out, after folding (longer first where one ends
/// another).
const SUFFIXES: &[&str] = &[
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "省",
    "市",
    "都",
    "道",
    "府",
    "県",
    "县",
    " special administrative region",
    " zhuang autonomous region",
    " hui autonomous region",
    " uygur autonomous region",
    " uyghur autonomous region",
    " autonomous region",
    " zhuangzu zizhiqu",
    " zhuangzuzizhiqu",
    " huizu zizhiqu",
    " huizuzizhiqu",
    " weiwuer zizhiqu",
    " weiwuerzizhiqu",
    " zizhiqu",
    " sheng",
    " shi",
    " province",
    " prefecture",
    " state",
    " region",
    "-ken",
    "-fu",
    "-to",
    "-do",
    "-si",
];

/// The forms `raw` is looked up by: folded whole, and folded without its administrative suffix.
fn spellings(raw: &str) -> Vec<String> {
    let folded = fold(raw);
    let mut out = vec![squeeze(&folded)];
    if let Some(stem) = SUFFIXES.iter().find_map(|s| folded.strip_suffix(s)) {
        let stem = squeeze(stem);
        if !stem.is_empty() && !out.contains(&stem) {
            out.push(stem);
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Lower case, accents taken off Latin letters, `&` read as "and", spaces collapsed.
fn fold(raw: &str) -> String {
    let mut out = String::new();
    let mut last_ascii = false;
    for c in raw.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) && last_ascii {
            continue;
        }
        last_ascii = c.is_ascii();
        match c {
            '&' => out.push_str(" and "),
            // Letters whose capital does not lower back to them.
            'ı' => out.push('i'),
            'ß' => out.push_str("ss"),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ").nfc().collect()
}

/// Letters and digits only.
fn squeeze(folded: &str) -> String {
    folded.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// China's ISO 3166-2 codes since 2017 (`ZJ`); the address data still carries the numeric ones
/// they replaced (`33`), and both are accepted.
fn cn_alpha_code(country: &str, numeric: Option<&str>) -> Option<&'static str> {
    const CODES: [(&str, &str); 34] = [
        ("11", "BJ"),
        ("12", "TJ"),
        ("13", "HE"),
        ("14", "SX"),
        ("15", "NM"),
        ("21", "LN"),
        ("22", "JL"),
        ("23", "HL"),
        ("31", "SH"),
        ("32", "JS"),
        ("33", "ZJ"),
        ("34", "AH"),
        ("35", "FJ"),
        ("36", "JX"),
        ("37", "SD"),
        ("41", "HA"),
        ("42", "HB"),
        ("43", "HN"),
        ("44", "GD"),
        ("45", "GX"),
        ("46", "HI"),
        ("50", "CQ"),
        ("51", "SC"),
        ("52", "GZ"),
        ("53", "YN"),
        ("54", "XZ"),
        ("61", "SN"),
        ("62", "GS"),
        ("63", "QH"),
        ("64", "NX"),
        ("65", "XJ"),
        ("71", "TW"),
        ("91", "HK"),
        ("92", "MO"),
    ];
    if country != "CN" {
        return None;
    }
    CODES.iter().find(|(n, _)| Some(*n) == numeric).map(|(_, a)| *a)
}

#[cfg(test)]
#[path = "region_tests.rs"]
mod tests;
