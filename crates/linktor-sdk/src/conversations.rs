//! Conversations and their messages: `GET /v1/conversations`, one
//! conversation, its messages in `seq` order, resolve, reopen, mark read.

use futures_util::{stream, Stream, TryStreamExt};
use linktor_core::{
    api::{Conversation, Page},
    ChannelId, ConversationId, ConversationStatus, Message, VisitorId,
};

use crate::{http::Call, Error, IntoId, Linktor};

/// Filters and paging of [`Conversations::list`]; every field is optional.
///
/// ```
/// use linktor_sdk::{conversations::ListConversations, ConversationStatus};
///
/// let open = ListConversations { status: Some(ConversationStatus::Open), limit: Some(20), ..Default::default() };
/// # let _ = open;
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListConversations {
    /// Only `open` or only `resolved` conversations.
    pub status: Option<ConversationStatus>,
    /// Only this channel's.
    pub channel_id: Option<ChannelId>,
    /// Only this visitor's.
    pub visitor_id: Option<VisitorId>,
    /// Searches visitor name, email and message text.
    pub q: Option<String>,
    /// 1–200 per page (the server's default: 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Paging of [`Conversations::messages`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListMessages {
    /// Only messages with a higher `seq` (a page's last `seq`, or its `next_cursor`).
    pub after: Option<i64>,
    /// 1–500 per page (the server's default: 100).
    pub limit: Option<u32>,
}

/// Conversations; from [`Linktor::conversations`].
#[derive(Clone, Copy, Debug)]
pub struct Conversations<'a> {
    pub(crate) client: &'a Linktor,
}

impl<'a> Conversations<'a> {
    /// One page, most recent activity first; pass `next_cursor` as `cursor`
    /// for the next, or use [`Conversations::list_all`].
    pub async fn list(&self, params: &ListConversations) -> Result<Page<Conversation>, Error> {
        let call = Call::get("/v1/conversations".into()).query([
            ("status", params.status.map(|s| s.as_str().to_owned())),
            ("channelId", params.channel_id.as_ref().map(ToString::to_string)),
            ("visitorId", params.visitor_id.as_ref().map(ToString::to_string)),
            ("q", params.q.clone()),
            ("limit", params.limit.map(|l| l.to_string())),
            ("cursor", params.cursor.clone()),
        ]);
        self.client.execute(call).await
    }

    /// Every conversation matching `params`, fetching page after page as the
    /// stream is read.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// use linktor_sdk::{conversations::ListConversations, ConversationStatus};
    ///
    /// # async fn run(client: linktor_sdk::Linktor) -> Result<(), linktor_sdk::Error> {
    /// let open = ListConversations { status: Some(ConversationStatus::Open), ..Default::default() };
    /// let mut all = std::pin::pin!(client.conversations().list_all(open));
    /// while let Some(conversation) = all.try_next().await? {
    ///     println!("{} {}", conversation.id, conversation.visitor_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_all(&self, params: ListConversations) -> impl Stream<Item = Result<Conversation, Error>> + 'a {
        let client = self.client;
        stream::try_unfold(Some(params), move |next| async move {
            let Some(params) = next else { return Ok::<_, Error>(None) };
            let page = Conversations { client }.list(&params).await?;
            let next = page.next_cursor.map(|cursor| ListConversations { cursor: Some(cursor), ..params });
            Ok(Some((stream::iter(page.data.into_iter().map(Ok::<_, Error>)), next)))
        })
        .try_flatten()
    }

    /// One conversation: status, assignee, `last_seq`, pre-chat answers.
    pub async fn get(&self, conversation_id: impl IntoId<ConversationId>) -> Result<Conversation, Error> {
        let id = conversation_id.into_id()?;
        self.client.execute(Call::get(format!("/v1/conversations/{id}"))).await
    }

    /// The conversation's messages in `seq` order (oldest first).
    pub async fn messages(
        &self,
        conversation_id: impl IntoId<ConversationId>,
        params: &ListMessages,
    ) -> Result<Page<Message>, Error> {
        let id = conversation_id.into_id()?;
        let call = Call::get(format!("/v1/conversations/{id}/messages")).query([
            ("after", params.after.map(|a| a.to_string())),
            ("limit", params.limit.map(|l| l.to_string())),
        ]);
        self.client.execute(call).await
    }

    /// Marks the conversation resolved (a `webchat.conversation.resolved` webhook follows).
    pub async fn resolve(&self, conversation_id: impl IntoId<ConversationId>) -> Result<Conversation, Error> {
        let id = conversation_id.into_id()?;
        self.client.execute(Call::post(format!("/v1/conversations/{id}/resolve")).idempotent()).await
    }

    /// Opens a resolved conversation again.
    pub async fn reopen(&self, conversation_id: impl IntoId<ConversationId>) -> Result<Conversation, Error> {
        let id = conversation_id.into_id()?;
        self.client.execute(Call::post(format!("/v1/conversations/{id}/reopen")).idempotent()).await
    }

    /// The business side (a bot, a helpdesk) has read the visitor's messages
    /// up to `seq` (`None`: all so far): the widget shows them read and
    /// `message.read` webhooks follow.
    pub async fn read(&self, conversation_id: impl IntoId<ConversationId>, seq: Option<i64>) -> Result<(), Error> {
        let id = conversation_id.into_id()?;
        let body = serde_json::json!({ "seq": seq });
        self.client.execute(Call::post(format!("/v1/conversations/{id}/read")).idempotent().json(&body)?).await
    }
}
