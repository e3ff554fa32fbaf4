//! HMAC-SHA256 body signatures in the `sha256=<hex>` form: how Meta signs WhatsApp webhooks and
//! how a payment gateway signs its callbacks to izinkes.

use hmac::Mac;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// `sha256=<hex>` of the body under the secret.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Whether `header` is the body's signature under the secret; compared in constant time.
pub fn signature_valid(secret: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(given) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_checks_only_the_same_body_under_the_same_secret() {
        let sig = signature("rahasia", b"{\"a\":1}");
        assert!(sig.starts_with("sha256=") && sig.len() == 7 + 64);
        assert!(signature_valid("rahasia", b"{\"a\":1}", &sig));
        assert!(!signature_valid("rahasia", b"{\"a\":2}", &sig));
        assert!(!signature_valid("lain", b"{\"a\":1}", &sig));
        assert!(!signature_valid(
            "rahasia",
            b"{\"a\":1}",
            sig.trim_start_matches("sha256=")
        ));
        assert!(!signature_valid("rahasia", b"{\"a\":1}", "sha256=zz"));
    }
}
