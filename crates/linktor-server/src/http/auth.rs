//! Authentication of the customer's backend by API key
//! (`Authorization: Bearer <key>`), and the rule that another account's
//! object answers 403 while a missing one answers 404.

use axum::{extract::FromRequestParts, http::request::Parts};
use linktor_core::AccountId;
use linktor_store::{Owned, StoreError};

use crate::{
    error::{ApiError, ApiResult},
    state::SharedState,
};

/// The account an API key acts for.
pub struct ApiAccount(pub AccountId);

impl FromRequestParts<SharedState> for ApiAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &SharedState) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.len() <= 200)
            .ok_or_else(|| ApiError::Unauthorized("an API key is required: Authorization: Bearer <key>".into()))?;
        match st.store.authenticate_api_key(key).await? {
            Some(account) => Ok(ApiAccount(account)),
            None => Err(ApiError::Unauthorized("the API key is invalid or revoked".into())),
        }
    }
}

/// Turns a store `NotFound` for `id` into 403 when the row exists in another account.
pub async fn owned<T>(st: &SharedState, result: Result<T, StoreError>, kind: Owned, id: &str, what: &str) -> ApiResult<T> {
    match result {
        Err(StoreError::NotFound) => match st.store.owner_of(kind, id).await? {
            Some(_) => Err(ApiError::Forbidden(format!("this {what} belongs to another account"))),
            None => Err(ApiError::not_found(what)),
        },
        other => Ok(other?),
    }
}

/// Parses a path id; a malformed one is simply not found.
pub fn parse_id<T: std::str::FromStr>(raw: &str, what: &str) -> ApiResult<T> {
    raw.parse().map_err(|_| ApiError::not_found(what))
}
