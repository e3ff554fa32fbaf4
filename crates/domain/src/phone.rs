//! Indonesian mobile phone numbers, stored in E.164 form (`+628…`).
//!
//! Accepted input: `08…`, `628…` or `+628…`, with any spaces, dashes, dots or parentheses as
//! separators. The national significant number (after `+62` or the trunk `0`) must start with 8 (a
//! mobile number) and have 9–12 digits, i.e. `08` followed by 8–11 digits. Landlines are refused.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Country calling code of Indonesia, with the plus sign.
const COUNTRY_PREFIX: &str = "+62";

/// Shortest national significant number ("8" + 8 digits).
pub const MIN_NSN_LEN: usize = 9;
/// Longest national significant number ("8" + 11 digits).
pub const MAX_NSN_LEN: usize = 12;

/// A valid Indonesian mobile number in E.164 form, e.g. "+6287897893492".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneE164(String);

/// Why a text is not a valid Indonesian mobile number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("Nomor handphone wajib diisi.")]
    Empty,
    #[error(
        "Nomor handphone hanya boleh berisi angka (boleh diawali tanda +, dan boleh memakai spasi atau tanda hubung sebagai pemisah)."
    )]
    InvalidCharacters,
    #[error("Nomor handphone harus diawali 08, 628, atau +628. Nomor telepon rumah atau kantor tidak dapat digunakan.")]
    NotMobile,
    #[error("Panjang nomor handphone tidak sesuai: nomor yang diawali 08 harus terdiri dari 10 sampai 13 digit.")]
    WrongLength,
}

impl PhoneE164 {
    /// Parses and normalises an Indonesian mobile number.
    pub fn parse(input: &str) -> Result<PhoneE164, PhoneError> {
        let cleaned: String = input
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')')))
            .collect();
        if cleaned.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (plus, digits) = match cleaned.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PhoneError::InvalidCharacters);
        }
        let nsn = if plus {
            digits.strip_prefix("62")
        } else {
            digits.strip_prefix('0').or_else(|| digits.strip_prefix("62"))
        }
        .ok_or(PhoneError::NotMobile)?;
        if !nsn.starts_with('8') {
            return Err(PhoneError::NotMobile);
        }
        if !(MIN_NSN_LEN..=MAX_NSN_LEN).contains(&nsn.len()) {
            return Err(PhoneError::WrongLength);
        }
        Ok(PhoneE164(format!("{COUNTRY_PREFIX}{nsn}")))
    }

    /// E.164 form, e.g. "+6287897893492".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// National form with the trunk prefix, e.g. "087897893492".
    pub fn national(&self) -> String {
        format!("0{}", self.nsn())
    }

    /// National significant number, without "+62" or "0", e.g. "87897893492".
    pub fn nsn(&self) -> &str {
        &self.0[COUNTRY_PREFIX.len()..]
    }

    /// Digits for a `wa.me` link or an SMS gateway, without the plus sign, e.g. "6287897893492".
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }
}

impl fmt::Display for PhoneE164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PhoneE164 {
    type Err = PhoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhoneE164::parse(s)
    }
}

impl AsRef<str> for PhoneE164 {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for PhoneE164 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PhoneE164 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        PhoneE164::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seed_example_normalises_to_e164() {
        let phone = PhoneE164::parse("087897893492").unwrap();
        assert_eq!(phone.as_str(), "+6287897893492");
        assert_eq!(phone.national(), "087897893492");
        assert_eq!(phone.nsn(), "87897893492");
        assert_eq!(phone.digits(), "6287897893492");
    }

