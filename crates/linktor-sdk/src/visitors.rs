//! Website visitors: `user` fields, whether their identity is verified, and
//! the context last seen (page, referrer, user agent, language, IP).

use futures_util::{stream, Stream, TryStreamExt};
use linktor_core::{
    api::{Page, Visitor},
    VisitorId,
};

use crate::{http::Call, Error, IntoId, Linktor};

/// Paging of [`Visitors::list`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListVisitors {
    /// 1–200 per page (the server's default: 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Visitors; from [`Linktor::visitors`].
#[derive(Clone, Copy, Debug)]
pub struct Visitors<'a> {
    pub(crate) client: &'a Linktor,
}

impl<'a> Visitors<'a> {
    /// One page, most recently seen first.
    pub async fn list(&self, params: &ListVisitors) -> Result<Page<Visitor>, Error> {
        let call = Call::get("/v1/visitors".into()).query([
            ("limit", params.limit.map(|l| l.to_string())),
            ("cursor", params.cursor.clone()),
        ]);
        self.client.execute(call).await
    }

    /// Every visitor, fetching page after page as the stream is read.
    pub fn list_all(&self, params: ListVisitors) -> impl Stream<Item = Result<Visitor, Error>> + 'a {
        let client = self.client;
        stream::try_unfold(Some(params), move |next| async move {
            let Some(params) = next else { return Ok::<_, Error>(None) };
            let page = Visitors { client }.list(&params).await?;
            let next = page.next_cursor.map(|cursor| ListVisitors { cursor: Some(cursor), ..params });
            Ok(Some((stream::iter(page.data.into_iter().map(Ok::<_, Error>)), next)))
        })
        .try_flatten()
    }

    /// One visitor.
    pub async fn get(&self, visitor_id: impl IntoId<VisitorId>) -> Result<Visitor, Error> {
        let id = visitor_id.into_id()?;
        self.client.execute(Call::get(format!("/v1/visitors/{id}"))).await
    }
}
