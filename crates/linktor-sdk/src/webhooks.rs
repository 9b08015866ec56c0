//! Webhooks: the endpoints and their delivery log over the API, and checking
//! a delivery your server received.
//!
//! Each delivery is a `POST` of `{ "event", "data" }` with the headers
//! `Linktor-Event`, `Linktor-Delivery` (the same on every retry: deduplicate on
//! it) and `Linktor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
//! "<t>.<raw body>">`. [`verify`] checks the signature with linktor-core's own
//! code, refuses a timestamp outside the tolerance, and returns the typed
//! [`WebhookEvent`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use linktor_core::{
    api::{CreateWebhookRequest, CreatedWebhookEndpoint, WebhookDelivery, WebhookEndpoint},
    DeliveryId, WebhookId,
};

pub use linktor_core::webhook::{
    sign, ButtonClicked, ConversationResolved, ConversationStarted, FormSubmitted, MessageEvent, MessageEventMetadata,
    MessageStatusEvent, WebhookEvent, WebhookVisitor, DELIVERY_HEADER, EVENT_HEADER, EVENT_NAMES, SIGNATURE_HEADER,
};

use crate::{http::Call, Error, IntoId, Linktor};

/// How far a signature's timestamp may be from now: 5 minutes, as the API
/// documentation asks.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a delivery did not verify. Answer such a request with `400` and do not
/// act on it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The header has no `t=<unix seconds>` or no `v1=<signature>`.
    #[error("Linktor-Signature is malformed: it needs t=<unix seconds> and v1=<hex signature>")]
    Malformed,
    /// The timestamp is further from now than the tolerance: a replayed
    /// delivery, or a clock that is off.
    #[error("Linktor-Signature is {age:?} from now, more than the tolerance of {tolerance:?}")]
    Expired {
        /// How far the timestamp is from now, either way.
        age: Duration,
        /// The tolerance it was checked against.
        tolerance: Duration,
    },
    /// No signature matches: the body or the header was changed, or the
    /// secret is not this endpoint's. Pass the raw body as received, not JSON
    /// serialised again.
    #[error("Linktor-Signature does not match the body and the secret (pass the raw body and this endpoint's secret)")]
    Mismatch,
    /// The signature is right but the body is not a webhook event this
    /// version knows (a newer server's event).
    #[error("the signed body is not a known webhook event: {0}")]
    Body(#[source] serde_json::Error),
}

/// Checks a delivery and returns its event.
///
/// `secret` is the endpoint's signing secret (from [`Webhooks::create`]),
/// `signature_header` the `Linktor-Signature` header, `body` the raw request
/// body, and `tolerance` how far the signature's time may be from now
/// ([`DEFAULT_TOLERANCE`]).
///
/// ```
/// use linktor_sdk::webhooks::{self, WebhookEvent};
///
/// fn handle(signature: &str, body: &[u8]) -> u16 {
///     let secret = "whsec_…"; // the endpoint's secret, from your configuration
///     match webhooks::verify(secret, signature, body, webhooks::DEFAULT_TOLERANCE) {
///         Ok(WebhookEvent::MessageReceived(m)) => {
///             println!("{} wrote {:?}", m.from, m.content);
///             200
///         }
///         Ok(_) => 200,
///         Err(_) => 400,
///     }
/// }
/// # let body = br#"{"event":"webchat.button.clicked","data":{"conversationId":"conv_abc123","messageId":"msg_abc123","buttonId":"rating_great","visitor":"visitor_xyz","timestamp":"2024-01-15T10:31:00Z"}}"#;
/// # let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
/// # assert_eq!(handle(&webhooks::sign("whsec_…", now, body), body), 200);
/// # assert_eq!(handle(&webhooks::sign("another", now, body), body), 400);
/// ```
pub fn verify(
    secret: &str,
    signature_header: &str,
    body: impl AsRef<[u8]>,
    tolerance: Duration,
) -> Result<WebhookEvent, VerifyError> {
    verify_at(secret, signature_header, body, tolerance, SystemTime::now())
}

/// [`verify`] as if the time were `now` (tests, or replaying a stored delivery).
pub fn verify_at(
    secret: &str,
    signature_header: &str,
    body: impl AsRef<[u8]>,
    tolerance: Duration,
    now: SystemTime,
) -> Result<WebhookEvent, VerifyError> {
    let body = body.as_ref();
    let timestamp = signed_at(signature_header).ok_or(VerifyError::Malformed)?;
    let now = unix_seconds(now);
    let tolerance_secs = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    let age = now.abs_diff(timestamp);
    if age > tolerance.as_secs() {
        return Err(VerifyError::Expired { age: Duration::from_secs(age), tolerance });
    }
    if !linktor_core::webhook::verify(secret, signature_header, body, now, tolerance_secs) {
        return Err(VerifyError::Mismatch);
    }
    serde_json::from_slice(body).map_err(VerifyError::Body)
}

/// The `t` of a signature header that also carries at least one `v1`.
fn signed_at(header: &str) -> Option<i64> {
    let mut timestamp = None;
    let mut signed = false;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.trim().parse::<i64>().ok(),
            Some(("v1", v)) => signed |= !v.trim().is_empty(),
            _ => {}
        }
    }
    timestamp.filter(|_| signed)
}

