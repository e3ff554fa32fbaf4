//! Passwords chosen by users, checked NIST SP 800-63B style: length, a blocklist of common
//! passwords, and not the user's own personal data. No composition rules (no "must contain a digit").
//!
//! The secret never leaves this type by accident: `Debug` prints `Password(***)`, and there is no
//! `Display` or `Serialize`. Use [`Password::expose`] only to hash it.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

/// Fewest characters (Unicode scalar values) in a password.
pub const MIN_LEN: usize = 8;
/// Most characters (Unicode scalar values) in a password.
pub const MAX_LEN: usize = 128;

/// Commonly used passwords of at least 8 characters, lower-case, one per line.
static COMMON_PASSWORDS_TXT: &str = include_str!("../../../data/common-passwords.txt");

static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    COMMON_PASSWORDS_TXT
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
});

/// A password that passed the checks. Holds the secret as typed (no trimming or normalisation).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Kata sandi terlalu pendek. Gunakan paling sedikit {min} karakter.")]
    TooShort { min: usize },
    #[error("Kata sandi terlalu panjang. Gunakan paling banyak {max} karakter.")]
    TooLong { max: usize },
    #[error("Kata sandi terlalu umum dan mudah ditebak. Pilih kata sandi lain.")]
    TooCommon,
    #[error(
        "Kata sandi tidak boleh sama dengan data pribadi Anda (seperti email, nama, atau NIK). Pilih kata sandi lain."
    )]
    SameAsPersonalData,
}

impl Password {
    /// Checks a new password.
    ///
    /// `context` holds the user's own data that must not be the password, e.g. the e-mail address,
    /// its local part, the name and the NIK; empty values are ignored. Comparisons are
    /// case-insensitive and ignore whitespace around the context values.
    ///
    /// Refused: fewer than [`MIN_LEN`] or more than [`MAX_LEN`] characters; equal to a context
    /// value; in the common-password list; or one character repeated ("aaaaaaaa").
    pub fn parse(input: &str, context: &[&str]) -> Result<Password, PasswordError> {
        let len = input.chars().count();
        if len < MIN_LEN {
            return Err(PasswordError::TooShort { min: MIN_LEN });
        }
        if len > MAX_LEN {
            return Err(PasswordError::TooLong { max: MAX_LEN });
        }
        let lower = input.to_lowercase();
        let same_as_context = context
            .iter()
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
            .any(|value| value.to_lowercase() == lower);
        if same_as_context {
            return Err(PasswordError::SameAsPersonalData);
        }
        if is_common(&lower) || is_one_repeated_char(input) {
            return Err(PasswordError::TooCommon);
        }
        Ok(Password(input.to_owned()))
    }

