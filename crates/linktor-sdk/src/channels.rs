//! Webchat channels: name, allowed domains, default language and the widget
//! settings, and the secret of identity verification (`userHash`).

use linktor_core::{
    api::{Channel, CreateChannelRequest, UpdateChannelRequest},
    ChannelId,
};
use serde::Deserialize;

use crate::{http::Call, Error, IntoId, Linktor};

/// Channels; from [`Linktor::channels`].
///
/// ```no_run
/// use linktor_sdk::api::{CreateChannelRequest, UpdateChannelRequest};
///
/// # async fn run(client: linktor_sdk::Linktor) -> Result<(), linktor_sdk::Error> {
/// let channel = client
///     .channels()
///     .create(CreateChannelRequest {
///         name: "Website Chat".into(),
///         allowed_domains: vec!["example.com".into(), "*.example.com".into()],
///         default_language: None,
///         settings: None,
///     })
///     .await?;
/// let renamed = client
///     .channels()
///     .update(&channel.id, UpdateChannelRequest { name: Some("Support".into()), ..Default::default() })
///     .await?;
/// assert_eq!(renamed.name, "Support");
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Channels<'a> {
    pub(crate) client: &'a Linktor,
}

/// The answer of the identity-secret endpoints.
#[derive(Deserialize)]
struct IdentitySecret {
    secret: String,
}

impl Channels<'_> {
    /// Every channel of the account.
    pub async fn list(&self) -> Result<Vec<Channel>, Error> {
        self.client.execute(Call::get("/v1/channels".into())).await
    }

    /// Creates a channel (`422 validation_failed` names a bad field).
    pub async fn create(&self, channel: CreateChannelRequest) -> Result<Channel, Error> {
        self.client.execute(Call::post("/v1/channels".into()).json(&channel)?).await
    }

    /// One channel.
    pub async fn get(&self, channel_id: impl IntoId<ChannelId>) -> Result<Channel, Error> {
        let id = channel_id.into_id()?;
        self.client.execute(Call::get(format!("/v1/channels/{id}"))).await
    }

    /// Changes the fields that are `Some`; widgets open on visitors' pages get
    /// the new settings at once.
    pub async fn update(&self, channel_id: impl IntoId<ChannelId>, changes: UpdateChannelRequest) -> Result<Channel, Error> {
        let id = channel_id.into_id()?;
        self.client.execute(Call::patch(format!("/v1/channels/{id}")).json(&changes)?).await
    }

    /// Deletes the channel.
    pub async fn delete(&self, channel_id: impl IntoId<ChannelId>) -> Result<(), Error> {
        let id = channel_id.into_id()?;
        self.client.execute(Call::delete(format!("/v1/channels/{id}"))).await
    }

    /// The key of `userHash` for this channel: the page's `userHash` is the
    /// hex HMAC-SHA256 of `user.id` with it (see `linktor_core::identity::hmac_hex`).
    pub async fn identity_secret(&self, channel_id: impl IntoId<ChannelId>) -> Result<String, Error> {
        let id = channel_id.into_id()?;
        let answer: IdentitySecret = self.client.execute(Call::get(format!("/v1/channels/{id}/identity-secret"))).await?;
        Ok(answer.secret)
    }

    /// Replaces the identity secret and returns the new one; hashes made with
    /// the old one stop verifying.
    pub async fn rotate_identity_secret(&self, channel_id: impl IntoId<ChannelId>) -> Result<String, Error> {
        let id = channel_id.into_id()?;
        // A repeat only rotates again, and the answer is the secret in force.
        let call = Call::post(format!("/v1/channels/{id}/identity-secret")).idempotent();
        let answer: IdentitySecret = self.client.execute(call).await?;
        Ok(answer.secret)
    }
}
