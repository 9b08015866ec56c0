//! The webhook outbox worker. Deliveries are rows written with the change
//! they announce; this worker claims due rows (a lease, so any node may run
//! it), POSTs them signed, and records every attempt. A failure or timeout is
//! retried with exponential backoff and jitter until `max_attempts`.

use chrono::Utc;
use linktor_core::{api::DeliveryAttempt, webhook};
use linktor_store::{AttemptOutcome, ClaimedDelivery};
use rand::Rng;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

use crate::{metrics::OutcomeLabel, state::SharedState};

const BATCH: i64 = 128;
/// Checked even without a wake-up: other nodes' deliveries and due retries.
const POLL: Duration = Duration::from_secs(1);

/// Delay before attempt `attempts + 1`: 1 s, 2 s, 4 s … capped at 1 h, ±20 %.
pub fn backoff(attempts: u32) -> Duration {
    let base = 1000u64.saturating_mul(1u64 << attempts.min(12)).min(3_600_000);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    Duration::from_millis((base as f64 * jitter) as u64)
}

/// How long a claim holds a delivery: longer than a batch's requests may
/// take, so a live worker keeps it; short, so a killed node's claims are
/// retried soon.
pub fn lease(config: &crate::config::Config) -> Duration {
    config.webhook_timeout * 2 + Duration::from_secs(5)
}

/// Runs until `stop` turns true (after the sockets have closed, so what they
/// stored last is handed over and delivered first).
pub async fn run(st: SharedState, client: reqwest::Client, mut born: mpsc::Receiver<Vec<ClaimedDelivery>>, mut stop: watch::Receiver<bool>) {
    let lease_ms = lease(&st.config).as_millis() as i64;
    loop {
        // Drain what is due, a batch at a time, in parallel within a batch.
        loop {
            let batch = match st.store.claim_due_deliveries(BATCH, lease_ms).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::error!(error = %e, "claiming webhook deliveries failed");
                    break;
                }
            };
            if batch.is_empty() {
                break;
            }
            let full = batch.len() as i64 == BATCH;
            deliver_batch(&st, &client, batch).await;
            if !full {
                break;
            }
        }
        // Told to stop, or the server that could tell it is gone.
        if *stop.borrow() || stop.has_changed().is_err() {
            // What this node queued and still holds goes out before it stops.
            born.close();
            while let Some(batch) = born.recv().await {
                deliver_batch(&st, &client, with_waiting(batch, &mut born)).await;
            }
            return;
        }
        tokio::select! {
            Some(batch) = born.recv() => {
                // Born claimed by this node: no claim needed.
                deliver_batch(&st, &client, with_waiting(batch, &mut born)).await;
                continue;
            }
            _ = st.outbox_wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => {}
        }
    }
}

/// `batch` and whatever else is waiting, up to `BATCH` or a little over.
fn with_waiting(mut batch: Vec<ClaimedDelivery>, born: &mut mpsc::Receiver<Vec<ClaimedDelivery>>) -> Vec<ClaimedDelivery> {
    while batch.len() < BATCH as usize {
        match born.try_recv() {
            Ok(more) => batch.extend(more),
            Err(_) => break,
        }
    }
    batch
}

/// Delivers a batch in parallel and records every attempt.
async fn deliver_batch(st: &SharedState, client: &reqwest::Client, batch: Vec<ClaimedDelivery>) {
    // A delivery whose lease would end before its request could is left
    // alone: once the lease ends, a claim takes it (never twice at once).
    let latest_start = Utc::now().timestamp_millis() + st.config.webhook_timeout.as_millis() as i64;
    let batch = batch.into_iter().filter(|d| d.lease_until > latest_start);
    let attempts = futures::future::join_all(batch.map(|d| deliver(st, client, d))).await;
    if let Err(e) = st.store.record_attempts(attempts).await {
        // The leases run out and the deliveries are tried again: at least once, never lost.
        tracing::error!(error = %e, "recording webhook attempts failed");
    }
}

async fn deliver(st: &SharedState, client: &reqwest::Client, d: ClaimedDelivery) -> (linktor_core::DeliveryId, DeliveryAttempt, AttemptOutcome) {
    let started = Instant::now();
    let timestamp = Utc::now().timestamp();
    let signature = webhook::sign(&d.secret, timestamp, d.payload.as_bytes());
    let result = client
        .post(&d.url)
        .timeout(st.config.webhook_timeout)
        .header("content-type", "application/json")
        .header("user-agent", concat!("Linktor-Webhooks/", env!("CARGO_PKG_VERSION")))
        .header(webhook::SIGNATURE_HEADER, signature)
        .header(webhook::EVENT_HEADER, &d.event)
        .header(webhook::DELIVERY_HEADER, d.id.as_str())
        .body(d.payload.clone())
        .send()
        .await;
    let elapsed = started.elapsed();
    st.metrics.webhook_seconds.observe(elapsed.as_secs_f64());
    let (status_code, error) = match &result {
        Ok(r) => (Some(r.status().as_u16()), None),
        Err(e) if e.is_timeout() => (None, Some("timed out".to_owned())),
        Err(e) if e.is_connect() => (None, Some("connection failed".to_owned())),
        Err(e) => (None, Some(e.to_string().chars().take(200).collect())),
    };
    let ok = status_code.is_some_and(|s| (200..300).contains(&s));
    let attempts = d.attempts + 1;
    let outcome = if ok {
        AttemptOutcome::Delivered
    } else if attempts >= st.config.webhook_max_attempts {
        AttemptOutcome::GaveUp
    } else {
        AttemptOutcome::RetryAt(Utc::now().timestamp_millis() + backoff(d.attempts).as_millis() as i64)
    };
    let label = match outcome {
        AttemptOutcome::Delivered => "delivered",
        AttemptOutcome::RetryAt(_) => "retry",
        AttemptOutcome::GaveUp => "failed",
    };
    st.metrics.webhook_attempts.get_or_create(&OutcomeLabel { outcome: label }).inc();
    let attempt = DeliveryAttempt { at: Utc::now(), status_code, error, duration_ms: elapsed.as_millis() as i64 };
    (d.id, attempt, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let first = backoff(0).as_millis();
        assert!((800..=1200).contains(&first));
        let fifth = backoff(4).as_millis();
        assert!((12_800..=19_200).contains(&fifth));
        assert!(backoff(30).as_millis() <= 4_320_000);
    }
}
