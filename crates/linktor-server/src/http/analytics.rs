//! `GET /v1/analytics`: per-day conversations, messages, first-response and
//! resolution times of the account, for the dashboard's charts.

use axum::{
    extract::State,
    Json,
};
use chrono::{Duration, NaiveDate, Utc};
use linktor_core::{agent::Analytics, api::ErrorBody, ChannelId, ValidationError};
use linktor_store::Owned;
use serde::Deserialize;

use super::auth::{owned, InboxAccount};
use crate::{error::{ApiResult, Query}, state::SharedState};

/// The longest period one request may ask for.
const MAX_DAYS: i64 = 366;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AnalyticsQuery {
    /// First day, `YYYY-MM-DD` (UTC); default 29 days before `to`. At most
    /// 366 days before `to`, and not after it (else 422).
    from: Option<NaiveDate>,
    /// Last day, inclusive; default today.
    to: Option<NaiveDate>,
    /// Only this channel.
    channel_id: Option<ChannelId>,
}

#[utoipa::path(get, operation_id = "getAnalytics", path = "/v1/analytics", tag = "analytics", params(AnalyticsQuery),
    responses((status = 200, body = Analytics), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = []), ("session" = [])))]
pub async fn get(State(st): State<SharedState>, InboxAccount(account): InboxAccount, Query(q): Query<AnalyticsQuery>) -> ApiResult<Json<Analytics>> {
    let to = q.to.unwrap_or_else(|| Utc::now().date_naive());
    let from = q.from.unwrap_or(to - Duration::days(29));
    if from > to {
        return Err(ValidationError::new("from", "must not be after `to`").into());
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(ValidationError::new("from", format!("the period is at most {MAX_DAYS} days")).into());
    }
    if let Some(id) = &q.channel_id {
        owned(&st, st.store.channel(&account, id).await, Owned::Channel, id.as_str(), "channel").await?;
    }
    let channel = q.channel_id;
    Ok(Json(st.store.analytics(&account, from, to, channel.as_ref()).await?))
}
