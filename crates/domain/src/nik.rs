//! NIK (Nomor Induk Kependudukan): the 16-digit Indonesian population identity number.
//!
//! Layout (Kemendagri): `PP KK CC DD MM YY SSSS`
//! - `PP` province, `KK` regency/city, `CC` district (kecamatan) of first registration;
//! - `DD` day of birth, plus 40 for women (so 41–71);
//! - `MM` month of birth, `YY` two-digit year of birth;
//! - `SSSS` serial number, never `0000`.
//!
//! Only the province is checked against the list of the 38 provinces: unknown regency or district
//! codes are a warning for the caller (DOMAIN.md rule 11), not a parse error.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Number of digits in a NIK.
pub const NIK_LEN: usize = 16;

/// The 38 province codes of Kemendagri (see data/wilayah/provinces.csv).
pub const PROVINCE_CODES: [&str; 38] = [
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51", "52", "53",
    "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "92", "93", "94", "95", "96",
];

/// A valid NIK: 16 ASCII digits with a known province, a real birth date and a non-zero serial.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nik(String);

/// Why a text is not a valid NIK.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NikError {
    #[error("NIK wajib diisi.")]
    Empty,
    #[error("NIK harus terdiri dari 16 digit angka (Anda mengetik {len} digit).")]
    WrongLength { len: usize },
    #[error("NIK hanya boleh berisi angka 0–9, tanpa spasi, titik, huruf, atau tanda hubung.")]
    NotDigits,
    #[error("Dua digit pertama NIK ({code}) bukan kode provinsi yang dikenal. Mohon periksa kembali NIK Anda.")]
    UnknownProvince { code: String },
    #[error(
        "Digit ke-7 dan ke-8 NIK (tanggal lahir) tidak valid: seharusnya 01–31 untuk laki-laki atau 41–71 untuk perempuan."
    )]
    InvalidDay,
    #[error("Digit ke-9 dan ke-10 NIK (bulan lahir) seharusnya antara 01 dan 12.")]
    InvalidMonth,
    #[error(
        "Tanggal lahir di dalam NIK (digit ke-7 sampai ke-12) bukan tanggal yang ada di kalender. Mohon periksa kembali NIK Anda."
    )]
    InvalidDate,
    #[error("Empat digit terakhir NIK (nomor urut) tidak boleh 0000.")]
    ZeroSerial,
}

/// Sex as encoded in the NIK (day of birth + 40 for women).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// Indonesian label as printed on the KTP: "Laki-laki" or "Perempuan".
    pub fn label_id(self) -> &'static str {
        match self {
            Sex::Male => "Laki-laki",
            Sex::Female => "Perempuan",
        }
    }

    /// One-letter code: "L" (laki-laki) or "P" (perempuan).
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "L",
            Sex::Female => "P",
        }
    }

    /// Inverse of [`Sex::code`]; exact match on "L" or "P".
    pub fn from_code(code: &str) -> Option<Sex> {
        match code {
            "L" => Some(Sex::Male),
            "P" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// Displays the Indonesian label ("Laki-laki" / "Perempuan").
impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_id())
    }
}

impl Serialize for Sex {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Sex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Sex::from_code(&code).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "kode jenis kelamin tidak dikenal: {code:?} (seharusnya \"L\" atau \"P\")"
            ))
        })
    }
}

impl Nik {
    /// Parses a NIK, using today's date in WIT (UTC+9, the latest date in Indonesia) to choose the
    /// century of the birth year.
    ///
    /// Surrounding whitespace is trimmed; inner spaces or separators are refused.
    pub fn parse(input: &str) -> Result<Nik, NikError> {
        Nik::parse_on(input, today_in_indonesia())
    }

