//! The Kemendagri area tree (DOMAIN rule 13): provinces, regencies/cities, districts and villages
//! with their codes `PP`, `PP.KK`, `PP.KK.CC` and `PP.KK.CC.NNNN`.
//!
//! The tree is bundled from `data/wilayah/` (idn-area-data, ODbL: show [`ODBL_CREDIT`] wherever the
//! data is shown) and parsed once, on first use, by [`Wilayah::builtin`].

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The attribution the ODbL requires wherever the area data is shown.
pub const ODBL_CREDIT: &str =
    "Memuat data wilayah dari idn-area-data (fityannugroho), tersedia di bawah Open Database License (ODbL).";

const PROVINCES_CSV: &str = include_str!("../../../data/wilayah/provinces.csv");
const REGENCIES_CSV: &str = include_str!("../../../data/wilayah/regencies.csv");
const DISTRICTS_CSV: &str = include_str!("../../../data/wilayah/districts.csv");
const VILLAGES_CSV: &str = include_str!("../../../data/wilayah/villages.csv");

/// The level of an area in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    /// Provinsi, code `PP`.
    Province,
    /// Kabupaten or kota, code `PP.KK`.
    Regency,
    /// Kecamatan, code `PP.KK.CC`.
    District,
    /// Kelurahan or desa, code `PP.KK.CC.NNNN`.
    Village,
}

impl AreaLevel {
    /// The Indonesian label shown to users.
    pub fn label_id(&self) -> &'static str {
        match self {
            AreaLevel::Province => "Provinsi",
            AreaLevel::Regency => "Kabupaten / Kota",
            AreaLevel::District => "Kecamatan",
            AreaLevel::Village => "Kelurahan / Desa",
        }
    }

    /// The bundled file holding this level, used in error reports.
    fn file(self) -> &'static str {
        match self {
            AreaLevel::Province => "provinces.csv",
            AreaLevel::Regency => "regencies.csv",
            AreaLevel::District => "districts.csv",
            AreaLevel::Village => "villages.csv",
        }
    }

    /// The header line of this level's CSV.
    fn header(self) -> &'static [&'static str] {
        match self {
            AreaLevel::Province => &["code", "name"],
            AreaLevel::Regency => &["code", "province_code", "name"],
            AreaLevel::District => &["code", "regency_code", "name"],
            AreaLevel::Village => &["code", "district_code", "name"],
        }
    }
}

/// One area of the tree. `parent` is `None` for a province and otherwise the code of the area one
/// level up, which is always the code's own prefix (`51.01.03` → `51.01`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Area {
    pub code: String,
    /// The name as in the source: provinces and regencies in capitals (`KABUPATEN JEMBRANA`),
    /// districts and villages in mixed case. Use [`Wilayah::display_name`] to show it.
    pub name: String,
    pub level: AreaLevel,
    pub parent: Option<String>,
}

/// Why an area CSV or an area code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WilayahError {
    /// A line of an area CSV is malformed, duplicated, or names a parent that does not exist.
    /// Lines are numbered from 1, the header being line 1.
    #[error("Data wilayah {file} baris {line} tidak valid.")]
    Csv { file: &'static str, line: usize },
    /// The code is not a known village.
    #[error("Kelurahan/desa tidak ditemukan.")]
    Unknown { code: String },
    /// The code is a province, regency or district, where a village is required.
    #[error("Kode wilayah bukan kelurahan/desa; pilih sampai tingkat kelurahan/desa.")]
    NotVillage,
}

/// The area tree. Children are stored grouped per parent and sorted by name, so listing them for
/// a cascading address form is a slice borrow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wilayah {
    /// All provinces, sorted by name.
    provinces: Vec<Area>,
    /// Children by parent code, each group sorted by name.
    children: HashMap<String, Vec<Area>>,
    /// Every code to its position in its group (`provinces` or `children[parent]`).
    index: HashMap<String, usize>,
}

#[allow(
    clippy::expect_used,
    reason = "the bundled CSVs are compiled in and checked by the test `builtin_has_every_area`"
)]
static BUILTIN: LazyLock<Wilayah> = LazyLock::new(|| {
    // The bundled files are checked by the test `builtin_has_every_area`.
    Wilayah::parse(PROVINCES_CSV, REGENCIES_CSV, DISTRICTS_CSV, VILLAGES_CSV).expect("bundled wilayah CSVs are valid")
});

