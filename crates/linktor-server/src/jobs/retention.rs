//! The retention job: at start and once an hour, delete what is past its
//! channel's or visitor's data retention. Any node may run it: the purge is
//! one statement per table, and deleting what another node deleted is a no-op.

use std::time::Duration;

use crate::state::SharedState;

const EVERY: Duration = Duration::from_secs(3600);

/// Runs until shutdown.
pub async fn run(st: SharedState) {
    let mut shutdown = st.shutdown.clone();
    loop {
        match st.store.purge_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(conversations = n, "retention: purged expired conversations"),
            Err(e) => tracing::error!(error = %e, "retention purge failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.changed() => return,
        }
    }
}