    /// Parses a NIK as [`Nik::parse`] does, with `today` given explicitly.
    ///
    /// The two-digit year `YY` means 20YY unless that birth date would be after `today`, then 19YY.
    pub fn parse_on(input: &str, today: NaiveDate) -> Result<Nik, NikError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(NikError::Empty);
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NikError::NotDigits);
        }
        // All bytes are ASCII digits, so the byte length is the number of digits typed.
        if s.len() != NIK_LEN {
            return Err(NikError::WrongLength { len: s.len() });
        }
        let province = &s[0..2];
        if !PROVINCE_CODES.contains(&province) {
            return Err(NikError::UnknownProvince {
                code: province.to_owned(),
            });
        }
        birth_info(s, today)?;
        if &s[12..16] == "0000" {
            return Err(NikError::ZeroSerial);
        }
        Ok(Nik(s.to_owned()))
    }

    /// The 16 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Masked form for public pages: first 4 digits, 8 asterisks, last 4 digits ("3273********0001").
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[0..4], &self.0[12..16])
    }

    /// The last 4 digits (the serial number).
    pub fn last4(&self) -> &str {
        &self.0[12..16]
    }

    /// Province code, 2 digits ("32").
    pub fn province_code(&self) -> &str {
        &self.0[0..2]
    }

    /// Regency/city code in dotted Kemendagri form ("32.73").
    pub fn regency_code(&self) -> String {
        format!("{}.{}", &self.0[0..2], &self.0[2..4])
    }

    /// District (kecamatan) code in dotted Kemendagri form ("32.73.01").
    pub fn district_code(&self) -> String {
        format!("{}.{}.{}", &self.0[0..2], &self.0[2..4], &self.0[4..6])
    }

    /// Date of birth encoded in digits 7–12.
    ///
    /// The century is decided against the current date (as in [`Nik::parse`]), so a stored NIK whose
    /// 20YY birthday was still in the future when parsed (a person born 19YY) keeps reading as 19YY
    /// until 20YY-MM-DD arrives. Use [`Nik::birth_date_on`] for a fixed reference date.
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date_on(today_in_indonesia())
    }

    /// Date of birth with the century decided against `today` (see [`Nik::parse_on`]).
    pub fn birth_date_on(&self, today: NaiveDate) -> NaiveDate {
        match birth_info(&self.0, today) {
            Ok((date, _)) => date,
            // Unreachable for a parsed NIK: both candidate centuries were checked at parse time, and
            // 19YY-MM-DD exists whenever 20YY-MM-DD does (or vice versa) except for 29 February of
            // YY = 00, where 2000 is a leap year and 1900 is not. Fall back to the other century.
            Err(_) => fallback_birth_date(&self.0),
        }
    }

    /// Sex encoded in the day of birth (day + 40 for women).
    pub fn sex(&self) -> Sex {
        if two_digits(&self.0[6..8]) > 40 {
            Sex::Female
        } else {
            Sex::Male
        }
    }
}

/// Today's date in WIT (UTC+9), the easternmost Indonesian time zone: the latest calendar date
/// anywhere in Indonesia, so a child born "today" in any time zone is never taken as born in the future.
fn today_in_indonesia() -> NaiveDate {
    (chrono::Utc::now().naive_utc() + chrono::TimeDelta::hours(9)).date()
}

/// Value of a 2-character slice of ASCII digits.
fn two_digits(s: &str) -> u32 {
    s.bytes().fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
}

/// Decodes the birth date and sex from digits 7–12 of a 16-digit string.
fn birth_info(s: &str, today: NaiveDate) -> Result<(NaiveDate, Sex), NikError> {
    let raw_day = two_digits(&s[6..8]);
    let (day, sex) = match raw_day {
        1..=31 => (raw_day, Sex::Male),
        41..=71 => (raw_day - 40, Sex::Female),
        _ => return Err(NikError::InvalidDay),
    };
    let month = two_digits(&s[8..10]);
    if !(1..=12).contains(&month) {
        return Err(NikError::InvalidMonth);
    }
    let yy = two_digits(&s[10..12]) as i32;
    let in_future = (2000 + yy, month, day) > (today.year(), today.month(), today.day());
    let year = if in_future { 1900 + yy } else { 2000 + yy };
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(NikError::InvalidDate)?;
    Ok((date, sex))
}

/// Best-effort decoding used only if [`birth_info`] unexpectedly fails on a stored NIK.
fn fallback_birth_date(s: &str) -> NaiveDate {
    let day = two_digits(&s[6..8]) % 40;
    let month = two_digits(&s[8..10]);
    let yy = two_digits(&s[10..12]) as i32;
    NaiveDate::from_ymd_opt(2000 + yy, month, day)
        .or_else(|| NaiveDate::from_ymd_opt(1900 + yy, month, day))
        .unwrap_or(NaiveDate::MIN)
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Nik {
    type Err = NikError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Nik::parse(s)
    }
}

impl AsRef<str> for Nik {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for Nik {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Nik {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Nik::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2026, 5, 1)
    }

    fn parse(s: &str) -> Result<Nik, NikError> {
        Nik::parse_on(s, today())
    }

    #[test]
    fn real_world_example_parses_as_man_born_1997_03_09() {
        let nik = parse("5104010903970004").unwrap();
        assert_eq!(nik.as_str(), "5104010903970004");
        assert_eq!(nik.sex(), Sex::Male);
        assert_eq!(nik.birth_date_on(today()), date(1997, 3, 9));
        assert_eq!(nik.birth_date(), date(1997, 3, 9));
        assert_eq!(nik.province_code(), "51");
        assert_eq!(nik.regency_code(), "51.04");
        assert_eq!(nik.district_code(), "51.04.01");
        assert_eq!(nik.last4(), "0004");
        assert_eq!(Nik::parse("5104010903970004").unwrap(), nik);
    }

