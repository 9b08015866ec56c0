//! Identity verification: `userHash` is HMAC-SHA256 of `user.id` keyed with
//! the channel's secret, computed by the customer's backend. A page can claim
//! any `user.id`; only a matching hash lets it share history across devices.
//! The same HMAC scheme signs webhooks and visitor tokens.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Lowercase hex HMAC-SHA256 of `message` with `key`.
pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time check of a hex HMAC.
pub fn verify_hmac_hex(key: &[u8], message: &[u8], expected_hex: &str) -> bool {
    let Ok(expected) = hex::decode(expected_hex.trim()) else { return false };
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.verify_slice(&expected).is_ok()
}

/// Whether `user_hash` proves `user_id` for a channel with `secret`.
pub fn verify_user_hash(secret: &str, user_id: &str, user_hash: &str) -> bool {
    verify_hmac_hex(secret.as_bytes(), user_id.as_bytes(), user_hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_hash_round_trip() {
        let h = hmac_hex(b"secret", b"user_123");
        assert!(verify_user_hash("secret", "user_123", &h));
        assert!(verify_user_hash("secret", "user_123", &h.to_uppercase()));
        assert!(!verify_user_hash("secret", "user_124", &h));
        assert!(!verify_user_hash("other", "user_123", &h));
        assert!(!verify_user_hash("secret", "user_123", "zz"));
    }
}
