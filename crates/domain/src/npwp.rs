//! NPWP (Nomor Pokok Wajib Pajak): the Indonesian taxpayer number, stored as 16 digits.
//!
//! Since 2024 the NPWP has 16 digits (for residents it is the NIK). A legacy 15-digit NPWP
//! ("01.234.567.8-901.000") becomes a 16-digit one by prefixing "0" (PMK 112/2022). Dots, dashes and
//! spaces are accepted as separators in the input.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Number of digits of a current NPWP.
pub const NPWP_LEN: usize = 16;
/// Number of digits of a legacy NPWP.
pub const LEGACY_NPWP_LEN: usize = 15;

/// A valid NPWP: 16 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Npwp(String);

/// Why a text is not a valid NPWP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NpwpError {
    #[error("NPWP wajib diisi.")]
    Empty,
    #[error("NPWP hanya boleh berisi angka (titik, tanda hubung, dan spasi boleh dipakai sebagai pemisah).")]
    NotDigits,
    #[error(
        "NPWP harus terdiri dari 16 digit angka, atau 15 digit untuk NPWP format lama (Anda mengetik {len} digit)."
    )]
    WrongLength { len: usize },
}

impl Npwp {
    /// Parses an NPWP: 16 digits, or a legacy 15-digit NPWP (which gets a leading "0").
    pub fn parse(input: &str) -> Result<Npwp, NpwpError> {
        let digits: String = input
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-')))
            .collect();
        if digits.is_empty() {
            return Err(NpwpError::Empty);
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NpwpError::NotDigits);
        }
        match digits.len() {
            NPWP_LEN => Ok(Npwp(digits)),
            LEGACY_NPWP_LEN => Ok(Npwp(format!("0{digits}"))),
            len => Err(NpwpError::WrongLength { len }),
        }
    }

    /// The 16 digits, e.g. "0012345678901000".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 16 digits in four groups of four for reading, e.g. "0012 3456 7890 1000".
    ///
    /// This is a reading aid only (DJP has no official punctuation for the 16-digit NPWP); use
    /// [`Npwp::as_str`] for storage and exchange. The result parses back to the same NPWP.
    pub fn formatted(&self) -> String {
        let d = &self.0;
        format!("{} {} {} {}", &d[0..4], &d[4..8], &d[8..12], &d[12..16])
    }
}

impl fmt::Display for Npwp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Npwp {
    type Err = NpwpError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Npwp::parse(s)
    }
}

impl AsRef<str> for Npwp {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for Npwp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Npwp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Npwp::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn legacy_punctuated_npwp_gets_a_leading_zero() {
        let npwp = Npwp::parse("01.234.567.8-901.000").unwrap();
        assert_eq!(npwp.as_str(), "0012345678901000");
    }

    #[test]
    fn legacy_15_digits_get_a_leading_zero() {
        let npwp = Npwp::parse("012345678901000").unwrap();
        assert_eq!(npwp.as_str(), "0012345678901000");
    }

    #[test]
    fn sixteen_digits_are_kept_as_is() {
        let npwp = Npwp::parse("3273010101900001").unwrap();
        assert_eq!(npwp.as_str(), "3273010101900001");
        let npwp = Npwp::parse(" 3273 0101 0190 0001 ").unwrap();
        assert_eq!(npwp.as_str(), "3273010101900001");
    }

    #[test]
    fn formatted_groups_by_four_and_parses_back() {
        let npwp = Npwp::parse("0012345678901000").unwrap();
        assert_eq!(npwp.formatted(), "0012 3456 7890 1000");
        assert_eq!(Npwp::parse(&npwp.formatted()).unwrap(), npwp);
    }

    #[test]
    fn empty_or_only_separators_is_refused_as_empty() {
        assert_eq!(Npwp::parse(""), Err(NpwpError::Empty));
        assert_eq!(Npwp::parse(" .- "), Err(NpwpError::Empty));
    }

    #[test]
    fn letters_and_other_punctuation_are_refused() {
        assert_eq!(Npwp::parse("01.234.567.8-901.00O"), Err(NpwpError::NotDigits));
        assert_eq!(Npwp::parse("01/234/567/8/901/000"), Err(NpwpError::NotDigits));
    }

    #[test]
    fn other_lengths_are_refused_with_the_count() {
        assert_eq!(
            Npwp::parse("01.234.567.8-901.00"),
            Err(NpwpError::WrongLength { len: 14 })
        );
        assert_eq!(
            Npwp::parse("12345678901234567"),
            Err(NpwpError::WrongLength { len: 17 })
        );
        assert_eq!(
            NpwpError::WrongLength { len: 14 }.to_string(),
            "NPWP harus terdiri dari 16 digit angka, atau 15 digit untuk NPWP format lama (Anda mengetik 14 digit)."
        );
    }

    #[test]
    fn serde_round_trips_as_string_and_refuses_invalid() {
        let npwp = Npwp::parse("01.234.567.8-901.000").unwrap();
        let json = serde_json::to_string(&npwp).unwrap();
        assert_eq!(json, "\"0012345678901000\"");
        assert_eq!(serde_json::from_str::<Npwp>(&json).unwrap(), npwp);
        assert!(serde_json::from_str::<Npwp>("\"123\"").is_err());
    }

    #[test]
    fn display_and_from_str_agree_with_parse() {
        let npwp: Npwp = "012345678901000".parse().unwrap();
        assert_eq!(npwp.to_string(), "0012345678901000");
    }

    proptest! {
        #[test]
        fn any_16_digits_parse_and_round_trip(s in "[0-9]{16}") {
            let npwp = Npwp::parse(&s).unwrap();
            prop_assert_eq!(npwp.as_str(), s.as_str());
            prop_assert_eq!(Npwp::parse(&npwp.formatted()).unwrap(), npwp.clone());
            let shown = npwp.to_string();
            prop_assert_eq!(Npwp::parse(&shown).unwrap(), npwp);
        }

        #[test]
        fn any_legacy_15_digits_get_prefixed(s in "[0-9]{15}") {
            let legacy = format!(
                "{}.{}.{}.{}-{}.{}",
                &s[0..2], &s[2..5], &s[5..8], &s[8..9], &s[9..12], &s[12..15]
            );
            let npwp = Npwp::parse(&legacy).unwrap();
            prop_assert_eq!(npwp.as_str(), format!("0{s}"));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = Npwp::parse(&s);
        }
    }
}
