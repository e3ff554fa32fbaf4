//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, computed by `totp-rs`):
//! HMAC-SHA-1, 6 digits, 30-second steps, one step of tolerance either way — what every
//! authenticator app (Google/Microsoft Authenticator, Aegis, FreeOTP, …) speaks by default. Also
//! the pieces of enrolment: base32 secrets, the `otpauth://` URI and its QR code (an SVG `data:`
//! URI, so no image library is needed and the page works without JavaScript), and one-time
//! recovery codes.
//!
//! Pure functions only; storage and policy (a matched step is accepted once) live in `auth::mfa`.

use rand::RngCore;
use totp_rs::Algorithm;
use totp_rs::Builder;
use totp_rs::Secret;
use totp_rs::Totp;

pub const DIGITS: usize = 6;

pub const STEP_SECONDS: i64 = 30;

/// Steps accepted either side of the current one (clock drift, slow typing).
pub const SKEW_STEPS: i64 = 1;

/// Bytes of a new secret: 160 bits, the RFC 4226 recommendation (32 base32 characters).
pub const SECRET_BYTES: usize = 20;

pub const RECOVERY_CODES: usize = 10;

pub const ISSUER: &str = "izinkes";

/// RFC 4648 base32, upper case, without padding (the form authenticator apps expect).
pub fn base32_encode(bytes: &[u8]) -> String {
    Secret::from(bytes).to_base32()
}

/// Decodes base32 as people type it: any case, spaces, dashes and padding ignored.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '='))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let secret = Secret::try_from_base32(&cleaned).ok()?;
    (!secret.as_ref().is_empty()).then(|| secret.as_ref().to_vec())
}

/// A new random secret, base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    base32_encode(&bytes)
}

/// The secret in groups of four for typing by hand ("ABCD EFGH …").
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The generator of a base32 secret; `None` for an unreadable one or one shorter than the
/// 128 bits RFC 4226 requires (every secret we issue has 160).
fn totp(secret: &str) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS as u8)
        .with_skew(SKEW_STEPS as u16)
        .with_step_duration(STEP_SECONDS as u64)
        .with_secret(base32_decode(secret)?)
        .build()
        .ok()
}

/// The time step of a Unix time.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The code of one step, zero-padded; `None` for an unreadable secret.
pub fn code_at_step(secret: &str, step: i64) -> Option<String> {
    let time = u64::try_from(step).ok()?.checked_mul(STEP_SECONDS as u64)?;
    Some(totp(secret)?.generate(time).to_string())
}

/// The code an authenticator shows at a Unix time.
pub fn code_at(secret: &str, unix_seconds: i64) -> Option<String> {
    code_at_step(secret, step_of(unix_seconds))
}

/// The code an authenticator shows now (tests and tools use it too).
pub fn current_code(secret: &str) -> Option<String> {
    code_at(secret, chrono::Utc::now().timestamp())
}

/// A typed code reduced to its digits when it looks like a TOTP code ("123 456" → "123456").
pub fn normalize_code(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    (digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Checks a code at a Unix time within `SKEW_STEPS` either way; returns the step it matched
/// (callers refuse a step already used, so a code cannot be replayed within its window).
/// `totp-rs` compares codes in constant time.
pub fn verify_at(secret: &str, code: &str, unix_seconds: i64) -> Option<i64> {
    let code = normalize_code(code)?;
    let time = u64::try_from(unix_seconds).ok()?;
    let step = totp(secret)?.check(&code, time)?;
    i64::try_from(step).ok()
}

pub fn verify_now(secret: &str, code: &str) -> Option<i64> {
    verify_at(secret, code, chrono::Utc::now().timestamp())
}

/// The `otpauth://` URI authenticator apps read from the QR code.
pub fn otpauth_uri(secret: &str, account: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let label = format!("{ISSUER}:{account}");
    format!(
        "otpauth://totp/{}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        utf8_percent_encode(&label, NON_ALPHANUMERIC),
        utf8_percent_encode(ISSUER, NON_ALPHANUMERIC),
    )
}

/// A QR code of `text` as an SVG image: error correction M, black modules on white with the
/// 4-module quiet zone (the `qrcode` crate, as the permits' QR codes).
pub fn qr_svg(text: &str) -> Option<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .quiet_zone(true)
            .module_dimensions(5, 5)
            .dark_color(svg::Color("#000"))
            .light_color(svg::Color("#fff"))
            .build(),
    )
}

