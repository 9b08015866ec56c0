//! Agents: creating one (the REST API, the dashboard and the CLI validate
//! alike) and an agent's availability, which decides whether the account's
//! widgets show agents online or switch to offline mode.

use linktor_core::{agent::Availability, AccountId, ValidationError};
use linktor_store::{Agent, AgentRole, Store};

use crate::{
    bus::{BusEvent, Topic},
    error::{ApiError, ApiResult},
    jobs::presence::announce_availability,
    state::AppState,
};

pub async fn create_agent(store: &Store, account: &AccountId, email: &str, name: &str, role: AgentRole, password: &str) -> ApiResult<Agent> {
    if !linktor_core::is_email(email.trim()) && !email.trim().ends_with("@localhost") {
        return Err(ValidationError::new("email", "must be an email address").into());
    }
    if name.trim().is_empty() || name.chars().count() > 128 {
        return Err(ValidationError::new("name", "1–128 characters").into());
    }
    linktor_core::agent::validate_password("password", password)?;
    let hash = crate::passwords::hash(password).map_err(ApiError::Internal)?;
    Ok(store.create_agent(account, email, name.trim(), role, &hash).await?)
}

impl AppState {
    /// An agent sets themselves online, away or offline: other dashboards
    /// and the account's widgets are told.
    pub async fn set_availability(&self, agent: &Agent, availability: Availability) -> ApiResult<()> {
        let account = &agent.account_id;
        self.store.set_availability(account, &agent.id, availability).await?;
        // The dashboard asking is proof it is open; its socket keeps it so.
        self.store.agent_seen(account, &agent.id, None).await?;
        self.bus.publish(&Topic::Account(account.clone()), BusEvent::AgentAvailability { agent: agent.id.clone(), availability }).await;
        announce_availability(self, account).await
    }

    /// Removes an agent; the widgets learn whether anyone is still online.
    pub async fn remove_agent(&self, account: &AccountId, agent: &linktor_core::AgentId) -> ApiResult<()> {
        self.store.delete_agent(account, agent).await?;
        announce_availability(self, account).await
    }
}