    /// The secret itself, to be hashed. Never log or display it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Whether `lower` (already lower-cased) is in the common-password list.
fn is_common(lower: &str) -> bool {
    COMMON_PASSWORDS.contains(lower)
}

fn is_one_repeated_char(input: &str) -> bool {
    let mut chars = input.chars();
    match chars.next() {
        Some(first) => chars.all(|c| c == first),
        None => false,
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn common_password_list_has_at_least_1000_lower_case_entries() {
        let lines: Vec<&str> = COMMON_PASSWORDS_TXT.lines().collect();
        assert!(lines.len() >= 1000, "only {} lines", lines.len());
        assert!(COMMON_PASSWORDS.len() >= 1000, "only {} unique", COMMON_PASSWORDS.len());
        for line in &lines {
            assert_eq!(*line, line.to_lowercase(), "not lower-case: {line:?}");
            assert_eq!(*line, line.trim(), "surrounding whitespace: {line:?}");
            assert!(line.chars().count() >= MIN_LEN, "shorter than {MIN_LEN}: {line:?}");
        }
    }

    #[test]
    fn common_password_list_has_no_duplicates() {
        let lines: Vec<&str> = COMMON_PASSWORDS_TXT.lines().collect();
        assert_eq!(lines.len(), COMMON_PASSWORDS.len());
    }

    #[test]
    fn common_indonesian_and_international_passwords_are_refused() {
        for pw in [
            "indonesia",
            "bismillah",
            "sayangku",
            "rahasia123",
            "katasandi",
            "merdeka45",
            "jakarta123",
            "12345678",
            "password",
            "qwertyui",
            "iloveyou",
            "Password",
            "PASSWORD",
            "Bismillah",
        ] {
            assert_eq!(Password::parse(pw, &[]), Err(PasswordError::TooCommon), "{pw}");
        }
    }

    #[test]
    fn one_repeated_character_is_too_common() {
        assert_eq!(Password::parse("zzzzzzzzzzzz", &[]), Err(PasswordError::TooCommon));
    }

    #[test]
    fn short_passwords_are_refused_counting_characters_not_bytes() {
        assert_eq!(Password::parse("kuda123", &[]), Err(PasswordError::TooShort { min: 8 }));
        // 7 characters but 14 bytes.
        assert_eq!(Password::parse("ééééééa", &[]), Err(PasswordError::TooShort { min: 8 }));
        assert!(Password::parse("éépohonç", &[]).is_ok());
    }

    #[test]
    fn long_passwords_are_refused_above_128_characters() {
        let ok = "kuda-lari ".repeat(12) + "kudalari"; // 128 characters
        assert_eq!(ok.chars().count(), 128);
        assert!(Password::parse(&ok, &[]).is_ok());
        let long = ok + "x";
        assert_eq!(Password::parse(&long, &[]), Err(PasswordError::TooLong { max: 128 }));
        // 128 characters of 2 bytes each are fine.
        let wide: String = "éa".repeat(64);
        assert!(Password::parse(&wide, &[]).is_ok());
    }

    #[test]
    fn personal_data_is_refused_case_insensitively() {
        let context = [
            "budi.santoso@contoh.co.id",
            "budi.santoso",
            "Budi Santoso",
            "3273010101900001",
            "",
        ];
        for pw in [
            "BUDI.SANTOSO@CONTOH.CO.ID",
            "budi.santoso",
            "budi santoso",
            "3273010101900001",
        ] {
            assert_eq!(
                Password::parse(pw, &context),
                Err(PasswordError::SameAsPersonalData),
                "{pw}"
            );
        }
        assert!(Password::parse("budi santoso naik kuda", &context).is_ok());
    }

    #[test]
    fn empty_or_blank_context_values_are_ignored() {
        assert!(Password::parse("        ", &["  "]).is_err());
        assert!(Password::parse("kuda lari kencang", &["", "   "]).is_ok());
    }

    #[test]
    fn good_password_is_kept_exactly_as_typed() {
        let pw = Password::parse("  Kuda Lari Kencang  ", &["budi"]).unwrap();
        assert_eq!(pw.expose(), "  Kuda Lari Kencang  ");
    }

    #[test]
    fn debug_does_not_reveal_the_secret() {
        let pw = Password::parse("kuda lari kencang", &[]).unwrap();
        assert_eq!(format!("{pw:?}"), "Password(***)");
        assert_eq!(format!("{:?}", Some(pw)), "Some(Password(***))");
    }

    #[test]
    fn error_messages_are_in_indonesian() {
        assert_eq!(
            PasswordError::TooCommon.to_string(),
            "Kata sandi terlalu umum dan mudah ditebak. Pilih kata sandi lain."
        );
        assert_eq!(
            PasswordError::TooShort { min: 8 }.to_string(),
            "Kata sandi terlalu pendek. Gunakan paling sedikit 8 karakter."
        );
    }

    proptest! {
        #[test]
        fn every_listed_password_is_refused_in_any_case(
            index in 0..COMMON_PASSWORDS_TXT.lines().count(),
            upper in any::<bool>(),
        ) {
            let listed = COMMON_PASSWORDS_TXT.lines().nth(index).unwrap();
            let pw = if upper { listed.to_uppercase() } else { listed.to_owned() };
            prop_assert_eq!(Password::parse(&pw, &[]), Err(PasswordError::TooCommon));
        }

        #[test]
        fn length_rule_counts_characters(s in "\\PC{0,140}") {
            let result = Password::parse(&s, &[]);
            let len = s.chars().count();
            if len < MIN_LEN {
                prop_assert_eq!(result, Err(PasswordError::TooShort { min: MIN_LEN }));
            } else if len > MAX_LEN {
                prop_assert_eq!(result, Err(PasswordError::TooLong { max: MAX_LEN }));
            } else {
                let length_error = matches!(
                    result,
                    Err(PasswordError::TooShort { .. } | PasswordError::TooLong { .. })
                );
                prop_assert!(!length_error);
            }
        }

        #[test]
        fn a_password_equal_to_a_context_value_is_refused(s in "[a-zA-Z0-9@._ ]{8,40}") {
            prop_assume!(s.trim() == s);
            prop_assert_eq!(
                Password::parse(&s.to_uppercase(), &["", &s]),
                Err(PasswordError::SameAsPersonalData)
            );
        }
    }
}