    #[test]
    fn all_three_prefixes_give_the_same_number() {
        let expected = PhoneE164::parse("087897893492").unwrap();
        for input in ["6287897893492", "+6287897893492", "087897893492"] {
            assert_eq!(PhoneE164::parse(input).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn separators_are_ignored() {
        for input in [
            "0878-9789-3492",
            "0878 9789 3492",
            "0878.9789.3492",
            "(0878) 9789-3492",
            "+62 878-9789-3492",
            "+62 (878) 9789 3492",
            "  087897893492  ",
        ] {
            assert_eq!(PhoneE164::parse(input).unwrap().as_str(), "+6287897893492", "{input}");
        }
    }

    #[test]
    fn empty_or_only_separators_is_refused_as_empty() {
        assert_eq!(PhoneE164::parse(""), Err(PhoneError::Empty));
        assert_eq!(PhoneE164::parse(" - . ( ) "), Err(PhoneError::Empty));
    }

    #[test]
    fn letters_and_misplaced_plus_are_invalid_characters() {
        for input in ["0878abc93492", "08789789349O", "62+87897893492", "++6287897893492"] {
            assert_eq!(PhoneE164::parse(input), Err(PhoneError::InvalidCharacters), "{input}");
        }
    }

    #[test]
    fn landlines_and_foreign_numbers_are_not_mobile() {
        for input in [
            "0215551234",     // Jakarta landline
            "+62215551234",   // Jakarta landline, E.164
            "62215551234",    // idem without plus
            "+6587897893",    // Singapore
            "87897893492",    // no prefix
            "+087897893492",  // plus with trunk prefix
            "62087897893492", // country code and trunk prefix
            "+",              // nothing after the plus
        ] {
            assert_eq!(PhoneE164::parse(input), Err(PhoneError::NotMobile), "{input}");
        }
    }

    #[test]
    fn length_must_be_08_plus_8_to_11_digits() {
        assert_eq!(PhoneE164::parse("0812345678").unwrap().nsn().len(), 9);
        assert_eq!(PhoneE164::parse("0812345678901").unwrap().nsn().len(), 12);
        assert_eq!(PhoneE164::parse("081234567"), Err(PhoneError::WrongLength));
        assert_eq!(PhoneE164::parse("08123456789012"), Err(PhoneError::WrongLength));
        assert_eq!(PhoneE164::parse("+628"), Err(PhoneError::WrongLength));
    }

    #[test]
    fn serde_round_trips_as_e164_string_and_refuses_invalid() {
        let phone = PhoneE164::parse("087897893492").unwrap();
        let json = serde_json::to_string(&phone).unwrap();
        assert_eq!(json, "\"+6287897893492\"");
        assert_eq!(serde_json::from_str::<PhoneE164>(&json).unwrap(), phone);
        assert!(serde_json::from_str::<PhoneE164>("\"0215551234\"").is_err());
    }

    #[test]
    fn display_and_from_str_agree_with_parse() {
        let phone: PhoneE164 = "0878 9789 3492".parse().unwrap();
        assert_eq!(phone.to_string(), "+6287897893492");
    }

    #[test]
    fn error_messages_are_in_indonesian() {
        assert_eq!(
            PhoneError::NotMobile.to_string(),
            "Nomor handphone harus diawali 08, 628, atau +628. Nomor telepon rumah atau kantor tidak dapat digunakan."
        );
        assert_eq!(PhoneError::Empty.to_string(), "Nomor handphone wajib diisi.");
    }

    proptest! {
        #[test]
        fn formatting_then_parsing_is_identity(rest in "[0-9]{8,11}") {
            let phone = PhoneE164::parse(&format!("08{rest}")).unwrap();
            prop_assert_eq!(PhoneE164::parse(phone.as_str()).unwrap(), phone.clone());
            prop_assert_eq!(PhoneE164::parse(&phone.national()).unwrap(), phone.clone());
            prop_assert_eq!(PhoneE164::parse(phone.digits()).unwrap(), phone.clone());
            let shown = phone.to_string();
            prop_assert_eq!(PhoneE164::parse(&shown).unwrap(), phone.clone());
            prop_assert_eq!(phone.national(), format!("08{rest}"));
            prop_assert_eq!(phone.as_str(), format!("+628{rest}"));
        }

        #[test]
        fn all_prefix_forms_agree(rest in "[0-9]{8,11}") {
            let a = PhoneE164::parse(&format!("08{rest}")).unwrap();
            let b = PhoneE164::parse(&format!("628{rest}")).unwrap();
            let c = PhoneE164::parse(&format!("+628{rest}")).unwrap();
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(&a, &c);
        }

        #[test]
        fn non_mobile_national_numbers_are_refused(first in "[1-79]", rest in "[0-9]{7,10}") {
            prop_assert_eq!(
                PhoneE164::parse(&format!("0{first}{rest}")),
                Err(PhoneError::NotMobile)
            );
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = PhoneE164::parse(&s);
        }
    }
}
