//! The email job: claims conversations whose business messages may need
//! mailing (a lease, so any node may run it and none looks at the same
//! conversation twice at once) and hands each to the rules of
//! `services::email`, which send through `jobs::mailer`.

use linktor_store::DueEmail;
use std::{future::Future, time::Duration};

use crate::state::SharedState;

/// Conversations claimed per round.
const BATCH: i64 = 32;
/// Checked this often: a look falls due `LINKTOR_EMAIL_DELAY` after a message.
const POLL: Duration = Duration::from_millis(500);
/// How long a claim holds a conversation: longer than an SMTP exchange may take.
pub const LEASE: Duration = Duration::from_secs(120);
/// Sends a conversation's mail is tried before it is given up.
pub const MAX_ATTEMPTS: u32 = 6;

/// Delay before the next try after `attempts` failed sends: 30 s, 1 min, 2 min … capped at 1 h.
pub fn retry_delay(attempts: u32) -> Duration {
    Duration::from_secs((30u64 << attempts.min(7)).min(3600))
}

/// Runs until shutdown: claims due conversations and hands each to `handle`
/// (the rules of `services::email`), a batch at a time.
pub async fn run<F, Fut>(st: SharedState, handle: F)
where
    F: Fn(DueEmail) -> Fut + Send + Sync,
    Fut: Future<Output = ()> + Send,
{
    let mut shutdown = st.shutdown.clone();
    let lease_ms = LEASE.as_millis() as i64;
    loop {
        if *shutdown.borrow() {
            return;
        }
        match st.store.claim_due_emails(BATCH, lease_ms).await {
            Ok(batch) if !batch.is_empty() => {
                let full = batch.len() as i64 == BATCH;
                futures::future::join_all(batch.into_iter().map(&handle)).await;
                if full {
                    continue;
                }
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "claiming conversations to email failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            changed = shutdown.changed() => if changed.is_err() { return },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_are_capped() {
        assert_eq!(retry_delay(0).as_secs(), 30);
        assert_eq!(retry_delay(1).as_secs(), 60);
        assert_eq!(retry_delay(20).as_secs(), 3600);
    }
}