impl Wilayah {
    /// The bundled tree, parsed on first use and shared afterwards.
    pub fn builtin() -> &'static Wilayah {
        &BUILTIN
    }

    /// Parses the four CSVs (headers `code,name`, `code,province_code,name`,
    /// `code,regency_code,name`, `code,district_code,name`).
    ///
    /// Every code must have its level's shape, every parent must be the code's prefix and be
    /// defined in the file above, codes are unique and names non-empty. Blank lines are skipped;
    /// the name takes the rest of the line, so it may hold commas.
    pub fn parse(provinces: &str, regencies: &str, districts: &str, villages: &str) -> Result<Wilayah, WilayahError> {
        let mut tree = Wilayah {
            provinces: Vec::new(),
            children: HashMap::new(),
            index: HashMap::new(),
        };
        for (level, csv) in [
            (AreaLevel::Province, provinces),
            (AreaLevel::Regency, regencies),
            (AreaLevel::District, districts),
            (AreaLevel::Village, villages),
        ] {
            tree.load(level, csv)?;
        }

        // Sort each group by name and record each code's position in it.
        let sort = |group: &mut Vec<Area>, index: &mut HashMap<String, usize>| {
            group.sort_by_cached_key(|a| (a.name.to_lowercase(), a.code.clone()));
            for (i, area) in group.iter().enumerate() {
                index.insert(area.code.clone(), i);
            }
        };
        sort(&mut tree.provinces, &mut tree.index);
        for group in tree.children.values_mut() {
            sort(group, &mut tree.index);
        }
        Ok(tree)
    }

    /// Adds one level's CSV; codes enter `index` (position fixed later) so that the next level
    /// can check its parents.
    fn load(&mut self, level: AreaLevel, csv: &str) -> Result<(), WilayahError> {
        let file = level.file();
        let csv = csv.strip_prefix('\u{feff}').unwrap_or(csv);
        let mut lines = csv.lines().enumerate().map(|(i, l)| (i + 1, l));

        let header_ok = lines
            .next()
            .is_some_and(|(_, header)| header.split(',').map(str::trim).eq(level.header().iter().copied()));
        if !header_ok {
            return Err(WilayahError::Csv { file, line: 1 });
        }

        for (line, text) in lines {
            if text.trim().is_empty() {
                continue;
            }
            let area = self.parse_line(level, text).ok_or(WilayahError::Csv { file, line })?;
            if self.index.insert(area.code.clone(), 0).is_some() {
                return Err(WilayahError::Csv { file, line });
            }
            match &area.parent {
                None => self.provinces.push(area),
                Some(parent) => self.children.entry(parent.clone()).or_default().push(area),
            }
        }
        Ok(())
    }

    /// One data line, or `None` if it breaks a rule of [`Wilayah::parse`] (duplicates aside).
    fn parse_line(&self, level: AreaLevel, text: &str) -> Option<Area> {
        let (code, parent, name) = if level == AreaLevel::Province {
            let (code, name) = text.split_once(',')?;
            (code.trim(), None, name.trim())
        } else {
            let mut fields = text.splitn(3, ',').map(str::trim);
            let (code, parent, name) = (fields.next()?, fields.next()?, fields.next()?);
            // The parent column must agree with the code and name a known area one level up.
            let known = parent_code(code) == Some(parent) && self.index.contains_key(parent);
            if !known {
                return None;
            }
            (code, Some(parent.to_owned()), name)
        };
        if Wilayah::level_of(code) != Some(level) || name.is_empty() {
            return None;
        }
        Some(Area {
            code: code.to_owned(),
            name: name.to_owned(),
            level,
            parent,
        })
    }

    /// The area with this exact code.
    pub fn get(&self, code: &str) -> Option<&Area> {
        let group = match parent_code(code) {
            None => &self.provinces,
            Some(parent) => self.children.get(parent)?,
        };
        let area = group.get(*self.index.get(code)?)?;
        (area.code == code).then_some(area)
    }

    /// All provinces, sorted by name.
    pub fn provinces(&self) -> &[Area] {
        &self.provinces
    }

    /// The areas one level below `code`, sorted by name; empty for a village or an unknown code.
    pub fn children(&self, code: &str) -> &[Area] {
        self.children.get(code).map_or(&[], Vec::as_slice)
    }

    /// The level a code's shape denotes (`PP`, `PP.KK`, `PP.KK.CC`, `PP.KK.CC.NNNN`, ASCII digits),
    /// whether or not the area exists.
    pub fn level_of(code: &str) -> Option<AreaLevel> {
        let parts: Vec<&str> = code.split('.').collect();
        let digits = |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        let widths: &[usize] = match parts.len() {
            1 => &[2],
            2 => &[2, 2],
            3 => &[2, 2, 2],
            4 => &[2, 2, 2, 4],
            _ => return None,
        };
        if !parts.iter().zip(widths).all(|(part, &len)| digits(part, len)) {
            return None;
        }
        Some(match parts.len() {
            1 => AreaLevel::Province,
            2 => AreaLevel::Regency,
            3 => AreaLevel::District,
            _ => AreaLevel::Village,
        })
    }

    /// The chain from the province down to the area itself; empty for an unknown code.
    pub fn path(&self, code: &str) -> Vec<&Area> {
        let mut path = Vec::with_capacity(4);
        let mut current = self.get(code);
        while let Some(area) = current {
            path.push(area);
            current = area.parent.as_deref().and_then(|p| self.get(p));
        }
        path.reverse();
        path
    }

    /// Whether `child` lies anywhere below `parent` (a village is a child of its district, regency
    /// and province). Both must be known; an area is not its own child.
    pub fn is_child_of(&self, child: &str, parent: &str) -> bool {
        // Parse guarantees that an area's parent is its code prefix, so ancestry is a prefix test.
        child.strip_prefix(parent).is_some_and(|rest| rest.starts_with('.'))
            && self.get(child).is_some()
            && self.get(parent).is_some()
    }

    /// The name to show: provinces and regencies, which the source spells in capitals, in title
    /// case (`KABUPATEN JEMBRANA` → `Kabupaten Jembrana`, `DKI JAKARTA` → `DKI Jakarta`);
    /// districts and villages as spelled in the source, which is already mixed case and keeps
    /// acronyms and Roman numerals (`Koto XI Tarusan`).
    pub fn display_name(&self, code: &str) -> Option<String> {
        let area = self.get(code)?;
        let capitals = !area.name.chars().any(char::is_lowercase);
        Some(match area.level {
            AreaLevel::Province | AreaLevel::Regency if capitals => title_case(&area.name),
            _ => area.name.clone(),
        })
    }
}

