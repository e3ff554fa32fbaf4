//! Random identifiers and secrets. Ids in URLs are random (never sequential), so nothing can be
//! found by guessing; secrets are stored only as SHA-256 hashes.

use rand::RngCore;
use sha2::Digest;
use sha2::Sha256;

/// A random id of 128 bits as 26 lower-case base32 characters.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    base32(&bytes)
}

/// A random secret token of 256 bits (session ids, email links, API tokens).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base32(&bytes)
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn base32(bytes: &[u8]) -> String {
    base32_with(bytes, b"abcdefghijklmnopqrstuvwxyz234567")
}

/// Base32 (RFC 4648 order) without padding, in the given alphabet's case.
pub fn base32_with(bytes: &[u8], alphabet: &[u8; 32]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(alphabet[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(alphabet[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Ids come back from URLs: accept only the shape we make, so no odd string reaches a query.
pub fn looks_like_id(s: &str) -> bool {
    s.len() == 26 && s.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_26_chars_unique_and_recognised() {
        let a = new_id();
        let b = new_id();
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
        assert!(looks_like_id(&a));
        assert!(!looks_like_id("../../etc/passwd"));
        assert_eq!(new_token().len(), 52);
    }
}
