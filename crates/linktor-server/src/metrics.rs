//! Prometheus metrics served at `/metrics`: sockets, messages, webhook
//! deliveries and the latencies that matter to a visitor.

use prometheus_client::{
    encoding::{text::encode, EncodeLabelSet},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    pub kind: &'static str,
}

pub struct Metrics {
    registry: Registry,
    pub sockets: Family<KindLabel, Gauge>,
    pub messages_stored: Counter,
    pub store_batch_seconds: Histogram,
    pub webhook_attempts: Family<OutcomeLabel, Counter>,
    pub webhook_seconds: Histogram,
    pub http_requests: Family<OutcomeLabel, Counter>,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("linktor");
        let sockets = Family::<KindLabel, Gauge>::default();
        registry.register("websocket_connections", "Open WebSocket connections", sockets.clone());
        let messages_stored = Counter::default();
        registry.register("messages_stored", "Messages stored", messages_stored.clone());
        let buckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];
        let store_batch_seconds = Histogram::new(buckets);
        registry.register("message_store_batch_seconds", "Time to store one batch of messages", store_batch_seconds.clone());
        let webhook_attempts = Family::<OutcomeLabel, Counter>::default();
        registry.register("webhook_attempts", "Webhook delivery attempts by outcome", webhook_attempts.clone());
        let webhook_seconds = Histogram::new(buckets);
        registry.register("webhook_attempt_seconds", "Webhook request duration", webhook_seconds.clone());
        let http_requests = Family::<OutcomeLabel, Counter>::default();
        registry.register("http_responses", "HTTP responses by status class", http_requests.clone());
        Self { registry, sockets, messages_stored, store_batch_seconds, webhook_attempts, webhook_seconds, http_requests }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("metrics encode to a String");
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
