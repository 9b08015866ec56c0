//! Id arguments: a method that takes a channel id takes a [`ChannelId`] (or a
//! reference to one) or its text, checked before anything is sent. One kind
//! of id can still never be passed for another.

use linktor_core::{ApiKeyId, ChannelId, ConversationId, DeliveryId, ValidationError, VisitorId, WebhookId};

/// A value usable as an id of type `T`: the id itself, a reference to it, or
/// its text (`"ch_webchat_123"`), which is checked for the right prefix.
pub trait IntoId<T> {
    /// The id, or why the text is not one.
    fn into_id(self) -> Result<T, ValidationError>;
}

macro_rules! into_id {
    ($($id:ty),*) => {$(
        impl IntoId<$id> for $id {
            fn into_id(self) -> Result<$id, ValidationError> {
                Ok(self)
            }
        }
        impl IntoId<$id> for &$id {
            fn into_id(self) -> Result<$id, ValidationError> {
                Ok(self.clone())
            }
        }
        impl IntoId<$id> for &str {
            fn into_id(self) -> Result<$id, ValidationError> {
                self.parse()
            }
        }
        impl IntoId<$id> for String {
            fn into_id(self) -> Result<$id, ValidationError> {
                <$id>::try_from(self)
            }
        }
        impl IntoId<$id> for &String {
            fn into_id(self) -> Result<$id, ValidationError> {
                self.parse()
            }
        }
    )*};
}

into_id!(ChannelId, ConversationId, VisitorId, WebhookId, DeliveryId, ApiKeyId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_their_text_are_taken() {
        let id: ChannelId = "ch_webchat_123".into_id().unwrap();
        assert_eq!(IntoId::<ChannelId>::into_id(&id).unwrap(), id);
        assert_eq!(IntoId::<ChannelId>::into_id(String::from("ch_webchat_123")).unwrap(), id);
        assert!(IntoId::<ChannelId>::into_id("conv_abc123").is_err());
        assert!(IntoId::<ConversationId>::into_id("conv_a/../b").is_err());
    }
}
