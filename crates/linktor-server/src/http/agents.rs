//! Agents of an account: the list (everyone), creating and removing them
//! (admins), and each agent's own availability, which decides whether the
//! account's widgets show agents online or switch to offline mode.

use axum::{
    extract::State,
    http::StatusCode,
    Json,
};
use linktor_core::{
    agent::{Agent, AvailabilityRequest, CreateAgentRequest},
    api::ErrorBody,
    AgentId, ValidationError,
};
use linktor_store::Owned;

use super::{
    auth::{owned, ApiAccount, InboxCaller, SignedIn},
    parse_id,
};
use crate::{
    error::{ApiResult, JsonBody, Path},
    services::agents::create_agent,
    state::SharedState,
};

#[utoipa::path(get, operation_id = "listAgents", path = "/v1/agents", tag = "agents",
    responses((status = 200, body = Vec<Agent>), (status = 401, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn list(State(st): State<SharedState>, caller: InboxCaller) -> ApiResult<Json<Vec<Agent>>> {
    Ok(Json(st.store.list_agents(&caller.account).await?.iter().map(|a| a.api()).collect()))
}

#[utoipa::path(post, operation_id = "createAgent", path = "/v1/agents", tag = "agents", request_body = CreateAgentRequest,
    responses((status = 201, body = Agent), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn create(State(st): State<SharedState>, ApiAccount(account): ApiAccount, JsonBody(req): JsonBody<CreateAgentRequest>) -> ApiResult<(StatusCode, Json<Agent>)> {
    if req.email.len() > 320 {
        return Err(ValidationError::new("email", "at most 320 characters").into());
    }
    let agent = create_agent(&st.store, &account, &req.email, &req.name, req.role, &req.password).await?;
    Ok((StatusCode::CREATED, Json(agent.api())))
}

#[utoipa::path(delete, operation_id = "deleteAgent", path = "/v1/agents/{agent_id}", tag = "agents", params(("agent_id" = linktor_core::AgentId, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn delete(State(st): State<SharedState>, caller: InboxCaller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let ApiAccount(account) = ApiAccount::from_caller(caller.clone())?;
    let aid: AgentId = parse_id(&id, "agent")?;
    if caller.agent.as_ref().is_some_and(|me| me.id == aid) {
        return Err(ValidationError::new("agentId", "you cannot remove yourself; ask another admin").into());
    }
    owned(&st, st.remove_agent(&account, &aid).await, Owned::Agent, &id, "agent").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in agent's availability: online, away or offline.
#[utoipa::path(put, operation_id = "setMyAvailability", path = "/v1/agents/me/availability", tag = "agents", request_body = AvailabilityRequest,
    responses((status = 200, body = Agent), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = [])))]
pub async fn set_availability(State(st): State<SharedState>, me: SignedIn, JsonBody(req): JsonBody<AvailabilityRequest>) -> ApiResult<Json<Agent>> {
    st.set_availability(&me.agent, req.availability).await?;
    Ok(Json(linktor_core::agent::Agent { availability: req.availability, ..me.agent.api() }))
}
