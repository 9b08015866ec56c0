//! Liveness, readiness and Prometheus metrics.

use axum::{extract::State, response::IntoResponse};
use linktor_core::api::ErrorBody;
use std::time::Duration;

use crate::{
    error::{ApiError, ApiResult},
    state::SharedState,
};

/// The process is up.
#[utoipa::path(get, operation_id = "healthz", path = "/healthz", tag = "operations", responses((status = 200, description = "alive")))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// How long the database has to answer `/readyz`: a load balancer must
/// hear "not ready" from a node whose database hangs, not wait with it.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The process can serve: the database answers and it is not shutting down.
#[utoipa::path(get, operation_id = "readyz", path = "/readyz", tag = "operations",
    responses((status = 200, description = "ready"), (status = 503, body = ErrorBody, description = "not ready: shutting down, or the database does not answer")))]
pub async fn readyz(State(st): State<SharedState>) -> ApiResult<&'static str> {
    if *st.shutdown.borrow() {
        return Err(ApiError::Unavailable("shutting down".into()));
    }
    match tokio::time::timeout(READY_TIMEOUT, st.store.ping()).await {
        Ok(Ok(())) => Ok("ready"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            Err(ApiError::Unavailable("database unavailable".into()))
        }
        Err(_) => Err(ApiError::Unavailable("database unavailable: no answer within 2 s".into())),
    }
}

/// Prometheus text format.
#[utoipa::path(get, operation_id = "metrics", path = "/metrics", tag = "operations", responses((status = 200, description = "metrics")))]
pub async fn metrics(State(st): State<SharedState>) -> impl IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], st.metrics.render())
}
