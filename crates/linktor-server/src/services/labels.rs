//! Labels of an account and of its conversations. A conversation's labels
//! change in one transaction, then every dashboard of the account hears of
//! the conversation; the widget never does (labels are the agents' side).

use linktor_core::{
    api::Conversation,
    inbox::{CreateLabelRequest, Label, SetLabelsRequest, UpdateLabelRequest},
    AccountId, ValidationError,
};
use linktor_store::StoreError;

use crate::{
    bus::{BusEvent, Topic},
    error::{ApiError, ApiResult},
    state::AppState,
};

impl AppState {
    pub async fn create_label(&self, account: &AccountId, req: CreateLabelRequest) -> ApiResult<Label> {
        req.validate()?;
        Ok(self.store.create_label(account, &req.name, req.color.as_deref(), req.description.as_deref()).await?)
    }

    pub async fn update_label(&self, account: &AccountId, name: &str, req: UpdateLabelRequest) -> ApiResult<Label> {
        req.validate()?;
        Ok(self.store.update_label(account, name, req.color.as_deref(), req.description.as_deref()).await?)
    }

    /// Deletes the label, takes it off its conversations and tells the dashboards.
    pub async fn delete_label(&self, account: &AccountId, name: &str) -> ApiResult<()> {
        for conversation in self.store.delete_label(account, name).await? {
            self.bus.publish(&Topic::Account(account.clone()), BusEvent::Conversation { conversation }).await;
        }
        Ok(())
    }

    /// Sets a conversation's labels (all of them); an unknown name is a 422.
    pub async fn set_labels(&self, account: &AccountId, conversation: &Conversation, req: SetLabelsRequest) -> ApiResult<Conversation> {
        let names = req.names()?;
        let updated = match self.store.set_conversation_labels(account, &conversation.id, &names).await {
            Err(StoreError::Conflict(m)) => return Err(ApiError::Validation(ValidationError::new("labels", m))),
            other => other?,
        };
        if updated.labels != conversation.labels {
            self.bus.publish(&Topic::Account(account.clone()), BusEvent::Conversation { conversation: updated.clone() }).await;
        }
        Ok(updated)
    }
}
