//! Visitor tokens: `<base64url payload>.<hex HMAC-SHA256>` keyed with a
//! server secret kept in the database (so every node checks every token).
//! The payload names the visitor, its channel and account, and an expiry.
//! Other signed values (emailed links, reply addresses) are signed with keys
//! derived per purpose (`TokenSigner::purpose`), so a token made for one use
//! is never accepted for another.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use linktor_core::{identity, AccountId, ChannelId, VisitorId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitorClaims {
    pub v: VisitorId,
    pub c: ChannelId,
    pub a: AccountId,
    /// Expiry, Unix seconds.
    pub exp: i64,
}

#[derive(Clone)]
pub struct TokenSigner {
    key: Vec<u8>,
}

impl TokenSigner {
    pub fn new(secret: &str) -> Self {
        Self { key: secret.as_bytes().to_vec() }
    }

    /// A signer for another use of tokens, with its own key derived from
    /// this one: tokens of one purpose do not verify under another.
    pub fn purpose(&self, purpose: &str) -> TokenSigner {
        let derived = identity::hmac_hex(&self.key, format!("linktor purpose: {purpose}").as_bytes());
        TokenSigner { key: derived.into_bytes() }
    }

    pub fn sign(&self, claims: &VisitorClaims) -> String {
        self.sign_value(claims)
    }

    /// The claims of a genuine, unexpired token.
    pub fn verify(&self, token: &str, now_secs: i64) -> Option<VisitorClaims> {
        let claims: VisitorClaims = self.verify_value(token)?;
        (claims.exp > now_secs).then_some(claims)
    }

    /// `<base64url JSON>.<hex MAC>` of any value (its expiry is the caller's to check).
    pub fn sign_value<T: Serialize>(&self, value: &T) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("claims serialise"));
        let mac = identity::hmac_hex(&self.key, payload.as_bytes());
        format!("{payload}.{mac}")
    }

    /// The value of a genuine token made by `sign_value`.
    pub fn verify_value<T: for<'de> Deserialize<'de>>(&self, token: &str) -> Option<T> {
        if token.len() > 1024 {
            return None;
        }
        let (payload, mac) = token.split_once('.')?;
        if !identity::verify_hmac_hex(&self.key, payload.as_bytes(), mac) {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }

    /// A MAC of `text` short enough for an email address's local part:
    /// the first `hex_len` hex digits of its HMAC-SHA256.
    pub fn short_mac(&self, text: &str, hex_len: usize) -> String {
        let mut mac = identity::hmac_hex(&self.key, text.as_bytes());
        mac.truncate(hex_len);
        mac
    }

    /// Whether `mac` is `short_mac(text, mac.len())`, compared in constant time.
    pub fn verify_short_mac(&self, text: &str, mac: &str) -> bool {
        use subtle::ConstantTimeEq;
        let expected = self.short_mac(text, mac.len());
        mac.len() >= 16 && bool::from(expected.as_bytes().ct_eq(mac.to_ascii_lowercase().as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> VisitorClaims {
        VisitorClaims { v: VisitorId::generate(), c: ChannelId::generate(), a: AccountId::generate(), exp }
    }

    #[test]
    fn round_trip_expiry_and_forgery() {
        let s = TokenSigner::new("k");
        let c = claims(1000);
        let t = s.sign(&c);
        assert_eq!(s.verify(&t, 999), Some(c.clone()));
        assert_eq!(s.verify(&t, 1000), None, "expired");
        assert_eq!(TokenSigner::new("other").verify(&t, 0), None, "other key");
        // Changing the payload (another visitor) breaks the MAC.
        let forged = format!("{}.{}", URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(9999)).unwrap()), t.split_once('.').unwrap().1);
        assert_eq!(s.verify(&forged, 0), None);
        assert_eq!(s.verify("garbage", 0), None);
        assert_eq!(s.verify(&"a".repeat(5000), 0), None);
    }

    #[test]
    fn purposes_do_not_accept_each_others_tokens() {
        let s = TokenSigner::new("k");
        let t = s.sign(&claims(1000));
        let resume = s.purpose("resume");
        assert_eq!(resume.verify(&t, 0), None, "a session token is no resume token");
        assert_eq!(s.verify(&resume.sign(&claims(1000)), 0), None, "a resume token is no session token");
        assert!(resume.verify(&resume.sign(&claims(1000)), 0).is_some());
        let mac = resume.short_mac("conv_x.123", 20);
        assert!(resume.verify_short_mac("conv_x.123", &mac));
        assert!(resume.verify_short_mac("conv_x.123", &mac.to_ascii_uppercase()), "mail may change case");
        assert!(!resume.verify_short_mac("conv_y.123", &mac));
        assert!(!resume.verify_short_mac("conv_x.123", &mac[..8]), "too short to trust");
        assert!(!s.verify_short_mac("conv_x.123", &mac));
    }
}