/// The parent code a code's shape implies: `51.01.03` → `51.01`; `None` for a province.
fn parent_code(code: &str) -> Option<&str> {
    code.rfind('.').map(|dot| &code[..dot])
}

/// Words kept in capitals when title-casing.
const ACRONYMS: [&str; 2] = ["DKI", "DI"];
/// Words written in lower case inside a name.
const LOWER_WORDS: [&str; 1] = ["DAN"];

/// Title case for names in capitals: each word capitalised after any non-letter (`BAU-BAU` →
/// `Bau-Bau`) but not after an apostrophe; acronyms kept; `dan` lower case inside a name.
fn title_case(name: &str) -> String {
    name.split(' ')
        .enumerate()
        .map(|(i, word)| {
            if ACRONYMS.contains(&word) {
                word.to_owned()
            } else if i > 0 && LOWER_WORDS.contains(&word) {
                word.to_lowercase()
            } else {
                capitalise(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn capitalise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut word_start = true;
    for c in word.chars() {
        if word_start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        word_start = !c.is_alphanumeric() && !matches!(c, '\'' | '’');
    }
    out
}

/// A village code validated against the tree: a value of this type is a known
/// `PP.KK.CC.NNNN` code, so its district, regency and province are its prefixes.
/// Use [`VillageCode::path`] or [`Wilayah::path`] for the areas themselves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct VillageCode(String);

impl VillageCode {
    /// Accepts a known village code (surrounding spaces ignored).
    pub fn parse(wilayah: &Wilayah, code: &str) -> Result<VillageCode, WilayahError> {
        let code = code.trim();
        match Wilayah::level_of(code) {
            Some(AreaLevel::Village) => match wilayah.get(code) {
                Some(area) => Ok(VillageCode(area.code.clone())),
                None => Err(WilayahError::Unknown { code: code.to_owned() }),
            },
            Some(_) => Err(WilayahError::NotVillage),
            None => Err(WilayahError::Unknown { code: code.to_owned() }),
        }
    }

    /// The full code, `PP.KK.CC.NNNN`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The district code, `PP.KK.CC`.
    pub fn district(&self) -> &str {
        &self.0[..8]
    }

    /// The regency code, `PP.KK`.
    pub fn regency(&self) -> &str {
        &self.0[..5]
    }

    /// The province code, `PP`.
    pub fn province(&self) -> &str {
        &self.0[..2]
    }

    /// Province → regency → district → village in `wilayah` (four areas for the tree the code was
    /// parsed against).
    pub fn path<'w>(&self, wilayah: &'w Wilayah) -> Vec<&'w Area> {
        wilayah.path(&self.0)
    }
}

impl AsRef<str> for VillageCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VillageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Deserialises against the bundled tree ([`Wilayah::builtin`]), so stored codes stay valid codes.
impl<'de> Deserialize<'de> for VillageCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        VillageCode::parse(Wilayah::builtin(), &code).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(areas: &[Area]) -> Vec<&str> {
        areas.iter().map(|a| a.name.as_str()).collect()
    }

    fn count(w: &Wilayah, level: AreaLevel) -> usize {
        let in_groups: usize = w.children.values().flatten().filter(|a| a.level == level).count();
        in_groups + w.provinces.iter().filter(|a| a.level == level).count()
    }

    #[test]
    fn builtin_has_every_area() {
        let w = Wilayah::builtin();
        assert_eq!(w.provinces().len(), 38);
        assert_eq!(count(w, AreaLevel::Province), 38);
        assert_eq!(count(w, AreaLevel::Regency), 514);
        assert_eq!(count(w, AreaLevel::District), 7277);
        assert_eq!(count(w, AreaLevel::Village), 83763);
        assert_eq!(w.index.len(), 38 + 514 + 7277 + 83763);
    }

    #[test]
    fn every_area_is_found_by_its_code() {
        let w = Wilayah::builtin();
        for area in w.provinces.iter().chain(w.children.values().flatten()) {
            assert_eq!(w.get(&area.code), Some(area));
        }
    }

    #[test]
    fn provinces_and_children_are_sorted_by_name() {
        let w = Wilayah::builtin();
        let provinces = names(w.provinces());
        assert_eq!(provinces.first(), Some(&"ACEH"));
        assert!(provinces.contains(&"BALI"));
        let sorted = |areas: &[Area]| {
            areas
                .windows(2)
                .all(|p| p[0].name.to_lowercase() <= p[1].name.to_lowercase())
        };
        assert!(sorted(w.provinces()));
        assert!(w.children.values().all(|group| sorted(group)));
    }

    #[test]
    fn jembrana_has_its_five_districts() {
        let w = Wilayah::builtin();
        assert_eq!(w.get("51.01").map(|a| a.name.as_str()), Some("KABUPATEN JEMBRANA"));
        assert_eq!(
            names(w.children("51.01")),
            ["Jembrana", "Melaya", "Mendoyo", "Negara", "Pekutatan"]
        );
        assert!(
            w.children("51.01")
                .iter()
                .all(|a| a.level == AreaLevel::District && a.parent.as_deref() == Some("51.01"))
        );
    }

    #[test]
    fn children_of_a_village_or_unknown_code_are_empty() {
        let w = Wilayah::builtin();
        assert!(w.children("51.01.03.2004").is_empty());
        assert!(w.children("99").is_empty());
        assert!(w.children("").is_empty());
    }

    #[test]
    fn seed_village_path_is_bali_jembrana_pekutatan_pekutatan() {
        let w = Wilayah::builtin();
        let path = w.path("51.01.03.2004");
        assert_eq!(path.len(), 4);
        let codes: Vec<&str> = path.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, ["51", "51.01", "51.01.03", "51.01.03.2004"]);
        let shown: Vec<String> = codes.iter().filter_map(|c| w.display_name(c)).collect();
        assert_eq!(shown, ["Bali", "Kabupaten Jembrana", "Pekutatan", "Pekutatan"]);
        let levels: Vec<AreaLevel> = path.iter().map(|a| a.level).collect();
        assert_eq!(
            levels,
            [
                AreaLevel::Province,
                AreaLevel::Regency,
                AreaLevel::District,
                AreaLevel::Village
            ]
        );
        assert!(w.path("51.01.03.9999").is_empty());
        assert_eq!(w.path("51").len(), 1);
    }

    #[test]
    fn is_child_of_follows_the_tree_at_any_depth() {
        let w = Wilayah::builtin();
        assert!(w.is_child_of("51.01.03.2004", "51.01.03"));
        assert!(w.is_child_of("51.01.03.2004", "51.01"));
        assert!(w.is_child_of("51.01.03.2004", "51"));
        assert!(w.is_child_of("51.01", "51"));
        assert!(!w.is_child_of("51.01", "51.01"));
        assert!(!w.is_child_of("51", "51.01"));
        assert!(!w.is_child_of("51.01.03.2004", "51.02"));
        assert!(!w.is_child_of("51.01.03.2004", "5"));
        assert!(!w.is_child_of("51.01.99", "51.01"));
        assert!(!w.is_child_of("51.01.03.2004", ""));
    }

    #[test]
    fn level_of_reads_the_code_shape() {
        assert_eq!(Wilayah::level_of("51"), Some(AreaLevel::Province));
        assert_eq!(Wilayah::level_of("51.01"), Some(AreaLevel::Regency));
        assert_eq!(Wilayah::level_of("51.01.03"), Some(AreaLevel::District));
        assert_eq!(Wilayah::level_of("51.01.03.2004"), Some(AreaLevel::Village));
        for bad in [
            "",
            "5",
            "511",
            "51.1",
            "51.01.3",
            "51.01.03.204",
            "51.01.03.20041",
            "5a",
            "51.01.03.2004.1",
            "51..01",
            " 51",
            "٥١",
        ] {
            assert_eq!(Wilayah::level_of(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn village_code_accepts_known_villages_only() {
        let w = Wilayah::builtin();
        let code = VillageCode::parse(w, " 51.01.03.2004 ").expect("Pekutatan is a village");
        assert_eq!(code.as_str(), "51.01.03.2004");
        assert_eq!(code.district(), "51.01.03");
        assert_eq!(code.regency(), "51.01");
        assert_eq!(code.province(), "51");
        assert_eq!(code.path(w).len(), 4);

        assert_eq!(
            VillageCode::parse(w, "51.01.03.9999"),
            Err(WilayahError::Unknown {
                code: "51.01.03.9999".to_owned()
            })
        );
        assert!(matches!(
            VillageCode::parse(w, "desa"),
            Err(WilayahError::Unknown { .. })
        ));
        assert_eq!(VillageCode::parse(w, "51.01.03"), Err(WilayahError::NotVillage));
        assert_eq!(VillageCode::parse(w, "51"), Err(WilayahError::NotVillage));
        assert_eq!(
            WilayahError::Unknown { code: String::new() }.to_string(),
            "Kelurahan/desa tidak ditemukan."
        );
    }

    #[test]
    fn village_code_serde_round_trips_and_rejects_unknown_codes() {
        let code = VillageCode::parse(Wilayah::builtin(), "51.01.03.2004").expect("known");
        let json = serde_json::to_string(&code).expect("serializes");
        assert_eq!(json, "\"51.01.03.2004\"");
        assert_eq!(serde_json::from_str::<VillageCode>(&json).ok(), Some(code));
        assert!(serde_json::from_str::<VillageCode>("\"51.01.03\"").is_err());
    }

    #[test]
    fn display_name_title_cases_capitalised_names() {
        let w = Wilayah::builtin();
        assert_eq!(w.display_name("51.01").as_deref(), Some("Kabupaten Jembrana"));
        assert_eq!(w.display_name("31").as_deref(), Some("DKI Jakarta"));
        assert_eq!(
            w.display_name("73.10").as_deref(),
            Some("Kabupaten Pangkajene dan Kepulauan")
        );
        assert_eq!(w.display_name("13.01.07").as_deref(), Some("Koto XI Tarusan"));
        assert_eq!(w.display_name("99"), None);
        assert_eq!(title_case("KOTA BAU-BAU"), "Kota Bau-Bau");
        assert_eq!(title_case("KI'E"), "Ki'e");
    }

    #[test]
    fn level_labels_are_indonesian() {
        assert_eq!(AreaLevel::Province.label_id(), "Provinsi");
        assert_eq!(AreaLevel::Regency.label_id(), "Kabupaten / Kota");
        assert_eq!(AreaLevel::District.label_id(), "Kecamatan");
        assert_eq!(AreaLevel::Village.label_id(), "Kelurahan / Desa");
    }

    const P: &str = "code,name\n51,BALI\n";
    const R: &str = "code,province_code,name\n51.01,51,KABUPATEN JEMBRANA\n";
    const D: &str = "code,regency_code,name\n51.01.03,51.01,Pekutatan\n";
    const V: &str = "code,district_code,name\n51.01.03.2004,51.01.03,Pekutatan\n";

    #[test]
    fn parse_reads_a_small_tree_with_crlf_and_commas_in_names() {
        let v = "code,district_code,name\r\n51.01.03.2004,51.01.03,Pekutatan\r\n\r\n51.01.03.2001,51.01.03,Medewi, Barat\r\n";
        let w = Wilayah::parse(P, R, D, v).expect("valid tree");
        assert_eq!(names(w.children("51.01.03")), ["Medewi, Barat", "Pekutatan"]);
        assert_eq!(w.path("51.01.03.2001").len(), 4);
    }

    #[test]
    fn bad_csv_lines_report_file_and_line() {
        let csv = |file, line| Err(WilayahError::Csv { file, line });
        // A parent that does not exist.
        let orphan = "code,district_code,name\n51.01.03.2004,51.01.03,Pekutatan\n51.01.04.2001,51.01.04,Yeh Sumbul\n";
        assert_eq!(Wilayah::parse(P, R, D, orphan), csv("villages.csv", 3));
        // A parent column that disagrees with the code.
        let mismatch = "code,regency_code,name\n51.01.03,51.02,Pekutatan\n";
        assert_eq!(Wilayah::parse(P, R, mismatch, V), csv("districts.csv", 2));
        // A malformed code, a duplicate, a missing name, a wrong header.
        let bad_code = "code,province_code,name\n51.1,51,X\n";
        assert_eq!(Wilayah::parse(P, bad_code, D, V), csv("regencies.csv", 2));
        let duplicate = "code,name\n51,BALI\n51,BALI\n";
        assert_eq!(Wilayah::parse(duplicate, R, D, V), csv("provinces.csv", 3));
        let no_name = "code,name\n51,\n";
        assert_eq!(Wilayah::parse(no_name, R, D, V), csv("provinces.csv", 2));
        assert_eq!(Wilayah::parse("kode,nama\n51,BALI\n", R, D, V), csv("provinces.csv", 1));
        assert_eq!(
            WilayahError::Csv {
                file: "villages.csv",
                line: 3
            }
            .to_string(),
            "Data wilayah villages.csv baris 3 tidak valid."
        );
    }

    #[test]
    fn odbl_credit_names_source_and_licence() {
        assert!(ODBL_CREDIT.contains("idn-area-data"));
        assert!(ODBL_CREDIT.contains("ODbL"));
    }

    proptest! {
        #[test]
        fn level_of_accepts_every_well_formed_code(
            p in 0u32..100, k in 0u32..100, c in 0u32..100, n in 0u32..10_000,
        ) {
            prop_assert_eq!(Wilayah::level_of(&format!("{p:02}")), Some(AreaLevel::Province));
            prop_assert_eq!(Wilayah::level_of(&format!("{p:02}.{k:02}")), Some(AreaLevel::Regency));
            prop_assert_eq!(Wilayah::level_of(&format!("{p:02}.{k:02}.{c:02}")), Some(AreaLevel::District));
            prop_assert_eq!(
                Wilayah::level_of(&format!("{p:02}.{k:02}.{c:02}.{n:04}")),
                Some(AreaLevel::Village)
            );
        }

        #[test]
        fn lookups_never_panic_on_arbitrary_input(code in ".{0,16}") {
            let w = Wilayah::builtin();
            let _ = w.get(&code);
            let _ = w.children(&code);
            let _ = w.path(&code);
            let _ = w.display_name(&code);
            let _ = w.is_child_of(&code, "51");
            if let Ok(village) = VillageCode::parse(w, &code) {
                prop_assert_eq!(w.path(village.as_str()).len(), 4);
            }
        }
    }
}
