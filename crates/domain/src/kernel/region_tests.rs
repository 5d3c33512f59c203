use super::*;

fn found(country: &str, state: &str) -> Option<&'static str> {
    match find_state(country, state) {
        StateMatch::Found(r) => Some(r.key.as_str()),
        _ => None,
    }
}

#[test]
fn chinese_provinces_are_found_from_every_spelling_people_use() {
    for written in ["浙江省", "浙江", "Zhejiang", "zhejiang", "ZHEJIANG SHENG", "CN-ZJ", "zj", "CN-33"] {
        assert_eq!(found("CN", written), Some("浙江省"), "{written}");
    }
    for written in ["广西壮族自治区", "广西", "Guangxi", "Guangxi Zhuangzu Zizhiqu", "CN-GX"] {
        assert_eq!(found("CN", written), Some("广西壮族自治区"), "{written}");
    }
    assert_eq!(found("CN", "北京"), Some("北京市"));
}

#[test]
fn states_prefectures_and_provinces_elsewhere() {
    let cases = [
        ("US", "California", "CA"),
        ("US", "ca", "CA"),
        ("US", "US-CA", "CA"),
        ("us", " new   york ", "NY"),
        ("JP", "Tokyo", "東京都"),
        ("JP", "東京", "東京都"),
        ("JP", "Kyoto", "京都府"),
        ("JP", "Osaka Prefecture", "大阪府"),
        ("CA", "Québec", "QC"),
        ("CA", "quebec", "QC"),
        ("KR", "Gangwon", "강원도"),
        ("IN", "Jammu & Kashmir", "Jammu and Kashmir"),
        ("MX", "CDMX", "CDMX"),
        ("ES", "Álava", "VI"),
    ];
    for (country, written, key) in cases {
        assert_eq!(found(country, written), Some(key), "{country} {written}");
    }
}

/// What people in the core markets write, from outside the data (so it cannot agree with itself).
#[test]
fn the_spellings_people_write_in_the_core_markets() {
    let cases = [
        ("RU", "Moscow", "Москва"),
        ("RU", "г. Москва", "Москва"),
        ("RU", "Moskva", "Москва"),
        ("RU", "St Petersburg", "Санкт-Петербург"),
        ("RU", "Saint Petersburg", "Санкт-Петербург"),
        ("RU", "Московская обл.", "Московская область"),
        ("RU", "Moscow Oblast", "Московская область"),
        ("RU", "Респ. Татарстан", "Республика Татарстан"),
        ("RU", "Tatarstan", "Республика Татарстан"),
        ("CN", "Inner Mongolia", "内蒙古自治区"),
        ("CN", "Nei Mongol", "内蒙古自治区"),
        ("CN", "Tibet", "西藏自治区"),
        ("CN", "Xinjiang", "新疆维吾尔自治区"),
        ("CN", "Macao", "澳门"),
        ("CN", "Hong Kong SAR", "香港"),
        ("CN", "Shanghai City", "上海市"),
        ("CN", "Beijing", "北京市"),
        ("US", "N.Y.", "NY"),
        ("US", "Calif.", "CA"),
        ("US", "Washington DC", "DC"),
        ("US", "Washington", "WA"),
        ("JP", "Tokyo-to", "東京都"),
        ("JP", "Osaka-fu", "大阪府"),
        ("JP", "Hokkaido", "北海道"),
        ("MX", "Mexico City", "CDMX"),
        ("MX", "D.F.", "CDMX"),
        ("MX", "Ciudad de México", "CDMX"),
        ("CA", "Newfoundland", "NL"),
        ("CA", "PQ", "QC"),
        ("CA", "PEI", "PE"),
        ("IN", "New Delhi", "Delhi"),
        ("IN", "Orissa", "Odisha"),
        ("IN", "Pondicherry", "Puducherry"),
        ("IT", "Rome", "RM"),
        ("IT", "Roma", "RM"),
        ("IT", "Milan", "MI"),
        ("BR", "Sao Paulo", "SP"),
        ("BR", "São Paulo", "SP"),
        ("KR", "강원특별자치도", "강원도"),
        ("KR", "Seoul", "서울특별시"),
        ("AU", "New South Wales", "NSW"),
        ("VN", "Da Nang", "Đà Nẵng"),
    ];
    for (country, written, key) in cases {
        assert_eq!(found(country, written), Some(key), "{country} {written}");
    }
}

#[test]
fn a_code_counts_only_as_iso_writes_it() {
    // WooCommerce numbers China's provinces its own way (CN1 … CN32): never read as ISO's.
    for code in ["CN11", "CN12", "CN2"] {
        assert!(matches!(find_state("CN", code), StateMatch::Unknown { .. }), "{code}");
    }
    assert_eq!(found("CN", "CN-11"), Some("北京市"));
    assert_eq!(found("CN", "cn-bj"), Some("北京市"));
    assert_eq!(found("CN", "33"), Some("浙江省"));
}

