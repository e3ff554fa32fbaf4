//! E-mail addresses, trimmed and lower-cased.
//!
//! A deliberately conservative subset of RFC 5321/5322 that real mail providers accept:
//! - local part: 1–64 characters of `a-z 0-9 ! # $ % & ' * + / = ? ^ _ ` { | } ~ - .`, no leading,
//!   trailing or double dot (no quoted local parts);
//! - domain: at least two dot-separated labels of `a-z 0-9 -` (1–63 characters, not starting or
//!   ending with `-`), the last label (top-level domain) at least 2 characters and not all digits
//!   (so no IP-address literals);
//! - whole address at most 254 characters.
//!
//! Addresses are lower-cased as a whole: the local part is case-insensitive at every provider used
//! in Indonesia, and lower-casing makes the address usable as a unique login.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest accepted address (RFC 5321 path limit minus the angle brackets).
pub const MAX_LEN: usize = 254;
/// Longest accepted local part (RFC 5321).
pub const MAX_LOCAL_LEN: usize = 64;
/// Longest domain label (RFC 1035).
const MAX_LABEL_LEN: usize = 63;

/// A valid, lower-cased e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why a text is not a valid e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Alamat email wajib diisi.")]
    Empty,
    #[error("Alamat email tidak valid. Mohon periksa kembali penulisannya, contoh: nama@contoh.co.id.")]
    Invalid,
    #[error(
        "Alamat email terlalu panjang (paling banyak 254 karakter, dan paling banyak 64 karakter sebelum tanda @)."
    )]
    TooLong,
}

impl Email {
    /// Parses an e-mail address: trims surrounding whitespace and lower-cases it.
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if !s.is_ascii() || s.chars().any(|c| c.is_ascii_whitespace() || c.is_ascii_control()) {
            return Err(EmailError::Invalid);
        }
        let s = s.to_ascii_lowercase();
        if s.len() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::Invalid)?;
        if domain.contains('@') {
            return Err(EmailError::Invalid);
        }
        if local.len() > MAX_LOCAL_LEN {
            return Err(EmailError::TooLong);
        }
        if !valid_local(local) || !valid_domain(domain) {
            return Err(EmailError::Invalid);
        }
        Ok(Email(s))
    }

    /// The address, e.g. "nama@contoh.co.id".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the '@', e.g. "nama".
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or("", |(local, _)| local)
    }

    /// The part after the '@', e.g. "contoh.co.id".
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

/// Dot-atom local part (RFC 5322 `atext` and dots), already lower-cased.
fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-.".contains(&b))
}

/// Host name with at least one dot and a non-numeric top-level domain, already lower-cased.
fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && labels.iter().all(|label| valid_label(label))
        && tld.len() >= 2
        && !tld.bytes().all(|b| b.is_ascii_digit())
}

