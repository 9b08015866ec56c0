//! Dashboard sessions: a random token in an HttpOnly cookie, stored hashed
//! with the agent it signs in and the CSRF token that agent's changes carry.
//! A session ends on sign-out, on a password change, when the agent is
//! removed, or after `SESSION_IDLE_MS` without use.

use linktor_core::{random_token, AccountId, AgentId};
use crate::db::query;

use crate::{accounts::agent_from_row, hash_secret, now_ms, Agent, Result, Store};

/// Sessions unused for 14 days end.
pub const SESSION_IDLE_MS: i64 = 14 * 24 * 3600 * 1000;

/// A signed-in agent, as a request sees it.
#[derive(Clone, Debug)]
pub struct AgentSession {
    pub agent: Agent,
    pub csrf_token: String,
}

impl Store {
    /// Signs `agent` in; returns the cookie token and the CSRF token.
    pub async fn create_session(&self, account: &AccountId, agent: &AgentId) -> Result<(String, String)> {
        let token = random_token(43);
        let csrf = random_token(32);
        let now = now_ms();
                query(
            "INSERT INTO agent_sessions (token_hash, agent_id, account_id, csrf_token, created_at, last_used_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(hash_secret(&token))
        .bind(agent.as_str())
        .bind(account.as_str())
        .bind(&csrf)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok((token, csrf))
    }

    /// The live session of a cookie token, if any; refreshes its idle timer
    /// at most once a minute so a busy dashboard is not a write per request.
    pub async fn session(&self, token: &str) -> Result<Option<AgentSession>> {
        let hash = hash_secret(token);
        let now = now_ms();
        let row = query(
            "SELECT a.*, s.csrf_token AS s_csrf, s.last_used_at AS s_used FROM agent_sessions s
             JOIN agents a ON a.id = s.agent_id AND a.account_id = s.account_id
             WHERE s.token_hash = $1 AND a.deleted_at IS NULL",
        )
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let used: i64 = row.try_get("s_used")?;
        if now - used > SESSION_IDLE_MS {
            self.delete_session(token).await?;
            return Ok(None);
        }
        if now - used > 60_000 {
                        query("UPDATE agent_sessions SET last_used_at = $1 WHERE token_hash = $2").bind(now).bind(&hash).execute(&self.pool).await?;
        }
        Ok(Some(AgentSession { agent: agent_from_row(&row)?, csrf_token: row.try_get("s_csrf")? }))
    }

    pub async fn delete_session(&self, token: &str) -> Result<()> {
                query("DELETE FROM agent_sessions WHERE token_hash = $1").bind(hash_secret(token)).execute(&self.pool).await?;
        Ok(())
    }

    /// Ends every session of `agent` except the one with token `keep`.
    pub async fn delete_agent_sessions(&self, agent: &AgentId, keep: Option<&str>) -> Result<()> {
        let keep = keep.map(hash_secret).unwrap_or_default();
                query("DELETE FROM agent_sessions WHERE agent_id = $1 AND token_hash <> $2")
            .bind(agent.as_str())
            .bind(keep)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