#[test]
fn carriers_get_the_region_in_latin_script() {
    for (country, state, latin) in [
        ("CN", "浙江", "Zhejiang Sheng"),
        ("US", "California", "CA"),
        ("RU", "Moscow", "Moskva"),
        ("JP", "Tokyo", "Tokyo"),
    ] {
        let StateMatch::Found(region) = find_state(country, state) else { panic!("{country} {state}") };
        assert_eq!(region.latin(), latin);
    }
}

#[test]
fn an_unknown_state_is_not_guessed_and_the_nearest_are_offered() {
    for country in ["CN", "US"] {
        let StateMatch::Unknown { nearest, listed } = find_state(country, "Narnia") else {
            panic!("Narnia is no region of {country}");
        };
        assert!(nearest.is_empty(), "{nearest:?}");
        assert!(listed > 30);
    }
    let StateMatch::Unknown { nearest, .. } = find_state("CN", "Zhejaing") else {
        panic!("a typo is not a match")
    };
    assert_eq!(nearest.first().map(|r| r.label()).as_deref(), Some("Zhejiang Sheng (浙江省)"));
    let StateMatch::Unknown { nearest, .. } = find_state("US", "Califronia") else {
        panic!("a typo is not a match")
    };
    assert_eq!(nearest.first().map(|r| r.label()).as_deref(), Some("California (CA)"));
    assert!(matches!(find_state("GB", "Narnia"), StateMatch::NotListed));
}

#[test]
fn postcodes_are_checked_against_the_regions_range() {
    let StateMatch::Found(california) = find_state("US", "CA") else { panic!("California is listed") };
    assert!(california.takes_postcode("94043"));
    assert!(!california.takes_postcode("10001"));
    for (country, state, border) in
        [("AU", "NSW", "4380"), ("US", "TX", "73960"), ("IN", "Puducherry", "673310")]
    {
        let StateMatch::Found(region) = find_state(country, state) else { panic!("{state}") };
        assert!(
            region.takes_postcode(border),
            "{country} {state} {border}: served from a neighbour's post office"
        );
    }
    let StateMatch::Found(ontario) = find_state("CA", "ON") else { panic!("Ontario is listed") };
    assert!(ontario.takes_postcode("K1A 0B1"));
    assert!(!ontario.takes_postcode("H2X 1Y4"));
}

/// The golden test over the data itself: every first-level region of every country is found
/// from each spelling the data gives it, in upper and lower case, and no spelling finds another
/// region except where the data itself gives two regions that spelling.
#[test]
fn every_region_of_every_country_is_found_from_each_of_its_spellings() {
    let raw: HashMap<String, Vec<RawRegion>> =
        serde_json::from_str(include_str!("../../data/i18n_address_subregions.json")).unwrap();
    let mut checked = 0;
    let mut shared = Vec::new();
    for (country, list) in &raw {
        for r in list {
            let mut written = vec![r.key.clone()];
            written.extend(r.name.iter().chain(&r.lname).chain(&r.aliases).cloned());
            let codes = r.isoid.iter().flat_map(|iso| [iso.clone(), format!("{country}-{iso}")]);
            for (w, code) in written.into_iter().map(|w| (w, false)).chain(codes.map(|c| (c, true))) {
                let lower = w.to_lowercase();
                let mut forms = vec![w.clone(), w.to_uppercase(), lower.clone(), format!(" {w} ")];
                if !code {
                    let short =
                        SUFFIXES.iter().find_map(|s| lower.strip_suffix(s)).unwrap_or(&lower).to_string();
                    forms.extend([latin_without_accents(&w), short]);
                }
                for form in forms {
                    checked += 1;
                    match find_state(country, &form) {
                        StateMatch::Found(f) if f.key == r.key => {}
                        StateMatch::Found(f) if w != r.key && f.key == w => {}
                        other => {
                            let others =
                                list.iter().filter(|o| o.key != r.key && o.spells(&w, country)).count();
                            assert!(others > 0, "{country} '{form}' should find {}: {other:?}", r.key);
                            shared.push(format!("{country}:{w}"));
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 20_000, "{checked}");
    // Names two regions share (e.g. a city region and a province of the same name).
    shared.dedup();
    assert!(shared.len() < 20, "{shared:?}");
}

/// `w` with the accents taken off its Latin letters only (`Québec` → `Quebec`; `й` stays).
fn latin_without_accents(w: &str) -> String {
    let mut out = String::new();
    for c in w.nfd() {
        let after_latin = out.chars().last().is_some_and(|l: char| l.is_ascii_alphabetic());
        if !(unicode_normalization::char::is_combining_mark(c) && after_latin) {
            out.push(c);
        }
    }
    out.nfc().collect()
}

impl RawRegion {
    /// Whether the data gives this region the spelling `w`.
    fn spells(&self, w: &str, country: &str) -> bool {
        let iso = self.isoid.iter().flat_map(|i| [i.clone(), format!("{country}-{i}")]);
        let mut all = [Some(&self.key), self.name.as_ref(), self.lname.as_ref()]
            .into_iter()
            .flatten()
            .cloned()
            .chain(self.aliases.iter().cloned())
            .chain(iso);
        all.any(|s| spellings(&s).iter().any(|x| spellings(w).contains(x)))
    }
}