    #[test]
    fn woman_has_day_plus_40() {
        let nik = parse("3273015508850001").unwrap();
        assert_eq!(nik.sex(), Sex::Female);
        assert_eq!(nik.birth_date_on(today()), date(1985, 8, 15));
    }

    #[test]
    fn masked_keeps_first_and_last_four_digits() {
        let nik = parse("3273010101900001").unwrap();
        assert_eq!(nik.masked(), "3273********0001");
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        let nik = parse("  3273010101900001\t\n").unwrap();
        assert_eq!(nik.as_str(), "3273010101900001");
    }

    #[test]
    fn empty_or_blank_is_refused_as_empty() {
        assert_eq!(parse(""), Err(NikError::Empty));
        assert_eq!(parse("   "), Err(NikError::Empty));
    }

    #[test]
    fn wrong_length_reports_the_number_of_digits_typed() {
        assert_eq!(parse("327301010190001"), Err(NikError::WrongLength { len: 15 }));
        assert_eq!(parse("32730101019000011"), Err(NikError::WrongLength { len: 17 }));
        assert_eq!(
            NikError::WrongLength { len: 15 }.to_string(),
            "NIK harus terdiri dari 16 digit angka (Anda mengetik 15 digit)."
        );
    }

    #[test]
    fn inner_spaces_letters_and_separators_are_refused() {
        assert_eq!(parse("3273 0101 0190 0001"), Err(NikError::NotDigits));
        assert_eq!(parse("3273-0101-0190-0001"), Err(NikError::NotDigits));
        assert_eq!(parse("327301010190000A"), Err(NikError::NotDigits));
        // Non-ASCII digits (Arabic-Indic) are not accepted.
        assert_eq!(parse("٣٢٧٣010101900001"), Err(NikError::NotDigits));
    }

    #[test]
    fn unknown_province_is_refused_with_its_code() {
        assert_eq!(
            parse("2073010101900001"),
            Err(NikError::UnknownProvince { code: "20".into() })
        );
        assert_eq!(
            parse("9973010101900001"),
            Err(NikError::UnknownProvince { code: "99".into() })
        );
    }

    #[test]
    fn all_38_provinces_are_accepted() {
        for code in PROVINCE_CODES {
            let s = format!("{code}01010101900001");
            assert!(parse(&s).is_ok(), "{s}");
        }
    }