fn unix_seconds(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// Webhook endpoints; from [`Linktor::webhooks`].
///
/// ```no_run
/// use linktor_sdk::api::CreateWebhookRequest;
///
/// # async fn run(client: linktor_sdk::Linktor) -> Result<(), linktor_sdk::Error> {
/// let endpoint = client
///     .webhooks()
///     .create(CreateWebhookRequest {
///         url: "https://your-backend.example.com/hooks".into(),
///         events: vec!["message.received".into()], // empty: every event
///     })
///     .await?;
/// println!("store this secret, it is shown once: {}", endpoint.secret);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Webhooks<'a> {
    pub(crate) client: &'a Linktor,
}

impl Webhooks<'_> {
    /// Every endpoint of the account.
    pub async fn list(&self) -> Result<Vec<WebhookEndpoint>, Error> {
        self.client.execute(Call::get("/v1/webhooks".into())).await
    }

    /// Registers an endpoint; the answer carries its signing `secret`, shown
    /// this once. `events` empty: every event.
    pub async fn create(&self, endpoint: CreateWebhookRequest) -> Result<CreatedWebhookEndpoint, Error> {
        self.client.execute(Call::post("/v1/webhooks".into()).json(&endpoint)?).await
    }

    /// Removes an endpoint; nothing more is delivered to it.
    pub async fn delete(&self, webhook_id: impl IntoId<WebhookId>) -> Result<(), Error> {
        let id = webhook_id.into_id()?;
        self.client.execute(Call::delete(format!("/v1/webhooks/{id}"))).await
    }

    /// The endpoint's delivery log, most recent first: every attempt with its
    /// status code or error and duration. `limit`: 1–200 (default 50).
    pub async fn deliveries(&self, webhook_id: impl IntoId<WebhookId>, limit: Option<u32>) -> Result<Vec<WebhookDelivery>, Error> {
        let id = webhook_id.into_id()?;
        let call = Call::get(format!("/v1/webhooks/{id}/deliveries")).query([("limit", limit.map(|l| l.to_string()))]);
        self.client.execute(call).await
    }

    /// Queues a delivery again (with the same `Linktor-Delivery` id).
    pub async fn resend(&self, delivery_id: impl IntoId<DeliveryId>) -> Result<WebhookDelivery, Error> {
        let id = delivery_id.into_id()?;
        self.client.execute(Call::post(format!("/v1/webhooks/deliveries/{id}/resend"))).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"event":"webchat.button.clicked","data":{"conversationId":"conv_abc123","messageId":"msg_abc123","buttonId":"rating_great","visitor":"visitor_xyz","timestamp":"2024-01-15T10:31:00Z"}}"#;
    const T: i64 = 1_700_000_000;

    fn at(seconds: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds as u64)
    }

    #[test]
    fn a_signed_body_verifies_into_its_event() {
        let header = sign("whsec", T, BODY);
        let event = verify_at("whsec", &header, BODY, DEFAULT_TOLERANCE, at(T + 10)).unwrap();
        let WebhookEvent::ButtonClicked(click) = event else { panic!("{event:?}") };
        assert_eq!(click.button_id, "rating_great");
    }

    #[test]
    fn tampering_age_and_garbage_are_told_apart() {
        let header = sign("whsec", T, BODY);
        let tampered = String::from_utf8(BODY.to_vec()).unwrap().replace("rating_great", "rating_poor");
        assert!(matches!(verify_at("whsec", &header, tampered, DEFAULT_TOLERANCE, at(T)), Err(VerifyError::Mismatch)));
        assert!(matches!(verify_at("other", &header, BODY, DEFAULT_TOLERANCE, at(T)), Err(VerifyError::Mismatch)));
        let forged = header.replace("v1=", "v1=00");
        assert!(matches!(verify_at("whsec", &forged, BODY, DEFAULT_TOLERANCE, at(T)), Err(VerifyError::Mismatch)));
        let late = verify_at("whsec", &header, BODY, DEFAULT_TOLERANCE, at(T + 301));
        assert!(matches!(late, Err(VerifyError::Expired { age, .. }) if age == Duration::from_secs(301)));
        let early = verify_at("whsec", &header, BODY, DEFAULT_TOLERANCE, at(T - 301));
        assert!(matches!(early, Err(VerifyError::Expired { .. })));
        for garbage in ["", "garbage", "t=abc,v1=00", &format!("t={T}"), "v1=abcd"] {
            assert!(matches!(verify_at("whsec", garbage, BODY, DEFAULT_TOLERANCE, at(T)), Err(VerifyError::Malformed)), "{garbage}");
        }
    }

    #[test]
    fn a_signed_body_that_is_no_event_is_refused() {
        let body = br#"{"event":"something.new","data":{}}"#;
        let header = sign("whsec", T, body);
        assert!(matches!(verify_at("whsec", &header, body, DEFAULT_TOLERANCE, at(T)), Err(VerifyError::Body(_))));
    }
}
