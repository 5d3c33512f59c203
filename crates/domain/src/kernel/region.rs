//! States, provinces and prefectures: the first-level sub-regions of each country in Google's
//! address data (bundled; `data/README.md`), found from any spelling people write.
//!
//! A region is found by its key, its local or Latin name, a language variant's name, a name of
//! our own list (`data/region_aliases.json`: Moscow, Inner Mongolia, Mexico City, ...), or its
//! ISO 3166-2 code exactly (`ZJ`, `CN-ZJ`), in any case, with or without accents, spaces,
//! punctuation and the administrative words people add or leave out (省, 市, 自治区, Sheng,
//! Province, 都/府/県, -do, City, SAR, область, г.). What is stored is the region's key, the
//! data's own identifier; carriers get its Latin form (`Subregion::latin`).

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

    /// The region in Latin script, as carriers take it: the key where it is Latin (`CA`, `RM`),
    /// else the Latin name (`Zhejiang Sheng`, `Moskva`), else the key.
    pub fn latin(&self) -> String {
        let latin = |s: &&String| s.is_ascii();
        Some(&self.key)
            .filter(latin)
            .or(self.lname.as_ref())
            .or(self.name.as_ref().filter(latin))
            .unwrap_or(&self.key)
            .clone()
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
    // An ISO 3166-2 code only as ISO writes it (`ZJ`, `CN-ZJ`, `cn-33`): squeezed, `CN11` would
    // read as `CN-11` (Beijing), where WooCommerce means a province of its own numbering.
    let code = state.trim().to_ascii_uppercase();
    let code = code.strip_prefix(&format!("{}-", country.trim().to_ascii_uppercase())).unwrap_or(&code);
    if let Some(&n) = regions.by_code.get(code) {
        return StateMatch::Found(&regions.list[n]);
    }
    StateMatch::Unknown { nearest: nearest(regions, &written), listed: regions.list.len() }
}

/// Up to three regions whose spellings are within a few edits of what was written.
fn nearest(regions: &'static Regions, written: &[String]) -> Vec<&'static Subregion> {
    let mut scored: Vec<(usize, usize)> = Vec::new();
    let shortest = written.iter().map(|w| w.chars().count()).min().unwrap_or(0);
    for (spelling, n) in &regions.by_spelling {
        let Some(n) = *n else { continue };
        // A two-letter code is no suggestion for a name: `NF` is not "nearly" NB, NL and NT.
        if spelling.chars().count() < 3 && shortest >= 3 {
            continue;
        }
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
    /// ISO 3166-2 code without the country (`ZJ`, `33`, `CA`) → region.
    by_code: HashMap<String, usize>,
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
        let mut ours: HashMap<String, serde_json::Value> =
            serde_json::from_str(include_str!("../../data/region_aliases.json"))
                .expect("our region aliases are valid JSON");
        raw.into_iter()
            .map(|(country, mut list)| {
                if let Some(extra) = ours.remove(&country) {
                    for r in &mut list {
                        let names = extra[r.key.as_str()].as_array().into_iter().flatten();
                        r.aliases.extend(names.filter_map(|a| a.as_str().map(str::to_string)));
                    }
                }
                (country.clone(), regions(&country, list))
            })
            .collect()
    })
}

fn regions(country: &str, raw: Vec<RawRegion>) -> Regions {
    // Three tiers, each only filling what the one before left: keys (a key always finds its
    // own region), then names, then names without their administrative words. A
    // spelling two regions share within a tier finds neither.
    let mut tiers: [Vec<(usize, String)>; 3] = Default::default();
    for (n, r) in raw.iter().enumerate() {
        let mut other = vec![r.name.clone(), r.lname.clone()];
        other.extend(r.aliases.iter().cloned().map(Some));
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
    let mut by_code = HashMap::new();
    for (n, r) in raw.iter().enumerate() {
        let alpha = cn_alpha_code(country, r.isoid.as_deref()).map(str::to_string);
        for code in r.isoid.iter().cloned().chain(alpha) {
            by_code.insert(code, n);
        }
    }
    let list = raw
        .into_iter()
        .map(|r| Subregion {
            zip: r.zip.and_then(|z| {
                let extra = BORDER_POSTCODES.iter().find(|(c, k, _)| *c == country && *k == r.key);
                let z = extra.map_or(z.clone(), |(_, _, more)| format!("{z}|{more}"));
                Regex::new(&format!("^(?:{z})")).ok()
            }),
            zip_example: r.zipex.and_then(|e| e.split(',').next().map(str::to_string)),
            key: r.key,
            name: r.name,
            lname: r.lname,
            isoid: r.isoid,
        })
        .collect();
    Regions { list, by_spelling, by_code }
}

/// Postcodes the data's ranges leave out though real addresses of the region have them: places
/// served from a neighbour's post office (Mingoola and Jennings, NSW; Texhoma, TX; Puducherry's
/// Mahé and Yanam).
const BORDER_POSTCODES: [(&str, &str, &str); 3] =
    [("AU", "NSW", "438[03]"), ("US", "TX", "73960"), ("IN", "Puducherry", "67331|5334")];

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
    " city",
    " sar",
    " municipality",
    " oblast",
    " oblast'",
    " область",
    " обл.",
    " край",
    "-ken",
    "-fu",
    "-to",
    "-do",
    "-si",
];

/// Administrative words people write before a name, after folding.
const PREFIXES: &[&str] = &["г. ", "город ", "республика ", "респ. ", "respublika ", "republic of "];

/// The forms `raw` is looked up by: folded whole, and folded without its administrative words.
fn spellings(raw: &str) -> Vec<String> {
    let folded = fold(raw);
    let mut out = vec![squeeze(&folded)];
    let bare = PREFIXES.iter().find_map(|p| folded.strip_prefix(p)).unwrap_or(&folded);
    if let Some(stem) =
        SUFFIXES.iter().find_map(|s| bare.strip_suffix(s)).or((bare != folded).then_some(bare))
    {
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
            'đ' | 'Đ' => out.push('d'),
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