    #[test]
    fn province_list_matches_wilayah_data() {
        let csv = include_str!("../../../data/wilayah/provinces.csv");
        let codes: Vec<&str> = csv
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| l.split(',').next())
            .collect();
        assert_eq!(codes, PROVINCE_CODES.to_vec());
    }

    #[test]
    fn day_outside_both_ranges_is_refused() {
        for day in ["00", "32", "40", "72", "99"] {
            let s = format!("327301{day}01900001");
            assert_eq!(parse(&s), Err(NikError::InvalidDay), "{s}");
        }
    }

    #[test]
    fn month_outside_1_to_12_is_refused() {
        for month in ["00", "13", "99"] {
            let s = format!("32730101{month}900001");
            assert_eq!(parse(&s), Err(NikError::InvalidMonth), "{s}");
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        // 31 April, 30 February, 29 February 1999, women's 31 June.
        for s in [
            "3273013104900001",
            "3273013002900001",
            "3273012902990001",
            "3273017106900001",
        ] {
            assert_eq!(parse(s), Err(NikError::InvalidDate), "{s}");
        }
    }

    #[test]
    fn leap_days_are_accepted() {
        let nik = parse("3273016902960001").unwrap();
        assert_eq!(nik.birth_date_on(today()), date(1996, 2, 29));
        assert_eq!(nik.sex(), Sex::Female);
        // YY = 00 is 2000 (a leap year), not 1900.
        let nik = parse("3273012902000001").unwrap();
        assert_eq!(nik.birth_date_on(today()), date(2000, 2, 29));
    }

    #[test]
    fn zero_serial_is_refused() {
        assert_eq!(parse("3273010101900000"), Err(NikError::ZeroSerial));
    }

    #[test]
    fn century_is_20yy_unless_that_is_in_the_future() {
        // Today is 2026-05-01.
        let past = parse("3273010105260001").unwrap(); // 2026-05-01: today, not future
        assert_eq!(past.birth_date_on(today()), date(2026, 5, 1));
        let future = parse("3273010205260001").unwrap(); // 2026-05-02 is future → 1926
        assert_eq!(future.birth_date_on(today()), date(1926, 5, 2));
        let young = parse("3273011508100001").unwrap();
        assert_eq!(young.birth_date_on(today()), date(2010, 8, 15));
        let old = parse("3273011508450001").unwrap();
        assert_eq!(old.birth_date_on(today()), date(1945, 8, 15));
    }

    #[test]
    fn sex_codes_and_labels() {
        assert_eq!(Sex::Male.code(), "L");
        assert_eq!(Sex::Female.code(), "P");
        assert_eq!(Sex::Male.label_id(), "Laki-laki");
        assert_eq!(Sex::Female.label_id(), "Perempuan");
        assert_eq!(Sex::from_code("L"), Some(Sex::Male));
        assert_eq!(Sex::from_code("P"), Some(Sex::Female));
        assert_eq!(Sex::from_code("l"), None);
        assert_eq!(Sex::from_code("X"), None);
        assert_eq!(Sex::Female.to_string(), "Perempuan");
    }

    #[test]
    fn sex_serializes_as_l_or_p() {
        assert_eq!(serde_json::to_string(&Sex::Male).unwrap(), "\"L\"");
        assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), "\"P\"");
        assert_eq!(serde_json::from_str::<Sex>("\"P\"").unwrap(), Sex::Female);
        assert!(serde_json::from_str::<Sex>("\"Perempuan\"").is_err());
    }

    #[test]
    fn serde_round_trips_as_string_and_refuses_invalid() {
        let nik = Nik::parse("5104010903970004").unwrap();
        let json = serde_json::to_string(&nik).unwrap();
        assert_eq!(json, "\"5104010903970004\"");
        assert_eq!(serde_json::from_str::<Nik>(&json).unwrap(), nik);
        assert!(serde_json::from_str::<Nik>("\"5104010903970000\"").is_err());
        assert!(serde_json::from_str::<Nik>("\"123\"").is_err());
    }

    #[test]
    fn display_and_from_str_agree_with_parse() {
        let nik: Nik = "5104010903970004".parse().unwrap();
        assert_eq!(nik.to_string(), "5104010903970004");
        assert!("abc".parse::<Nik>().is_err());
    }

    #[test]
    fn error_messages_are_in_indonesian() {
        assert_eq!(NikError::Empty.to_string(), "NIK wajib diisi.");
        assert!(
            NikError::UnknownProvince { code: "20".into() }
                .to_string()
                .contains("(20)")
        );
        assert!(NikError::ZeroSerial.to_string().contains("0000"));
    }

    /// Generates a valid NIK string together with its expected birth date and sex.
    fn valid_nik() -> impl Strategy<Value = (String, NaiveDate, Sex)> {
        (
            proptest::sample::select(PROVINCE_CODES.to_vec()),
            0u32..100,
            0u32..100,
            date(1927, 1, 1).num_days_from_ce()..=today().num_days_from_ce(),
            any::<bool>(),
            1u32..10_000,
        )
            .prop_map(|(prov, kab, kec, days, female, serial)| {
                let birth = NaiveDate::from_num_days_from_ce_opt(days).unwrap();
                let day = birth.day() + if female { 40 } else { 0 };
                let s = format!(
                    "{prov}{kab:02}{kec:02}{day:02}{:02}{:02}{serial:04}",
                    birth.month(),
                    birth.year() % 100
                );
                let sex = if female { Sex::Female } else { Sex::Male };
                (s, birth, sex)
            })
    }

    proptest! {
        #[test]
        fn any_valid_generated_nik_parses_and_round_trips((s, birth, sex) in valid_nik()) {
            let nik = parse(&s).unwrap();
            prop_assert_eq!(nik.as_str(), s.as_str());
            prop_assert_eq!(nik.birth_date_on(today()), birth);
            prop_assert_eq!(nik.sex(), sex);
            let shown = nik.to_string();
            prop_assert_eq!(parse(&shown).unwrap(), nik.clone());
            let json = serde_json::to_string(&nik).unwrap();
            prop_assert_eq!(serde_json::from_str::<Nik>(&json).unwrap(), nik.clone());
            let masked = nik.masked();
            prop_assert_eq!(masked.len(), 16);
            prop_assert!(masked.starts_with(&s[..4]) && masked.ends_with(&s[12..]));
        }

        #[test]
        fn any_16_char_string_with_a_non_digit_is_refused(
            (s, pos, c) in ("[0-9]{16}", 0usize..16, any::<char>().prop_filter("non-digit", |c| !c.is_ascii_digit() && !c.is_whitespace()))
        ) {
            let mut chars: Vec<char> = s.chars().collect();
            chars[pos] = c;
            let s: String = chars.into_iter().collect();
            prop_assert_eq!(parse(&s), Err(NikError::NotDigits));
        }

        #[test]
        fn any_digit_string_of_wrong_length_is_refused(s in "[0-9]{1,15}|[0-9]{17,24}") {
            prop_assert_eq!(parse(&s), Err(NikError::WrongLength { len: s.len() }));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = parse(&s);
        }
    }
}
