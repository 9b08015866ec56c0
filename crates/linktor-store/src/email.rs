//! Conversations that continue by email: which conversations have business
//! messages waiting to be looked at (`schedule_email`, `claim_due_emails`),
//! the durable mark of what was mailed (`begin_email`: a compare-and-set made
//! before the mail is sent, so nothing is mailed twice on any number of
//! nodes), visitors' opt-outs, and the log of mails sent.

use linktor_core::{AccountId, ConversationId, VisitorId};

use crate::db::query;
use crate::{now_ms, Result, Store};

/// A conversation a worker claimed, until `lease_until`.
#[derive(Clone, Debug, PartialEq)]
pub struct DueEmail {
    pub account: AccountId,
    pub conversation: ConversationId,
    /// Business messages up to this seq were mailed already.
    pub emailed_seq: i64,
    /// Times sending failed in a row.
    pub attempts: u32,
    pub lease_until: i64,
}

/// What a mail carried, for the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailKind {
    /// Business messages the visitor had not read in time.
    Unread,
    /// The whole conversation, asked for by the visitor or an agent.
    Transcript,
}

impl EmailKind {
    fn as_str(self) -> &'static str {
        match self {
            EmailKind::Unread => "unread",
            EmailKind::Transcript => "transcript",
        }
    }
}

