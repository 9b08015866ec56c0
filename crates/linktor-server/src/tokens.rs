//! Visitor tokens: `<base64url payload>.<hex HMAC-SHA256>` keyed with a
//! server secret kept in the database (so every node checks every token).
//! The payload names the visitor, its channel and account, and an expiry.

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

    pub fn sign(&self, claims: &VisitorClaims) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims serialise"));
        let mac = identity::hmac_hex(&self.key, payload.as_bytes());
        format!("{payload}.{mac}")
    }

    /// The claims of a genuine, unexpired token.
    pub fn verify(&self, token: &str, now_secs: i64) -> Option<VisitorClaims> {
        if token.len() > 1024 {
            return None;
        }
        let (payload, mac) = token.split_once('.')?;
        if !identity::verify_hmac_hex(&self.key, payload.as_bytes(), mac) {
            return None;
        }
        let claims: VisitorClaims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        (claims.exp > now_secs).then_some(claims)
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
}
