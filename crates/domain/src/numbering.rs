//! Permit numbers (DOMAIN rule 8): a pattern per office and permit type, e.g.
//! `503/{seq:04}/SIP-DRSP/DPMPTSP/{year}`, filled from a per-year sequence. The pattern must
//! contain the sequence and the year, so numbers never repeat across years.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberPattern(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("Pola nomor harus memuat {{seq}} (nomor urut), misalnya {{seq:04}}.")]
    NoSequence,
    #[error("Pola nomor harus memuat {{year}} (tahun), karena nomor urut dimulai lagi setiap tahun.")]
    NoYear,
    #[error(
        "Pola nomor memuat bagian yang tidak dikenal: {0}. Yang dapat dipakai: {{seq}}, {{seq:04}}, {{year}}, {{code}}, {{office}}."
    )]
    UnknownToken(String),
    #[error("Pola nomor paling panjang 100 karakter dan hanya memuat huruf, angka, dan tanda / . - _ spasi.")]
    BadCharacters,
}

enum Part<'a> {
    Text(&'a str),
    Seq(usize),
    Year,
    Code,
    Office,
}

fn parts(s: &str) -> Result<Vec<Part<'_>>, PatternError> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find('{') {
        if start > 0 {
            out.push(Part::Text(&rest[..start]));
        }
        let end = rest[start..]
            .find('}')
            .ok_or_else(|| PatternError::UnknownToken(rest[start..].to_string()))?
            + start;
        let token = &rest[start + 1..end];
        out.push(match token {
            "seq" => Part::Seq(1),
            "year" => Part::Year,
            "code" => Part::Code,
            "office" => Part::Office,
            t if t.starts_with("seq:") => {
                let width = t[4..]
                    .parse::<usize>()
                    .map_err(|_| PatternError::UnknownToken(format!("{{{t}}}")))?;
                if !(1..=9).contains(&width) {
                    return Err(PatternError::UnknownToken(format!("{{{t}}}")));
                }
                Part::Seq(width)
            }
            t => return Err(PatternError::UnknownToken(format!("{{{t}}}"))),
        });
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() {
        out.push(Part::Text(rest));
    }
    Ok(out)
}

impl NumberPattern {
    pub fn parse(s: &str) -> Result<NumberPattern, PatternError> {
        let s = s.trim();
        if s.len() > 100 || !s.chars().all(|c| c.is_ascii_alphanumeric() || "/.-_ {}:".contains(c)) {
            return Err(PatternError::BadCharacters);
        }
        let ps = parts(s)?;
        if !ps.iter().any(|p| matches!(p, Part::Seq(_))) {
            return Err(PatternError::NoSequence);
        }
        if !ps.iter().any(|p| matches!(p, Part::Year)) {
            return Err(PatternError::NoYear);
        }
        Ok(NumberPattern(s.to_string()))
    }

    /// The default: `503/{seq:04}/{code}/DPMPTSP-{office}/{year}` (503 is the classification
    /// code for licensing in government correspondence; the office code keeps numbers of
    /// different offices in one deployment apart).
    pub fn default_pattern() -> NumberPattern {
        NumberPattern("503/{seq:04}/{code}/DPMPTSP-{office}/{year}".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn format(&self, seq: i64, year: i32, code: &str, office: &str) -> String {
        let mut out = String::new();
        for p in parts(&self.0).unwrap_or_default() {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Seq(w) => out.push_str(&format!("{seq:0w$}")),
                Part::Year => out.push_str(&year.to_string()),
                Part::Code => out.push_str(code),
                Part::Office => out.push_str(office),
            }
        }
        out
    }
}

impl fmt::Display for NumberPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_domain_example_formats_as_expected() {
        let p = NumberPattern::parse("503/{seq:04}/SIP-DRSP/DPMPTSP/{year}").unwrap();
        assert_eq!(p.format(42, 2026, "SIP-DRSP", "JBR"), "503/0042/SIP-DRSP/DPMPTSP/2026");
        assert_eq!(
            NumberPattern::default_pattern().format(7, 2027, "SIP-BDN", "PTK"),
            "503/0007/SIP-BDN/DPMPTSP-PTK/2027"
        );
        assert_eq!(
            NumberPattern::parse("{office}-{year}-{seq}")
                .unwrap()
                .format(12345, 2026, "X", "PTK"),
            "PTK-2026-12345"
        );
    }

    #[test]
    fn patterns_without_sequence_or_year_or_with_unknown_parts_are_refused() {
        assert_eq!(NumberPattern::parse("503/SIP/{year}"), Err(PatternError::NoSequence));
        assert_eq!(NumberPattern::parse("503/{seq:04}/SIP"), Err(PatternError::NoYear));
        assert!(matches!(
            NumberPattern::parse("{seq}/{yr}"),
            Err(PatternError::UnknownToken(_))
        ));
        assert!(matches!(
            NumberPattern::parse("{seq:0}/{year}"),
            Err(PatternError::UnknownToken(_))
        ));
        assert_eq!(
            NumberPattern::parse("<script>{seq}{year}"),
            Err(PatternError::BadCharacters)
        );
    }

    proptest! {
        #[test]
        fn distinct_sequences_in_a_year_give_distinct_numbers(a in 1i64..100_000, b in 1i64..100_000, year in 2020i32..2100) {
            prop_assume!(a != b);
            let p = NumberPattern::default_pattern();
            prop_assert_ne!(p.format(a, year, "SIP-DR", "PTK"), p.format(b, year, "SIP-DR", "PTK"));
        }

        #[test]
        fn the_same_sequence_in_different_years_differs(seq in 1i64..100_000, y in 2020i32..2099) {
            let p = NumberPattern::default_pattern();
            prop_assert_ne!(p.format(seq, y, "SIP-DR", "PTK"), p.format(seq, y + 1, "SIP-DR", "PTK"));
        }
    }
}