impl Store {
    /// A business message `seq` was stored in `conversation`: look at it at
    /// `due_at` (ms) unless a look is due earlier.
    pub async fn schedule_email(&self, account: &AccountId, conversation: &ConversationId, seq: i64, due_at: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        schedule_email_in(&mut tx, account, conversation, seq, due_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims up to `limit` conversations whose look is due, for `lease_ms`
    /// (`FOR UPDATE SKIP LOCKED` on PostgreSQL: nodes never claim the same one).
    pub async fn claim_due_emails(&self, limit: i64, lease_ms: i64) -> Result<Vec<DueEmail>> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let rows = query(&format!(
            "SELECT conversation_id, account_id, emailed_seq, attempts FROM email_conversations
             WHERE due_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
             ORDER BY due_at, conversation_id LIMIT $2{}",
            match self.dialect {
                crate::Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
                crate::Dialect::Sqlite => "",
            }
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&mut tx)
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get("conversation_id")?;
            query("UPDATE email_conversations SET locked_until = $1 WHERE conversation_id = $2")
                .bind(now + lease_ms)
                .bind(&id)
                .execute(&mut tx)
                .await?;
            claimed.push(DueEmail {
                account: AccountId::from_trusted(row.try_get("account_id")?),
                conversation: ConversationId::from_trusted(id),
                emailed_seq: row.try_get("emailed_seq")?,
                attempts: row.try_get::<i64, _>("attempts")? as u32,
                lease_until: now + lease_ms,
            });
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Marks business messages `from_seq` (the `emailed_seq` the claim read)
    /// to `to_seq` as mailed to `recipient`, and logs the mail; done before
    /// sending. `false` when another worker moved the mark first: that one
    /// sends, this one must not.
    pub async fn begin_email(&self, due: &DueEmail, recipient: &str, to_seq: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = query("UPDATE email_conversations SET emailed_seq = $1 WHERE conversation_id = $2 AND emailed_seq = $3 AND emailed_seq < $1")
            .bind(to_seq)
            .bind(due.conversation.as_str())
            .bind(due.emailed_seq)
            .execute(&mut tx)
            .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        insert_log(&mut tx, &due.account, &due.conversation, EmailKind::Unread, recipient, due.emailed_seq + 1, to_seq).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A mail `begin_email` marked could not be sent: the mark goes back
    /// (unless a later mail moved it) and the look is due again at `retry_at`.
    pub async fn undo_email(&self, due: &DueEmail, to_seq: i64, retry_at: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        query("UPDATE email_conversations SET emailed_seq = $1, due_at = $2, locked_until = NULL, attempts = attempts + 1 WHERE conversation_id = $3 AND emailed_seq = $4")
            .bind(due.emailed_seq)
            .bind(retry_at)
            .bind(due.conversation.as_str())
            .bind(to_seq)
            .execute(&mut tx)
            .await?;
        query("DELETE FROM email_log WHERE conversation_id = $1 AND kind = 'unread' AND from_seq = $2 AND to_seq = $3")
            .bind(due.conversation.as_str())
            .bind(due.emailed_seq + 1)
            .bind(to_seq)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The look at a claimed conversation is over, having seen business
    /// messages up to `seen_seq`: nothing is pending unless a later message
    /// asked for a look, which is then due at `next_due`.
    pub async fn finish_email_check(&self, due: &DueEmail, seen_seq: i64, next_due: i64) -> Result<()> {
        query(
            "UPDATE email_conversations SET locked_until = NULL, attempts = 0,
               due_at = CASE WHEN pending_seq > $1 THEN $2 ELSE NULL END
             WHERE conversation_id = $3",
        )
        .bind(seen_seq)
        .bind(next_due)
        .bind(due.conversation.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets a conversation that is gone (deleted by retention).
    pub async fn forget_email_conversation(&self, conversation: &ConversationId) -> Result<()> {
        query("DELETE FROM email_conversations WHERE conversation_id = $1").bind(conversation.as_str()).execute(&self.pool).await?;
        Ok(())
    }

    /// The visitor asked for no more mail (idempotent).
    pub async fn opt_out_of_email(&self, account: &AccountId, visitor: &VisitorId) -> Result<()> {
        query("INSERT INTO email_optouts (visitor_id, account_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (visitor_id) DO NOTHING")
            .bind(visitor.as_str())
            .bind(account.as_str())
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn opted_out_of_email(&self, account: &AccountId, visitor: &VisitorId) -> Result<bool> {
        let row = query("SELECT 1 AS one FROM email_optouts WHERE visitor_id = $1 AND account_id = $2")
            .bind(visitor.as_str())
            .bind(account.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Logs a mail that needs no mark (a transcript).
    pub async fn log_email(&self, account: &AccountId, conversation: &ConversationId, kind: EmailKind, recipient: &str, from_seq: i64, to_seq: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        insert_log(&mut tx, account, conversation, kind, recipient, from_seq, to_seq).await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many mails of `kind` went out for `conversation` since `since_ms`.
    pub async fn emails_since(&self, account: &AccountId, conversation: &ConversationId, kind: EmailKind, since_ms: i64) -> Result<i64> {
        let row = query("SELECT COUNT(*) AS n FROM email_log WHERE conversation_id = $1 AND account_id = $2 AND kind = $3 AND created_at >= $4")
            .bind(conversation.as_str())
            .bind(account.as_str())
            .bind(kind.as_str())
            .bind(since_ms)
            .fetch_one(&self.pool)
            .await?;
        row.try_get("n")
    }

    /// How many mails of `kind` went out for the whole account since `since_ms`.
    pub async fn account_emails_since(&self, account: &AccountId, kind: EmailKind, since_ms: i64) -> Result<i64> {
        let row = query("SELECT COUNT(*) AS n FROM email_log WHERE account_id = $1 AND kind = $2 AND created_at >= $3")
            .bind(account.as_str())
            .bind(kind.as_str())
            .bind(since_ms)
            .fetch_one(&self.pool)
            .await?;
        row.try_get("n")
    }

    /// The highest seq mailed of `conversation` as unread messages (0: none).
    pub async fn emailed_seq(&self, account: &AccountId, conversation: &ConversationId) -> Result<i64> {
        let row = query("SELECT emailed_seq FROM email_conversations WHERE conversation_id = $1 AND account_id = $2")
            .bind(conversation.as_str())
            .bind(account.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("emailed_seq")).transpose().map(|s| s.unwrap_or(0))
    }
}

async fn insert_log(
    tx: &mut crate::db::Conn,
    account: &AccountId,
    conversation: &ConversationId,
    kind: EmailKind,
    recipient: &str,
    from_seq: i64,
    to_seq: i64,
) -> Result<()> {
    query(
        "INSERT INTO email_log (id, account_id, conversation_id, kind, recipient, from_seq, to_seq, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(format!("email_{}", linktor_core::random_token(24)))
    .bind(account.as_str())
    .bind(conversation.as_str())
    .bind(kind.as_str())
    .bind(recipient)
    .bind(from_seq)
    .bind(to_seq)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// `Store::schedule_email` inside a transaction (the message writer's own).
pub(crate) async fn schedule_email_in(tx: &mut crate::db::Conn, account: &AccountId, conversation: &ConversationId, seq: i64, due_at: i64) -> Result<()> {
    query(
        "INSERT INTO email_conversations (conversation_id, account_id, pending_seq, due_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (conversation_id) DO UPDATE SET
           pending_seq = CASE WHEN email_conversations.pending_seq > excluded.pending_seq THEN email_conversations.pending_seq ELSE excluded.pending_seq END,
           due_at = CASE WHEN email_conversations.due_at IS NOT NULL AND email_conversations.due_at < excluded.due_at
                         THEN email_conversations.due_at ELSE excluded.due_at END",
    )
    .bind(conversation.as_str())
    .bind(account.as_str())
    .bind(seq)
    .bind(due_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