fn valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= MAX_LABEL_LEN
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Email {
    type Err = EmailError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Email::parse(s)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Email::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_and_lower_cases() {
        let email = Email::parse("  Budi.Santoso@Contoh.CO.ID \n").unwrap();
        assert_eq!(email.as_str(), "budi.santoso@contoh.co.id");
        assert_eq!(email.local_part(), "budi.santoso");
        assert_eq!(email.domain(), "contoh.co.id");
    }

    #[test]
    fn common_addresses_are_accepted() {
        for input in [
            "dinkes@bontangkota.go.id",
            "a@b.co",
            "nama+izin@gmail.com",
            "first_last-1@sub.domain-x.example.com",
            "o'neil@example.org",
            "x@xn--p1ai.xn--p1ai",
        ] {
            assert!(Email::parse(input).is_ok(), "{input}");
        }
    }

    #[test]
    fn empty_or_blank_is_refused_as_empty() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("  \t "), Err(EmailError::Empty));
    }

    #[test]
    fn malformed_addresses_are_invalid() {
        for input in [
            "budi",
            "budi@",
            "@contoh.com",
            "budi@@contoh.com",
            "budi@ani@contoh.com",
            "budi@contoh",
            "budi@contoh.",
            "budi@.contoh.com",
            "budi@contoh..com",
            "budi@-contoh.com",
            "budi@contoh-.com",
            "budi@contoh_x.com",
            "budi@contoh.c",
            "budi@192.168.1.1",
            "budi@[192.168.1.1]",
            ".budi@contoh.com",
            "budi.@contoh.com",
            "bu..di@contoh.com",
            "bu di@contoh.com",
            "budi@con toh.com",
            "budi\t@contoh.com",
            "budi\u{0}@contoh.com",
            "\"budi\"@contoh.com",
            "budi,ani@contoh.com",
            "budi<@contoh.com",
            "bûdi@contoh.com",
            "budi@contöh.com",
        ] {
            assert_eq!(Email::parse(input), Err(EmailError::Invalid), "{input:?}");
        }
    }

    #[test]
    fn long_addresses_are_too_long() {
        let local65 = "a".repeat(65);
        assert_eq!(Email::parse(&format!("{local65}@contoh.com")), Err(EmailError::TooLong));
        let local64 = "a".repeat(64);
        assert!(Email::parse(&format!("{local64}@contoh.com")).is_ok());

        // 254 characters in total is the limit.
        let label = "b".repeat(63);
        let domain = format!("{label}.{label}.{label}.{}", "c".repeat(57)); // 3*64 + 57 = 249
        let ok = format!("abc@{domain}"); // 4 + 249 = 253
        assert_eq!(ok.len(), 253);
        assert!(Email::parse(&ok).is_ok());
        let ok = format!("abcd@{domain}");
        assert_eq!(ok.len(), 254);
        assert!(Email::parse(&ok).is_ok());
        let long = format!("abcde@{domain}");
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn domain_label_over_63_characters_is_invalid() {
        let label = "b".repeat(64);
        assert_eq!(Email::parse(&format!("a@{label}.com")), Err(EmailError::Invalid));
    }

    #[test]
    fn serde_round_trips_as_string_and_refuses_invalid() {
        let email = Email::parse("Budi@Contoh.com").unwrap();
        let json = serde_json::to_string(&email).unwrap();
        assert_eq!(json, "\"budi@contoh.com\"");
        assert_eq!(serde_json::from_str::<Email>(&json).unwrap(), email);
        assert_eq!(serde_json::from_str::<Email>("\"BUDI@CONTOH.COM\"").unwrap(), email);
        assert!(serde_json::from_str::<Email>("\"budi\"").is_err());
    }

    #[test]
    fn display_and_from_str_agree_with_parse() {
        let email: Email = "Budi@Contoh.com".parse().unwrap();
        assert_eq!(email.to_string(), "budi@contoh.com");
    }

    #[test]
    fn error_messages_are_in_indonesian() {
        assert_eq!(EmailError::Empty.to_string(), "Alamat email wajib diisi.");
        assert!(EmailError::Invalid.to_string().starts_with("Alamat email tidak valid."));
    }

    proptest! {
        #[test]
        fn generated_addresses_parse_lower_cased_and_idempotently(
            local in "[A-Za-z0-9_+-]{1,20}(\\.[A-Za-z0-9_+-]{1,10}){0,2}",
            labels in proptest::collection::vec("[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?", 1..4),
            tld in "[A-Za-z]{2,6}",
        ) {
            let input = format!("{local}@{}.{tld}", labels.join("."));
            let email = Email::parse(&input).unwrap();
            prop_assert_eq!(email.as_str(), input.to_ascii_lowercase());
            prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email.clone());
        }

        #[test]
        fn addresses_without_at_sign_are_invalid(s in "[a-z0-9.]{1,40}") {
            prop_assert_eq!(Email::parse(&s), Err(EmailError::Invalid));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,60}") {
            let _ = Email::parse(&s);
        }
    }
}