/// The QR code as a `data:` URI for an `<img src>` (the CSP allows `img-src data:`).
pub fn qr_data_uri(text: &str) -> Option<String> {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let svg = qr_svg(text)?;
    Some(format!(
        "data:image/svg+xml,{}",
        utf8_percent_encode(&svg, NON_ALPHANUMERIC)
    ))
}

/// Recovery-code alphabet: lower case without look-alikes (no 0/o, 1/l/i).
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// New one-time recovery codes, "xxxxx-xxxxx" (about 49 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rng.fill_bytes(&mut bytes);
            let chars: String = bytes
                .iter()
                .map(|b| RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// A typed recovery code in its stored form (lower case, no spaces or dashes); `None` when it
/// cannot be one.
pub fn normalize_recovery(input: &str) -> Option<String> {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    (s.len() == 10 && s.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(s)
}

/// What is stored of a recovery code: the SHA-256 of its normalized form.
pub fn recovery_hash(normalized: &str) -> String {
    crate::platform::ids::sha256_hex(format!("izinkes-recovery:{normalized}").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8-digit values; we keep the last 6 digits).
    #[test]
    fn rfc6238_test_vectors() {
        let secret = base32_encode(b"12345678901234567890");
        for (t, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_at(&secret, t).as_deref(), Some(&eight[2..]), "t={t}");
        }
    }

    #[test]
    fn rfc4226_hotp_vectors() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        // A TOTP step is the HOTP counter.
        let secret = base32_encode(b"12345678901234567890");
        for (counter, want) in expected.iter().enumerate() {
            let code = format!("{want:06}");
            assert_eq!(code_at_step(&secret, counter as i64).as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn base32_round_trips_and_accepts_human_input() {
        for len in 0..25 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let enc = base32_encode(&bytes);
            if len == 0 {
                assert_eq!(base32_decode(&enc), None);
            } else {
                assert_eq!(base32_decode(&enc).as_deref(), Some(&bytes[..]));
                assert_eq!(
                    base32_decode(&grouped(&enc).to_lowercase()).as_deref(),
                    Some(&bytes[..])
                );
            }
        }
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI======").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(base32_decode("MZ1W"), None);
    }

    #[test]
    fn verification_allows_one_step_of_drift_only() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let t = 1_700_000_015;
        let now = step_of(t);
        let code = code_at(&secret, t).unwrap_or_default();
        assert_eq!(verify_at(&secret, &code, t), Some(now));
        assert_eq!(
            verify_at(&secret, &format!("{} {}", &code[..3], &code[3..]), t),
            Some(now)
        );
        let previous = code_at(&secret, t - 30).unwrap_or_default();
        assert_eq!(verify_at(&secret, &previous, t), Some(now - 1));
        let next = code_at(&secret, t + 30).unwrap_or_default();
        assert_eq!(verify_at(&secret, &next, t), Some(now + 1));
        let old = code_at(&secret, t - 90).unwrap_or_default();
        if old != code && old != previous && old != next {
            assert_eq!(verify_at(&secret, &old, t), None);
        }
        assert_eq!(verify_at(&secret, "12345", t), None);
        assert_eq!(verify_at(&secret, "abcdef", t), None);
        assert_eq!(verify_at("not base32!", "123456", t), None);
    }

    #[test]
    fn otpauth_uri_and_qr() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "kadis@jembrana.go.id");
        assert!(
            uri.starts_with(
                "otpauth://totp/izinkes%3Akadis%40jembrana%2Ego%2Eid?secret=JBSWY3DPEHPK3PXP&issuer=izinkes"
            )
        );
        let svg = qr_svg(&uri).unwrap_or_default();
        assert!(svg.contains("<svg") && svg.contains("<path") && svg.contains("fill=\"#000\""));
        assert!(
            qr_data_uri(&uri)
                .unwrap_or_default()
                .starts_with("data:image/svg+xml,%3C")
        );
        assert_eq!(qr_svg(&"x".repeat(5000)), None, "too long for any QR version");
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalize() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        for c in &codes {
            assert_eq!(c.len(), 11);
            let n = normalize_recovery(&c.to_uppercase()).unwrap_or_default();
            assert_eq!(n, c.replace('-', ""));
            assert_eq!(recovery_hash(&n).len(), 64);
        }
        assert_eq!(normalize_recovery("123456"), None);
        assert_eq!(normalize_recovery("abcde-fghi0"), None);
    }
}
