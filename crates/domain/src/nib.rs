//! NIB (Nomor Induk Berusaha): the business identity number the OSS system issues, 13 digits
//! (PP 28/2025 on risk-based business licensing, formerly PP 5/2021). Spaces, dots and dashes
//! typed as separators are dropped.

/// Number of digits of an NIB.
pub const NIB_LEN: usize = 13;

/// A well-formed NIB: 13 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nib(String);

/// Why a text is not an NIB.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NibError {
    #[error("NIB wajib diisi (13 digit dari OSS).")]
    Empty,
    #[error("NIB hanya berisi angka.")]
    NotDigits,
    #[error("NIB terdiri dari 13 digit angka (Anda mengetik {len} digit).")]
    WrongLength { len: usize },
}

impl Nib {
    pub fn parse(input: &str) -> Result<Nib, NibError> {
        let digits: String = input
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-')))
            .collect();
        if digits.is_empty() {
            return Err(NibError::Empty);
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NibError::NotDigits);
        }
        if digits.len() != NIB_LEN {
            return Err(NibError::WrongLength { len: digits.len() });
        }
        Ok(Nib(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_digits_with_separators_are_an_nib() {
        assert_eq!(Nib::parse(" 9120-1234.56789 ").map(|n| n.0), Ok("9120123456789".into()));
    }

    #[test]
    fn anything_else_is_refused_with_the_reason() {
        assert_eq!(Nib::parse(""), Err(NibError::Empty));
        assert_eq!(Nib::parse("912012345678A"), Err(NibError::NotDigits));
        assert_eq!(Nib::parse("123"), Err(NibError::WrongLength { len: 3 }));
        assert_eq!(Nib::parse("91201234567890"), Err(NibError::WrongLength { len: 14 }));
    }
}
