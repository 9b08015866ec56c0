//! Agents' presence as widgets see it. An agent counts as available while
//! they are "online" and a dashboard of theirs was heard from within the
//! presence window; every node sweeps for presences that lapsed and tells
//! that account's widgets (repeats from several nodes are harmless).

use linktor_core::AccountId;
use std::time::Duration;

use crate::{
    bus::{BusEvent, Topic},
    error::ApiResult,
    state::{AppState, SharedState},
};

/// Tells every widget of the account whether an agent is online now.
/// Sent after every change (not only when it flips), so two agents
/// changing at once cannot leave widgets with a stale answer.
pub async fn announce_availability(st: &AppState, account: &AccountId) -> ApiResult<()> {
    let agents_online = st.store.agents_online(account).await?;
    for ch in st.store.list_channels(account).await? {
        let channel = ch.channel.id.clone();
        st.bus.publish(&Topic::Channel(channel.clone()), BusEvent::Availability { channel, agents_online }).await;
    }
    Ok(())
}

/// How often the sweep runs: six times per presence window, within bounds.
fn sweep_every(presence: Duration) -> Duration {
    (presence / 6).clamp(Duration::from_millis(250), Duration::from_secs(15))
}

/// Runs until shutdown.
pub async fn run(st: SharedState) {
    let mut shutdown = st.shutdown.clone();
    let every = sweep_every(st.config.agent_presence);
    let mut since = linktor_store::now_ms();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
        let until = linktor_store::now_ms();
        match st.store.presence_lapsed(since, until).await {
            Ok(accounts) => {
                for account in accounts {
                    if let Err(e) = announce_availability(&st, &account).await {
                        tracing::warn!(error = ?e, "announcing availability failed");
                    }
                }
                since = until;
            }
            Err(e) => tracing::warn!(error = %e, "presence sweep failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sweep_runs_six_times_a_window_within_bounds() {
        assert_eq!(sweep_every(Duration::from_secs(90)), Duration::from_secs(15));
        assert_eq!(sweep_every(Duration::from_secs(3)), Duration::from_millis(500));
        assert_eq!(sweep_every(Duration::from_millis(600)), Duration::from_millis(250));
        assert_eq!(sweep_every(Duration::from_secs(3600)), Duration::from_secs(15));
    }
}
