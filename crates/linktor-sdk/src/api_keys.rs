//! API keys of the account: list, create (the key is shown once), revoke.

use linktor_core::{
    api::{ApiKey, CreatedApiKey},
    ApiKeyId,
};

use crate::{http::Call, Error, IntoId, Linktor};

/// API keys; from [`Linktor::api_keys`].
#[derive(Clone, Copy, Debug)]
pub struct ApiKeys<'a> {
    pub(crate) client: &'a Linktor,
}

impl ApiKeys<'_> {
    /// Every key that is not revoked (the prefix only, never the key).
    pub async fn list(&self) -> Result<Vec<ApiKey>, Error> {
        self.client.execute(Call::get("/v1/api-keys".into())).await
    }

    /// A new key named `name` (1–128 characters); its `key` is in this answer
    /// and nowhere else: the server keeps only a hash.
    pub async fn create(&self, name: impl Into<String>) -> Result<CreatedApiKey, Error> {
        let body = serde_json::json!({ "name": name.into() });
        self.client.execute(Call::post("/v1/api-keys".into()).json(&body)?).await
    }

    /// Revokes a key: requests with it get `401` from now on.
    pub async fn revoke(&self, key_id: impl IntoId<ApiKeyId>) -> Result<(), Error> {
        let id = key_id.into_id()?;
        self.client.execute(Call::delete(format!("/v1/api-keys/{id}"))).await
    }
}
